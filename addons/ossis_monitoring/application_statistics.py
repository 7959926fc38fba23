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

Both methods read with a few SQL queries and never write: the portal calls
them as root for any municipality, so they filter on the municipality
themselves.
"""
import csv
import datetime as dt
import io
import math
from collections import defaultdict, namedtuple

from sql.operators import Or

from trytond import backend
from trytond.i18n import gettext
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.ossis_application.application_report import local_date
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

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
        decided in the window."""
        pool = Pool()
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        offers = cls.browse(offers)
        result = {o.id: (None, 0) for o in offers}
        if not offers:
            return result
        with without_check_access():
            companies = Company.browse({o.company.id for o in offers})
        ends = {}
        for company in companies:
            if date is None:
                with Transaction().set_context(company=company.id):
                    ends[company.id] = Date.today()
            else:
                ends[company.id] = date
        # A day more for the time zones
        since = dt.datetime.combine(
            min(ends.values()) - dt.timedelta(days=WINDOW + 1), dt.time())
        rows = [r for r in Application._decided_since(
                [o.id for o in offers], since)
            if ends[r['company']] - dt.timedelta(days=WINDOW)
            < r['decided'] <= ends[r['company']]]
        days = Application._processing_days(companies, rows)
        by_offer = defaultdict(list)
        for row, value in zip(rows, days):
            by_offer[row['lgu_service']].append(value)
        for offer_id, values in by_offer.items():
            result[offer_id] = (
                percentile(values, share)
                if len(values) >= MIN_SAMPLE else None,
                len(values))
        return result


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    @classmethod
    def _decided_since(cls, offer_ids, since):
        """Return the applications of the offers decided since the instant,
        as dictionaries with the local dates of their municipality"""
        pool = Pool()
        Company = pool.get('company.company')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        rows = []
        for sub_ids in grouped_slice(offer_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.id, table.company, table.lgu_service,
                    table.submitted_date, table.decided_date,
                    table.suspended_days,
                    where=SQL_OPERATORS['in'](table.lgu_service, sub_ids)
                    & table.state.in_(COMPLETED)
                    & (table.decided_date >= since)))
            rows.extend(cursor.fetchall())
        with without_check_access():
            companies = {c.id: c for c in Company.browse(
                    {r[1] for r in rows})}
        return [{
                'id': id_,
                'company': company_id,
                'lgu_service': offer_id,
                'submitted': local_date(companies[company_id], submitted),
                'decided': local_date(companies[company_id], decided),
                'suspended_days': suspended_days,
                } for (id_, company_id, offer_id, submitted, decided,
                suspended_days) in rows]

    @classmethod
    def _processing_days(cls, companies, rows):
        "Return the processing days of the rows, in their order"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        by_company = defaultdict(list)
        for index, row in enumerate(rows):
            by_company[row['company']].append(index)
        days = [None] * len(rows)
        for company in companies:
            indexes = by_company.get(company.id, [])
            counts = Calendar.working_days_between_many(company, [
                    (rows[i]['submitted'], rows[i]['decided'])
                    for i in indexes])
            for index, count in zip(indexes, counts):
                days[index] = processing_days(
                    count, rows[index]['suspended_days'])
        return days

    @classmethod
    def transparency(cls, company, year):
        """Return the Transparency figures of the municipality for the year

        Received, completed, on-time share, median and 90th percentile of
        the processing days and satisfaction: in total, by service (the
        offer of the municipality, named in the language of the context),
        by gender of the applicant and by administrative unit where the
        application was filed."""
        pool = Pool()
        Company = pool.get('company.company')
        with without_check_access():
            company = Company(int(company))
        rows = cls._transparency_applications(company, year)
        ratings = cls._transparency_ratings(company, year)
        decided = [r for r in rows if r['completed']]
        for row, days in zip(decided, cls._processing_days(
                    [company], decided)):
            row['days'] = days

        total = _Tally()
        tallies = {
            'services': defaultdict(_Tally),
            'genders': defaultdict(_Tally),
            'administrative_units': defaultdict(_Tally),
            }

        def tallies_of(row):
            yield total
            yield tallies['services'][row['lgu_service']]
            yield tallies['genders'][row['gender']]
            yield tallies['administrative_units'][
                row['administrative_unit']]

        for row in rows:
            for tally in tallies_of(row):
                if row['received']:
                    tally.received += 1
                if row['completed']:
                    tally.completed += 1
                    tally.days.append(row['days'])
                    if row['due_date']:
                        tally.with_due_date += 1
                        if row['decided'] <= row['due_date']:
                            tally.on_time += 1
        for row in ratings:
            for tally in tallies_of(row):
                tally.ratings.append(row['rating'])
        return Transparency(
            company=company.id,
            year=year,
            total=total.row(None, company.rec_name),
            services=cls._service_rows(tallies['services']),
            genders=cls._gender_rows(tallies['genders']),
            administrative_units=cls._administrative_unit_rows(
                tallies['administrative_units']))

    @classmethod
    def _year_bounds(cls, year):
        "Return the UTC instants around the year, with a day for time zones"
        return (
            dt.datetime(year - 1, 12, 31), dt.datetime(year + 1, 1, 2))

    @classmethod
    def _transparency_applications(cls, company, year):
        """Return the applications of the municipality submitted or decided
        in the year, as dictionaries"""
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        application = cls.__table__()
        applicant = Applicant.__table__()
        cursor = Transaction().connection.cursor()
        start, end = cls._year_bounds(year)
        cursor.execute(*application.join(applicant,
                condition=application.applicant == applicant.id
                ).select(
                application.state, application.lgu_service,
                application.administrative_unit, applicant.kind,
                applicant.gender, application.submitted_date,
                application.decided_date, application.due_date,
                application.suspended_days,
                where=(application.company == company.id)
                & (application.state != 'draft')
                & Or([
                        (application.submitted_date >= start)
                        & (application.submitted_date < end),
                        (application.decided_date >= start)
                        & (application.decided_date < end),
                        ])))
        rows = []
        for (state, offer, unit, kind, gender, submitted, decided, due_date,
                suspended_days) in cursor:
            submitted = local_date(company, submitted)
            decided = local_date(company, decided)
            received = bool(submitted and submitted.year == year)
            completed = bool(
                state in COMPLETED and decided and decided.year == year)
            if not received and not completed:
                continue
            rows.append({
                    'company': company.id,
                    'lgu_service': offer,
                    'administrative_unit': unit,
                    'gender': cls._gender_key(kind, gender),
                    'submitted': submitted,
                    'decided': decided,
                    'due_date': due_date,
                    'suspended_days': suspended_days,
                    'received': received,
                    'completed': completed,
                    })
        return rows

    @classmethod
    def _transparency_ratings(cls, company, year):
        "Return the ratings recorded in the year with their application"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        Feedback = pool.get('ossis.application.feedback')
        feedback = Feedback.__table__()
        application = cls.__table__()
        applicant = Applicant.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*feedback.join(application,
                condition=feedback.application == application.id
                ).join(applicant,
                condition=application.applicant == applicant.id
                ).select(
                feedback.rating, application.lgu_service,
                application.administrative_unit, applicant.kind,
                applicant.gender,
                where=(feedback.company == company.id)
                & (application.company == company.id)
                & (feedback.date >= dt.date(year, 1, 1))
                & (feedback.date <= dt.date(year, 12, 31))))
        return [{
                'rating': rating,
                'lgu_service': offer,
                'administrative_unit': unit,
                'gender': cls._gender_key(kind, gender),
                } for rating, offer, unit, kind, gender in cursor]

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
