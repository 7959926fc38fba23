# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The training coverage of the staff: one row per person and role

A person counts in a role when their account has the role's group
(Path.learner_roles); their municipality is the one of their account, their
administrative unit the first one among the org units of their employee.
The practice municipalities are left out.

trained
    a learning path of the role (national or of the municipality) is
    complete: nothing is missing (Path.missing).
certified
    the person holds a certificate in force (valid, not expired) of such a
    path.
expiring
    certified, and the last certificate in force expires within
    EXPIRING_DAYS.
"""
import datetime as dt
import operator

from sql import Literal, Null
from sql.aggregate import Min
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .path import ROLES

# A certificate expiring within these days is to be renewed
EXPIRING_DAYS = 60
OPERATORS = {'=': operator.eq, '!=': operator.ne}


class Coverage(LGUOwnedMixin, ModelSQL, ModelView):
    "Training Coverage"
    __name__ = 'ossis.training.coverage'
    __string__ = "Training Coverage"

    company = fields.Many2One('company.company', "Municipality")
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit",
        help="The administrative unit of the first org unit of the person.")
    user = fields.Many2One('res.user', "Person")
    role = fields.Selection(ROLES, "Role")
    staff = fields.Integer("Staff")
    path = fields.Function(fields.Many2One(
            'ossis.training.path', "Learning Path",
            help="The learning path of the role for the person's "
            "municipality."), 'get_training')
    trained = fields.Function(fields.Boolean(
            "Trained", help="A learning path of the role is complete."),
        'get_training', searcher='search_training')
    certified = fields.Function(fields.Boolean(
            "Certified",
            help="A certificate of the role's path is in force."),
        'get_training', searcher='search_training')
    expiry_date = fields.Function(fields.Date(
            "Certificate Expires",
            help="Empty when the certificate does not expire."),
        'get_training')
    expiring = fields.Function(fields.Boolean(
            "Expiring Soon",
            help="The certificate expires within %s days." % EXPIRING_DAYS),
        'get_training', searcher='search_training')
    missing = fields.Function(fields.Char(
            "Still Needed",
            help="The courses the person still has to complete."),
        'get_training')
    trained_count = fields.Function(
        fields.Integer("Trained Staff"), 'get_training')
    certified_count = fields.Function(
        fields.Integer("Certified Staff"), 'get_training')
    expiring_count = fields.Function(
        fields.Integer("Certificates Expiring"), 'get_training')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('company', 'ASC'),
            ('administrative_unit', 'ASC'),
            ('role', 'ASC'),
            ('user', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        UserGroup = pool.get('res.user-res.group')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        user_group = UserGroup.__table__()
        user = User.__table__()
        units = cls._units_query()
        roles = UserGroup.role_groups()
        role = Case(
            *((user_group.group == g, r) for g, r in roles.items()),
            else_=Null)
        return (user_group
            .join(user, condition=user_group.user == user.id)
            .join(units, 'LEFT', condition=units.employee == user.employee)
            .select(
                user_group.id.as_('id'),
                user.company.as_('company'),
                units.administrative_unit.as_('administrative_unit'),
                user.id.as_('user'),
                role.as_('role'),
                Literal(1).as_('staff'),
                where=user_group.group.in_(list(roles))
                & (user.active == Literal(True))
                & (user.company != Null)
                & ~user.company.in_(Company.practice_ids_query())))

    @classmethod
    def _units_query(cls):
        "Return the query of the administrative unit of each employee"
        pool = Pool()
        Member = pool.get('ossis.org_unit-company.employee')
        OrgUnit = pool.get('ossis.org_unit')
        member = Member.__table__()
        unit = OrgUnit.__table__()
        return (member
            .join(unit, condition=member.org_unit == unit.id)
            .select(
                member.employee.as_('employee'),
                Min(unit.administrative_unit).as_('administrative_unit'),
                group_by=[member.employee]))

    @classmethod
    def get_training(cls, rows, names):
        figures = cls.training_figures(rows)
        return {name: {r.id: figures[r.id][name] for r in rows}
            for name in names}

    @classmethod
    def training_figures(cls, rows):
        "Return {row id: {field name: value}} of the rows, in one batch"
        pool = Pool()
        Path = pool.get('ossis.training.path')
        UserGroup = pool.get('res.user-res.group')
        Date = pool.get('ir.date')
        soon = Date.today() + dt.timedelta(days=EXPIRING_DAYS)
        result = {}
        with without_check_access():
            paths = cls._role_paths({r.company for r in rows})
            expiries = cls._expiries({r.user for r in rows})
            for row in rows:
                row_paths = paths.get((row.company.id, row.role), [])
                user = row.user
                missing = Path.missing(row_paths, user) if row_paths else {}
                trained = any(not texts for texts in missing.values())
                held = [expiries[user.id][p.id] for p in row_paths
                    if p.id in expiries[user.id]]
                # None: a certificate that does not expire
                expiry = (max(held) if held and None not in held else None)
                expiring = bool(expiry and expiry <= soon)
                result[row.id] = {
                    'path': row_paths[0].id if row_paths else None,
                    'trained': trained,
                    'certified': bool(held),
                    'expiry_date': expiry,
                    'expiring': expiring,
                    'missing': (UserGroup.missing_courses(row_paths, user)
                        if row_paths and not trained else None),
                    'trained_count': int(trained),
                    'certified_count': int(bool(held)),
                    'expiring_count': int(expiring),
                    }
        return result

    @classmethod
    def _role_paths(cls, companies):
        """Return {(company id, role): [paths]} of the municipalities: their
        own paths of the role first, then the national ones"""
        pool = Pool()
        Path = pool.get('ossis.training.path')
        paths = Path.search([
                ('courses', '!=', None),
                ['OR',
                    ('company', '=', None),
                    ('company', 'in', [c.id for c in companies]),
                    ],
                ])
        result = {}
        for company in companies:
            for role, _ in ROLES:
                result[(company.id, role)] = sorted(
                    (p for p in paths if p.role == role
                        and p.company in {None, company}),
                    key=lambda p: (p.company is None, p.name, p.id))
        return result

    @classmethod
    def _expiries(cls, users):
        """Return {user id: {path id: expiry date or None}} of the
        certificates in force of the users"""
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        Date = pool.get('ir.date')
        today = Date.today()
        result = {u.id: {} for u in users}
        for certificate in Certificate.search([
                    ('user', 'in', [u.id for u in users]),
                    ('state', '=', 'valid'),
                    ['OR',
                        ('expiry_date', '=', None),
                        ('expiry_date', '>=', today),
                        ],
                    ]):
            held = result[certificate.user.id]
            path_id = certificate.path.id
            expiry = certificate.expiry_date
            if path_id not in held or held[path_id] is not None and (
                    expiry is None or expiry > held[path_id]):
                held[path_id] = expiry
        return result

    @classmethod
    def search_training(cls, name, clause):
        "Search the rows the user may read by a figure computed in Python"
        _, operator_, value = clause
        compare = OPERATORS[operator_]
        rows = cls.search([])
        figures = cls.training_figures(rows)
        return [('id', 'in', [
                    r.id for r in rows
                    if compare(figures[r.id][name], bool(value))])]
