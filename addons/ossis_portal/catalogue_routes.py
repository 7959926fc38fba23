# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The municipalities, their catalogues of services and the fiche pages"""
from collections import namedtuple

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.modules.ossis_base.text import fold
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from .page_cache import cached_page, kept_values
from .web import HERE, route

STATIC = {
    'portal.css': 'text/css; charset=utf-8',
    }
CREST_TYPES = {
    b'\x89PNG\r\n\x1a\n': 'image/png',
    b'\xff\xd8\xff': 'image/jpeg',
    }
THEME = ":root { --lgu-colour: %(colour)s; }\n"
# What the catalogue of a municipality lists and the texts its search looks
# in, kept as its pages: dropped at a change of the municipality, an offer
# or a service, and after ten minutes.  Named after the module, which the
# tests may import under a second name.
_catalogues = kept_values(f'{__name__}.catalogues')
_search_texts = kept_values(f'{__name__}.search_texts')
# A search longer than this is cut: nobody types more
SEARCH_LENGTH = 100


def today(pool, company):
    """Return the date of today in the municipality, in its time zone as
    the pages keep it (Portal.set_lgu)"""
    Date = pool.get('ir.date')
    return Date.today(
        timezone=tz.ZoneInfo(company.timezone) if company.timezone else None)


def offers(pool, company, code=None):
    """Return the offers of the municipality valid today, by code; only the
    offer of the code when given"""
    LGUService = pool.get('ossis.lgu.service')
    date = today(pool, company)
    domain = [('service_code', '=', code)] if code else []
    return LGUService.search(domain + [
            ('company', '=', company.id),
            ('service.state', '=', 'published'),
            ['OR', ('start_date', '=', None), ('start_date', '<=', date)],
            ['OR', ('end_date', '=', None), ('end_date', '>=', date)],
            ], order=[('service_code', 'ASC')])


def search_texts(pool, ids):
    """Return the folded text of each offer of the ids in Albanian and in
    English: its code, name, purpose, category and documents"""
    key = tuple(sorted(ids))
    texts = _search_texts.get(key)
    if texts is None:
        texts = _search_texts.set(key, _read_search_texts(pool, ids))
    return texts


def _read_search_texts(pool, ids):
    LGUService = pool.get('ossis.lgu.service')
    texts = {}
    for language in ['sq', 'en']:
        with Transaction().set_context(language=language):
            for offer in LGUService.browse(ids):
                service = offer.service
                texts.setdefault(offer.id, [offer.service_code]).extend([
                        service.name, service.purpose or '',
                        service.output_document or '',
                        service.category.name if service.category else ''])
                texts[offer.id].extend(
                    d.document_type.name for d in service.documents)
    return {i: fold(' '.join(t)) for i, t in texts.items()}


# An offer as the catalogue lists it, and its category
Entry = namedtuple(
    'Entry', ['id', 'code', 'name', 'online', 'fee', 'category'])
Category = namedtuple('Category', ['id', 'code', 'name'])


def catalogue_entries(pool, company):
    """Return the entries of the offers of the municipality valid today, by
    code, in the language of the page"""
    key = (company.id, today(pool, company))
    listed = _catalogues.get(key)
    if listed is None:
        listed = _catalogues.set(key, entries(pool, offers(pool, company)))
    return listed


def entries(pool, records):
    """Return the entries of the offers, read at once: the catalogue lists
    a hundred of them"""
    LGUService = pool.get('ossis.lgu.service')
    ServiceCategory = pool.get('ossis.service.category')
    Fiche = pool.get('ossis.service.fiche', type='report')
    rows = LGUService.read([r.id for r in records], [
            'service_code', 'online', 'fee', 'service.name',
            'service.category'])
    categories = {c['id']: Category(**c) for c in ServiceCategory.read(
            list({r['service.']['category'] for r in rows
                    if r['service.']['category']}), ['code', 'name'])}
    return [Entry(
            id=r['id'], code=r['service_code'], name=r['service.']['name'],
            online=r['online'], fee=Fiche.amount(r['fee']),
            category=categories.get(r['service.']['category']))
        for r in rows]


def search(pool, entries, query):
    "Return the entries of the offers matching every word of the query"
    words = fold(query[:SEARCH_LENGTH]).split()
    if not words:
        return list(entries)
    texts = search_texts(pool, [e.id for e in entries])
    return [e for e in entries if all(w in texts[e.id] for w in words)]


def by_name_match(entries, query):
    "Return the entries whose name holds every word of the query first"
    words = fold(query[:SEARCH_LENGTH]).split()
    return sorted(entries, key=lambda e: not all(
            w in fold(e.name) for w in words))


def by_category(entries):
    "Return (category, entries) in the order of the categories"
    categories = {}
    for entry in entries:
        categories.setdefault(entry.category, []).append(entry)
    return sorted(categories.items(),
        key=lambda c: (c[0].code if c[0] else '~'))


@route('/')
def municipalities(portal):
    pool = portal.pool
    Company = pool.get('company.company')
    companies = Company.search([
            ('portal_published', '=', True),
            ('ossis_practice', '=', False),
            ('code', '!=', None),
            ], order=[('party.name', 'ASC')])
    return portal.render('municipalities.html', companies=companies)


@route('/<lgu>/')
def catalogue(portal, lgu):
    return cached_page(portal, lambda: catalogue_page(portal, lgu))


def catalogue_page(portal, lgu):
    company = portal.set_lgu(lgu)
    query = portal.request.args.get('q', '').strip()[:SEARCH_LENGTH]
    listed = catalogue_entries(portal.pool, company)
    found = search(portal.pool, listed, query) if query else listed
    found = by_name_match(found, query)
    return portal.render_body(
        'catalogue.html', query=query, found=found,
        categories=by_category(found), total=len(listed))


@route('/<lgu>/services/<code>')
def fiche(portal, lgu, code):
    return cached_page(portal, lambda: fiche_page(portal, lgu, code))


def fiche_page(portal, lgu, code):
    pool = portal.pool
    Fiche = pool.get('ossis.service.fiche', type='report')
    company = portal.set_lgu(lgu)
    found = offers(pool, company, code)
    if not found:
        raise NotFound()
    offer, = found
    measured = measured_time(pool, offer)
    desks = sorted(offer.desks, key=lambda d: (
            d.administrative_unit.name if d.administrative_unit else '',
            d.name))
    return portal.render_body(
        'fiche.html', offer=offer, service=offer.service, fiche=Fiche,
        desks=desks, measured=measured,
        exemption_text=lambda e: exemption_text(portal, e))


def exemption_text(portal, exemption):
    category = portal.selection_name(
        'ossis.service.fee_exemption', 'applicant_category',
        exemption.applicant_category)
    if exemption.reduction >= 100:
        text = portal.services_text(
            'msg_fiche_exemption_full', category=category)
    else:
        text = portal.services_text(
            'msg_fiche_exemption_partial', category=category,
            reduction=exemption.reduction)
    if exemption.note:
        text += f' ({exemption.note})'
    return text


def measured_time(pool, offer):
    "Return (days or None, sample) of the published processing time"
    LGUService = pool.get('ossis.lgu.service')
    return LGUService.processing_time([offer]).get(offer.id)


@route('/static/<name>')
def static(portal, name):
    if name not in STATIC:
        raise NotFound()
    body = (HERE / 'static' / name).read_bytes()
    response = Response(body, content_type=STATIC[name])
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


@route('/<lgu>/theme.css')
def theme(portal, lgu):
    "The colours of the municipality: pages allow no inline style"
    company = portal.set_lgu(lgu)
    body = THEME % {'colour': company.portal_theme_colour}
    response = Response(body, content_type='text/css; charset=utf-8')
    response.headers['Cache-Control'] = 'public, max-age=600'
    return response


@route('/<lgu>/crest')
def crest(portal, lgu):
    company = portal.set_lgu(lgu)
    data = company.crest
    content_type = next((t for m, t in CREST_TYPES.items()
            if data and bytes(data).startswith(m)), None)
    if not content_type:
        raise NotFound()
    response = Response(bytes(data), content_type=content_type)
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


@route('/<path:path>', methods=('GET', 'POST'))
def not_found(portal, path):
    raise NotFound()
