# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test helpers for the modules that set municipalities up"
import io
import os

from pypdf import PdfReader

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.tools import find_path


def pdf_text(content):
    "Return the text of a PDF"
    return '\n'.join(
        p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def load_albanian(modules=('ossis_base', 'ossis_services')):
    """Load the Albanian translations of the modules, which a test
    database does not load by itself"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    for module in modules:
        path = find_path(os.path.join(module, 'locale', 'sq.po'))
        Translation.translation_import('sq', module, [path])


class LGUDocumentsTestMixin:
    "Check the fiches and the manual of the municipality of the module"
    lgu_code = None

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
