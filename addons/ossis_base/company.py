# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sql import Literal

from trytond.i18n import gettext
from trytond.model import Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from . import identifier
from .exceptions import InvalidIdentifier
from .model import LGUOwnedMixin
from .rec_name import RecNameFieldsMixin

OSSIS_STATUSES = [
    ('planned', "Planned"),
    ('pilot', "Pilot"),
    ('live', "Live"),
    ('suspended', "Suspended"),
    ]


def day_start(date, timezone):
    """Return the UTC instant without time zone at which the day starts in
    the time zone (UTC when none or unknown)"""
    instant = dt.datetime.combine(date, dt.time())
    try:
        zone = ZoneInfo(timezone) if timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        return instant
    return instant.replace(tzinfo=zone).astimezone(dt.timezone.utc).replace(
        tzinfo=None)


class Company(RecNameFieldsMixin, metaclass=PoolMeta):
    "A municipality (local government unit, LGU)"
    __name__ = 'company.company'
    _rec_name_fields = ('party',)

    code = fields.Char(
        "Code", required=True, strip=True,
        help="The short unique name of the municipality, "
        "as used in module names and addresses (e.g. \"elbasan\").")
    number_prefix = fields.Char(
        "Number Prefix", required=True, size=5, strip=True,
        help="The prefix of the numbers given to the records of the "
        "municipality (e.g. \"ELB\" in ELB-2026-000123).")
    official_name = fields.Char(
        "Official Name", translate=True,
        help="The official name of the municipality.")
    county = fields.Many2One(
        'country.subdivision', "County", ondelete='RESTRICT',
        domain=[
            ('country.code', '=', 'AL'),
            ('type', '=', 'county'),
            ],
        help="The county (qark) the municipality belongs to.")
    instat_code = fields.Char(
        "INSTAT Code", strip=True,
        help="The code of the municipality in the statistics of INSTAT.")
    seat = fields.Char("Seat", help="The town where the municipality sits.")
    nipt = fields.Char(
        "NIPT", size=10,
        help="The tax identification number of the municipality.")
    population = fields.Integer(
        "Population",
        domain=['OR',
            ('population', '=', None),
            ('population', '>=', 0),
            ],
        help="The population at the last census; empty when unknown.")
    ossis_status = fields.Selection(
        OSSIS_STATUSES, "OSSIS Status", required=True,
        help="How far the municipality is in using OSSIS.")
    go_live_date = fields.Date(
        "Go-Live Date",
        states={
            'required': Eval('ossis_status') == 'live',
            },
        help="The day the municipality started to serve citizens "
        "with OSSIS.")
    ossis_practice = fields.Boolean(
        "Practice Municipality",
        help="A municipality where staff practise in training: its "
        "applications count in no figure, report or export and it is "
        "never published on the portal.")
    administrative_units = fields.One2Many(
        'ossis.administrative_unit', 'company', "Administrative Units")
    org_units = fields.One2Many('ossis.org_unit', 'company', "Org Units")
    closures = fields.One2Many(
        'ossis.calendar.closure', 'company', "Closures",
        help="The days the municipality is closed "
        "besides the public holidays.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ossis_code_unique', Unique(t, t.code),
                'ossis_base.msg_lgu_code_unique'),
            ('ossis_number_prefix_unique', Unique(t, t.number_prefix),
                'ossis_base.msg_lgu_number_prefix_unique'),
            ]

    @classmethod
    def default_ossis_status(cls):
        return 'planned'

    @classmethod
    def default_ossis_practice(cls):
        return False

    @classmethod
    def practice_ids_query(cls):
        "Return the SQL query of the ids of the practice municipalities"
        table = cls.__table__()
        return table.select(
            table.id, where=table.ossis_practice == Literal(True))

    @classmethod
    def real_companies(cls, companies):
        "Return the companies less the practice municipalities"
        return [c for c in companies if not c.ossis_practice]

    @fields.depends('nipt')
    def on_change_nipt(self):
        if self.nipt:
            self.nipt = identifier.compact(self.nipt)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('nipt'):
            values['nipt'] = identifier.compact(values['nipt'])
        if values.get('number_prefix'):
            values['number_prefix'] = values['number_prefix'].upper()
        return values

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        cls.check_nipt(companies, field_names)

    @classmethod
    def check_nipt(cls, companies, field_names=None):
        if field_names and 'nipt' not in field_names:
            return
        for company in companies:
            if company.nipt and not identifier.is_valid(company.nipt):
                raise InvalidIdentifier(gettext(
                        'ossis_base.msg_lgu_invalid_nipt',
                        nipt=company.nipt,
                        lgu=company.rec_name))

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        return ['OR', domain,
            ('code',) + tuple(clause[1:]),
            ]

    @classmethod
    def on_modification(cls, mode, companies, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, companies, field_names=field_names)
        if mode in {'create', 'delete'}:
            # National administrators see every municipality
            User._get_companies_cache.clear()

    def day_start(self, date):
        """Return the instant, in UTC without time zone as trytond stores
        it, at which the day starts in the municipality"""
        return day_start(date, self.timezone)

    @classmethod
    def get_by_code(cls, code):
        "Return the municipality with the code or None"
        companies = cls.search([('code', '=', code)], limit=1)
        return companies[0] if companies else None


class Employee(LGUOwnedMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'
    _lgu_links = ('org_units',)

    position = fields.Char(
        "Position", help="The job title of the employee.")
    org_units = fields.Many2Many(
        'ossis.org_unit-company.employee', 'employee', 'org_unit',
        "Org Units",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="The org units the employee works in.")

    @classmethod
    def on_modification(cls, mode, employees, field_names=None):
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        super().on_modification(mode, employees, field_names=field_names)
        if mode == 'delete':
            # The database deletes their memberships and links to users
            OrgUnit._user_units_cache.clear()
