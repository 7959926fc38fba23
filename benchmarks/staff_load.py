#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Response times of the clerks' screens on databases of 10k to 1m
applications

For each size, the large database of benchmarks/large_database.py (built
or extended from its seed when it has fewer applications), served as
production does (gunicorn with OSSIS's WSGI application, ossis.wsgi:app,
under python -O); then C back office clerks at once, each of another
municipality (the largest first), do over JSON-RPC what the web client
does, R rounds each:

- inbox: open "My Tasks" on the tab of their units, i.e. the search of its
  first page (the action's order, the client's limit of 1000), the count
  of the list (the client's limit of 100 pages) when the page is full, and
  the read of the list's fields of the first 100 rows, which the client
  reads at once;
- tab counts: the count of each tab that shows one, as the client asks
  it (limited to 1000);
- open: the read of the form's fields of an application of the page on
  which the clerk may act;
- act: the step action on it (forward, return, request information...),
  with the timestamp of the form as the client sends it;

and, as the floor of the same server, C visitors load its static style
sheet.  Print the median and the 95th percentile of each with the load
average of the machine before and after.  The actions move applications
on: each run leaves C x R applications a step further.

    python benchmarks/staff_load.py --sizes 10k 100k 1m
    python benchmarks/staff_load.py --sizes 1m --database bench_mine \\
        --postgresql postgresql://postgres@127.0.0.1:5432/

After a change of the indexes, update each database first (trytond-admin
-u ossis_application ossis_application_backoffice).
"""
import argparse
import base64
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests'))

from large_database import (  # noqa: E402
    DEFAULT_URI, PREFIX, connect, large_database, parse_size, size_label)
from ossis_testserver import OssisServer, free_port  # noqa: E402

APPLICATION = 'ossis.application'
INBOX_ACTION = ('ossis_application_backoffice', 'act_application_my_tasks')
INBOX_TAB = 'My Units'
# The step actions a clerk takes from the form, in order of preference
STEP_ACTIONS = {
    'forward': 'forward', 'request_info': 'request_info',
    'return': 'return_', 'ask_opinion': 'ask_opinion',
    }
# sao's defaults: the page of a list, the rows read at once, the limit of
# the count of a tab
PAGE = 1000
ROWS_READ = 100
TAB_COUNT_LIMIT = 1000
GUNICORN_WORKERS = 4


def percentile(values, share):
    "Nearest-rank percentile of the values"
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def loadavg():
    with open('/proc/loadavg') as file:
        return ' '.join(file.read().split()[:3])


class Gunicorn:
    "The database served by gunicorn workers under python -O"

    def __init__(self, name, uri, workers):
        os.environ['TRYTOND_DATABASE_URI'] = uri
        self.workdir = Path(tempfile.mkdtemp(prefix='ossis-bench-staff-'))
        self.server = OssisServer(self.workdir)
        self.server.database = name
        (self.workdir / 'db').mkdir()
        self.config = self.server.write_config()
        self.workers = workers
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.process = None

    def __enter__(self):
        env = self.server.environ()
        env.update(
            TRYTOND_CONFIG=str(self.config),
            TRYTOND_DATABASE_NAMES=self.server.database,
            PYTHONOPTIMIZE='1')
        with open(self.workdir / 'server.log', 'ab') as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / 'gunicorn'),
                    '--bind', f'127.0.0.1:{self.port}',
                    '--workers', str(self.workers), '--timeout', '300',
                    'ossis.wsgi:app'],
                env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        while True:
            try:
                static(self.url, self.server.database)
                return self
            except OSError:
                if (self.process.poll() is not None
                        or time.monotonic() > deadline):
                    self.__exit__(RuntimeError, None, None)
                    raise RuntimeError("gunicorn did not start: see "
                        f"{self.workdir / 'server.log'}")
                time.sleep(1)

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not exc_info or exc_info[0] is None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def static(url, database):
    "Load the portal's style sheet, the floor of the server"
    with urllib.request.urlopen(
            f'{url}/{database}/portal/static/portal.css', timeout=60) as (
            response):
        response.read()


class RPCError(Exception):
    pass


class Clerk:
    "A user of the web client, calling the server over JSON-RPC"

    def __init__(self, url, database, login, password):
        self.url = f'{url}/{database}/rpc/'
        self.session = None
        user_id, token = self.call('common.db.login', [
                login, {'password': password}, 'en'])[:2]
        self.session = 'Session ' + base64.b64encode(
            f'{login}:{user_id}:{token}'.encode()).decode()
        self.context = self.call(
            'model.res.user.get_preferences', [True, {}])

    def call(self, method, params):
        # As a browser asks: the server gzips the long answers
        headers = {
            'Content-Type': 'application/json', 'Accept-Encoding': 'gzip'}
        if self.session:
            headers['Authorization'] = self.session
        request = urllib.request.Request(
            self.url, headers=headers, data=json.dumps({
                    'id': 1, 'method': method, 'params': params}).encode())
        with urllib.request.urlopen(request, timeout=300) as response:
            body = response.read()
            if response.headers.get('Content-Encoding') == 'gzip':
                body = gzip.decompress(body)
            answer = json.loads(body)
        if answer.get('error'):
            raise RPCError(f"{method}: {str(answer['error'])[:300]}")
        return answer['result']

    def model(self, method, *args, context=None):
        return self.call(f'model.{APPLICATION}.{method}',
            [*args, dict(self.context, **(context or {}))])

    def view_fields(self, view_type):
        "Return the names the client reads of the fields of the view"
        view = self.model('fields_view_get', None, view_type)
        names = []
        for name, field in view['fields'].items():
            names.append(name)
            if field['type'] in {'many2one', 'one2one', 'reference'}:
                names.append(name + '.rec_name')
            elif (field['type'] in {'selection', 'multiselection'}
                    and field.get('loading', 'lazy') == 'eager'):
                names.append(name + ':string')
        return names + ['rec_name', '_timestamp', '_write', '_delete']


def inbox_action(uri, database):
    "Return the order and the tabs (name, domain, counted) of the inbox"
    with connect(uri, database) as connection:
        (action, order), = connection.execute("""
            SELECT a.id, a."order" FROM ir_action_act_window a
            JOIN ir_model_data d ON d.db_id = a.id
                AND d.model = 'ir.action.act_window'
            WHERE d.module = %s AND d.fs_id = %s""", INBOX_ACTION).fetchall()
        tabs = connection.execute("""
            SELECT name, domain, count FROM ir_action_act_window_domain
            WHERE act_window = %s ORDER BY sequence, id""",
            (action,)).fetchall()
    # Plain lists, encoded by PYSON as JSON
    return json.loads(order), [
        (name, json.loads(domain or '[]'), bool(count))
        for name, domain, count in tabs]


def clerk_logins(uri, database, count):
    """Return the login of the back office clerk of the count
    municipalities with most applications"""
    with connect(uri, database) as connection:
        return [login for login, in connection.execute("""
            SELECT (SELECT u.login FROM res_user u
                    JOIN "res_user-res_group" ug ON ug."user" = u.id
                    JOIN ir_model_data d ON d.db_id = ug."group"
                        AND d.model = 'res.group'
                    WHERE u.company = a.company AND u.active
                        AND d.module = 'ossis_base'
                        AND d.fs_id = 'group_back_office'
                    ORDER BY u.id LIMIT 1)
            FROM ossis_application a
            GROUP BY a.company ORDER BY COUNT(*) DESC LIMIT %s""",
            (count,)).fetchall() if login]


class Round:
    "What a clerk does: the inbox, its tab counts, an application, an action"

    def __init__(self, clerk, order, tabs):
        self.clerk = clerk
        self.order = order
        self.tabs = tabs
        self.inbox_domain, = [d for n, d, _ in tabs if n == INBOX_TAB]
        self.list_fields = clerk.view_fields('tree')
        self.form_fields = clerk.view_fields('form')
        self.done = set()

    def inbox(self):
        ids = self.clerk.model(
            'search', self.inbox_domain, 0, PAGE, self.order)
        if len(ids) == PAGE:
            self.clerk.model(
                'search_count', self.inbox_domain, 0, PAGE * 100)
        self.clerk.model('read', ids[:ROWS_READ], self.list_fields)
        return ids

    def tab_counts(self):
        for _, domain, counted in self.tabs:
            if counted:
                self.clerk.model(
                    'search_count', ['AND', domain, []], 0, TAB_COUNT_LIMIT)

    def open(self, ids):
        "Open the applications of the page until one has a step action"
        for id_ in ids:
            if id_ in self.done:
                continue
            self.done.add(id_)
            started = time.perf_counter()
            record, = self.clerk.model('read', [id_], self.form_fields)
            elapsed = time.perf_counter() - started
            actions = [a for a in STEP_ACTIONS
                if a in (record['available_actions'] or [])]
            if actions:
                return record, actions[0], elapsed
        return None, None, None

    def act(self, record, action):
        self.clerk.model(STEP_ACTIONS[action], [record['id']], context={
                '_timestamp': {
                    f"{APPLICATION},{record['id']}": record['_timestamp']}})


def timed(durations, name, function, *args):
    started = time.perf_counter()
    result = function(*args)
    durations.setdefault(name, []).append(time.perf_counter() - started)
    return result


def staff_load(server, database, uri, options):
    """Return the durations of each step of the clerks' rounds, the errors,
    the clerks who found nothing to act on and the number of clerks"""
    order, tabs = inbox_action(uri, database.name)
    logins = clerk_logins(uri, database.name, options.clients)
    durations, errors, idle = {}, [], []
    lock = threading.Lock()
    barrier = threading.Barrier(len(logins))

    def work(login):
        mine = {}
        try:
            clerk = Clerk(server.url, database.name, login, database.password)
            round_ = Round(clerk, order, tabs)
        except Exception as exception:
            with lock:
                errors.append(f"{login}: {exception}")
            barrier.abort()
            return
        barrier.wait()
        for _ in range(options.rounds):
            try:
                started = time.perf_counter()
                ids = timed(mine, 'inbox', round_.inbox)
                timed(mine, 'tab counts', round_.tab_counts)
                mine.setdefault('inbox with tab counts', []).append(
                    time.perf_counter() - started)
                record, action, elapsed = round_.open(ids)
                if record is None:
                    with lock:
                        idle.append(login)
                    continue
                mine.setdefault('open', []).append(elapsed)
                timed(mine, f'act ({action})', round_.act, record, action)
            except Exception as exception:
                with lock:
                    errors.append(str(exception))
        with lock:
            for name, values in mine.items():
                durations.setdefault(name, []).extend(values)
    threads = [threading.Thread(target=work, args=(login,))
        for login in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return durations, errors, idle, len(logins)


def static_load(server, clients, requests):
    "Return the durations of the static file loaded by clients at once"
    durations = []
    lock = threading.Lock()

    def visit():
        mine = {}
        for _ in range(requests):
            timed(mine, 'static', static, server.url, server.server.database)
        with lock:
            durations.extend(mine['static'])
    threads = [threading.Thread(target=visit) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return durations


def run(size, options):
    label = size_label(parse_size(size))
    database = large_database(
        size, name=f'{options.database}{label}', uri=options.postgresql)
    with Gunicorn(database.name, options.postgresql, options.workers) as (
            server):
        before = loadavg()
        durations, errors, idle, clerks = staff_load(
            server, database, options.postgresql, options)
        floor = static_load(server, clerks, options.rounds * 4)
        after = loadavg()
    print(f"\n{database.name}: {database.applications} applications, "
        f"{clerks} clerks at once, {options.rounds} rounds each, "
        f"gunicorn {options.workers} workers (python -O); "
        f"load average {before} -> {after}")
    print(f"{'action':<34}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}"
        f"{'n':>6}")
    for name, values in [*sorted(durations.items(), key=row_order),
            ('static style sheet (floor)', floor)]:
        print(f"{name:<34}{statistics.median(values) * 1000:>10.0f}"
            f"{percentile(values, 95) * 1000:>9.0f}"
            f"{max(values) * 1000:>9.0f}{len(values):>6}")
    if idle:
        print(f"{len(idle)} rounds found nothing to act on in the first "
            f"page ({', '.join(sorted(set(idle)))})")
    if errors:
        print(f"{len(errors)} errors, the first: {errors[0]}")
    return not errors


def row_order(item):
    order = ['inbox', 'tab counts', 'inbox with tab counts', 'open']
    name = item[0]
    return order.index(name) if name in order else len(order)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[2:]))
    parser.add_argument(
        '--sizes', nargs='+', default=['10k', '100k', '1m'],
        help="applications of each database (default: %(default)s)")
    parser.add_argument(
        '-c', '--clients', type=int, default=20,
        help="clerks at once (default: %(default)s)")
    parser.add_argument(
        '-r', '--rounds', type=int, default=5,
        help="rounds of each clerk (default: %(default)s)")
    parser.add_argument(
        '--workers', type=int, default=GUNICORN_WORKERS,
        help="gunicorn workers (default: %(default)s)")
    parser.add_argument(
        '--postgresql', metavar='URI', default=DEFAULT_URI,
        help="PostgreSQL server, without database name "
        "(default: %(default)s)")
    parser.add_argument(
        '--database', metavar='PREFIX', default=PREFIX,
        help="prefix of the databases, followed by the size "
        "(default: %(default)s)")
    options = parser.parse_args()
    ok = True
    for size in options.sizes:
        ok &= run(size, options)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
