# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The figures of a month of a municipality, for the monthly report

Received, completed, on-time share, median processing days, satisfaction
and channels are read from the summaries that the dashboards read
(monitoring_summary.py: volume, processing days and ratings by month), so
that the report gives the figures of the dashboards and of the
transparency page, with the percentiles of the transparency figures.  The
month adds, read from the applications:

backlog
    the applications submitted before the end of the month and neither
    decided nor withdrawn or cancelled by then: still open on its last day.
overdue
    of the backlog, those whose due date was on or before the last day.

The figures are read with SQL, as root: the monthly job reads every
municipality; the report built from them is what users may read or not
(record rules of ossis.monitoring.monthly_report).
"""
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from sql.aggregate import Sum
from sql.operators import Or

from trytond import backend
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.ossis_application.application_report import local_date
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .application_statistics import COMPLETED, TransparencyRow, percentile

ENDED = ['withdrawn', 'cancelled']
# A day around the month for the time zones of the municipalities
MARGIN = dt.timedelta(days=1)


def month_start(date):
    return date.replace(day=1)


def next_month(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month):
    return (month - dt.timedelta(days=1)).replace(day=1)


def compared_months(month):
    """Return the month, the month before and the same month a year
    earlier"""
    return [month, previous_month(month), month.replace(year=month.year - 1)]


@dataclass
class Tally:
    """The figures of a row of the month, given as the TransparencyRow of
    the transparency figures"""
    received: int = 0
    completed: int = 0
    with_due_date: int = 0
    on_time: int = 0
    days: list = field(default_factory=list)
    ratings: list = field(default_factory=list)

    def row(self, key, name):
        return TransparencyRow(
            key=key, name=name, received=self.received,
            completed=self.completed,
            on_time=(self.on_time / self.with_due_date
                if self.with_due_date else None),
            median=percentile(self.days, 0.5),
            p90=percentile(self.days, 0.9),
            satisfaction=(sum(self.ratings) / len(self.ratings)
                if self.ratings else None),
            ratings=len(self.ratings))


@dataclass
class MonthFigures:
    "The figures of a municipality for a month"
    month: dt.date
    total: Tally = field(default_factory=Tally)
    backlog: int = 0
    overdue: int = 0
    channels: Counter = field(default_factory=Counter)
    administrative_units: dict = field(
        default_factory=lambda: defaultdict(Tally))
    genders: dict = field(default_factory=lambda: defaultdict(Tally))

    @property
    def summary(self):
        "Return the TransparencyRow of the total"
        return self.total.row(None, None)

    @property
    def online_share(self):
        received = sum(self.channels.values())
        return self.channels['online'] / received if received else None


def month_figures(companies, month):
    """Return the MonthFigures of the month for each municipality, by id

    month is the first day of the month."""
    figures = {c.id: MonthFigures(month) for c in companies}

    def tallies(company, unit, gender):
        figure = figures[company]
        # The summaries say "unknown" where the transparency rows say None
        gender = None if gender == 'unknown' else gender
        return [figure.total, figure.administrative_units[unit],
            figure.genders[gender]]

    for company, unit, channel, gender, received, completed, with_due, \
            on_time in _summed('volume', figures, month, ['channel'],
                ['received', 'completed', 'with_due', 'on_time']):
        figures[company].channels[channel] += received
        for tally in tallies(company, unit, gender):
            tally.received += received
            tally.completed += completed
            tally.with_due_date += with_due
            tally.on_time += on_time
    for company, unit, gender, days, count in _summed(
            'days', figures, month, ['days'], ['completed']):
        for tally in tallies(company, unit, gender):
            tally.days.extend([days] * count)
    for company, unit, gender, rating, count in _summed(
            'rating', figures, month, ['rating'], ['count']):
        for tally in tallies(company, unit, gender):
            tally.ratings.extend([rating] * count)
    for company_id, open_, overdue in _open_at_end(
            companies, next_month(month)):
        figures[company_id].backlog += open_
        figures[company_id].overdue += overdue
    return figures


def _summed(name, figures, month, keys, counts):
    """Yield the rows of the summary of the municipalities for the month:
    company, administrative unit, the keys (after gender for all but
    channel), and the summed counts"""
    Summary = Pool().get(f'ossis.monitoring.summary.{name}')
    table = Summary.__table__()
    cursor = Transaction().connection.cursor()
    columns = [table.company, table.administrative_unit]
    if keys == ['channel']:
        columns += [table.channel, table.gender]
    else:
        columns += [table.gender] + [getattr(table, k) for k in keys]
    for sub_ids in grouped_slice(list(figures), backend.MAX_QUERY_PARAMS):
        cursor.execute(*table.select(
                *columns, *[Sum(getattr(table, c)) for c in counts],
                where=SQL_OPERATORS['in'](table.company, list(sub_ids))
                & (table.month == month),
                group_by=columns))
        for row in cursor:
            yield tuple(row[:len(columns)]) + tuple(
                int(v or 0) for v in row[len(columns):])


def _open_at_end(companies, end):
    """Yield for each municipality the applications open at the end of the
    month before end and the overdue ones among them"""
    for company_id, rows in groupby(
            _applications(companies, end), key=lambda r: r['company']):
        open_ = overdue = 0
        for row in rows:
            decided = row['decided'] and row['decided'] < end and (
                row['state'] in COMPLETED)
            ended = (row['state'] in ENDED
                and row['closed'] and row['closed'] < end)
            if row['submitted'] < end and not decided and not ended:
                open_ += 1
                if row['due_date'] and row['due_date'] < end:
                    overdue += 1
        yield company_id, open_, overdue


def _applications(companies, end):
    """Return the applications of the municipalities submitted before the
    end and not decided or ended a day before it, by municipality"""
    pool = Pool()
    Application = pool.get('ossis.application')
    application = Application.__table__()
    cursor = Transaction().connection.cursor()
    end_bound = dt.datetime.combine(end, dt.time())
    by_id = {c.id: c for c in companies}
    result = []
    for sub_ids in grouped_slice(list(by_id), backend.MAX_QUERY_PARAMS):
        cursor.execute(*application.select(
                application.company, application.state,
                application.submitted_date, application.decided_date,
                application.closed_date, application.due_date,
                where=SQL_OPERATORS['in'](application.company, list(sub_ids))
                & (application.state != 'draft')
                & (application.submitted_date < end_bound + MARGIN)
                & Or([application.decided_date == None,  # noqa: E711
                        application.decided_date >= end_bound - MARGIN])
                & Or([application.closed_date == None,  # noqa: E711
                        application.closed_date >= end_bound - MARGIN]),
                order_by=[application.company]))
        for (company_id, state, submitted, decided, closed,
                due_date) in cursor:
            company = by_id[company_id]
            result.append({
                    'company': company_id,
                    'state': state,
                    'submitted': local_date(company, submitted),
                    'decided': local_date(company, decided),
                    'closed': local_date(company, closed),
                    'due_date': due_date,
                    })
    return result
