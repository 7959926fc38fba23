#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Response times of the citizen portal's pages under a small concurrent load

Create a database with the demo data (``ossis init`` and ``ossis demo``),
or take an existing PostgreSQL database (``--database``, e.g. a copy of
the million applications of large_database.py, which is neither changed
nor dropped), serve it as production does (gunicorn with OSSIS's WSGI
application, ``ossis.wsgi:app``, under python -O) or with ``ossis serve``,
and let C visitors at once load the catalogue, a fiche, the tracking
form, the tracking lookup (the form posted with a number and its code,
then the status page it leads to), the status page again and, as the
floor of the same server, the portal's style sheet.  The lookups take
applications of every published municipality in turn.  Print for each
the median, the 95th percentile, the requests per second, the CPU time
of the server and of the local PostgreSQL server per request and the
load average of the machine; for the lookup, the SQL statements it runs,
counted in this process on the same database.

    python benchmarks/portal_load.py
    python benchmarks/portal_load.py --backend postgresql \\
        --postgresql postgresql://postgres@127.0.0.1:5432/
    python benchmarks/portal_load.py --backend postgresql \\
        --database bench_large_1m
"""
import argparse
import json
import os
import random
import re
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
    DEMO_PASSWORD, OssisServer, ServerProcess)
from portal import Visitor  # noqa: E402

from ossis_client import Client  # noqa: E402

# The applications the lookups take in turn
LOOKUPS = 400
# The pages of each visitor, not measured, before the measures
WARM_UP = 5
# The states of the applications looked up: running ones, as citizens do
TRACKED_STATES = ['submitted', 'in_progress', 'waiting']
CLOCK_TICKS = os.sysconf('SC_CLK_TCK')


def percentile(values, share):
    "Nearest-rank percentile of the values"
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def group_cpu(pgid):
    "Return the CPU seconds of the running processes of the group"
    total = 0
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields: state, ppid, pgrp, ..., utime (12), stime (13)
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def database_cpu():
    """Return the CPU seconds of the local PostgreSQL server: its running
    processes and those that ended (counted in their parent's)"""
    total = 0
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.find('(') + 1:text.rfind(')')]
        if not name.startswith('postgres'):
            continue
        fields = text.rsplit(')', 1)[1].split()
        # fields: ..., utime (12), stime (13), cutime (14), cstime (15)
        total += sum(int(f) for f in fields[11:15])
    return total / CLOCK_TICKS


def loadavg():
    return '%.2f %.2f %.2f' % os.getloadavg()


class GunicornProcess(ServerProcess):
    """The server as production runs it: gunicorn workers under python -O
    serving ossis.wsgi:app"""

    workers = 4

    def spawn(self):
        env = self.server.environ()
        env.update(
            TRYTOND_CONFIG=str(self.config),
            TRYTOND_DATABASE_NAMES=self.server.database,
            PYTHONOPTIMIZE='1')
        log = open(self.log_path, 'ab')
        try:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / 'gunicorn'),
                    '--bind', f'127.0.0.1:{self.port}',
                    '--workers', str(self.workers), '--timeout', '120',
                    'ossis.wsgi:app'],
                env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def wait_ready(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            try:
                self.version(timeout=5)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer")


class GunicornServer(OssisServer):
    "The demo database or an existing one, served by gunicorn"

    def __init__(self, workdir):
        super().__init__(workdir)
        self.main = GunicornProcess(
            self, self.workdir / 'server.log', self.config)


def use_existing(server, database):
    "Serve the existing database instead of a new one, and keep it"
    server.database = database
    server.workdir.mkdir(parents=True, exist_ok=True)
    (server.workdir / 'db').mkdir(exist_ok=True)
    server.config = server.main.config = server.write_config()


def server_cpu(server):
    process = server.main.process
    return group_cpu(process.pid) if process else 0


def tracked_applications(server, existing):
    """Return the number and the tracking code of running applications of
    the published municipalities, shuffled"""
    if existing:
        import psycopg
        with psycopg.connect(server.uri, dbname=server.database) as conn:
            rows = conn.execute(
                'SELECT a.number, a.tracking_code FROM ossis_application a '
                'JOIN company_company c ON c.id = a.company '
                'WHERE c.portal_published AND a.state = ANY(%s) '
                'ORDER BY random() LIMIT %s',
                (TRACKED_STATES, LOOKUPS)).fetchall()
    else:
        client = Client(
            server.url, server.database, 'national.admin', DEMO_PASSWORD)
        rows = [(r['number'], r['tracking_code']) for r in client.search_read(
                'ossis.application', [
                    ('company.portal_published', '=', True),
                    ('state', 'in', TRACKED_STATES),
                    ], ['number', 'tracking_code'], limit=LOOKUPS)]
        random.shuffle(rows)
    assert rows, "no application to track"
    return rows


def lookup_statements(server, number, code):
    """Return the SQL statements of a lookup (the form posted and the
    status page) on the database of the server, counted in a process of
    its own that runs trytond's WSGI application with warm caches, or
    None on SQLite, whose statements only an in-memory database traces"""
    if server.backend != 'postgresql':
        return None
    env = server.environ()
    env['TRYTOND_CONFIG'] = str(server.config)
    result = subprocess.run(
        [sys.executable, __file__, '--count-lookup', server.database,
            number, code],
        env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.splitlines()[-1])


def count_lookup(database, number, code):
    "Print the SQL statements of a lookup on the database as JSON"
    from werkzeug.test import Client as WSGIClient

    from trytond.application import app
    from trytond.modules.ossis_portal.tests.statements import statements
    from trytond.protocols.wrappers import Response
    client = WSGIClient(app, Response)
    root = f'/{database}/portal'
    form = client.get(f'{root}/track')
    assert form.status_code == 200, (form.status_code, form.text)
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', form.text).group(1)

    def lookup():
        posted = client.post(f'{root}/track', data={
                'csrf_token': token, 'number': number, 'code': code})
        assert posted.status_code == 303, posted.status_code
        assert client.get(posted.headers['Location']).status_code == 200
    lookup()
    with statements(database) as executed:
        lookup()
    print(json.dumps(executed))


def pages(server, visitor, tracked):
    "Return the name and the loader of each page measured"
    catalogue = visitor.get('/elbasan/')
    assert catalogue.status == 200, catalogue.status
    fiche = urllib.parse.urlsplit(
        catalogue.html.cssselect('ul.services a')[0].get('href')).path
    lookups = iter(tracked * 1000)
    lock = threading.Lock()

    def track(visitor):
        with lock:
            number, code = next(lookups)
        page = visitor.post('/track', {
                'csrf_token': visitor.csrf_token,
                'number': number, 'code': code})
        assert page.status == 200 and number in page.text, page.status
        visitor.status_url = page.url
        return page

    def status(visitor):
        return visitor.get(visitor.status_url)

    def form(visitor):
        page = visitor.get('/track')
        visitor.csrf_token = page.form()[1]['csrf_token']
        return page
    return [
        ('style sheet (floor)', 1, lambda v: v.get('/static/portal.css')),
        ('catalogue', 1, lambda v: v.get('/elbasan/')),
        ('search', 1, lambda v: v.get('/elbasan/', q='vertetim')),
        ('fiche', 1, lambda v: v.get(server.url + fiche)),
        ('tracking form', 1, form),
        ('lookup (post + status)', 2, track),
        ('status page', 1, status),
        ]


def load(server, load_page, clients, requests, prepare=()):
    "Return the durations of requests loads of the page by clients at once"
    durations, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def visit():
        visitor = Visitor(server)
        for step in prepare:
            step(visitor)
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
    cpu, db_cpu = server_cpu(server), database_cpu()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return (durations, errors, elapsed, server_cpu(server) - cpu,
        database_cpu() - db_cpu)


def run(backend, uri, options):
    os.environ['TRYTOND_DATABASE_URI'] = uri
    server_class = GunicornServer if options.server == 'gunicorn' else (
        OssisServer)
    server = server_class(tempfile.mkdtemp(prefix='ossis-bench-portal-'))
    existing = bool(options.database)
    started = time.monotonic()
    if existing:
        use_existing(server, options.database)
        print(f"{backend}: database {options.database}")
    else:
        server.create_database()
        print(f"{backend}: demo database in "
            f"{time.monotonic() - started:.0f} s")
    try:
        server.start()
        tracked = tracked_applications(server, existing)
        executed = lookup_statements(server, *tracked[0])
        rows = []
        visitor = Visitor(server)
        measured = pages(server, visitor, tracked)
        prepare = dict((n, f) for n, _, f in measured)

        def measure(name, load_page, requests):
            steps = []
            if name.startswith(('lookup', 'status')):
                steps.append(prepare['tracking form'])
            if name == 'status page':
                steps.append(prepare['lookup (post + status)'])
            return load(
                server, load_page, options.clients, requests, prepare=steps)
        # Every server process loads the database's modules at its first
        # request and each template at its first page: not what is measured
        for name, _, load_page in measured:
            measure(name, load_page, WARM_UP)
        for name, requests, load_page in measured:
            before = loadavg()
            durations, errors, elapsed, cpu, db_cpu = measure(
                name, load_page, options.requests)
            rows.append((name, requests, durations, errors, elapsed, cpu,
                    db_cpu, before, loadavg()))
        print_rows(backend, options, rows, executed)
    finally:
        server.stop()
        if not existing:
            server.drop_database()


def print_rows(backend, options, rows, executed):
    print(f"\n{backend}, {options.server}"
        f"{f' ({GunicornProcess.workers} workers, python -O)' if options.server == 'gunicorn' else ''}"  # noqa: E501
        f", {options.clients} visitors at once, "
        f"{options.requests} pages each"
        f"{f', database {options.database}' if options.database else ''}")
    print(f"{'page':<24}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"
        f"{'pages/s':>9}{'req/s':>8}{'CPU ms/req':>11}{'DB ms/req':>10}"
        f"{'errors':>8}  load average before / after")
    for (name, requests, durations, errors, elapsed, cpu, db_cpu, before,
            after) in rows:
        if not durations:
            print(f"{name:<24}{'-':>11}{'-':>9}{'-':>9}{'-':>9}{'-':>8}"
                f"{'-':>11}{'-':>10}{len(errors):>8}  {before} / {after}")
            continue
        done = len(durations)
        print(f"{name:<24}"
            f"{statistics.median(durations) * 1000:>11.0f}"
            f"{percentile(durations, 95) * 1000:>9.0f}"
            f"{max(durations) * 1000:>9.0f}"
            f"{done / elapsed:>9.1f}"
            f"{done * requests / elapsed:>8.1f}"
            f"{cpu * 1000 / (done * requests):>11.1f}"
            f"{db_cpu * 1000 / (done * requests):>10.1f}"
            f"{len(errors):>8}  {before} / {after}")
        if errors:
            print(f"    first error: {errors[0]}")
    print(f"\nSQL statements of a lookup (form post + status page): "
        f"{len(executed) if executed is not None else 'not counted'}")
    if options.verbose and executed:
        for statement in executed:
            print(f"    {statement[:300]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--backend', choices=['sqlite', 'postgresql', 'both'],
        default='sqlite')
    parser.add_argument(
        '--postgresql', default='postgresql://postgres@127.0.0.1:5432/',
        help="PostgreSQL server (default: %(default)s)")
    parser.add_argument(
        '--database',
        help="an existing PostgreSQL database to serve instead of a new "
        "demo database (it is kept)")
    parser.add_argument(
        '--server', choices=['gunicorn', 'dev'], default='gunicorn',
        help="gunicorn as production runs it, or \"ossis serve\"")
    parser.add_argument(
        '-c', '--clients', type=int, default=8,
        help="visitors at once (default: %(default)s)")
    parser.add_argument(
        '-n', '--requests', type=int, default=25,
        help="pages per visitor (default: %(default)s)")
    parser.add_argument(
        '-v', '--verbose', action='store_true',
        help="print the SQL statements of a lookup")
    parser.add_argument(
        '--count-lookup', nargs=3, metavar=('DATABASE', 'NUMBER', 'CODE'),
        help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.count_lookup:
        count_lookup(*options.count_lookup)
        return
    if options.database:
        options.backend = 'postgresql'
    backends = []
    if options.backend in {'sqlite', 'both'}:
        backends.append(('sqlite', 'sqlite://'))
    if options.backend in {'postgresql', 'both'}:
        backends.append(('postgresql', options.postgresql))
    for backend, uri in backends:
        run(backend, uri, options)


if __name__ == '__main__':
    main()
