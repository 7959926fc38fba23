# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Exchange of catalogues in JSON and export of the offer in CPSV-AP"
import json
import unittest
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_services.exceptions import CatalogueImportError
from trytond.modules.ossis_services.tests.cpsv_ap import (
    CPSVAPTestMixin, literals, nodes_of)
from trytond.modules.ossis_services.tests.test_module import (
    national_csv, published)
from trytond.modules.ossis_services.tests.tools import load_albanian
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


def export(**kwargs):
    "Return the catalogue exported and read back as a file would be"
    pool = Pool()
    Catalogue = pool.get('ossis.service.catalogue')
    return json.loads(json.dumps(Catalogue.export_json(**kwargs)))


def import_(data):
    pool = Pool()
    Catalogue = pool.get('ossis.service.catalogue')
    return Catalogue.import_json(json.dumps(data).encode())


def service_of(data, code):
    service, = [s for s in data['services'] if s['code'] == code]
    return service


def new_service(code='TST-01'):
    "Return a service entry that uses every field of the format"
    return {
        'code': code,
        'version': 1,
        'name': {'en': "Test service", 'sq': "Shërbim prove"},
        'purpose': {
            'en': "Tests the exchange.\nTwo lines.",
            'sq': "Provon shkëmbimin.\nDy rreshta."},
        'category': 'test_children',
        'applicant_type': 'both',
        'legal_bases': [{
                'act': {'en': "Law 1/2020 On tests", 'sq': "Ligji 1/2020"},
                'article': "art. 5",
                'url': "https://qbz.gov.al/eli/ligj/2020/1",
                }],
        'documents': [{
                'document_type': 'test_extract',
                'requirement': 'mandatory',
                'form': 'original',
                'once_only': True,
                }, {
                'document_type': 'test_power_of_attorney',
                'requirement': 'conditional',
                'condition': {
                    'en': "if represented", 'sq': "nëse përfaqësohet"},
                }],
        'fee': '1500.00',
        'fee_minimum': '1000.00',
        'fee_maximum': 2000,
        'fee_note': {'en': "per page", 'sq': "për faqe"},
        'fee_exemptions': [{
                'applicant_category': 'disability',
                'reduction': 50,
                'note': {'en': "with a certificate"},
                }],
        'legal_days': 10,
        'days_kind': 'calendar',
        'promise_days': 5,
        'suspendable': False,
        'silence_rule': 'tacit_approval',
        'output_document': {'en': "Certificate", 'sq': "Vërtetim"},
        'channel_desk': True,
        'channel_online': True,
        'unit_type': 'test_directorate',
        'source': "test",
        'estimated_fields': None,
        }


def new_references(data):
    "Add the categories, unit type and document types of new_service"
    data['categories'] += [{
            'code': 'test_children',
            'name': {'en': "Children", 'sq': "Fëmijë"},
            'parent': 'test_family',
            'sequence': 200,
            }, {
            'code': 'test_family',
            'name': {'en': "Family", 'sq': "Familja"},
            'parent': None,
            'sequence': 190,
            }]
    data['unit_types'].append({
            'code': 'test_directorate',
            'name': {'en': "Test Directorate", 'sq': "Drejtoria e Provave"},
            })
    data['document_types'] += [{
            'code': 'test_extract',
            'name': {'en': "Test extract", 'sq': "Ekstrakt prove"},
            'issuing_authority': {'en': "QKB", 'sq': "QKB"},
            'registry': 'business',
            }, {
            'code': 'test_power_of_attorney',
            'name': {'en': "Power of attorney", 'sq': "Prokurë"},
            'registry': None,
            }]


class ExchangeTestCase(CPSVAPTestMixin, unittest.TestCase):
    "Test the exchange of catalogues and the CPSV-AP export"

    @classmethod
    def setUpClass(cls):
        activate_module('ossis_services')

    # Export

    @with_transaction()
    def test_export_format(self):
        "Test the export holds the published services in both languages"
        data = export()

        self.assertEqual(data['format'], 'ossis-catalogue')
        self.assertEqual(data['version'], 1)
        self.assertEqual(data['catalogue']['code'], 'national')
        self.assertEqual(set(data['catalogue']['name']), {'en', 'sq'})
        self.assertRegex(
            data['exported_at'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
        self.assertEqual(len(data['services']), 103)
        self.assertEqual(len(data['categories']), 16)
        tax = service_of(data, 'TAX-01')
        self.assertEqual(tax['version'], 1)
        self.assertEqual(tax['state'], 'published')
        self.assertEqual(
            tax['name']['en'], "Local tax clearance certificate (business)")
        self.assertTrue(tax['name']['sq'].startswith("Vërtetim"))
        self.assertEqual(tax['category'], 'local_taxes_and_tariffs')
        self.assertEqual(tax['fee'], '0.00')
        self.assertEqual(tax['legal_days'], 1)
        document_types = {d['code'] for d in data['document_types']}
        for document in tax['documents']:
            self.assertIn(document['document_type'], document_types)
        unit_types = {u['code'] for u in data['unit_types']}
        self.assertIn(tax['unit_type'], unit_types)

    @with_transaction()
    def test_export_all_versions(self):
        "Test the history is exported only when asked"
        pool = Pool()
        Service = pool.get('ossis.service')
        Service.new_version([published('TAX-01')])

        self.assertEqual(len(export()['services']), 103)
        states = [
            s['state'] for s in export(all_versions=True)['services']
            if s['code'] == 'TAX-01']
        self.assertEqual(states, ['published', 'draft'])

    # Import

    @with_transaction()
    def test_export_import_idempotent(self):
        "Test importing an export into the same database changes nothing"
        pool = Pool()
        Service = pool.get('ossis.service')
        Catalogue = pool.get('ossis.service.catalogue')
        count = Service.search_count([])
        data = export()

        for _ in range(2):
            counts = import_(data)
            self.assertEqual(counts, {
                    'created': 0, 'updated': 0, 'unchanged': 103})
        self.assertEqual(Service.search_count([]), count)
        self.assertEqual(published('TAX-01').version, 1)
        self.assertIn('103', Catalogue.national().report)

    @with_transaction()
    def test_import_changed_service(self):
        "Test a changed service gets a new published version"
        pool = Pool()
        Service = pool.get('ossis.service')
        data = export()
        first = published('TAX-01')
        tax = service_of(data, 'TAX-01')
        tax['fee'] = 250
        tax['name']['sq'] = "Vërtetim i ri"
        tax['version'] = 7

        counts = import_(data)

        self.assertEqual(counts, {
                'created': 0, 'updated': 1, 'unchanged': 102})
        second = published('TAX-01')
        self.assertEqual(second.version, 2)
        self.assertEqual(second.fee, Decimal(250))
        self.assertEqual(Service(first.id).state, 'retired')
        with Transaction().set_context(language='sq'):
            self.assertEqual(Service(second.id).name, "Vërtetim i ri")
        self.assertEqual(
            [d.document_type for d in second.documents],
            [d.document_type for d in first.documents])

        counts = import_(data)
        self.assertEqual(counts['unchanged'], 103)

    @with_transaction()
    def test_import_new_service(self):
        "Test a new service is created with its references and read back"
        pool = Pool()
        Category = pool.get('ossis.service.category')
        DocumentType = pool.get('ossis.document.type')
        data = export()
        new_references(data)
        data['services'].append(new_service())
        data['catalogue'] = {
            'code': 'shared', 'name': {'en': "Shared", 'sq': "I përbashkët"}}

        counts = import_(data)

        self.assertEqual(counts['created'], 1)
        service = published('TST-01')
        self.assertEqual(service.fee_maximum, Decimal(2000))
        self.assertEqual(service.days_kind, 'calendar')
        self.assertEqual(service.promise_days, 5)
        self.assertFalse(service.suspendable)
        self.assertEqual(
            [d.requirement for d in service.documents],
            ['mandatory', 'conditional'])
        self.assertTrue(service.documents[0].once_only)
        self.assertEqual(service.fee_exemptions[0].reduction, 50)
        children, = Category.search([('code', '=', 'test_children')])
        self.assertEqual(children.parent.code, 'test_family')
        extract, = DocumentType.search([('code', '=', 'test_extract')])
        self.assertEqual(extract.registry, 'business')
        with Transaction().set_context(language='sq'):
            self.assertEqual(
                Category(children.id).name, "Fëmijë")
            service = service.__class__(service.id)
            self.assertEqual(
                service.purpose, "Provon shkëmbimin.\nDy rreshta.")
            self.assertEqual(
                service.documents[1].condition, "nëse përfaqësohet")
            # A missing translation is the English text
            self.assertEqual(
                service.fee_exemptions[0].note, "with a certificate")

        exported = service_of(export(), 'TST-01')
        expected = new_service()
        expected['fee_maximum'] = '2000.00'
        expected['documents'][0]['condition'] = None
        expected['documents'][1].update({'form': 'any', 'once_only': False})
        expected['fee_exemptions'][0]['note']['sq'] = "with a certificate"
        for key, value in expected.items():
            self.assertEqual(exported[key], value, msg=key)

        counts = import_(data)
        self.assertEqual(counts, {
                'created': 0, 'updated': 0, 'unchanged': 104})

    @with_transaction()
    def test_import_updates_references(self):
        "Test an import renames a category but not those of the modules"
        pool = Pool()
        Category = pool.get('ossis.service.category')
        data = export()
        new_references(data)
        import_(data)
        categories = {c['code']: c for c in data['categories']}
        categories['test_family']['name'] = {
            'en': "Families", 'sq': "Familjet"}
        categories['test_children']['parent'] = None
        categories['local_taxes_and_tariffs']['name'] = {
            'en': "Local taxes", 'sq': "Taksat vendore"}

        counts = import_(data)

        self.assertEqual(counts['unchanged'], 103)
        family, = Category.search([('code', '=', 'test_family')])
        self.assertEqual(family.name, "Families")
        with Transaction().set_context(language='sq'):
            self.assertEqual(Category(family.id).name, "Familjet")
        children, = Category.search([('code', '=', 'test_children')])
        self.assertIsNone(children.parent)
        taxes, = Category.search([('code', '=', 'local_taxes_and_tariffs')])
        self.assertEqual(taxes.name, "Local taxes and tariffs")

    @with_transaction()
    def test_import_references_only(self):
        "Test a file without services shares its categories"
        pool = Pool()
        Category = pool.get('ossis.service.category')
        data = export()
        data['services'] = []
        new_references(data)

        counts = import_(data)

        self.assertEqual(counts, {
                'created': 0, 'updated': 0, 'unchanged': 0})
        self.assertTrue(Category.search([('code', '=', 'test_family')]))
        self.assertEqual(len(export()['services']), 103)

    @with_transaction()
    def test_import_as_national_administrator(self):
        "Test a national administrator exports and imports, an LGU one not"
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        data = export()
        new_references(data)
        data['services'].append(new_service())
        national = create_lgu_user(
            'national', lgu('elbasan'), group='group_national_admin')
        local = create_lgu_user('local', lgu('elbasan'))

        with as_user(national):
            self.assertEqual(len(export()['services']), 103)
            counts = import_(data)
        self.assertEqual(counts['created'], 1)
        with as_user(local):
            with self.assertRaises(AccessError):
                Catalogue.import_json(json.dumps(data))

    @with_transaction()
    def test_import_broken(self):
        "Test a broken file lists every error with its path, stores nothing"
        pool = Pool()
        Service = pool.get('ossis.service')
        DocumentType = pool.get('ossis.document.type')
        transaction = Transaction()
        count = Service.search_count([])
        documents = DocumentType.search_count([])
        data = export()
        new_references(data)
        services = data['services']
        services.append(new_service('TST-01'))
        services[0].pop('name')
        services[1]['legal_days'] = "ten"
        services[2]['fee'] = -5
        services[3]['channel_online'] = "yes"
        services[4]['documents'][0]['document_type'] = 'no_such_document'
        services[5]['code'] = services[6]['code']
        services[7]['name'] = "A plain string"
        services[8]['legal_bases'] = {'act': "not a list"}
        services[9]['promise_days'] = services[9]['legal_days'] + 3
        services[10]['colour'] = 'blue'
        services[11]['category'] = 'no_such_category'
        services[-1]['fee'] = '2500'
        data['document_types'][1]['code'] = data['document_types'][0]['code']
        data['categories'][-1]['parent'] = 'test_children'

        with self.assertRaises(CatalogueImportError) as cm:
            import_(data)
        message = cm.exception.message
        expected = [
            'services[0].name',
            'services[1].legal_days',
            'services[2].fee',
            'services[3].channel_online',
            'services[4].documents[0].document_type',
            'services[6].version',
            'services[7].name',
            'services[8].legal_bases',
            'services[9].promise_days',
            'services[10].colour',
            'services[11].category',
            'services[103].fee',
            'document_types[1].code',
            'categories[16].parent',
            'categories[17].parent',
            ]
        for path in expected:
            self.assertIn(path + ':', message)
        self.assertIn(f'{len(expected)} errors', message)
        self.assertIn('no_such_document', message)
        transaction.rollback()

        self.assertEqual(Service.search_count([]), count)
        self.assertEqual(DocumentType.search_count([]), documents)
        self.assertFalse(Service.search([('code', '=', 'TST-01')]))

    @with_transaction()
    def test_import_not_a_catalogue(self):
        "Test a file of another format is refused at once"
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        data = export()

        for content, expected in [
                (b'{"format": ', 'not valid JSON'),
                ('[1, 2]', '$:'),
                (json.dumps(dict(data, format='other')), 'format:'),
                (json.dumps(dict(data, version=2)), 'version:'),
                (json.dumps(dict(data, version='1')), 'version:'),
                (b'\xff\xfe', 'UTF-8'),
                ]:
            with self.subTest(content=content[:20]):
                with self.assertRaises(CatalogueImportError) as cm:
                    Catalogue.import_json(content)
                self.assertIn(expected, cm.exception.message)
                self.assertIn('1 errors', cm.exception.message)

    @with_transaction()
    def test_csv_after_json(self):
        "Test the CSV import finds the services imported from JSON unchanged"
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        import_(export())

        counts = Catalogue.national().import_csv(national_csv())

        self.assertEqual(counts['unchanged'], 103)

    @with_transaction()
    def test_wizards(self):
        "Test the export and import wizards"
        pool = Pool()
        Catalogue = pool.get('ossis.service.catalogue')
        Export = pool.get(
            'ossis.service.catalogue.export_json', type='wizard')
        Import = pool.get(
            'ossis.service.catalogue.import_json', type='wizard')
        catalogue = Catalogue.national()

        with Transaction().set_context(
                active_model=Catalogue.__name__, active_id=catalogue.id,
                active_ids=[catalogue.id]):
            session_id, _, _ = Export.create()
            result = Export.execute(session_id, {
                    'start': {'catalogue': catalogue.id,
                        'all_versions': False},
                    }, 'result')
        values = result['view']['defaults']
        self.assertTrue(values['filename'].startswith('national-'))
        content = values['file']

        session_id, _, _ = Import.create()
        result = Import.execute(session_id, {
                'start': {'file': content},
                }, 'import_')
        self.assertIn('103', result['view']['defaults']['report'])

    # CPSV-AP

    def setup_offer(self):
        "Offer two services in Elbasan at two front desks, one online"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        OrgUnit = pool.get('ossis.org_unit')
        AdministrativeUnit = pool.get('ossis.administrative_unit')
        elbasan = lgu('elbasan')
        units = {u.code: u for u in AdministrativeUnit.search([
                    ('code', 'in', ['elbasan.elbasan', 'elbasan.shirgjan']),
                    ])}
        desks = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': name,
                    'type': 'front_office',
                    'administrative_unit': units[code].id,
                    } for name, code in [
                    ("Sporteli Qendër", 'elbasan.elbasan'),
                    ("Sporteli Shirgjan", 'elbasan.shirgjan'),
                    ]])
        Offer.create([{
                    'company': elbasan.id,
                    'service_code': 'TAX-01',
                    'fee': 100,
                    'days': 1,
                    'online': True,
                    'desks': [('add', [d.id for d in desks])],
                    }, {
                    'company': elbasan.id,
                    'service_code': 'TAX-05',
                    'fee': 0,
                    'days': 20,
                    }])
        # Another municipality's offer is not exported
        Offer.create([{
                    'company': lgu('pogradec').id,
                    'service_code': 'TAX-03',
                    'fee': 0,
                    'days': 5,
                    }])
        return elbasan

    @with_transaction()
    def test_cpsv_ap(self):
        "Test the CPSV-AP export of the offer of a municipality"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        elbasan = self.setup_offer()

        document = json.loads(json.dumps(Offer.cpsv_ap(elbasan)))

        self.assertEqual(set(document), {'@context', '@graph'})
        context = document['@context']
        self.assertEqual(context['cpsv'], 'http://purl.org/vocab/cpsv#')
        self.assertEqual(context['cv'], 'http://data.europa.eu/m8g/')
        self.assertEqual(context['dct'], 'http://purl.org/dc/terms/')
        nodes = {n['@id']: n for n in document['@graph']}
        self.assertEqual(len(nodes), len(document['@graph']))
        for node in document['@graph']:
            self.assertIn('@type', node)
            for key, value in node.items():
                if not key.startswith('@'):
                    self.assertIn(key.split(':')[0], context, msg=key)
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, dict) and '@language' in item:
                        self.assertIn(item['@language'], {'en', 'sq'})
                    if isinstance(item, dict) and set(item) == {'@id'}:
                        if item['@id'].startswith('urn:'):
                            self.assertIn(item['@id'], nodes)

        def of_type(type_):
            return nodes_of(document, type_)

        services = of_type('cpsv:PublicService')
        self.assertEqual(
            [s['dct:identifier'] for s in services], ['TAX-01', 'TAX-05'])
        tax, tax5 = services
        self.assertEqual(
            {t['@language'] for t in tax['dct:title']}, {'en', 'sq'})
        self.assertEqual(
            {t['@language'] for t in tax['dct:description']}, {'en', 'sq'})
        self.assertIn(
            "working days: 1",
            [d for d in tax['dct:description'] if d['@language'] == 'en'][0][
                '@value'])
        self.assertIn(
            "calendar days: 20",
            [d for d in tax5['dct:description']
                if d['@language'] == 'en'][0]['@value'])
        # Working days are no calendar duration: only the text says them
        self.assertNotIn('cv:processingTime', tax)
        self.assertEqual(
            tax5['cv:processingTime'],
            {'@value': 'P20D', '@type': 'xsd:duration'})

        organisation, = of_type('cv:PublicOrganisation')
        self.assertEqual(
            tax['cv:hasCompetentAuthority'], {'@id': organisation['@id']})
        self.assertEqual(organisation['dct:identifier'], 'elbasan')
        self.assertEqual(
            organisation['@type'],
            ['cv:PublicOrganisation', 'org:Organization'])
        country = nodes[organisation['dct:spatial']['@id']]
        self.assertEqual(
            country, {
                '@id': 'http://publications.europa.eu/resource/authority/'
                'country/ALB',
                '@type': 'dct:Location',
                })
        self.assertTrue(organisation['skos:prefLabel'])

        cost = nodes[tax['cv:hasCost']['@id']]
        self.assertEqual(cost['@type'], 'cv:Cost')
        self.assertEqual(
            cost['cv:hasValue'], {'@value': 100.0, '@type': 'xsd:double'})
        currency = nodes[cost['cv:currency']['@id']]
        self.assertEqual(
            currency['@id'],
            'http://publications.europa.eu/resource/authority/currency/ALL')
        self.assertEqual(currency['@type'], 'skos:Concept')

        evidences = [nodes[e['@id']] for e in tax['cpsv:hasInput']]
        self.assertEqual(
            len(evidences), len(published('TAX-01').documents))
        for evidence in evidences:
            self.assertEqual(evidence['@type'], 'cv:Evidence')
            self.assertTrue(evidence['dct:title'])

        channels = [nodes[c['@id']] for c in tax['cv:hasChannel']]
        # Desks are identified by the code of their administrative unit
        self.assertEqual(
            sorted(c['dct:identifier'] for c in channels), [
                'desk-elbasan.elbasan', 'desk-elbasan.shirgjan', 'online'])
        self.assertEqual(
            nodes['urn:ossis:lgu:elbasan:channel:desk-elbasan.shirgjan'][
                'cv:ownedBy'], {'@id': organisation['@id']})
        descriptions = ' '.join(
            d['@value'] for c in channels for d in c['dct:description'])
        self.assertIn("Sporteli Shirgjan", descriptions)
        self.assertIn("Shirgjan", descriptions)
        channel, = [nodes[c['@id']] for c in tax5['cv:hasChannel']]
        self.assertEqual(channel['dct:identifier'], 'desk')

        output = nodes[tax['cpsv:produces']['@id']]
        self.assertEqual(output['@type'], 'cv:Output')
        legal_resources = [
            nodes[r['@id']] for r in tax['cv:hasLegalResource']]
        self.assertEqual(
            {r['@type'] for r in legal_resources}, {'eli:LegalResource'})
        area = nodes[tax['cv:thematicArea']['@id']]
        self.assertEqual(area['@type'], 'skos:Concept')
        self.assertIn(
            {'@value': "Local taxes and tariffs", '@language': 'en'},
            area['skos:prefLabel'])
        self.assertConformsToCPSVAP(document)

    @with_transaction()
    def test_cpsv_ap_names(self):
        "Test the desks of one unit are told apart by their name, and a "
        "municipality without an English name is named in Albanian only"
        pool = Pool()
        Company = pool.get('company.company')
        Offer = pool.get('ossis.lgu.service')
        OrgUnit = pool.get('ossis.org_unit')
        elbasan = self.setup_offer()
        center, = OrgUnit.search([('name', '=', "Sporteli Qendër")])
        OrgUnit.copy([center], {'name': "Sporteli i Tregut"})
        Company.write([elbasan], {'official_name': None})

        document = Offer.cpsv_ap(elbasan)

        tax = nodes_of(document, 'cpsv:PublicService')[0]
        self.assertEqual(tax['cv:hasChannel'][:2], [
                {'@id': 'urn:ossis:lgu:elbasan:channel:'
                    'desk-elbasan.elbasan-sporteli-qender'},
                {'@id': 'urn:ossis:lgu:elbasan:channel:desk-elbasan.shirgjan'},
                ])
        organisation, = nodes_of(document, 'cv:PublicOrganisation')
        self.assertEqual(
            organisation['skos:prefLabel'],
            [{'@value': "Bashkia Elbasan", '@language': 'sq'}])

    @with_transaction()
    def test_cpsv_ap_national_catalogue(self):
        "Test the export of every service of the national catalogue conforms "
        "to CPSV-AP and tags each text with the language it is written in"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        Service = pool.get('ossis.service')
        load_albanian(['ossis_base', 'ossis_services'])
        data = export()
        new_references(data)
        service = new_service()
        # A text with no Albanian version
        service['purpose'] = {'en': "Tests the export."}
        data['services'].append(service)
        import_(data)
        services = {s.code: s for s in Service.search([
                    ('state', '=', 'published'),
                    ])}
        # A municipality offers each service as the catalogue sets it
        tirane = lgu('tirane')
        offers = {}
        for code, service in services.items():
            offer = offers[code] = Offer(company=tirane, service=service)
            offer.fee = service.fee_minimum or 0
            offer.on_change_service()
            if offer.days is None:
                offer.days = service.legal_days
        Offer.save(list(offers.values()))

        document = json.loads(json.dumps(Offer.cpsv_ap(tirane)))

        self.assertConformsToCPSVAP(document)
        exported = {
            s['dct:identifier']: s
            for s in nodes_of(document, 'cpsv:PublicService')}
        self.assertEqual(set(exported), set(services))
        for node, name, texts in literals(document):
            self.assertIn('en', texts, msg=(node['@id'], name))
            self.assertNotEqual(texts['en'], texts.get('sq'), msg=node['@id'])
        test = exported['TST-01']
        self.assertEqual(
            [d['@language'] for d in test['dct:description']], ['en'])
        self.assertEqual(test['dct:title'], [
                {'@value': "Test service", '@language': 'en'},
                {'@value': "Shërbim prove", '@language': 'sq'},
                ])
        output, = [
            n for n in document['@graph']
            if n['@id'] == exported['AGR-02']['cpsv:produces']['@id']]
        self.assertEqual(output['dct:title'], [
                {'@value': "Certificate", '@language': 'en'},
                {'@value': "Vërtetim", '@language': 'sq'},
                ])
        for code, node in exported.items():
            days, kind = offers[code].days, services[code].days_kind
            with self.subTest(service=code):
                if days and kind == 'working':
                    self.assertNotIn('cv:processingTime', node)
                    self.assertIn(
                        f"Afati i shqyrtimit në ditë pune: {days}.",
                        node['dct:description'][-1]['@value'])
                elif days is not None:
                    self.assertEqual(
                        node['cv:processingTime']['@value'], f'P{days}D')

    @with_transaction()
    def test_cpsv_ap_as_lgu_administrator(self):
        "Test an LGU administrator exports only the offer they see"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        elbasan = self.setup_offer()
        admin = create_lgu_user('admin.elbasan', elbasan)

        def services(document):
            return [
                n['dct:identifier'] for n in document['@graph']
                if n['@type'] == 'cpsv:PublicService']

        with as_user(admin):
            self.assertEqual(
                services(Offer.cpsv_ap(elbasan)), ['TAX-01', 'TAX-05'])
            self.assertEqual(services(Offer.cpsv_ap(lgu('pogradec'))), [])

    @with_transaction()
    def test_cpsv_ap_wizard(self):
        "Test the CPSV-AP export wizard writes a JSON-LD file"
        pool = Pool()
        Export = pool.get('ossis.lgu.service.export_cpsv', type='wizard')
        elbasan = self.setup_offer()

        session_id, _, _ = Export.create()
        with Transaction().set_context(companies=[elbasan.id]):
            result = Export.execute(session_id, {
                    'start': {
                        'company': elbasan.id,
                        'date': '2026-01-31',
                        },
                    }, 'result')
        values = result['view']['defaults']
        self.assertEqual(
            values['filename'], 'cpsv-ap-elbasan-2026-01-31.jsonld')
        document = json.loads(values['file'])
        self.assertEqual(len([
                    n for n in document['@graph']
                    if n['@type'] == 'cpsv:PublicService']), 2)
