# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import file_open
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .csv_import import CatalogueReader
from .exceptions import CatalogueImportError
from .exchange import CatalogueFileReader, Exporter
from .importer import (
    LANGUAGES, SOURCE_LANGUAGE, Importer, fiche_of_row, references_of_rows)


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
        self.check_import_access()
        reader = CatalogueReader(content)
        rows = reader.read()
        if reader.errors:
            raise CatalogueImportError(gettext(
                    'ossis_services.msg_import_errors',
                    count=len(reader.errors),
                    errors='\n'.join(reader.errors)))
        categories, unit_types, document_types = references_of_rows(rows)
        counts = Importer().store(
            [fiche_of_row(r) for r in rows],
            categories, unit_types, document_types)
        self.imported(counts)
        return counts

    def imported(self, counts):
        "Record the report of an import"
        self.imported_at = dt.datetime.now()
        self.report = gettext('ossis_services.msg_import_report', **counts)
        self.save()

    @classmethod
    def export_json(cls, catalogue=None, all_versions=False):
        """Return the catalogue in the OSSIS exchange format (see
        doc/catalogue_format.rst) as a dictionary ready for JSON

        It holds the published services, or every version if asked, with
        the categories, unit types and document types they need."""
        if catalogue is None:
            catalogue = cls.national()
        return Exporter().export(catalogue, all_versions=all_versions)

    @classmethod
    def import_json(cls, data):
        """Import a catalogue in the OSSIS exchange format, given as JSON
        text, bytes or an already decoded dictionary

        The whole file is checked first: nothing is stored when it has an
        error, and every error is listed with its path in the file.  A
        service whose fiche is unchanged keeps its version; a changed one
        gets a new published version.  Return the numbers of created,
        updated and unchanged services."""
        cls.check_import_access()
        reader = CatalogueFileReader(data)
        content = reader.read()
        if reader.errors:
            raise CatalogueImportError(gettext(
                    'ossis_services.msg_import_errors',
                    count=len(reader.errors),
                    errors='\n'.join(reader.errors)))
        counts = Importer(update=True).store(
            [s['fiche'] for s in content['services']
                if s['state'] == 'published'],
            content['categories'], content['unit_types'],
            content['document_types'])
        catalogue = cls.get_or_create(content['catalogue'])
        catalogue.imported(counts)
        return counts

    @classmethod
    def check_import_access(cls):
        """Refuse an import to those who may not change the catalogues,
        before it changes any service"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'write')

    @classmethod
    def national(cls):
        "Return the national catalogue shipped with OSSIS"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return cls(ModelData.get_id('ossis_services', 'catalogue_national'))

    @classmethod
    def get_or_create(cls, values):
        "Return the catalogue of the code, created with the name if missing"
        catalogues = cls.search([('code', '=', values['code'])], limit=1)
        if catalogues:
            return catalogues[0]
        name = values['name']
        with Transaction().set_context(language=SOURCE_LANGUAGE):
            catalogue = cls(code=values['code'], name=name[SOURCE_LANGUAGE])
            catalogue.save()
        for language in LANGUAGES[1:]:
            if name[language] != name[SOURCE_LANGUAGE]:
                with Transaction().set_context(language=language):
                    catalogue = cls(catalogue.id)
                    catalogue.name = name[language]
                    catalogue.save()
        return cls(catalogue.id)


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
