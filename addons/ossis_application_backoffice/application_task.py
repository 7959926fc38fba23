# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The task lists of the back office: whose turn it is, and when"""
import datetime as dt
import json

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.ossis_application.application import RUNNING
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    is_mine = fields.Function(
        fields.Boolean(
            "Mine",
            help="Assigned to the current employee of the user."),
        'get_task_flags', searcher='search_is_mine')
    in_my_unit = fields.Function(
        fields.Boolean(
            "In My Unit",
            help="At a step of a unit of the user, or decided by it and "
            "waiting for its output."),
        'get_task_flags', searcher='search_in_my_unit')
    step_in_my_unit = fields.Function(
        fields.Boolean(
            "Step in My Unit",
            help="At a step of a unit of the user, including the units the "
            "user heads."),
        'get_task_flags', searcher='search_step_in_my_unit')
    headed_by_me = fields.Function(
        fields.Boolean(
            "Headed by Me",
            help="At a step of a unit the user heads."),
        'get_task_flags', searcher='search_headed_by_me')
    due_this_week = fields.Function(
        fields.Boolean(
            "Due This Week",
            help="The current step is due from Monday to Sunday of this "
            "week."),
        'get_task_flags', searcher='search_due_this_week')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The running applications of a unit in the order of the task
        # lists: their first page reads its rows only, however many the
        # unit has (see doc/design.rst)
        cls._sql_indexes.add(
            Index(t,
                (t.step_unit, Index.Equality()),
                (t.step_due_date, Index.Range(order='ASC NULLS LAST')),
                (t.due_date, Index.Range(order='ASC NULLS LAST')),
                (t.id, Index.Range()),
                where=t.state.in_(RUNNING)))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if backend.name == 'postgresql':
            cls._register_unit_statistics()

    @classmethod
    def _register_unit_statistics(cls):
        """Tell PostgreSQL how many applications of a unit are in each
        state: alone, it multiplies the shares of the unit, the state and
        the municipality as if they were independent, finds a few hundred
        running applications where there are thousands, and sorts them all
        instead of reading the first page from the index"""
        cursor = Transaction().connection.cursor()
        table = cls._table
        name = f'{table}_unit_state_company'
        cursor.execute(
            'SELECT 1 FROM pg_statistic_ext WHERE stxname = %s', (name,))
        if cursor.fetchone():
            return
        cursor.execute(
            f'CREATE STATISTICS "{name}" (dependencies, mcv) '
            f'ON step_unit, state, company FROM "{table}"')
        cursor.execute(f'ANALYZE "{table}"')

    @classmethod
    def _this_week(cls):
        "Return the Monday and the Sunday of the current week"
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        monday = today - dt.timedelta(days=today.weekday())
        return monday, monday + dt.timedelta(days=6)

    @classmethod
    def get_task_flags(cls, applications, names):
        mine, units, headed = cls._task_context()
        monday, sunday = cls._this_week()
        result = {name: {} for name in names}
        for application in applications:
            unit = application.step_unit.id if application.step_unit else None
            decision_unit = (
                application.decision_unit.id
                if application.decision_unit else None)
            values = {
                'is_mine': bool(
                    application.assignee
                    and application.assignee.id in mine),
                'step_in_my_unit': unit in units,
                'in_my_unit': (
                    unit in units
                    or (application.state == 'decided'
                        and decision_unit in units)),
                'headed_by_me': unit in headed,
                'due_this_week': bool(
                    application.step_due_date
                    and monday <= application.step_due_date <= sunday),
                }
            for name in names:
                result[name][application.id] = values[name]
        return result

    @classmethod
    def _search_flag(cls, clause, domain):
        "Return the domain of a boolean clause, or its negation"
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return domain
        return [('id', 'not in', cls.search(domain, order=[], query=True))]

    @classmethod
    def search_is_mine(cls, name, clause):
        mine, _, _ = cls._task_context()
        return cls._search_flag(clause, [('assignee', 'in', list(mine))])

    @classmethod
    def search_in_my_unit(cls, name, clause):
        _, units, _ = cls._task_context()
        units = list(units)
        return cls._search_flag(clause, ['OR',
                ('step_unit', 'in', units),
                [
                    ('state', '=', 'decided'),
                    ('decision_unit', 'in', units),
                    ],
                ])

    @classmethod
    def search_step_in_my_unit(cls, name, clause):
        _, units, _ = cls._task_context()
        units = sorted(units)
        if len(units) == 1:
            # An equality: PostgreSQL reads an index in its order for one
            # value only, not for "= ANY" of a list
            step = ('step_unit', '=', units[0])
        else:
            step = ('step_unit', 'in', units)
        return cls._search_flag(clause, [step])

    @classmethod
    def search_headed_by_me(cls, name, clause):
        _, _, headed = cls._task_context()
        return cls._search_flag(clause, [('step_unit', 'in', list(headed))])

    @classmethod
    def search_due_this_week(cls, name, clause):
        monday, sunday = cls._this_week()
        return cls._search_flag(clause, [
                ('step_due_date', '>=', monday),
                ('step_due_date', '<=', sunday),
                ])

    @classmethod
    def notify_staff(cls, employee_applications, message_id):
        """Notify the users of each employee about the applications

        The notifications are the user notifications of Tryton, in the
        language of each user."""
        pool = Pool()
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        employee_applications = {
            e: a for e, a in employee_applications.items() if e and a}
        if not employee_applications:
            return
        notifications = []
        with without_check_access():
            users = User.search([
                    ('employees', 'in',
                        [e.id for e in employee_applications]),
                    ])
            for user in users:
                applications = []
                for employee in user.employees:
                    applications.extend(
                        employee_applications.get(employee, []))
                if not applications:
                    continue
                language = user.language.code if user.language else None
                with Transaction().set_context(language=language):
                    description = ', '.join(
                        a.rec_name for a in applications[:10])
                    notifications.append(Notification(
                            user=user,
                            label=gettext(
                                message_id, count=len(applications)),
                            description=description,
                            icon='tryton-warning',
                            model=cls.__name__,
                            records=json.dumps(
                                [a.id for a in applications]),
                            ))
            Notification.save(notifications)
