# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, sequence_ordered, fields, tree)
from trytond.pyson import Eval

from .model import LGUOwnedMixin

ORG_UNIT_TYPES = [
    ('front_office', "Front Office Desk"),
    ('back_office', "Back Office Unit"),
    ('management', "Management"),
    ('other', "Other"),
    ]


class OrgUnit(
        LGUOwnedMixin, DeactivableMixin, sequence_ordered(),
        tree(separator=' / '),
        ModelSQL, ModelView):
    "Org Unit"
    __name__ = 'ossis.org_unit'
    __string__ = "Org Unit"
    _lgu_links = ('parent', 'administrative_unit', 'head', 'employees')

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    type = fields.Selection(
        ORG_UNIT_TYPES, "Type", required=True,
        help="Front office desks receive applications; back office units "
        "process them.")
    parent = fields.Many2One(
        'ossis.org_unit', "Parent", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="The directorate or sector the unit is part of.")
    children = fields.One2Many('ossis.org_unit', 'parent', "Children")
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit",
        ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'required': Eval('type') == 'front_office',
            },
        help="Where the unit stands; for a front office desk, where "
        "applications are received.")
    head = fields.Many2One(
        'company.employee', "Head", ondelete='SET NULL',
        domain=[
            ('company', '=', Eval('company', -1)),
            ])
    employees = fields.Many2Many(
        'ossis.org_unit-company.employee', 'org_unit', 'employee',
        "Staff",
        domain=[
            ('company', '=', Eval('company', -1)),
            ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('company', 'ASC'))

    @classmethod
    def default_type(cls):
        return 'back_office'


class OrgUnitEmployee(ModelSQL):
    "Org Unit - Employee"
    __name__ = 'ossis.org_unit-company.employee'
    __string__ = "Org Unit - Employee"

    org_unit = fields.Many2One(
        'ossis.org_unit', "Org Unit", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('org_unit')
