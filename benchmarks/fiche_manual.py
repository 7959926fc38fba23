#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the service fiche and the manual of administrative procedures

Activate ossis_workflow in a new database (SQLite in memory by default,
PostgreSQL when TRYTOND_DATABASE_URI is postgresql://...), offer the whole
national catalogue in one municipality and print the time to build the
fiche of one service and the manual of the municipality, in English and in
Albanian.  Run it with and without python -O: the assertions of Tryton's
record constructor cost time, and production runs with -O.

    python benchmarks/fiche_manual.py
    python -O benchmarks/fiche_manual.py
    TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:5432/ \\
        python -O benchmarks/fiche_manual.py
"""
import argparse
import os
import statistics
import time

from bench_database import module_database, use_database  # noqa: E402

use_database('bench_fiche_manual')

from decimal import Decimal  # noqa: E402

from trytond.pool import Pool  # noqa: E402
from trytond.tests.test_tryton import (  # noqa: E402
    with_transaction)

LANGUAGES = ['en', 'sq']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--lgu', default='elbasan',
        help="code of the municipality (default: %(default)s)")
    parser.add_argument(
        '--repeat', type=int, default=3,
        help="times each document is built (default: %(default)s)")
    parser.add_argument(
        '--save', metavar='DIRECTORY',
        help="write the PDFs built into the directory")
    options = parser.parse_args()

    with module_database('ossis_workflow'):
        run(options)


@with_transaction()
def run(options):
    pool = Pool()
    Fiche = pool.get('ossis.service.fiche', type='report')
    Manual = pool.get('ossis.service.manual', type='report')
    company, offers = offer_catalogue(options.lgu)
    print(f"{len(offers)} services offered in {company.rec_name}")

    for language in LANGUAGES:
        for name, build in [
                ('fiche', lambda: Fiche.render_pdf(offers[:1], language)),
                ('manual', lambda: Manual.render_pdf(company, language)),
                ]:
            times, cpu_times = [], []
            for _ in range(options.repeat):
                start, cpu_start = time.perf_counter(), time.process_time()
                content = build()
                times.append(time.perf_counter() - start)
                cpu_times.append(time.process_time() - cpu_start)
            print(f"{name:6} {language}: best {min(times):.2f} s, "
                f"median {statistics.median(times):.2f} s, "
                f"CPU {min(cpu_times):.2f} s ({len(content) // 1024} KiB)")
            if options.save:
                os.makedirs(options.save, exist_ok=True)
                path = os.path.join(options.save, f'{name}_{language}.pdf')
                with open(path, 'wb') as file:
                    file.write(content)


def offer_catalogue(code):
    "Offer every published service in the municipality; return the offers"
    pool = Pool()
    Company = pool.get('company.company')
    Service = pool.get('ossis.service')
    Offer = pool.get('ossis.lgu.service')
    OrgUnit = pool.get('ossis.org_unit')
    company = Company.get_by_code(code)
    back_office, = OrgUnit.create([{
                'company': company.id,
                'name': "Directorate of Services",
                'type': 'back_office',
                }])
    desks = OrgUnit.create([{
                'company': company.id,
                'name': f"{unit.name} Desk",
                'type': 'front_office',
                'administrative_unit': unit.id,
                } for unit in company.administrative_units[:4]])
    services = Service.search([('state', '=', 'published')])
    offers = Offer.create([{
                'company': company.id,
                'service': service.id,
                'fee': (service.fee if service.fee is not None
                    else Decimal(500)),
                'days': service.promise_days,
                'responsible_unit': back_office.id,
                'desks': [('add', [d.id for d in desks])],
                'online': service.channel_online,
                } for service in services])
    return company, offers


if __name__ == '__main__':
    main()
