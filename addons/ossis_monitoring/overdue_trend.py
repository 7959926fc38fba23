# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""How many applications were overdue at the end of each recent week

An application was overdue on a day when it was submitted before the end
of the day (midnight in the municipality's time zone), had not yet ended
(decided, withdrawn or cancelled) and its due date was before the day.  The
last point is today: it equals the overdue applications of the backlog.
The count is exact from the dates of the applications and their history,
with one approximation: the due date is the current one, so the days an
application waited for the applicant after that week already move it.
"""
import datetime as dt

from sql import Literal, Null, Union, With
from sql.aggregate import Count, Min
from sql.conditionals import Case, Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.company import day_start
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import Transaction

from .open_applications import ApplicationsMixin

# The weeks shown, the current one included
WEEKS = 12
# The states that end an application without a decision
ENDED = ['withdrawn', 'cancelled']


def days_counted(today, weeks=WEEKS):
    """Return the Monday of each of the last weeks and the day counted:
    its Sunday, or today for the current week"""
    monday = today - dt.timedelta(days=today.weekday())
    days = []
    for index in range(weeks):
        week = monday - dt.timedelta(weeks=weeks - 1 - index)
        days.append((week, min(week + dt.timedelta(days=6), today)))
    return days


def end_of(day, timezone):
    "Return the UTC instant at which the day ends in the time zone"
    return day_start(day + dt.timedelta(days=1), timezone)


class OverdueTrend(
        ApplicationsMixin, LGUOwnedMixin, ModelSQL, ModelView):
    "Overdue Trend"
    __name__ = 'ossis.monitoring.overdue_trend'
    __string__ = "Overdue Trend"

    company = fields.Many2One('company.company', "Municipality")
    week = fields.Date("Week", help="The Monday of the week.")
    date = fields.Date(
        "Counted On", help="The Sunday of the week, or today.")
    overdue = fields.Integer(
        "Overdue",
        help="The applications running that day whose due date had "
        "passed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('company', 'ASC'), ('week', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        application = Application.__table__()
        company = Company.__table__()
        days = days_counted(Date.today())
        ended = cls._ended_query()
        end = Coalesce(application.decided_date, ended.ended)
        zones = cls._companies_by_timezone()

        def end_of_day(day):
            "Return the end of the day in the municipality's time zone"
            ends = {}
            for zone, ids in zones.items():
                ends.setdefault(end_of(day, zone), []).extend(ids)
            if len(ends) <= 1:
                return next(iter(ends), end_of(day, None))
            return Case(*(
                    (application.company.in_(ids), instant)
                    for instant, ids in ends.items()))

        def overdue_on(day):
            return Count(Case((
                    (application.due_date < day)
                    & (application.submitted_date < end_of_day(day))
                    & ((end == Null) | (end >= end_of_day(day))),
                    application.id)))

        counts = With(query=application
            .join(ended, 'LEFT',
                condition=ended.application == application.id)
            .select(
                application.company.as_('company'),
                *(overdue_on(day).as_(f'day{i}')
                    for i, (_, day) in enumerate(days)),
                where=(application.state != 'draft')
                & (application.due_date != Null)
                & (application.submitted_date != Null)
                & ((end == Null) | (end >= end_of_day(days[0][1]))),
                group_by=[application.company]))
        return Union(*(company
                .join(counts, 'LEFT', condition=counts.company == company.id)
                .select(
                    (company.id * (WEEKS + 1) + i).as_('id'),
                    company.id.as_('company'),
                    cls.week.sql_cast(Literal(week)).as_('week'),
                    cls.date.sql_cast(Literal(day)).as_('date'),
                    Coalesce(getattr(counts, f'day{i}'), 0).as_('overdue'),
                    where=~company.id.in_(Company.practice_ids_query()))
                for i, (week, day) in enumerate(days)),
            all_=True, with_=[counts])

    @classmethod
    def _companies_by_timezone(cls):
        "Return the ids of the municipalities by time zone"
        pool = Pool()
        Company = pool.get('company.company')
        company = Company.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*company.select(company.id, company.timezone))
        zones = {}
        for company_id, zone in cursor:
            zones.setdefault(zone, []).append(company_id)
        return zones

    @classmethod
    def _ended_query(cls):
        "Return the query of when the applications were withdrawn or cancelled"
        pool = Pool()
        History = pool.get('ossis.application.history')
        history = History.__table__()
        return history.select(
            history.application.as_('application'),
            Min(history.date).as_('ended'),
            where=history.to_state.in_(ENDED),
            group_by=[history.application])

    @classmethod
    def _applications_record_domain(cls, record):
        end = end_of(record.date, record.company.timezone)
        return [
            ('company', '=', record.company.id),
            ('state', '!=', 'draft'),
            ('submitted_date', '<', end),
            ('due_date', '<', record.date),
            ['OR',
                ('decided_date', '=', None),
                ('decided_date', '>=', end),
                ],
            ['OR',
                ('state', 'not in', ENDED),
                ('history', 'where', [
                        ('to_state', 'in', ENDED),
                        ('date', '>=', end),
                        ]),
                ],
            ]
