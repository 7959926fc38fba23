# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The client's search answered with the ids alone

trytond's search reads every stored column of the records it finds and
keeps them in the cache of the transaction, for the code that reads them
next.  A client's search (``model.<name>.search`` over RPC) answers with
the ids only, and its transaction ends with the call: the columns of the
thousand rows of a list's first page were read, converted and cached for
nothing (12 ms of a clerk's inbox at a million applications).  The models
of ``ClientSearchMixin`` read only the ids when the client searches; the
searches of the server's code still fill the cache.  See doc/design.rst: a
candidate for trytond itself.
"""
import contextvars
import copy
import functools

from trytond.transaction import Transaction

# Whether the search running is the one the client called
_client_search = contextvars.ContextVar('client_search', default=False)


def _called_by_client(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        token = _client_search.set(True)
        try:
            return func(*args, **kwargs)
        finally:
            _client_search.reset(token)
    return wrapper


class ClientSearchMixin:
    "Answer the client's search with the ids read alone"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        rpc = copy.copy(cls.__rpc__['search'])
        rpc.decorator = _called_by_client
        cls.__rpc__['search'] = rpc

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        if count or query or not _client_search.get():
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        # The searches that this one runs (a searcher's) are the server's
        token = _client_search.set(False)
        try:
            select = super().search(
                domain, offset=offset, limit=limit, order=order, query=True)
        finally:
            _client_search.reset(token)
        cursor = Transaction().connection.cursor()
        cursor.execute(*select)
        return cls.browse([id_ for id_, in cursor])
