# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test the printing of the receipt and the output document of applications"
import hashlib
import io
import os
import shutil
import tempfile
import unittest
import zipfile
from contextlib import contextmanager

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from trytond import config
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.exceptions import (
    ApplicationDecidedError, ApplicationReportError, SealError)
from trytond.modules.ossis_application.seal_validation import (
    CHANGED, VALID, check_seal, trust_roots)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.certificates import (
    install_seal, make_authority, write_pem)
from trytond.modules.ossis_application.tests.test_application_pdf import (
    pages, qr_codes)
from trytond.modules.ossis_application.tests.timestamps import TimestampServer
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_services.tests.tools import (
    load_albanian, pdfa_report)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

PORTAL = 'https://portal.example.al/elbasan/track'
VERIFY = 'https://portal.example.al/elbasan/verify/{verification_code}'


class ApplicationReportTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the printing of the receipt and the output document"

    module = 'ossis_application'

    def setUp(self):
        super().setUp()
        if not config.has_section('ossis_portal'):
            config.add_section('ossis_portal')
        for option, value in [('url', PORTAL), ('verify_url', VERIFY)]:
            previous = config.get('ossis_portal', option)
            config.set('ossis_portal', option, value)
            self.addCleanup(
                config.set, 'ossis_portal', option, previous or '')

    def configure_seal(self, **options):
        "Set the options of [ossis_seal] for the test"
        if not config.has_section('ossis_seal'):
            config.add_section('ossis_seal')
        for option, value in options.items():
            config.set('ossis_seal', option, value)
            self.addCleanup(
                config.set, 'ossis_seal', option,
                'False' if option == 'required' else '')

    def install_seal(self, passphrase):
        """Configure the seal of Elbasan, certified by a new authority that
        the verification trusts, and return the authority"""
        directory = tempfile.mkdtemp(prefix='ossis-seal-')
        self.addCleanup(shutil.rmtree, directory)
        authority = make_authority()
        trust = os.path.join(directory, 'trusted.pem')
        write_pem(trust, [authority[0]])
        self.configure_seal(
            elbasan=install_seal(
                directory, 'elbasan', "Bashkia Elbasan", passphrase,
                authority),
            trust=trust)
        return authority

    @contextmanager
    def as_staff(self, user):
        "Act as the user in the session of the client"
        with as_user(user), Transaction().set_context(
                scenario.user_context(user)):
            yield

    def button(self, user, application, name):
        """Click the button as the user and return what the client
        receives, then run the queued tasks as the server does"""
        pool = Pool()
        Application = pool.get('ossis.application')
        with self.as_staff(user):
            result = getattr(Application, name)(
                Application.browse([application.id]))
        scenario.run_queue()
        return result

    def print_(self, user, report, application, data=None):
        "Print the report of the application as the user, as the client does"
        pool = Pool()
        Report = pool.get(report, type='report')
        with self.as_staff(user):
            return Report.execute([application.id], data or {})

    def submitted(self, setup, **values):
        "Return an application filed at the desk by its clerk"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = scenario.draft(setup, **values)
        self.button(setup.front, application, 'submit')
        return Application(application.id)

    def decided(self, setup, **values):
        "Return an application approved by the head, not yet issued"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.submitted(setup, **values)
        with self.as_staff(setup.back):
            Application.act([application], 'forward')
        with self.as_staff(setup.head):
            Application.act([application], 'forward')
            Application.act([application], 'approve')
        return Application(application.id)

    def issued(self, setup, **values):
        "Return an application approved by the head and issued"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.decided(setup, **values)
        self.button(setup.back, application, 'issue')
        return Application(application.id)

    def refused(self, setup, **values):
        "Return an application refused by the head with its reasons, issued"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.submitted(setup, **values)
        with self.as_staff(setup.back):
            Application.act([application], 'forward')
        Application.write([application], {
                'decision_text': "The parcel is not in the urban zone."})
        with self.as_staff(setup.head):
            Application.act([application], 'forward')
            Application.act([application], 'reject')
        self.button(setup.back, application, 'issue')
        return Application(application.id)

    def action_id(self, xml_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        return Action.get_action_id(
            ModelData.get_id('ossis_application', xml_id))

    @with_transaction()
    def test_submit_prints_receipt(self):
        "Test the desk submits an application and prints its receipt"
        pool = Pool()
        Application = pool.get('ossis.application')
        Lang = pool.get('ir.lang')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(setup.company, serial=11, language='en')
        application = scenario.draft(setup, applicant=applicant.id)

        action = self.button(setup.front, application, 'submit')
        self.assertEqual(action, self.action_id('report_application_receipt'))
        application = Application(application.id)
        self.assertEqual(application.state, 'submitted')

        extension, content, direct_print, name = self.print_(
            setup.front, 'ossis.application.receipt', application)

        self.assertEqual(extension, 'pdf')
        self.assertEqual(name, f'Application Receipt-{application.number}')
        text, = pages(content)
        self.assertIn("Application receipt", text)
        self.assertIn(application.number, text)
        self.assertIn(application.tracking_code, text)
        self.assertIn(Lang.get('en').strftime(application.due_date), text)
        self.assertIn(applicant.identifier, text)
        self.assertIn("Front Desk", text)
        self.assertIn("Front Clerk", text)
        self.assertIn(application.service.name, text)
        self.assertTrue(application.documents)
        for document in application.documents:
            self.assertIn(document.document_type.name, text)
        self.assertIn("Received", text)
        url = (
            'https://portal.example.al/elbasan/track'
            f'?code={application.tracking_code}')
        self.assertEqual(qr_codes(content), [url])

    @with_transaction()
    def test_receipt_albanian(self):
        "Test the receipt is in Albanian for an Albanian-speaking applicant"
        load_albanian()
        # Without a portal the QR code holds the number and the code
        config.set('ossis_portal', 'url', '')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(setup.company, serial=11, language='sq')
        application = self.submitted(setup, applicant=applicant.id)

        _, content, _, _ = self.print_(
            setup.front, 'ossis.application.receipt', application)

        text, = pages(content)
        self.assertIn("Dëftesë e aplikimit", text)
        self.assertIn(application.number, text)
        self.assertNotIn("Application receipt", text)
        self.assertEqual(
            qr_codes(content),
            [f'{application.number} {application.tracking_code}'])

        # Staff may ask for another language
        _, content, _, _ = self.print_(
            setup.front, 'ossis.application.receipt', application,
            {'language': 'en'})
        text, = pages(content)
        self.assertIn("Application receipt", text)

    @with_transaction()
    def test_issue_prints_output(self):
        "Test issuing prints the output document with its verification code"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(setup.company, serial=11, language='en')
        application = self.submitted(setup, applicant=applicant.id)
        with self.as_staff(setup.back):
            Application.act([application], 'forward')
        with self.as_staff(setup.head):
            Application.act([application], 'forward')
            Application.act([application], 'approve')

        action = self.button(setup.back, application, 'issue')
        self.assertEqual(action, self.action_id('report_application_output'))
        application = Application(application.id)
        self.assertEqual(application.state, 'ready')

        extension, content, _, _ = self.print_(
            setup.back, 'ossis.application.output', application)

        self.assertEqual(extension, 'pdf')
        text = ' '.join(pages(content))
        self.assertIn(application.verification_code, text)
        self.assertIn(application.number, text)
        self.assertIn("Head of Unit", text)
        self.assertIn("Head of Services Directorate", text)
        self.assertIn(applicant.identifier, text)
        self.assertEqual(
            qr_codes(content),
            [f'https://portal.example.al/elbasan/verify/'
                f'{application.verification_code}'])

    @with_transaction()
    def test_refusal_output_and_several(self):
        "Test the decision of refusal and the printing of several outputs"
        pool = Pool()
        setup = scenario.municipality('elbasan')
        approved = self.issued(setup)
        rejected = self.refused(setup, serial=2)

        _, content, _, _ = self.print_(
            setup.back, 'ossis.application.output', rejected,
            {'language': 'en'})
        text = ' '.join(pages(content))
        self.assertIn("Decision of refusal", text)
        self.assertIn("The parcel is not in the urban zone.", text)
        self.assertIn(rejected.verification_code, text)

        Output = pool.get('ossis.application.output', type='report')
        with self.as_staff(setup.back):
            extension, content, _, name = Output.execute(
                [approved.id, rejected.id], {})
        self.assertEqual((extension, name), ('zip', "Output Document"))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertEqual(
                sorted(archive.namelist()),
                sorted(f'{a.number}.pdf' for a in [approved, rejected]))

    @with_transaction()
    def test_output_stored_at_issue(self):
        """Test issuing stores the output document with its hash and every
        reprint gives it back"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(setup.company, serial=11, language='en')
        application = self.issued(setup, applicant=applicant.id)

        stored = application.output_document
        self.assertTrue(stored.startswith(b'%PDF'))
        self.assertEqual(
            application.output_sha256, hashlib.sha256(stored).hexdigest())
        self.assertEqual(
            application.output_filename, f'{application.number}.pdf')
        self.assertIn(application.verification_code, ' '.join(pages(stored)))

        for user, data in [
                (setup.back, None), (setup.front, None),
                (setup.back, {'language': 'sq'})]:
            with self.subTest(user=user.login, data=data):
                extension, content, _, _ = self.print_(
                    user, 'ossis.application.output', application, data)
                self.assertEqual(extension, 'pdf')
                self.assertEqual(content, stored)

        # The copy of an issued application is a draft without output
        copy, = Application.copy([application])
        self.assertEqual(
            (copy.output_document, copy.output_sha256), (None, None))

    @with_transaction()
    def test_output_sealed(self):
        """Test the output is sealed by its municipality as issued, with the
        timestamp of the authority: the seal covers the whole file, whose
        hash is stored; a byte changed breaks it"""
        authority = self.install_seal("s3cret seal")
        setup = scenario.municipality('elbasan')
        with TimestampServer(authority) as timestamps:
            self.configure_seal(timestamp_url=timestamps.url)
            application = self.issued(setup)

        stored = application.output_document
        self.assertEqual(
            application.output_sha256, hashlib.sha256(stored).hexdigest())
        reader = PdfFileReader(io.BytesIO(stored))
        signature, = reader.embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(
                trust_roots=trust_roots(), allow_fetching=False))
        # The timestamp included
        self.assertTrue(status.bottom_line)
        self.assertTrue(status.timestamp_validity)
        self.assertEqual(
            status.coverage, SignatureCoverageLevel.ENTIRE_FILE)
        self.assertIn(application.verification_code, ' '.join(pages(stored)))
        self.assert_pdfa(stored)
        seal = check_seal(stored)
        self.assertEqual(
            (seal.state, seal.sealed_by, seal.timestamped),
            (VALID, "Bashkia Elbasan", True))
        _, reprint, _, _ = self.print_(
            setup.front, 'ossis.application.output', application)
        self.assertEqual(reprint, stored)

        # A byte of the first page's content changed
        byte = stored.index(b'stream') + 20
        tampered = (
            stored[:byte] + bytes([stored[byte] ^ 1]) + stored[byte + 1:])
        self.assertEqual(check_seal(tampered).state, CHANGED)

    def assert_sealed_pdfa(self, application):
        "Assert the stored output is sealed, PDF/A and hashed"
        stored = application.output_document
        self.assertEqual(
            application.output_sha256, hashlib.sha256(stored).hexdigest())
        self.assertEqual(check_seal(stored).state, VALID)
        self.assertIn(application.verification_code, ' '.join(pages(stored)))
        self.assert_pdfa(stored)

    def assert_pdfa(self, content):
        """Assert the sealed PDF is PDF/A: the seal keeps it so, the
        validator breaks no rule, and leaves unchecked only the form that
        holds the seal"""
        report = pdfa_report(content)
        self.assertEqual([
                f for f in report.findings
                if (f.kind, f.where[-19:]) != (
                    'unsupported', '(Catalog) /AcroForm')],
            [], str(report))

    @with_transaction()
    def test_output_printed_before_queue(self):
        """Test the output is stored by the task queued at issue: a print
        before the task ran renders, seals and stores it once, and the task
        then renders nothing"""
        pool = Pool()
        Application = pool.get('ossis.application')
        self.install_seal("s3cret seal")
        setup = scenario.municipality('elbasan')
        application = self.decided(setup, serial=1)

        with self.as_staff(setup.back):
            Application.issue(Application.browse([application.id]))
        application = Application(application.id)
        self.assertEqual(application.state, 'ready')
        self.assertTrue(application.verification_code)
        self.assertEqual(
            (application.output_document, application.output_sha256),
            (None, None))

        _, printed, _, _ = self.print_(
            setup.back, 'ossis.application.output', application)
        _, reprint, _, _ = self.print_(
            setup.front, 'ossis.application.output', application)
        self.assertEqual(scenario.run_queue(), 1)
        # The task found the document stored and kept the one printed
        application = Application(application.id)
        self.assertEqual(printed, application.output_document)
        self.assertEqual(reprint, printed)
        self.assert_sealed_pdfa(application)

    @with_transaction()
    def test_output_stored_by_queue(self):
        """Test one task renders, seals and stores the outputs of the
        applications issued in one click"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Queue = pool.get('ir.queue')
        self.install_seal("s3cret seal")
        setup = scenario.municipality('elbasan')
        applications = [
            self.decided(setup, serial=serial) for serial in [1, 2]]

        with self.as_staff(setup.back):
            Application.issue(Application.browse(applications))
        task, = Queue.search([('finished_at', '=', None)])
        self.assertEqual(
            (task.data['method'], sorted(task.data['instances'])),
            ('store_issued_documents', sorted(a.id for a in applications)))
        self.assertEqual(scenario.run_queue(), 1)

        for application in Application.browse(applications):
            self.assert_sealed_pdfa(application)

    @with_transaction()
    def test_seal_refused(self):
        """Test a wrong passphrase and a missing required seal refuse the
        issue with nothing stored, without telling the passphrase"""
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        self.install_seal("s3cret seal")
        setup = scenario.municipality('elbasan')
        other = scenario.municipality('pogradec')
        decided = []
        for setup_ in [setup, other]:
            application = self.submitted(setup_)
            with self.as_staff(setup_.back):
                Application.act([application], 'forward')
            with self.as_staff(setup_.head):
                Application.act([application], 'forward')
                Application.act([application], 'approve')
            decided.append((setup_, application))
        history = History.search([], count=True)

        self.configure_seal(elbasan_passphrase="wrong passphrase")
        self.configure_seal(required='True')
        for setup_, application in decided:
            with self.subTest(municipality=setup_.company.code):
                with self.assertRaises(SealError) as context:
                    self.button(setup_.back, application, 'issue')
                self.assertIn(
                    setup_.company.rec_name, context.exception.message)
                for secret in ["s3cret", "wrong passphrase"]:
                    self.assertNotIn(secret, context.exception.message)
                application = Application(application.id)
                self.assertEqual(application.state, 'decided')
                self.assertEqual(
                    (application.verification_code,
                        application.output_document,
                        application.output_sha256), (None, None, None))
        self.assertEqual(History.search([], count=True), history)

    @with_transaction()
    def test_reprint_after_attempted_rewrite(self):
        """Test a refusal delivered cannot be rewritten as an approval: the
        reprint under its verification code is the file issued"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.refused(setup)
        _, issued, _, _ = self.print_(
            setup.back, 'ossis.application.output', application)
        with self.as_staff(setup.front):
            Application.record_delivery(
                [Application(application.id)], setup.desk, "Applicant")
        application = Application(application.id)
        self.assertEqual(application.state, 'delivered')
        before = (
            application.decision_text, application.fee_state,
            application.fee_exemption_reason, len(application.history))

        for user in [setup.front, setup.head]:
            for values in [
                    {'decision_text': "Approved in full"},
                    {'fee_state': 'exempted',
                        'fee_exemption_reason': "Approved in full"}]:
                with self.subTest(user=user.login, values=values):
                    with self.assertRaises(ApplicationDecidedError):
                        with self.as_staff(user):
                            Application.write(
                                Application.browse([application.id]), values)

        application = Application(application.id)
        self.assertEqual(
            (application.decision_text, application.fee_state,
                application.fee_exemption_reason, len(application.history)),
            before)
        self.assertEqual(
            application.decision_text, "The parcel is not in the urban zone.")
        _, reprint, _, _ = self.print_(
            setup.front, 'ossis.application.output', application)
        self.assertEqual(reprint, issued)
        self.assertEqual(
            hashlib.sha256(reprint).hexdigest(), application.output_sha256)
        text = ' '.join(pages(reprint))
        self.assertIn("The parcel is not in the urban zone.", text)
        self.assertNotIn("Approved in full", text)

    @with_transaction()
    def test_output_issued_before_storage(self):
        """Test an output issued before outputs were stored prints, and is
        stored at its first print"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.issued(setup)
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.output_document, table.output_sha256], [None, None],
                where=table.id == application.id))
        Transaction().counter += 1
        with self.as_staff(setup.back):
            self.assertIsNone(Application(application.id).output_document)

        _, content, _, _ = self.print_(
            setup.back, 'ossis.application.output', application)
        text = ' '.join(pages(content))
        self.assertIn(application.verification_code, text)
        application = Application(application.id)
        self.assertEqual(content, application.output_document)
        self.assertEqual(
            application.output_sha256, hashlib.sha256(content).hexdigest())

    @with_transaction()
    def test_refusals(self):
        "Test the receipt of a draft and the output of an undecided one"
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        setup = scenario.municipality('elbasan')
        draft = scenario.draft(setup)
        submitted = self.submitted(setup, serial=2)
        history = History.search([], count=True)

        with self.assertRaises(ApplicationReportError):
            self.print_(setup.front, 'ossis.application.receipt', draft)
        with self.assertRaises(ApplicationReportError):
            self.print_(setup.front, 'ossis.application.output', submitted)

        self.assertEqual(Application(draft.id).state, 'draft')
        self.assertIsNone(Application(draft.id).number)
        self.assertEqual(Application(submitted.id).state, 'submitted')
        self.assertIsNone(Application(submitted.id).verification_code)
        self.assertEqual(History.search([], count=True), history)

    @with_transaction()
    def test_other_municipality_cannot_print(self):
        "Test a clerk of another municipality cannot print"
        setup = scenario.municipality('elbasan')
        other = scenario.municipality('pogradec')
        application = self.issued(setup)

        for report in [
                'ossis.application.receipt', 'ossis.application.output']:
            with self.subTest(report=report):
                with self.assertRaises(AccessError):
                    self.print_(other.front, report, application)

