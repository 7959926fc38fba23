# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test helpers for the modules that set municipalities up"
import io
import json
import os
import re

import pikepdf
import pikepdf.pdfa
from pypdf import PdfReader

from trytond.modules.ossis_base.tests.test_module import lgu
from trytond.modules.ossis_services.tests.cpsv_ap import (
    CPSVAPTestMixin, literals, nodes_of)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools import find_path


def pdf_text(content):
    "Return the text of a PDF"
    return '\n'.join(
        p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


FONT_FILES = {'/FontFile', '/FontFile2', '/FontFile3'}


def pdf_fonts(content):
    """Return the fonts of the PDF: for each name (without the prefix of a
    subset) whether the PDF embeds it

    A font that is not embedded, as reportlab's Helvetica and Courier, is
    drawn with what the reader or the printer has: a black square for the
    letters it lacks."""
    fonts = {}
    with pikepdf.open(io.BytesIO(content)) as document:
        for font in document.objects:
            if (not isinstance(font, pikepdf.Dictionary)
                    or font.get('/Type') != '/Font'
                    # A composite font embeds its descendant font, a Type 3
                    # font draws its glyphs itself
                    or font.get('/Subtype') in {'/Type0', '/Type3'}):
                continue
            name = str(font.BaseFont)[1:].split('+')[-1]
            descriptor = font.get('/FontDescriptor', {})
            fonts[name] = bool(FONT_FILES.intersection(descriptor.keys()))
    return fonts


def pdfa_report(content, flavour='2b'):
    """Return the report of pikepdf's PDF/A validator on the PDF

    The validator applies the rules of veraPDF, the reference validator of
    the PDF Association, to the constructs that it knows, and reports any
    other as not checked: it approves a file only when it knows that every
    part of it conforms.  It checks the structure, the metadata, the output
    intent, the fonts (embedded, their widths and encodings, no missing
    glyph), the colours and the annotations; as level B asks, not that the
    text can be extracted, which the tests check with pypdf."""
    return pikepdf.pdfa.validate_written(io.BytesIO(content), flavour)


def load_albanian(modules=None):
    """Load the Albanian translations of the modules, by default of every
    activated OSSIS module, which a test database does not load by itself"""
    pool = Pool()
    Module = pool.get('ir.module')
    Translation = pool.get('ir.translation')
    if modules is None:
        modules = [m.name for m in Module.search([
                    ('name', 'like', 'ossis_%'),
                    ('state', '=', 'activated'),
                    ])]
    for module in modules:
        try:
            path = find_path(os.path.join(module, 'locale', 'sq.po'))
        except FileNotFoundError:
            continue
        Translation.translation_import('sq', module, [path])


MODULE_MODELS = {
    'ossis.org_unit', 'ossis.org_unit-ossis.unit_type', 'ossis.lgu.service',
    'ossis.lgu.service-ossis.org_unit'}


def offers(code):
    "Return the offer of the municipality by service code"
    Offer = Pool().get('ossis.lgu.service')
    return {o.service_code: o for o in Offer.search([
                ('company', '=', lgu(code).id),
                ])}


def module_records(module):
    "Return the records that the module created, by model"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    records = {}
    for data in ModelData.search([('module', '=', module)]):
        Model = pool.get(data.model)
        records.setdefault(data.model, []).append(Model(data.db_id))
    return records


class LGUModuleTestMixin(CPSVAPTestMixin):
    """Check the module of a municipality (ossis_lgu_<code>): its records
    belong to it, its organisation and offer are complete, it prints its
    fiches and its manual, and its offer is exported in CPSV-AP"""
    lgu_code = None

    def front_desks(self):
        "Return the front desks of the municipality"
        OrgUnit = Pool().get('ossis.org_unit')
        return OrgUnit.search([
                ('company', '=', lgu(self.lgu_code).id),
                ('type', '=', 'front_office'),
                ])

    @with_transaction()
    def test_records_of_the_municipality_only(self):
        "Test every record of the module belongs to its municipality"
        records = module_records(self.module)
        municipality = lgu(self.lgu_code)

        self.assertLessEqual(set(records), MODULE_MODELS)
        for org_unit in records.get('ossis.org_unit', []):
            self.assertEqual(org_unit.company, municipality)
        for link in records.get('ossis.org_unit-ossis.unit_type', []):
            self.assertEqual(link.org_unit.company, municipality)
        for offer in records.get('ossis.lgu.service', []):
            self.assertEqual(offer.company, municipality)
        for link in records.get('ossis.lgu.service-ossis.org_unit', []):
            self.assertEqual(link.lgu_service.company, municipality)
            self.assertEqual(link.desk.company, municipality)

    @with_transaction()
    def test_organisation(self):
        "Test the One Stop Shop directorate and its desks"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        municipality = lgu(self.lgu_code)

        directorate, = OrgUnit.search([
                ('company', '=', municipality.id),
                ('type', '=', 'management'),
                ('name', 'ilike', '%Një Ndalesë%'),
                ])
        desks = self.front_desks()
        self.assertTrue(desks)
        for desk in desks:
            with self.subTest(desk=desk.name):
                self.assertEqual(desk.parent, directorate)
                self.assertEqual(
                    desk.administrative_unit.company, municipality)

    @with_transaction()
    def test_offer(self):
        "Test each service offered has its unit and a way to apply"
        for code, offer in offers(self.lgu_code).items():
            service = offer.service
            with self.subTest(service=code):
                self.assertEqual(service.state, 'published')
                # The unit of the service's kind or one of its sectors
                unit = offer.responsible_unit
                while unit and service.unit_type not in unit.unit_types:
                    unit = unit.parent
                self.assertTrue(unit, msg=(
                        f"{offer.responsible_unit.rec_name} does not "
                        f"handle {service.unit_type.rec_name}"))
                self.assertTrue(service.fee_allowed(offer.fee))
                self.assertTrue(service.days_allowed(offer.days))
                # Or online through another national system
                self.assertTrue(
                    offer.online or offer.desks or service.online_system)
                if not service.channel_desk:
                    self.assertFalse(offer.desks)

    @with_transaction()
    def test_costs_name_no_other_municipality(self):
        "Test the cost of each offer names no other municipality"
        pool = Pool()
        Company = pool.get('company.company')
        Offer = pool.get('ossis.lgu.service')
        municipality = lgu(self.lgu_code)
        others = [
            c.party.name.removeprefix('Bashkia ') for c in Company.search([
                    ('id', '!=', municipality.id),
                    ])]
        self.assertEqual(len(others), 60)
        named = re.compile(
            r'\b(%s)\b' % '|'.join(re.escape(n) for n in others))

        # The fiche and the portal show the fee note as CPSV-AP describes
        # the cost, in each language
        graph = Offer.cpsv_ap(municipality)['@graph']
        costs = [n for n in graph if n['@type'] == 'cv:Cost']
        self.assertEqual(len(costs), len(offers(self.lgu_code)))
        for cost in costs:
            for text in cost.get('dct:description', []):
                self.assertIsNone(
                    named.search(text['@value']), msg=cost['dct:identifier'])

    @with_transaction()
    def test_cpsv_ap(self):
        "Test the offer exported in CPSV-AP conforms to the SHACL shapes of "
        "CPSV-AP 3.2.0, in English and Albanian"
        Offer = Pool().get('ossis.lgu.service')
        load_albanian()
        offer = offers(self.lgu_code)

        document = json.loads(json.dumps(
                    Offer.cpsv_ap(lgu(self.lgu_code))))

        self.assertConformsToCPSVAP(document)
        services = nodes_of(document, 'cpsv:PublicService')
        self.assertEqual(len(services), len(offer))
        for node, name, texts in literals(document):
            # A text is in Albanian only where it has an Albanian version
            self.assertNotEqual(texts['en'], texts.get('sq'), msg=node['@id'])
        for service in services:
            offered = offer[service['dct:identifier']]
            if offered.days and offered.days_kind == 'working':
                self.assertNotIn('cv:processingTime', service)
        # Desks are identified by the codes of their administrative units
        self.assertEqual(
            {c['dct:identifier'] for c in nodes_of(document, 'cv:Channel')
                if c['dct:identifier'].startswith('desk')},
            {f'desk-{d.administrative_unit.code}'
                for d in self.front_desks()})

    @with_transaction()
    def test_lgu_fiches_and_manual(self):
        "Test the fiches and the manual in Albanian and English"
        pool = Pool()
        Company = pool.get('company.company')
        Offer = pool.get('ossis.lgu.service')
        Fiche = pool.get('ossis.service.fiche', type='report')
        Manual = pool.get('ossis.service.manual', type='report')
        load_albanian()
        company = Company.get_by_code(self.lgu_code)
        offers = Offer.search(
            [('company', '=', company.id)], order=[('service_code', 'ASC')])
        self.assertTrue(offers)

        for language, heading, name in [
                ('en', "How to apply", "Municipality of"),
                ('sq', "Si të aplikoni", "Bashkia"),
                ]:
            with self.subTest(language=language):
                fiche = pdf_text(Fiche.render_pdf(offers[:2], language))
                self.assertIn(heading, fiche)
                self.assertIn(name, fiche)
                for offer in offers[:2]:
                    self.assertIn(offer.service_code, fiche)

                manual = Manual.render_pdf(company, language)
                reader = PdfReader(io.BytesIO(manual))
                self.assertGreaterEqual(len(reader.pages), len(offers))
                text = pdf_text(manual)
                self.assertIn(name, text)
                for offer in offers:
                    self.assertIn(offer.service_code, text)
