#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Time the lifecycle of applications: ORM, plain SQL and SpiffWorkflow

On SQLite and on PostgreSQL, in a database of its own (bench_lifecycle,
or the one of --database) with Elbasan's module activated, measure:

1. ORM intake: N applications created then submitted by a front office
   clerk, each call in a transaction of its own as trytond's dispatcher
   runs an RPC call: the user's preferences as context, access rights
   checked (the user is no superuser);
2. ORM lifecycle: the same applications driven through the national
   default workflow to their delivery, a batch of applications per call:
   forward (back office specialist), forward and approve (head of the
   responsible unit) with Application.act, Issue (specialist) and
   Application.deliver_at (clerk, one call per batch); then other
   applications one per call, delivered with the Deliver wizard as the
   client does.  The output documents, which trytond's task queue renders,
   seals and stores after the Issue call has committed, are rendered
   after the lifecycle by running the queued tasks as a queue worker
   does, and printed apart (documents/s and CPU per document);
3. plain SQL floor: the same rows (applications and their documents,
   history, numbering) written with the database driver alone, one
   transaction per batch and step;
4. SpiffWorkflow: the equivalent BPMN process (lifecycle.bpmn), each
   instance serialized to JSON after each step and stored in a table of
   the same database with a history row per step;

and the time to check the workflows of the offers in the database
(benchmarks/workflow_lint.py checks 61 municipalities offering the whole
catalogue; benchmarks/workflow_migration.py moves 3,000 applications).
The figures are printed side by side with the targets.  Run it with and
without python -O: production runs with -O.

    python benchmarks/lifecycle.py -n 100 --backend sqlite
    python -O benchmarks/lifecycle.py
    python -O benchmarks/lifecycle.py --postgresql \\
        postgresql://postgres@127.0.0.1:5432/

Each backend runs in a process of its own, started by this script with the
same interpreter and -O flag.  The rates are wall-clock: on a busy machine
the CPU time of the process, printed beside them, is steadier.
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time

from bench_database import POSTGRESQL

BACKENDS = ['sqlite', 'postgresql']
DEFAULT_DATABASE = 'bench_lifecycle'
MODULES = [
    'ossis_lgu_elbasan', 'ossis_application_backoffice',
    'ossis_application_external', 'ossis_monitoring']
HERE = os.path.dirname(os.path.abspath(__file__))
BPMN_FILE = os.path.join(HERE, 'lifecycle.bpmn')
BPMN_PROCESS = 'ossis_lifecycle'

# Targets printed beside the figures
TARGET_LIFECYCLES = 200  # complete lifecycles/s on PostgreSQL
TARGET_SQL_RATIO = 5  # the ORM at most this many times slower than SQL
TARGET_SPIFF_RATIO = 2  # the ORM at least this many times SpiffWorkflow


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
        default=POSTGRESQL,
        help="PostgreSQL server, without database name "
        "(default: %(default)s)")
    parser.add_argument(
        '--database', metavar='NAME', default=DEFAULT_DATABASE,
        help="name of the database, dropped and made again "
        "(default: %(default)s)")
    parser.add_argument(
        '--profile', metavar='FILE',
        help="profile the ORM intake and lifecycle in batches with "
        "cProfile, save the statistics in FILE.<backend> (and those of the "
        "applications one per call in FILE.<backend>.single) and print the "
        "top functions (the profiler slows the ORM figures down: profile in a "
        "run of its own)")
    parser.add_argument(
        '--cache', metavar='DIRECTORY',
        help="keep a copy of the activated database in a folder of "
        "DIRECTORY named after the content of addons/ and of the pins, "
        "and start from it when it exists")
    parser.add_argument(
        '--keep', action='store_true',
        help="keep the database at the end")
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
        env['DB_NAME'] = options.database
        if options.cache:
            env['DB_CACHE'] = os.path.join(
                os.path.abspath(options.cache), source_key())
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


def source_key():
    """Return a key of the content of addons/ and of the pins: a database
    cache must never outlive a change of a module or of its data"""
    import hashlib
    root = os.path.dirname(HERE)
    digest = hashlib.sha256()
    paths = []
    for folder, dirs, files in os.walk(os.path.join(root, 'addons')):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        paths.extend(os.path.join(folder, f) for f in files
            if not f.endswith('.pyc'))
    paths.sort()
    paths += [os.path.join(root, f)
        for f in ['requirements.txt', 'pyproject.toml']]
    for path in paths:
        digest.update(os.path.relpath(path, root).encode())
        with open(path, 'rb') as file:
            digest.update(hashlib.sha256(file.read()).digest())
    return digest.hexdigest()[:16]


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
        self.orm_rate = None  # lifecycles/s, to compare with plain SQL

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
    """Add up the wall-clock time of the blocks it runs, and the CPU time
    of this process (which the other processes of a busy machine do not
    change, but which leaves out the PostgreSQL server)"""

    def __init__(self):
        self.seconds = self.cpu_seconds = 0.

    def __enter__(self):
        self._start = time.perf_counter()
        self._cpu_start = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self._start
        self.cpu_seconds += time.process_time() - self._cpu_start


def rate(count, seconds):
    return count / seconds if seconds else None


# --- the child process: one backend ----------------------------------------

def run_child(options):
    from trytond.pool import Pool
    from trytond.tests.test_tryton import activate_module, drop_db

    results = Results(options.child)
    print(f"backend: {options.child}, python -O: "
        f"{'yes' if sys.flags.optimize else 'no'}, load average: "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    start = time.perf_counter()
    drop_db()
    activate_module(MODULES)
    # Validate as a server does: in trytond's test mode, which importing
    # its test tools turns on, every write also computes and checks the
    # Function fields of the records
    Pool.test = False
    results.add(
        'setup', "database activated", time.perf_counter() - start, 's')
    try:
        setup = setup_municipality(options)
        bench_orm(options, results, setup)
        bench_sql(options, results, setup)
        bench_spiff(options, results)
        bench_lint(results)
        bench_migration(options, results, setup)
    finally:
        if not options.keep:
            drop_db()
    results.save(options.result)


# --- the municipality, its staff and its applicants -------------------------

ROLES = {
    # login: group, works in the responsible unit and/or at the desk,
    # heads the unit
    'bench.clerk': ('group_front_office', False, True, False),
    'bench.specialist': ('group_back_office', True, False, False),
    'bench.head': ('group_unit_head', True, False, True),
    }


def setup_municipality(options):
    """Create the staff of a service of Elbasan and the applicants; return
    the ids the benchmarks need"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction

    with Transaction().start(db_name, 0, context={
                'active_test': False}) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Workflow = pool.get('ossis.workflow')
        company = Company.get_by_code('elbasan')
        offer = choose_offer(company)
        workflow = Workflow.get_active(
            company, [offer.service_code])[offer.service_code]
        desk = offer.desks[0]
        unit = offer.responsible_unit
        users = {login: create_user(
                company, login, group,
                [u for u, works in [(unit, in_unit), (desk, at_desk)]
                    if works], head)
            for login, (group, in_unit, at_desk, head) in ROLES.items()}
        count = WARM_UP + options.count + options.single
        if migration_wizard():
            count += options.migrate
        applicants = create_applicants(company, count)
        with transaction.set_context(company=company.id):
            today = Date.today()
        setup = {
            'company': company.id,
            'offer': offer.id,
            'service': offer.service.id,
            'desk': desk.id,
            'administrative_unit': desk.administrative_unit.id,
            'unit': unit.id,
            'fee': str(offer.fee),
            'days': (offer.days if offer.days is not None
                else offer.service.legal_days),
            'workflow': workflow.id,
            'steps': {s.code: {'id': s.id, 'days': s.days}
                for s in workflow.steps},
            'documents': [{
                    'sequence': d.sequence,
                    'document_type': d.document_type.id,
                    'mandatory': d.requirement == 'mandatory',
                    } for d in offer.service.documents],
            'users': users,
            'applicants': applicants,
            'today': today.isoformat(),
            'description': f"service {offer.service_code} at {desk.name}, "
            f"handled by {unit.name}: {len(offer.service.documents)} "
            f"documents, fee {offer.fee}",
            }
        transaction.commit()
    for login, user in users.items():
        user['context'] = user_context(user['id'])
    print(f"  {setup['description']}", flush=True)
    return setup


def choose_offer(company):
    """Return the offer of the municipality with a fee, mandatory documents,
    a desk and a responsible unit: the longest checks of the intake"""
    from trytond.pool import Pool
    Offer = Pool().get('ossis.lgu.service')
    offers = Offer.search([
            ('company', '=', company.id),
            ('responsible_unit', '!=', None),
            ], order=[('service_code', 'ASC')])
    for offer in offers:
        if (offer.desks and offer.fee
                and any(d.requirement == 'mandatory'
                    for d in offer.service.documents)):
            return offer
    raise RuntimeError("Elbasan offers no service with a fee, documents, "
        "a desk and a responsible unit")


def create_user(company, login, group, org_units, head):
    """Create a user of the group, employee of the org units and head of
    the first one if head; return its ids"""
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    party = Party(name=login)
    party.save()
    employee = Employee(company=company, party=party)
    employee.org_units = org_units
    employee.save()
    if head:
        org_units[0].head = employee
        org_units[0].save()
    user = User(
        login=login, name=login, companies=[company], company=company,
        company_filter='one', employees=[employee], employee=employee,
        groups=[ModelData.get_id('ossis_base', group)])
    user.save()
    return {'id': user.id, 'employee': employee.id}


def user_context(user_id):
    "Return the context that the client of the user sends with each call"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction
    with Transaction().start(db_name, user_id, readonly=True):
        User = Pool().get('res.user')
        context = User.get_preferences(context_only=True)
    return {k: v for k, v in context.items() if not isinstance(v, dt.date)}


def create_applicants(company, count):
    "Create count citizens with valid personal numbers; return their ids"
    from trytond.modules.ossis_base import identifier
    from trytond.pool import Pool
    Applicant = Pool().get('ossis.applicant')
    values = []
    for i in range(count):
        # Born on a day of 1950-1999, serial number i
        year, day = divmod(i // 1000, 28)
        body = f'{"EFGHI"[year // 10 % 5]}{year % 10}01{day + 1:02d}' \
            f'{i % 1000:03d}'
        values.append({
                'company': company.id,
                'kind': 'person',
                'name': f"Qytetar {i}",
                'identifier': body + identifier.check_letter(body),
                })
    return [a.id for a in Applicant.create(values)]


def call(setup, login, function, **context):
    """Call the function in a transaction of the user as trytond's
    dispatcher does for an RPC call: the user's preferences as context,
    access rights checked, started again when it must lock a table, then
    committed; return its result"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction, TransactionError
    user = setup['users'][login]
    context = dict(user['context'], **{'_check_access': True, **context})
    extras = {}
    while True:
        with Transaction().start(
                db_name, user['id'], context=context,
                **extras) as transaction:
            try:
                result = function(Pool())
            except TransactionError as error:
                transaction.rollback()
                transaction.tasks.clear()
                error.fix(extras)
                continue
            transaction.commit()
            # Run later by run_queued, as a queue worker runs them
            QUEUED.extend(transaction.tasks)
            transaction.tasks.clear()
            return result


# The tasks queued by the calls (the output documents issued), not yet run
QUEUED = []


def run_queued():
    """Run the queued tasks as trytond's queue worker does, each in a
    transaction of its own"""
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.worker import run_task
    while QUEUED:
        run_task(db_name, QUEUED.pop(0))


def check_documents(ids):
    "Fail unless the output document of every application is stored"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction
    with Transaction().start(db_name, 0, readonly=True):
        Application = Pool().get('ossis.application')
        stored = Application.search_count([
                ('id', 'in', ids),
                ('output_sha256', '!=', None),
                ])
    if stored != len(ids):
        raise RuntimeError(
            f"{stored} of {len(ids)} output documents stored")


# --- 1. and 2. the ORM ------------------------------------------------------

# The lifecycle after the intake: the call, who makes it, the state reached
LIFECYCLE = [
    ('forward', 'bench.specialist', 'in_progress'),
    ('forward', 'bench.head', 'in_progress'),
    ('approve', 'bench.head', 'decided'),
    ('issue', 'bench.specialist', 'ready'),
    ('deliver', 'bench.clerk', 'delivered'),
    ]


# Applications driven through the lifecycle before the measures
WARM_UP = 5


def bench_orm(options, results, setup):
    """Intake then lifecycle of the applications in batches, then of others
    one per call"""
    import cProfile
    import pstats

    applicants = setup['applicants'][WARM_UP:]
    # Fill the caches of the server first, as in a running server
    orm_run(setup, setup['applicants'][:WARM_UP], WARM_UP)
    run_queued()
    profile = cProfile.Profile() if options.profile else None
    if profile:
        profile.enable()
    actions = {}
    ids = []
    intake, steps = orm_run(
        setup, applicants[:options.count], options.batch, actions, ids)
    if profile:
        profile.disable()
    # The output documents, rendered by the tasks queued at issue, after
    # the clerks' transactions as a queue worker renders them
    documents = Timer()
    tasks = len(QUEUED)
    with documents:
        run_queued()
    check_documents(ids)
    by_action = ', '.join(
        f"{name} {1000 * timer.cpu_seconds / options.count:.1f}"
        for name, timer in actions.items())
    cpu = intake.cpu_seconds + steps.cpu_seconds
    intake, steps = intake.seconds, steps.seconds
    if profile:
        profile.dump_stats(options.profile)
        print("--- profile of the ORM intake and lifecycle: functions by "
            "internal time")
        pstats.Stats(profile).strip_dirs().sort_stats('tottime').print_stats(
            25)
        print("--- the functions of the OSSIS modules by cumulative time")
        pstats.Stats(profile).sort_stats('cumulative').print_stats(
            r'[/\\]ossis_[a-z]+[/\\]', 30)
    if profile:
        profile = cProfile.Profile()
        profile.enable()
    single_intake, single_steps = orm_run(
        setup, applicants[options.count:options.count + options.single], 1)
    if profile:
        profile.disable()
        profile.dump_stats(f'{options.profile}.single')
    single_cpu = single_intake.cpu_seconds + single_steps.cpu_seconds
    single_intake, single_steps = single_intake.seconds, single_steps.seconds
    run_queued()

    n, transitions = options.count, options.count * len(LIFECYCLE)
    results.add(
        'orm_intake', f"ORM intake (create + submit), batch "
        f"{options.batch}: applications", rate(n, intake), '/s')
    results.add(
        'orm_steps', f"ORM lifecycle (5 steps), batch {options.batch}: "
        "lifecycles", rate(n, steps), '/s')
    results.add(
        'orm_transitions', f"ORM lifecycle, batch {options.batch}: "
        "transitions", rate(transitions, steps), '/s')
    results.add(
        'orm', f"ORM intake + lifecycle, batch {options.batch}: lifecycles",
        rate(n, intake + steps), '/s',
        f">= {TARGET_LIFECYCLES} /s on PostgreSQL")
    results.add(
        'orm_cpu', f"ORM intake + lifecycle, batch {options.batch}: CPU of "
        "this process", f"{1000 * cpu / n:.1f} ms/lifecycle", '')
    results.add(
        'orm_cpu_actions', f"ORM lifecycle, batch {options.batch}: CPU "
        "by step", f"{by_action} ms/application", '')
    results.add(
        'documents', f"output documents rendered and stored by {tasks} "
        "queued tasks (one per issue call): documents",
        rate(n, documents.seconds), '/s')
    results.add(
        'documents_cpu', "output documents: CPU of this process",
        f"{1000 * documents.cpu_seconds / n:.1f} ms/document", '')
    n = options.single
    results.add(
        'orm_single_intake', "ORM intake, batch 1: applications",
        rate(n, single_intake), '/s')
    results.add(
        'orm_single_transitions', "ORM lifecycle, batch 1: transitions",
        rate(n * len(LIFECYCLE), single_steps), '/s')
    results.add(
        'orm_single', "ORM intake + lifecycle, batch 1: lifecycles",
        rate(n, single_intake + single_steps), '/s')
    results.add(
        'orm_single_cpu', "ORM intake + lifecycle, batch 1: CPU of this "
        "process", f"{1000 * single_cpu / n:.1f} ms/lifecycle", '')
    results.orm_rate = rate(options.count, intake + steps)


def orm_run(setup, applicants, batch_size, actions=None, ids=None):
    """Register the applications of the applicants and drive them to the
    delivery; return the timers of the intake and of the lifecycle, add up
    the time of each action in the timers of actions and the ids of the
    applications in ids"""
    intake, steps = Timer(), Timer()
    actions = {} if actions is None else actions
    ids = [] if ids is None else ids
    with intake:
        for batch in batches(applicants, batch_size):
            ids.extend(orm_intake(setup, batch))
    with steps:
        for i, (action, login, state) in enumerate(LIFECYCLE):
            with actions.setdefault(f'{i + 1}.{action}', Timer()):
                for batch in batches(ids, batch_size):
                    orm_step(setup, batch, action, login)
    check_delivered(ids)
    return intake, steps


def orm_intake(setup, applicants):
    """Create the applications of the applicants as the clerk then submit
    them: two calls, as the client makes them"""
    today = dt.date.fromisoformat(setup['today'])

    def create(pool):
        Application = pool.get('ossis.application')
        return [a.id for a in Application.create([{
                        'channel': 'desk',
                        'desk': setup['desk'],
                        'administrative_unit': setup['administrative_unit'],
                        'lgu_service': setup['offer'],
                        'applicant': applicant,
                        'fee_state': 'paid',
                        'fee_receipt': f'BKT-{applicant}',
                        'fee_paid_date': today,
                        'documents': [('create', [dict(
                                        document, status='received',
                                        received_date=today)
                                    for document in setup['documents']])],
                        } for applicant in applicants])]

    def submit(pool):
        Application = pool.get('ossis.application')
        Application.submit(Application.browse(ids))

    ids = call(setup, 'bench.clerk', create)
    call(setup, 'bench.clerk', submit)
    return ids


def orm_step(setup, ids, action, login):
    "Take the action on the applications as the user, as the client does"
    if action == 'deliver' and (len(ids) == 1 or not delivers_at_once()):
        orm_deliver(setup, ids)
        return

    def step(pool):
        Application = pool.get('ossis.application')
        applications = Application.browse(ids)
        if action == 'issue':
            Application.issue(applications)
        elif action == 'deliver':
            Application.deliver_at(applications, setup['desk'])
        else:
            Application.act(applications, action, None)

    call(setup, login, step)


def delivers_at_once():
    """Return whether the applications are delivered in one call
    (Application.deliver_at); older versions have the wizard only"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    return hasattr(Pool(db_name).get('ossis.application'), 'deliver_at')


def orm_deliver(setup, ids):
    """Run the Deliver wizard on the applications at the desk as the clerk:
    create, the form, deliver and delete, one call each"""
    context = {
        'active_model': 'ossis.application',
        'active_id': ids[0],
        'active_ids': ids,
        }

    def wizard(pool):
        return pool.get('ossis.application.deliver', type='wizard')

    session_id, _, _ = call(
        setup, 'bench.clerk', lambda pool: wizard(pool).create(), **context)
    form = call(
        setup, 'bench.clerk',
        lambda pool: wizard(pool).execute(session_id, {}, 'start'),
        **context)
    start = form['view']['defaults']
    data = {'start': {
            'company': start['company'],
            'desk': start['desk'],
            'recipient': start['recipient'],
            }}
    call(
        setup, 'bench.clerk',
        lambda pool: wizard(pool).execute(session_id, data, 'deliver'),
        **context)
    call(
        setup, 'bench.clerk',
        lambda pool: wizard(pool).delete(session_id), **context)


def check_delivered(ids):
    "Fail unless every application is delivered with its whole history"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction
    with Transaction().start(db_name, 0, readonly=True):
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        delivered = Application.search_count([
                ('id', 'in', ids),
                ('state', '=', 'delivered'),
                ])
        history = History.search_count([('application', 'in', ids)])
    # submit, the forward of the intake and the lifecycle
    expected = len(ids) * (2 + len(LIFECYCLE))
    if delivered != len(ids) or history != expected:
        raise RuntimeError(
            f"{delivered} of {len(ids)} applications delivered with "
            f"{history} history rows instead of {expected}")


def plain_connection(backend):
    "Return a connection of the database driver alone to the database"
    from trytond import config
    from trytond.tests.test_tryton import DB_NAME as db_name
    if backend == 'sqlite':
        import sqlite3
        path = os.path.join(
            config.get('database', 'path'), db_name + '.sqlite')
        # The settings of trytond's SQLite backend
        connection = sqlite3.connect(path, isolation_level='IMMEDIATE')
        connection.execute('PRAGMA foreign_keys = ON')
        connection.execute('PRAGMA journal_mode = WAL')
        connection.execute('PRAGMA synchronous = NORMAL')
    else:
        import psycopg
        connection = psycopg.connect(config.get('database', 'uri') + db_name)
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


# --- 3. the plain SQL floor -------------------------------------------------

# The lifecycle after the intake in plain SQL: who, the step reached, the
# values written besides the step, the history action
SQL_LIFECYCLE = [
    ('bench.specialist', 'approval', {'state': 'in_progress'}, 'forward'),
    ('bench.head', 'decision', {'state': 'in_progress'}, 'forward'),
    ('bench.head', 'delivery', {'state': 'decided', 'decision': 'approved',
            'decided_date': 'now', 'decided_by': 'employee'}, 'approve'),
    ('bench.specialist', None, {'state': 'ready', 'verification_code': 'code',
            'issued_date': 'now'}, 'issue'),
    ('bench.clerk', None, {'state': 'delivered', 'delivered_date': 'now',
            'delivery_desk': 'desk', 'delivered_to': 'recipient',
            'delivered_by': 'employee'}, 'deliver'),
    ]
HISTORY_COLUMNS = [
    'application', 'company', 'date', '"user"', 'employee', 'action',
    'from_state', 'to_state', 'from_step', 'to_step', 'public',
    'create_uid', 'create_date']


def bench_sql(options, results, setup):
    """Write the rows of the ORM run with the database driver alone: the
    applications with their documents, their numbers from the register and
    two history rows at the intake; at each step the applications read, then
    updated with their history row"""
    from decimal import Decimal

    from trytond.modules.ossis_application.verification import (
        new_tracking_code, new_verification_code)

    db = plain_connection(options.child)
    users = setup['users']
    steps = setup['steps']
    today = dt.date.fromisoformat(setup['today'])
    applicants = setup['applicants'][WARM_UP:WARM_UP + options.count]
    sequence_id, prefix, padding = db.execute(
        "SELECT s.id, s.prefix, s.padding FROM ossis_numbering n "
        "JOIN ir_sequence_strict s ON s.id = n.sequence "
        "WHERE n.company = %s AND n.kind = 'application' AND n.year = %s",
        (setup['company'], today.year)).fetchone()
    clerk = users['bench.clerk']
    review = steps['review']
    timer = Timer()
    ids = []
    with timer:
        for batch in batches(applicants, options.batch):
            now = dt.datetime.now()
            db.execute(
                "UPDATE ir_sequence_strict "
                "SET number_next_internal = number_next_internal + %s "
                "WHERE id = %s",
                (len(batch), sequence_id))
            last, = db.execute(
                "SELECT number_next_internal FROM ir_sequence_strict "
                "WHERE id = %s",
                (sequence_id,)).fetchone()
            numbers = [f'{prefix}{n:0{padding}d}'
                for n in range(last - len(batch), last)]
            rows = [(
                    setup['company'], 'desk', setup['desk'],
                    setup['administrative_unit'], setup['offer'],
                    setup['service'], setup['workflow'], applicant,
                    Decimal(setup['fee']), 'paid', f'BKT-{applicant}', today,
                    'submitted', review['id'], setup['unit'], now, now,
                    today + dt.timedelta(days=review['days']),
                    today + dt.timedelta(days=setup['days'] or 0), 0, False,
                    number, new_tracking_code(), clerk['id'], now)
                for applicant, number in zip(batch, numbers)]
            values = ', '.join(['(' + ', '.join(['%s'] * len(rows[0])) + ')']
                * len(rows))
            inserted = dict(db.execute(
                    "INSERT INTO ossis_application (company, channel, desk, "
                    "administrative_unit, lgu_service, service, workflow, "
                    "applicant, fee, fee_state, fee_receipt, fee_paid_date, "
                    "state, step, step_unit, submitted_date, step_date, "
                    "step_due_date, due_date, suspended_days, overdue, "
                    "number, tracking_code, create_uid, create_date) "
                    f"VALUES {values} RETURNING number, id",
                    [v for row in rows for v in row]).fetchall())
            batch_ids = [inserted[n] for n in numbers]
            db.executemany(
                "INSERT INTO ossis_application_document (application, "
                "sequence, document_type, mandatory, status, received_date, "
                "create_uid, create_date) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", [(
                        application, d['sequence'], d['document_type'],
                        d['mandatory'], 'received', today, clerk['id'], now)
                    for application in batch_ids
                    for d in setup['documents']])
            db.executemany(
                f"INSERT INTO ossis_application_history "
                f"({', '.join(HISTORY_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(HISTORY_COLUMNS))})",
                [(application, setup['company'], now, clerk['id'],
                        clerk['employee'], action, from_state, 'submitted',
                        from_step, to_step, True, clerk['id'], now)
                    for application in batch_ids
                    for action, from_state, from_step, to_step in [
                        ('submit', 'draft', None, steps['intake']['id']),
                        ('forward', 'submitted', steps['intake']['id'],
                            review['id']),
                        ]])
            db.commit()
            ids.extend(batch_ids)

        for login, step_code, values, action in SQL_LIFECYCLE:
            user = users[login]
            for batch in batches(ids, options.batch):
                sql_step(db, setup, batch, user, step_code, values, action,
                    new_verification_code)
    delivered, = db.execute(
        "SELECT COUNT(*) FROM ossis_application "
        "WHERE state = 'delivered' AND id " + db.in_(ids)[0],
        db.in_(ids)[1]).fetchone()
    db.close()
    if delivered != len(ids):
        raise RuntimeError(f"{delivered} of {len(ids)} delivered in SQL")
    print(f"  plain SQL: CPU of this process "
        f"{1000 * timer.cpu_seconds / options.count:.2f} ms/lifecycle",
        flush=True)
    sql_rate = rate(options.count, timer.seconds)
    results.add(
        'sql', f"plain SQL intake + lifecycle, batch {options.batch}: "
        "lifecycles", sql_rate, '/s')
    orm_rate = results.orm_rate
    results.add(
        'sql_ratio', "ORM slower than plain SQL by",
        sql_rate / orm_rate if orm_rate else None, 'x',
        f"<= {TARGET_SQL_RATIO}x")


def sql_step(db, setup, ids, user, step_code, values, action, new_code):
    "Move the applications to the step in one transaction"
    now = dt.datetime.now()
    today = dt.date.fromisoformat(setup['today'])
    in_, params = db.in_(ids)
    rows = db.execute(
        "SELECT a.id, a.state, a.step, p.name, p.identifier "
        "FROM ossis_application a "
        "JOIN ossis_applicant p ON p.id = a.applicant "
        f"WHERE a.id {in_}", params).fetchall()
    step = setup['steps'][step_code] if step_code else None
    columns = list(values) + ['write_uid', 'write_date']
    if step:
        columns += ['step', 'step_unit', 'step_date', 'step_due_date']
    updates, history = [], []
    for application, state, from_step, name, identifier in rows:
        row = []
        for column, value in values.items():
            row.append({
                    'now': now,
                    'employee': user['employee'],
                    'code': new_code() if value == 'code' else None,
                    'desk': setup['desk'],
                    'recipient': f'{name} ({identifier})',
                    }.get(value, value))
        row += [user['id'], now]
        if step:
            unit = setup['desk'] if step_code == 'delivery' else setup['unit']
            row += [step['id'], unit, now,
                today + dt.timedelta(days=step['days'])]
        updates.append(row + [application])
        history.append((
                application, setup['company'], now, user['id'],
                user['employee'], action, state, values['state'],
                from_step, step['id'] if step else from_step, True,
                user['id'], now))
    db.executemany(
        "UPDATE ossis_application SET "
        + ', '.join(f'{c} = %s' for c in columns) + " WHERE id = %s",
        updates)
    db.executemany(
        f"INSERT INTO ossis_application_history "
        f"({', '.join(HISTORY_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(HISTORY_COLUMNS))})", history)
    db.commit()


# --- workflow lint and migration -------------------------------------------

def bench_lint(results):
    """Check every offer of every municipality with the workflow that
    applies to it, as the national administrator does before a release
    (benchmarks/workflow_lint.py times all 61 municipalities offering the
    whole catalogue)"""
    from trytond.modules.ossis_workflow.workflow_lint import (
        lint_configurations)
    from trytond.tests.test_tryton import DB_NAME as db_name
    from trytond.transaction import Transaction

    with Transaction().start(db_name, 0, readonly=True):
        with Timer() as timer:
            result = lint_configurations()
    checked = result.configurations
    print(f"  {checked} configurations checked, {len(result.errors)} "
        f"errors, {len(result.warnings)} warnings", flush=True)
    results.add(
        'lint', f"workflow lint of the offers in the database "
        f"({checked} configurations)", timer.seconds, 's')


def migration_wizard():
    "Return the name of the wizard that migrates applications, if any"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME as db_name
    pool = Pool(db_name)
    for name, _ in pool.iterobject(type='wizard'):
        if name.startswith('ossis.') and 'migrate' in name:
            return name


def bench_migration(options, results, setup):
    """Move running applications to a new version of their workflow

    Measured only when ossis_application has the Migrate Applications wizard
    of its design; this version of the module does not."""
    name = migration_wizard()
    label = f"migration of {options.migrate} running applications"
    if not name:
        results.add('migrate', label, None, 's')
        return
    results.add(
        'migrate', label, "see benchmarks/workflow_migration.py", '')


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
    orm_rate = results.orm_rate
    results.add(
        'spiff_ratio', "ORM faster than SpiffWorkflow by",
        orm_rate / rate(options.count, total.seconds) if orm_rate else None,
        'x', f">= {TARGET_SPIFF_RATIO}x")
    results.add(
        'spiff_transitions', "SpiffWorkflow: steps",
        rate(history_count, total.seconds), '/s')
    results.add(
        'spiff_cpu', "SpiffWorkflow: CPU of this process",
        f"{1000 * total.cpu_seconds / options.count:.1f} ms/lifecycle", '')
    results.add(
        'spiff_engine', "SpiffWorkflow: share in engine and serializer",
        f"{100 * engine.seconds / total.seconds:.0f} %", '')
    results.add(
        'spiff_size', "SpiffWorkflow: serialized state",
        sum(sizes) / len(sizes), 'B')


if __name__ == '__main__':
    main()
