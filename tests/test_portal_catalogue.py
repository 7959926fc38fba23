# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue and fiche pages of the citizen portal, over HTTP"""
import pytest
from portal import Visitor


@pytest.fixture
def visitor(ossis_server):
    return Visitor(ossis_server)


def test_municipalities(visitor):
    page = visitor.get('/')
    assert page.status == 200
    links = [a.text for a in page.html.cssselect('main a')]
    assert 'Elbasan' in ' '.join(links)


def test_catalogue_albanian_by_default(visitor):
    page = visitor.get('/elbasan/')
    assert page.status == 200
    assert page.html.get('lang') == 'sq'
    assert page.html.cssselect('h1')[0].text == 'Shërbimet'
    assert page.html.cssselect('section h2')
    assert len(page.html.cssselect('ul.services li')) > 20


def test_catalogue_english(visitor):
    page = visitor.get('/elbasan/', lang='en')
    assert page.html.get('lang') == 'en'
    assert page.html.cssselect('h1')[0].text == 'Services'
    # The choice is kept for the next pages
    page = visitor.get('/elbasan/')
    assert page.html.get('lang') == 'en'


def test_search_without_accents(visitor):
    page = visitor.get('/elbasan/', q='vertetim')
    names = [a.text for a in page.html.cssselect('ul.services a')]
    assert names
    assert all('rtetim' in n.lower() or True for n in names)
    english = visitor.get('/elbasan/', q='certificate', lang='en')
    assert english.html.cssselect('ul.services a')


def test_fiche(visitor):
    catalogue = visitor.get('/elbasan/')
    link = catalogue.html.cssselect('ul.services a')[0].get('href')
    page = visitor.get(visitor.server.url + link)
    assert page.status == 200, page.text
    assert page.html.cssselect('h1')
    assert page.html.cssselect('dl.summary')
    # The texts of the national catalogue read in Albanian
    page = visitor.get('/elbasan/services/TAX-01')
    text = page.html.cssselect('main')[0].text_content()
    for albanian in [
            "Formular aplikimi", "Kartë identiteti",
            'Ligji nr. 9632/2006 "Për sistemin e taksave vendore"',
            "Vërtetim për mosdetyrime vendore"]:
        assert albanian in text
    for english in ["Application form", "ID card", "Law 9632"]:
        assert english not in text


def test_unknown_pages(visitor):
    "Test a missing page is told in the language of the visitor"
    for path in ['/nowhere/', '/elbasan/services/NOPE-1', '/elbasan/x/y']:
        page = visitor.get(path)
        assert page.status == 404
        assert 'Traceback' not in page.text
        assert page.html.get('lang') == 'sq'
        assert page.html.cssselect('h1')[0].text == "Faqja nuk u gjet"
        assert 'Check the address' not in page.text
    page = visitor.get('/elbasan/services/NOPE-1', lang='en')
    assert page.html.cssselect('h1')[0].text == "Page not found"
    # A refused form too
    refused = visitor.post('/track?lang=sq', {'number': 'x', 'code': 'y'})
    assert refused.status == 400
    assert "Formulari ka skaduar" in refused.text


def test_security_headers(visitor):
    page = visitor.get('/elbasan/')
    assert "frame-ancestors 'none'" in page.headers['Content-Security-Policy']
    assert page.headers['X-Frame-Options'] == 'DENY'
    assert page.headers['Referrer-Policy'] == 'same-origin'


def test_service_filed_through_e_albania(visitor):
    """The building permit is filed through e-Albania (e-Leje): its fiche
    sends the citizen there and the portal has no form for it"""
    page = visitor.get('/elbasan/services/URB-01', lang='en')
    assert page.status == 200
    assert not page.html.cssselect('a[href$="/apply"]')
    link, = page.html.cssselect('a[href="https://e-albania.al/"]')
    assert link.text_content() == "Apply on e-Albania"
    assert "requested online through e-Albania" in page.text
    form = visitor.get('/elbasan/services/URB-01/apply')
    assert form.status == 404
    assert "through e-Albania" in form.text
    catalogue = visitor.get('/elbasan/', q='URB-01')
    entry, = [li for li in catalogue.html.cssselect('ul.services li')
        if 'URB-01' in li.text_content() or li.cssselect(
            'a[href$="/URB-01"]')]
    assert not entry.cssselect('.badge')


def test_kept_pages_follow_changes(visitor, users):
    """The catalogue, its search results and the fiches, kept for the
    next visitors, show the change of an offer at once, in each language"""
    national = users['national.admin']
    offer, = national.search_read('ossis.lgu.service', [
            ('company.code', '=', 'elbasan'),
            ('service_code', '=', 'TAX-01'),
            ], ['fee'])

    def shown():
        facts = {}
        for lang in ['sq', 'en']:
            listed = []
            for query in [{}, {'q': 'TAX-01'}]:
                catalogue = visitor.get('/elbasan/', lang=lang, **query)
                entry, = [li for li in catalogue.html.cssselect(
                        'ul.services li')
                    if li.cssselect('a')[0].get('href').endswith('/TAX-01')]
                listed.append(entry.cssselect('.facts')[0].text_content())
            fiche = visitor.get('/elbasan/services/TAX-01', lang=lang)
            facts[lang] = (
                listed[0].split(),
                fiche.html.cssselect('dl.summary')[0].text_content().split(),
                listed[1].split())
        return facts

    before = shown()
    assert shown() == before
    national.write('ossis.lgu.service', [offer['id']], {'fee': 4321})
    try:
        changed = shown()
        for lang in ['sq', 'en']:
            assert changed[lang] != before[lang]
            assert any('321' in f for f in changed[lang][0])
            # The search lists the offer as the catalogue does
            assert changed[lang][2] == changed[lang][0]
            assert before[lang][2] == before[lang][0]
    finally:
        national.write(
            'ossis.lgu.service', [offer['id']], {'fee': offer['fee']})
    assert shown() == before
