# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the portal counts to slow down abuse: the lookups of tracking,
verification and resume codes per client network, and the emails of saved
drafts per client network and per address

An attempt is counted and checked against the limit in one SQL statement
before it is made, so that parallel requests cannot all pass the check
before any of them is counted; on PostgreSQL a lookup may be made in the
same statement (``counted_with``).  The counters live in the database:
every server process shares them."""
import contextlib
import datetime as dt
import hashlib
import ipaddress

from sql import Conflict, Literal, Select, With
from sql.conditionals import Case
from sql.operators import Exists

from trytond import backend, config
from trytond.model import Index, ModelSQL, Unique, fields
from trytond.transaction import Transaction

KINDS = [
    ('tracking', "Tracking"),
    ('verification', "Verification"),
    ('resume', "Resume"),
    ('draft_email_network', "Resume Link Email by Network"),
    ('draft_email_address', "Resume Link Email by Address"),
    ]
# The options of [ossis_portal] that limit each kind: the attempts allowed
# and the window in seconds, with their defaults
LOOKUPS = (('max_attempts', 10), ('attempt_window', 15 * 60))
LIMITS = {
    'tracking': LOOKUPS,
    'verification': LOOKUPS,
    'resume': LOOKUPS,
    'draft_email_network': (
        ('draft_emails_per_network', 10), ('draft_email_window', 60 * 60)),
    'draft_email_address': (
        ('draft_emails_per_address', 3), ('draft_email_window', 60 * 60)),
    }


POSTGRESQL = backend.name == 'postgresql'
# The counters out of every window are deleted at most this often per
# database and server process: each counter restarts by itself when its
# window is over, the purge only keeps the table small
PURGE_INTERVAL = dt.timedelta(minutes=1)


def client_network(address):
    """Return the network of the client as a string: IPv6 clients get a
    whole /56 each, as they usually do from their provider"""
    try:
        ip = ipaddress.ip_address(address or '')
    except ValueError:
        return 'unknown'
    prefix = 32 if ip.version == 4 else 56
    return str(ipaddress.ip_network(f'{ip}/{prefix}', strict=False))


class Attempt(ModelSQL):
    "Portal Attempts"
    __name__ = 'ossis.portal.attempt'
    __string__ = "Portal Attempts"

    kind = fields.Selection(KINDS, "Kind", required=True)
    subject = fields.Char(
        "Subject", required=True,
        help="A hash of the client's network or of the email address: "
        "neither is kept.")
    attempts = fields.Integer("Attempts", required=True)
    started_at = fields.Timestamp(
        "Started At", required=True,
        help="When the window in which the attempts are counted started.")
    # When the counters out of their window were last deleted, by database
    _purged_at = {}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_constraints += [
            ('kind_subject_unique', Unique(table, table.kind, table.subject),
                'ossis_portal.msg_attempt_unique'),
            ]
        cls._sql_indexes.add(Index(
                table, (table.started_at, Index.Range())))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        if table_h.column_exist('network'):
            # The rows of failures became one counter per subject: the old
            # rows only counted the last minutes
            cursor = Transaction().connection.cursor()
            cursor.execute(*cls.__table__().delete())
            table_h.drop_column('network')
        super().__register__(module)

    @staticmethod
    def key(text):
        "Return the hash that stands for a network or an address"
        # The address of a citizen is personal data: keep only a hash
        secret = config.get('ossis_portal', 'secret', default='')
        return hashlib.sha256((secret + text).encode()).hexdigest()

    @classmethod
    def network_key(cls, address):
        return cls.key(client_network(address))

    @staticmethod
    def maximum(kind):
        (option, default), _ = LIMITS[kind]
        return config.getint('ossis_portal', option, default=default)

    @staticmethod
    def window(kind):
        _, (option, default) = LIMITS[kind]
        return dt.timedelta(seconds=config.getint(
                'ossis_portal', option, default=default))

    @classmethod
    def reserve(cls, kind, key):
        """Count one more attempt of the kind for the key and tell whether
        it is within the limit; a refused attempt counts too"""
        with cls.counting() as counter:
            return counter.reserve(kind, key)

    @classmethod
    def release(cls, kind, key):
        "Give back an attempt that succeeded: only failures count"
        with cls.counting() as counter:
            counter.release(kind, key)

    @classmethod
    def count(cls, kind, key, cursor=None):
        "Return the attempts of the kind counted for the key in its window"
        table = cls.__table__()
        cursor = cursor or Transaction().connection.cursor()
        cursor.execute(*table.select(table.attempts, where=(
                    (table.kind == kind) & (table.subject == key)
                    & (table.started_at
                        >= dt.datetime.now() - cls.window(kind)))))
        row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    @contextlib.contextmanager
    def counting(cls):
        """Yield the counter of the attempts of a request

        On PostgreSQL it writes through a connection of its own in
        autocommit mode, so that the count holds whatever the request does
        and other requests wait for the row, not for the request; the
        connection is taken once for all the attempts of the block, a
        lookup's reservation and its release alike.  SQLite writes one
        transaction at a time: the counter writes in the request's."""
        transaction = Transaction()
        if not POSTGRESQL:
            yield AttemptCounter(cls, transaction.connection.cursor())
            return
        database = transaction.database
        connection = database.get_connection(autocommit=True)
        try:
            yield AttemptCounter(cls, connection.cursor(), apart=True)
        finally:
            database.put_connection(connection)

    @classmethod
    def _increment(cls, cursor, kind, key):
        "Count the attempt and return the attempts in the window"
        table = cls.__table__()
        now = dt.datetime.now()
        expired = table.started_at < now - cls.window(kind)
        cursor.execute(*table.insert(
                [table.kind, table.subject, table.attempts, table.started_at,
                    table.create_uid, table.create_date],
                [[kind, key, 1, now, 0, now]],
                on_conflict=Conflict(
                    table, indexed_columns=[table.kind, table.subject],
                    columns=[table.attempts, table.started_at],
                    values=[
                        Case((expired, 1), else_=table.attempts + 1),
                        Case((expired, now), else_=table.started_at)]),
                returning=[table.attempts] if POSTGRESQL else None))
        if POSTGRESQL:
            attempts, = cursor.fetchone()
            return attempts
        # SQLite qualifies no column of RETURNING; the request holds the
        # write lock of the database until it ends, so the count is its own
        return cls.count(kind, key, cursor=cursor)

    @classmethod
    def counted_with(cls, found, kind, key, now, since, maximum):
        """Return the common table expression that counts an attempt of the
        kind for the key and returns its ``attempts``, on PostgreSQL

        The attempt is given back at once when found, a common table
        expression of the lookup, has a row and the key is within the
        maximum: only failures count, and a client refused is refused even
        when its lookup finds.  The lookup is counted in the statement that
        makes it, so that parallel lookups wait for the counter's row one
        after the other; the attempts returned above the maximum refuse it.
        since is the start of the window of the kind that ends at now."""
        table = cls.__table__()
        expired = table.started_at < since
        kept = Case((expired, 0), else_=table.attempts)
        hit = Exists(found.select(Literal(1)))
        counted = table.insert(
            [table.kind, table.subject, table.attempts, table.started_at,
                table.create_uid, table.create_date],
            Select([Literal(kind), Literal(key),
                    Case((hit & (Literal(0) < maximum), 0), else_=1),
                    Literal(now),
                    Literal(0), Literal(now)]),
            on_conflict=Conflict(
                table, indexed_columns=[table.kind, table.subject],
                columns=[table.attempts, table.started_at],
                values=[
                    kept + Case((hit & (kept < maximum), 0), else_=1),
                    Case((expired, now), else_=table.started_at)]),
            returning=[table.attempts])
        return With('attempts', query=counted)

    @classmethod
    def _decrement(cls, cursor, kind, key):
        table = cls.__table__()
        cursor.execute(*table.update(
                [table.attempts], [table.attempts - 1],
                where=(table.kind == kind) & (table.subject == key)
                & (table.attempts > 0)))

    @classmethod
    def _purge(cls, cursor):
        database = Transaction().database.name
        now = dt.datetime.now()
        if now - cls._purged_at.get(database, dt.datetime.min) < (
                PURGE_INTERVAL):
            return
        cls._purged_at[database] = now
        table = cls.__table__()
        longest = max(cls.window(k) for k in LIMITS)
        cursor.execute(*table.delete(
                where=table.started_at < dt.datetime.now() - longest))


class AttemptCounter:
    "The attempts of a request, counted through one cursor"

    def __init__(self, Attempt, cursor, apart=False):
        self._attempt = Attempt
        self.cursor = cursor
        # Whether the cursor counts apart from the request's transaction
        self.apart = apart

    def reserve(self, kind, key):
        """Count one more attempt of the kind for the key and tell whether
        it is within the limit; a refused attempt counts too"""
        self.purge()
        return self._attempt._increment(
            self.cursor, kind, key) <= self._attempt.maximum(kind)

    def release(self, kind, key):
        "Give back an attempt that succeeded: only failures count"
        self._attempt._decrement(self.cursor, kind, key)

    def purge(self):
        "Delete the counters out of every window, at most once a minute"
        self._attempt._purge(self.cursor)
