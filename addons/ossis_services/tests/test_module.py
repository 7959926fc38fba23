# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.model import ModelStorage
from trytond.model.exceptions import AccessError
from trytond.modules import create_graph, load_translations
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.csv_import import CatalogueReader
from trytond.modules.ossis_services.exceptions import (
    CatalogueImportError, OfferValidationError, ServiceModificationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import file_open
from trytond.transaction import Transaction

# The texts of the national catalogue that Albanian writes as English does
SAME_IN_ALBANIAN = {'NIPT'}
HEADER = (
    'code,category,name_sq,name_en,applicant_type,legal_basis,'
    'required_documents,fee_all,fee_note,processing_days,days_kind,'
    'responsible_unit,output_document,channel,source,estimated_fields\n')
ROW = (
    'TST-01,Local taxes and tariffs,Shërbim prove,Test service,citizen,'
    'Law 1/2020,application; ID card (copy); power of attorney '
    '(if represented),{fee},,{days},working,'
    'Drejtoria e Provave (Test Directorate),Vërtetim,OSS counter; online,'
    ',\n')


def national_csv():
    with file_open('ossis_services/data/municipal_services.csv', 'rb') as f:
        return f.read()


def catalogue():
    pool = Pool()
    Catalogue = pool.get('ossis.service.catalogue')
    ModelData = pool.get('ir.model.data')
    return Catalogue(ModelData.get_id('ossis_services', 'catalogue_national'))


def published_or_none(code):
    pool = Pool()
    Service = pool.get('ossis.service')
    return Service.get_published([code]).get(code)


def published(code):
    pool = Pool()
    Service = pool.get('ossis.service')
    return Service.get_published([code])[code]


class OssisServicesTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Services module"
    module = 'ossis_services'

    # National catalogue

    @with_transaction()
    def test_national_catalogue_imported(self):
        "Test the national catalogue is imported with its translations"
        pool = Pool()
        Service = pool.get('ossis.service')
        Category = pool.get('ossis.service.category')

        self.assertEqual(Service.search_count([
                    ('state', '=', 'published'),
                    ]), 103)
        self.assertEqual(Category.search_count([]), 16)
        tax = published('TAX-01')
        self.assertEqual(
            tax.name, "Local tax clearance certificate (business)")
        self.assertEqual(tax.version, 1)
        self.assertEqual(tax.legal_days, 1)
        self.assertEqual(tax.days_kind, 'working')
        self.assertEqual(tax.category.code, 'local_taxes_and_tariffs')
        self.assertTrue(tax.documents)
        with Transaction().set_context(language='sq'):
            self.assertTrue(Service(tax.id).name.startswith("Vërtetim"))
        self.assertIsNone(published('GOV-06').legal_days)
        self.assertEqual(published('CIV-02').legal_days, 0)

    @with_transaction()
    def test_national_catalogue_albanian(self):
        "Test every text of the national catalogue reads in Albanian"
        pool = Pool()
        Model = pool.get('ir.model')
        # The Albanian of the records of the modules, as the installation
        # loads it once the language is added
        modules = pool.get('ir.module').search([
                ('state', '=', 'activated'),
                ])
        for node in create_graph({m.name for m in modules}):
            load_translations(pool, node, ['sq'])
        untranslated = []
        for model in Model.search([('module', '=', 'ossis_services')]):
            Record = pool.get(model.name)
            names = [
                n for n, f in Record._fields.items()
                if getattr(f, 'translate', False)
                and not hasattr(f, 'getter')]
            if not names or not issubclass(Record, ModelStorage):
                continue
            ids = [r.id for r in Record.search([])]
            texts = []
            for language in ['en', 'sq']:
                with Transaction().set_context(language=language):
                    texts.append(Record.read(ids, names))
            for english, albanian in zip(*texts):
                for name in names:
                    if english[name] and (
                            not albanian[name]
                            or albanian[name] == english[name]
                            and english[name] not in SAME_IN_ALBANIAN):
                        untranslated.append(
                            f'{model.name},{name} {english[name]!r}')
        self.assertFalse(
            untranslated, f'{len(untranslated)} texts read in English '
            f'in Albanian:\n' + '\n'.join(untranslated[:50]))

    @with_transaction()
    def test_import_albanian_columns(self):
        "Test the Albanian columns of a CSV catalogue are checked"
        pool = Pool()
        DocumentType = pool.get('ossis.document.type')
        transaction = Transaction()
        header = HEADER.replace(
            'required_documents,', 'required_documents,'
            'required_documents_sq,')
        row = ROW.replace(
            '(if represented),', '(if represented),{documents},')

        def rows(*documents):
            return ''.join(
                row.replace('TST-01', f'TST-0{i}').format(
                    documents=d, fee='', days='5')
                for i, d in enumerate(documents, 1))
        translated = 'Kërkesë; Kartë identiteti; Prokurë (nëse përfaqësohet)'

        for content, error in [
                (rows('Kërkesë; Kartë identiteti'),
                    'has 2 items separated by semicolons'),
                (rows('Kërkesë; Kartë identiteti; Prokurë'),
                    'lacks the Albanian condition'),
                (rows(translated, translated.replace('Kërkesë', 'Aplikim')),
                    '"application" is named "Aplikim" here and "Kërkesë" '
                    'on row 2'),
                ]:
            with self.subTest(error=error):
                with self.assertRaises(CatalogueImportError) as cm:
                    catalogue().import_csv(header + content)
                self.assertIn(
                    'column required_documents_sq', cm.exception.message)
                self.assertIn(error, cm.exception.message)
                transaction.rollback()
                self.assertFalse(published_or_none('TST-01'))

        # A document type left untranslated takes the Albanian name
        attorney, = DocumentType.search([('code', '=', 'power_of_attorney')])
        with Transaction().set_context(language='sq'):
            DocumentType.write([attorney], {'name': "Power of attorney"})
        catalogue().import_csv(header + rows(translated))
        with Transaction().set_context(language='sq'):
            service = published('TST-01')
            self.assertEqual(
                [(d.document_type.name, d.condition)
                    for d in service.documents], [
                    ("Kërkesë", None), ("Kartë identiteti", None),
                    ("Prokurë", "nëse përfaqësohet")])

    @with_transaction()
    def test_import_idempotent(self):
        "Test importing the same catalogue again changes nothing"
        pool = Pool()
        Service = pool.get('ossis.service')
        count = Service.search_count([])

        counts = catalogue().import_csv(national_csv())

        self.assertEqual(counts, {
                'created': 0, 'updated': 0, 'unchanged': 103})
        self.assertEqual(Service.search_count([]), count)

    @with_transaction()
    def test_import_new_and_changed_service(self):
        "Test a new service is created and a changed one gets a version"
        pool = Pool()
        Service = pool.get('ossis.service')

        counts = catalogue().import_csv(
            HEADER + ROW.format(fee='500', days='10'))
        self.assertEqual(counts['created'], 1)
        first = published('TST-01')
        self.assertEqual(first.fee, Decimal(500))
        self.assertEqual(
            [d.requirement for d in first.documents],
            ['mandatory', 'mandatory', 'conditional'])
        self.assertEqual(first.documents[2].condition, "if represented")
        self.assertEqual(first.documents[1].form, 'copy')
        self.assertTrue(first.channel_online)

        counts = catalogue().import_csv(
            HEADER + ROW.format(fee='800', days='10'))
        self.assertEqual(counts['updated'], 1)
        second = published('TST-01')
        self.assertEqual(second.version, 2)
        self.assertEqual(second.fee, Decimal(800))
        self.assertEqual(Service(first.id).state, 'retired')
        self.assertEqual(Service(first.id).fee, Decimal(500))

    @with_transaction()
    def test_import_broken_csv(self):
        "Test a broken catalogue lists every error and stores nothing"
        pool = Pool()
        Service = pool.get('ossis.service')
        DocumentType = pool.get('ossis.document.type')
        transaction = Transaction()
        count = Service.search_count([])
        documents = DocumentType.search_count([])
        content = (
            HEADER
            + ROW.format(fee='500', days='10')
            + ROW.format(fee='-3', days='ten')
            + ROW.replace('TST-01', 'bad code').format(fee='', days='5')
            + ROW.replace('citizen', 'alien').replace(
                'TST-01', 'TST-02').format(fee='', days='5'))

        with self.assertRaises(CatalogueImportError) as cm:
            catalogue().import_csv(content)
        message = cm.exception.message
        self.assertIn('5 errors', message)
        for expected in [
                'Row 3, column code', 'Row 3, column fee_all',
                'Row 3, column processing_days', 'Row 4, column code',
                'Row 5, column applicant_type']:
            self.assertIn(expected, message)
        transaction.rollback()

        self.assertEqual(Service.search_count([]), count)
        self.assertEqual(DocumentType.search_count([]), documents)
        self.assertFalse(Service.search([('code', '=', 'TST-01')]))

    @with_transaction()
    def test_import_missing_columns(self):
        "Test a file without the catalogue columns is refused"
        with self.assertRaises(CatalogueImportError) as cm:
            catalogue().import_csv('code,name\nTST-01,Test\n')
        self.assertIn('processing_days', cm.exception.message)

    # Versions

    @with_transaction()
    def test_published_service_is_not_edited(self):
        "Test a published version cannot be changed or deleted"
        pool = Pool()
        Service = pool.get('ossis.service')
        service = published('TAX-01')

        with self.assertRaises(ServiceModificationError):
            Service.write([service], {'legal_days': 5})
        with self.assertRaises(ServiceModificationError):
            Service.delete([service])

    @with_transaction()
    def test_new_version(self):
        "Test a change makes a new version that replaces the published one"
        pool = Pool()
        Service = pool.get('ossis.service')
        service = published('TAX-01')

        Service.new_version([service])
        draft, = Service.search([
                ('code', '=', 'TAX-01'), ('state', '=', 'draft')])
        self.assertEqual(draft.version, 2)
        self.assertEqual(len(draft.documents), len(service.documents))
        Service.write([draft], {'promise_days': 1, 'fee_maximum': 300})
        Service.publish([draft])

        self.assertEqual(published('TAX-01'), draft)
        self.assertEqual(Service(service.id).state, 'retired')

    # Municipal offer

    def offer(self, company, **values):
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        values.setdefault('service_code', 'TAX-01')
        service = pool.get('ossis.service').get_published(
            [values['service_code']]).get(values['service_code'])
        values.setdefault('fee', service.fee or 0 if service else 0)
        values.setdefault('days', service.promise_days if service else 1)
        offer, = Offer.create([dict(company=company.id, **values)])
        return offer

    @with_transaction()
    def test_offer_on_change_service(self):
        "Test choosing the service of an offer in the form fills it in"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        service = published('TAX-05')
        # The client sends the values of the fields the method depends on
        values = {name: None for name in Offer.service.on_change}
        values.update(company=lgu('elbasan').id, service=service.id)

        offer = Offer(**values)
        offer.on_change(['service'])

        self.assertEqual(
            (offer.service_code, offer.days, offer.online), (
                'TAX-05', service.promise_days, service.channel_online))
        # Elbasan has no unit of the kind of the service in this database
        self.assertIsNone(offer.responsible_unit)

    @with_transaction()
    def test_offer_follows_code(self):
        "Test an offer given by code finds its published service"
        pool = Pool()
        Service = pool.get('ossis.service')
        offer = self.offer(lgu('elbasan'))
        self.assertEqual(offer.service, published('TAX-01'))

        Service.new_version([offer.service])
        draft, = Service.search([
                ('code', '=', 'TAX-01'), ('state', '=', 'draft')])
        Service.publish([draft])
        self.assertEqual(offer.__class__(offer.id).service, draft)

    @with_transaction()
    def test_offer_outside_national_bounds(self):
        "Test local settings outside the national bounds are refused"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        Service = pool.get('ossis.service')
        transaction = Transaction()

        for values, message in [
                ({'fee': 500}, '500'),
                ({'days': 10}, '10'),
                ({'service_code': 'NOPE-1'}, 'NOPE-1'),
                ]:
            with self.subTest(values=values):
                Service.new_version([published('TAX-01')])
                draft, = Service.search([
                        ('code', '=', 'TAX-01'), ('state', '=', 'draft')])
                Service.write([draft], {'fee_maximum': 300})
                Service.publish([draft])

                with self.assertRaises(OfferValidationError) as cm:
                    self.offer(lgu('elbasan'), **values)
                self.assertIn(message, cm.exception.message)
                transaction.rollback()
                self.assertFalse(Offer.search([]))

    @with_transaction()
    def test_offer_online_only_if_service_online(self):
        "Test a desk-only service cannot be offered online"
        with self.assertRaises(OfferValidationError):
            self.offer(lgu('elbasan'), service_code='TAX-06', online=True)

    @with_transaction()
    def test_offer_not_online_if_filed_elsewhere(self):
        """Test a service filed through e-Albania is not offered online by
        a municipality, and nothing is stored"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        permit = pool.get('ossis.service').get_published(
            ['URB-01'])['URB-01']
        self.assertEqual(permit.online_system, 'e_albania')
        self.assertTrue(permit.channel_online)
        self.assertFalse(permit.offered_online)
        self.assertEqual(permit.online_system_url, 'https://e-albania.al/')
        with self.assertRaises(OfferValidationError) as cm:
            self.offer(lgu('elbasan'), service_code='URB-01', online=True)
        self.assertIn('e-Albania', cm.exception.message)
        Transaction().rollback()
        self.assertFalse(Offer.search([('service_code', '=', 'URB-01')]))
        offer = self.offer(lgu('elbasan'), service_code='URB-01')
        self.assertFalse(offer.online)
        # Only a channel "online only" through a national system says so
        read = CatalogueReader.read_online_system
        self.assertEqual(read('online only (e-Albania e-Leje)'), 'e_albania')
        for channel in ['OSS counter; e-Albania in some LGUs',
                'OSS counter; online', 'online only']:
            self.assertIsNone(read(channel), channel)

    @with_transaction()
    def test_offer_isolation(self):
        "Test an LGU administrator sees and changes only their offer"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        offer_elbasan = self.offer(elbasan)
        offer_pogradec = self.offer(pogradec)
        admin = create_lgu_user('admin.elbasan', elbasan)

        with as_user(admin):
            self.assertEqual(Offer.search([]), [offer_elbasan])
            Offer.write([Offer(offer_elbasan.id)], {'fee': 100})
            with self.assertRaises(AccessError):
                Offer.write([Offer(offer_pogradec.id)], {'fee': 100})
            with self.assertRaises(AccessError):
                Offer.read([offer_pogradec.id], ['fee'])
        self.assertEqual(Offer(offer_pogradec.id).fee, 0)


del ModuleTestCase
