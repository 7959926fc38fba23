# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Pages that are the same for every visitor, kept rendered

The catalogue of a municipality and the fiches of its services are the
portal's most visited pages and its heaviest: a hundred services to list
took about 26 ms of CPU each time.  They change seldom.  Rendered once per
address and language, they are kept ten minutes, as the search texts, and
dropped in every process when a municipality, an offer, a service or a
desk changes.  Only the addresses without parameters but the language are
kept: a search is not, nor any address that a visitor may vary at will.
What a search lists, the entries of the catalogue and the texts searched,
is kept in the same way.

The texts of the portal's messages are kept in the same way, all those of a
language at once, by database: a status page shows about 25 of them, and
asking trytond for each was a sixth of the page's CPU.  A translation
corrected in the client shows on the portal within ten minutes, as it does
on the kept pages."""
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.pool import Pool

KEPT = 10 * 60
# Named after the module, which the tests may import under a second name
_pages = Cache(f'{__name__}.pages', duration=KEPT, context=False)
# The texts of the messages of a module, by database, module and language
_texts = Cache(f'{__name__}.texts', duration=KEPT, context=False)
# The caches of what those pages show, dropped with them
_kept = [_pages, _texts]


def kept_values(name):
    """Return a cache of values that the kept pages show, kept as long as
    them and dropped with them; its keys include the language"""
    cache = Cache(name, duration=KEPT)
    _kept.append(cache)
    return cache


def module_texts(database, module, language):
    """Return the texts of the messages of the module in the language, by
    XML id, read once and kept as the pages"""
    key = (database, module, language)
    texts = _texts.get(key)
    if texts is None:
        texts = _texts.set(key, _read_texts(module, language))
    return texts


def _read_texts(module, language):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    messages = ModelData.search([
            ('module', '=', module),
            ('model', '=', 'ir.message'),
            ])
    return {m.fs_id: gettext(f'{module}.{m.fs_id}', language)
        for m in messages}


def page_key(portal):
    "Return the key of the page of the request, None when not kept"
    request = portal.request
    if set(request.args) - {'lang'}:
        return None
    return (
        portal.database, request.path,
        tuple(request.args.items(multi=True)), portal.language)


def cached_page(portal, render):
    """Return the response of the page kept for the request, or else of the
    body that render returns, kept for the next visitors"""
    key = page_key(portal)
    body = _pages.get(key) if key else None
    if body is None:
        body = render()
        if key:
            _pages.set(key, body)
    return portal.html(body)


def clear_pages():
    "Drop the pages and the values kept, in every process at the commit"
    for cache in _kept:
        cache.clear()


class PageSourceMixin:
    "A model whose records the kept pages show"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_pages()
