# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Row locks that wait their turn

Tryton locks rows with NOWAIT: when another transaction holds them, the
request starts again and locks them first thing, five times in a fraction
of a second, then fails with an internal error.  Clerks who work at the
same time must wait their turn instead, a few seconds at most
(``[ossis] lock_timeout``).

PostgreSQL runs trytond's transactions in REPEATABLE READ: a transaction
may not lock a row that another one changed after it began.  Hence two
helpers:

- ``lock_for_update`` locks rows the transaction is about to update (the
  counter of a register) or starts the request again once they are free;
- ``lock_unchanged`` locks rows a user acts upon and returns those that
  changed since the request (or the client, by its ``_timestamp``) read
  them, so that the action is refused instead of done twice;
- ``restart_on_conflict`` starts the request again when it creates what
  another transaction has just created (the register of a new year).
"""
import contextlib
import time

from sql import For

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import Model, fields
from trytond.model.exceptions import SQLConstraintError
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)

from .exceptions import BusyError

LOCK_TIMEOUT = 30
# SQLSTATE of lock_not_available, serialization_failure, deadlock_detected
LOCK_NOT_AVAILABLE = '55P03'
LOCK_ERRORS = {LOCK_NOT_AVAILABLE, '40001', '40P01'}
_DEADLINE = '_ossis_lock_deadline'
_RESTARTS = '_ossis_restarts'


def lock_timeout():
    "Return how many seconds a request waits for the rows it locks"
    return config.getfloat('ossis', 'lock_timeout', default=LOCK_TIMEOUT)


def _has_row_locks():
    return Transaction().database.has_select_for()


def _in(table, ids):
    return fields.SQL_OPERATORS['in'](table.id, ids)


def _select_for_update(table, ids, nowait=False):
    return table.select(
        table.id, where=_in(table, ids), order_by=table.id,
        for_=For('UPDATE', nowait=nowait))


def _is_lock_error(exception):
    return getattr(exception, 'sqlstate', None) in LOCK_ERRORS


def _lock_timeout_sql(seconds):
    return 'SET LOCAL lock_timeout = %d' % max(1, int(seconds * 1000))


def _set_lock_timeout(cursor, seconds):
    cursor.execute(_lock_timeout_sql(seconds))


def _try_lock(table, ids, nowait):
    """Lock the rows in a savepoint and return whether they are locked; a
    failed lock leaves the transaction usable"""
    cursor = Transaction().connection.cursor()
    # Statements without parameters go together: one round trip each side
    start = ['SAVEPOINT ossis_lock']
    if not nowait:
        start.append(_lock_timeout_sql(lock_timeout()))
    cursor.execute('; '.join(start))
    try:
        cursor.execute(*_select_for_update(table, ids, nowait=nowait))
    except backend.DatabaseOperationalError as exception:
        if not _is_lock_error(exception):
            raise
        cursor.execute('ROLLBACK TO SAVEPOINT ossis_lock')
        return False
    cursor.execute(
        'SET LOCAL lock_timeout TO DEFAULT; RELEASE SAVEPOINT ossis_lock')
    _locked(table, ids)
    return True


def _take_write_lock(table, ids):
    """Take SQLite's write lock by writing the rows: the reads that follow
    see what the other writers committed, and none writes until the end"""
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update(
            [table.id], [table.id], where=_in(table, ids)))
    _locked(table, ids)


def _locked(table, ids):
    # Tell trytond, so that its own lock of these rows (as
    # ir.sequence.strict does) does not start the request again
    Transaction()._locked_records[table._name].update(ids)


class _WaitForRows(TransactionError):
    """Start the request again once the rows are free, as trytond does for
    its locks, but after waiting for the transactions that hold them"""

    def __init__(self, table, ids):
        super().__init__()
        self.table = table
        self.ids = ids

    def fix(self, extras):
        super().fix(extras)
        deadline = extras.setdefault(
            _DEADLINE, time.monotonic() + lock_timeout())
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self._wait(remaining):
            raise BusyError(gettext('ossis_base.msg_busy'))

    def _wait(self, seconds):
        "Wait until no transaction holds the rows; False after the seconds"
        connection = Transaction().connection
        cursor = connection.cursor()
        try:
            _set_lock_timeout(cursor, seconds)
            cursor.execute(*_select_for_update(self.table, self.ids))
        except backend.DatabaseOperationalError as exception:
            if not _is_lock_error(exception):
                raise
            # A serialization failure means the holder has committed
            return getattr(exception, 'sqlstate', None) != LOCK_NOT_AVAILABLE
        finally:
            connection.rollback()
        return True


def lock_for_update(records):
    """Lock the rows of the records, which the transaction is about to
    update, until it ends

    When another transaction holds them or changed them since this one
    began, the request starts again (as trytond does) once they are free;
    after lock_timeout seconds, the user is told to try again.  On SQLite,
    which runs one writer at a time, it takes the database's write lock
    before the rows are read."""
    if not records:
        return
    Model_ = records[0].__class__
    table = Model_.__table__()
    ids = sorted({r.id for r in records})
    if not _has_row_locks():
        _take_write_lock(table, ids)
    elif not _try_lock(table, ids, nowait=True):
        raise _WaitForRows(table, ids)


class _Restart(TransactionError):
    "Start the request again, to see what another transaction committed"
    MAX = 3

    def fix(self, extras):
        super().fix(extras)
        extras[_RESTARTS] = extras.get(_RESTARTS, 0) + 1
        if extras[_RESTARTS] > self.MAX:
            raise BusyError(gettext('ossis_base.msg_busy'))


@contextlib.contextmanager
def restart_on_conflict():
    """Start the request again when the block creates what another
    transaction created since this one began (a unique constraint), so that
    the request finds it instead of failing"""
    try:
        yield
    except (SQLConstraintError, backend.DatabaseIntegrityError):
        raise _Restart()


def _value(value):
    return value.id if isinstance(value, Model) else value


def lock_unchanged(records, names):
    """Lock the rows of the records until the transaction ends and return
    those that changed meanwhile

    A record changed when one of the fields of the names is not what the
    request read before the lock (or the lock waited for a transaction that
    changed it), or when the client sent the ``_timestamp`` of an older
    version, as the web client does.  Waits lock_timeout seconds at most
    for the transactions that hold the rows: past that, they count as
    changed."""
    if not records:
        return []
    Model_ = records[0].__class__
    transaction = Transaction()
    seen = {r.id: [_value(getattr(r, n)) for n in names] for r in records}
    table = Model_.__table__()
    ids = sorted(seen)
    if _has_row_locks():
        if not _try_lock(table, ids, nowait=False):
            return list(records)
    else:
        _take_write_lock(table, ids)
    with without_check_access():
        current = {row['id']: row
            for row in Model_.read(ids, names + ['_timestamp'])}
    changed = []
    for record in records:
        row = current[record.id]
        # A wizard's transaction carries no timestamps
        timestamp = (transaction.timestamp or {}).get(
            f'{Model_.__name__},{record.id}')
        if ([row[n] for n in names] != seen[record.id]
                or (timestamp is not None
                    and timestamp != row['_timestamp'])):
            changed.append(record)
    return changed
