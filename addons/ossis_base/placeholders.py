# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The placeholders of long queries turned into PostgreSQL's at C speed

python-sql writes every parameter of a query as ``%s``; psycopg turns them
into ``$1, $2...`` before sending the query.  It keeps the result of a
short query, but a long one (more than 4 kB or 50 parameters: a multi-row
INSERT, an UPDATE of a batch) goes through a Python loop that builds an
object per placeholder, every time: 2.5 ms for the INSERT of 50
applications, 6% of the CPU of the application lifecycle on PostgreSQL.

When every ``%`` of the query starts a ``%s`` (no ``%%``, ``%b``, ``%t``
or ``%(name)s``), as in every query python-sql writes, the query is split
on ``%s`` in C and joined again with the numbered placeholders; any other
query is left to psycopg's own code.  The result is the same.

Importing this module (``ossis_base`` does) installs the function in
psycopg.  See doc/design.rst: a candidate for psycopg itself.
"""
try:
    from psycopg import _queries
    from psycopg.adapt import PyFormat
except ImportError:  # psycopg is only needed on PostgreSQL
    _queries = None

PLACEHOLDER = b'%s'


def query2pg(query, encoding):
    """Return the query with PostgreSQL's placeholders, the formats of its
    parameters, their order by name (None) and its parts, as psycopg's
    ``_query2pg_nocache`` does"""
    pieces = query.split(PLACEHOLDER)
    count = len(pieces) - 1
    if not count or query.count(b'%') != count:
        return psycopg_query2pg(query, encoding)
    chunks = [pieces[0]]
    for number, piece in enumerate(pieces[1:], 1):
        chunks.append(b'$%d' % number)
        chunks.append(piece)
    # psycopg checks the parameters against the number of parts and the
    # kind of the first one only
    first = _queries.QueryPart(pieces[0], 0, PyFormat.AUTO)
    return (
        b''.join(chunks), [PyFormat.AUTO] * count, None,
        [first] * (count + 1))


def install():
    "Make psycopg convert the long queries with query2pg"
    global psycopg_query2pg
    if _queries is None:
        return
    current = _queries._query2pg_nocache
    # The module may be imported under two names: keep psycopg's function
    psycopg_query2pg = getattr(current, '__wrapped__', current)
    query2pg.__wrapped__ = psycopg_query2pg
    _queries._query2pg_nocache = query2pg


psycopg_query2pg = None
install()
