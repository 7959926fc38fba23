# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test the receipt and the output document of an application"
import datetime as dt
import io
import unittest
from decimal import Decimal

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from trytond.modules.ossis_application.application_pdf import (
    render_output, render_receipt)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_services.tests.tools import (
    load_albanian, pdf_fonts, pdfa_report)
from trytond.tests.test_tryton import with_transaction

TRACKING_CODE = 'K7M2Q-9XWTR-4HZ8B-NC3VD'
VERIFICATION_CODE = 'T4QZ-8M1K-WX7R-2HBN'


def pages(content):
    "Return the text of each page of the PDF, with spaces normalised"
    reader = PdfReader(io.BytesIO(content))
    return [' '.join(p.extract_text().split()) for p in reader.pages]


def qr_codes(content, page=-1):
    """Return the texts of the QR codes that a reader sees on the page of
    the PDF printed at 200 dpi"""
    document = pypdfium2.PdfDocument(content)
    try:
        image = document[page % len(document)].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return [
        b.text for b in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.QRCode)]


def receipt_data(**values):
    "Return the data of the receipt of an application filed at a desk"
    data = {
        'municipality': "Bashkia Elbasan",
        'desk': "Sporteli Qendror",
        'administrative_unit': "Shirgjan",
        'number': 'ELB-2026-000042',
        'submitted_at': dt.datetime(2026, 3, 9, 10, 15, 42),
        'service_name': "Local permit to operate a commercial activity",
        'service_code': 'BUS-01',
        'applicant': {
            'name': "Arbër Çela", 'identifier': 'J75101123K',
            'kind': 'person'},
        'representative': {
            'name': "Dritë Hoxha", 'identifier': 'I55317084W',
            'kind': 'person'},
        'documents': [
            {'name': "Request form", 'status': 'received'},
            {'name': "Certificate of family status", 'status': 'fetched',
                'registry': "Civil Registry"},
            {'name': "Lease contract of the premises", 'status': 'missing'},
            ],
        'fee': Decimal(1500),
        'fee_state': 'paid',
        'fee_receipt': 'MP-778',
        'due_date': dt.date(2026, 3, 30),
        'tracking_code': TRACKING_CODE,
        'tracking_url': (
            'https://ossis.example.al/track/ELB-2026-000042'
            f'?code={TRACKING_CODE}'),
        'channel': 'desk',
        'registered_by': "Elira Muça",
        }
    data.update(values)
    return data


def output_data(**values):
    "Return the data of the output document of an approved application"
    data = {
        'municipality': "Bashkia Elbasan",
        'unit': "Drejtoria e Shërbimeve Vendore",
        'decision': 'approved',
        'title': "Local permit to operate a commercial activity",
        'number': 'ELB-LEJ-2026-0107',
        'date': dt.date(2026, 3, 20),
        'application_number': 'ELB-2026-000042',
        'submitted_date': dt.date(2026, 3, 9),
        'applicant': {
            'name': "Furra Çeliku shpk", 'identifier': 'K31525146H',
            'kind': 'business'},
        'service_name': "Local permit to operate a commercial activity",
        'service_code': 'BUS-01',
        'text': (
            "The municipality permits the business to operate a bakery "
            "at Rruga Qemal Stafa 12, Elbasan.\n\n"
            "The permit is valid until 19.03.2027."),
        'signed_by': {
            'name': "Gentiana Dervishi",
            'position': "Head of Local Services"},
        'verification_code': VERIFICATION_CODE,
        'verification_url': (
            f'https://ossis.example.al/verify/{VERIFICATION_CODE}'),
        }
    data.update(values)
    return data


class ApplicationPDFTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the receipt and the output document of an application"

    module = 'ossis_application'

    @with_transaction()
    def test_receipt_english(self):
        "Test the English receipt of an application filed at a desk"
        content = render_receipt(receipt_data(), 'en')

        texts = pages(content)

        self.assertEqual(len(texts), 1)
        text, = texts
        for expected in [
                "Bashkia Elbasan",
                "Front desk: Sporteli Qendror",
                "Administrative unit: Shirgjan",
                "Application receipt",
                "Code of Administrative Procedures (Law 44/2015, art. 60)",
                "Application number Filed on Expected answer by",
                "ELB-2026-000042 03/09/2026 10:15 03/30/2026",
                "Service: Local permit to operate a commercial activity "
                "(code BUS-01)",
                "Applicant: Arbër Çela, personal number (NID) J75101123K",
                "Representative: Dritë Hoxha, personal number (NID) "
                "I55317084W",
                "Fee: 1,500 lek, paid (receipt MP-778)",
                "Registered by: Elira Muça",
                "Tracking code",
                TRACKING_CODE,
                "1 Request form Received",
                "2 Certificate of family status Fetched by the "
                "municipality (Civil Registry)",
                "3 Lease contract of the premises Missing",
                "Bring the missing documents",
                "Follow your application at https://ossis.example.al/"
                "track/ELB-2026-000042",
                "whoever has the tracking code",
                "you may complain at any front desk",
                "Receipt of application ELB-2026-000042",
                ]:
            self.assertIn(expected, text)
        self.assertEqual(
            qr_codes(content), [receipt_data()['tracking_url']])

    @with_transaction()
    def test_receipt_albanian(self):
        "Test the Albanian receipt shows the Albanian labels and formats"
        load_albanian()

        text, = pages(render_receipt(receipt_data(), 'sq'))

        for expected in [
                "Dëftesë e aplikimit",
                "Kodi i Procedurave Administrative (Ligji 44/2015, neni 60)",
                "Sporteli: Sporteli Qendror",
                "Numri i aplikimit Paraqitur më Përgjigjja pritet deri më",
                "ELB-2026-000042 09.03.2026 10:15 30.03.2026",
                "Shërbimi: Local permit to operate a commercial activity "
                "(kodi BUS-01)",
                "Aplikuesi: Arbër Çela, numri personal (NID) J75101123K",
                "Përfaqësuesi: Dritë Hoxha",
                "Tarifa: 1.500 lekë, e paguar (mandatpagesa MP-778)",
                "Regjistruar nga: Elira Muça",
                "Kodi i ndjekjes",
                TRACKING_CODE,
                "Dokumentet",
                "Request form Dorëzuar",
                "Marrë nga bashkia (Civil Registry)",
                "Lease contract of the premises Mungon",
                "Sillni sa më shpejt dokumentet që mungojnë",
                "Ndjekja e aplikimit",
                "Ruajeni këtë dëftesë",
                "në ç'gjendje është aplikimi juaj",
                "mund të ankoheni në çdo sportel",
                ]:
            self.assertIn(expected, text)
        for english in ["Application receipt", "Received", "Fee:"]:
            self.assertNotIn(english, text)

    @with_transaction()
    def test_receipt_online_without_address(self):
        """Test the receipt of an application filed online, with an exempted
        fee and no tracking address: the QR code holds the number and the
        tracking code"""
        data = receipt_data(
            desk=None, administrative_unit=None, representative=None,
            channel='online', registered_by=None, tracking_url=None,
            fee_state='exempted', fee_exemption_reason="social aid",
            documents=[{
                    'name': "Request form", 'status': 'received'}],
            applicant={
                'name': "Furra Çeliku shpk", 'identifier': 'K31525146H',
                'kind': 'business'})

        content = render_receipt(data, 'en')

        text, = pages(content)
        for expected in [
                "Applicant: Furra Çeliku shpk, NIPT K31525146H",
                "Fee: Exempted: social aid",
                "Registered by: the applicant, online",
                "Ask about your application at any front desk",
                ]:
            self.assertIn(expected, text)
        for absent in [
                "Front desk:", "Representative", "Bring the missing",
                "https://"]:
            self.assertNotIn(absent, text)
        self.assertEqual(
            qr_codes(content), [f'ELB-2026-000042 {TRACKING_CODE}'])

    @with_transaction()
    def test_receipt_fees(self):
        "Test the fee line of a receipt in each state of the fee"
        for values, expected in [
                ({'fee': Decimal(1500), 'fee_state': 'due'},
                    "Fee: 1,500 lek, to be paid"),
                ({'fee': Decimal('250.50'), 'fee_state': 'paid',
                        'fee_receipt': None},
                    "Fee: 250.50 lek, paid"),
                ({'fee': Decimal(300), 'fee_state': 'exempted'},
                    "Fee: Exempted"),
                ({'fee': None, 'fee_state': 'none'}, "Fee: No fee"),
                ({'fee': Decimal(0), 'fee_state': None}, "Fee: No fee"),
                ]:
            with self.subTest(values=values):
                text, = pages(render_receipt(receipt_data(**values), 'en'))
                self.assertIn(expected, text)

    @with_transaction()
    def test_receipt_no_documents(self):
        "Test the receipt of a service that requires no document"
        text, = pages(render_receipt(receipt_data(documents=[]), 'en'))

        self.assertIn("Documents No document is required.", text)

    @with_transaction()
    def test_receipt_one_page(self):
        "Test a receipt with a long checklist still fits on one page"
        documents = [{
                'name': f"Supporting document number {n} with a rather "
                "long name as some services have",
                'status': ('received', 'fetched', 'missing')[n % 3],
                'registry': "Civil Registry" if n % 3 == 1 else None,
                } for n in range(1, 13)]

        texts = pages(render_receipt(
                receipt_data(documents=documents), 'en'))

        self.assertEqual(len(texts), 1)
        self.assertIn("Supporting document number 12", texts[0])

    @with_transaction()
    def test_names_archival(self):
        """Test the receipt and the output document print every name as it
        is written, in fonts embedded in the PDF, which is PDF/A-2b"""
        greek, turkish, montenegrin, cyrillic = (
            "Σπύρος Παπαδόπουλος", "Şükrü Yılmaz", "Đorđe Vujović",
            "Ђорђе Вујовић")
        receipt = render_receipt(receipt_data(
                applicant={'name': greek, 'kind': 'person'},
                representative={'name': turkish, 'kind': 'person'},
                registered_by=montenegrin), 'en')
        output = render_output(output_data(
                applicant={'name': montenegrin, 'kind': 'person'},
                text=f"The municipality certifies that {cyrillic} "
                f"({montenegrin}) lives in Elbasan."), 'sq')

        for content, names in [
                (receipt, [
                        f"Applicant: {greek}", f"Representative: {turkish}",
                        f"Registered by: {montenegrin}"]),
                (output, [montenegrin, f"{cyrillic} ({montenegrin})"]),
                ]:
            text, = pages(content)
            for name in names:
                self.assertIn(name, text)
            fonts = pdf_fonts(content)
            self.assertEqual(
                [name for name, embedded in fonts.items() if not embedded],
                [])
            # The bold labels and the codes keep their fonts
            self.assertLessEqual(
                {'NotoSans-Regular', 'NotoSans-Bold', 'CascadiaMono-Bold'},
                fonts.keys())
            report = pdfa_report(content)
            self.assertTrue(report.passed, str(report))

    @with_transaction()
    def test_output_certificate(self):
        "Test the English permit of an approved application"
        content = render_output(output_data(), 'en')

        texts = pages(content)

        self.assertEqual(len(texts), 1)
        text, = texts
        for expected in [
                "Bashkia Elbasan",
                "Drejtoria e Shërbimeve Vendore",
                "Local permit to operate a commercial activity",
                "Number Date Application",
                "ELB-LEJ-2026-0107 03/20/2026 ELB-2026-000042 of "
                "03/09/2026",
                "Applicant: Furra Çeliku shpk, NIPT K31525146H",
                "Service: Local permit to operate a commercial activity "
                "(code BUS-01)",
                "Decision",
                "operate a bakery at Rruga Qemal Stafa 12, Elbasan.",
                "The permit is valid until 19.03.2027.",
                "Head of Local Services",
                "Gentiana Dervishi",
                "Verification code",
                VERIFICATION_CODE,
                "Scan the QR code or open https://ossis.example.al/verify/"
                f"{VERIFICATION_CODE} to check that the municipality "
                "issued this document.",
                "Local permit to operate a commercial activity no. "
                f"ELB-LEJ-2026-0107 – verification code {VERIFICATION_CODE}",
                "Page 1",
                ]:
            self.assertIn(expected, text)
        for absent in ["Decision of refusal", "Reasons", "appeal"]:
            self.assertNotIn(absent, text)
        self.assertEqual(
            qr_codes(content), [output_data()['verification_url']])

    @with_transaction()
    def test_output_refusal_albanian(self):
        """Test the Albanian decision of refusal: its reasons, the right of
        appeal, and a QR code that holds the verification code"""
        load_albanian()
        data = output_data(
            decision='rejected', verification_url=None, appeal_days=30,
            text="Kërkesa për leje refuzohet.",
            reasons="Lokali nuk plotëson kushtet higjieno-sanitare.")

        content = render_output(data, 'sq')

        text, = pages(content)
        for expected in [
                "Vendim refuzimi",
                "Numri Data Aplikimi",
                "ELB-LEJ-2026-0107 20.03.2026 ELB-2026-000042, datë "
                "09.03.2026",
                "Aplikuesi: Furra Çeliku shpk, NIPT K31525146H",
                "Shërbimi:",
                "Vendimi Kërkesa për leje refuzohet.",
                "Arsyet Lokali nuk plotëson kushtet higjieno-sanitare.",
                "E drejta e ankimit",
                "brenda 30 ditëve nga njoftimi i tij",
                "gjykatës administrative",
                "Kodi i verifikimit",
                VERIFICATION_CODE,
                "duke paraqitur kodin e verifikimit në çdo sportel",
                "Vendim refuzimi nr. ELB-LEJ-2026-0107 – kodi i "
                "verifikimit",
                "Faqja 1",
                ]:
            self.assertIn(expected, text)
        self.assertNotIn("Local permit to operate a commercial activity nr.",
            text)
        self.assertEqual(qr_codes(content), [VERIFICATION_CODE])

    @with_transaction()
    def test_output_refusal_appeal_by_law(self):
        "Test a refusal without appeal days refers to the time limit of law"
        text, = pages(render_output(
                output_data(decision='rejected', reasons="No premises."),
                'en'))

        self.assertIn("Decision of refusal", text)
        self.assertIn("Reasons No premises.", text)
        self.assertIn("within the time limit set by law", text)

    @with_transaction()
    def test_output_long(self):
        """Test a long output document: every page carries its verification
        code, and the QR code is on the last page"""
        text = '\n\n'.join(
            f"Condition {n}: the holder of the permit keeps the premises "
            "clean, safe and open to the inspectors of the municipality, "
            "and displays the permit where customers can see it." * 2
            for n in range(1, 30))

        content = render_output(output_data(text=text), 'en')

        texts = pages(content)
        self.assertGreater(len(texts), 1)
        for number, page in enumerate(texts, 1):
            self.assertIn(f"verification code {VERIFICATION_CODE}", page)
            self.assertIn(f"Page {number}", page)
        self.assertIn("Condition 29", ' '.join(texts))
        self.assertIn("Gentiana Dervishi", texts[-1])
        self.assertEqual(
            qr_codes(content, -1), [output_data()['verification_url']])
