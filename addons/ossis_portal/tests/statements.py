# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Count the SQL statements that trytond runs, for the tests and the
benchmarks of the portal (it imports no test tool of trytond, which
registers the models of its tests)"""
import logging
import re
from contextlib import contextmanager

from trytond import backend

# What SQLite traces besides the statements of the requests
_SQLITE_CONTROL = re.compile(
    r'^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b', re.I)


class _Logged(logging.Handler):
    "Keep the SQL statements that PostgreSQL's logging cursor logs"

    def __init__(self, statements):
        super().__init__(logging.DEBUG)
        self.statements = statements

    def emit(self, record):
        statement = str(record.msg)
        # The connection pool checks a connection with an empty query
        if statement.strip():
            self.statements.append(statement)


@contextmanager
def statements(database_name):
    """Yield the list that gets the SQL statements run meanwhile: not the
    transaction control that SQLite traces and PostgreSQL does not, nor the
    empty query with which the pool of PostgreSQL checks a connection.
    On SQLite only an in-memory database is traced: its one connection
    serves every transaction."""
    executed = []
    if backend.name == 'postgresql':
        logger = logging.getLogger('trytond.backend.postgresql.database')
        handler = _Logged(executed)
        level, propagate = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        # Counted, not written to the log
        logger.propagate = False
        try:
            yield executed
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate
    else:
        connection = backend.Database(database_name).get_connection()

        def trace(statement):
            if not _SQLITE_CONTROL.match(statement):
                executed.append(statement)
        connection.set_trace_callback(trace)
        try:
            yield executed
        finally:
            connection.set_trace_callback(None)
