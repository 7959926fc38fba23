# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test the service fiche and the manual of administrative procedures"
import io
import re
import time
import unittest
from decimal import Decimal

from pypdf import PdfReader

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_services.tests.tools import pdf_fonts
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def pages(content):
    "Return the text of each page of the PDF, with spaces normalised"
    reader = PdfReader(io.BytesIO(content))
    return [' '.join(p.extract_text().split()) for p in reader.pages]


def setup_lgu(code, desks):
    """Create the org units of the municipality: a back office unit and a
    front desk in each administrative unit named by desks"""
    pool = Pool()
    OrgUnit = pool.get('ossis.org_unit')
    AdministrativeUnit = pool.get('ossis.administrative_unit')
    company = lgu(code)
    back_office, = OrgUnit.create([{
                'company': company.id,
                'name': f"Local Services Directorate {code.title()}",
                'type': 'back_office',
                }])
    front_desks = []
    for unit_code, name in desks:
        unit, = AdministrativeUnit.search([
                ('code', '=', f'{code}.{unit_code}'),
                ])
        front_desks.append({
                'company': company.id,
                'name': name,
                'type': 'front_office',
                'administrative_unit': unit.id,
                })
    return company, back_office, OrgUnit.create(front_desks)


def offer(company, code, fee, days, back_office, desks, **values):
    "Offer the published service of the code in the municipality"
    pool = Pool()
    Offer = pool.get('ossis.lgu.service')
    offer, = Offer.create([{
                'company': company.id,
                'service_code': code,
                'fee': fee,
                'days': days,
                'responsible_unit': back_office.id,
                'desks': [('add', [d.id for d in desks])],
                **values,
                }])
    return offer


def create_service():
    """Create and publish a service with every kind of document, a fee
    exemption, a legal basis with an article and tacit approval"""
    pool = Pool()
    Service = pool.get('ossis.service')
    Category = pool.get('ossis.service.category')
    UnitType = pool.get('ossis.unit_type')
    DocumentType = pool.get('ossis.document.type')
    birth, plan = DocumentType.create([{
                'code': 'test_birth_certificate',
                'name': "Birth certificate of the child",
                'registry': 'civil',
                }, {
                'code': 'test_site_plan',
                'name': "Site plan",
                }])
    service, = Service.create([{
                'code': 'TST-01',
                'name': "Kindergarten enrolment",
                'purpose': "A place for a child in a public kindergarten.",
                'category': Category.search([], limit=1)[0].id,
                'applicant_type': 'citizen',
                'unit_type': UnitType.search([], limit=1)[0].id,
                'fee': None,
                'fee_minimum': Decimal(0),
                'fee_maximum': Decimal(3000),
                'fee_note': "Monthly fee for meals",
                'legal_days': 20,
                'promise_days': 15,
                'days_kind': 'working',
                'silence_rule': 'tacit_approval',
                'output_document': "Enrolment decision",
                'channel_desk': True,
                'channel_online': True,
                'estimated_fields': 'fee_all; processing_days',
                'legal_bases': [('create', [{
                                'act': "Law 69/2012 On pre-university "
                                "education",
                                'article': "art. 28",
                                }])],
                'documents': [('create', [{
                                'document_type': birth.id,
                                'requirement': 'mandatory',
                                'form': 'copy',
                                'once_only': True,
                                }, {
                                'document_type': plan.id,
                                'requirement': 'conditional',
                                'condition': "if the child has special needs",
                                'form': 'original',
                                }])],
                'fee_exemptions': [('create', [{
                                'applicant_category': 'social_aid',
                                'reduction': 100,
                                }, {
                                'applicant_category': 'orphan',
                                'reduction': 50,
                                'note': "on request",
                                }])],
                }])
    Service.publish([service])
    return service


def translate(record, field_name, text, language='sq'):
    """Store the translation of the field of the record, as the Albanian
    translation of a module would"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    Message = pool.get('ir.message')
    name = f'{record.__name__},{field_name}'
    Translation.delete(Translation.search([
                ('lang', '=', language),
                ('name', '=', name),
                ('type', '=', 'model'),
                ('res_id', '=', record.id),
                ]))
    Translation.create([{
                'lang': language,
                'name': name,
                'type': 'model',
                'res_id': record.id,
                'src': getattr(record, field_name),
                'value': text,
                'fuzzy': False,
                }])
    Message._message_cache.clear()


def translate_message(message_id, text, language='sq'):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Message = pool.get('ir.message')
    message = Message(ModelData.get_id('ossis_services', message_id))
    translate(message, 'text', text, language)


def outline(content):
    "Return the page number of each entry of the outline of the PDF"
    reader = PdfReader(io.BytesIO(content))

    def entries(items):
        for item in items:
            if isinstance(item, list):
                yield from entries(item)
            else:
                yield item.title, reader.get_destination_page_number(item) + 1
    return dict(entries(reader.outline))


def contents_pages(text):
    "Return the page number of each entry of the printed contents"
    # pypdf gives the dots and the page number before the title
    text = re.sub(r'(\s*\.)+\s*', ' ', text)
    return {
        title.strip(): int(page)
        for page, title in re.findall(r'(\d+)\s+([^\d]+)', text)}


class FicheTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the service fiche and the manual of administrative procedures"

    module = 'ossis_services'

    def setup_offers(self):
        """Offer BUS-01 and TAX-05 in Elbasan and BUS-01 in Pogradec, with
        local fees and deadlines"""
        elbasan, back_elbasan, desks_elbasan = setup_lgu('elbasan', [
                ('elbasan', "Elbasan Main Desk"),
                ('shirgjan', "Shirgjan Desk"),
                ])
        pogradec, back_pogradec, desks_pogradec = setup_lgu('pogradec', [
                ('pogradec', "Pogradec Town Hall Desk"),
                ])
        self.elbasan, self.pogradec = elbasan, pogradec
        self.permit = offer(
            elbasan, 'BUS-01', Decimal(1500), 10, back_elbasan,
            desks_elbasan)
        self.appeal = offer(
            elbasan, 'TAX-05', Decimal(0), 30, back_elbasan,
            desks_elbasan[:1])
        self.permit_pogradec = offer(
            pogradec, 'BUS-01', Decimal(2000), 12, back_pogradec,
            desks_pogradec)

    @with_transaction()
    def test_fiche_english(self):
        "Test the English fiche of a municipal service"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        self.setup_offers()

        text = ' '.join(pages(Fiche.render_pdf([self.permit], 'en')))

        for expected in [
                "Municipality of Elbasan",
                "Local permit to operate a commercial or service activity",
                "Service BUS-01",
                "What the service is",
                "Who may apply: Businesses",
                "Handled by: Local Services Directorate Elbasan",
                "How to apply",
                "Pay the fee of 1,500 lek and keep the receipt.",
                "Required documents",
                "Fee: 1,500 lek",
                "Legal deadline: 15 working days *",
                "Service promise: 10 working days",
                "Working days do not include weekends",
                "If there is no answer in time",
                "Where to apply",
                "Elbasan Elbasan Main Desk",
                "Shirgjan Shirgjan Desk",
                "This service cannot be requested online.",
                "How to complain",
                "Code of Administrative Procedures (Law 44/2015)",
                "head of the municipality",
                "administrative court",
                "Legal basis",
                "Some values are estimates still to be confirmed: deadline.",
                "Page 1",
                ]:
            self.assertIn(expected, text)
        for absent in [
                "Pogradec", "2,000 lek", "Mandatory", "1,500 lek *",
                "10 working days *"]:
            self.assertNotIn(absent, text)

    @with_transaction()
    def test_fiche_documents(self):
        "Test the documents, fees, deadlines and channels of a fiche"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        self.setup_offers()
        create_service()
        company, back_office, desks = setup_lgu('tirane', [
                ('tirane', "Tirana OSS Desk")])
        kindergarten = offer(
            company, 'TST-01', Decimal(2500), 15, back_office, desks,
            online=True)

        text = ' '.join(pages(Fiche.render_pdf([kindergarten], 'en')))

        for expected in [
                "A place for a child in a public kindergarten.",
                "You receive: Enrolment decision",
                "Apply online, or in person at one of the front desks",
                "You do not bring those that the municipality fetches",
                "Birth certificate of the child",
                "Do not bring it: the municipality fetches it from the "
                "Civil Registry.",
                "Once-only principle",
                "Site plan",
                "Only if the child has special needs",
                "Always",
                "Original",
                "Copy",
                "Fee: 2,500 lek",
                "Note: Monthly fee for meals",
                "Social Aid Beneficiary: no fee",
                "Orphan: 50% less (on request)",
                "Legal deadline: 20 working days *",
                "Service promise: 15 working days *",
                "deemed approved (tacit approval)",
                "You can also apply online.",
                "Tirana OSS Desk",
                "Law 69/2012 On pre-university education, art. 28",
                "Some values are estimates still to be confirmed: "
                "deadline.",
                ]:
            self.assertIn(expected, text)
        # The local fee is the municipality's, not the national estimate
        self.assertNotIn("2,500 lek *", text)

    @with_transaction()
    def test_fiche_online_only(self):
        "Test the fiche of a service requested online only"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        company, back_office, desks = setup_lgu('elbasan', [
                ('elbasan', "Elbasan Main Desk")])
        permit = offer(
            company, 'URB-01', Decimal(0), 60, back_office, [], online=False)

        text = ' '.join(pages(Fiche.render_pdf([permit], 'en')))

        for expected in [
                "60 calendar days * Online",
                "1. Apply online.",
                "You receive a confirmation with the protocol number",
                "You receive Building permit online.",
                "This service is requested online only.",
                "Legal deadline: 60 calendar days *",
                "Calendar days include weekends",
                ]:
            self.assertIn(expected, text)
        self.assertNotIn("Elbasan Main Desk", text)
        self.assertNotIn("front desks listed", text)
        self.assertNotIn("where you applied", text)

    @with_transaction()
    def test_fiche_albanian(self):
        "Test the Albanian fiche shows the Albanian labels and names"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        self.setup_offers()
        translate(self.elbasan, 'official_name', "Bashkia Elbasan")
        translate_message('msg_fiche_documents', "Dokumentet e nevojshme")
        translate_message('msg_fiche_legal_deadline', "Afati ligjor")

        albanian = ' '.join(pages(Fiche.render_pdf([self.permit], 'sq')))
        english = ' '.join(pages(Fiche.render_pdf([self.permit], 'en')))

        self.assertIn("Bashkia Elbasan", albanian)
        self.assertIn("Dokumentet e nevojshme", albanian)
        self.assertIn("Afati ligjor: 15 working days", albanian)
        self.assertIn(
            "Leje për ushtrimin e veprimtarisë tregtare/shërbimit",
            albanian)
        self.assertIn("1.500 lek", albanian)
        self.assertNotIn("Local permit to operate", albanian)
        # The texts of the national catalogue
        for text in [
                "Ekstrakt historik i subjektit nga QKB",
                'Ligji nr. 139/2015 "Për vetëqeverisjen vendore"',
                "tarifë administrative fikse sipas paketës fiskale",
                ]:
            self.assertIn(text, albanian)
        self.assertNotIn("business extract", albanian)
        self.assertNotIn("On local self-government", albanian)
        self.assertIn("Municipality of Elbasan", english)
        self.assertIn("Required documents", english)
        self.assertNotIn("Dokumentet e nevojshme", english)
        self.assertNotIn("Leje për ushtrimin", english)

    @with_transaction()
    def test_fiche_national(self):
        "Test the fiche of a national service shows the national defaults"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        service = create_service()

        text = ' '.join(pages(Fiche.render_pdf([service], 'en')))

        for expected in [
                "National Catalogue of Municipal Services",
                "Kindergarten enrolment",
                "Set by the municipal council, from 0 lek to 3,000 lek",
                "Pay the fee set by your municipality",
                "Some values are estimates still to be confirmed: "
                "deadline, fee.",
                "Service promise: 15 working days *",
                "At the One Stop Shop front desks of your municipality.",
                "Online, where your municipality offers it.",
                ]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_fiche_several(self):
        "Test the fiches of several services make one PDF"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        self.setup_offers()

        texts = pages(Fiche.render_pdf(
                [self.permit, self.permit_pogradec], 'en'))

        self.assertGreaterEqual(len(texts), 2)
        first = [i for i, t in enumerate(texts) if "Municipality of" in t]
        self.assertEqual(len(first), 2)
        self.assertIn("Municipality of Elbasan", texts[first[0]])
        self.assertIn("Municipality of Pogradec", texts[first[1]])
        self.assertNotIn("Pogradec", ' '.join(texts[:first[1]]))
        self.assertIn("Fee: 2,000 lek", ' '.join(texts[first[1]:]))
        self.assertIn("Pogradec Town Hall Desk", ' '.join(texts[first[1]:]))

    @with_transaction()
    def test_fiche_selections(self):
        "Test the fiche has a text for every value of the selections"
        pool = Pool()
        Service = pool.get('ossis.service')
        Document = pool.get('ossis.service.document')
        Fiche = pool.get('ossis.service.fiche', type='report')
        service = Service(applicant_type=None)

        for model, field, method in [
                (Service, 'applicant_type', Fiche.applicant),
                (Service, 'silence_rule', None),
                (Service, 'days_kind', None),
                (Document, 'form', None),
                ]:
            for value, _ in model._fields[field].selection:
                with self.subTest(field=field, value=value):
                    if method:
                        setattr(service, field, value)
                        self.assertTrue(method(service))
                    else:
                        prefix = {
                            'silence_rule': 'msg_fiche_silence_',
                            'days_kind': 'msg_fiche_days_',
                            'form': 'msg_fiche_form_',
                            }[field]
                        self.assertTrue(gettext(
                                f'ossis_services.{prefix}{value}'))

    @with_transaction()
    def test_manual(self):
        "Test the manual has a cover, contents and a fiche per service"
        pool = Pool()
        Manual = pool.get('ossis.service.manual', type='report')
        self.setup_offers()

        content = Manual.render_pdf(self.elbasan, 'en')
        texts = pages(content)
        bookmarks = outline(content)

        cover, contents = texts[0], texts[1]
        self.assertIn("Municipality of Elbasan", cover)
        self.assertIn("Manual of Administrative Procedures", cover)
        self.assertIn("2 services", cover)
        self.assertIn("Language: English", cover)
        self.assertIn("Contents", contents)
        for category, name in [
                ("Business and licensing",
                    "Local permit to operate a commercial or service "
                    "activity"),
                ("Local taxes and tariffs",
                    "Appeal against a local tax or tariff assessment"),
                ]:
            with self.subTest(service=name):
                self.assertIn(category, contents)
                self.assertIn(name, contents)
                # The fiche is on the page that the contents give
                page = bookmarks[name]
                self.assertIn(name, texts[page - 1])
                self.assertIn("Municipality of Elbasan", texts[page - 1])
                self.assertEqual(bookmarks[category], page)
        printed = contents_pages(PdfReader(io.BytesIO(content))
            .pages[1].extract_text())
        self.assertEqual(
            {t: p for t, p in printed.items() if t in bookmarks}, bookmarks)
        # The categories in their order
        self.assertLess(
            contents.index("Local taxes and tariffs"),
            contents.index("Business and licensing"))
        fiches = [t for t in texts if "What the service is" in t]
        self.assertEqual(len(fiches), 2)
        self.assertTrue(3 + 2 <= len(texts) <= 2 + 3 * 2, len(texts))
        text = ' '.join(texts)
        self.assertNotIn("Pogradec", text)
        # The steps of the procedure come with the workflow module
        self.assertNotIn("Step Done by Days", text)
        # Its fonts are in the file: it prints the same on any printer
        fonts = pdf_fonts(content)
        self.assertTrue(fonts)
        self.assertTrue(all(fonts.values()), fonts)

    @with_transaction()
    def test_manual_albanian(self):
        "Test the Albanian manual"
        pool = Pool()
        Manual = pool.get('ossis.service.manual', type='report')
        self.setup_offers()
        translate_message('msg_manual_title', "Manuali i Procedurave")

        texts = pages(Manual.render_pdf(self.elbasan, 'sq'))

        self.assertIn("Manuali i Procedurave", texts[0])
        self.assertIn("Language: Albanian", texts[0])
        self.assertIn(
            "Leje për ushtrimin e veprimtarisë tregtare/shërbimit", texts[1])
        self.assertIn("1.500 lek", ' '.join(texts))

    @with_transaction()
    def test_manual_without_service(self):
        "Test the manual of a municipality without any service"
        pool = Pool()
        Manual = pool.get('ossis.service.manual', type='report')

        texts = pages(Manual.render_pdf(lgu('gramsh'), 'en'))

        self.assertIn("0 services", texts[0])
        self.assertIn("The municipality offers no service yet.", texts[1])

    @with_transaction()
    def test_reports_for_staff(self):
        "Test staff print the fiche and the manual from the client"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        Manual = pool.get('ossis.service.manual', type='report')
        Keyword = pool.get('ir.action.keyword')
        self.setup_offers()
        clerk = create_lgu_user('clerk', self.elbasan, 'group_front_office')

        for model in ['ossis.lgu.service', 'ossis.service',
                'company.company']:
            with self.subTest(model=model):
                keyword, = Keyword.search([
                        ('keyword', '=', 'form_print'),
                        ('model', '=', f'{model},-1'),
                        ('action.type', '=', 'ir.action.report'),
                        ('action.name', 'in', [
                                "Service Fiche",
                                "Manual of Administrative Procedures"]),
                        ])

        with as_user(clerk):
            extension, content, _, _ = Fiche.execute(
                [self.permit.id], {
                    'model': 'ossis.lgu.service', 'language': 'unknown'})
            self.assertIn("Local permit to operate", ' '.join(pages(content)))

            with Transaction().set_context(language='sq'):
                extension, content, direct_print, name = Fiche.execute(
                    [self.permit.id], {'model': 'ossis.lgu.service'})
            self.assertEqual(extension, 'pdf')
            self.assertFalse(direct_print)
            self.assertEqual(name, "Service Fiche-elbasan-BUS-01")
            self.assertIn("Leje për ushtrimin", ' '.join(pages(content)))

            extension, content, _, name = Fiche.execute(
                [self.permit.id], {
                    'model': 'ossis.lgu.service', 'language': 'en'})
            self.assertIn("Local permit to operate", ' '.join(pages(content)))

            extension, content, _, name = Fiche.execute(
                [self.permit.service.id], {'model': 'ossis.service'})
            self.assertIn(
                "National Catalogue", ' '.join(pages(content)))

            extension, content, _, name = Manual.execute(
                [self.elbasan.id], {'language': 'en'})
            self.assertEqual(extension, 'pdf')
            self.assertEqual(
                name, "Manual of Administrative Procedures-elbasan")
            self.assertIn(
                "Manual of Administrative Procedures", pages(content)[0])

            # The offer of another municipality is not readable
            with self.assertRaises(AccessError):
                Fiche.execute(
                    [self.permit_pogradec.id],
                    {'model': 'ossis.lgu.service'})

    @with_transaction()
    def test_reports_not_for_others(self):
        "Test a user outside the staff cannot print the reports"
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        Manual = pool.get('ossis.service.manual', type='report')
        User = pool.get('res.user')
        self.setup_offers()
        outsider, = User.create([{
                    'login': 'outsider',
                    'name': "Outsider",
                    'companies': [('add', [self.elbasan.id])],
                    'company': self.elbasan.id,
                    }])

        with as_user(outsider):
            with self.assertRaises(AccessError):
                Fiche.execute([self.permit.id], {'model': 'ossis.lgu.service'})
            with self.assertRaises(AccessError):
                Manual.execute([self.elbasan.id], {})

    @with_transaction()
    def test_manual_whole_catalogue(self):
        "Test the manual of a municipality offering the whole catalogue"
        pool = Pool()
        Service = pool.get('ossis.service')
        Offer = pool.get('ossis.lgu.service')
        Manual = pool.get('ossis.service.manual', type='report')
        Fiche = pool.get('ossis.service.fiche', type='report')
        company, back_office, desks = setup_lgu('elbasan', [
                ('elbasan', "Elbasan Main Desk"),
                ('shirgjan', "Shirgjan Desk"),
                ])
        services = Service.search([('state', '=', 'published')])
        offers = Offer.create([{
                    'company': company.id,
                    'service': s.id,
                    'fee': s.fee if s.fee is not None else Decimal(500),
                    'days': s.promise_days,
                    'responsible_unit': back_office.id,
                    'desks': [('add', [d.id for d in desks])],
                    'online': s.offered_online,
                    } for s in services])
        self.assertGreaterEqual(len(offers), 100)

        for language in ['en', 'sq']:
            start = time.perf_counter()
            Fiche.render_pdf(offers[:1], language)
            fiche = time.perf_counter() - start
            start = time.perf_counter()
            content = Manual.render_pdf(company, language)
            manual = time.perf_counter() - start
            texts = pages(content)
            print(
                f"\n{len(offers)} services, {language}: fiche {fiche:.2f} s, "
                f"manual {manual:.2f} s, {len(texts)} pages")
            self.assertTrue(
                2 + len(offers) < len(texts) < 2 + 4 * len(offers),
                len(texts))
            contents = ' '.join(
                t for t in texts[:10] if "What the service is" not in t)
            self.assertEqual(len(re.findall(r'Service \w+-\d+ ·',
                        ' '.join(texts))), len(offers))
            self.assertIn("Local taxes and tariffs", contents)
