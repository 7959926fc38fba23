# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Exact counts of the applications, kept current as they change

Each application contributes to two summaries: a row of *volume* (received
in the week and month of its submission; completed, with a due date and on
time in the week and month of its decision) and a row of *processing days*
(completed by the days it took, for the histograms and percentiles).  Each
feedback contributes to a row of *ratings*.  The contributions of an
application are taken away and added again, in the same transaction, each
time a field they depend on changes, so that the summaries are exact at
every commit.  Rows are never merged: several rows may share a key, and the
readers sum them.
"""
import datetime as dt
from collections import Counter, defaultdict

from sql import Literal, Null
from sql.aggregate import Max, Min, Sum

from trytond import backend
from trytond.model import Index, ModelSQL, fields
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.ossis_application.application_report import (
    in_zone, time_zone)
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .application_statistics import COMPLETED, processing_days
from .figure import IN_MAX

GENDERS = [
    ('female', "Female"),
    ('male', "Male"),
    ('unknown', "Not Recorded"),
    ('business', "Business"),
    ]
# The fields of an application the figures depend on
FIGURE_FIELDS = {
    'company', 'state', 'lgu_service', 'administrative_unit', 'channel',
    'applicant', 'submitted_date', 'decided_date', 'due_date',
    'suspended_days',
    }
# Applications read at a time when the summaries are rebuilt
REBUILD_BATCH = 50000


def gender_key(kind, gender):
    "Return the gender figures count an applicant under"
    if kind == 'business':
        return 'business'
    return gender or 'unknown'


def week_of(date):
    "Return the Monday of the week of the date"
    return date - dt.timedelta(days=date.weekday())


def month_of(date):
    return date.replace(day=1)


class SummaryMixin(ModelSQL):
    __slots__ = ()
    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE')

    # The key columns and the counted columns, set by each summary
    _keys = ()
    _counts = ()

    @classmethod
    def add(cls, deltas):
        """Add the deltas ({key tuple: {count: delta}}) to the summary

        An existing row of the key is updated, else a row is inserted;
        keys are visited in order so that concurrent transactions lock the
        rows in the same order."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for key in sorted(deltas, key=_sort_key):
            counts = {c: d for c, d in deltas[key].items() if d}
            if not counts:
                continue
            where = Literal(True)
            for name, value in zip(cls._keys, key):
                column = getattr(table, name)
                where &= (column == Null) if value is None else (
                    column == value)
            cursor.execute(*table.select(
                    Min(table.id), where=where))
            row_id, = cursor.fetchone()
            if row_id is not None:
                cursor.execute(*table.update(
                        [getattr(table, c) for c in counts],
                        [getattr(table, c) + d for c, d in counts.items()],
                        where=table.id == row_id))
            else:
                cls._insert([(key, counts)])

    @classmethod
    def _insert(cls, rows):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = [getattr(table, n) for n in cls._keys + cls._counts]
        for sub_rows in grouped_slice(rows, 1000):
            values = [list(key) + [counts.get(c, 0) for c in cls._counts]
                for key, counts in sub_rows]
            if values:
                cursor.execute(*table.insert(columns, values))

    @classmethod
    def replace(cls, deltas, companies=None):
        "Replace the rows of the companies (all by default) by the deltas"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        if companies is None:
            cursor.execute(*table.delete())
        else:
            for sub_ids in grouped_slice(companies, IN_MAX):
                cursor.execute(*table.delete(
                        where=SQL_OPERATORS['in'](table.company, sub_ids)))
        cls._insert(sorted(deltas.items(), key=lambda i: _sort_key(i[0])))

    @classmethod
    def totals(cls, companies=None):
        "Return the summed counts by key, to compare with a rebuild"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        keys = [getattr(table, n) for n in cls._keys]
        where = Literal(True)
        if companies is not None:
            where = SQL_OPERATORS['in'](table.company, list(companies))
        cursor.execute(*table.select(
                *keys, *[Sum(getattr(table, c)) for c in cls._counts],
                where=where, group_by=keys))
        result = {}
        for row in cursor:
            key, counts = tuple(row[:len(keys)]), row[len(keys):]
            counts = {c: int(v) for c, v in zip(cls._counts, counts) if v}
            if counts:
                result[_normal_key(key)] = counts
        return result


class _DetailMixin(SummaryMixin):
    "The dimensions of the detailed summaries"
    __slots__ = ()
    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", readonly=True, ondelete='CASCADE')
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit", readonly=True,
        ondelete='CASCADE')
    gender = fields.Selection(GENDERS, "Gender", readonly=True)
    month = fields.Date("Month", readonly=True)


def _sort_key(key):
    return tuple((v is None, str(v) if v is not None else '') for v in key)


def _normal_key(key):
    "Return the key with dates as dates, whatever the backend returns"
    return tuple(
        dt.date.fromisoformat(v[:10]) if isinstance(v, str)
        and len(v) >= 10 and v[4:5] == '-' and v[7:8] == '-' else v
        for v in key)


class Volume(_DetailMixin):
    "Monitoring Volume Summary"
    __name__ = 'ossis.monitoring.summary.volume'
    __string__ = "Volume Summary"
    channel = fields.Char("Channel", readonly=True)
    week = fields.Date("Week", readonly=True)
    received = fields.Integer("Received", readonly=True)
    completed = fields.Integer("Completed", readonly=True)
    with_due = fields.Integer("With Due Date", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    _keys = (
        'company', 'lgu_service', 'administrative_unit', 'channel', 'gender',
        'month', 'week')
    _counts = ('received', 'completed', 'with_due', 'on_time')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._sql_indexes.add(key_index(cls, ('company', 'month')))


class Days(_DetailMixin):
    "Monitoring Processing Days Summary"
    __name__ = 'ossis.monitoring.summary.days'
    __string__ = "Processing Days Summary"
    days = fields.Integer("Days", readonly=True)
    completed = fields.Integer("Completed", readonly=True)
    with_due = fields.Integer("With Due Date", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    _keys = (
        'company', 'lgu_service', 'administrative_unit', 'gender', 'month',
        'days')
    _counts = ('completed', 'with_due', 'on_time')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._sql_indexes.add(key_index(cls, ('company', 'month')))
        cls._sql_indexes.add(key_index(cls, ('lgu_service', 'month')))


class Rating(_DetailMixin):
    "Monitoring Rating Summary"
    __name__ = 'ossis.monitoring.summary.rating'
    __string__ = "Rating Summary"
    rating = fields.Integer("Rating", readonly=True)
    count = fields.Integer("Count", readonly=True)
    _keys = (
        'company', 'lgu_service', 'administrative_unit', 'gender', 'month',
        'rating')
    _counts = ('count',)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._sql_indexes.add(key_index(cls, ('company', 'month')))


def key_index(cls, names):
    table = cls.__table__()
    return Index(table, *((getattr(table, n), Index.Range()) for n in names))


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    processing_days = fields.Integer(
        "Processing Days", readonly=True,
        help="The working days it took, set once decided.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The processing days of an offer decided in a window
        cls._sql_indexes.add(Index(
                t, (t.lgu_service, Index.Range()),
                (t.decided_date, Index.Range()),
                include=[t.processing_days],
                where=t.processing_days != Null))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        fill = not table_h.column_exist('processing_days')
        super().__register__(module)
        if fill:
            # The summaries are new: count the applications of before
            cls.rebuild_summaries()

    @classmethod
    def create(cls, vlist):
        applications = super().create(vlist)
        cls._update_summaries([], applications)
        return applications

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        changed = []
        for records, values in zip(actions, actions):
            if FIGURE_FIELDS & set(values):
                changed.extend(records)
        before = cls._figure_rows([a.id for a in changed])
        super().write(*args)
        cls._update_summaries(before, changed)

    @classmethod
    def delete(cls, applications):
        before = cls._figure_rows([a.id for a in applications])
        super().delete(applications)
        cls._apply_contributions(before, -1)

    @classmethod
    def _update_summaries(cls, before, applications):
        if not before and not applications:
            return
        after = cls._figure_rows([a.id for a in applications])
        volume, days = cls._contributions(before, -1)
        volume_after, days_after = cls._contributions(after, 1)
        _merge(volume, volume_after)
        _merge(days, days_after)
        cls._add_summaries(volume, days)
        cls._store_processing_days(after)

    @classmethod
    def _store_processing_days(cls, rows):
        "Store the processing days computed for the rows where they changed"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        by_days = defaultdict(list)
        for row in rows:
            days = row.get('days')
            if days != row['stored_days']:
                by_days[days].append(row['id'])
        for days, ids in by_days.items():
            for sub_ids in grouped_slice(ids, IN_MAX):
                cursor.execute(*table.update(
                        [table.processing_days], [days],
                        where=SQL_OPERATORS['in'](table.id, sub_ids)))
        if by_days:
            Transaction().counter += 1

    @classmethod
    def _apply_contributions(cls, rows, sign):
        cls._add_summaries(*cls._contributions(rows, sign))

    @classmethod
    def _add_summaries(cls, volume, days):
        pool = Pool()
        pool.get('ossis.monitoring.summary.volume').add(volume)
        pool.get('ossis.monitoring.summary.days').add(days)
        Municipality = pool.get('ossis.monitoring.summary.municipality')
        MunicipalityDays = pool.get(
            'ossis.monitoring.summary.municipality_days')
        Municipality.add(Municipality.deltas_of(volume=volume))
        MunicipalityDays.add(MunicipalityDays.deltas_of(days))

    @classmethod
    def _figure_rows(cls, ids, where=None):
        """Return the values the figures depend on of the applications, as
        dictionaries: those of the ids, or where(application table) holds"""
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        Company = pool.get('company.company')
        application = cls.__table__()
        applicant = Applicant.__table__()
        cursor = Transaction().connection.cursor()
        query = application.join(applicant,
            condition=application.applicant == applicant.id)
        # The applications of a practice municipality count nowhere
        real = ~application.company.in_(Company.practice_ids_query())
        columns = [
            application.id, application.company, application.state,
            application.lgu_service, application.administrative_unit,
            application.channel, applicant.kind, applicant.gender,
            application.submitted_date, application.decided_date,
            application.due_date, application.suspended_days,
            application.processing_days]
        names = [
            'id', 'company', 'state', 'lgu_service', 'administrative_unit',
            'channel', 'kind', 'gender', 'submitted_date', 'decided_date',
            'due_date', 'suspended_days', 'stored_days']
        rows = []
        if where is not None:
            cursor.execute(*query.select(
                    *columns, where=where(application) & real))
            rows = [dict(zip(names, r)) for r in cursor.fetchall()]
        else:
            for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                cursor.execute(*query.select(*columns,
                        where=SQL_OPERATORS['in'](application.id, sub_ids)
                        & real))
                rows.extend(dict(zip(names, r)) for r in cursor.fetchall())
        for row in rows:
            if isinstance(row['due_date'], str):
                row['due_date'] = dt.date.fromisoformat(row['due_date'])
        return rows

    @classmethod
    def _contributions(cls, rows, sign=1):
        """Return the volume and days deltas of the application rows

        A row counts as received from its submission and as completed once
        decided (see application_statistics for the definitions)."""
        pool = Pool()
        Company = pool.get('company.company')
        volume = defaultdict(Counter)
        days_deltas = defaultdict(Counter)
        rows = [r for r in rows if r['state'] != 'draft'
            and (r['submitted_date'] or r['decided_date'])]
        if not rows:
            return volume, days_deltas
        with without_check_access():
            companies = {c.id: c for c in Company.browse(
                    {r['company'] for r in rows})}
        # Each row's dates in the time zone of its municipality, read once
        zones = {i: time_zone(c) for i, c in companies.items()}
        decided = []
        for row in rows:
            zone = zones[row['company']]
            gender = gender_key(row['kind'], row['gender'])
            dimensions = (
                row['company'], row['lgu_service'],
                row['administrative_unit'], row['channel'], gender)
            submitted = _date(in_zone(zone, row['submitted_date']))
            if submitted:
                key = dimensions + (month_of(submitted), week_of(submitted))
                volume[key]['received'] += sign
            if row['state'] in COMPLETED and row['decided_date']:
                row['submitted'] = submitted
                row['decided'] = _date(in_zone(zone, row['decided_date']))
                row['gender_key'] = gender
                decided.append(row)
        for company_id, company_rows in _by_company(decided).items():
            counts = pool.get('ossis.calendar').working_days_between_many(
                companies[company_id], [
                    (r['submitted'] or r['decided'], r['decided'])
                    for r in company_rows])
            for row, count in zip(company_rows, counts):
                decided_ = row['decided']
                row['days'] = processing_days(count, row['suspended_days'])
                counts_ = {'completed': sign}
                if row['due_date']:
                    counts_['with_due'] = sign
                    if decided_ <= row['due_date']:
                        counts_['on_time'] = sign
                volume[(
                        row['company'], row['lgu_service'],
                        row['administrative_unit'], row['channel'],
                        row['gender_key'], month_of(decided_),
                        week_of(decided_))].update(counts_)
                days_deltas[(
                        row['company'], row['lgu_service'],
                        row['administrative_unit'], row['gender_key'],
                        month_of(decided_),
                        processing_days(count, row['suspended_days']))
                    ].update(counts_)
        return volume, days_deltas

    @classmethod
    def rebuild_summaries(cls, companies=None):
        """Compute the summaries from all the applications and feedback of
        the companies (all by default) and replace them

        Used by the migration and by the large database generator; compare
        with ``summary_differences`` to check the summaries."""
        if backend.name == 'postgresql':
            cls._rebuild_summaries_sql(companies)
            return
        volume, days, ratings = cls._computed_summaries(
            companies, store=True)
        pool = Pool()
        pool.get('ossis.monitoring.summary.volume').replace(volume, companies)
        pool.get('ossis.monitoring.summary.days').replace(days, companies)
        pool.get('ossis.monitoring.summary.rating').replace(
            ratings, companies)
        cls._roll_up_summaries(companies)

    @classmethod
    def _roll_up_summaries(cls, companies=None):
        "Sum the detailed summaries into those of the municipalities"
        pool = Pool()
        pool.get('ossis.monitoring.summary.municipality').roll_up(companies)
        pool.get('ossis.monitoring.summary.municipality_days').roll_up(
            companies)

    @classmethod
    def _rebuild_sql(cls, companies):
        "Return the SQL condition on the company of the alias a"
        if companies is None:
            return 'TRUE', []
        return 'a.company = ANY(%s)', [list(companies)]

    @classmethod
    def _rebuild_summaries_sql(cls, companies=None):
        """Rebuild the summaries in a few statements on PostgreSQL: the same
        counts as _contributions, over a table of the working days"""
        pool = Pool()
        Volume = pool.get('ossis.monitoring.summary.volume')
        Days = pool.get('ossis.monitoring.summary.days')
        Rating = pool.get('ossis.monitoring.summary.rating')
        Applicant = pool.get('ossis.applicant')
        Company = pool.get('company.company')
        Feedback = pool.get('ossis.application.feedback')
        cursor = Transaction().connection.cursor()
        where, params = cls._rebuild_sql(companies)
        application, applicant = cls._table, Applicant._table
        company = Company._table
        cls._fill_workdays(companies)
        local = ("((a.{column} AT TIME ZONE 'UTC') AT TIME ZONE "
            "coalesce(nullif(c.timezone, ''), 'UTC'))::date")
        gender = ("CASE WHEN p.kind = 'business' THEN 'business' "
            "ELSE coalesce(nullif(p.gender, ''), 'unknown') END")
        cursor.execute(f"""
            CREATE TEMPORARY TABLE ossis_monitoring_figures ON COMMIT DROP AS
            WITH f AS (
                SELECT a.id, a.company, a.lgu_service, a.administrative_unit,
                    a.channel, {gender} AS gender,
                    {local.format(column='submitted_date')} AS sub,
                    CASE WHEN a.state = ANY(%s)
                        AND a.decided_date IS NOT NULL
                        THEN {local.format(column='decided_date')} END AS dec,
                    a.due_date, coalesce(a.suspended_days, 0) AS suspended
                FROM "{application}" a
                JOIN "{company}" c ON c.id = a.company
                JOIN "{applicant}" p ON p.id = a.applicant
                WHERE a.state <> 'draft'
                    AND NOT coalesce(c.ossis_practice, FALSE)
                    AND (a.submitted_date IS NOT NULL
                        OR a.decided_date IS NOT NULL)
                    AND {where})
            SELECT f.*, CASE WHEN f.dec IS NOT NULL THEN greatest(
                    wd.n - coalesce(ws.n, wd.n) - f.suspended, 0) END AS days
            FROM f
            LEFT JOIN ossis_monitoring_workday wd
                ON wd.company = f.company AND wd.day = f.dec
            LEFT JOIN ossis_monitoring_workday ws
                ON ws.company = f.company AND ws.day = f.sub""",
            [COMPLETED] + params)
        for Summary in [Volume, Days, Rating]:
            table = Summary.__table__()
            if companies is None:
                cursor.execute(*table.delete())
            else:
                cursor.execute(*table.delete(
                        where=table.company.in_(list(companies))))
        on_time = "coalesce((dec <= due_date)::int, 0)"
        cursor.execute(f"""
            INSERT INTO "{Volume._table}" (company, lgu_service,
                administrative_unit, channel, gender, month, week, received,
                completed, with_due, on_time, create_uid, create_date)
            SELECT company, lgu_service, administrative_unit, channel, gender,
                date_trunc('month', day)::date, date_trunc('week', day)::date,
                sum(received), sum(completed), sum(with_due), sum(on_time),
                0, now() AT TIME ZONE 'UTC'
            FROM (
                SELECT company, lgu_service, administrative_unit, channel,
                    gender, sub AS day, 1 AS received, 0 AS completed,
                    0 AS with_due, 0 AS on_time
                FROM ossis_monitoring_figures WHERE sub IS NOT NULL
                UNION ALL
                SELECT company, lgu_service, administrative_unit, channel,
                    gender, dec, 0, 1, (due_date IS NOT NULL)::int,
                    {on_time}
                FROM ossis_monitoring_figures WHERE dec IS NOT NULL) e
            GROUP BY 1, 2, 3, 4, 5, 6, 7""")
        cursor.execute(f"""
            INSERT INTO "{Days._table}" (company, lgu_service,
                administrative_unit, gender, month, days, completed,
                with_due, on_time, create_uid, create_date)
            SELECT company, lgu_service, administrative_unit, gender,
                date_trunc('month', dec)::date, days, count(*),
                count(due_date), sum({on_time}), 0, now() AT TIME ZONE 'UTC'
            FROM ossis_monitoring_figures WHERE dec IS NOT NULL
            GROUP BY 1, 2, 3, 4, 5, 6""")
        cursor.execute(f"""
            INSERT INTO "{Rating._table}" (company, lgu_service,
                administrative_unit, gender, month, rating, count,
                create_uid, create_date)
            SELECT f.company, a.lgu_service, a.administrative_unit,
                {gender}, date_trunc('month', f.date)::date, f.rating,
                count(*), 0, now() AT TIME ZONE 'UTC'
            FROM "{Feedback._table}" f
            JOIN "{application}" a ON a.id = f.application
                AND a.company = f.company
            JOIN "{applicant}" p ON p.id = a.applicant
            JOIN "{company}" c ON c.id = a.company
            WHERE {where} AND NOT coalesce(c.ossis_practice, FALSE)
            GROUP BY 1, 2, 3, 4, 5, 6""", params)
        cursor.execute(f"""
            UPDATE "{application}" a SET processing_days = f.days
            FROM ossis_monitoring_figures f
            WHERE a.id = f.id
                AND a.processing_days IS DISTINCT FROM f.days""")
        cursor.execute(f"""
            UPDATE "{application}" a SET processing_days = NULL
            WHERE a.processing_days IS NOT NULL AND {where}
                AND NOT EXISTS (
                    SELECT 1 FROM ossis_monitoring_figures f
                    WHERE f.id = a.id AND f.days IS NOT NULL)""", params)
        cursor.execute("DROP TABLE ossis_monitoring_figures")
        cursor.execute("DROP TABLE ossis_monitoring_workday")
        cls._roll_up_summaries(companies)
        Transaction().counter += 1

    @classmethod
    def _fill_workdays(cls, companies=None):
        """Fill a temporary table with the number of working days of each
        municipality from the first day of the applications up to each
        day"""
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        Company = pool.get('company.company')
        cursor = Transaction().connection.cursor()
        where, params = cls._rebuild_sql(companies)
        cursor.execute(f"""
            SELECT min(least(a.submitted_date, a.decided_date))::date - 2,
                max(greatest(a.submitted_date, a.decided_date))::date + 2
            FROM "{cls._table}" a WHERE {where}""", params)
        first, last = cursor.fetchone()
        cursor.execute("""
            CREATE TEMPORARY TABLE ossis_monitoring_workday (
                company INTEGER, day DATE, n INTEGER,
                PRIMARY KEY (company, day)) ON COMMIT DROP""")
        if first is None:
            return
        with without_check_access():
            if companies is None:
                companies = Company.search([])
            companies = Company.browse(list(map(int, companies)))
        rows = []
        for company in companies:
            closures = Calendar.closure_dates(company)
            day, count = first, 0
            while day <= last:
                if day > first and Calendar.is_working_day(
                        company, day, closures):
                    count += 1
                rows.append((company.id, day, count))
                day += dt.timedelta(days=1)
        for sub_rows in grouped_slice(rows, 1000):
            sub_rows = list(sub_rows)
            cursor.execute(
                "INSERT INTO ossis_monitoring_workday (company, day, n) "
                "VALUES " + ', '.join(['(%s, %s, %s)'] * len(sub_rows)),
                [v for r in sub_rows for v in r])
        cursor.execute("ANALYZE ossis_monitoring_workday")

    @classmethod
    def summary_differences(cls, companies=None):
        """Return the names of the summaries whose stored counts differ from
        a computation from scratch"""
        pool = Pool()
        Municipality = pool.get('ossis.monitoring.summary.municipality')
        MunicipalityDays = pool.get(
            'ossis.monitoring.summary.municipality_days')
        volume, days, ratings = cls._computed_summaries(companies)
        computed = [volume, days, ratings,
            Municipality.deltas_of(volume=volume, ratings=ratings),
            MunicipalityDays.deltas_of(days)]
        names = [
            'volume', 'days', 'rating', 'municipality', 'municipality_days']
        differences = []
        for name, deltas in zip(names, computed):
            Summary = pool.get(f'ossis.monitoring.summary.{name}')
            expected = {_normal_key(k): {c: v for c, v in d.items() if v}
                for k, d in deltas.items()}
            expected = {k: v for k, v in expected.items() if v}
            if Summary.totals(companies) != expected:
                differences.append(name)
        return differences

    @classmethod
    def _computed_summaries(cls, companies=None, store=False):
        pool = Pool()
        Feedback = pool.get('ossis.application.feedback')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()

        def submitted(table):
            where = table.state != 'draft'
            if companies is not None:
                where &= SQL_OPERATORS['in'](table.company, list(companies))
            return where
        cursor.execute(*table.select(Min(table.id), Max(table.id),
                where=submitted(table)))
        first, last = cursor.fetchone()
        volume, days = defaultdict(Counter), defaultdict(Counter)
        for start in range(first or 0, (last or -1) + 1, REBUILD_BATCH):
            rows = cls._figure_rows(None, where=lambda t: submitted(t)
                & (t.id >= start) & (t.id < start + REBUILD_BATCH))
            batch_volume, batch_days = cls._contributions(rows)
            _merge(volume, batch_volume)
            _merge(days, batch_days)
            if store:
                cls._store_processing_days(rows)
        ratings = Feedback._rating_contributions(
            Feedback._rating_rows(companies=companies))
        return volume, days, ratings


def _date(value):
    return value.date() if value else None


def _merge(target, deltas):
    for key, counts in deltas.items():
        target[key].update(counts)


def _by_company(rows):
    result = defaultdict(list)
    for row in rows:
        result[row['company']].append(row)
    return result


class ApplicationFeedback(metaclass=PoolMeta):
    __name__ = 'ossis.application.feedback'

    @classmethod
    def create(cls, vlist):
        feedback = super().create(vlist)
        cls._add_ratings(cls._rating_contributions(
                cls._rating_rows(ids=[f.id for f in feedback])))
        return feedback

    @classmethod
    def delete(cls, feedback):
        rows = cls._rating_rows(ids=[f.id for f in feedback])
        super().delete(feedback)
        cls._add_ratings(cls._rating_contributions(rows, -1))

    @classmethod
    def _add_ratings(cls, ratings):
        pool = Pool()
        Municipality = pool.get('ossis.monitoring.summary.municipality')
        pool.get('ossis.monitoring.summary.rating').add(ratings)
        Municipality.add(Municipality.deltas_of(ratings=ratings))

    @classmethod
    def _rating_rows(cls, ids=None, companies=None):
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        Company = pool.get('company.company')
        feedback = cls.__table__()
        application = Application.__table__()
        applicant = Applicant.__table__()
        cursor = Transaction().connection.cursor()
        query = feedback.join(application,
            condition=feedback.application == application.id
            ).join(applicant,
            condition=application.applicant == applicant.id)
        columns = [
            feedback.company, application.lgu_service,
            application.administrative_unit, applicant.kind,
            applicant.gender, feedback.date, feedback.rating]
        wheres = []
        if ids is not None:
            wheres = [SQL_OPERATORS['in'](feedback.id, s)
                for s in grouped_slice(ids, IN_MAX)]
        elif companies is not None:
            wheres = [SQL_OPERATORS['in'](feedback.company, list(companies))]
        else:
            wheres = [Literal(True)]
        rows = []
        for where in wheres:
            cursor.execute(*query.select(*columns,
                    where=where & (feedback.company == application.company)
                    & ~feedback.company.in_(Company.practice_ids_query())))
            rows.extend(cursor)
        return rows

    @classmethod
    def _rating_contributions(cls, rows, sign=1):
        deltas = defaultdict(Counter)
        for company, offer, unit, kind, gender, date, rating in rows:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            deltas[(company, offer, unit, gender_key(kind, gender),
                    month_of(date), rating)]['count'] += sign
        return deltas
