#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the transparency figures and the measured processing times

Activate ossis_monitoring in a new database (SQLite in memory by default,
PostgreSQL when TRYTOND_DATABASE_URI is postgresql://...), let one
municipality offer every published service, generate N applications of the
year in it (drafts created with the ORM, then given states and dates with
SQL: a quarter running or ended, the others decided, a third of those
rated) and print the time of ``Application.transparency`` and
``Application.transparency_csv`` for the municipality and of
``LGUService.processing_time`` for all its offers.  Run it with and without
python -O: production runs with -O.

    python benchmarks/transparency.py
    python -O benchmarks/transparency.py -n 5000
    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        python -O benchmarks/transparency.py
"""
import argparse
import datetime as dt
import random
import time

from bench_database import module_database, use_database  # noqa: E402

use_database('bench_transparency')

from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    with_transaction)
from trytond.transaction import Transaction  # noqa: E402

YEAR = 2026
STATES = ['decided'] * 3 + ['delivered'] * 5 + ['closed'] * 4 + [
    'submitted', 'in_progress', 'waiting', 'withdrawn']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '-n', type=int, default=3000,
        help="applications of the year (default: %(default)s)")
    options = parser.parse_args()

    with module_database('ossis_monitoring'):
        run(options)


def timed(label, function, *args, **kwargs):
    "Call the function twice and print the time of each call"
    times = []
    for _ in range(2):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    print(f"{label}: {times[0]:.3f} s, again {times[1]:.3f} s")
    return result


def generate(setup, n):
    "Create n applications of the year with random states and dates"
    pool = Pool()
    Applicant = pool.get('ossis.applicant')
    Application = pool.get('ossis.application')
    AdministrativeUnit = pool.get('ossis.administrative_unit')
    Feedback = pool.get('ossis.application.feedback')
    Calendar = pool.get('ossis.calendar')
    from trytond.modules.ossis_application.tests.scenario import (
        valid_identifier)
    rng = random.Random(YEAR)
    company = setup.company
    units = AdministrativeUnit.search([('company', '=', company.id)])
    applicants = Applicant.create([{
                'company': company.id,
                'kind': 'person',
                'name': f"Applicant {i}",
                'identifier': valid_identifier(i),
                'gender': rng.choice(['female', 'male', None]),
                'administrative_unit': rng.choice(units).id,
                } for i in range(1, n // 3 + 2)])
    offers = list(setup.offers.values())
    applications = Application.create([{
                'company': company.id,
                'channel': 'online',
                'lgu_service': rng.choice(offers).id,
                'applicant': rng.choice(applicants).id,
                'administrative_unit': rng.choice(units).id,
                } for _ in range(n)])
    table = Application.__table__()
    cursor = Transaction().connection.cursor()
    rated = []
    for application in applications:
        state = rng.choice(STATES)
        submitted = dt.date(YEAR, 1, 1) + dt.timedelta(
            days=rng.randrange(330))
        due = Calendar.add_working_days(company, submitted, 30)
        decided = None
        if state in {'decided', 'delivered', 'closed'}:
            decided = Calendar.add_working_days(
                company, submitted, rng.randrange(1, 45))
            if state != 'decided' and rng.random() < 1 / 3:
                rated.append(application)
        cursor.execute(*table.update(
                [table.state, table.submitted_date, table.decided_date,
                    table.due_date, table.suspended_days],
                [state, dt.datetime.combine(submitted, dt.time(9)),
                    dt.datetime.combine(decided, dt.time(14))
                    if decided else None,
                    due, rng.choice([0, 0, 0, 3])],
                where=table.id == application.id))
    Feedback.create([{
                'company': company.id,
                'application': a.id,
                'rating': rng.randrange(1, 6),
                'date': dt.date(YEAR, 12, 1),
                } for a in rated])
    return offers


@with_transaction()
def run(options):
    from trytond.modules.ossis_application.tests import scenario
    pool = Pool()
    Application = pool.get('ossis.application')
    LGUService = pool.get('ossis.lgu.service')
    Service = pool.get('ossis.service')

    start = time.perf_counter()
    codes = sorted({s.code for s in Service.search([
                    ('state', '=', 'published')])})
    setup = scenario.municipality('elbasan', services=codes)
    offers = generate(setup, options.n)
    print(f"{len(offers)} offers and {options.n} applications generated in "
        f"{time.perf_counter() - start:.1f} s")
    # The states and dates were given in SQL, behind the summaries
    timed("rebuild_summaries", Application.rebuild_summaries)

    figures = timed(
        f"transparency({options.n} applications)",
        Application.transparency, setup.company, YEAR)
    print(f"    received {figures.total.received}, completed "
        f"{figures.total.completed}, median {figures.total.median}, "
        f"p90 {figures.total.p90}, {len(figures.services)} services")
    timed("transparency_csv", Application.transparency_csv,
        setup.company, YEAR)
    times = timed(
        f"processing_time({len(offers)} offers)",
        LGUService.processing_time, offers, date=dt.date(YEAR, 12, 31))
    published = sum(1 for days, _ in times.values() if days is not None)
    print(f"    {published} offers with a processing time")


if __name__ == '__main__':
    main()
