# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Driving the staff web client (sao) in Debian's chromium with Playwright

The fixtures ``browser`` and ``page`` (in conftest.py) give a page; these
helpers log in and find what a clerk clicks on.
"""
import os
import secrets

from ossis_testserver import DEMO_PASSWORD

CHROMIUM = os.environ.get('OSSIS_CHROMIUM') or '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    ]
TIMEOUT = 30_000  # ms, for each step


def login(page, server, user, password=DEMO_PASSWORD):
    "Log in through sao's dialogs and wait for the menu"
    submit_login(page, server, user, password)
    page.locator('#menu div.column-char[title="OSSIS"]').wait_for()


def submit_login(page, server, user, password=DEMO_PASSWORD):
    """Fill in and send sao's login and password dialogs

    A server that does not list its databases (as the demo and production)
    gets an empty field for the database, whatever the URL names: the user
    types it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    page.goto(f'{server.url}/#{server.database}')
    # Shown once the server answered or refused the list
    database = page.locator('.login-dialog #database:visible')
    database.wait_for()
    if not database.input_value():
        database.fill(server.database)
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


def load_all(page, rows, timeout=20_000):
    """Scroll down the list until every row is shown: sao shows the rows
    of a list by pages as it is scrolled"""
    waited = 0
    wait_stable(page, rows)
    count = rows.count()
    while waited < timeout:
        rows.last.scroll_into_view_if_needed()
        wait_stable(page, rows, quiet=500)
        waited += 500
        if rows.count() == count:
            break
        count = rows.count()


def open_menu(page, *path):
    "Open the menu entry at the path of titles, e.g. OSSIS, Org Units"
    *folders, entry = path
    for folder in folders:
        menu_row(page, folder).first.locator('.expander').click()
    menu_row(page, entry).last.locator('div.column-char').click()
    return page.locator('#tabcontent .tab-pane.active')


def settle(page, quiet=300):
    """Wait until the web client has had no call to the server in flight
    for quiet ms: under load, the call of a change may start a moment after
    the key that made it"""
    page.wait_for_function(
        """({quiet, token}) => {
            const now = Date.now();
            if (window.ossisSettle !== token) {
                window.ossisSettle = token;
                window.ossisBusy = now;
            }
            if (!window.jQuery || jQuery.active) {
                window.ossisBusy = now;
                return false;
            }
            return now - window.ossisBusy >= quiet;
        }""", arg={'quiet': quiet, 'token': secrets.token_hex(8)},
        polling=50)
