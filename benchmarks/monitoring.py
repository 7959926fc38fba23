#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the figures of monitoring beside hand-written SQL at national scale

On a database made by large_database.py (a copy of it: the summaries are
rebuilt when missing with ``--rebuild``), time each figure as the staff
read it:

- the transparency figures of the largest municipality for a year
  (``Application.transparency``);
- the measured processing times of all the offers of the country
  (``LGUService.processing_time``);
- the typical query of each dashboard as the head of a unit of the
  largest municipality (volume per week of the year, service times of the
  year, the histogram of the processing days, the feedback per month) and
  the national comparison of the 61 municipalities as the national
  administrator;

each beside a hand-written SQL query computing the same numbers from the
application tables (the working days come from a table of the working
days of each municipality made beforehand), in the same run, and check
they are equal.  Each line gives the best of three calls, the ratio, and
whether it is within 1 s and twice the SQL, with the load average.

    python benchmarks/monitoring.py --database bench_x_1m
"""
import argparse
import collections
import datetime as dt
import os
import sys
import time

from bench_database import POSTGRESQL

COMPLETED = ('decided', 'ready', 'delivered', 'closed')
RUNS = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    parser.add_argument('--postgresql', default=POSTGRESQL)
    parser.add_argument(
        '--year', type=int, help="default: the last whole year")
    parser.add_argument(
        '--rebuild', action='store_true',
        help="rebuild the summaries first")
    options = parser.parse_args()
    os.environ['TRYTOND_DATABASE_URI'] = options.postgresql
    run(options)


def best(function):
    "Return the result and the best time of RUNS calls of the function"
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, min(times)


def report(label, orm, sql, equal):
    ratio = orm / sql if sql else float('inf')
    verdict = 'ok' if orm <= 1 and ratio <= 2 else 'SLOW'
    load = open('/proc/loadavg').read().split()[0]
    print(f"{label:<34} {orm:8.3f} {sql:8.3f} {ratio:7.2f}  {verdict:<4}  "
        f"{'equal' if equal else 'DIFFERENT':<9}  {load}")
    sys.stdout.flush()
    return verdict == 'ok' and equal


def run(options):
    import psycopg

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    name = options.database
    pool = Pool(name)
    with Transaction().start(name, 0, readonly=True):
        pool.init()
    if options.rebuild:
        with Transaction().start(name, 0):
            start = time.perf_counter()
            pool.get('ossis.application').rebuild_summaries()
            print(f"summaries rebuilt in {time.perf_counter() - start:.1f} s")

    connection = psycopg.connect(options.postgresql + name)
    cursor = connection.cursor()
    cursor.execute("SELECT COUNT(*) FROM ossis_application")
    count, = cursor.fetchone()
    cursor.execute("""
        SELECT c.id, c.code FROM company_company c
        JOIN ossis_application a ON a.company = c.id
        GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1""")
    company_id, code = cursor.fetchone()
    cursor.execute("""
        SELECT max(extract(year FROM submitted_date)) - 1
        FROM ossis_application""")
    year = options.year or int(cursor.fetchone()[0])
    start = time.perf_counter()
    workdays(pool, name, cursor)
    print(f"{count} applications, {code} in {year}; working-day table "
        f"made in {time.perf_counter() - start:.1f} s")
    cursor.execute("""
        SELECT u.id FROM res_user u
        JOIN "res_user-res_group" ug ON ug."user" = u.id
        JOIN ir_model_data d ON d.model = 'res.group'
            AND d.module = 'ossis_base' AND d.db_id = ug."group"
        WHERE u.company = %s AND d.fs_id = 'group_unit_head' AND u.active
        ORDER BY u.id LIMIT 1""", (company_id,))
    head, = cursor.fetchone()
    print(f"{'figure':<34} {'orm s':>8} {'sql s':>8} {'ratio':>7}  "
        f"{'<=1s,2x':<4}  {'check':<9}  load")
    ok = True
    with Transaction().start(name, 0, readonly=True):
        def sql(query, params=()):
            def execute():
                cursor.execute(query, params)
                return cursor.fetchall()
            return execute
        for label, orm, query, compare in figures(
                pool, company_id, year, head, sql):
            orm_result, orm_time = best(orm)
            sql_result, sql_time = best(query)
            ok &= report(label, orm_time, sql_time,
                compare(orm_result, sql_result))
    connection.close()
    print("all within target and equal" if ok else "some figures are not")


def workdays(pool, name, cursor):
    """Make the table of the working days of each municipality: the number
    of working days from the first day up to each day"""
    from trytond.transaction import Transaction
    Calendar = pool.get('ossis.calendar')
    cursor.execute("""
        SELECT min(submitted_date)::date - 2, now()::date + 2
        FROM ossis_application""")
    first, last = cursor.fetchone()
    cursor.execute("SELECT id FROM company_company")
    rows = []
    with Transaction().start(name, 0, readonly=True):
        Company = pool.get('company.company')
        for company_id, in cursor.fetchall():
            company = Company(company_id)
            day, count = first, 0
            while day <= last:
                if day > first and Calendar.is_working_day(company, day):
                    count += 1
                rows.append((company_id, day, count))
                day += dt.timedelta(days=1)
    cursor.execute("""
        CREATE TEMPORARY TABLE bench_workday (
            company INTEGER, day DATE, n INTEGER,
            PRIMARY KEY (company, day))""")
    with cursor.copy(
            "COPY bench_workday (company, day, n) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute("ANALYZE bench_workday")


# The applications with their local dates and processing days
APPLICATIONS = """
    SELECT a.id, a.company, a.lgu_service, a.administrative_unit, a.channel,
        a.state, a.due_date,
        CASE WHEN p.kind = 'business' THEN 'business'
            ELSE coalesce(p.gender, 'unknown') END AS gender,
        (a.submitted_date AT TIME ZONE 'UTC'
            AT TIME ZONE coalesce(c.timezone, 'UTC'))::date AS sub,
        (a.decided_date AT TIME ZONE 'UTC'
            AT TIME ZONE coalesce(c.timezone, 'UTC'))::date AS dec,
        a.state IN ('decided', 'ready', 'delivered', 'closed')
            AND a.decided_date IS NOT NULL AS done,
        greatest(wd.n - ws.n - coalesce(a.suspended_days, 0), 0) AS days
    FROM ossis_application a
    JOIN company_company c ON c.id = a.company
    JOIN ossis_applicant p ON p.id = a.applicant
    LEFT JOIN bench_workday ws ON ws.company = a.company
        AND ws.day = (a.submitted_date AT TIME ZONE 'UTC'
            AT TIME ZONE coalesce(c.timezone, 'UTC'))::date
    LEFT JOIN bench_workday wd ON wd.company = a.company
        AND wd.day = (a.decided_date AT TIME ZONE 'UTC'
            AT TIME ZONE coalesce(c.timezone, 'UTC'))::date
    WHERE a.state <> 'draft' AND {where}
"""
YEAR_WHERE = """
    ((a.submitted_date >= %(start)s AND a.submitted_date < %(end)s)
        OR (a.decided_date >= %(start)s AND a.decided_date < %(end)s))"""


def year_params(year):
    return {
        'start': dt.datetime(year - 1, 12, 31),
        'end': dt.datetime(year + 1, 1, 2),
        'year': year,
        }


def share(part, whole):
    return part / whole if whole else None


def close(a, b):
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9


def same_rows(a, b):
    return sorted(map(_round, a)) == sorted(map(_round, b))


def _round(row):
    return tuple(
        round(float(v), 9) if isinstance(v, float) or hasattr(v, 'quantize')
        else (-1 if v is None else v) for v in row)


def figures(pool, company_id, year, head, sql):
    "Yield the label, the ORM call, the SQL call and the comparison"
    from trytond.transaction import Transaction
    Application = pool.get('ossis.application')
    LGUService = pool.get('ossis.lgu.service')
    User = pool.get('res.user')
    params = year_params(year)
    params['company'] = company_id

    def transparency():
        figures = Application.transparency(company_id, year)
        return {
            'total': [figures.total[2:]],
            'services': [r[2:] for r in figures.services],
            'genders': [r[2:] for r in figures.genders],
            'units': [r[2:] for r in figures.administrative_units],
            }

    transparency_sql = sql("""
        WITH f AS (""" + APPLICATIONS.format(
            where="a.company = %(company)s AND" + YEAR_WHERE) + """),
        g AS (
            SELECT *, extract(year FROM sub) = %(year)s AS rec,
                done AND extract(year FROM dec) = %(year)s AS comp
            FROM f),
        r AS (
            SELECT fb.rating, a.lgu_service, a.administrative_unit,
                CASE WHEN p.kind = 'business' THEN 'business'
                    ELSE coalesce(p.gender, 'unknown') END AS gender
            FROM ossis_application_feedback fb
            JOIN ossis_application a ON a.id = fb.application
            JOIN ossis_applicant p ON p.id = a.applicant
            WHERE fb.company = %(company)s
                AND a.company = %(company)s
                AND extract(year FROM fb.date) = %(year)s),
        figures AS (
            SELECT grouping(lgu_service, gender, administrative_unit) AS set,
                lgu_service, gender, administrative_unit,
                count(*) FILTER (WHERE rec) AS received,
                count(*) FILTER (WHERE comp) AS completed,
                count(*) FILTER (WHERE comp AND due_date IS NOT NULL)
                    AS with_due,
                count(*) FILTER (WHERE comp AND dec <= due_date) AS on_time,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY days)
                    FILTER (WHERE comp) AS median,
                percentile_disc(0.9) WITHIN GROUP (ORDER BY days)
                    FILTER (WHERE comp) AS p90
            FROM g WHERE rec OR comp
            GROUP BY GROUPING SETS (
                (), (lgu_service), (gender), (administrative_unit))),
        ratings AS (
            SELECT grouping(lgu_service, gender, administrative_unit) AS set,
                lgu_service, gender, administrative_unit,
                avg(rating::float) AS satisfaction, count(*) AS ratings
            FROM r
            GROUP BY GROUPING SETS (
                (), (lgu_service), (gender), (administrative_unit)))
        SELECT f.set, f.received, f.completed, f.with_due, f.on_time,
            f.median, f.p90, r.satisfaction, coalesce(r.ratings, 0)
        FROM figures f LEFT JOIN ratings r ON r.set = f.set
            AND r.lgu_service IS NOT DISTINCT FROM f.lgu_service
            AND r.gender IS NOT DISTINCT FROM f.gender
            AND r.administrative_unit
                IS NOT DISTINCT FROM f.administrative_unit""", params)

    def compare_transparency(orm, rows):
        # grouping() bits: service 4, gender 2, unit 1 when rolled up
        sets = {7: 'total', 3: 'services', 5: 'genders', 6: 'units'}
        expected = collections.defaultdict(list)
        for (set_, received, completed, with_due, on_time, median, p90,
                satisfaction, ratings) in rows:
            expected[sets[set_]].append((
                    received, completed, share(on_time, with_due), median,
                    p90, satisfaction, ratings))
        return all(same_rows(orm[k], expected[k]) for k in sets.values())

    yield ("transparency of a year", transparency, transparency_sql,
        compare_transparency)

    with Transaction().set_user(0):
        offers = LGUService.search([])
    offer_ids = [o.id for o in offers]
    today = dt.date.today()

    def processing_times():
        return LGUService.processing_time(offer_ids)

    window = {
        'since': dt.datetime.combine(
            today - dt.timedelta(days=366), dt.time()),
        'first': today - dt.timedelta(days=364),
        'today': today,
        }
    processing_sql = sql("""
        WITH f AS (""" + APPLICATIONS.format(
            where="a.decided_date >= %(since)s") + """)
        SELECT lgu_service, count(*),
            percentile_disc(0.9) WITHIN GROUP (ORDER BY days)
        FROM f WHERE done AND dec BETWEEN %(first)s AND %(today)s
        GROUP BY lgu_service""", window)

    def compare_processing(orm, rows):
        expected = {o: (None, 0) for o in offer_ids}
        for offer, sample, p90 in rows:
            expected[offer] = (p90 if sample >= 5 else None, sample)
        return orm == expected

    yield ("processing times of all offers", processing_times,
        processing_sql, compare_processing)

    for label, orm, query, compare in dashboards(
            pool, company_id, year, params, sql):
        def as_head(orm=orm):
            with Transaction().set_user(head), \
                    Transaction().set_context(_check_access=True, **(
                        User(head).get_preferences(context_only=True))):
                return orm()
        yield label, as_head, query, compare

    def national():
        Municipality = pool.get('ossis.monitoring.municipality')
        with Transaction().set_user(1), \
                Transaction().set_context(_check_access=True, **(
                    User(1).get_preferences(context_only=True))):
            return [(r['company'], r['received'], r['online'],
                    r['completed'], r['on_time_share'], r['median_days'],
                    r['satisfaction'], r['ratings'], r['inhabitants'])
                for r in Municipality.search_read(
                    [('year', '=', year)], fields_names=[
                        'company', 'received', 'online', 'completed',
                        'on_time_share', 'median_days', 'satisfaction',
                        'ratings', 'inhabitants', 'per_1000',
                        'online_share', 'ossis_status'])]

    national_sql = sql("""
        WITH f AS (""" + APPLICATIONS.format(where=YEAR_WHERE) + """),
        g AS (
            SELECT *, extract(year FROM sub) = %(year)s AS rec,
                done AND extract(year FROM dec) = %(year)s AS comp
            FROM f),
        figures AS (
            SELECT company,
                count(*) FILTER (WHERE rec) AS received,
                count(*) FILTER (WHERE rec AND channel = 'online')
                    AS online,
                count(*) FILTER (WHERE comp) AS completed,
                count(*) FILTER (WHERE comp AND due_date IS NOT NULL)
                    AS with_due,
                count(*) FILTER (WHERE comp AND dec <= due_date) AS on_time,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY days)
                    FILTER (WHERE comp) AS median
            FROM g WHERE rec OR comp GROUP BY company),
        ratings AS (
            SELECT company, avg(rating::float) AS satisfaction,
                count(*) AS ratings
            FROM ossis_application_feedback
            WHERE extract(year FROM date) = %(year)s GROUP BY company)
        SELECT f.company, f.received, f.online, f.completed, f.with_due,
            f.on_time, f.median, r.satisfaction, coalesce(r.ratings, 0),
            c.population
        FROM figures f JOIN company_company c ON c.id = f.company
        LEFT JOIN ratings r ON r.company = f.company""", params)

    def compare_national(orm, rows):
        expected = [(company, received, online, completed,
                share(on_time, with_due), median, satisfaction, ratings,
                population)
            for (company, received, online, completed, with_due, on_time,
                median, satisfaction, ratings, population) in rows]
        return same_rows(orm, expected)

    yield ("national comparison of a year", national, national_sql,
        compare_national)


def dashboards(pool, company_id, year, params, sql):
    "Yield the typical query of each dashboard of a unit head"
    from trytond.transaction import Transaction
    Volume = pool.get('ossis.monitoring.volume')
    ServiceTime = pool.get('ossis.monitoring.service_time')
    ProcessingDays = pool.get('ossis.monitoring.processing_days')
    Feedback = pool.get('ossis.monitoring.feedback')
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)

    def volume():
        totals = collections.defaultdict(lambda: [0, 0, 0])
        with Transaction().set_context(volume_dimensions=['week', 'month']):
            rows = Volume.search_read([
                    ('company', '=', company_id),
                    ('month', '>=', first), ('month', '<=', last),
                    ], fields_names=[
                    'week', 'received', 'completed', 'on_time'])
        for row in rows:
            total = totals[row['week']]
            for i, name in enumerate(['received', 'completed', 'on_time']):
                total[i] += row[name]
        return {w: tuple(t) for w, t in totals.items() if any(t)}

    volume_sql = sql("""
        WITH f AS (""" + APPLICATIONS.format(
            where="a.company = %(company)s AND" + YEAR_WHERE) + """),
        events AS (
            SELECT date_trunc('week', sub)::date AS week, 1 AS received,
                0 AS completed, 0 AS on_time
            FROM f WHERE extract(year FROM sub) = %(year)s
            UNION ALL
            SELECT date_trunc('week', dec)::date, 0, 1,
                (dec <= due_date)::int
            FROM f WHERE done AND extract(year FROM dec) = %(year)s)
        SELECT week, sum(received), sum(completed), sum(on_time)
        FROM events GROUP BY week""", params)

    def compare_volume(orm, rows):
        return orm == {w: (int(r), int(c), int(o)) for w, r, c, o in rows}

    yield "volume per week (unit head)", volume, volume_sql, compare_volume

    def service_times():
        return [(r['lgu_service'], r['completed'], r['median_days'],
                r['p90_days'], r['on_time_share'])
            for r in ServiceTime.search_read([
                    ('company', '=', company_id), ('year', '=', year),
                    ], fields_names=[
                    'lgu_service', 'completed', 'median_days', 'p90_days',
                    'on_time_share', 'legal_days', 'promised_days'])]

    service_sql = sql("""
        WITH f AS (""" + APPLICATIONS.format(
            where="a.company = %(company)s AND a.decided_date >= %(start)s "
            "AND a.decided_date < %(end)s") + """)
        SELECT lgu_service, count(*),
            percentile_disc(0.5) WITHIN GROUP (ORDER BY days),
            percentile_disc(0.9) WITHIN GROUP (ORDER BY days),
            count(*) FILTER (WHERE due_date IS NOT NULL),
            count(*) FILTER (WHERE dec <= due_date)
        FROM f WHERE done AND extract(year FROM dec) = %(year)s
        GROUP BY lgu_service""", params)

    def compare_service(orm, rows):
        return same_rows(orm, [(o, n, m, p, share(t, d))
                for o, n, m, p, d, t in rows])

    yield ("service times of a year (head)", service_times, service_sql,
        compare_service)

    def histogram():
        counts = collections.Counter()
        with Transaction().set_context(
                processing_days_dimensions=['lgu_service']):
            rows = ProcessingDays.search_read([
                    ('company', '=', company_id), ('year', '=', year),
                    ], fields_names=['lgu_service', 'days', 'count'])
        for row in rows:
            counts[(row['lgu_service'], row['days'])] += row['count']
        return counts

    histogram_sql = sql("""
        WITH f AS (""" + APPLICATIONS.format(
            where="a.company = %(company)s AND a.decided_date >= %(start)s "
            "AND a.decided_date < %(end)s") + """)
        SELECT lgu_service, days, count(*)
        FROM f WHERE done AND extract(year FROM dec) = %(year)s
        GROUP BY lgu_service, days""", params)

    def compare_histogram(orm, rows):
        return orm == collections.Counter(
            {(o, d): n for o, d, n in rows})

    yield ("processing days histogram (head)", histogram, histogram_sql,
        compare_histogram)

    def feedback():
        return [(r['lgu_service'], r['month'], r['ratings'], r['average'],
                r['low'])
            for r in Feedback.search_read([
                    ('company', '=', company_id),
                    ('month', '>=', first), ('month', '<=', last),
                    ], fields_names=[
                    'lgu_service', 'month', 'ratings', 'average', 'low'])]

    feedback_sql = sql("""
        SELECT a.lgu_service, date_trunc('month', fb.date)::date, count(*),
            avg(fb.rating::float), count(*) FILTER (WHERE fb.rating <= 2)
        FROM ossis_application_feedback fb
        JOIN ossis_application a ON a.id = fb.application
        WHERE fb.company = %(company)s
            AND extract(year FROM fb.date) = %(year)s
        GROUP BY 1, 2""", params)

    yield ("feedback per month (head)", feedback, feedback_sql,
        lambda orm, rows: same_rows(orm, rows))


if __name__ == '__main__':
    main()
