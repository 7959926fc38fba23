# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import namedtuple

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered, tree)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .model import LGUOwnedMixin
from .rec_name import RecNameFieldsMixin

# The ids of a user's employees and of the units they are members of (in
# the order of the user's fields), and of the units they head
UserUnits = namedtuple('UserUnits', ['employees', 'members', 'headed'])

ORG_UNIT_TYPES = [
    ('front_office', "Front Office Desk"),
    ('back_office', "Back Office Unit"),
    ('management', "Management"),
    ('other', "Other"),
    ]


class OrgUnit(
        RecNameFieldsMixin, LGUOwnedMixin, DeactivableMixin,
        sequence_ordered(), tree(separator=' / '),
        ModelSQL, ModelView):
    "Org Unit"
    __name__ = 'ossis.org_unit'
    __string__ = "Org Unit"
    _rec_name_fields = ('name', 'parent')
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

    # Read by every back office action and list: kept until a unit, a
    # membership or a link of a user to an employee changes
    _user_units_cache = Cache(
        'ossis.org_unit.user_units', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('company', 'ASC'))

    @classmethod
    def default_type(cls):
        return 'back_office'

    @classmethod
    def on_modification(cls, mode, units, field_names=None):
        super().on_modification(mode, units, field_names=field_names)
        cls._user_units_cache.clear()

    @classmethod
    def user_units(cls, user_id=None):
        "Return the UserUnits of the user (of the transaction by default)"
        pool = Pool()
        User = pool.get('res.user')
        if user_id is None:
            user_id = Transaction().user
        cached = cls._user_units_cache.get(user_id)
        if cached is not None:
            return UserUnits(*cached)
        with without_check_access():
            employees = User(user_id).employees
            # In the order of the employees and of their units
            members = dict.fromkeys(
                u.id for e in employees for u in e.org_units)
            headed = {u.id for u in cls.search([
                        ('head', 'in', [e.id for e in employees]),
                        ], order=[])} if employees else set()
        units = UserUnits(
            tuple(e.id for e in employees), tuple(members), frozenset(headed))
        cls._user_units_cache.set(user_id, tuple(units))
        return units


class UserUnitsLinkMixin:
    "A link whose changes change the units that users act for"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        super().on_modification(mode, records, field_names=field_names)
        OrgUnit._user_units_cache.clear()


class OrgUnitEmployee(UserUnitsLinkMixin, ModelSQL):
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
