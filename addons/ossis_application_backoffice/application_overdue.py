# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The daily check of the steps that are late"""
import datetime as dt
from collections import defaultdict

from trytond.model import fields
from trytond.modules.ossis_application.application import RUNNING
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    escalated = fields.Boolean(
        "Escalated", readonly=True,
        help="Set by the daily check when the late step was reported to "
        "the head of the responsible unit.")

    @classmethod
    def default_escalated(cls):
        return False

    @classmethod
    def copy(cls, applications, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('escalated', False)
        return super().copy(applications, default=default)

    @classmethod
    def _computed_fields(cls):
        # Cleared by each step the actions move the applications to
        return super()._computed_fields() | {'escalated'}

    @classmethod
    def _step_values(cls, application, step, today, now):
        values = super()._step_values(application, step, today, now)
        values['escalated'] = False
        return values

    @classmethod
    def escalation_days(cls, application):
        """Return the working days a step may be late before it is reported
        to the head of the responsible unit"""
        return 0

    @classmethod
    def mark_overdue(cls):
        """Mark the running applications whose step is late, once per
        step, and report them to the assignee and to the unit head"""
        pool = Pool()
        Date = pool.get('ir.date')
        Calendar = pool.get('ossis.calendar')
        with without_check_access():
            applications = cls.search([
                    ('state', 'in', RUNNING),
                    ('step_due_date', '!=', None),
                    ('step.kind', '!=', 'delivery'),
                    ['OR',
                        ('overdue', '=', False),
                        ('escalated', '=', False),
                        ],
                    ], order=[('company', 'ASC'), ('id', 'ASC')])
        overdue, escalate = [], []
        todays = {}
        for application in applications:
            if application.state == 'waiting' and application.suspended_date:
                # The clock stopped while waiting for the applicant
                continue
            company = application.company
            if company.id not in todays:
                with Transaction().set_context(company=company.id):
                    todays[company.id] = Date.today()
            late = Calendar.working_days_between(
                company, application.step_due_date, todays[company.id])
            if late < 1:
                continue
            if not application.overdue:
                overdue.append(application)
            if (not application.escalated
                    and late > cls.escalation_days(application)):
                escalate.append(application)
        cls._mark(overdue, 'overdue', {'overdue': True})
        cls._mark(escalate, 'escalate', {'escalated': True})
        cls._notify_late(overdue, escalate)

    @classmethod
    def _mark(cls, applications, action, values):
        pool = Pool()
        History = pool.get('ossis.application.history')
        if not applications:
            return
        now = dt.datetime.now()
        history = []
        for application in applications:
            line = cls._history_values(
                application, action, application.state, application.state,
                application.step, application.step, None, now, public=False)
            line['assignee'] = (
                application.assignee.id if application.assignee else None)
            history.append(line)
        with without_check_access():
            cls.write(applications, values)
            History.create(history)

    @classmethod
    def _notify_late(cls, overdue, escalate):
        "Tell the assignees of their late steps and the heads of their units"
        assignees = defaultdict(list)
        for application in overdue:
            assignees[application.assignee].append(application)
        cls.notify_staff(assignees, 'ossis_application_backoffice.'
            'msg_application_overdue_notification')
        heads = defaultdict(list)
        for application in escalate:
            unit = application.step_unit
            heads[unit.head if unit else None].append(application)
        cls.notify_staff(heads, 'ossis_application_backoffice.'
            'msg_application_escalated_notification')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ossis.application|mark_overdue', "Mark Overdue Applications"))
