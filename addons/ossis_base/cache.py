# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""trytond's caches: the records of a wizard, and their commit on SQLite

Caches keyed by the context ignore the records of a wizard
----------------------------------------------------------

A trytond ``Cache`` made with ``context=True`` (the default) keys its
values with the transaction's context.  The clients put in the context of
a wizard the records it runs on (``active_id``, ``active_ids``,
``active_model``), which differ at each call, so every such cache missed
in every wizard call: the names of the models (which each log line of the
call validates), the triggers of each model written, the wizard's view...
No cached value of trytond, of its modules or of OSSIS depends on them:
the functions that use them read them from the context themselves.

Their commit leaves the transaction's connection as it was
-----------------------------------------------------------
When a transaction that cleared a cache commits, trytond records the clear
through a connection in autocommit mode.  On SQLite that connection is the
one of the transaction itself for a database in memory (the tests'): it
stayed in autocommit mode, so whatever the transaction did after its
commit could no longer be rolled back.

Importing this module (``ossis_base`` does) adds the records of a wizard
to the keys that trytond's caches ignore, and gives back to the
transaction's connection its mode after the commit of the caches.  See
doc/design.rst: candidates for trytond.
"""
from trytond.cache import BaseCache, MemoryCache

RECORD_KEYS = frozenset({'active_id', 'active_ids', 'active_model'})


def install():
    """Make trytond's caches ignore the records of the context, and keep
    the mode of the transaction's connection at their commit"""
    BaseCache.context_ignored_keys = (
        set(BaseCache.context_ignored_keys) | RECORD_KEYS)
    commit = MemoryCache.commit.__func__
    if getattr(commit, 'ossis', False):
        return

    def keeping_mode(cls, transaction):
        connection = transaction.connection
        mode = getattr(connection, 'isolation_level', None)
        try:
            commit(cls, transaction)
        finally:
            if (hasattr(connection, 'isolation_level')
                    and connection.isolation_level != mode):
                connection.isolation_level = mode
    keeping_mode.ossis = True
    MemoryCache.commit = classmethod(keeping_mode)


install()
