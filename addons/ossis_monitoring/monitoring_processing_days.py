# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The histogram of the processing days of a service"""
from sql.aggregate import Sum
from sql.functions import Extract

from trytond.model import fields
from trytond.pool import Pool

from .figure import FigureMixin


class MonitoringProcessingDays(FigureMixin):
    """Monitoring Processing Days

    How many applications of a service completed in a month took so many
    processing days."""
    __name__ = 'ossis.monitoring.processing_days'
    __string__ = "Processing Days"

    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", readonly=True)
    year = fields.Integer("Year", readonly=True)
    month = fields.Date("Month", readonly=True, help="Its first day.")
    days = fields.Integer("Days", readonly=True)
    count = fields.Integer("Applications", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('days', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Days = pool.get('ossis.monitoring.summary.days')
        days = Days.__table__()
        keys = [days.company, days.lgu_service, days.month, days.days]
        return days.select(*cls._meta_columns(days), *keys,
            Extract('YEAR', days.month).as_('year'),
            Sum(days.completed).as_('count'),
            Sum(days.on_time).as_('on_time'),
            group_by=keys)
