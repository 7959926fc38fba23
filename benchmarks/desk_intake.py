#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Interactions and seconds of a new citizen's intake at the front desk

A scripted clerk of Elbasan logs in to the staff web client (sao) in
Debian's chromium, opens the quick intake (OSSIS > Applications > Quick
Intake) and, on its empty screen, does the intake of a new citizen: the
service by its code, the personal number, the name and the phone of the
new applicant, every document received, the fee paid with the number of
its receipt, then Submit and Print.  Then the intake of a citizen already
registered.  Print, for each, the interactions (see tests/desk_clerk.py:
a click, a key press or the typing of one field's value each count one)
and the seconds from the first interaction to the receipt printed and the
screen empty again for the next applicant.

The clerk types at a trained clerk's pace: --char-delay seconds per
character and --pause seconds before each interaction (0 and 0 give the
time of the system alone).  The screen stays open from one applicant to
the next: opening it once a day is printed apart.

Against a running demo server (``make demo``):

    python benchmarks/desk_intake.py --url http://127.0.0.1:8000 -d demo

Without --url, a server with the demo data is created on the backend of
TRYTOND_DATABASE_URI (as the tests do) and dropped at the end.
"""
import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests'))

from desk_clerk import Clerk, open_intake, timed_intake  # noqa: E402
from ossis_testserver import (  # noqa: E402
    DEFAULT_SAO_DIR, DEMO_PASSWORD, OssisServer)
from sao import CHROMIUM, CHROMIUM_ARGS, TIMEOUT, login  # noqa: E402
from test_web_application import valid_nid  # noqa: E402

from ossis_client import Client  # noqa: E402

SERVICE = 'TAX-10'


class Demo:
    "A running server, given by its URL and database"

    def __init__(self, url, database):
        self.url = url.rstrip('/')
        self.database = database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', help="the URL of a running demo server")
    parser.add_argument(
        '-d', '--database', default='demo',
        help="its database (default: %(default)s)")
    parser.add_argument('--user', default='elbasan.front')
    parser.add_argument('--password', default=DEMO_PASSWORD)
    parser.add_argument(
        '--char-delay', type=float, default=0.2,
        help="seconds per character typed (default: %(default)s)")
    parser.add_argument(
        '--pause', type=float, default=1.2,
        help="seconds before each interaction (default: %(default)s)")
    options = parser.parse_args()
    if options.url:
        run(Demo(options.url, options.database), options)
        return
    with tempfile.TemporaryDirectory(prefix='ossis-bench-') as workdir:
        server = OssisServer(workdir, sao_dir=DEFAULT_SAO_DIR)
        try:
            server.create_database()
            server.start()
            run(server, options)
        finally:
            server.stop()
            server.drop_database()


def run(server, options):
    from playwright.sync_api import sync_playwright
    client = Client(
        server.url, server.database, options.user, options.password)
    nid = valid_nid()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT)
        page = browser.new_page(viewport={'width': 1400, 'height': 900})
        page.set_default_timeout(TIMEOUT)
        login(page, server, options.user, options.password)
        started = time.monotonic()
        clicks = open_intake(page)
        print(f"opening the quick intake: {clicks} clicks, "
            f"{time.monotonic() - started:.1f} s (once a day)")
        for label, values in [
                ("new citizen", dict(
                        identifier=nid, name=f"Teuta Lika {nid[-4:]}",
                        phone='+355 69 222 3344')),
                ("registered citizen", dict(identifier=nid)),
                ]:
            clerk = Clerk(
                page, char_delay=options.char_delay, pause=options.pause)
            seconds = timed_intake(
                clerk, SERVICE,
                receipt=f'BKT-{secrets.randbelow(10 ** 6):06d}', **values)
            print(f"{label}: {clerk.count} interactions, {seconds:.1f} s")
            for interaction in clerk.interactions:
                print(f"    {interaction}")
        browser.close()
    submitted = client.search_count('ossis.application', [
            ('applicant.identifier', '=', nid),
            ('state', '=', 'submitted'),
            ])
    print(f"applications submitted: {submitted} of 2")
    client.logout()


if __name__ == '__main__':
    main()
