# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real OSSIS server for the tests that go through HTTP

It creates a fresh database with ``ossis init`` and ``ossis demo`` on the
backend of TRYTOND_DATABASE_URI (an SQLite file in a temporary folder, or a
PostgreSQL database that is dropped at the end), then runs ``ossis serve``
on a free local port.  Every wait is bounded; the server log is kept in the
temporary folder and shown when something fails.

More processes may run on the same database (``OssisServer.serve``,
``OssisServer.run``): other servers, the cron or the queue worker, each
with its own configuration and log; each is an ``OssisProcess`` that a test
stops, or kills as a crash would.
"""
import configparser
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import xmlrpc.client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / 'config' / 'ossis.conf'
DEFAULT_SAO_DIR = ROOT / '.web' / 'sao'
DEMO_PASSWORD = 'ossis-demo'

# Seconds; a machine busy with other work may need more (the variables)
INIT_TIMEOUT = int(os.environ.get('OSSIS_TEST_INIT_TIMEOUT') or 600)
DEMO_TIMEOUT = int(os.environ.get('OSSIS_TEST_DEMO_TIMEOUT') or 300)
START_TIMEOUT = 60
STOP_TIMEOUT = 15

# Variables of the caller that must not reach the server: the tests of the
# modules set some of them for their own in-memory databases.
DROPPED_ENVIRON = {
    'TRYTOND_CONFIG', 'TRYTOND_DATABASE__PATH', 'TRYTOND_WEB__LISTEN',
    'TRYTOND_WEB__ROOT', 'DB_NAME', 'DB_CACHE', 'DB_CACHE_JOBS',
    }


def _interruptible():
    """Let SIGINT stop the process, as stop() expects: the tests may run in
    a background job of a shell ("make test" runs both backends so), which
    ignores SIGINT, and so did every process it started, until stop() gave
    up after STOP_TIMEOUT"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class HarnessError(Exception):
    "The test server could not be set up"


def database_uri():
    return os.environ.get('TRYTOND_DATABASE_URI') or 'sqlite://'


def backend_name(uri=None):
    scheme = urllib.parse.urlsplit(uri or database_uri()).scheme
    return 'postgresql' if scheme.startswith('postgresql') else scheme


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def tail(path, lines=80):
    try:
        text = Path(path).read_text(errors='replace')
    except OSError:
        return ''
    return '\n'.join(text.splitlines()[-lines:])


def _group_alive(pgid):
    "Return whether a process of the group is running (zombies are not)"
    proc = Path('/proc')
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        # fields: state, ppid, pgrp...
        if int(fields[2]) == pgid and fields[0] not in {'Z', 'X'}:
            return True
    return False


class OssisProcess:
    """A long-running ossis command on the database of an OssisServer:
    ``serve``, ``cron`` or ``worker``

    It runs in a session of its own, so that stop() and kill() end it and
    the trytond it runs, and nothing else; its output goes to a log file."""

    def __init__(self, server, command, log_path, config):
        self.server = server
        self.command = list(command)
        self.log_path = Path(log_path)
        self.config = config
        self.process = None

    def __repr__(self):
        return f"<{self.__class__.__name__} {' '.join(self.command)}>"

    def spawn(self):
        log = open(self.log_path, 'ab')
        try:
            self.process = subprocess.Popen(
                [sys.executable, '-m', 'ossis.cli', '-c', str(self.config),
                    self.command[0], '-d', self.server.database,
                    *self.command[1:]],
                env=self.server.environ(), cwd=ROOT,
                stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_interruptible)
        finally:
            log.close()

    def check_running(self):
        if self.process is None or self.process.poll() is not None:
            status = self.process.returncode if self.process else None
            raise HarnessError(
                f"{self!r} stopped with status {status}:\n"
                f"{tail(self.log_path)}")

    def stop(self):
        """Stop the process as Ctrl-C does (so that "ossis serve" cleans
        up), then with SIGTERM and SIGKILL after bounded waits"""
        self._end([
                (signal.SIGINT, STOP_TIMEOUT), (signal.SIGTERM, 5),
                (signal.SIGKILL, 5)])

    def kill(self):
        "End the process at once with SIGKILL, as a crash would"
        self._end([(signal.SIGKILL, STOP_TIMEOUT)])

    def _end(self, signals):
        process, self.process = self.process, None
        if process is None:
            return
        pgid = process.pid
        for sig, wait in signals:
            if not _group_alive(pgid):
                break
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while _group_alive(pgid) and time.monotonic() < deadline:
                time.sleep(0.1)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def log_size(self):
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset, limit=20000):
        try:
            with open(self.log_path, 'rb') as file:
                file.seek(offset)
                data = file.read()
        except OSError:
            return ''
        text = data.decode('utf-8', 'replace')
        if len(text) > limit:
            text = '[...]\n' + text[-limit:]
        return text


class ServerProcess(OssisProcess):
    "An ``ossis serve`` on a free local port, with the options"

    def __init__(self, server, log_path, config, options=()):
        super().__init__(server, ['serve'], log_path, config)
        self.options = list(options)
        self.port = None

    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}'

    @property
    def rpc_url(self):
        return f'{self.url}/{self.server.database}/rpc/'

    def start(self, attempts=3):
        "Start the server on a free port and return the seconds it took"
        for attempt in range(attempts):
            self.port = free_port()
            self.command = [
                'serve', '--listen', f'127.0.0.1:{self.port}', *self.options]
            started = time.monotonic()
            self.spawn()
            try:
                self.wait_ready()
            except HarnessError:
                log = tail(self.log_path)
                self.stop()
                if 'Address already in use' in log and attempt + 1 < attempts:
                    continue
                raise
            return time.monotonic() - started
        raise HarnessError("no free port for the server")

    def wait_ready(self, timeout=START_TIMEOUT):
        "Wait until the server answers XML-RPC calls"
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise HarnessError(
                    f"the server stopped with status "
                    f"{self.process.returncode}:\n{tail(self.log_path)}")
            # The log tells that this server, not another one, got the port
            if f'Running on http://127.0.0.1:{self.port}' in tail(
                    self.log_path, 200):
                try:
                    self.version()
                    return
                except (OSError, xmlrpc.client.Error):
                    pass
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"the server did not answer within {timeout}s:\n"
                    f"{tail(self.log_path)}")
            time.sleep(0.2)

    def version(self, timeout=5):
        "Return the version of the server (an XML-RPC call without login)"
        request = urllib.request.Request(
            f'{self.url}/rpc/',
            data=xmlrpc.client.dumps((), 'common.server.version').encode(),
            headers={'Content-Type': 'text/xml'})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            (version,), _ = xmlrpc.client.loads(response.read())
        return version


class OssisServer:
    """An OSSIS database with the demo data and a server answering on it

    ``url`` is the root of the server (the web client is served there),
    ``database`` the name of the database."""

    def __init__(self, workdir, sao_dir=None, email_uri=None):
        self.workdir = Path(workdir)
        self.email_uri = email_uri
        self.config = CONFIG
        self.uri = database_uri()
        self.backend = backend_name(self.uri)
        self.database = 'ossis_test_rpc_%s_%s' % (
            os.getpid(), secrets.token_hex(3))
        self.sao_dir = Path(sao_dir) if sao_dir else None
        self.admin_password = secrets.token_urlsafe(12)
        self.password_file = self.workdir / 'admin-password'
        self.main = ServerProcess(
            self, self.workdir / 'server.log', self.config)
        self.others = []
        self.created = False
        self.timings = {}

    # The main server

    @property
    def log_path(self):
        return self.main.log_path

    @property
    def url(self):
        return self.main.url

    def log_size(self):
        return self.main.log_size()

    def log_since(self, offset, limit=20000):
        return self.main.log_since(offset, limit=limit)

    def environ(self):
        env = {k: v for k, v in os.environ.items()
            if k not in DROPPED_ENVIRON}
        env['TRYTOND_DATABASE_URI'] = self.uri
        env['TRYTOND_DATABASE__PATH'] = str(self.workdir / 'db')
        if self.sao_dir:
            env['TRYTOND_WEB__ROOT'] = str(self.sao_dir)
        env['PYTHONUNBUFFERED'] = '1'
        return env

    def write_config(self, name='ossis.conf', overrides=None):
        """Write a configuration of the servers and return its path:
        config/ossis.conf with the [email] uri of the tests (the file wins
        over TRYTOND_EMAIL__URI), one proxy, so that a test may come from
        another client network with X-Forwarded-For (see tests/portal.py),
        and the overrides, {section: {option: value}}"""
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(CONFIG)
        for section in ['email', 'web']:
            if not parser.has_section(section):
                parser.add_section(section)
        if self.email_uri:
            parser.set('email', 'uri', self.email_uri)
        parser.set('web', 'num_proxies', '1')
        # The demo seals the outputs with certificates that it makes there
        seals = self.workdir / 'seal'
        parser.read_dict({'ossis_seal': {
                    'directory': str(seals),
                    'trust': str(seals / 'demo-authority.pem')}})
        parser.read_dict(overrides or {})
        path = self.workdir / name
        with open(path, 'w') as file:
            parser.write(file)
        return path

    def ossis(self, *args, timeout):
        "Run an ossis command and return its output"
        command = [
            sys.executable, '-m', 'ossis.cli', '-c', str(self.config), *args]
        try:
            result = subprocess.run(
                command, env=self.environ(), cwd=ROOT, timeout=timeout,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
        except subprocess.TimeoutExpired as exception:
            raise HarnessError(
                f"{' '.join(args[:1])} did not finish within {timeout}s:\n"
                f"{exception.output or ''}") from exception
        if result.returncode:
            raise HarnessError(
                f"'ossis {' '.join(args)}' failed with status "
                f"{result.returncode}:\n{result.stdout[-6000:]}")
        return result.stdout

    def create_database(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / 'db').mkdir(exist_ok=True)
        self.config = self.main.config = self.write_config()
        self.password_file.write_text(self.admin_password + '\n')
        self.password_file.chmod(0o600)
        started = time.monotonic()
        self.created = True
        self.ossis('init', '-d', self.database,
            '--admin-password-file', str(self.password_file),
            timeout=INIT_TIMEOUT)
        self.timings['init'] = time.monotonic() - started
        started = time.monotonic()
        self.ossis('demo', '-d', self.database, timeout=DEMO_TIMEOUT)
        self.timings['demo'] = time.monotonic() - started

    def start(self, attempts=3):
        self.timings['start'] = self.main.start(attempts=attempts)

    def stop(self):
        "Stop the main server and the other processes"
        others, self.others = self.others, []
        for process in others + [self.main]:
            process.stop()

    # Other processes on the same database

    def serve(self, name, config=None, options=()):
        """Start another server on the database, with its own log file
        (name.log), the configuration and the options of "ossis serve", and
        return it"""
        server = ServerProcess(
            self, self.workdir / f'{name}.log', config or self.config,
            options)
        self.others.append(server)
        server.start()
        return server

    def run(self, command, name, *args, config=None):
        """Start "ossis <command> <args>" (cron, worker) on the database,
        with its own log file (name.log) and the configuration, and return
        it"""
        process = OssisProcess(
            self, [command, *args], self.workdir / f'{name}.log',
            config or self.config)
        self.others.append(process)
        process.spawn()
        return process

    def drop_database(self):
        if not self.created:
            return
        if self.backend == 'postgresql':
            import psycopg
            with psycopg.connect(
                    self.uri, dbname='postgres', autocommit=True,
                    connect_timeout=10) as connection:
                connection.execute(
                    'DROP DATABASE IF EXISTS "%s" WITH (FORCE)'
                    % self.database)
        # The SQLite file goes with the temporary folder
        self.created = False
