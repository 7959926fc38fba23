#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the lifecycle of applications: ORM, plain SQL and SpiffWorkflow

On SQLite and on PostgreSQL, in a database of its own (bench_lifecycle)
with Elbasan's module activated, measure:

1. ORM intake: N applications created and submitted by a front office
   clerk (not a superuser, access rights checked as in an RPC call, one
   transaction per batch);
2. ORM lifecycle: the same applications driven through the national
   default workflow to delivery by the back office staff of the
   responsible unit, a batch of applications per call of
   Application.act; and again one application per call;
3. plain SQL floor: the same rows (applications, history, numbering)
   written with the database driver alone, one transaction per batch;
4. SpiffWorkflow: the equivalent BPMN process (lifecycle.bpmn), each
   instance serialized to JSON after each step and stored in a table of
   the same database with a history row per step;

and the time to lint the workflows of the 61 municipalities for the whole
catalogue and to migrate running applications to a new workflow version.
The figures are printed side by side with the targets.  Run it with and
without python -O: production runs with -O.

    python benchmarks/lifecycle.py -n 100 --backend sqlite
    python -O benchmarks/lifecycle.py
    python -O benchmarks/lifecycle.py --postgresql \\
        postgresql://postgres@127.0.0.1:5432/

Each backend runs in a process of its own, started by this script with the
same interpreter and -O flag.
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time

BACKENDS = ['sqlite', 'postgresql']
DB_NAME = 'bench_lifecycle'
MODULES = ['ossis_lgu_elbasan']
HERE = os.path.dirname(os.path.abspath(__file__))
BPMN_FILE = os.path.join(HERE, 'lifecycle.bpmn')
BPMN_PROCESS = 'ossis_lifecycle'

# Targets printed beside the figures
TARGET_LIFECYCLES = 200  # complete lifecycles/s on PostgreSQL
TARGET_SQL_RATIO = 10  # the ORM at most this many times slower than SQL


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[2:]))
    parser.add_argument(
        '--backend', choices=BACKENDS + ['both'], default='both',
        help="database backend (default: %(default)s)")
    parser.add_argument(
        '-n', type=int, default=500, dest='count',
        help="applications (default: %(default)s)")
    parser.add_argument(
        '--batch', type=int, default=50,
        help="applications per call and per transaction "
        "(default: %(default)s)")
    parser.add_argument(
        '--single', type=int, default=50,
        help="applications driven one per call, for the batch size 1 "
        "figures (default: %(default)s)")
    parser.add_argument(
        '--migrate', type=int, default=3000,
        help="running applications to migrate to a new workflow version "
        "(default: %(default)s)")
    parser.add_argument(
        '--postgresql', metavar='URI',
        default=os.environ.get(
            'OSSIS_BENCH_POSTGRESQL', 'postgresql://postgres@127.0.0.1:5432/'),
        help="PostgreSQL server, without database name "
        "(default: %(default)s)")
    parser.add_argument(
        '--profile', metavar='FILE',
        help="profile the ORM intake and lifecycle with cProfile, save the "
        "statistics in FILE.<backend> and print the top functions")
    parser.add_argument(
        '--keep', action='store_true',
        help="keep the database bench_lifecycle at the end")
    parser.add_argument('--child', choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument('--result', help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        run_child(options)
        return

    backends = BACKENDS if options.backend == 'both' else [options.backend]
    results = {}
    for backend in backends:
        results[backend] = run_backend(backend, options)
    print_table(options, results)
    if any(r is None for r in results.values()):
        sys.exit(1)


def run_backend(backend, options):
    "Run the benchmark of the backend in a child process; return its results"
    print(f"=== {backend} ===", flush=True)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    with tempfile.TemporaryDirectory(prefix='bench_lifecycle_') as tmp:
        if backend == 'sqlite':
            env['TRYTOND_DATABASE_URI'] = 'sqlite://'
            env['TRYTOND_DATABASE__PATH'] = tmp
        else:
            env['TRYTOND_DATABASE_URI'] = options.postgresql
        env['DB_NAME'] = DB_NAME
        result_file = os.path.join(tmp, 'result.json')
        command = [sys.executable]
        if sys.flags.optimize:
            command.append('-' + 'O' * sys.flags.optimize)
        command += [
            os.path.abspath(__file__), '--child', backend,
            '--result', result_file,
            '-n', str(options.count), '--batch', str(options.batch),
            '--single', str(options.single),
            '--migrate', str(options.migrate)]
        if options.profile:
            command += ['--profile', f'{options.profile}.{backend}']
        if options.keep:
            command.append('--keep')
        process = subprocess.run(command, env=env)
        if process.returncode or not os.path.exists(result_file):
            print(f"{backend}: failed (exit code {process.returncode})",
                flush=True)
            return None
        with open(result_file) as file:
            return json.load(file)


def print_table(options, results):
    "Print the figures of the backends side by side with the targets"
    backends = list(results)
    rows = {}
    for backend, result in results.items():
        for key, label, value, unit, target in (result or {}).get(
                'rows', []):
            row = rows.setdefault(key, {'label': label, 'target': target})
            row[backend] = format_value(value, unit)
    print()
    print(f"Application lifecycle: {options.count} applications, batches "
        f"of {options.batch}, python -O: "
        f"{'yes' if sys.flags.optimize else 'no'}, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    label_width = max([len(r['label']) for r in rows.values()] + [10])
    widths = {b: max([len(r.get(b, '')) for r in rows.values()]
            + [len(b)]) for b in backends}
    header = f"{'':{label_width}}" + ''.join(
        f"  {b:>{widths[b]}}" for b in backends) + "  target"
    print(header)
    print('-' * len(header))
    for row in rows.values():
        print(f"{row['label']:{label_width}}" + ''.join(
                f"  {row.get(b, 'failed'):>{widths[b]}}" for b in backends)
            + (f"  {row['target']}" if row['target'] else ''))


def format_value(value, unit):
    if value is None:
        return "not available"
    if isinstance(value, str):
        return value
    if unit == '/s':
        return f"{value:,.0f} /s" if value >= 100 else f"{value:.1f} /s"
    if unit == 's':
        return f"{value:.2f} s"
    if unit == 'x':
        return f"{value:.1f}x"
    if unit == 'B':
        return f"{value:,.0f} B"
    return f"{value:g} {unit}".strip()


class Results:
    "The figures of one backend, in the order of the table"

    def __init__(self, backend):
        self.backend = backend
        self.rows = []

    def add(self, key, label, value, unit, target=''):
        self.rows.append([key, label, value, unit, target])
        print(f"  {label}: {format_value(value, unit)}", flush=True)

    def save(self, path):
        with open(path, 'w') as file:
            json.dump({
                    'backend': self.backend,
                    'optimize': sys.flags.optimize,
                    'rows': self.rows,
                    }, file, indent=1)


def batches(items, size):
    "Yield the items in lists of at most size"
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Timer:
    "Add up the wall-clock time of the blocks it runs"

    def __init__(self):
        self.seconds = 0.

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self._start


def rate(count, seconds):
    return count / seconds if seconds else None


# --- the child process: one backend ----------------------------------------

def run_child(options):
    from trytond.tests.test_tryton import activate_module, drop_db

    results = Results(options.child)
    print(f"backend: {options.child}, python -O: "
        f"{'yes' if sys.flags.optimize else 'no'}, load average: "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    start = time.perf_counter()
    drop_db()
    activate_module(MODULES)
    results.add(
        'setup', "database activated", time.perf_counter() - start, 's')
    try:
        bench_spiff(options, results)
    finally:
        if not options.keep:
            drop_db()
    results.save(options.result)


def plain_connection(backend):
    "Return a connection of the database driver alone to the database"
    from trytond import config
    if backend == 'sqlite':
        import sqlite3
        path = os.path.join(
            config.get('database', 'path'), DB_NAME + '.sqlite')
        # The settings of trytond's SQLite backend
        connection = sqlite3.connect(path, isolation_level='IMMEDIATE')
        connection.execute('PRAGMA foreign_keys = ON')
        connection.execute('PRAGMA journal_mode = WAL')
        connection.execute('PRAGMA synchronous = NORMAL')
    else:
        import psycopg
        connection = psycopg.connect(config.get('database', 'uri') + DB_NAME)
    return PlainConnection(backend, connection)


class PlainConnection:
    """A driver connection that takes %s placeholders on both backends

    Each method runs on a new cursor; commit ends the transaction."""

    def __init__(self, backend, connection):
        self.backend = backend
        self.connection = connection

    def _sql(self, sql):
        return sql.replace('%s', '?') if self.backend == 'sqlite' else sql

    def execute(self, sql, params=()):
        cursor = self.connection.cursor()
        cursor.execute(self._sql(sql), params)
        return cursor

    def executemany(self, sql, params):
        cursor = self.connection.cursor()
        cursor.executemany(self._sql(sql), params)
        return cursor

    def in_(self, ids):
        "Return the SQL of 'IN (ids)' with its parameters"
        return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)

    def commit(self):
        self.connection.commit()

    def close(self):
        self.connection.close()


# --- 4. SpiffWorkflow -------------------------------------------------------

SPIFF_TABLES = {
    'bench_spiff_instance': (
        "id INTEGER PRIMARY KEY, "
        "state TEXT NOT NULL, "
        "completed BOOLEAN NOT NULL, "
        "create_date TIMESTAMP NOT NULL, "
        "write_date TIMESTAMP NOT NULL"),
    'bench_spiff_history': (
        "id INTEGER PRIMARY KEY, "
        "instance INTEGER NOT NULL REFERENCES bench_spiff_instance (id), "
        "task VARCHAR NOT NULL, "
        "lane VARCHAR, "
        "date TIMESTAMP NOT NULL"),
    }


def load_bpmn_spec():
    "Parse lifecycle.bpmn (validated, entities off) into a process spec"
    from lxml import etree
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator

    parser = BpmnParser(validator=BpmnValidator())
    xml_parser = etree.XMLParser(resolve_entities=False, no_network=True)
    parser.add_bpmn_xml(etree.parse(BPMN_FILE, xml_parser), BPMN_FILE)
    return parser.get_spec(BPMN_PROCESS)


def bench_spiff(options, results):
    """Drive N instances of the BPMN process to the end, in batches of one
    transaction each: a step loads and deserializes the instances of the
    batch, completes their ready user task, runs the engine, serializes
    them, updates their rows and adds a history row per instance"""
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    spec = load_bpmn_spec()
    serializer = BpmnWorkflowSerializer()
    db = plain_connection(options.child)
    for table, columns in reversed(SPIFF_TABLES.items()):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for table, columns in SPIFF_TABLES.items():
        db.execute(f"CREATE TABLE {table} ({columns})")
    db.commit()

    instance_ids = list(range(1, options.count + 1))
    history_ids = iter(range(1, 10 * options.count + 1))
    engine, total = Timer(), Timer()
    sizes = []
    steps = 0
    with total:
        for batch in batches(instance_ids, options.batch):
            now = dt.datetime.now()
            rows = []
            for instance_id in batch:
                with engine:
                    workflow = BpmnWorkflow(spec)
                    workflow.do_engine_steps()
                    state = serializer.serialize_json(workflow)
                rows.append((instance_id, state, False, now, now))
            db.executemany(
                "INSERT INTO bench_spiff_instance "
                "(id, state, completed, create_date, write_date) "
                "VALUES (%s, %s, %s, %s, %s)", rows)
            db.commit()

        running = instance_ids
        while running:
            steps += 1
            for batch in batches(running, options.batch):
                now = dt.datetime.now()
                in_, params = db.in_(batch)
                states = db.execute(
                    "SELECT id, state FROM bench_spiff_instance "
                    f"WHERE id {in_}", params).fetchall()
                updates, history = [], []
                for instance_id, state in states:
                    with engine:
                        workflow = serializer.deserialize_json(state)
                        task = workflow.get_next_task(
                            state=TaskState.READY, manual=True)
                        if task.task_spec.bpmn_id == 'approval':
                            task.data['approved'] = True
                        task.run()
                        workflow.do_engine_steps()
                        state = serializer.serialize_json(workflow)
                    sizes.append(len(state))
                    updates.append((
                            state, workflow.is_completed(), now,
                            instance_id))
                    history.append((
                            next(history_ids), instance_id,
                            task.task_spec.bpmn_id, task.task_spec.lane,
                            now))
                db.executemany(
                    "UPDATE bench_spiff_instance "
                    "SET state = %s, completed = %s, write_date = %s "
                    "WHERE id = %s", updates)
                db.executemany(
                    "INSERT INTO bench_spiff_history "
                    "(id, instance, task, lane, date) "
                    "VALUES (%s, %s, %s, %s, %s)", history)
                db.commit()
            running = [i for i, in db.execute(
                    "SELECT id FROM bench_spiff_instance "
                    "WHERE NOT completed ORDER BY id").fetchall()]

    history_count, = db.execute(
        "SELECT COUNT(*) FROM bench_spiff_history").fetchone()
    db.close()
    if steps != 5 or history_count != 5 * options.count:
        raise RuntimeError(
            f"SpiffWorkflow took {steps} steps and {history_count} "
            "history rows")
    results.add(
        'spiff', "SpiffWorkflow: lifecycles",
        rate(options.count, total.seconds), '/s')
    results.add(
        'spiff_transitions', "SpiffWorkflow: steps",
        rate(history_count, total.seconds), '/s')
    results.add(
        'spiff_engine', "SpiffWorkflow: share in engine and serializer",
        f"{100 * engine.seconds / total.seconds:.0f} %", '')
    results.add(
        'spiff_size', "SpiffWorkflow: serialized state",
        sum(sizes) / len(sizes), 'B')


if __name__ == '__main__':
    main()
