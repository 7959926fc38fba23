# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import hashlib
import json

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import file_open
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .csv_import import CatalogueReader, slug
from .exceptions import CatalogueImportError


class Catalogue(ModelSQL, ModelView):
    """Service Catalogue

    A catalogue of services imported from a file.  The national catalogue
    shipped with OSSIS is imported when the module is activated.
    """
    __name__ = 'ossis.service.catalogue'
    __string__ = "Service Catalogue"

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    source = fields.Char(
        "Source File", readonly=True,
        help="The file of a module the catalogue is imported from.")
    imported_at = fields.Timestamp("Imported At", readonly=True)
    report = fields.Text("Last Import", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_services.msg_catalogue_code_unique'),
            ]

    @classmethod
    def on_modification(cls, mode, catalogues, field_names=None):
        super().on_modification(mode, catalogues, field_names=field_names)
        if mode == 'create':
            for catalogue in catalogues:
                if catalogue.source:
                    with file_open(catalogue.source, mode='rb') as file:
                        catalogue.import_csv(file.read())

    def import_csv(self, content):
        """Import the services of a CSV file; nothing is stored when a row
        is invalid.  Return the numbers of created, updated and unchanged
        services."""
        reader = CatalogueReader(content)
        rows = reader.read()
        if reader.errors:
            raise CatalogueImportError(gettext(
                    'ossis_services.msg_import_errors',
                    count=len(reader.errors),
                    errors='\n'.join(reader.errors)))
        counts = Importer().apply(rows)
        self.imported_at = dt.datetime.now()
        self.report = gettext('ossis_services.msg_import_report', **counts)
        self.save()
        return counts


class Importer:
    "Store the rows read from a catalogue as versions of services"

    def apply(self, rows):
        pool = Pool()
        Service = pool.get('ossis.service')
        categories = self.categories({r['category'] for r in rows})
        unit_types = self.unit_types([r['unit_type'] for r in rows])
        document_types = self.document_types(
            [d for r in rows for d in r['documents']])

        codes = [r['code'] for r in rows]
        published = Service.get_published(codes)
        drafts = {s.code: s for s in Service.search([
                    ('code', 'in', codes),
                    ('state', '=', 'draft'),
                    ])}
        latest = Service._latest_versions(codes)
        counts = {'created': 0, 'updated': 0, 'unchanged': 0}
        to_save, albanian = [], {}
        for row in rows:
            fingerprint = self.fingerprint(row)
            current = published.get(row['code'])
            if current and current.import_fingerprint == fingerprint:
                counts['unchanged'] += 1
                continue
            service = drafts.get(row['code']) or Service(
                code=row['code'],
                version=latest.get(row['code'], 0) + 1)
            counts['updated' if current else 'created'] += 1
            self.fill(
                service, row, categories, unit_types, document_types)
            service.import_fingerprint = fingerprint
            to_save.append(service)
            albanian[row['code']] = row
        Service.save(to_save)
        self.translate(to_save, albanian)
        Service.publish(to_save)
        return counts

    @staticmethod
    def fingerprint(row):
        values = {k: v for k, v in row.items() if k != 'row'}
        data = json.dumps(values, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()

    def fill(self, service, row, categories, unit_types, document_types):
        pool = Pool()
        LegalBasis = pool.get('ossis.service.legal_basis')
        Document = pool.get('ossis.service.document')
        service.name = row['name_en']
        service.category = categories[row['category']]
        service.applicant_type = row['applicant_type']
        service.legal_bases = [
            LegalBasis(act=act) for act in row['legal_bases']]
        service.documents = [
            Document(
                document_type=document_types[d['code']],
                requirement=d['requirement'],
                condition=d['condition'],
                form=d['form'],
                once_only=False)
            for d in self._unique_documents(row['documents'])]
        service.fee = row['fee']
        service.fee_note = row['fee_note']
        service.legal_days = row['legal_days']
        service.promise_days = row['legal_days']
        service.days_kind = row['days_kind']
        service.unit_type = unit_types[row['unit_type']['code']]
        service.output_document = row['output_document']
        service.channel_desk = row['channel_desk']
        service.channel_online = row['channel_online']
        service.source = row['source']
        service.estimated_fields = row['estimated_fields']

    @staticmethod
    def _unique_documents(documents):
        seen = set()
        for document in documents:
            if document['code'] not in seen:
                seen.add(document['code'])
                yield document

    def translate(self, services, rows):
        "Store the Albanian names given by the catalogue"
        pool = Pool()
        Service = pool.get('ossis.service')
        with Transaction().set_context(language='sq'):
            services = Service.browse(services)
            for service in services:
                row = rows[service.code]
                service.name = row['name_sq']
                service.output_document = row['output_document']
            Service.save(services)

    def categories(self, names):
        pool = Pool()
        Category = pool.get('ossis.service.category')
        codes = {name: slug(name) for name in names}
        found = {c.code: c for c in Category.search([
                    ('code', 'in', list(codes.values())),
                    ])}
        missing = [
            Category(code=code, name=name) for name, code in codes.items()
            if code not in found]
        Category.save(missing)
        found.update({c.code: c for c in missing})
        return {name: found[code] for name, code in codes.items()}

    def unit_types(self, values):
        pool = Pool()
        UnitType = pool.get('ossis.unit_type')
        by_code = {v['code']: v for v in values}
        found = {u.code: u for u in UnitType.search([
                    ('code', 'in', list(by_code)),
                    ])}
        missing = [
            UnitType(code=code, name=v['name_en'])
            for code, v in by_code.items() if code not in found]
        UnitType.save(missing)
        with Transaction().set_context(language='sq'):
            albanian = UnitType.browse(missing)
            for unit_type in albanian:
                unit_type.name = by_code[unit_type.code]['name_sq']
            UnitType.save(albanian)
        found.update({u.code: u for u in missing})
        return found

    def document_types(self, values):
        pool = Pool()
        DocumentType = pool.get('ossis.document.type')
        by_code = {v['code']: v for v in values}
        found = {d.code: d for d in DocumentType.search([
                    ('code', 'in', list(by_code)),
                    ])}
        missing = [
            DocumentType(code=code, name=v['name'], registry=v['registry'])
            for code, v in by_code.items() if code not in found]
        DocumentType.save(missing)
        found.update({d.code: d for d in missing})
        return found


class ImportCSVStart(ModelView):
    "Import Services"
    __name__ = 'ossis.service.catalogue.import_csv.start'

    catalogue = fields.Many2One(
        'ossis.service.catalogue', "Catalogue", required=True)
    file = fields.Binary(
        "File", required=True,
        help="A CSV file in UTF-8 with the columns of the national "
        "catalogue.")


class ImportCSVResult(ModelView):
    "Import Services"
    __name__ = 'ossis.service.catalogue.import_csv.result'

    report = fields.Text("Report", readonly=True)


class ImportCSV(Wizard):
    "Import Services"
    __name__ = 'ossis.service.catalogue.import_csv'

    start = StateView(
        'ossis.service.catalogue.import_csv.start',
        'ossis_services.catalogue_import_csv_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView(
        'ossis.service.catalogue.import_csv.result',
        'ossis_services.catalogue_import_csv_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        if self.model and self.model.__name__ == Catalogue.__name__:
            return {'catalogue': self.record.id if self.record else None}
        return {}

    def transition_import_(self):
        self.start.catalogue.import_csv(self.start.file)
        return 'result'

    def default_result(self, fields):
        return {'report': self.start.catalogue.report}
