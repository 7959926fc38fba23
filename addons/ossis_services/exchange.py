# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Exchanging whole catalogues between installations in JSON

The format is described in doc/catalogue_format.rst.  The reader checks the
whole file and collects every error with its path in the file (e.g.
``services[12].legal_days``), so that a file with any error is refused
whole; the exporter writes the fiches that the importer compares.
"""
import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .csv_import import CODE_PATTERN
from .importer import LANGUAGES, SOURCE_LANGUAGE, Importer, amount_of, text_of

FORMAT = 'ossis-catalogue'
VERSION = 1
STATES = ['published', 'retired', 'draft']
# Characters that a one-line text field refuses
LINE_BREAKS = re.compile('[\t\n\r\x0b\x0c]')
_MISSING = object()


def dumps(data):
    "Return the catalogue as UTF-8 JSON bytes"
    return (json.dumps(data, ensure_ascii=False, indent=2) + '\n').encode()


def _show(value):
    "Return a short representation of a value for a message"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 40 else text[:39] + '…'


class CatalogueFileReader:
    """Read a catalogue in the exchange format and collect the errors

    ``read`` returns the catalogue, its categories, unit types and document
    types as entries ready for the importer, and its services as fiches
    with their version and state."""

    def __init__(self, content):
        self.content = content
        self.errors = []
        # The paths of the values in error, not to check them further
        self.failed = set()
        self.choices = self.get_choices()

    @classmethod
    def get_choices(cls):
        "Return the values allowed for each selection, by name"
        pool = Pool()
        Service = pool.get('ossis.service')
        Document = pool.get('ossis.service.document')
        FeeExemption = pool.get('ossis.service.fee_exemption')
        DocumentType = pool.get('ossis.document.type')

        def keys(Model, name):
            return [k for k, _ in Model._fields[name].selection if k]
        return {
            'applicant_type': keys(Service, 'applicant_type'),
            'days_kind': keys(Service, 'days_kind'),
            'silence_rule': keys(Service, 'silence_rule'),
            'online_system': keys(Service, 'online_system'),
            'requirement': keys(Document, 'requirement'),
            'form': keys(Document, 'form'),
            'applicant_category': keys(FeeExemption, 'applicant_category'),
            'registry': keys(DocumentType, 'registry'),
            'state': STATES,
            }

    def error(self, path, message, **kwargs):
        self.failed.add(path)
        self.errors.append(gettext(
                'ossis_services.msg_exchange_error',
                path=path or '$',
                error=gettext(f'ossis_services.{message}', **kwargs)))

    def read(self):
        "Return the content of the file; fill errors"
        data = self.load()
        if data is None:
            if not self.errors:
                self.error('', 'msg_exchange_object')
            return
        if not self.object(data, ''):
            return
        if data.get('format') != FORMAT:
            self.error(
                'format', 'msg_exchange_format',
                value=_show(data.get('format')), format=FORMAT)
            return
        version = data.get('version')
        if type(version) is not int or version != VERSION:
            self.error(
                'version', 'msg_exchange_version',
                value=_show(version), version=VERSION)
            return
        self.keys(data, '', [
                'format', 'version', 'catalogue', 'exported_at',
                'categories', 'unit_types', 'document_types', 'services'])
        self.string(data.get('exported_at'), 'exported_at')
        content = {
            'catalogue': self.read_catalogue(
                data.get('catalogue', _MISSING), 'catalogue'),
            }
        for name, read in [
                ('categories', self.read_category),
                ('unit_types', self.read_unit_type),
                ('document_types', self.read_document_type),
                ('services', self.read_service),
                ]:
            value = data.get(name, [] if name != 'services' else _MISSING)
            content[name] = [
                e for e in (
                    read(item, path) for item, path in self.items(
                        value, name))
                if e is not None]
        self.check_duplicates(content)
        self.check_links(content)
        return content

    def load(self):
        if isinstance(self.content, (dict, list)):
            return self.content
        content = self.content
        if isinstance(content, bytes):
            try:
                content = content.decode('utf-8-sig')
            except UnicodeDecodeError:
                self.error('', 'msg_import_encoding')
                return
        try:
            return json.loads(content)
        except (TypeError, ValueError) as exception:
            self.error('', 'msg_exchange_json', error=str(exception))

    # Values

    def object(self, value, path):
        if value is _MISSING or value is None:
            self.error(path, 'msg_import_required')
            return False
        if not isinstance(value, dict):
            self.error(path, 'msg_exchange_object')
            return False
        return True

    def keys(self, value, path, names):
        for key in value:
            if key not in names:
                self.error(self.join(path, key), 'msg_exchange_field')

    def items(self, value, path):
        "Yield the items of the list with their path"
        if value is _MISSING or value is None:
            self.error(path, 'msg_import_required')
            return
        if not isinstance(value, list):
            self.error(path, 'msg_exchange_list')
            return
        for index, item in enumerate(value):
            yield item, f'{path}[{index}]'

    @staticmethod
    def join(path, key):
        return f'{path}.{key}' if path else key

    def get(self, value, path, key):
        return value.get(key, _MISSING), self.join(path, key)

    def string(self, value, path, required=False, multiline=False):
        "Return the stripped text or None"
        if value is _MISSING or value is None:
            value = None
        elif not isinstance(value, str):
            self.error(path, 'msg_exchange_string', value=_show(value))
            return
        else:
            value = value.strip() or None
        if value is None:
            if required:
                self.error(path, 'msg_import_required')
            return
        if not multiline and LINE_BREAKS.search(value):
            self.error(path, 'msg_exchange_line_break')
            return
        return value

    def code(self, value, path, pattern=None):
        code = self.string(value, path, required=True)
        if code and pattern and not pattern.match(code):
            self.error(path, 'msg_import_code', value=code)
            return
        if code and re.search(r'\s', code):
            self.error(path, 'msg_exchange_code', value=code)
            return
        return code

    def text(self, value, path, required=False, multiline=False):
        "Return the text in each language or None"
        if value is _MISSING or value is None:
            if required:
                self.error(path, 'msg_import_required')
            return
        if not isinstance(value, dict):
            self.error(path, 'msg_exchange_text', value=_show(value))
            return
        self.keys(value, path, LANGUAGES)
        values = {}
        for language in LANGUAGES:
            values[language] = self.string(
                value.get(language), self.join(path, language),
                required=language == SOURCE_LANGUAGE, multiline=multiline)
        if values[SOURCE_LANGUAGE]:
            return text_of(values)

    def integer(
            self, value, path, minimum=0, maximum=None, default=None,
            required=False):
        if value is _MISSING:
            value = default
        if value is None:
            if required:
                self.error(path, 'msg_import_required')
            return
        if type(value) is not int:
            self.error(path, 'msg_exchange_integer', value=_show(value))
            return
        if value < minimum or (maximum is not None and value > maximum):
            self.error(
                path, 'msg_exchange_range', value=value, minimum=minimum,
                maximum=maximum if maximum is not None else '∞')
            return
        return value

    def boolean(self, value, path, default):
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(path, 'msg_exchange_boolean', value=_show(value))
            return default
        return value

    def amount(self, value, path):
        "Return the amount as a string with two decimals or None"
        if value is _MISSING or value is None:
            return
        amount = None
        if isinstance(value, (int, float, str)) and not isinstance(
                value, bool):
            try:
                amount = Decimal(str(value).strip())
            except InvalidOperation:
                pass
        if (amount is None or not amount.is_finite()
                or not 0 <= amount < 10 ** 14
                or amount != amount.quantize(Decimal('0.01'))):
            self.error(path, 'msg_import_amount', value=_show(value))
            return
        return amount_of(amount)

    def choice(self, value, path, name, default=_MISSING):
        "Return the value if it is one of the choices of the name"
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.error(path, 'msg_import_required')
                return
            return default
        choices = self.choices[name]
        if value not in choices:
            self.error(
                path, 'msg_import_choice', value=_show(value),
                choices=', '.join(choices))
            return
        return value

    def date(self, value, path):
        value = self.string(value, path)
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                self.error(path, 'msg_exchange_date', value=value)
                return
        return value

    # Entries

    def read_catalogue(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, ['code', 'name'])
        return {
            'code': self.code(*self.get(value, path, 'code')),
            'name': self.text(*self.get(value, path, 'name'), required=True),
            }

    def read_category(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, ['code', 'name', 'parent', 'sequence'])
        parent, parent_path = self.get(value, path, 'parent')
        return {
            'path': path,
            'code': self.code(*self.get(value, path, 'code')),
            'name': self.text(*self.get(value, path, 'name'), required=True),
            'parent': (
                self.code(parent, parent_path)
                if parent not in (None, _MISSING) else None),
            'sequence': self.integer(*self.get(value, path, 'sequence')),
            }

    def read_unit_type(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, ['code', 'name'])
        return {
            'path': path,
            'code': self.code(*self.get(value, path, 'code')),
            'name': self.text(*self.get(value, path, 'name'), required=True),
            }

    def read_document_type(self, value, path):
        if not self.object(value, path):
            return
        self.keys(
            value, path, ['code', 'name', 'issuing_authority', 'registry'])
        registry, registry_path = self.get(value, path, 'registry')
        return {
            'path': path,
            'code': self.code(*self.get(value, path, 'code')),
            'name': self.text(*self.get(value, path, 'name'), required=True),
            'issuing_authority': self.text(
                *self.get(value, path, 'issuing_authority')),
            'registry': self.choice(
                registry, registry_path, 'registry', default=None),
            }

    def read_service(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, [
                'code', 'version', 'state', 'published_date', 'name',
                'purpose', 'category', 'applicant_type', 'legal_bases',
                'documents', 'fee', 'fee_minimum', 'fee_maximum', 'fee_note',
                'fee_exemptions', 'legal_days', 'days_kind', 'promise_days',
                'suspendable', 'silence_rule', 'output_document',
                'channel_desk', 'channel_online', 'online_system',
                'unit_type', 'source', 'estimated_fields'])

        def get(key):
            return self.get(value, path, key)

        code = self.code(*get('code'), pattern=CODE_PATTERN)
        version = self.integer(*get('version'), minimum=1, required=True)
        state = self.choice(*get('state'), 'state', default='published')
        published_date = self.date(*get('published_date'))
        fiche = {
            'code': code,
            'name': self.text(*get('name'), required=True),
            'purpose': self.text(*get('purpose'), multiline=True),
            'category': self.code(*get('category')),
            'applicant_type': self.choice(
                *get('applicant_type'), 'applicant_type'),
            'legal_bases': [
                b for b in (
                    self.read_legal_basis(*i) for i in self.items(
                        *self.list_of(*get('legal_bases'))))
                if b],
            'documents': [
                d for d in (
                    self.read_document(*i) for i in self.items(
                        *self.list_of(*get('documents'))))
                if d],
            'fee': self.amount(*get('fee')),
            'fee_minimum': self.amount(*get('fee_minimum')),
            'fee_maximum': self.amount(*get('fee_maximum')),
            'fee_note': self.text(*get('fee_note')),
            'fee_exemptions': [
                e for e in (
                    self.read_exemption(*i) for i in self.items(
                        *self.list_of(*get('fee_exemptions'))))
                if e],
            'legal_days': self.integer(*get('legal_days')),
            'days_kind': self.choice(
                *get('days_kind'), 'days_kind', default='working'),
            'promise_days': None,
            'suspendable': self.boolean(*get('suspendable'), default=True),
            'silence_rule': self.choice(
                *get('silence_rule'), 'silence_rule', default='none'),
            'output_document': self.text(*get('output_document')),
            'channel_desk': self.boolean(*get('channel_desk'), default=True),
            'channel_online': self.boolean(
                *get('channel_online'), default=False),
            'online_system': self.choice(
                *get('online_system'), 'online_system', default=None),
            'unit_type': self.code(*get('unit_type')),
            'source': self.string(*get('source')),
            'estimated_fields': self.string(*get('estimated_fields')),
            }
        # Without a promise, the municipalities promise the legal deadline
        promise_days, promise_path = get('promise_days')
        fiche['promise_days'] = self.integer(
            promise_days, promise_path, default=fiche['legal_days'])
        self.check_service(fiche, path, promise_path)
        return {
            'path': path,
            'version': version,
            'state': state,
            'published_date': published_date,
            'fiche': fiche,
            }

    @staticmethod
    def list_of(value, path):
        "Return an empty list for a missing list of lines"
        return ([] if value is _MISSING or value is None else value), path

    def read_legal_basis(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, ['act', 'article', 'url'])
        return {
            'act': self.text(*self.get(value, path, 'act'), required=True),
            'article': self.string(*self.get(value, path, 'article')),
            'url': self.string(*self.get(value, path, 'url')),
            }

    def read_document(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, [
                'document_type', 'requirement', 'condition', 'form',
                'once_only'])
        requirement = self.choice(
            *self.get(value, path, 'requirement'), 'requirement',
            default='mandatory')
        condition, condition_path = self.get(value, path, 'condition')
        return {
            'path': path,
            'document_type': self.code(
                *self.get(value, path, 'document_type')),
            'requirement': requirement,
            'condition': self.text(
                condition, condition_path,
                required=requirement == 'conditional'),
            'form': self.choice(
                *self.get(value, path, 'form'), 'form', default='any'),
            'once_only': self.boolean(
                *self.get(value, path, 'once_only'), default=False),
            }

    def read_exemption(self, value, path):
        if not self.object(value, path):
            return
        self.keys(value, path, ['applicant_category', 'reduction', 'note'])
        reduction, reduction_path = self.get(value, path, 'reduction')
        return {
            'applicant_category': self.choice(
                *self.get(value, path, 'applicant_category'),
                'applicant_category'),
            'reduction': self.integer(
                reduction, reduction_path, minimum=1, maximum=100,
                default=100, required=True),
            'note': self.text(*self.get(value, path, 'note')),
            }

    # Checks across values

    def check_service(self, fiche, path, promise_path):
        "Check the rules of a service that tie several of its values"

        def failed(*names):
            return any(self.join(path, n) in self.failed for n in names)

        amounts = {
            k: Decimal(fiche[k]) for k in ['fee', 'fee_minimum', 'fee_maximum']
            if fiche[k] is not None}
        low, high = amounts.get('fee_minimum'), amounts.get('fee_maximum')
        if failed('fee', 'fee_minimum', 'fee_maximum'):
            pass
        elif low is not None and high is not None and low > high:
            self.error(
                self.join(path, 'fee_minimum'), 'msg_exchange_fee_bounds')
        elif 'fee' in amounts and (
                (low is not None and amounts['fee'] < low)
                or (high is not None and amounts['fee'] > high)):
            self.error(self.join(path, 'fee'), 'msg_exchange_fee_outside')
        legal_days, promise_days = fiche['legal_days'], fiche['promise_days']
        if failed('legal_days', 'promise_days'):
            pass
        elif (legal_days is None) != (promise_days is None) or (
                legal_days is not None and promise_days > legal_days):
            self.error(promise_path, 'msg_exchange_promise')
        if not failed('channel_desk', 'channel_online') and not (
                fiche['channel_desk'] or fiche['channel_online']):
            self.error(self.join(path, 'channel_desk'), 'msg_exchange_channel')
        seen = {}
        for document in fiche['documents']:
            code = document['document_type']
            if code is None:
                continue
            if code in seen:
                self.error(
                    self.join(document['path'], 'document_type'),
                    'msg_exchange_duplicate', code=code, other=seen[code])
            seen.setdefault(code, document['path'])

    def check_duplicates(self, content):
        for name in ['categories', 'unit_types', 'document_types']:
            seen = {}
            for entry in content[name]:
                code = entry['code']
                if code in seen:
                    self.error(
                        self.join(entry['path'], 'code'),
                        'msg_exchange_duplicate', code=code, other=seen[code])
                seen.setdefault(code, entry['path'])
        # A file may hold the history of a service, but only one version
        # of each code is published
        versions, published = {}, {}
        for service in content['services']:
            code, path = service['fiche']['code'], service['path']
            if not code:
                continue
            key = (code, service['version'])
            if key in versions:
                self.error(
                    self.join(path, 'version'), 'msg_exchange_duplicate',
                    code=f'{code} v{service["version"]}', other=versions[key])
            elif service['state'] == 'published' and code in published:
                self.error(
                    self.join(path, 'code'), 'msg_exchange_duplicate',
                    code=code, other=published[code])
            if service['version'] is not None:
                versions.setdefault(key, path)
            if service['state'] == 'published':
                published.setdefault(code, path)

    def check_links(self, content):
        """Check that every code a file links to is in the file or in the
        database"""
        pool = Pool()
        Category = pool.get('ossis.service.category')
        UnitType = pool.get('ossis.unit_type')
        DocumentType = pool.get('ossis.document.type')
        services = [s['fiche'] for s in content['services']]

        def known(Model, name, wanted, value=lambda r: True):
            "Return the codes of the file and those wanted of the database"
            codes = {e['code']: value(e) for e in content[name] if e['code']}
            wanted = {c for c in wanted if c and c not in codes}
            with Transaction().set_context(active_test=False):
                codes.update({r.code: value(r) for r in Model.search([
                                ('code', 'in', list(wanted)),
                                ])})
            return codes

        def registry(entry):
            if isinstance(entry, dict):
                return entry['registry']
            return entry.registry

        categories = known(
            Category, 'categories',
            {c['parent'] for c in content['categories']}
            | {s['category'] for s in services})
        unit_types = known(
            UnitType, 'unit_types', {s['unit_type'] for s in services})
        document_types = known(
            DocumentType, 'document_types',
            {d['document_type'] for s in services for d in s['documents']},
            registry)

        def check(Model, codes, code, path):
            if code and code not in codes:
                self.error(
                    path, 'msg_exchange_unknown', code=code,
                    model=Model.__names__()['model'])

        parents = {c['code']: c['parent'] for c in content['categories']}
        for category in content['categories']:
            path = self.join(category['path'], 'parent')
            check(Category, categories, category['parent'], path)
            code, seen = category['parent'], {category['code']}
            while code in parents and code not in seen:
                seen.add(code)
                code = parents[code]
            if code in seen:
                self.error(path, 'msg_exchange_parent_loop', code=code)
        for service in content['services']:
            fiche, path = service['fiche'], service['path']
            check(
                Category, categories, fiche['category'],
                self.join(path, 'category'))
            check(
                UnitType, unit_types, fiche['unit_type'],
                self.join(path, 'unit_type'))
            for document in fiche['documents']:
                # The path of a line is only for the messages
                document_path = document.pop('path')
                code = document['document_type']
                check(
                    DocumentType, document_types, code,
                    self.join(document_path, 'document_type'))
                if (document['once_only'] and code in document_types
                        and not document_types[code]):
                    self.error(
                        self.join(document_path, 'once_only'),
                        'msg_exchange_registry', code=code)


class Exporter:
    "Write a catalogue in the exchange format"

    def export(self, catalogue, all_versions=False):
        pool = Pool()
        Service = pool.get('ossis.service')
        states = STATES if all_versions else ['published']
        services = Service.search([
                ('state', 'in', states),
                ], order=[('code', 'ASC'), ('version', 'ASC')])
        fiches = Importer.fiches(services)
        return {
            'format': FORMAT,
            'version': VERSION,
            'catalogue': {
                'code': catalogue.code,
                'name': self.texts([catalogue], ['name'])[0]['name'],
                },
            'exported_at': dt.datetime.now(dt.timezone.utc).strftime(
                '%Y-%m-%dT%H:%M:%SZ'),
            'categories': self.categories(services),
            'unit_types': self.unit_types(services),
            'document_types': self.document_types(services),
            'services': [
                self.service(s, f) for s, f in zip(services, fiches)],
            }

    @staticmethod
    def service(service, fiche):
        fiche = fiche.copy()
        entry = {
            'code': fiche.pop('code'),
            'version': service.version,
            'state': service.state,
            'published_date': (
                service.published_date.isoformat()
                if service.published_date else None),
            }
        entry.update(fiche)
        return entry

    @staticmethod
    def texts(records, names):
        "Return the texts of the records in each language"
        Model = records[0].__class__
        versions = {}
        for language in LANGUAGES:
            with Transaction().set_context(language=language):
                versions[language] = Model.browse(records)
        return [{
                n: text_of({l: getattr(versions[l][i], n) for l in LANGUAGES})
                for n in names} for i in range(len(records))]

    def references(self, Model, codes, names):
        "Return the active records and those the codes name, by code"
        with Transaction().set_context(active_test=False):
            records = Model.search(['OR',
                    ('active', '=', True),
                    ('code', 'in', list(codes)),
                    ], order=[('code', 'ASC')])
        return records, self.texts(records, names) if records else []

    def categories(self, services):
        pool = Pool()
        Category = pool.get('ossis.service.category')
        codes = {s.category.code for s in services}
        records, texts = self.references(Category, codes, ['name'])
        by_code = {c.code: c for c in records}
        # Parents before their children
        depth = {}
        for category in records:
            parent, level = category.parent, 0
            while parent and level < len(records):
                parent, level = parent.parent, level + 1
            depth[category.code] = level
        entries = [{
                'code': c.code,
                'name': t['name'],
                'parent': c.parent.code if c.parent else None,
                'sequence': c.sequence,
                } for c, t in zip(records, texts)]
        for entry in entries:
            parent = entry['parent']
            if parent and parent not in by_code:
                entry['parent'] = None
        return sorted(entries, key=lambda e: (
                depth[e['code']],
                e['sequence'] if e['sequence'] is not None else 0,
                e['code']))

    def unit_types(self, services):
        pool = Pool()
        UnitType = pool.get('ossis.unit_type')
        codes = {s.unit_type.code for s in services}
        records, texts = self.references(UnitType, codes, ['name'])
        return [{
                'code': u.code,
                'name': t['name'],
                } for u, t in zip(records, texts)]

    def document_types(self, services):
        pool = Pool()
        DocumentType = pool.get('ossis.document.type')
        codes = {d.document_type.code for s in services for d in s.documents}
        records, texts = self.references(
            DocumentType, codes, ['name', 'issuing_authority'])
        return [{
                'code': d.code,
                'name': t['name'],
                'issuing_authority': t['issuing_authority'],
                'registry': d.registry or None,
                } for d, t in zip(records, texts)]


class ExportJSONStart(ModelView):
    "Export Catalogue"
    __name__ = 'ossis.service.catalogue.export_json.start'

    catalogue = fields.Many2One(
        'ossis.service.catalogue', "Catalogue", required=True,
        help="The catalogue whose code and name the file carries.")
    all_versions = fields.Boolean(
        "All Versions",
        help="Check to export the retired and draft versions too; "
        "otherwise only the published versions are exported.")


class ExportJSONResult(ModelView):
    "Export Catalogue"
    __name__ = 'ossis.service.catalogue.export_json.result'

    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class ExportJSON(Wizard):
    "Export Catalogue"
    __name__ = 'ossis.service.catalogue.export_json'

    start = StateView(
        'ossis.service.catalogue.export_json.start',
        'ossis_services.catalogue_export_json_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'result', 'tryton-ok', default=True),
            ])
    result = StateView(
        'ossis.service.catalogue.export_json.result',
        'ossis_services.catalogue_export_json_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        if (self.model and self.model.__name__ == Catalogue.__name__
                and self.record):
            catalogue = self.record
        else:
            catalogue = Catalogue.national()
        return {'catalogue': catalogue.id}

    def default_result(self, fields):
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        catalogue = self.start.catalogue
        data = Catalogue.export_json(
            catalogue, all_versions=self.start.all_versions)
        return {
            'file': dumps(data),
            'filename': f'{catalogue.code}-{data["exported_at"][:10]}.json',
            }


class ImportJSONStart(ModelView):
    "Import Catalogue"
    __name__ = 'ossis.service.catalogue.import_json.start'

    file = fields.Binary(
        "File", required=True,
        help="A catalogue exported by OSSIS, in JSON.")


class ImportJSONResult(ModelView):
    "Import Catalogue"
    __name__ = 'ossis.service.catalogue.import_json.result'

    report = fields.Text("Report", readonly=True)


class ImportJSON(Wizard):
    "Import Catalogue"
    __name__ = 'ossis.service.catalogue.import_json'

    start = StateView(
        'ossis.service.catalogue.import_json.start',
        'ossis_services.catalogue_import_json_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView(
        'ossis.service.catalogue.import_json.result',
        'ossis_services.catalogue_import_json_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        self.result.report = gettext(
            'ossis_services.msg_import_report',
            **Catalogue.import_json(self.start.file))
        return 'result'

    def default_result(self, fields):
        return {'report': self.result.report}
