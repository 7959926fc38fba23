# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import base64

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.ossis_application.exceptions import (
    ApplicantValidationError, ApplicationAccessError, UploadError)
from trytond.modules.ossis_application.tests import files, scenario
from trytond.modules.ossis_application_external.exceptions import (
    ExternalApplicationError)
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

PDF = files.pdf()


def external_user(login, company):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login,
                'name': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'groups': [('add', [ModelData.get_id(
                                'ossis_application_external',
                                'group_external_system')])],
                }])
    return user


def filing(setup, code='TAX-05', serial=1, **values):
    "Complete values of a filing of the service of the code"
    offer = setup.offers[code]
    codes = [d.document_type.code for d in offer.service.documents]
    values.setdefault('service', code)
    values.setdefault('applicant', {
            'kind': 'person',
            'name': f"Applicant {serial}",
            'identifier': scenario.valid_identifier(serial),
            })
    values.setdefault('documents', [
            {'document_type': c, 'status': 'received'} for c in codes[1:]])
    values.setdefault('attachments', [{
                'name': 'request.pdf',
                'data': base64.b64encode(PDF).decode(),
                'document_type': codes[0],
                }] if codes else [])
    if offer.fee:
        values.setdefault('fee_state', 'paid')
        values.setdefault('fee_receipt', f'R-{serial}')
    return values


class ApplicationExternalTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test the applications filed by other systems"
    module = 'ossis_application_external'
    extras = []

    def submit_external(self, user, values):
        pool = Pool()
        Application = pool.get('ossis.application')
        with as_user(user):
            return Application.submit_external(values)

    @with_transaction()
    def test_submit_and_status(self):
        "Test a system files an application and reads its status"
        pool = Pool()
        Application = pool.get('ossis.application')
        Attachment = pool.get('ir.attachment')
        setup = scenario.municipality('elbasan')
        system = external_user('elbasan.system', setup.company)

        result = self.submit_external(system, filing(setup))

        application = Application(result['id'])
        self.assertEqual(application.state, 'submitted')
        self.assertEqual(application.channel, 'system')
        self.assertEqual(application.company, setup.company)
        self.assertEqual(application.step.code, 'review')
        self.assertEqual(application.step_unit, setup.unit)
        self.assertTrue(application.documents_complete)
        self.assertEqual(result['number'], application.number)
        self.assertEqual(result['due_date'], application.due_date)
        attachment, = Attachment.search([
                ('resource', '=', str(application)),
                ])
        self.assertEqual(attachment.data, PDF)
        with as_user(system):
            status, = Application.get_status([result['number']])
        self.assertEqual(status['state'], 'submitted')
        self.assertEqual(status['step'], "Being reviewed")
        self.assertEqual(
            [h['action'] for h in status['history']], ['submit', 'forward'])

    @with_transaction()
    def test_bad_filings(self):
        "Test bad filings are refused before anything is stored"
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        setup = scenario.municipality('elbasan')
        system = external_user('elbasan.system', setup.company)
        wrong = scenario.valid_identifier(7)
        wrong = wrong[:-1] + ('A' if wrong[-1] != 'A' else 'B')
        for values, error in [
                (filing(setup, service='NOPE-1'), ExternalApplicationError),
                (filing(setup, service='TAX-01'), ExternalApplicationError),
                (filing(setup, applicant={
                            'name': "X", 'identifier': wrong}),
                    ApplicantValidationError),
                (filing(setup, documents=[{'document_type': 'nope'}]),
                    ExternalApplicationError),
                (filing(setup, attachments=[{'name': 'a', 'data': '%%'}]),
                    ExternalApplicationError),
                (dict(filing(setup), colour='blue'),
                    ExternalApplicationError),
                ]:
            with self.subTest(values=values):
                with self.assertRaises(error):
                    self.submit_external(system, values)
                self.assertFalse(Application.search([]))
                self.assertFalse(Applicant.search([]))

    @with_transaction()
    def test_attachments_checked(self):
        "Test attachments are checked as the files of the portal"
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        Attachment = pool.get('ir.attachment')
        setup = scenario.municipality('elbasan')
        system = external_user('elbasan.system', setup.company)
        before = Attachment.search_count([])

        def attachment(name, data):
            values = filing(setup)
            values['attachments'][0].update(
                name=name, data=base64.b64encode(data).decode())
            return values
        exe = b'MZ\x90\x00\x03\x00\x00\x00' + b'\x00' * 120
        for values in [
                attachment('page.pdf', files.PDF_HTML),
                attachment('page.html', b'<html><script>x()</script>'),
                attachment('setup.exe', exe),
                attachment('big.pdf', PDF + b'0' * (10 * 1024 * 1024)),
                attachment('script.pdf', files.pdf_open_javascript()),
                attachment('embedded.pdf', files.pdf_embedded_file()),
                attachment('a\x00.pdf', PDF),
                attachment('a\x1b[2J.pdf', PDF),
                attachment('../../etc/passwd.pdf', PDF),
                attachment('C:\\x\\a.pdf', PDF),
                attachment('x' * 300 + '.pdf', PDF),
                ]:
            name = values['attachments'][0]['name']
            with self.subTest(name=name[:20]):
                with self.assertRaises(UploadError) as context:
                    self.submit_external(system, values)
                self.assertNotIn('\x00', context.exception.message)
                self.assertFalse(Application.search([]))
                self.assertFalse(Applicant.search([]))
                self.assertEqual(Attachment.search_count([]), before)

    @with_transaction()
    def test_applicant_email_checked(self):
        "Test a system cannot give an address that injects markup"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        system = external_user('elbasan.system', setup.company)
        for serial, email in enumerate([
                    'a@b.c"><script>alert(1)</script>',
                    '<x@evil.example>'], 3):
            with self.subTest(email=email):
                with self.assertRaises(ValidationError):
                    self.submit_external(system, filing(setup, applicant={
                                'name': "Arta", 'email': email,
                                'identifier': scenario.valid_identifier(
                                    serial),
                                }))
                self.assertFalse(Application.search([]))

    @with_transaction()
    def test_channel_of_other_systems(self):
        "Test only external systems submit the channel of other systems"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        system = external_user('elbasan.system', setup.company)
        desk = scenario.draft(setup, serial=2)
        with as_user(system):
            with self.assertRaises(AccessError):
                Application.read([desk.id], ['state'])

        with self.assertRaises(ApplicationAccessError):
            self.submit_external(setup.front, filing(setup))

del ModuleTestCase
