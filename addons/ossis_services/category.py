# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered,
    tree)


class Category(
        DeactivableMixin, sequence_ordered(), tree(separator=' / '),
        ModelSQL, ModelView):
    "Service Category"
    __name__ = 'ossis.service.category'

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    parent = fields.Many2One(
        'ossis.service.category', "Parent", ondelete='RESTRICT')
    children = fields.One2Many(
        'ossis.service.category', 'parent', "Children")
    services = fields.One2Many('ossis.service', 'category', "Services")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_services.msg_category_code_unique'),
            ]
