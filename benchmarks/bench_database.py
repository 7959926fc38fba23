# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The database of a benchmark: an in-memory SQLite database unless
TRYTOND_DATABASE_URI names another server.  Import and call it before
trytond, which reads the environment when it is imported."""
import os


def use_database(name):
    "Set the environment for the benchmark's database of the name"
    os.environ.setdefault('TRYTOND_DATABASE_URI', 'sqlite://')
    if os.environ['TRYTOND_DATABASE_URI'].startswith('sqlite'):
        os.environ.setdefault('DB_NAME', ':memory:')
    else:
        os.environ.setdefault('DB_NAME', name)
