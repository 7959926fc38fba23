# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import base64

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.exceptions import (
    ApplicantValidationError, ApplicationAccessError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application_external.exceptions import (
    ExternalApplicationError)
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


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
                'data': base64.b64encode(b'%PDF-1.4\n').decode(),
                'document_type': codes[0],
                }] if codes else [])
    if offer.fee:
        values.setdefault('fee_state', 'paid')
        values.setdefault('fee_receipt', f'R-{serial}')
    return values


class ApplicationExternalTestCase(ModuleTestCase):
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
        self.assertEqual(attachment.data, b'%PDF-1.4\n')
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
