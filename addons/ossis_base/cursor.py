# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rows as dictionaries without describing the columns for each row

trytond's ``cursor_dict`` zips ``cursor.description`` with every row it
yields.  psycopg builds the description anew at each access: one column
object per column and per row (psycopg fetches one row at a time by
default), which took 14% of the time of the application lifecycle on
PostgreSQL.  The names are the same for every row of a result: read them
once, from psycopg's result itself rather than from the description, which
still made an object per column and per query (1.5%).

Importing this module (``ossis_base`` does) replaces the code of trytond's
function, so that the modules which imported it by name use it too.  See
doc/design.rst: a candidate for trytond itself.
"""
from trytond import tools


def cursor_dict(cursor, size=None):
    size = cursor.arraysize if size is None else size
    names = None
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        if names is None:
            # psycopg's description makes an object per column of each
            # query: its result gives the names alone (this code runs as
            # trytond's, with builtins only)
            result = getattr(cursor, 'pgresult', None)
            if result is None:
                names = [d[0] for d in cursor.description]
            else:
                encoding = cursor.connection.info.encoding
                names = [result.fname(i).decode(encoding)
                    for i in range(result.nfields)]
        for row in rows:
            yield dict(zip(names, row))


def install():
    "Run trytond's cursor_dict with the code of this module's"
    tools.cursor_dict.__code__ = cursor_dict.__code__


install()
