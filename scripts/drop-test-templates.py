#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Drop the cached test databases of a PostgreSQL server that another
version of the code built

usage: drop-test-templates.py <server URI> <cache key>

The tests cache each set of activated modules as a template database named
ossis-<key>-<digest>, where the key is a digest of addons/ and of the pins
(see the Makefile): the templates of any other key are stale."""
import sys

import psycopg
from psycopg import sql


def main(uri, key):
    with psycopg.connect(uri, dbname='template1', autocommit=True) as conn:
        names = [name for name, in conn.execute(
                "SELECT datname FROM pg_database "
                "WHERE datname LIKE 'ossis-%%' AND datname NOT LIKE %s",
                (f'ossis-{key}-%',))]
        for name in names:
            conn.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(
                    sql.Identifier(name)))
    if names:
        print(f"ossis: dropped {len(names)} stale test templates")


if __name__ == '__main__':
    main(*sys.argv[1:])
