# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Measured processing times and transparency figures of applications

The figures the citizen portal publishes for a municipality, computed from
its applications:

processing days
    of a decided application: the working days on the calendar of the
    municipality after the day of submission up to the day of the decision
    (``ossis.calendar`` ``working_days_between``), minus the working days
    the clock was stopped waiting for the applicant (``suspended_days``),
    never below 0.  Days are those of the time zone of the municipality.
received in a year
    submitted in that year (drafts never count; withdrawn and cancelled
    applications do).
completed in a year
    decided in that year and in a state from *Decided* on (``decided``,
    ``ready``, ``delivered``, ``closed``).
on time
    decided on or before its due date (already moved by the days waited).
    The on-time share is over the completed applications that have a due
    date; it is None when none has.
percentile
    nearest rank: the value at rank ``ceil(share × n)`` of the n processing
    days sorted; the median is the 50th percentile.
satisfaction
    the average of the feedback ratings (1 to 5) recorded in the year.

Both methods read the summaries of monitoring_summary.py (kept current as
the applications change) with a few SQL queries and never write: the
portal calls them as root for any municipality, so they filter on the
municipality themselves.
"""
import csv
import datetime as dt
import io
import math
from collections import Counter, defaultdict, namedtuple

from sql import Literal, Null
from sql.aggregate import Count, Sum

from trytond.i18n import gettext
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .figure import IN_MAX, histogram_percentile

# The states of an application once decided
COMPLETED = ['decided', 'ready', 'delivered', 'closed']
# Fewer decided applications do not give a published processing time
MIN_SAMPLE = 5
# The processing time of a service is measured over this many days
WINDOW = 365

Transparency = namedtuple('Transparency', [
        'company', 'year', 'total', 'services', 'genders',
        'administrative_units'])
Transparency.__doc__ = """The transparency figures of a municipality for a
year: the total row, then the rows by service, by gender of the applicant
and by administrative unit of the application"""
TransparencyRow = namedtuple('TransparencyRow', [
        'key', 'name', 'received', 'completed', 'on_time', 'median', 'p90',
        'satisfaction', 'ratings'])
TransparencyRow.__doc__ = """One row of transparency figures

key is the service code, the gender (``female``, ``male``, None when not
recorded, ``business`` for a business applicant) or the code of the
administrative unit (None when not recorded); on_time is a share from 0 to
1; median and p90 are processing days; satisfaction is the average rating
of the number of ratings."""


def percentile(values, share):
    """Return the nearest-rank percentile of the values: the smallest value
    such that the share of the values is lower or equal; None without
    values"""
    if not values:
        return None
    values = sorted(values)
    # Rounded first so that 0.9 × 10 is rank 9, not 10
    rank = max(math.ceil(round(share * len(values), 9)), 1)
    return values[rank - 1]


def processing_days(working_days, suspended_days):
    return max(working_days - (suspended_days or 0), 0)


class _Tally:
    "The figures of one row, counted application by application"

    def __init__(self):
        self.received = self.completed = 0
        self.with_due_date = self.on_time = 0
        self.days, self.ratings = [], []

    def row(self, key, name):
        return TransparencyRow(
            key=key,
            name=name,
            received=self.received,
            completed=self.completed,
            on_time=(
                self.on_time / self.with_due_date
                if self.with_due_date else None),
            median=percentile(self.days, 0.5),
            p90=percentile(self.days, 0.9),
            satisfaction=(
                sum(self.ratings) / len(self.ratings)
                if self.ratings else None),
            ratings=len(self.ratings))


class LGUService(metaclass=PoolMeta):
    __name__ = 'ossis.lgu.service'

    @classmethod
    def processing_time(cls, offers, share=0.9, date=None):
        """Return by offer id the measured processing time and its sample

        The processing time is the smallest number of working days within
        which the share of the applications decided in the WINDOW days up to
        the date (today in each municipality by default) were decided, i.e.
        their nearest-rank percentile; it is None when fewer than
        MIN_SAMPLE were decided.  The sample is the number of applications
        decided in the window, read from the processing days stored on the
        applications."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        result = {int(o): (None, 0) for o in offers}
        if not result:
            return result
        offer_companies = cls._companies_of(list(result))
        with without_check_access():
            companies = Company.browse(set(offer_companies.values()))
        ends = {}
        for company in companies:
            if date is None:
                with Transaction().set_context(company=company.id):
                    ends[company.id] = Date.today()
            else:
                ends[company.id] = date
        histograms = cls._window_histograms(
            offer_companies, companies, ends)
        for offer_id, histogram in histograms.items():
            sample = sum(histogram.values())
            result[offer_id] = (
                histogram_percentile(histogram, share)
                if sample >= MIN_SAMPLE else None,
                sample)
        return result

    @classmethod
    def _companies_of(cls, offer_ids):
        "Return the municipality id by offer id, read in SQL"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub_ids in grouped_slice(offer_ids, IN_MAX):
            cursor.execute(*table.select(table.id, table.company,
                    where=SQL_OPERATORS['in'](table.id, sub_ids)))
            result.update(cursor)
        return result

    @classmethod
    def _window_histograms(cls, offer_companies, companies, ends):
        """Return by offer id the histogram of the processing days of the
        applications decided in the WINDOW days up to the end of their
        municipality, read from the stored processing days"""
        pool = Pool()
        Application = pool.get('ossis.application')
        application = Application.__table__()
        cursor = Transaction().connection.cursor()
        # The municipalities of the same time zone share the bounds
        by_bounds = defaultdict(set)
        for company in companies:
            end = ends[company.id]
            since = end - dt.timedelta(days=WINDOW - 1)
            until = end + dt.timedelta(days=1)
            by_bounds[company.day_start(since), company.day_start(until)].add(
                company.id)
        result = defaultdict(Counter)
        for (since, until), company_ids in by_bounds.items():
            offer_ids = [o for o, c in offer_companies.items()
                if c in company_ids]
            for sub_ids in grouped_slice(offer_ids, IN_MAX):
                cursor.execute(*application.select(
                        application.lgu_service,
                        application.processing_days, Count(Literal(1)),
                        where=SQL_OPERATORS['in'](
                            application.lgu_service, sub_ids)
                        & (application.processing_days != Null)
                        & (application.decided_date >= since)
                        & (application.decided_date < until),
                        group_by=[
                            application.lgu_service,
                            application.processing_days]))
                for offer, days, count in cursor:
                    result[offer][days] += count
        return result


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    @classmethod
    def transparency(cls, company, year):
        """Return the Transparency figures of the municipality for the year

        Received, completed, on-time share, median and 90th percentile of
        the processing days and satisfaction: in total, by service (the
        offer of the municipality, named in the language of the context),
        by gender of the applicant and by administrative unit where the
        application was filed.  Read from the summaries."""
        pool = Pool()
        Company = pool.get('company.company')
        with without_check_access():
            company = Company(int(company))
        total = _Tally()
        tallies = {
            'services': defaultdict(_Tally),
            'genders': defaultdict(_Tally),
            'administrative_units': defaultdict(_Tally),
            }

        def tallies_of(offer, unit, gender):
            yield total
            yield tallies['services'][offer]
            yield tallies['genders'][None if gender == 'unknown' else gender]
            yield tallies['administrative_units'][unit]

        for offer, unit, gender, received in cls._year_received(
                company, year):
            for tally in tallies_of(offer, unit, gender):
                tally.received += received
        for (offer, unit, gender, days, completed, with_due,
                on_time) in cls._year_days(company, year):
            for tally in tallies_of(offer, unit, gender):
                tally.completed += completed
                tally.with_due_date += with_due
                tally.on_time += on_time
                tally.days.extend([days] * completed)
        for offer, unit, gender, rating, count in cls._year_ratings(
                company, year):
            for tally in tallies_of(offer, unit, gender):
                tally.ratings.extend([rating] * count)
        return Transparency(
            company=company.id,
            year=year,
            total=total.row(None, company.rec_name),
            services=cls._service_rows(tallies['services']),
            genders=cls._gender_rows(tallies['genders']),
            administrative_units=cls._administrative_unit_rows(
                tallies['administrative_units']))

    @classmethod
    def _year_sums(cls, name, company, year, keys, counts):
        """Return the rows of the summary of the municipality for the year,
        grouped by the keys, with the sums of the counts"""
        pool = Pool()
        Summary = pool.get(f'ossis.monitoring.summary.{name}')
        table = Summary.__table__()
        cursor = Transaction().connection.cursor()
        keys = [getattr(table, k) for k in keys]
        cursor.execute(*table.select(*keys,
                *[Sum(getattr(table, c)) for c in counts],
                where=(table.company == company.id)
                & (table.month >= dt.date(year, 1, 1))
                & (table.month <= dt.date(year, 12, 1)),
                group_by=keys))
        return [tuple(r[:len(keys)]) + tuple(int(v) for v in r[len(keys):])
            for r in cursor]

    @classmethod
    def _year_received(cls, company, year):
        return [r for r in cls._year_sums(
                'volume', company, year,
                ['lgu_service', 'administrative_unit', 'gender'],
                ['received']) if r[-1]]

    @classmethod
    def _year_days(cls, company, year):
        return [r for r in cls._year_sums(
                'days', company, year,
                ['lgu_service', 'administrative_unit', 'gender', 'days'],
                ['completed', 'with_due', 'on_time']) if r[4]]

    @classmethod
    def _year_ratings(cls, company, year):
        return [r for r in cls._year_sums(
                'rating', company, year,
                ['lgu_service', 'administrative_unit', 'gender', 'rating'],
                ['count']) if r[-1]]

    @classmethod
    def _gender_key(cls, kind, gender):
        if kind == 'business':
            return 'business'
        return gender or None

    @classmethod
    def _service_rows(cls, tallies):
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        with without_check_access():
            offers = LGUService.browse(list(tallies))
            rows = [tallies[o.id].row(o.service_code, o.service.name)
                for o in offers]
        return sorted(rows, key=lambda r: r.key)

    @classmethod
    def _gender_rows(cls, tallies):
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        fields = Applicant.fields_get(['gender', 'kind'])
        labels = dict(fields['gender']['selection'])
        labels['business'] = dict(fields['kind']['selection'])['business']
        labels[None] = gettext(
            'ossis_monitoring.msg_transparency_not_recorded')
        order = [g for g in labels if g] + [None]
        return [tallies[g].row(g, labels[g]) for g in order if g in tallies]

    @classmethod
    def _administrative_unit_rows(cls, tallies):
        pool = Pool()
        AdministrativeUnit = pool.get('ossis.administrative_unit')
        with without_check_access():
            units = AdministrativeUnit.browse([u for u in tallies if u])
            rows = sorted(
                (tallies[u.id].row(u.code, u.name) for u in units),
                key=lambda r: r.name)
        if None in tallies:
            rows.append(tallies[None].row(None, gettext(
                        'ossis_monitoring.msg_transparency_not_recorded')))
        return rows

    @classmethod
    def transparency_csv(cls, company, year):
        """Return the transparency figures of the municipality for the year
        as CSV text: one table, whose first column names the breakdown,
        with headings in the language of the context"""
        figures = cls.transparency(company, year)
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow([gettext(f'ossis_monitoring.msg_transparency_{name}')
                for name in [
                    'breakdown', 'code', 'name', 'received', 'completed',
                    'on_time', 'median', 'p90', 'satisfaction', 'ratings']])
        breakdowns = [
            ('total', [figures.total]),
            ('service', figures.services),
            ('gender', figures.genders),
            ('administrative_unit', figures.administrative_units),
            ]
        for breakdown, rows in breakdowns:
            label = gettext(f'ossis_monitoring.msg_transparency_{breakdown}')
            for row in rows:
                writer.writerow([
                        label,
                        row.key or '',
                        row.name,
                        row.received,
                        row.completed,
                        _format(row.on_time, 100, 1),
                        _format(row.median),
                        _format(row.p90),
                        _format(row.satisfaction, 1, 2),
                        row.ratings,
                        ])
        return output.getvalue()


def _format(value, factor=1, digits=None):
    "Return the value for the CSV, empty when there is none"
    if value is None:
        return ''
    if digits is None:
        return str(value)
    return f'{value * factor:.{digits}f}'
