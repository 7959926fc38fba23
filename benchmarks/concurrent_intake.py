#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Submissions per second with 1, 4 and 8 desks submitting at once

Activate ossis_application in a new database (PostgreSQL when
TRYTOND_DATABASE_URI is postgresql://..., else an SQLite file), set up a
municipality with 8 clerks at its desk and, for each number of desks, let
each desk submit N complete drafts one after the other, all desks at once.
Each desk runs in a process of its own, as the workers of a production
server do, and each submission runs as the server runs a request (see
addons/ossis_application/tests/test_concurrency.py): in a transaction that
starts again when trytond asks or after a conflict, then commits.  Print
the submissions per second, the failed submissions and whether the
numbers are gap-free.  Production runs with python -O.

    python -O benchmarks/concurrent_intake.py
    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        python -O benchmarks/concurrent_intake.py -n 10
"""
import argparse
import multiprocessing
import os
import tempfile
import time

from bench_database import module_database, use_database  # noqa: E402

if not os.environ.get('TRYTOND_DATABASE_URI', '').startswith('postgresql'):
    # Desks in processes of their own share an SQLite file, not memory
    os.environ.setdefault('TRYTOND_DATABASE__PATH', tempfile.mkdtemp())
    os.environ.setdefault('DB_NAME', 'bench_concurrent_intake')
use_database('bench_concurrent_intake')

from trytond.modules.ossis_application.tests import scenario  # noqa: E402
from trytond.modules.ossis_application.tests.test_concurrency import (  # noqa: E402,E501
    committed, request, setup_of, submit)
from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import DB_NAME  # noqa: E402

DESKS = [1, 4, 8]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '-n', type=int, default=10,
        help="submissions per desk (default: %(default)s)")
    options = parser.parse_args()

    with module_database('ossis_application'):
        run(options)


def municipality():
    "Return the ids of a municipality with 8 clerks at its desk"
    setup = scenario.municipality('elbasan')
    clerks = [scenario.staff_user(
            f'elbasan.desk{i}', setup.company, 'group_front_office',
            scenario.employee(setup.company, f"Clerk {i}", [setup.desk]))
        for i in range(max(DESKS))]
    return {
        'company': setup.company.id,
        'desk': setup.desk.id,
        'offers': {c: o.id for c, o in setup.offers.items()},
        'users': {
            'front': (setup.front.id, scenario.user_context(setup.front)),
            **{f'desk{i}': (c.id, scenario.user_context(c))
                for i, c in enumerate(clerks)}},
        }


def drafts(ids, count, first):
    "Return the ids of count new complete drafts at the desk"
    setup = setup_of(ids)
    return [scenario.draft(setup, serial=first + i).id for i in range(count)]


def numbers(application_ids):
    pool = Pool()
    Application = pool.get('ossis.application')
    return [a.number for a in Application.browse(application_ids)]


def desk(user, application_ids, barrier, results):
    "Submit the drafts one after the other as the clerk, from the barrier"
    Pool(DB_NAME).init()
    user_id, context = user
    failed = 0
    barrier.wait()
    for application_id in application_ids:
        try:
            request(user_id, submit, application_id, context=context)
        except Exception as exception:
            failed += 1
            print(f"  failed: {exception!r}"[:200])
    results.put((time.monotonic(), failed))


def run(options):
    ids = committed(municipality)
    context = multiprocessing.get_context('spawn')
    serial = 1
    submitted = []
    rows = []
    for count in DESKS:
        total = count * options.n
        application_ids = committed(drafts, ids, total, serial)
        serial += total
        barrier = context.Barrier(count + 1)
        results = context.Queue()
        processes = [context.Process(target=desk, args=(
                    ids['users'][f'desk{i}'], application_ids[i::count],
                    barrier, results))
            for i in range(count)]
        for process in processes:
            process.start()
        barrier.wait()
        start = time.monotonic()
        ends, failed = [], 0
        for _ in processes:
            end, desk_failed = results.get()
            ends.append(end)
            failed += desk_failed
        for process in processes:
            process.join()
        elapsed = max(ends) - start
        submitted.extend(application_ids)
        rows.append((count, total, elapsed, total / elapsed, failed))

    given = sorted(n for n in committed(numbers, submitted) if n)
    suffixes = [int(n.rsplit('-', 1)[1]) for n in given]
    print(f"{'desks':>5} {'submissions':>11} {'seconds':>8} "
        f"{'per second':>10} {'failed':>6}")
    for count, total, elapsed, rate, failed in rows:
        print(f"{count:>5} {total:>11} {elapsed:>8.2f} {rate:>10.2f} "
            f"{failed:>6}")
    print(f"numbers: {len(given)} given, unique and gap-free: "
        f"{'yes' if suffixes == list(range(1, len(given) + 1)) else 'NO'}")


if __name__ == '__main__':
    main()
