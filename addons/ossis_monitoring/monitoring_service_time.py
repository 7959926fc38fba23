# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The processing time of each service in a year"""
from collections import Counter, defaultdict

from sql.aggregate import Sum
from sql.functions import Extract

from trytond.model import fields
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .figure import IN_MAX, FigureMixin, histogram_percentile, share


class MonitoringServiceTime(FigureMixin):
    """Monitoring Service Time

    The applications of a service completed in a year, their median and
    90th percentile of processing days beside the legal deadline and the
    promise of the municipality, and the share decided on time."""
    __name__ = 'ossis.monitoring.service_time'
    __string__ = "Service Time"

    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", readonly=True)
    year = fields.Integer("Year", readonly=True)
    completed = fields.Integer("Completed", readonly=True)
    with_due = fields.Integer("With Due Date", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    median_days = fields.Function(
        fields.Integer("Median Days"), 'get_percentiles')
    p90_days = fields.Function(
        fields.Integer("90th Percentile Days"), 'get_percentiles')
    legal_days = fields.Function(
        fields.Integer("Legal Deadline"), 'get_deadlines')
    promised_days = fields.Function(
        fields.Integer("Promised Days"), 'get_deadlines')
    on_time_share = fields.Function(
        fields.Float("On-Time Share", digits=(1, 4)), 'get_on_time_share')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Days = pool.get('ossis.monitoring.summary.days')
        days = Days.__table__()
        year = Extract('YEAR', days.month)
        keys = [days.company, days.lgu_service, year]
        return days.select(*cls._meta_columns(days),
            days.company, days.lgu_service, year.as_('year'),
            *[Sum(getattr(days, c)).as_(c)
                for c in ['completed', 'with_due', 'on_time']],
            group_by=keys)

    @classmethod
    def get_percentiles(cls, records, names):
        histograms = cls.histograms(records)
        result = {n: {} for n in names}
        for record in records:
            histogram = histograms[(record.lgu_service.id, record.year)]
            for name, share_ in [('median_days', 0.5), ('p90_days', 0.9)]:
                if name in result:
                    result[name][record.id] = histogram_percentile(
                        histogram, share_)
        return result

    @classmethod
    def histograms(cls, records):
        "Return the histogram of days by (offer id, year) of the records"
        pool = Pool()
        Days = pool.get('ossis.monitoring.summary.days')
        days = Days.__table__()
        cursor = Transaction().connection.cursor()
        histograms = defaultdict(Counter)
        offers = {r.lgu_service.id for r in records}
        years = {r.year for r in records}
        year = Extract('YEAR', days.month)
        for sub_ids in grouped_slice(offers, IN_MAX):
            cursor.execute(*days.select(
                    days.lgu_service, year, days.days, Sum(days.completed),
                    where=SQL_OPERATORS['in'](days.lgu_service, sub_ids)
                    & year.in_(list(years)),
                    group_by=[days.lgu_service, year, days.days]))
            for offer, year_, days_, count in cursor:
                histograms[(offer, int(year_))][days_] += int(count)
        return histograms

    @classmethod
    def get_deadlines(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            offer = record.lgu_service
            if 'legal_days' in result:
                result['legal_days'][record.id] = offer.service.legal_days
            if 'promised_days' in result:
                result['promised_days'][record.id] = offer.days
        return result

    def get_on_time_share(self, name):
        return share(self.on_time, self.with_due)
