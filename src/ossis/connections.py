# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Connections to PostgreSQL that recover at once when the server drops them

trytond 8.0 keeps its connections in a psycopg pool that tests each one it
hands out.  A broken connection is thrown away, but the pool then waits
before it tries the next one, a little longer each time (0, 1, 2, 4, 8 and
16 s): when PostgreSQL restarts or an administrator ends the sessions
(pg_terminate_backend), every idle connection of the pool is broken and a
request goes through them one by one until the pool's 30 s are up, then
fails with HTTP 503 (or "no database" at login).  Tryton has no setting for
this, so OSSIS gives trytond a pool that, as soon as it finds one broken
connection, replaces all the idle ones at once: the next request gets a
new connection.

A pool is made the first time a process connects to a database; it
connects in the background and trytond waited for its first connection up
to the same 30 s.  A database that does not exist, or a server that refuses
the connection, made any request to that name (a login to a mistyped
database, a request from anyone to a made-up name) hold a server process
for 30 s, and left behind a pool that went on trying.  OSSIS's pool
connects once before it is made: when that fails, the request fails at
once and no pool is kept.

The queue worker keeps a connection of its own to learn of new tasks, and
trytond's worker never replaces it: once PostgreSQL ended it, the worker
ran no task until it was restarted.  OSSIS gives it a new connection.

install() must run after trytond has read its configuration and before it
connects to a database: ``python -m ossis.run`` (what the ossis command
runs) and ``ossis.wsgi:app`` call it.
"""
import logging

import psycopg
import psycopg_pool
from psycopg.conninfo import conninfo_to_dict

logger = logging.getLogger(__name__)


# Seconds the first connection to a database may take, unless the address
# of the database gives its own connect_timeout
CONNECT_TIMEOUT = 10


class ConnectionPool(psycopg_pool.ConnectionPool):
    """psycopg's pool that renews its idle connections when one is broken,
    and that is made only for a database it can connect to"""

    def __init__(self, conninfo='', *args, check=None, kwargs=None, **options):
        self.probe(conninfo, kwargs or {})
        super().__init__(
            conninfo, *args, check=self.check_or_renew, kwargs=kwargs,
            **options)

    @staticmethod
    def probe(conninfo, kwargs):
        """Connect once to the database, or raise psycopg.OperationalError
        at once (trytond's DatabaseOperationalError)"""
        kwargs = {k: v for k, v in kwargs.items() if k != 'cursor_factory'}
        if 'connect_timeout' not in conninfo_to_dict(conninfo, **kwargs):
            kwargs['connect_timeout'] = CONNECT_TIMEOUT
        psycopg.connect(conninfo, **kwargs).close()

    def check_or_renew(self, connection):
        try:
            self.check_connection(connection)
        except psycopg.OperationalError:
            # What broke this connection (a restart of PostgreSQL, the
            # sessions ended by an administrator) broke the idle ones too
            logger.warning(
                "connection to %r broken, renewing the idle connections",
                self.name)
            self.drain()
            raise


def worker_queue():
    "Return the queue of trytond's worker that renews its broken connection"
    from trytond import worker

    class Queue(worker.Queue):
        # PostgreSQL wakes the worker through the first connection only:
        # after a renewal, the worker looks for tasks every second
        poll = None

        def pull(self, name=None):
            if self.connection.broken:
                logger.warning(
                    "queue connection to %r broken, renewing it",
                    self.database.name)
                self.database.put_connection(self.connection)
                self.connection = self.database.get_connection(
                    autocommit=True)
                self.poll = 1
            task_id, next_ = super().pull(name=name)
            if self.poll:
                next_ = min(next_ or self.poll, self.poll)
            return task_id, next_
    return Queue


def install():
    "Make trytond's PostgreSQL backend use the pool of OSSIS"
    from trytond import backend
    if backend.name != 'postgresql':
        return
    from trytond.backend.postgresql import database
    database.ConnectionPool = ConnectionPool


def install_worker():
    "Make trytond's queue worker renew its broken connection"
    from trytond import backend
    if backend.name != 'postgresql':
        return
    from trytond import worker
    worker.Queue = worker_queue()
