# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue commands of ``ossis``, run as an administrator runs them

A database is initialised once with ``ossis init`` on SQLite in a temporary
folder; each test works on a copy of it.  Every command has a timeout so
that a hung command fails the test instead of the run.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

INIT_TIMEOUT = 600
TIMEOUT = 120


def ossis_command():
    script = os.path.join(os.path.dirname(sys.executable), 'ossis')
    if os.path.exists(script):
        return [script]
    return [sys.executable, '-m', 'ossis.cli']


class Ossis:
    "Run the ossis command on SQLite databases of a folder"

    def __init__(self, folder):
        self.folder = folder
        self.databases = folder / 'databases'
        self.env = dict(
            os.environ,
            TRYTOND_DATABASE_URI='sqlite://',
            TRYTOND_DATABASE__PATH=str(self.databases))
        for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
            self.env.pop(name, None)

    def __call__(self, *args, timeout=TIMEOUT, input=None):
        return subprocess.run(
            ossis_command() + [str(a) for a in args], env=self.env,
            cwd=self.folder, capture_output=True, text=input is None,
            input=input, timeout=timeout)

    def copy(self, source, name):
        shutil.copy(
            self.databases / f'{source}.sqlite',
            self.databases / f'{name}.sqlite')
        return name


@pytest.fixture(scope='module')
def ossis(tmp_path_factory):
    ossis = Ossis(tmp_path_factory.mktemp('ossis'))
    password = ossis.folder / 'password'
    password.write_text('admin-secret\n')
    result = ossis(
        'init', '-d', 'pristine', '-m', 'ossis_services',
        '--admin-password-file', password, timeout=INIT_TIMEOUT)
    assert result.returncode == 0, result.stderr
    return ossis


@pytest.fixture
def database(ossis, request):
    "Return the name of a fresh copy of the initialised database"
    return ossis.copy('pristine', request.node.name)


def read(ossis, name):
    return json.loads((ossis.folder / name).read_text(encoding='utf-8'))


def write(ossis, name, data):
    (ossis.folder / name).write_text(json.dumps(data), encoding='utf-8')


def test_round_trip(ossis, database):
    "Export, import unchanged, then share a changed catalogue"
    result = ossis('catalogue', 'export', '-d', database, 'catalogue.json')
    assert result.returncode == 0, result.stderr
    assert "Exported 103 services" in result.stdout
    data = read(ossis, 'catalogue.json')
    assert data['format'] == 'ossis-catalogue'
    assert data['version'] == 1

    result = ossis('catalogue', 'import', '-d', database, 'catalogue.json')
    assert result.returncode == 0, result.stderr
    assert "0 services created, 0 updated" in result.stdout
    assert "103 unchanged" in result.stdout

    tax, = [s for s in data['services'] if s['code'] == 'TAX-01']
    tax['fee'] = '300.00'
    tax['name']['sq'] = "Vërtetim tatimor"
    write(ossis, 'changed.json', data)
    other = ossis.copy('pristine', 'other')
    result = ossis('catalogue', 'import', '-d', other, 'changed.json')
    assert result.returncode == 0, result.stderr
    assert "1 updated" in result.stdout

    result = ossis('catalogue', 'export', '-d', other, 'other.json')
    assert result.returncode == 0, result.stderr
    tax, = [
        s for s in read(ossis, 'other.json')['services']
        if s['code'] == 'TAX-01']
    assert tax['version'] == 2
    assert tax['fee'] == '300.00'
    assert tax['name']['sq'] == "Vërtetim tatimor"

    result = ossis('catalogue', 'import', '-d', other, 'other.json')
    assert result.returncode == 0, result.stderr
    assert "103 unchanged" in result.stdout


def test_export_to_stdout(ossis, database):
    "Export to the standard output, the report to the standard error"
    result = ossis(
        'catalogue', 'export', '-d', database, '--all-versions', '-')
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)['services']) == 103
    assert "Exported 103 services" in result.stderr


def test_import_invalid_file(ossis, database):
    "Refuse a broken file with every error and store nothing"
    result = ossis('catalogue', 'export', '-d', database, 'catalogue.json')
    data = read(ossis, 'catalogue.json')
    data['services'][0]['legal_days'] = "ten"
    data['services'][1]['documents'][0]['document_type'] = 'no_such_type'
    data['services'].append(dict(data['services'][2], code='TST-01'))
    data['services'][-1].pop('name')
    write(ossis, 'broken.json', data)

    result = ossis('catalogue', 'import', '-d', database, 'broken.json')

    assert result.returncode == 1
    assert "3 errors" in result.stderr
    for path in [
            'services[0].legal_days', 'services[1].documents[0].document_type',
            'services[103].name']:
        assert path in result.stderr
    result = ossis('catalogue', 'export', '-d', database, '-')
    codes = [s['code'] for s in json.loads(result.stdout)['services']]
    assert len(codes) == 103
    assert 'TST-01' not in codes

    (ossis.folder / 'not.json').write_text('{"format": ')
    result = ossis('catalogue', 'import', '-d', database, 'not.json')
    assert result.returncode == 1
    assert "not valid JSON" in result.stderr

    result = ossis('catalogue', 'import', '-d', database, 'missing.json')
    assert result.returncode == 1
    assert "cannot read missing.json" in result.stderr


def test_import_csv(ossis, database):
    "Import the national CSV by default, or a given file"
    result = ossis('catalogue', 'import-csv', '-d', database)
    assert result.returncode == 0, result.stderr
    assert "103 unchanged" in result.stdout

    (ossis.folder / 'bad.csv').write_text('code,name\nTST-01,Test\n')
    result = ossis('catalogue', 'import-csv', '-d', database, 'bad.csv')
    assert result.returncode == 1
    assert "processing_days" in result.stderr

    result = ossis(
        'catalogue', 'import-csv', '-d', database, '--catalogue', 'nope')
    assert result.returncode == 1
    assert "national" in result.stderr


def test_cpsv(ossis, database):
    "Export the offer of a municipality in CPSV-AP"
    result = ossis('cpsv', '-d', database, '--lgu', 'elbasan', 'offer.jsonld')
    assert result.returncode == 0, result.stderr
    document = read(ossis, 'offer.jsonld')
    assert set(document) == {'@context', '@graph'}
    assert document['@context']['cpsv'] == 'http://purl.org/vocab/cpsv#'
    # The pristine database has no offer: only the municipality, with its
    # country
    assert [n['@type'] for n in document['@graph']] == [
        ['cv:PublicOrganisation', 'org:Organization'], 'dct:Location']

    result = ossis('cpsv', '-d', database, '--lgu', 'atlantis')
    assert result.returncode == 1
    assert "unknown municipality 'atlantis'" in result.stderr
    assert "elbasan" in result.stderr


def test_not_an_ossis_database(ossis):
    "Refuse a database that ossis init did not create"
    import sqlite3
    with sqlite3.connect(ossis.databases / 'empty.sqlite') as connection:
        connection.execute('CREATE TABLE note (text TEXT)')
    connection.close()
    for name in ['missing', 'empty']:
        result = ossis('catalogue', 'export', '-d', name, 'out.json')
        assert result.returncode == 1
        assert f"ossis init -d {name}" in result.stderr
        assert not (ossis.folder / 'out.json').exists()


def test_locked_database(ossis, database):
    """A database that another process holds locked, as a server that is
    still stopping does, is said to be in use, not to be uninitialised"""
    import sqlite3
    holder = sqlite3.connect(
        ossis.databases / f'{database}.sqlite', isolation_level=None)
    try:
        # In WAL mode, the mode of Tryton's databases, only a connection in
        # exclusive locking mode keeps the others from reading
        holder.execute('PRAGMA locking_mode = EXCLUSIVE')
        holder.execute('BEGIN EXCLUSIVE')
        result = ossis('catalogue', 'export', '-d', database, 'locked.json')
    finally:
        holder.close()
    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    assert f"the database {database!r} is in use" in result.stderr
    assert "ossis init" not in result.stderr
    assert not (ossis.folder / 'locked.json').exists()
    # Once free, the same database exports
    result = ossis('catalogue', 'export', '-d', database, 'locked.json')
    assert result.returncode == 0, result.stderr


def test_init_refuses_database_of_old_layout(ossis, database):
    "Test init says in one line how to recreate a database of before the "
    "split of ossis_services, and changes nothing"
    import sqlite3
    path = ossis.databases / f'{database}.sqlite'
    with sqlite3.connect(path) as connection:
        # The modules that took over part of ossis_services did not exist
        connection.execute(
            "DELETE FROM ir_module WHERE name NOT IN "
            "('ir', 'res', 'country', 'currency', 'party', 'company', "
            "'ossis_base', 'ossis_services')")
    before = database_state(path)

    result = ossis('init', '-d', database)

    assert result.returncode == 1
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert 'module layout of before ossis_services was split' in lines[0]
    assert f'rm var/db/{database}.sqlite; make demo' in lines[0]
    assert database_state(path) == before


def database_state(path):
    "Return the modules of the SQLite database and its number of records"
    import sqlite3
    connection = sqlite3.connect(path)
    try:
        modules = connection.execute(
            'SELECT name, state FROM ir_module ORDER BY name').fetchall()
        records, = connection.execute(
            'SELECT COUNT(*) FROM ir_model_data').fetchone()
    finally:
        connection.close()
    return modules, records
