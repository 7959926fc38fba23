# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The running applications of a municipality as they stand now

Read from the applications at each query, so always current:

backlog
    the running applications (submitted, in progress or waiting for the
    applicant) by administrative unit, state, step and responsible unit.
overdue
    a running application whose due date (the day the municipality
    promised, moved by the days waited) is before today.
"""
from sql import Null
from sql.aggregate import Count, Min
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_application.application import RUNNING, STATES
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool

from .open_applications import ApplicationsMixin


def overdue_count(application, today):
    "Return the SQL aggregate that counts the overdue applications"
    return Count(Case((
                (application.due_date != Null)
                & (application.due_date < today), application.id)))


class Backlog(
        ApplicationsMixin, LGUOwnedMixin, ModelSQL, ModelView):
    "Backlog"
    __name__ = 'ossis.monitoring.backlog'
    __string__ = "Backlog"

    company = fields.Many2One('company.company', "Municipality")
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit",
        help="Where the applications were filed.")
    state = fields.Selection(
        [s for s in STATES if s[0] in RUNNING], "State", sort=False)
    step = fields.Many2One('ossis.workflow.step', "Step")
    step_unit = fields.Many2One(
        'ossis.org_unit', "Responsible Unit",
        help="The org unit that acts at the current step.")
    applications = fields.Integer(
        "Applications", help="The running applications.")
    overdue = fields.Integer(
        "Overdue",
        help="The running applications whose due date has passed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('company', 'ASC'),
            ('step_unit', 'ASC'),
            ('state', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        application = Application.__table__()
        keys = [
            application.company, application.administrative_unit,
            application.state, application.step, application.step_unit]
        return application.select(
            # Each application is in one group only
            Min(application.id).as_('id'),
            *keys,
            Count(application.id).as_('applications'),
            overdue_count(application, Date.today()).as_('overdue'),
            where=application.state.in_(RUNNING)
            & ~application.company.in_(Company.practice_ids_query()),
            group_by=keys)

    @classmethod
    def _applications_keys(cls):
        return [
            'company', 'administrative_unit', 'state', 'step', 'step_unit']
