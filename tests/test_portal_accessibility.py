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
