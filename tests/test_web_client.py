# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff web client (sao), served by the OSSIS server, in a real browser

A front office operator of Elbasan logs in and opens OSSIS > Organisation >
Org Units: the org units of Elbasan are listed, those of Pogradec are not.
It runs the Debian chromium (/usr/bin/chromium, or OSSIS_CHROMIUM) through
Playwright; "make setup" installs the web client and "make setup-test" the
browser.  A screenshot is saved when the test fails.
"""
import os
import tempfile
from pathlib import Path

import pytest
from ossis_testserver import DEMO_PASSWORD

CHROMIUM = os.environ.get('OSSIS_CHROMIUM') or '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    ]
TIMEOUT = 30_000  # ms, for each step


@pytest.fixture(scope='module')
def browser(ossis_server):
    if ossis_server.sao_dir is None:
        pytest.fail(
            "the web client (sao) is not installed: run \"make setup\" or "
            "set OSSIS_SAO_DIR to a folder with sao's index.html",
            pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: run \"make chromium\" "
            "(apt-get install chromium) or set OSSIS_CHROMIUM",
            pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "the Playwright package is missing: run \"make setup-test\"",
            pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        viewport={'width': 1400, 'height': 900}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors = []
    page.on('pageerror', lambda error: errors.append(str(error)))
    yield page
    failed = any(
        getattr(request.node, f'rep_{when}', None) is not None
        and getattr(request.node, f'rep_{when}').failed
        for when in ['setup', 'call'])
    if failed:
        folder = Path(tempfile.mkdtemp(prefix='ossis-web-test-'))
        path = folder / f'{request.node.name}.png'
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failure: {path}")
        except Exception as exception:
            print(f"no screenshot: {exception}")
        if errors:
            print("JavaScript errors:\n" + '\n'.join(errors))
    context.close()


def login(page, server, user, password=DEMO_PASSWORD):
    "Log in through sao's dialogs; the URL names the database"
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    page.goto(f'{server.url}/#{server.database}')
    page.locator('#login').fill(user)
    password_entry = page.locator('.ask-dialog #ask-dialog-entry')
    # A click while sao still starts up is lost: click again until the
    # password is asked, within the step's time
    for attempt in range(TIMEOUT // 5_000):
        page.locator('.login-dialog button[type=submit]').click()
        try:
            password_entry.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    password_entry.fill(password)
    page.locator('.ask-dialog button.btn-primary').click()
    page.locator('#menu div.column-char[title="OSSIS"]').wait_for()


def menu_row(page, title):
    return page.locator('#menu tr').filter(
        has=page.locator(f'div.column-char[title="{title}"]'))


def wait_stable(page, rows, quiet=1000, timeout=10_000):
    "Wait until the number of rows has not changed for quiet ms"
    count, stable, waited = rows.count(), 0, 0
    while stable < quiet and waited < timeout:
        page.wait_for_timeout(100)
        waited += 100
        new = rows.count()
        stable = stable + 100 if new == count else 0
        count = new


def test_front_office_lists_only_own_org_units(ossis_server, users, page):
    national = users['national.admin']
    units = {}
    for code in ['elbasan', 'pogradec']:
        units[code] = [u['rec_name'] for u in national.search_read(
                'ossis.org_unit', [('company.code', '=', code)],
                ['rec_name'])]
    assert units['elbasan'] and units['pogradec']

    login(page, ossis_server, 'elbasan.front')
    menu_row(page, "OSSIS").locator('.expander').click()
    menu_row(page, "Organisation").locator('.expander').click()
    # "Org Units" twice: the tree of the top units, then the list of all
    org_units = menu_row(page, "Org Units")
    org_units.nth(1).wait_for()
    org_units.nth(1).locator('div.column-char').click()

    tab = page.locator('#tabcontent .tab-pane.active')
    tab.locator('.title', has_text="Org Units").first.wait_for()
    rows = tab.locator('.treeview table tbody tr')
    rows.first.wait_for()
    wait_stable(page, rows)
    texts = [t.strip() for t in rows.all_inner_texts()]
    assert len(texts) == len(units['elbasan']), texts
    listed = '\n'.join(texts)
    for name in units['elbasan']:
        assert name in listed, f"{name!r} of Elbasan is not listed"
    for name in units['pogradec']:
        assert name not in listed, f"{name!r} of Pogradec is listed"
    assert 'Pogradec' not in listed
