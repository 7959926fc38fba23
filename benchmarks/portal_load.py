#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Response times of the citizen portal's pages under a small concurrent load

Create a database with the demo data (``ossis init`` and ``ossis demo``),
serve it as production does (gunicorn with trytond's WSGI application, under
python -O) or with ``ossis serve``, and let C visitors at once load the
catalogue, a fiche, the tracking of an application (the form, the lookup
with number and code, the status page) and, as the floor of the same
server, the portal's style sheet.  Print the median, the 95th percentile
and the pages per second of each.

    python benchmarks/portal_load.py
    python benchmarks/portal_load.py --backend postgresql \\
        --postgresql postgresql://postgres@127.0.0.1:5432/
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests'))

from ossis_testserver import (  # noqa: E402
    DEMO_PASSWORD, OssisServer)
from portal import Visitor  # noqa: E402

from ossis_client import Client  # noqa: E402


def percentile(values, share):
    "Nearest-rank percentile of the values"
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


class GunicornServer(OssisServer):
    "The server as production runs it: gunicorn workers under python -O"

    workers = 4

    def _spawn(self):
        env = self.environ()
        env.update(
            TRYTOND_CONFIG=str(self.config),
            TRYTOND_DATABASE_NAMES=self.database,
            PYTHONOPTIMIZE='1')
        log = open(self.log_path, 'ab')
        try:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / 'gunicorn'),
                    '--bind', f'127.0.0.1:{self.port}',
                    '--workers', str(self.workers), '--timeout', '120',
                    'trytond.application:app'],
                env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.version(timeout=5)
                return
            except Exception:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer")


def tracked_application(server):
    "Return the number and the tracking code of a demo application"
    client = Client(
        server.url, server.database, 'national.admin', DEMO_PASSWORD)
    record, = client.search_read('ossis.application', [
            ('company.code', '=', 'elbasan'),
            ('state', '=', 'in_progress'),
            ], ['number', 'tracking_code'], limit=1)
    return record['number'], record['tracking_code']


def pages(server, visitor):
    "Return the name and the loader of each page measured"
    catalogue = visitor.get('/elbasan/')
    assert catalogue.status == 200, catalogue.status
    fiche = urllib.parse.urlsplit(
        catalogue.html.cssselect('ul.services a')[0].get('href')).path
    number, code = tracked_application(server)

    def track(visitor):
        form = visitor.get('/track')
        page = visitor.submit(form, {'number': number, 'code': code})
        assert page.status == 200 and number in page.text, page.status
        return page
    return [
        ('style sheet (floor)', lambda v: v.get('/static/portal.css')),
        ('catalogue', lambda v: v.get('/elbasan/')),
        ('search', lambda v: v.get('/elbasan/', q='vertetim')),
        ('fiche', lambda v: v.get(server.url + fiche)),
        ] + ([('tracking (3 requests)', track)]
        if visitor.get('/track').status == 200 else [])


def load(server, load_page, clients, requests):
    "Return the durations of requests loads of the page by clients at once"
    durations, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def visit():
        visitor = Visitor(server)
        load_page(visitor)  # its session, as a returning visitor
        barrier.wait()
        for _ in range(requests):
            started = time.perf_counter()
            try:
                page = load_page(visitor)
                if page.status != 200:
                    raise RuntimeError(f"HTTP {page.status}")
            except Exception as exception:
                with lock:
                    errors.append(str(exception))
                continue
            with lock:
                durations.append(time.perf_counter() - started)
    threads = [threading.Thread(target=visit) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return durations, errors, time.perf_counter() - started


def run(backend, uri, options):
    os.environ['TRYTOND_DATABASE_URI'] = uri
    server_class = GunicornServer if options.server == 'gunicorn' else (
        OssisServer)
    server = server_class(tempfile.mkdtemp(prefix='ossis-bench-portal-'))
    started = time.monotonic()
    server.create_database()
    print(f"{backend}: demo database in {time.monotonic() - started:.0f} s")
    try:
        server.start()
        rows = []
        for name, load_page in pages(server, Visitor(server)):
            durations, errors, elapsed = load(
                server, load_page, options.clients, options.requests)
            rows.append((name, durations, errors, elapsed))
        print_rows(backend, options, rows)
    finally:
        server.stop()
        server.drop_database()


def print_rows(backend, options, rows):
    print(f"\n{backend}, {options.server}"
        f"{f' ({GunicornServer.workers} workers, python -O)' if options.server == 'gunicorn' else ''}"  # noqa: E501
        f", {options.clients} visitors at once, "
        f"{options.requests} pages each")
    print(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"
        f"{'pages/s':>9}{'errors':>8}")
    for name, durations, errors, elapsed in rows:
        if not durations:
            print(f"{name:<24}{'-':>11}{'-':>9}{'-':>9}{'-':>9}"
                f"{len(errors):>8}")
            continue
        print(f"{name:<24}"
            f"{statistics.median(durations) * 1000:>11.0f}"
            f"{percentile(durations, 95) * 1000:>9.0f}"
            f"{max(durations) * 1000:>9.0f}"
            f"{len(durations) / elapsed:>9.1f}{len(errors):>8}")
        if errors:
            print(f"    first error: {errors[0]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--backend', choices=['sqlite', 'postgresql', 'both'],
        default='sqlite')
    parser.add_argument(
        '--postgresql', default='postgresql://postgres@127.0.0.1:5432/',
        help="PostgreSQL server (default: %(default)s)")
    parser.add_argument(
        '--server', choices=['gunicorn', 'dev'], default='gunicorn',
        help="gunicorn as production runs it, or \"ossis serve\"")
    parser.add_argument(
        '-c', '--clients', type=int, default=8,
        help="visitors at once (default: %(default)s)")
    parser.add_argument(
        '-n', '--requests', type=int, default=25,
        help="pages per visitor (default: %(default)s)")
    options = parser.parse_args()
    backends = []
    if options.backend in {'sqlite', 'both'}:
        backends.append(('sqlite', 'sqlite://'))
    if options.backend in {'postgresql', 'both'}:
        backends.append(('postgresql', options.postgresql))
    for backend, uri in backends:
        run(backend, uri, options)


if __name__ == '__main__':
    main()
