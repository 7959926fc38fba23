# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Drafts of the portal and the checks of uploaded files, on the ORM"""
import datetime as dt
import hashlib
import io
import unittest
from decimal import Decimal

from PIL import Image

from trytond.modules.ossis_application.tests import files, scenario
from trytond.modules.ossis_base.tests.test_module import as_user, lgu
from trytond.modules.ossis_portal.upload import file_name
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

PDF = files.pdf()


def image(kind):
    data = io.BytesIO()
    Image.new('RGB', (6, 6), (10, 120, 40)).save(data, kind)
    return data.getvalue()


class FileTestCase(unittest.TestCase):
    "Test the names of the files that the portal keeps"

    def test_file_name(self):
        "Test only the base name of an upload is kept"
        self.assertEqual(file_name('C:\\Users\\arta\\leje.pdf'), 'leje.pdf')
        self.assertEqual(file_name('../../etc/passwd'), 'passwd')
        self.assertEqual(file_name(''), 'document')
        self.assertLessEqual(len(file_name('x' * 300 + '.pdf')), 90)


class DraftTestCase(unittest.TestCase):
    "Test the drafts of applications of the portal"

    @classmethod
    def setUpClass(cls):
        activate_module('ossis_portal')

    def setup(self):
        "Return the municipality with a service offered online"
        pool = Pool()
        Service = pool.get('ossis.service')
        Offer = pool.get('ossis.lgu.service')
        services = Service.search([
                ('state', '=', 'published'),
                ('channel_online', '=', True),
                ('online_system', '=', None),
                ('documents', '!=', None),
                ('applicant_type', '!=', 'business'),
                ], order=[('code', 'ASC')], limit=1)
        self.assertTrue(services)
        service, = services
        setup = scenario.municipality('elbasan', services=[service.code])
        offer, = setup.offers.values()
        self.assertTrue(offer.online)
        Offer.write([offer], {'fee': Decimal(500)})
        return setup, offer

    @with_transaction()
    def test_save_find_submit(self):
        "Test a draft is saved, found by its secret and submitted"
        pool = Pool()
        Draft = pool.get('ossis.portal.draft')
        Application = pool.get('ossis.application')
        Attachment = pool.get('ir.attachment')
        setup, offer = self.setup()
        documents = list(offer.service.documents)
        values = {
            'applicant': {
                'kind': 'person', 'name': "Arta Hoxha",
                'identifier': scenario.valid_identifier(7),
                'email': 'arta@example.al', 'phone': None, 'gender': None,
                'administrative_unit': setup.admin_unit.id,
                'address': None},
            'consent': True,
            }
        draft = Draft.store(None, setup.company, offer, 'en', values, [
                (documents[0], 'scan.pdf', PDF)])
        token = Draft.save_for_later([draft])[draft]
        self.assertEqual(
            draft.token_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertGreater(
            draft.expires_at, dt.datetime.now() + dt.timedelta(days=29))
        self.assertEqual(Draft.find(setup.company, token), draft)
        self.assertIsNone(Draft.find(setup.company, token + 'x'))
        # Another municipality does not find it
        self.assertIsNone(Draft.find(lgu('pogradec'), token))

        # The other files arrive with the review
        draft = Draft.store(draft, setup.company, offer, 'en', values, [
                (d, f'{d.id}.pdf', PDF) for d in documents[1:]])
        self.assertEqual(set(draft.files), {d.id for d in documents})

        application = Draft.submit(draft)
        self.assertFalse(Draft.search([('id', '=', draft.id)]))
        self.assertEqual(application.channel, 'online')
        self.assertEqual(application.state, 'submitted')
        self.assertTrue(application.number)
        self.assertEqual(application.applicant.email, 'arta@example.al')
        self.assertEqual(application.applicant.language, 'en')
        self.assertTrue(all(
                d.status == 'received' for d in application.documents))
        self.assertEqual(Attachment.search_count([
                    ('resource', '=', str(application)),
                    ]), len(documents))
        # The front office checks the payment at the intake step
        self.assertEqual(application.fee_state, 'due')
        self.assertEqual(application.step, application.workflow.start_step)
        self.assertEqual(Application.search_count([
                    ('applicant', '=', application.applicant.id)]), 1)

    @with_transaction()
    def test_registered_applicant_keeps_contacts(self):
        "Test a form does not change the email of a registered applicant"
        pool = Pool()
        Draft = pool.get('ossis.portal.draft')
        setup, offer = self.setup()
        registered = scenario.applicant(setup.company, serial=8)
        values = {
            'applicant': {
                'kind': 'person', 'name': "Someone Else",
                'identifier': registered.identifier,
                'email': 'someone@example.al', 'phone': '0691234567',
                'gender': None, 'administrative_unit': None,
                'address': None},
            'consent': True,
            }
        draft = Draft.store(None, setup.company, offer, 'sq', values, [
                (d, 'scan.pdf', PDF) for d in offer.service.documents])
        application = Draft.submit(draft)
        self.assertEqual(application.applicant, registered)
        self.assertEqual(registered.email, 'applicant8@example.com')
        # Only what was missing is added
        self.assertEqual(registered.phone, '0691234567')

    @with_transaction()
    def test_files_replaced_and_removed(self):
        "Test files are kept, replaced and removed apart from the values"
        pool = Pool()
        Draft = pool.get('ossis.portal.draft')
        Attachment = pool.get('ir.attachment')
        setup, offer = self.setup()
        first, *others = offer.service.documents
        values = {'applicant': {'name': "Arta Hoxha"}, 'consent': False}
        draft = Draft.store(None, setup.company, offer, 'sq', values, [
                (first, 'scan.pdf', PDF)])
        kept = draft.files[first.id]

        # A form with errors keeps its files, not its values
        draft = Draft.store(draft, setup.company, offer, 'sq', None, [
                (first, 'photo.png', image('PNG'))])
        self.assertEqual(draft.values['applicant'], values['applicant'])
        self.assertEqual(draft.files[first.id].name, 'photo.png')
        self.assertFalse(Attachment.search([('id', '=', kept.id)]))

        draft = Draft.store(
            draft, setup.company, offer, 'sq', None, [], [first.id])
        self.assertEqual(draft.files, {})
        self.assertFalse(Attachment.search([
                    ('resource', '=', str(draft))]))

    @with_transaction()
    def test_purge(self):
        "Test expired drafts are deleted with their files"
        pool = Pool()
        Draft = pool.get('ossis.portal.draft')
        Attachment = pool.get('ir.attachment')
        setup, offer = self.setup()
        draft = Draft.store(None, setup.company, offer, 'sq', {}, [
                (offer.service.documents[0], 'scan.pdf', PDF)])
        resource = str(draft)
        Draft.write([draft], {
                'expires_at': dt.datetime.now() - dt.timedelta(minutes=1)})
        Draft.purge()
        self.assertFalse(Draft.search([('id', '=', draft.id)]))
        self.assertFalse(Attachment.search([('resource', '=', resource)]))


class AnswerTestCase(unittest.TestCase):
    "Test the answers of applicants to requests for information"

    @classmethod
    def setUpClass(cls):
        activate_module('ossis_portal')

    @with_transaction()
    def test_answer_online(self):
        "Test an answer attaches files, receives documents, restarts"
        pool = Pool()
        Application = pool.get('ossis.application')
        Attachment = pool.get('ir.attachment')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        for user, call in [
                (setup.front, lambda: Application.submit([application])),
                (setup.back, lambda: Application.act(
                        [application], 'request_info')),
                ]:
            with as_user(user), Transaction().set_context(
                    scenario.user_context(user)):
                call()
        application = Application(application.id)
        self.assertEqual(application.state, 'waiting')
        line = application.documents[0]
        pool.get('ossis.application.document').write(
            [line], {'status': 'missing'})

        # The portal answers as the root user
        with Transaction().set_user(0):
            Application.answer_online(
                application, "Here it is.",
                [(line, PDF, 'application/pdf'),
                    (None, image('PNG'), 'image/png')])

        application = Application(application.id)
        self.assertEqual(application.state, 'in_progress')
        self.assertEqual(application.documents[0].status, 'received')
        self.assertEqual(Attachment.search_count([
                    ('resource', '=', str(application)),
                    ]), 2)
        resume, = [h for h in application.history if h.action == 'resume']
        self.assertIn("Here it is.", resume.comment)
        self.assertIsNone(application.action_comment)
