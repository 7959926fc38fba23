# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""trytond's caches: the records of a wizard, their commit on SQLite, and
the records of a transaction

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

The cache of records of a transaction is made once
----------------------------------------------------
trytond's ``Transaction.get_cache``, called for every record instantiated,
built a new empty cache of records (reading its size from the
configuration) and threw it away when the transaction already had one
for the user and context.

Importing this module (``ossis_base`` does) adds the records of a wizard
to the keys that trytond's caches ignore, gives back to the transaction's
connection its mode after the commit of the caches and makes a cache of
records only when it is missing.  See doc/design.rst: candidates for
trytond.
"""
import trytond.config as config
from trytond.cache import BaseCache, LRUDict, MemoryCache
from trytond.pool import Pool
from trytond.transaction import Transaction, record_cache_size

RECORD_KEYS = frozenset({'active_id', 'active_ids', 'active_model'})


def get_cache(self):
    "The transaction's cache of records for its user and context"
    key = (self.user, tuple(
            (name, self.context[name]) for name in sorted(self.cache_keys)
            if name in self.context))
    cache = self.cache.get(key)
    if cache is None:
        cache = self.cache[key] = LRUDict(
            config.getint('cache', 'model'),
            lambda name: LRUDict(
                record_cache_size(self), Pool().get(name)._record),
            default_factory_with_key=True)
    # As trytond: the last caches used may be filled in advance
    self._cache_deque.append(cache)
    return cache


def install():
    """Make trytond's caches ignore the records of the context, keep the
    mode of the transaction's connection at their commit and make a cache
    of records only when it is missing"""
    BaseCache.context_ignored_keys = (
        set(BaseCache.context_ignored_keys) | RECORD_KEYS)
    Transaction.get_cache = get_cache
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
