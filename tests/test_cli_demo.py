# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo for a newcomer: ``make demo``, ``ossis init`` and ``ossis demo``

``ossis init`` and ``ossis demo`` skip what is already done, show their
progress, run the scheduled jobs, and the links of the demo follow the port
it serves on.  The database is the one of the session's server; nothing
here creates another.
"""
import datetime as dt
import io
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ossis_testserver import _group_alive

from ossis import demo, fingerprint, progress
from trytond.modules.ossis_base import identifier

ROOT = Path(__file__).resolve().parent.parent
APP = 'ossis.application'
RUNNING = ['submitted', 'in_progress']


# Nothing changed, nothing to do

def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_fingerprint_follows_the_files(tmp_path):
    "Test a change in a module's files changes its fingerprint"
    module = tmp_path / 'ossis_x'
    write(module / 'tryton.cfg', '[tryton]\n')
    write(module / 'view' / 'x_form.xml', '<form/>')
    directories = {'ossis_x': str(module)}
    first = fingerprint.compute(directories, ['sq'])
    assert fingerprint.compute(directories, ['sq']) == first

    # Files that never reach the database change nothing
    write(module / '__pycache__' / 'x.cpython-311.pyc', 'compiled')
    write(module / 'tests' / 'test_x.py', 'def test(): pass')
    write(module / 'doc' / 'index.rst', 'X')
    assert fingerprint.compute(directories, ['sq']) == first

    write(module / 'view' / 'x_form.xml', '<form col="2"/>')
    changed = fingerprint.compute(directories, ['sq'])
    assert changed != first
    write(module / 'x.xml', '<tryton/>')
    added = fingerprint.compute(directories, ['sq'])
    assert added not in {first, changed}
    (module / 'view' / 'x_form.xml').rename(module / 'view' / 'y_form.xml')
    assert fingerprint.compute(directories, ['sq']) not in {
        first, changed, added}
    # The languages are part of it
    assert fingerprint.compute(directories, ['sq', 'en']) != (
        fingerprint.compute(directories, ['sq']))


def test_fingerprint_of_the_modules_and_their_dependencies():
    "Test the modules are fingerprinted with every module they depend on"
    names = fingerprint.dependencies(['ossis_application'])
    assert {'ir', 'res', 'company', 'ossis_base', 'ossis_services',
        'ossis_workflow', 'ossis_application'} <= set(names)
    assert 'ossis_portal' not in names
    assert fingerprint.of_modules(names, 'sq') == (
        fingerprint.of_modules(names, 'sq'))
    assert fingerprint.of_modules(names, 'sq') != (
        fingerprint.of_modules(names[:-1], 'sq'))


def test_demo_again_is_skipped(ossis_server):
    "Test ossis demo run again loads nothing and prints the logins"
    started = time.monotonic()
    output = ossis_server.ossis(
        'demo', '-d', ossis_server.database, timeout=120)
    seconds = time.monotonic() - started
    assert "The demo data is already loaded" in output, output
    assert "Applications of" not in output
    assert 'elbasan.front' in output and demo.TEST_NID in output
    ossis_server.timings['demo again'] = seconds


# Progress

def record(message, *args, level=logging.INFO):
    return logging.LogRecord(
        'trytond.modules', level, __file__, 1, message, args, None)


def test_progress_of_init():
    "Test trytond-admin's log becomes a line per module and per step"
    stream = io.StringIO()
    handler = progress.Progress(total=3, stream=stream)
    for message, *args in [
            ('init db',), ('%s register %s', 'ir', 'Model'),
            ('%s load', 'ir'), ('%s load %s', 'ir', 'ir.xml'),
            ('%s load', 'res'), ('%s load', 'ossis_base'),
            ('update index for %s', 'res.user'),
            ('update index for %s', 'ir.rule'),
            ('all modules loaded',)]:
        handler.emit(record(message, *args))
    lines = [re.sub(r'^ *\d+s  ', '', line)
        for line in stream.getvalue().splitlines()]
    assert lines == [
        "Creating the tables of Tryton",
        "module  1/3: ir",
        "module  2/3: res",
        "module  3/3: ossis_base",
        "Indexes",
        ]


# Scheduled jobs

def test_overdue_applications_are_escalated(users):
    """Test the scheduled jobs ran at the end of ossis demo: the late
    applications of the demo are reported to the unit heads, and the
    emails of the demo, which tell of the past, were not sent then"""
    national = users['national.admin']
    # The first notifications are the demo's
    assert national.search_count('ossis.notification', [
            ('id', '<=', 100),
            ('state', '=', 'sent'),
            ]) == 100
    assert national.search_count(APP, [
            ('state', 'in', RUNNING),
            ('overdue', '=', True),
            ('escalated', '=', True),
            ]) > 0
    assert national.search_count(APP, [
            ('state', 'in', RUNNING),
            ('overdue', '=', True),
            ('escalated', '=', False),
            ]) == 0


def processes_of(pgid):
    "Return the command lines of the running processes of the group"
    commands = []
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
            if int(fields[2]) != pgid or fields[0] in {'Z', 'X'}:
                continue
            commands.append((stat.parent / 'cmdline').read_bytes()
                .replace(b'\0', b' ').decode())
        except (OSError, IndexError, ValueError):
            continue
    return commands


@pytest.mark.skipif(
    not Path('/proc').is_dir(), reason="needs /proc to see the processes")
def test_serve_runs_the_scheduled_jobs(ossis_server):
    "Test ossis serve --cron runs the cron beside the server, and stops it"
    server = ossis_server.serve('serve-cron', options=['--cron'])
    try:
        pgid = server.process.pid
        commands = processes_of(pgid)
        assert any('ossis.run trytond.cli.cron ' in c for c in commands), (
            commands)
        assert any('ossis.run trytond.cli ' in c for c in commands), (
            commands)
    finally:
        server.stop()
    assert not _group_alive(pgid)


# The links and the emails of the demo

def make_demo(*variables):
    "Return the commands that make demo runs with the variables"
    result = subprocess.run(
        ['make', '-n', 'demo', *variables], cwd=ROOT, capture_output=True,
        text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_demo_links_follow_its_port():
    "Test make demo PORT=8201 serves on 8201 and its links point there"
    commands = make_demo('PORT=8201', 'MAIL_PORT=2525')
    assert ("TRYTOND_OSSIS_PORTAL__URL="
        "'http://127.0.0.1:8201/demo/portal/track'") in commands
    assert ("TRYTOND_OSSIS_PORTAL__VERIFY_URL='http://127.0.0.1:8201/demo/"
        "portal/verify/{verification_code}'") in commands
    assert 'TRYTOND_EMAIL__URI=smtp://127.0.0.1:2525' in commands
    # The demo seals its outputs with the seals it makes in var/seal
    assert f'TRYTOND_OSSIS_SEAL__DIRECTORY={ROOT}/var/seal' in commands
    assert '--listen 127.0.0.1:8201' in commands
    assert '--cron' in commands
    assert 'http://127.0.0.1:8000' not in commands


def test_environment_gives_the_links_and_the_mail_server():
    """Test the configuration of the demo leaves the links and the mail
    server to the environment"""
    script = (
        "from trytond import config\n"
        "config.update_etc('config/ossis.conf')\n"
        "from trytond.modules.ossis_application.portal import ("
        "tracking_url, verification_url)\n"
        "print(tracking_url('AB-CD'))\n"
        "print(verification_url('EF-GH'))\n"
        "print(config.get('email', 'uri'))\n")
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    env.update({
            'TRYTOND_OSSIS_PORTAL__URL': 'http://127.0.0.1:8201/d/portal/track',
            'TRYTOND_OSSIS_PORTAL__VERIFY_URL': (
                'http://127.0.0.1:8201/d/portal/verify/{verification_code}'),
            'TRYTOND_EMAIL__URI': 'smtp://127.0.0.1:2525',
            })
    result = subprocess.run(
        [sys.executable, '-c', script], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'http://127.0.0.1:8201/d/portal/track?code=AB-CD',
        'http://127.0.0.1:8201/d/portal/verify/EF-GH',
        'smtp://127.0.0.1:2525',
        ]


# A citizen to register

def test_test_identifiers_are_valid_and_free(users, companies):
    """Test the NID given beside the demo logins is a valid personal
    number that no demo applicant has, and so is the NIPT"""
    for number in [demo.TEST_NID, demo.TEST_NIPT]:
        assert identifier.is_valid(number), number
    # A personal number: a woman's (the month plus 50) born on that day
    assert identifier.birth_date(demo.TEST_NID) == dt.date(1985, 3, 12)
    assert int(demo.TEST_NID[2:4]) > 50
    national = users['national.admin']
    assert not national.search_count('ossis.applicant', [
            ('identifier', 'in', [demo.TEST_NID, demo.TEST_NIPT]),
            ])

    readme = (ROOT / 'README.md').read_text()
    assert demo.TEST_NID in readme and demo.TEST_NIPT in readme
    assert f'DEMO_NID := {demo.TEST_NID}' in (ROOT / 'Makefile').read_text()
