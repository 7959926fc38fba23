# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every page type of the citizen portal meets WCAG 2.1 AA as axe-core
checks it in Chromium, on a phone and on a desktop screen"""
import pytest
from a11y import assert_accessible
from sao import TIMEOUT

PHONE = {'width': 390, 'height': 844}
DESKTOP = {'width': 1280, 'height': 900}


@pytest.fixture(params=[PHONE, DESKTOP], ids=['phone', 'desktop'])
def portal(browser, request):
    context = browser.new_context(
        viewport=request.param, bypass_csp=True, locale='sq-AL')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    yield page
    context.close()


def open_page(page, server, path):
    response = page.goto(f'{server.url}/{server.database}/portal{path}')
    return response


def test_municipalities(portal, ossis_server):
    open_page(portal, ossis_server, '/')
    assert_accessible(portal)


@pytest.mark.parametrize('language', ['sq', 'en'])
def test_catalogue(portal, ossis_server, language):
    open_page(portal, ossis_server, f'/elbasan/?lang={language}')
    assert_accessible(portal)


def test_search_results(portal, ossis_server):
    open_page(portal, ossis_server, '/elbasan/?q=leje')
    assert_accessible(portal)
    open_page(portal, ossis_server, '/elbasan/?q=zzzzzz')
    assert_accessible(portal)


def test_fiche(portal, ossis_server):
    open_page(portal, ossis_server, '/elbasan/')
    # A service offered online, and one only at the desks
    for selector in ['li:has(.badge) a', 'li:not(:has(.badge)) a']:
        link = portal.locator(f'ul.services {selector}').first
        link.click()
        portal.wait_for_load_state()
        assert portal.locator('h1').count() == 1
        assert_accessible(portal)
        portal.go_back()


def test_error_page(portal, ossis_server):
    response = open_page(portal, ossis_server, '/elbasan/services/NONE-0')
    assert response.status == 404
    assert_accessible(portal)


def test_the_check_finds_violations(portal):
    "Test the check itself: a page with faults does not pass"
    portal.set_content(
        '<html><body><img src="x.png"><input type="text">'
        '<p style="color:#aaa;background:#fff">faint</p></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_accessible(portal)
    for rule in ['image-alt', 'label', 'color-contrast', 'html-has-lang']:
        assert rule in str(failure.value)


def test_transparency(portal, ossis_server):
    open_page(portal, ossis_server, '/elbasan/transparency')
    assert_accessible(portal)


def demo_application(users, domain):
    "Return the number and tracking code of a demo application of Elbasan"
    record, = users['national.admin'].search_read('ossis.application', [
            ('company.code', '=', 'elbasan'),
            ] + domain, ['number', 'tracking_code', 'verification_code'],
        limit=1, order=[('id', 'ASC')])
    return record


def track(portal, server, application):
    open_page(portal, server, '/track')
    portal.fill('#number', application['number'])
    portal.fill('#code', application['tracking_code'])
    portal.locator('main form button[type="submit"]').click()
    portal.wait_for_load_state()


def test_track_form(portal, ossis_server):
    open_page(portal, ossis_server, '/track')
    assert_accessible(portal)
    # With the errors of a wrong lookup
    portal.fill('#number', 'ELB-2026-999999')
    portal.fill('#code', 'AAAAA-AAAAA-AAAAA-AAAAA')
    portal.locator('main form button[type="submit"]').click()
    portal.wait_for_load_state()
    assert portal.locator('[role="alert"]').count()
    assert_accessible(portal)


@pytest.mark.parametrize('state', ['waiting', 'in_progress', 'closed'])
def test_application_page(portal, ossis_server, users, state):
    "The status page with the answer form, the withdrawal, the feedback"
    domain = [('state', '=', state)]
    if state == 'closed':
        rated = users['national.admin'].search_read(
            'ossis.application.feedback', [], ['application'])
        domain.append(('id', 'not in', [r['application'] for r in rated]))
    application = demo_application(users, domain)
    track(portal, ossis_server, application)
    assert application['number'] in portal.locator('h1').inner_text() + (
        portal.locator('main').inner_text())
    assert_accessible(portal)
    if state == 'in_progress':
        portal.locator('main a[href$="/withdraw"]').first.click()
        portal.wait_for_load_state()
        assert_accessible(portal)


def test_verify(portal, ossis_server, users):
    open_page(portal, ossis_server, '/verify')
    assert_accessible(portal)
    application = demo_application(users, [
            ('verification_code', '!=', None)])
    open_page(
        portal, ossis_server, f"/verify/{application['verification_code']}")
    assert_accessible(portal)
    # The answer about a file that the visitor holds
    portal.set_input_files('#document', files=[{
                'name': 'copy.pdf', 'mimeType': 'application/pdf',
                'buffer': b'%PDF-1.7 not the document'}])
    portal.locator('main form button[type="submit"]').click()
    portal.wait_for_load_state()
    assert portal.locator('#held-title').is_visible()
    assert_accessible(portal)
    open_page(portal, ossis_server, '/verify/0000-0000-0000-0000')
    assert_accessible(portal)


def test_apply(portal, ossis_server):
    "The form, the form with its errors, and the page of a saved draft"
    open_page(portal, ossis_server, '/elbasan/')
    portal.locator('ul.services li:has(.badge) a').first.click()
    portal.locator('a.button[href$="/apply"]').click()
    portal.locator('#name').wait_for()
    assert_accessible(portal)
    portal.locator('button[value="review"]').click()
    portal.locator('#error-summary').wait_for()
    assert_accessible(portal)
    portal.fill('#name', "Arta Hoxha")
    portal.fill('#email', 'arta.hoxha@example.al')
    portal.locator('button[value="save"]').click()
    portal.wait_for_load_state()
    assert '/apply/saved' in portal.url
    assert_accessible(portal)
