#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time moving running applications to a new workflow version

Activate ossis_application in a new database (SQLite in memory by default,
PostgreSQL when TRYTOND_DATABASE_URI is postgresql://...), submit N
applications in one municipality (a third each at the review, the approval
and the decision), activate a new version of the workflow with a renamed
and an added step, and print the time the municipality's administrator
takes to move them all with ``ossis.workflow.migration.migrate``.  Run it
with and without python -O: the assertions of Tryton's record constructor
cost time, and production runs with -O.

    python benchmarks/workflow_migration.py
    python -O benchmarks/workflow_migration.py
    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        python -O benchmarks/workflow_migration.py
"""
import argparse
import time

from bench_database import module_database, use_database  # noqa: E402

use_database('bench_workflow_migration')

from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    with_transaction)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '-n', type=int, default=3000,
        help="running applications to move (default: %(default)s)")
    options = parser.parse_args()

    with module_database('ossis_application'):
        run(options)


@with_transaction()
def run(options):
    from trytond.modules.ossis_base.tests.test_module import (
        as_user, create_lgu_user)
    from trytond.modules.ossis_application.tests import scenario
    from trytond.modules.ossis_application.tests import (
        test_workflow_migration as migration)
    forward = migration.forward
    running_applications = migration.running_applications
    version_2 = migration.version_2
    pool = Pool()
    Migration = pool.get('ossis.workflow.migration')
    History = pool.get('ossis.application.history')

    start = time.perf_counter()
    setup = scenario.municipality('elbasan')
    applications = running_applications(setup, options.n)
    forward(setup, applications[options.n // 3:])
    forward(setup, applications[2 * options.n // 3:])
    v1 = applications[0].workflow
    v2 = version_2(v1)
    admin = create_lgu_user('elbasan.admin', setup.company)
    step_map = {
        v1.step_of_code('review'): v2.step_of_code('review'),
        v1.step_of_code('approval'): v2.step_of_code('proposal'),
        v1.step_of_code('decision'): v2.step_of_code('decision'),
        }
    print(f"{len(applications)} running applications set up in "
        f"{time.perf_counter() - start:.1f} s")

    with as_user(admin):
        start, cpu_start = time.perf_counter(), time.process_time()
        report = Migration.migrate(applications, v2, step_map)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    moved = sum(r['count'] for r in report)
    assert moved == len(applications)
    assert History.search_count([('action', '=', 'migrate')]) == moved
    print(f"migrate({moved}): {elapsed:.2f} s, CPU {cpu:.2f} s, "
        f"{moved / elapsed:.0f} applications/s")
    for row in report:
        print(f"    {Migration.report_text([row])}")


if __name__ == '__main__':
    main()
