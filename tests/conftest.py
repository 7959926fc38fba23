# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fixtures of the tests that go through a real OSSIS server

``ossis_server`` (session): a fresh database with the demo data, on the
backend of TRYTOND_DATABASE_URI, served by ``ossis serve`` on a free port;
its emails go to ``mailbox`` (session), a local SMTP server.
``users``: a client per demo login, shared by the session.
``connect``: a fresh client, logged out at the end of the test.
``browser`` (session) and ``page``: Debian's chromium driven by Playwright,
with a screenshot of the page when a test fails.

When a test that uses the server fails, the lines the server logged during
the test are added to the report.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from smtp_mailbox import Mailbox
from ossis_testserver import (
    DEFAULT_SAO_DIR, DEMO_PASSWORD, HarnessError, OssisServer, tail)
from sao import CHROMIUM, CHROMIUM_ARGS, TIMEOUT

from ossis_client import Client

_LOG_OFFSET = pytest.StashKey()
_STATE = {}


def sao_dir():
    "Return the folder of the web client (OSSIS_SAO_DIR or .web/sao)"
    return Path(os.environ.get('OSSIS_SAO_DIR') or DEFAULT_SAO_DIR)


@pytest.fixture(scope='session')
def mailbox():
    "The SMTP server that receives the emails of the test server"
    mailbox = Mailbox()
    mailbox.start()
    yield mailbox
    mailbox.stop()


@pytest.fixture(scope='session')
def ossis_server(mailbox):
    workdir = tempfile.mkdtemp(prefix='ossis-test-server-')
    sao = sao_dir()
    server = OssisServer(
        workdir, sao_dir=sao if (sao / 'index.html').is_file() else None,
        email_uri=mailbox.uri)
    try:
        try:
            server.create_database()
            server.start()
        except HarnessError as exception:
            pytest.fail(
                f"cannot set up the OSSIS test server "
                f"({server.backend}): {exception}", pytrace=False)
        _STATE.update(
            server=server, backend=server.backend, timings=server.timings)
        yield server
    finally:
        _STATE.pop('server', None)
        server.stop()
        try:
            server.drop_database()
        finally:
            if os.environ.get('OSSIS_TEST_KEEP'):
                _STATE['kept'] = workdir
            else:
                shutil.rmtree(workdir, ignore_errors=True)


class Users:
    "A client per login, created on first use and logged out at the end"

    def __init__(self, server):
        self.server = server
        self._clients = {}

    def __getitem__(self, login):
        client = self._clients.get(login)
        if client is None:
            client = self._clients[login] = Client(
                self.server.url, self.server.database, login, DEMO_PASSWORD)
        return client

    def close(self):
        for client in self._clients.values():
            client.logout()
        self._clients.clear()


@pytest.fixture(scope='session')
def users(ossis_server):
    users = Users(ossis_server)
    yield users
    users.close()


@pytest.fixture
def connect(ossis_server):
    """Return a function that logs in a new client:
    connect(login, password='ossis-demo', **options)"""
    clients = []

    def connect(login, password=DEMO_PASSWORD, **options):
        client = Client(
            ossis_server.url, ossis_server.database, login, password,
            **options)
        clients.append(client)
        return client
    yield connect
    for client in clients:
        client.logout()


@pytest.fixture(scope='session')
def companies(users):
    "The ids of the municipalities by code"
    national = users['national.admin']
    return {c['code']: c['id'] for c in national.search_read(
            'company.company', [], ['code'])}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    server = _server_of(item)
    if server is not None:
        item.stash[_LOG_OFFSET] = server.log_size()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # For fixtures that act on failure (e.g. the screenshot of the browser)
    setattr(item, f'rep_{report.when}', report)
    if not report.failed:
        return
    server = _server_of(item)
    if server is None:
        return
    offset = item.stash.get(_LOG_OFFSET, None)
    if offset is None:
        text = tail(server.log_path)
    else:
        text = server.log_since(offset)
    report.sections.append((
        f"OSSIS server log ({server.log_path})", text or '(empty)'))


def _server_of(item):
    "Return the test server if the test uses it and it is running"
    if 'ossis_server' not in getattr(item, 'fixturenames', ()):
        return None
    return _STATE.get('server')


def pytest_terminal_summary(terminalreporter):
    timings = _STATE.get('timings')
    if timings:
        terminalreporter.write_line(
            f"OSSIS test server ({_STATE['backend']}): " + ', '.join(
                f"{k} {v:.1f}s" for k, v in timings.items()))
    if _STATE.get('kept'):
        terminalreporter.write_line(
            f"OSSIS test server files kept in {_STATE['kept']}")


# The web client in a browser

@pytest.fixture(scope='session')
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
