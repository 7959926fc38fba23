# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The database of a benchmark: an in-memory SQLite database unless
TRYTOND_DATABASE_URI names another server.  Import and call it before
trytond, which reads the environment when it is imported."""
import contextlib
import os
import sys
import time

# The PostgreSQL server of the benchmarks that need one, without database
POSTGRESQL = os.environ.get(
    'OSSIS_BENCH_POSTGRESQL', 'postgresql://postgres@127.0.0.1:5432/')


def use_database(name):
    "Set the environment for the benchmark's database of the name"
    os.environ.setdefault('TRYTOND_DATABASE_URI', 'sqlite://')
    if os.environ['TRYTOND_DATABASE_URI'].startswith('sqlite'):
        os.environ.setdefault('DB_NAME', ':memory:')
    else:
        os.environ.setdefault('DB_NAME', name)


@contextlib.contextmanager
def module_database(module):
    """Print the backend, activate the module in a new database and drop
    the database at the end"""
    from trytond.tests.test_tryton import activate_module, drop_db
    print(f"backend: {os.environ['TRYTOND_DATABASE_URI'].split(':')[0]}, "
        f"python -O: {'yes' if sys.flags.optimize else 'no'}")
    start = time.perf_counter()
    drop_db()
    activate_module(module)
    print(f"database activated in {time.perf_counter() - start:.1f} s")
    try:
        yield
    finally:
        drop_db()


def offer_catalogue(company, desk_name, unit_name):
    """Give the municipality a desk and a back office unit offering every
    published service, with its national fee and promise; return both"""
    from decimal import Decimal

    from trytond.pool import Pool
    pool = Pool()
    Service = pool.get('ossis.service')
    Offer = pool.get('ossis.lgu.service')
    OrgUnit = pool.get('ossis.org_unit')
    desk, unit = OrgUnit.create([{
                'company': company.id,
                'name': desk_name,
                'type': 'front_office',
                'administrative_unit': company.administrative_units[0].id,
                }, {
                'company': company.id,
                'name': unit_name,
                'type': 'back_office',
                }])
    Offer.create([{
                'company': company.id,
                'service': service.id,
                'fee': (service.fee if service.fee is not None
                    else Decimal(500)),
                'days': service.promise_days,
                'online': service.offered_online,
                'responsible_unit': unit.id,
                'desks': [('add', [desk.id])],
                } for service in Service.search([
                    ('state', '=', 'published')])])
    return desk, unit
