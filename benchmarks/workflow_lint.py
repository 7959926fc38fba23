#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the check of the workflows of every municipality

Activate ossis_workflow in a new database (SQLite in memory by default,
PostgreSQL when TRYTOND_DATABASE_URI is postgresql://...), give every
municipality a front desk and a back office unit, staff them in part of the
municipalities, offer the whole national catalogue everywhere (61 × 103
configurations) and print the time ``lint_configurations`` takes to check
them all.  Run it with and without python -O: the assertions of Tryton's
record constructor cost time, and production runs with -O.

    python benchmarks/workflow_lint.py
    python -O benchmarks/workflow_lint.py
    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        python -O benchmarks/workflow_lint.py
"""
import argparse
import statistics
import time

from bench_database import (  # noqa: E402
    module_database, offer_catalogue, use_database)

use_database('bench_workflow_lint')

from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    with_transaction)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--staffed', type=int, default=30,
        help="municipalities whose units get a user per role, the others "
        "have none (default: %(default)s)")
    parser.add_argument(
        '--repeat', type=int, default=3,
        help="times the check runs (default: %(default)s)")
    options = parser.parse_args()

    with module_database('ossis_workflow'):
        run(options)


@with_transaction()
def run(options):
    from trytond.modules.ossis_workflow.workflow_lint import (
        lint_configurations)
    pool = Pool()
    Company = pool.get('company.company')
    start = time.perf_counter()
    companies = Company.search([], order=[('code', 'ASC')])
    for i, company in enumerate(companies):
        organise(company, staffed=i < options.staffed)
    print(f"{len(companies)} municipalities offering the catalogue set up "
        f"in {time.perf_counter() - start:.1f} s")

    times, cpu_times = [], []
    for _ in range(options.repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = lint_configurations()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    print(f"{result.configurations} configurations checked: "
        f"{len(result.errors)} errors, {len(result.warnings)} warnings")
    print(f"lint_configurations: best {min(times):.2f} s, "
        f"median {statistics.median(times):.2f} s, "
        f"CPU {min(cpu_times):.2f} s")


def organise(company, staffed):
    """Give the municipality a desk and a back office unit offering every
    published service, with a user per role when staffed"""
    from trytond.modules.ossis_services.tests import municipality as scenario
    desk, unit = offer_catalogue(
        company, "Front Desk", "Directorate of Services")
    if staffed:
        for role, units, head in [
                ('front_office', [desk], None),
                ('back_office', [unit], None),
                ('unit_head', [unit], [unit]),
                ]:
            employee = scenario.employee(
                company, f"{company.code} {role}", units, head_of=head)
            scenario.staff_user(
                f'{company.code}.{role}', company, f'group_{role}', employee)


if __name__ == '__main__':
    main()
