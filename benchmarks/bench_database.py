# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The database of a benchmark: an in-memory SQLite database unless
TRYTOND_DATABASE_URI names another server.  Import and call it before
trytond, which reads the environment when it is imported."""
import contextlib
import os
import sys
import time


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
