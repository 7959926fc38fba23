# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Per-municipality modules: ``ossis lgu new <code>``

A module ``ossis_lgu_<code>`` holds what is local to one municipality: its
org units, which of them handles which kind of service, its front desks and
its offer of the national services with the local fees and deadlines.  Its
records point to that municipality only, so that activating or updating the
module of one municipality never changes the data of another.

The scaffolder reads the municipalities, their administrative units and the
national catalogue from the files of the installed ossis_base and
ossis_services modules: it needs no database.
"""
import re
import textwrap
import tomllib
from collections import namedtuple
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

CHECKOUT = Path(__file__).resolve().parents[2]
PREFIX = 'ossis_lgu_'

Municipality = namedtuple('Municipality', ['code', 'name', 'xml_id'])
AdministrativeUnit = namedtuple(
    'AdministrativeUnit', ['xml_id', 'code', 'key', 'name', 'seat'])
OrgUnit = namedtuple(
    'OrgUnit', ['key', 'name', 'type', 'parent', 'administrative_unit',
        'unit_types'])

# The back office unit that handles each kind of service of the national
# catalogue (ossis_services/data/unit_type.xml): the key of its XML id
# (org_<key>), its Albanian name and the key of its parent unit.  Kinds
# that share a key are handled by one unit.
BACK_OFFICE = {
    'administrator': (
        'administrators',
        "Sektori i Koordinimit të Njësive Administrative", None),
    'agriculture_rural_development_and_land_titles_directorate': (
        'agriculture', "Drejtoria e Bujqësisë, Zhvillimit Rural dhe AMTP",
        None),
    'cpu': ('child_protection', "Njësia për Mbrojtjen e Fëmijëve", 'social'),
    'culture_youth_and_sport_directorate': (
        'culture', "Drejtoria e Kulturës, Rinisë dhe Sportit", None),
    'drejtoria_e_finances_koordinatori_i_konsultimit_publik': (
        'finance', "Drejtoria e Financës", None),
    'economic_aid_and_disability_sector': (
        'economic_aid', "Sektori i Ndihmës Ekonomike dhe PAK", 'social'),
    'economic_development_directorate': (
        'economy', "Drejtoria e Zhvillimit Ekonomik dhe Turizmit", None),
    'education_nurseries_and_kindergartens': (
        'education', "Drejtoria e Arsimit, Çerdheve dhe Kopshteve", None),
    'hr_and_administration_directorate': (
        'hr', "Drejtoria e Burimeve Njerëzore dhe Administratës", None),
    'kabineti_i_kryetarit_protokoll_arkiva': (
        'registry', "Sektori i Protokoll-Arkivës", None),
    'municipal_archive': ('registry', "Sektori i Protokoll-Arkivës", None),
    'municipal_fire_service': (
        'fire', "Shërbimi i Mbrojtjes nga Zjarri dhe Shpëtimit", None),
    'municipal_police_imtv': ('police', "Policia Bashkiake", None),
    'municipal_water_utility': (
        'water', "Ujësjellës Kanalizime sh.a.", None),
    'one_stop_shop_front_office': (
        'public_relations', "Sektori i Marrëdhënieve me Publikun", 'oss'),
    'parks_and_greenery': (
        'greenery', "Sektori i Gjelbërimit dhe Parqeve", 'public_services'),
    'public_services_directorate': (
        'public_services', "Drejtoria e Shërbimeve Publike", None),
    'public_transport_directorate': (
        'transport', "Drejtoria e Transportit Publik", None),
    'rti_coordinator': (
        'information', "Zyra e Koordinatorit për të Drejtën e Informimit",
        None),
    'sektori_i_emergjencave_civile_mbrojtjes_civile': (
        'civil_protection', "Sektori i Emergjencave Civile", None),
    'sherbimi_veterinar_vendor': (
        'veterinary', "Shërbimi Veterinar Vendor", None),
    'social_services_directorate': (
        'social', "Drejtoria e Shërbimeve Sociale", None),
    'state_office_located_in_the_municipality': (
        'civil_status', "Zyra e Gjendjes Civile", None),
    'state_office_under_ministry_of_interior_dpgjc': (
        'civil_status', "Zyra e Gjendjes Civile", None),
    'local_taxes_and_tariffs_directorate': (
        'taxes', "Drejtoria e Taksave dhe Tarifave Vendore", None),
    'territorial_planning_and_development_directorate': (
        'territory', "Drejtoria e Planifikimit dhe Zhvillimit të Territorit",
        None),
    }

HEADER = (
    '# This file is part of OSSIS.  The COPYRIGHT file at the top level of\n'
    '# this repository contains the full copyright notices and license '
    'terms.\n')
XML_HEADER = (
    '<?xml version="1.0"?>\n'
    '<!-- This file is part of OSSIS.  The COPYRIGHT file at the top level '
    'of\n'
    'this repository contains the full copyright notices and license terms. '
    '-->\n')


class ScaffoldError(Exception):
    pass


def _parser():
    # The files are ours, but parse them as any other: no entities, no
    # network
    return etree.XMLParser(resolve_entities=False, no_network=True)


def _read(path):
    from trytond.tools import file_open
    with file_open(path, mode='rb') as file:
        return file.read()


def _records(path, model):
    "Yield the XML id and the fields of the records of the model"
    root = etree.fromstring(_read(path), parser=_parser())
    for record in root.iter('record'):
        if record.get('model') != model:
            continue
        values = {}
        for field in record.iter('field'):
            if field.get('ref'):
                value = field.get('ref')
            elif field.get('eval'):
                value = field.get('eval')
            else:
                value = field.text or ''
            values[field.get('name')] = value
        yield record.get('id'), values


def municipalities():
    "Return the municipalities of ossis_base by code"
    path = 'ossis_base/data/municipality.xml'
    parties = dict(
        (xml_id, values['name'])
        for xml_id, values in _records(path, 'party.party'))
    result = {}
    for xml_id, values in _records(path, 'company.company'):
        name = parties[values['party']]
        name = re.sub(r'^Bashkia\s+', '', name)
        result[values['code']] = Municipality(
            values['code'], name, f'ossis_base.{xml_id}')
    return result


def administrative_units(municipality):
    "Return the administrative units of the municipality, the seat first"
    units = []
    for xml_id, values in _records(
            'ossis_base/data/administrative_unit.xml',
            'ossis.administrative_unit'):
        if values['company'] != municipality.xml_id.split('.', 1)[1]:
            continue
        seat = values.get('seat') == 'True'
        key = 'center' if seat else values['code'].split('.', 1)[1]
        units.append(AdministrativeUnit(
                f'ossis_base.{xml_id}', values['code'], key, values['name'],
                seat))
    units.sort(key=lambda u: (not u.seat, u.code))
    return units


def unit_types():
    "Return the codes of the unit types of ossis_services"
    return {
        values['code'] for _, values in _records(
            'ossis_services/data/unit_type.xml', 'ossis.unit_type')}


def services():
    "Return the rows of the national catalogue, sorted by code"
    from trytond.modules.ossis_services.csv_import import CatalogueReader
    reader = CatalogueReader(
        _read('ossis_services/data/municipal_services.csv'))
    try:
        rows = reader.read()
    except Exception as exception:
        # The messages of the errors need a database
        raise ScaffoldError(
            f"the national catalogue cannot be read: {exception}")
    if reader.errors:
        raise ScaffoldError(
            "the national catalogue has errors: " + '\n'.join(reader.errors))
    return sorted(rows, key=lambda r: r['code'])


def organisation(municipality, units, rows):
    """Return the org units: the management, the One Stop Shop directorate
    with a desk per administrative unit, and a back office unit per kind of
    service of the catalogue"""
    known = unit_types()
    seat = next((u for u in units if u.seat), None)
    seat_id = seat.xml_id if seat else None
    suffix = f" - {municipality.name}"
    org_units = [
        OrgUnit('mayor', "Kabineti i Kryetarit" + suffix, 'management',
            None, seat_id, []),
        OrgUnit('oss', "Drejtoria e Shërbimeve me Një Ndalesë" + suffix,
            'management', None, seat_id, []),
        ]
    for unit in units:
        if unit.seat:
            name = f"Sporteli OSS {unit.name} Qendër"
        else:
            name = f"Sporteli OSS {unit.name}{suffix}"
        org_units.append(OrgUnit(
                f'desk_{unit.key}', name, 'front_office', 'oss',
                unit.xml_id, []))

    back_office = {}
    for row in rows:
        unit_type = row['unit_type']
        code = unit_type['code']
        if code not in known:
            raise ScaffoldError(
                f"service {row['code']}: the unit type {code!r} is not in "
                f"ossis_services/data/unit_type.xml")
        key, name, parent = BACK_OFFICE.get(code) or (
            code, re.sub(r'\s*\([^)]*\)', '', unit_type['name_sq']), None)
        # " / " separates the names of the tree
        name = name.replace(' / ', ', ')
        unit = back_office.setdefault(
            key, OrgUnit(key, name + suffix, 'back_office', parent, seat_id,
                []))
        if code not in unit.unit_types:
            unit.unit_types.append(code)
    keys = {u.key for u in org_units} | set(back_office)
    # Parents first, then their children, each level sorted by key
    children = {}
    for unit in back_office.values():
        parent = unit.parent if unit.parent in keys else None
        children.setdefault(parent, []).append(
            unit._replace(parent=parent, unit_types=sorted(unit.unit_types)))

    def walk(parent):
        for unit in sorted(children.get(parent, []), key=lambda u: u.key):
            yield unit
            yield from walk(unit.key)
    org_units.extend(walk(None))
    # The units under the One Stop Shop directorate (public relations)
    org_units.extend(walk('oss'))
    return org_units


def offer(rows, org_units):
    """Return the offer of every national service with the national
    defaults: (row, fee, days, online, responsible unit key, desk keys)"""
    responsible = {
        code: u.key for u in org_units for code in u.unit_types}
    desks = [u.key for u in org_units if u.type == 'front_office']
    result = []
    for row in rows:
        result.append((
                row,
                row['fee'] if row['fee'] is not None else 0,
                row['legal_days'],
                row['channel_online'] and not row['online_system'],
                responsible[row['unit_type']['code']],
                desks if row['channel_desk'] else []))
    return result


# Rendering

def _comment(text, indent=8):
    "Return the lines of a comment wrapped at 79 columns"
    # "--" may not appear inside a comment
    text = ' '.join(text.replace('--', '-').split()).rstrip('-')
    lines = textwrap.wrap(
        f'<!-- {text} -->',
        width=79, initial_indent=' ' * indent,
        subsequent_indent=' ' * (indent + 5), break_on_hyphens=False)
    return lines


def _field(name, value=None, ref=None, eval_=None):
    if ref is not None:
        return f'<field name="{name}" ref="{ref}"/>'
    if eval_ is not None:
        return f'<field name="{name}" eval={quoteattr(eval_)}/>'
    return f'<field name="{name}">{escape(value)}</field>'


def _record(model, xml_id, fields, indent=8):
    pad = ' ' * indent
    lines = [f'{pad}<record model="{model}" id="{xml_id}">']
    lines += [f'{pad}    {f}' for f in fields]
    lines.append(f'{pad}</record>')
    return lines


def _link(model, xml_id, fields, indent=8):
    "Return a link record on one line: one line to remove to unlink"
    return [' ' * indent + f'<record model="{model}" id="{xml_id}">'
        + ''.join(fields) + '</record>']


def _document(comment, lines):
    return (XML_HEADER + '<tryton>\n'
        + '\n'.join(_comment(comment, indent=4)) + '\n'
        + '    <data noupdate="1">\n' + '\n'.join(lines)
        + '\n    </data>\n</tryton>\n')


def render_org_units(municipality, org_units):
    company = municipality.xml_id
    lines = []
    for sequence, unit in enumerate(org_units, 1):
        if unit.type == 'front_office' and (
                sequence == 1 or org_units[sequence - 2].type
                != 'front_office'):
            lines += _comment("Front desks, one per administrative unit")
        fields = [
            _field('company', ref=company),
            _field('name', unit.name),
            _field('type', unit.type),
            ]
        if unit.parent:
            fields.append(_field('parent', ref=f'org_{unit.parent}'))
        if unit.administrative_unit:
            fields.append(_field(
                    'administrative_unit', ref=unit.administrative_unit))
        fields.append(_field('sequence', eval_=str(sequence * 10)))
        lines += _record('ossis.org_unit', f'org_{unit.key}', fields)
        for code in unit.unit_types:
            lines += _link(
                'ossis.org_unit-ossis.unit_type', f'org_{unit.key}__{code}', [
                    _field('org_unit', ref=f'org_{unit.key}'),
                    _field(
                        'unit_type', ref=f'ossis_services.unit_type_{code}'),
                    ])
    return _document(
            (f"The organisation of the Municipality of "
                f"{municipality.name}: the management, the One Stop Shop "
                f"directorate with its front desks, and the back office "
                f"units with the kinds of services they handle "
                f"(Responsible For)"), lines)


def render_offer(municipality, offers):
    company = municipality.xml_id
    lines = []
    for row, fee, days, online, responsible, desks in offers:
        xml_id = 'offer_' + row['code'].lower().replace('-', '_')
        national_fee = row['fee'] if row['fee'] is not None else "local"
        legal = (f"{row['legal_days']} {row['days_kind']} days"
            if row['legal_days'] is not None else "no deadline")
        channels = ', '.join(c for c, on in [
                ('desk', row['channel_desk']),
                ('online', row['channel_online'])] if on)
        lines += _comment(
            f"{row['code']} {row['name_en']} (national fee: "
            f"{national_fee}; legal deadline: {legal}; {channels})")
        lines += _record('ossis.lgu.service', xml_id, [
                _field('company', ref=company),
                _field('service_code', row['code']),
                _field('fee', eval_=f"Decimal('{fee}')"),
                _field('days', eval_=repr(days)),
                _field('online', eval_=repr(bool(online))),
                _field('responsible_unit', ref=f'org_{responsible}'),
                ])
        for desk in desks:
            lines += _link(
                'ossis.lgu.service-ossis.org_unit', f'{xml_id}__{desk}', [
                    _field('lgu_service', ref=xml_id),
                    _field('desk', ref=f'org_{desk}'),
                    ])
    return _document(
            (f"The services the Municipality of {municipality.name} "
                f"offers, with its local fee in lek, the days it promises "
                f"(never more than the legal deadline), whether citizens "
                f"may apply online, the back office unit that handles them "
                f"and the front desks where they are filed"), lines)


def class_name(code):
    return 'OssisLgu' + ''.join(p.capitalize() for p in code.split('_'))


TRYTON_CFG = """\
[tryton]
version=8.0.0
depends:
    ir
    ossis_base
    ossis_services
xml:
    org_unit.xml
    lgu_service.xml
"""

SQ_PO = """\
#
msgid ""
msgstr "Content-Type: text/plain; charset=utf-8\\n"
"""

TEST_MODULE = HEADER + '''\
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.tools import LGUModuleTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class {class_name}TestCase(
        LGUTestMixin, TranslationTestMixin, LGUModuleTestMixin,
        ModuleTestCase):
    "Test the module of the Municipality of {name}"
    module = '{module}'
    lgu_code = '{code}'


del ModuleTestCase
'''

DOC = """\
{title}

The *{module}* module sets up the Municipality of {name} in OSSIS.
Activating it creates the records below; updating it adds the records
that are new in its files and keeps what the administrator changed (see
*Changing the set-up*).  They all belong to {name}: activating or
updating this module never changes the data of another municipality.

Organisation
============
``org_unit.xml`` holds the org units: the Mayor's Office, the One Stop Shop
directorate with its front desks, and the back office units.  Each back
office unit lists the kinds of services it handles (*Responsible For*): a
national service of that kind is processed there.

Front desks
===========
A front desk stands in an administrative unit, where applications are
received.  The module was generated with a desk in each administrative unit:

{desks}

A municipality that opens fewer desks removes the others, with their lines
in ``lgu_service.xml``.

Offer
=====
``lgu_service.xml`` holds a record per national service that {name}
offers, by service code (``offer_tax_01`` for TAX-01), with its local
settings: the fee in lek (within the national bounds when the catalogue sets
some; the municipal council sets the fees the catalogue leaves empty), the
days promised (never more than the legal deadline), whether citizens may
apply online (only if the service allows it), the responsible unit and the
desks where it is filed.  A comment above each record recalls the national
values.  A service that is not offered has no record.

Staff positions
===============
Staff are people: the municipality administrator creates them as employees,
with their position and their org units.  The positions of the One Stop
Shop are:

- *Drejtor i Drejtorisë së Shërbimeve me Një Ndalesë*: heads the One Stop
  Shop directorate.
- *Operator sporteli*: receives applications at a front desk (role *OSSIS
  Front Office Operator*).
- *Drejtor* or *Përgjegjës sektori*: heads a back office unit (role *OSSIS
  Unit Head*).
- *Specialist*: processes applications in a back office unit (role *OSSIS
  Back Office Specialist*).
- *Administrator i sistemit*: manages the users and the settings of the
  municipality (role *OSSIS Municipality Administrator*).

Changing the set-up
===================
Activating the module sets the municipality up.  From then on its
administrator keeps the set-up current in the web client (fees, deadlines,
desks, org units...): updating the module later does not overwrite what the
administrator changed, and adds only the records that are new in the
module.  The module was generated by ``ossis lgu new {code}``: run it with
``--force`` to start again from the national defaults.
"""


def render_doc(module, municipality, units):
    title = f"OSSIS {municipality.name}"
    title = '#' * len(title) + '\n' + title + '\n' + '#' * len(title)
    desks = '\n'.join(
        f"- {u.name}{' (seat)' if u.seat else ''}" for u in units)
    return DOC.format(
        title=title, module=module, name=municipality.name,
        code=municipality.code, desks=desks)


def render(code):
    "Return the files of the module of the municipality by relative path"
    known = municipalities()
    if code not in known:
        raise ScaffoldError(
            f"unknown municipality {code!r}; the {len(known)} municipalities "
            f"are: {', '.join(sorted(known))}")
    municipality = known[code]
    module = PREFIX + code
    units = administrative_units(municipality)
    rows = services()
    org_units = organisation(municipality, units, rows)
    return module, {
        '__init__.py': HEADER,
        'tryton.cfg': TRYTON_CFG,
        'org_unit.xml': render_org_units(municipality, org_units),
        'lgu_service.xml': render_offer(
            municipality, offer(rows, org_units)),
        'locale/sq.po': SQ_PO,
        'doc/index.rst': render_doc(module, municipality, units),
        'tests/__init__.py': HEADER,
        'tests/test_module.py': TEST_MODULE.format(
            module=module, code=code, name=municipality.name,
            class_name=class_name(code)),
        }


def new(code, addons=None, force=False, pyproject=None):
    """Write the module of the municipality into the addons folder and add
    it to pyproject.toml (unless pyproject is False).  Return its folder."""
    addons = Path(addons) if addons else CHECKOUT / 'addons'
    module, files = render(code)
    folder = addons / module
    if folder.exists() and not force:
        raise ScaffoldError(
            f"{folder} exists; give --force to overwrite its generated files")
    if pyproject is None:
        pyproject = CHECKOUT / 'pyproject.toml'
    if pyproject:
        pyproject = Path(pyproject)
        try:
            relative = folder.resolve().relative_to(
                pyproject.resolve().parent)
        except ValueError:
            raise ScaffoldError(
                f"{folder} is outside the project of {pyproject}: give "
                f"--no-pyproject")
        text = add_to_pyproject(
            pyproject.read_text(encoding='utf-8'), module, relative.as_posix())
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding='utf-8')
    if pyproject:
        pyproject.write_text(text, encoding='utf-8')
    return folder


def add_to_pyproject(text, module, path):
    """Return the pyproject.toml text with the module added to the entry
    points, the packages and the package data; unchanged if it is there"""
    package = f'trytond.modules.{module}'
    tests = f'{package}.tests'
    data = tomllib.loads(text)
    setuptools = data.get('tool', {}).get('setuptools', {})
    entry_points = data.get('project', {}).get(
        'entry-points', {}).get('trytond.modules', {})
    lines = text.splitlines(keepends=True)

    def section_end(header):
        "Index after the last key line of the section"
        start = next(
            (i for i, l in enumerate(lines) if l.strip() == header), None)
        if start is None:
            raise ScaffoldError(f"pyproject.toml has no {header} section")
        end = start + 1
        for i in range(start + 1, len(lines)):
            stripped = lines[i].strip()
            if stripped.startswith('['):
                break
            if stripped and not stripped.startswith('#'):
                end = i + 1
        return end

    def inline(key, closing, addition):
        pattern = re.compile(
            rf'^({re.escape(key)}\s*=\s*.*)({re.escape(closing)})\s*$')
        for i, line in enumerate(lines):
            match = pattern.match(line)
            if match:
                lines[i] = match.group(1) + addition + closing + '\n'
                return
        raise ScaffoldError(
            f"pyproject.toml: {key} is not on one line; add {module} by hand")

    if module not in entry_points:
        end = section_end('[project.entry-points."trytond.modules"]')
        lines.insert(end, f'{module} = "{package}"\n')
    if package not in setuptools.get('package-dir', {}):
        inline('package-dir', '}',
            f', "{package}" = "{path}", "{tests}" = "{path}/tests"')
    if package not in setuptools.get('packages', []):
        inline('packages', ']', f', "{package}", "{tests}"')
    if package not in setuptools.get('package-data', {}):
        end = section_end('[tool.setuptools.package-data]')
        lines.insert(end,
            f'"{package}" = ["tryton.cfg", "*.xml", "locale/*.po", '
            f'"doc/*.rst"]\n')
    result = ''.join(lines)
    tomllib.loads(result)
    return result
