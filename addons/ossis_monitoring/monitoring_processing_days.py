# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The histogram of the processing days of a service"""
from sql import Literal
from sql.aggregate import Sum
from sql.functions import Extract

from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction

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
        """Sum the processing days summary by year and days, and by the
        dimensions named in the context (``processing_days_dimensions``:
        ``lgu_service``, ``month``; both by default)"""
        pool = Pool()
        Days = pool.get('ossis.monitoring.summary.days')
        days = Days.__table__()
        wanted = Transaction().context.get('processing_days_dimensions')
        year = Extract('YEAR', days.month)
        columns, group_by = [], [days.company, year, days.days]
        for name in ['lgu_service', 'month']:
            column = getattr(days, name)
            if wanted is None or name in wanted:
                columns.append(column)
                group_by.append(column)
            else:
                columns.append(Literal(None).as_(name))
        return days.select(*cls._meta_columns(days),
            days.company, year.as_('year'), days.days, *columns,
            Sum(days.completed).as_('count'),
            Sum(days.on_time).as_('on_time'),
            group_by=group_by)
