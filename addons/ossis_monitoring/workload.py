# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The work of each person of a back office unit, now

Read from the applications and their history at each query:

open tasks
    the running applications assigned to the person at a step of the unit.
overdue
    those of them whose due date has passed (as in the backlog).
completed this month
    the applications the person moved on (forwarded, returned, asked
    information or an opinion, approved or rejected) since the first day
    of the month; a person of several units counts them in each.
"""

from sql import Null
from sql.aggregate import Count
from sql.conditionals import Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_application.application import RUNNING
from trytond.modules.ossis_base.company import day_start
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import Transaction

from .backlog import overdue_count
from .open_applications import ApplicationsMixin

# The actions of the history by which a person completes a task
COMPLETING_ACTIONS = [
    'forward', 'return', 'request_info', 'ask_opinion', 'approve', 'reject']


class Workload(
        ApplicationsMixin, LGUOwnedMixin, ModelSQL, ModelView):
    "Workload"
    __name__ = 'ossis.monitoring.workload'
    __string__ = "Workload"

    company = fields.Many2One('company.company', "Municipality")
    unit = fields.Many2One('ossis.org_unit', "Unit")
    employee = fields.Many2One('company.employee', "Person")
    tasks = fields.Integer(
        "Open Tasks",
        help="The running applications assigned to the person in the unit.")
    overdue = fields.Integer(
        "Overdue",
        help="The open tasks whose due date has passed.")
    completed = fields.Integer(
        "Completed This Month",
        help="The applications the person moved on since the first day of "
        "the month.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('company', 'ASC'),
            ('unit', 'ASC'),
            ('employee', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Member = pool.get('ossis.org_unit-company.employee')
        OrgUnit = pool.get('ossis.org_unit')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        member = Member.__table__()
        unit = OrgUnit.__table__()
        today = Date.today()
        tasks = cls._tasks_query(today)
        # The month starts at midnight where the user works, as today does
        company_id = Transaction().context.get('company')
        timezone = Company(company_id).timezone if company_id else None
        completed = cls._completed_query(
            day_start(today.replace(day=1), timezone))
        return (member
            .join(unit, condition=member.org_unit == unit.id)
            .join(tasks, 'LEFT', condition=(
                    (tasks.employee == member.employee)
                    & (tasks.unit == member.org_unit)))
            .join(completed, 'LEFT',
                condition=completed.employee == member.employee)
            .select(
                member.id.as_('id'),
                unit.company.as_('company'),
                member.org_unit.as_('unit'),
                member.employee.as_('employee'),
                Coalesce(tasks.tasks, 0).as_('tasks'),
                Coalesce(tasks.overdue, 0).as_('overdue'),
                Coalesce(completed.completed, 0).as_('completed'),
                where=(unit.type == 'back_office')
                & ~unit.company.in_(Company.practice_ids_query())))

    @classmethod
    def _tasks_query(cls, today):
        "Return the query of the open tasks by person and unit"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = Application.__table__()
        return application.select(
            application.assignee.as_('employee'),
            application.step_unit.as_('unit'),
            Count(application.id).as_('tasks'),
            overdue_count(application, today).as_('overdue'),
            where=application.state.in_(RUNNING)
            & (application.assignee != Null),
            group_by=[application.assignee, application.step_unit])

    @classmethod
    def _completed_query(cls, since):
        "Return the query of the applications moved on by person since"
        pool = Pool()
        History = pool.get('ossis.application.history')
        history = History.__table__()
        return history.select(
            history.employee.as_('employee'),
            Count(history.application, distinct=True).as_('completed'),
            where=(history.date >= since)
            & history.action.in_(COMPLETING_ACTIONS)
            & (history.employee != Null),
            group_by=[history.employee])

    @classmethod
    def _applications_keys(cls):
        return {'employee': 'assignee', 'unit': 'step_unit'}

    @classmethod
    def _applications_base_domain(cls):
        return [('state', 'in', RUNNING)]
