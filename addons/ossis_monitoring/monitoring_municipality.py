# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Municipalities side by side, year by year"""
from collections import Counter, defaultdict

from sql import Null
from sql.aggregate import Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.model import fields
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.ossis_base.company import OSSIS_STATUSES
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .figure import IN_MAX, FigureMixin, histogram_percentile, share


class MonitoringMunicipality(FigureMixin):
    """Monitoring Municipality

    The figures of a municipality in a year, to compare municipalities:
    volume per 1,000 inhabitants, on-time share, median processing days,
    satisfaction, online share and the rollout of OSSIS."""
    __name__ = 'ossis.monitoring.municipality'
    __string__ = "Municipality Figures"

    year = fields.Integer("Year", readonly=True)
    inhabitants = fields.Integer("Inhabitants", readonly=True)
    ossis_status = fields.Selection(
        OSSIS_STATUSES, "OSSIS Status", readonly=True)
    go_live_date = fields.Date("Go-Live Date", readonly=True)
    received = fields.Integer("Received", readonly=True)
    online = fields.Integer(
        "Received Online", readonly=True,
        help="Received through the portal.")
    completed = fields.Integer("Completed", readonly=True)
    with_due = fields.Integer("With Due Date", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    ratings = fields.Integer("Ratings", readonly=True)
    rating_sum = fields.Integer("Sum of the Ratings", readonly=True)
    per_1000 = fields.Function(
        fields.Float("Received per 1,000 Inhabitants", digits=(16, 2)),
        'get_shares')
    on_time_share = fields.Function(
        fields.Float("On-Time Share", digits=(1, 4)), 'get_shares')
    online_share = fields.Function(
        fields.Float("Online Share", digits=(1, 4)), 'get_shares')
    satisfaction = fields.Function(
        fields.Float("Satisfaction", digits=(1, 2)), 'get_shares')
    median_days = fields.Function(
        fields.Integer("Median Days"), 'get_median_days')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Summary = pool.get('ossis.monitoring.summary.municipality')
        Company = pool.get('company.company')
        summary = Summary.__table__()
        company = Company.__table__()
        year = Extract('YEAR', summary.month)
        received, completed, ratings = (Sum(getattr(summary, c))
            for c in ['received', 'completed', 'ratings'])
        # A year counts once an application was received or completed in it
        years = summary.select(
            *cls._meta_columns(summary), summary.company, year.as_('year'),
            received.as_('received'), completed.as_('completed'),
            *[Sum(getattr(summary, c)).as_(c)
                for c in ['online', 'with_due', 'on_time']],
            ratings.as_('ratings'),
            Case((ratings != 0, Sum(summary.rating_sum)),
                else_=Null).as_('rating_sum'),
            group_by=[summary.company, year],
            having=(received != 0) | (completed != 0))
        return years.join(company, condition=years.company == company.id
            ).select(
            years.id, years.create_uid, years.create_date,
            years.write_uid, years.write_date, years.company,
            years.year, company.population.as_('inhabitants'),
            company.ossis_status, company.go_live_date,
            years.received, years.online, years.completed,
            years.with_due, years.on_time, years.ratings, years.rating_sum)

    @classmethod
    def get_shares(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            values = {
                'per_1000': share(
                    record.received * 1000, record.inhabitants),
                'on_time_share': share(record.on_time, record.with_due),
                'online_share': share(record.online, record.received),
                'satisfaction': share(record.rating_sum, record.ratings),
                }
            for name in names:
                result[name][record.id] = values[name]
        return result

    @classmethod
    def get_median_days(cls, records, name):
        pool = Pool()
        Days = pool.get('ossis.monitoring.summary.municipality_days')
        days = Days.__table__()
        cursor = Transaction().connection.cursor()
        histograms = defaultdict(Counter)
        years = list({r.year for r in records})
        for sub_ids in grouped_slice({r.company.id for r in records}, IN_MAX):
            cursor.execute(*days.select(
                    days.company, days.year, days.days, Sum(days.completed),
                    where=SQL_OPERATORS['in'](days.company, list(sub_ids))
                    & days.year.in_(years),
                    group_by=[days.company, days.year, days.days]))
            for company, year_, days_, count in cursor:
                histograms[(company, int(year_))][days_] += int(count)
        return {r.id: histogram_percentile(
                histograms[(r.company.id, r.year)], 0.5) for r in records}
