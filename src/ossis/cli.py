# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ``ossis`` command: a thin layer over trytond's own tools

It creates or updates databases with OSSIS modules, loads the demo data and
starts the server, the cron and the queue workers, with clear errors for
the mistakes an administrator makes most.
"""
import argparse
import configparser
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time

from . import fingerprint, progress
from .errors import CommandError

OSSIS_PREFIX = 'ossis_'
LANGUAGES = ['sq']
# Answers the refusals that trytond raises outside its handler (a foreign
# web origin) with their status, and keeps technical users out of the web
# client; gunicorn gets it from the [wsgi middleware] of the configuration
MIDDLEWARE = 'trytond.modules.ossis_base.wsgi.Middleware'
# Seconds that a process started with the server has to stop
STOP_TIMEOUT = 15


def main(argv=None):
    parser = build_parser()
    options = parser.parse_args(argv)
    if not getattr(options, 'func', None):
        parser.print_help()
        return 2
    try:
        configure(options)
        return options.func(options) or 0
    except CommandError as exception:
        print(f"ossis: error: {exception}", file=sys.stderr)
        return 1


def build_parser():
    parser = argparse.ArgumentParser(
        prog='ossis',
        description="Administer OSSIS databases and services.")
    parser.add_argument(
        '-c', '--config', metavar='FILE',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="trytond configuration file (default: $TRYTOND_CONFIG)")
    commands = parser.add_subparsers(title="commands", metavar='COMMAND')

    init = commands.add_parser(
        'init', help="create or update a database with OSSIS modules")
    add_database(init)
    init.add_argument(
        '-m', '--module', dest='modules', action='append', default=[],
        metavar='MODULE',
        help="module to activate (repeatable; default: every OSSIS module)")
    init.add_argument(
        '--admin-password-file', metavar='FILE',
        help="file holding the password of the admin user "
        "(asked for when the database is created and this is not given)")
    init.add_argument(
        '--admin-email', default='admin@localhost',
        help="email address of the admin user (default: %(default)s)")
    init.add_argument(
        '--force', action='store_true',
        help="update the modules even when they did not change since the "
        "last update")
    init.set_defaults(func=command_init)

    demo = commands.add_parser(
        'demo', help="load the demo data (idempotent)")
    add_database(demo)
    demo.add_argument(
        '--force', action='store_true',
        help="load the demo data again even when it is already loaded and "
        "nothing changed since")
    demo.set_defaults(func=command_demo)

    serve = commands.add_parser('serve', help="start the web server")
    add_database(serve)
    serve.add_argument(
        '--listen', metavar='HOST:PORT',
        help="address to listen on (default: [web] listen of the config)")
    serve.add_argument('--dev', action='store_true',
        help="reload on code changes")
    serve.add_argument('--cron', action='store_true',
        help="run the scheduled jobs too, in a process of their own "
        "(one machine, e.g. the demo; else run 'ossis cron')")
    serve.set_defaults(func=command_serve)

    cron = commands.add_parser('cron', help="run the scheduled jobs")
    add_database(cron)
    add_processes(cron)
    cron.add_argument('--once', action='store_true',
        help="run the jobs that are due, then stop")
    cron.set_defaults(func=command_cron)

    worker = commands.add_parser('worker', help="run the task queue worker")
    add_database(worker)
    add_processes(worker)
    worker.set_defaults(func=command_worker)

    modules = commands.add_parser('modules', help="list the OSSIS modules")
    modules.set_defaults(func=command_modules)

    lgu = commands.add_parser(
        'lgu', help="manage the modules of the municipalities")
    lgu.set_defaults(func=lambda options: lgu.print_help() or 2)
    lgu_commands = lgu.add_subparsers(title="commands", metavar='COMMAND')
    lgu_new = lgu_commands.add_parser(
        'new', help="write the module ossis_lgu_<code> of a municipality "
        "from the national defaults")
    lgu_new.add_argument('code', help="code of the municipality, e.g. elbasan")
    lgu_new.add_argument(
        '--addons', metavar='DIR',
        help="folder to write the module into (default: addons/ of the "
        "checkout)")
    lgu_new.add_argument(
        '--force', action='store_true',
        help="overwrite the generated files of an existing module")
    lgu_new.add_argument(
        '--no-pyproject', dest='pyproject', action='store_false',
        help="do not add the module to pyproject.toml")
    lgu_new.set_defaults(func=command_lgu_new)

    add_catalogue_commands(commands)
    add_workflow_commands(commands)
    return parser


def add_catalogue_commands(commands):
    "Add the commands that exchange catalogues and export the offer"
    catalogue = commands.add_parser(
        'catalogue', help="import and export the catalogue of services")
    catalogue.set_defaults(func=lambda options: catalogue.print_help() or 2)
    actions = catalogue.add_subparsers(title="commands", metavar='COMMAND')

    import_csv = actions.add_parser(
        'import-csv', help="import services from a CSV file")
    import_csv.add_argument(
        'file', nargs='?', metavar='FILE',
        help="CSV file with the columns of the national catalogue "
        "(default: the national catalogue shipped with OSSIS)")
    add_catalogue_code(import_csv)

    export = actions.add_parser(
        'export', help="export the catalogue to a JSON file")
    export.add_argument(
        'file', metavar='FILE.json', help="file to write, - for stdout")
    add_catalogue_code(export)
    export.add_argument(
        '--all-versions', action='store_true',
        help="export the retired and draft versions too")

    import_json = actions.add_parser(
        'import', help="import a catalogue exported to JSON by OSSIS")
    import_json.add_argument(
        'file', metavar='FILE.json', help="file to read, - for stdin")

    for parser, action in [
            (import_csv, 'import_csv'),
            (export, 'export'),
            (import_json, 'import_'),
            ]:
        add_database(parser)
        add_language(parser)
        parser.set_defaults(func=command_catalogue, action=action)

    cpsv = commands.add_parser(
        'cpsv', help="export the offer of a municipality in CPSV-AP 3 "
        "(JSON-LD)")
    add_database(cpsv)
    cpsv.add_argument(
        '--lgu', required=True, metavar='CODE',
        help="code of the municipality, e.g. elbasan")
    cpsv.add_argument(
        'file', nargs='?', default='-', metavar='FILE',
        help="file to write (default: stdout)")
    cpsv.add_argument(
        '--date', type=dt.date.fromisoformat, metavar='YYYY-MM-DD',
        help="day of the offer (default: today)")
    cpsv.add_argument(
        '--base-iri', default='urn:ossis:', metavar='IRI',
        help="start of the identifiers of the nodes (default: %(default)s)")
    add_language(cpsv)
    cpsv.set_defaults(func=command_catalogue, action='cpsv')


def add_workflow_commands(commands):
    "Add the commands that check the workflows"
    workflow = commands.add_parser('workflow', help="check the workflows")
    workflow.set_defaults(func=lambda options: workflow.print_help() or 2)
    actions = workflow.add_subparsers(title="commands", metavar='COMMAND')
    lint = actions.add_parser(
        'lint', help="check the workflow of every service offered by the "
        "municipalities; exit with 1 when there are errors")
    add_database(lint)
    lint.add_argument(
        '--lgu', metavar='CODE',
        help="only the municipality of the code, e.g. elbasan")
    lint.add_argument(
        '--service', metavar='CODE',
        help="only the service of the code, e.g. TAX-05")
    add_language(lint)
    lint.set_defaults(func=command_workflow_lint)


def add_catalogue_code(parser):
    parser.add_argument(
        '--catalogue', default='national', metavar='CODE',
        help="code of the catalogue (default: %(default)s)")


def add_language(parser):
    parser.add_argument(
        '-l', '--language', default='en', choices=['en', 'sq'],
        help="language of the messages (default: %(default)s)")


def add_processes(parser):
    parser.add_argument(
        '-n', '--processes', type=int, metavar='N',
        help="number of processes that run the jobs (default: one per CPU)")


def add_database(parser):
    parser.add_argument(
        '-d', '--database', required=True, metavar='NAME',
        help="database name")


def configure(options):
    from trytond import config
    if options.config and not os.path.isfile(options.config):
        raise CommandError(f"configuration file {options.config} not found")
    config.update_etc(options.config)


def ossis_modules():
    "Return the names of the installed OSSIS modules"
    from trytond.modules import get_modules
    return sorted(m for m in get_modules() if m.startswith(OSSIS_PREFIX))


def check_modules(names):
    from trytond.modules import get_modules
    known = get_modules()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CommandError(
            "unknown module(s) %s; the OSSIS modules are: %s" % (
                ', '.join(unknown), ', '.join(ossis_modules())))


def ensure_database(name, create=True):
    """Check that the database server is reachable and create the database
    when it does not exist yet.  Return whether it is new (not initialised
    by Tryton)."""
    from trytond import config
    uri = config.get('database', 'uri')
    try:
        from trytond import backend
        if backend.name == 'postgresql':
            return _ensure_postgresql_database(name, create)
        return _ensure_sqlite_database(name, create)
    except Exception as exception:
        if locked(exception):
            raise CommandError(
                f"the database {name!r} is in use by another process (it "
                f"is locked), such as a server that is still stopping: "
                f"try again when it has stopped") from exception
        raise CommandError(
            f"cannot reach the database {name!r} at {safe_uri(uri)}: "
            f"{exception}".strip()) from exception


def check_initialised(name):
    "Refuse a database that ossis init did not initialise"
    if ensure_database(name, create=False):
        raise CommandError(
            f"{name!r} is not an OSSIS database yet: "
            f"run 'ossis init -d {name}' first")


def locked(exception):
    "Return whether the error is SQLite's answer to a database in use"
    # SQLITE_BUSY, SQLITE_LOCKED and their extended codes
    return (getattr(exception, 'sqlite_errorname', None) or '').startswith(
        ('SQLITE_BUSY', 'SQLITE_LOCKED'))


def _ensure_sqlite_database(name, create):
    from trytond import backend, config
    path = config.get('database', 'path')
    if not os.path.exists(os.path.join(path, name + '.sqlite')):
        if not create:
            return True
        os.makedirs(path, exist_ok=True)
        backend.Database.create(None, name)
        return True
    return not initialised(name)


def _ensure_postgresql_database(name, create):
    from trytond import backend
    template = backend.Database('template1').connect()
    connection = template.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = bool(cursor.fetchone())
        if not exists and create:
            template.create(connection, name)
    finally:
        template.put_connection(connection)
    if not exists:
        return True
    return not initialised(name)


# Whether the database has the table of Tryton's configuration, by backend
CONFIGURATION_TABLE = {
    'sqlite': (
        "SELECT 1 FROM sqlite_master "
        "WHERE type = 'table' AND name = 'ir_configuration'"),
    'postgresql': (
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_name = 'ir_configuration'"),
    }


def initialised(name):
    """Return whether Tryton initialised the existing database

    Unlike trytond's Database.test, which answers no to any error, a
    database that cannot be read (locked, refusing connections) raises its
    error: it is not taken for a database without tables."""
    from trytond import backend
    database = backend.Database(name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute(CONFIGURATION_TABLE[backend.name])
        return bool(cursor.fetchone())
    finally:
        database.put_connection(connection)


# Modules that took over part of ossis_services: a database activated before
# has their records under ossis_services and cannot be updated in place
SPLIT_FROM_SERVICES = ('ossis_workflow', 'ossis_application')


def check_layout(name):
    """Refuse a database activated with the module layout of before the
    split of ossis_services, with the way out"""
    from trytond import backend
    database = backend.Database(name).connect()
    connection = database.get_connection()
    try:
        cursor = connection.cursor()
        cursor.execute('SELECT name, state FROM ir_module')
        states = dict(cursor)
    finally:
        database.put_connection(connection)
    if (states.get('ossis_services') == 'activated'
            and not any(m in states for m in SPLIT_FROM_SERVICES)):
        raise CommandError(
            f"the database {name!r} has the module layout of before "
            f"ossis_services was split (workflow, application...): "
            f"recreate it (the demo: rm var/db/{name}.sqlite; make demo)")


def safe_uri(uri):
    "Return the URI without its password"
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(':' + parts.password + '@', ':***@')
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def trytond_command(module, *args, options, env=None, overrides=None):
    """Run one of trytond's commands with the same configuration

    The overrides, {section: {option: value}}, win over the configuration
    file (trytond reads the files in order, the environment first).  The
    command runs through ossis.run, with the fixes of OSSIS."""
    with trytond_configs(options, overrides) as configs:
        return run_forwarding_signals(
            [trytond_args(module, configs, *args)], env)


@contextlib.contextmanager
def trytond_configs(options, overrides=None):
    """Yield the configuration files of a trytond command: the one of the
    options, then one with the overrides"""
    configs = [options.config] if options.config else []
    with tempfile.NamedTemporaryFile(
            'w', prefix='ossis-', suffix='.conf') as overlay:
        if overrides:
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_dict(overrides)
            parser.write(overlay)
            overlay.flush()
            configs.append(overlay.name)
        yield configs


def trytond_args(module, configs, *args):
    "Return the command line that runs the trytond command through ossis.run"
    command = [sys.executable, '-m', 'ossis.run', module]
    if configs:
        command += ['-c', *configs]
    return command + list(args)


def run_forwarding_signals(commands, env=None):
    """Run the commands side by side and pass them the signals that stop
    this one, so that stopping "ossis serve" stops the server and cleans up

    The first command is the main one: when it ends, the others are
    stopped, and its status is returned."""
    processes = [subprocess.Popen(c, env=env) for c in commands]

    def forward(signum, frame):
        for process in processes:
            process.send_signal(signum)

    previous = {
        s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        status = processes[0].wait()
        for process in processes[1:]:
            stop(process)
        return status
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop(process, timeout=STOP_TIMEOUT):
    "Stop the process as Ctrl-C does, then for good after the timeout"
    for signum in [signal.SIGINT, signal.SIGKILL]:
        if process.poll() is not None:
            return
        process.send_signal(signum)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass


def command_init(options):
    modules = options.modules or ossis_modules()
    check_modules(modules)
    created = ensure_database(options.database)
    if not created:
        check_layout(options.database)
    env = admin_environ(options, created)
    names = fingerprint.dependencies(modules)
    wanted = fingerprint.of_modules(names, *init_options(modules))
    activated = set() if created else fingerprint.activated(options.database)
    # The same modules, unchanged since the last update and still activated
    if not (created or options.force) and activated >= set(names) and (
            fingerprint.read(options.database, fingerprint.INIT) == wanted):
        print(f"Database {options.database!r} is up to date: its modules "
            f"did not change since its last update ('ossis init --force' "
            f"updates it anyway)")
        return
    if not created:
        fingerprint.write(options.database, fingerprint.INIT, None)
    # trytond-admin loads the modules already activated too
    total = len(activated | set(names))
    print(f"{'Creating' if created else 'Updating'} the database "
        f"{options.database!r}: {total} modules", flush=True)
    started = time.monotonic()
    env[progress.TOTAL_VARIABLE] = str(total)
    args = ['-d', options.database, '--activate-dependencies',
        '-u', *modules, '-l', *LANGUAGES]
    if created:
        args += ['--email', options.admin_email]
    status = trytond_command(
        'trytond.cli.admin', *args, options=options, env=env)
    if status:
        raise CommandError(f"trytond-admin failed with status {status}")
    fingerprint.write(options.database, fingerprint.INIT, wanted)
    print(f"Database {options.database!r} has modules: {', '.join(modules)}"
        f" ({time.monotonic() - started:.0f}s)")


def admin_environ(options, created):
    "Return the environment of trytond-admin, with the admin's password"
    env = os.environ.copy()
    if options.admin_password_file:
        if not os.path.isfile(options.admin_password_file):
            raise CommandError(
                f"password file {options.admin_password_file} not found")
        env['TRYTONPASSFILE'] = os.path.abspath(options.admin_password_file)
    elif created and not sys.stdin.isatty():
        raise CommandError(
            "a new database needs an admin password: "
            "give --admin-password-file")
    return env


def init_options(modules):
    "Return what else than the files of the modules decides an update"
    from trytond import config
    return (
        tuple(sorted(modules)), tuple(LANGUAGES),
        config.get('database', 'language'))


def command_demo(options):
    from . import demo
    check_initialised(options.database)
    demo.load(options.database, force=options.force)


def command_serve(options):
    args = ['-d', options.database]
    if options.dev:
        args.append('--dev')
    overrides = {'wsgi middleware': {'ossis': MIDDLEWARE}}
    if options.listen:
        overrides['web'] = {'listen': options.listen}
    with trytond_configs(options, overrides) as configs:
        commands = [trytond_args('trytond.cli', configs, *args)]
        if options.cron:
            # One process is enough for the jobs of one database
            commands.append(trytond_args(
                    'trytond.cli.cron', configs, '-d', options.database,
                    '-n', '1'))
        return run_forwarding_signals(commands)


def command_cron(options):
    args = ['-d', options.database, *processes(options)]
    if options.once:
        args.append('--once')
    return trytond_command('trytond.cli.cron', *args, options=options)


def command_worker(options):
    return trytond_command(
        'trytond.cli.worker', '-d', options.database, *processes(options),
        options=options)


def processes(options):
    return ['-n', str(options.processes)] if options.processes else []


def command_modules(options):
    for name in ossis_modules():
        print(name)


def command_lgu_new(options):
    from . import lgu
    try:
        folder = lgu.new(
            options.code, addons=options.addons, force=options.force,
            pyproject=None if options.pyproject else False)
    except lgu.ScaffoldError as exception:
        raise CommandError(str(exception)) from exception
    print(f"Wrote {folder}")
    if options.pyproject:
        print("Install it with 'pip install -e .' in the checkout, then "
            f"activate it with 'ossis init -d <database> -m {folder.name}'")


def command_catalogue(options):
    from . import catalogue
    check_initialised(options.database)
    try:
        getattr(catalogue, options.action)(options)
    except catalogue.CatalogueError as exception:
        raise CommandError(str(exception)) from exception


def command_workflow_lint(options):
    from . import catalogue, workflow
    check_initialised(options.database)
    try:
        return workflow.lint(options)
    except catalogue.CatalogueError as exception:
        raise CommandError(str(exception)) from exception


if __name__ == '__main__':
    sys.exit(main())
