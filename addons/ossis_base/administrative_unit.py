# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pyson import Eval

from .model import LGUOwnedMixin
from .rec_name import RecNameFieldsMixin


class AdministrativeUnit(
        RecNameFieldsMixin, LGUOwnedMixin, DeactivableMixin, tree(), ModelSQL,
        ModelView):
    "Administrative Unit"
    __name__ = 'ossis.administrative_unit'
    __string__ = "Administrative Unit"
    _rec_name_fields = ('name', 'parent')
    _lgu_links = ('parent',)

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The unique code of the unit: "
        "the municipality code, a dot and the unit slug.")
    kind = fields.Selection([
            ('statutory', "Statutory"),
            ('operational', "Operational"),
            ], "Kind", required=True,
        help="Statutory units are those of Law 115/2014; operational units "
        "are subdivisions a municipality organises itself.")
    seat = fields.Boolean(
        "Seat", help="Check if the unit holds the seat of the municipality.")
    parent = fields.Many2One(
        'ossis.administrative_unit', "Parent", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'invisible': Eval('kind') != 'operational',
            },
        help="The statutory unit an operational unit is part of.")
    children = fields.One2Many(
        'ossis.administrative_unit', 'parent', "Operational Units")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_base.msg_administrative_unit_code_unique'),
            ]
        cls._order.insert(0, ('company', 'ASC'))
        cls._order.insert(1, ('seat', 'DESC'))
        cls._order.insert(2, ('name', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'statutory'

    @classmethod
    def default_seat(cls):
        return False
