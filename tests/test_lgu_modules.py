# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The modules of the municipalities (ossis_lgu_<code>)

``ossis lgu new`` writes a module from the national defaults, and the
module of one municipality, activated or updated with ``ossis init`` as an
administrator would, never changes the data of another municipality.

The commands run in subprocesses, on the backend of TRYTOND_DATABASE_URI
(SQLite in a temporary folder by default, or a temporary PostgreSQL
database).
"""
import configparser
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from lxml import etree

from ossis import lgu

CHECKOUT = Path(__file__).resolve().parents[1]
CONFIG = CHECKOUT / 'config' / 'ossis.conf'


def ossis(*args, env=None, check=True):
    "Run the ossis command and return the completed process"
    process = subprocess.run(
        [sys.executable, '-m', 'ossis.cli', *args],
        capture_output=True, text=True, env=env, timeout=900)
    if check and process.returncode:
        pytest.fail(
            f"ossis {' '.join(args)} failed ({process.returncode}):\n"
            f"{process.stdout}\n{process.stderr[-5000:]}")
    return process


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ossis lgu new

def test_new_writes_a_module(tmp_path):
    "A new module has its files, valid XML and an offer of every service"
    pyproject = digest(CHECKOUT / 'pyproject.toml')

    process = ossis(
        'lgu', 'new', 'kucove', '--addons', str(tmp_path), '--no-pyproject')

    folder = tmp_path / 'ossis_lgu_kucove'
    assert str(folder) in process.stdout
    assert sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob('*')
        if p.is_file()) == [
        '__init__.py', 'doc/index.rst', 'lgu_service.xml', 'locale/sq.po',
        'org_unit.xml', 'tests/__init__.py', 'tests/test_module.py',
        'tryton.cfg']
    assert digest(CHECKOUT / 'pyproject.toml') == pyproject

    cfg = configparser.ConfigParser()
    cfg.read(folder / 'tryton.cfg')
    assert 'ossis_services' in cfg.get('tryton', 'depends').split()
    assert cfg.get('tryton', 'xml').split() == [
        'org_unit.xml', 'lgu_service.xml']
    from trytond.tools import file_open
    with file_open('tryton.rng', subdir='', mode='rb') as rng:
        validator = etree.RelaxNG(etree.parse(rng))
    trees = {}
    for name in ['org_unit.xml', 'lgu_service.xml']:
        trees[name] = etree.parse(str(folder / name))
        validator.assertValid(trees[name])
    compile(
        (folder / 'tests' / 'test_module.py').read_text(), 'test_module.py',
        'exec')

    records = [
        r for t in trees.values() for r in t.iter('record')]
    companies = {
        f.get('ref') for r in records for f in r.iter('field')
        if f.get('name') == 'company'}
    assert companies == {'ossis_base.lgu_kucove'}
    org_units = {
        r.get('id'): r for r in records if r.get('model') == 'ossis.org_unit'}
    desks = [
        r for r in org_units.values()
        if r.findtext("field[@name='type']") == 'front_office']
    # Kuçovë has 4 administrative units, its seat first
    assert [d.get('id') for d in desks] == [
        'org_desk_center', 'org_desk_kozare', 'org_desk_lumas',
        'org_desk_perondi']
    assert desks[0].findtext("field[@name='name']") == (
        "Sporteli OSS Kuçovë Qendër")
    offers = [r for r in records if r.get('model') == 'ossis.lgu.service']
    assert len(offers) == 103
    assert [o.get('id') for o in offers] == sorted(o.get('id') for o in offers)
    tax, = [o for o in offers if o.get('id') == 'offer_tax_01']
    assert tax.findtext("field[@name='service_code']") == 'TAX-01'
    responsible = tax.find("field[@name='responsible_unit']").get('ref')
    assert responsible == 'org_taxes'
    assert org_units[responsible].findtext("field[@name='type']") == (
        'back_office')
    ids = [r.get('id') for r in records]
    assert len(ids) == len(set(ids))
    assert 'offer_tax_01__desk_lumas' in ids
    # Building permits are applied for online only: no desk
    assert not [i for i in ids if i.startswith('offer_urb_01__')]


def test_new_refuses_to_overwrite(tmp_path):
    "An existing module is overwritten only with --force"
    args = ['lgu', 'new', 'polican', '--addons', str(tmp_path),
        '--no-pyproject']
    ossis(*args)
    offer = tmp_path / 'ossis_lgu_polican' / 'lgu_service.xml'
    offer.write_text('edited')

    process = ossis(*args, check=False)
    assert process.returncode == 1
    assert '--force' in process.stderr
    assert offer.read_text() == 'edited'

    ossis(*args, '--force')
    assert offer.read_text().startswith('<?xml')


def test_new_unknown_code(tmp_path):
    "An unknown code is refused with the list of the valid ones"
    process = ossis(
        'lgu', 'new', 'atlantis', '--addons', str(tmp_path),
        '--no-pyproject', check=False)

    assert process.returncode == 1
    assert "unknown municipality 'atlantis'" in process.stderr
    assert "61 municipalities" in process.stderr
    for code in ['elbasan', 'pogradec', 'polican', 'tirane', 'vau_i_dejes']:
        assert code in process.stderr
    assert not list(tmp_path.iterdir())


def test_add_to_pyproject():
    "The module is added to the entry points, packages and package data once"
    import tomllib
    text = (CHECKOUT / 'pyproject.toml').read_text()
    module = 'ossis_lgu_kucove'
    package = f'trytond.modules.{module}'

    new = lgu.add_to_pyproject(text, module, f'addons/{module}')

    data = tomllib.loads(new)
    assert data['project']['entry-points']['trytond.modules'][module] == (
        package)
    setuptools = data['tool']['setuptools']
    assert setuptools['package-dir'][package] == f'addons/{module}'
    assert setuptools['package-dir'][f'{package}.tests'] == (
        f'addons/{module}/tests')
    assert {package, f'{package}.tests'} <= set(setuptools['packages'])
    assert 'tryton.cfg' in setuptools['package-data'][package]
    # Idempotent, and nothing else changes
    assert lgu.add_to_pyproject(new, module, f'addons/{module}') == new
    old = tomllib.loads(text)
    assert old['project']['dependencies'] == data['project']['dependencies']


# Isolation of the municipalities

SCRIPT = textwrap.dedent('''\
    import json, sys
    from decimal import Decimal
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    database, action, *codes = sys.argv[1:]
    if action == 'drop':
        from trytond import backend
        template = backend.Database('template1').connect()
        connection = template.get_connection(autocommit=True)
        try:
            template.drop(connection, database)
        finally:
            template.put_connection(connection)
        sys.exit()
    pool = Pool(database)
    with Transaction().start(database, 0, readonly=True):
        pool.init()
    MODELS = {
        'ossis.org_unit': ['name', 'type', 'parent', 'administrative_unit',
            'sequence', 'active', 'head', 'company'],
        'ossis.org_unit-ossis.unit_type': ['org_unit', 'unit_type'],
        'ossis.lgu.service': ['service_code', 'service', 'fee', 'days',
            'online', 'responsible_unit', 'start_date', 'end_date',
            'active', 'company'],
        'ossis.lgu.service-ossis.org_unit': ['lgu_service', 'desk'],
        }
    with Transaction().start(
            database, 0, context={'active_test': False}) as transaction:
        Company = pool.get('company.company')
        ModelData = pool.get('ir.model.data')
        OrgUnit = pool.get('ossis.org_unit')
        Offer = pool.get('ossis.lgu.service')
        result = {}
        for code in codes:
            company = Company.get_by_code(code)
            units = OrgUnit.search([('company', '=', company.id)])
            offers = Offer.search([('company', '=', company.id)])
            if action == 'tamper':
                offer, = Offer.search([
                        ('company', '=', company.id),
                        ('service_code', '=', 'BUS-01'),
                        ])
                Offer.write([offer], {'fee': Decimal(1)})
                desk, = OrgUnit.search([
                        ('company', '=', company.id),
                        ('type', '=', 'front_office'),
                        ('administrative_unit.seat', '=', True),
                        ])
                OrgUnit.write([desk], {'name': 'Renamed'})
                continue
            ids = {
                'ossis.org_unit': [u.id for u in units],
                'ossis.lgu.service': [o.id for o in offers],
                'ossis.org_unit-ossis.unit_type': [
                    r.id for r in pool.get('ossis.org_unit-ossis.unit_type')
                    .search([('org_unit', 'in', [u.id for u in units])])],
                'ossis.lgu.service-ossis.org_unit': [
                    r.id for r in pool.get('ossis.lgu.service-ossis.org_unit')
                    .search([('lgu_service', 'in', [o.id for o in offers])])],
                }
            snapshot = {}
            for model, fields in MODELS.items():
                Model = pool.get(model)
                snapshot[model] = sorted(Model.read(
                        ids[model],
                        fields + ['create_date', 'write_date']),
                    key=lambda r: r['id'])
            snapshot['ir.model.data'] = sorted(ModelData.search_read([
                        ('module', '=', f'ossis_lgu_{code}'),
                        ], fields_names=[
                        'fs_id', 'model', 'db_id', 'noupdate',
                        'field_names', 'write_date']),
                key=lambda r: r['fs_id'])
            result[code] = snapshot
        transaction.commit()
    print(json.dumps(result, default=str, sort_keys=True))
    ''')


@pytest.fixture
def database(tmp_path):
    "A new database on the backend of the tests, and its environment"
    uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['TRYTOND_DATABASE__URI'] = uri
    if uri.startswith('sqlite'):
        name = 'isolation'
        env['TRYTOND_DATABASE__PATH'] = str(tmp_path / 'db')
    else:
        name = f'test_lgu_isolation_{uuid.uuid4().hex[:8]}'
    password = tmp_path / 'admin-password'
    password.write_text('admin-password\n')
    yield name, env, password
    if not uri.startswith('sqlite'):
        subprocess.run(
            [sys.executable, '-c', SCRIPT, name, 'drop'], env=env,
            capture_output=True, timeout=120)


def run_script(database, action, *codes):
    name, env, _ = database
    process = subprocess.run(
        [sys.executable, '-c', SCRIPT, name, action, *codes],
        capture_output=True, text=True, env=env, timeout=300)
    assert process.returncode == 0, process.stderr[-5000:]
    return json.loads(process.stdout.splitlines()[-1]) if (
        action == 'snapshot') else None


def init(database, *modules, force=False):
    name, env, password = database
    args = ['-c', str(CONFIG), 'init', '-d', name,
        '--admin-password-file', str(password)]
    for module in modules:
        args += ['-m', module]
    if force:
        args.append('--force')
    return ossis(*args, env=env)


def test_lgu_module_changes_only_its_municipality(database):
    "Activating and updating Elbasan's module leaves the others untouched"
    init(database, 'ossis_lgu_pogradec', 'ossis_lgu_polican')
    # The data of the others differs from their modules: an update of
    # their modules would bring it back
    run_script(database, 'tamper', 'pogradec', 'polican')
    others = run_script(database, 'snapshot', 'pogradec', 'polican')
    assert others['pogradec']['ossis.lgu.service']
    assert others['polican']['ossis.org_unit']
    assert any(o['fee'] == '1' or o['fee'] == '1.00'
        for o in others['pogradec']['ossis.lgu.service'])

    activated = init(database, 'ossis_lgu_elbasan').stdout
    # It shows its progress, a line per module
    assert re.search(r'module +\d+/\d+: ossis_lgu_elbasan$', activated, re.M)
    assert run_script(database, 'snapshot', 'pogradec', 'polican') == others
    elbasan = run_script(database, 'snapshot', 'elbasan')['elbasan']
    assert len(elbasan['ossis.lgu.service']) == 103

    run_script(database, 'tamper', 'elbasan')
    tampered = run_script(database, 'snapshot', 'elbasan')['elbasan']
    # Nothing changed in the modules since: the update is skipped
    assert 'is up to date' in init(database, 'ossis_lgu_elbasan').stdout
    init(database, 'ossis_lgu_elbasan', force=True)

    # The update keeps what Elbasan's administrator changed...
    updated = run_script(database, 'snapshot', 'elbasan')['elbasan']
    fees = {o['service_code']: o['fee']
        for o in updated['ossis.lgu.service']}
    assert fees['BUS-01'] in {'1', '1.00'}
    assert updated == tampered
    # ...and touches no other municipality
    assert run_script(database, 'snapshot', 'pogradec', 'polican') == others
