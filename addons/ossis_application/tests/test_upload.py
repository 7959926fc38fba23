# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files of applicants and the email addresses they give"""
import io
import unittest

from PIL import Image

from trytond.model.exceptions import ValidationError
from trytond.modules.ossis_application.applicant import email_address
from trytond.modules.ossis_application.exceptions import UploadError
from trytond.modules.ossis_application.tests import files, scenario
from trytond.modules.ossis_application.upload import (
    ACTIVE, NOT_ACCEPTED, ContentRefused, check_content, check_file,
    check_file_name, file_type)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

# Addresses that inject markup or another recipient into a page or a mail
BAD_ADDRESSES = [
    'a@b.c"><script>alert(1)</script>',
    '<x@evil.example>',
    'Arta <arta@example.al>',
    'arta@example.al, x@evil.example',
    'arta@example.al\r\nBcc: x@evil.example',
    '"a b"@example.al',
    'arta@',
    'arta@localhost',
    'arta@[127.0.0.1]',
    ]


def image(kind):
    data = io.BytesIO()
    Image.new('RGB', (6, 6), (10, 120, 40)).save(data, kind)
    return data.getvalue()


class ContentTestCase(unittest.TestCase):
    "Test the content of the files that applicants send"

    def assertRefused(self, data, reason):
        with self.assertRaises(ContentRefused) as context:
            check_content(data)
        self.assertEqual(context.exception.reason, reason)

    def test_accepted(self):
        "Test a real PDF, JPEG and PNG are accepted"
        self.assertEqual(file_type(files.pdf()), 'application/pdf')
        self.assertEqual(file_type(image('PNG')), 'image/png')
        self.assertEqual(file_type(image('JPEG')), 'image/jpeg')

    def test_pdf_parsed(self):
        "Test a file that only starts as a PDF is refused"
        for data in [files.PDF_HTML, b'%PDF-1.4\n%%EOF\n',
                b'%PDF-1.7\n' + b'\x00' * 200, files.pdf()[:200]]:
            with self.subTest(data=data[:20]):
                self.assertRefused(data, NOT_ACCEPTED)

    def test_html_start_refused(self):
        "Test a file that a browser would take for a web page is refused"
        pdf = files.pdf()
        data = pdf.replace(b'\n', b'\n<html><script>x()</script>\n', 1)
        self.assertRefused(data, NOT_ACCEPTED)

    def test_pdf_active_content(self):
        "Test a PDF that runs, launches or carries something is refused"
        for name in ['pdf_open_javascript', 'pdf_named_javascript',
                'pdf_page_action', 'pdf_embedded_file', 'pdf_xfa',
                'pdf_hidden_javascript']:
            with self.subTest(name=name):
                self.assertRefused(getattr(files, name)(), ACTIVE)

    def test_other_files(self):
        "Test other files, and broken images, are refused"
        for data in [b'plain text', b'MZ\x90\x00' + b'\x00' * 60,
                image('GIF'), image('PNG')[:30], b'GIF89a' + files.pdf()]:
            with self.subTest(data=data[:8]):
                self.assertIsNone(file_type(data))

    def test_file_names(self):
        "Test names with control characters, folders or too long refused"
        check_file_name('Leje ndërtimi (1).pdf')
        for name in ['a\x00.pdf', 'a\nb.pdf', '../a.pdf', 'C:\\a.pdf',
                'x' * 201, '', '  ', '..', None, 12]:
            with self.subTest(name=name):
                with self.assertRaises(UploadError) as context:
                    check_file_name(name)
                self.assertNotIn('\x00', context.exception.message)


class ApplicantInputTestCase(unittest.TestCase):
    "Test the errors of files and the email addresses of applicants"

    @classmethod
    def setUpClass(cls):
        activate_module('ossis_application')

    def test_email_address(self):
        "Test one plain address is accepted, in lower case"
        self.assertEqual(
            email_address('Arta.Hoxha@Example.AL'), 'arta.hoxha@example.al')
        self.assertEqual(
            email_address('arta@bashkia-elbasan.gov.al'),
            'arta@bashkia-elbasan.gov.al')
        for value in BAD_ADDRESSES + [None, 12]:
            with self.subTest(value=value):
                self.assertIsNone(email_address(value))

    @with_transaction()
    def test_check_file(self):
        "Test the errors tell the file, the limit or the active content"
        pdf = files.pdf()
        self.assertEqual(check_file('a.pdf', pdf), 'application/pdf')
        for name, data, size in [
                ('empty.pdf', b'', None),
                ('big.pdf', pdf + b'0' * 2048, 1024),
                ('page.pdf', files.PDF_HTML, None),
                ('script.pdf', files.pdf_open_javascript(), None),
                ]:
            with self.subTest(name=name):
                with self.assertRaises(UploadError) as context:
                    check_file(name, data, size)
                self.assertIn(name, context.exception.message)

    @with_transaction()
    def test_applicant_email_checked(self):
        "Test the email of an applicant is checked whoever writes it"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(
            setup.company, 3, email='Arta@Example.AL')
        self.assertEqual(applicant.email, 'arta@example.al')
        # The request whose create or write fails is rolled back: the
        # tests over RPC and of the portal count the records
        for serial, value in enumerate(BAD_ADDRESSES, 4):
            with self.subTest(value=value):
                with self.assertRaises(ValidationError):
                    scenario.applicant(setup.company, serial, email=value)
                with self.assertRaises(ValidationError):
                    Applicant.write([applicant], {'email': value})
