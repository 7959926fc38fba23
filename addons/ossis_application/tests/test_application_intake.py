# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.exceptions import LGUMismatchError
from trytond.modules.ossis_base.tests.tools import (
    ModuleDatabaseMixin, municipal_today)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction


class ApplicationIntakeTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the quick intake of the front desk"

    module = 'ossis_application'

    def intake(self, user, values):
        """Fill the quick intake as the user with the values and submit;
        return the result of the wizard"""
        pool = Pool()
        Intake = pool.get('ossis.application.intake', type='wizard')
        with scenario.as_staff(user):
            session_id, start, _ = Intake.create()
            Intake.execute(session_id, {}, start)
            return Intake.execute(session_id, {'start': values}, 'submit')

    def look_up(self, user, identifier):
        "Return the screen of the user once the identifier is typed"
        pool = Pool()
        Start = pool.get('ossis.application.intake.start')
        with scenario.as_staff(user):
            start = Start(kind='person', identifier=identifier)
            start.on_change_identifier()
            return start

    def values(self, setup, identifier, service='URB-09', received=True,
            **values):
        "Return what the clerk fills in for the service"
        pool = Pool()
        Document = pool.get('ossis.application.document')
        offer = setup.offers[service]
        return {
            'company': setup.company.id,
            'desk': setup.desk.id,
            'lgu_service': offer.id,
            'identifier': identifier,
            'kind': 'person',
            'name': "Arben Hoxha",
            'phone': '+355 69 123 4567',
            'documents': [{
                    'document_type': line['document_type'],
                    'mandatory': line['mandatory'],
                    'received': received,
                    } for line in Document.checklist(offer.service)],
            'fee_paid': True,
            'fee_receipt': 'BKT-1',
            **values,
            }

    @with_transaction()
    def test_new_citizen(self):
        "Test the intake of a new citizen submits and prints the receipt"
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        Attachment = pool.get('ir.attachment')
        setup = scenario.municipality('elbasan')
        values = self.values(setup, 'j0010 1999w')
        values['documents'][0].update(scan=b'%PDF-1.4', scan_name='id.pdf')

        result = self.intake(setup.front, values)

        applicant, = Applicant.search([('identifier', '=', 'J00101999W')])
        self.assertEqual(
            (applicant.name, applicant.kind, applicant.company),
            ("Arben Hoxha", 'person', setup.company))
        application, = Application.search([('applicant', '=', applicant)])
        self.assertEqual(application.state, 'submitted')
        self.assertEqual(application.channel, 'desk')
        self.assertEqual(application.desk, setup.desk)
        self.assertTrue(application.documents_complete)
        self.assertEqual(
            (application.fee_state, application.fee_receipt,
                application.fee_paid_date),
            ('paid', 'BKT-1', municipal_today()))
        (action, data), = result['actions']
        self.assertEqual(action['report_name'], 'ossis.application.receipt')
        self.assertEqual(data['ids'], [application.id])
        # An empty screen waits for the next applicant
        self.assertEqual(result['view']['state'], 'start')
        self.assertEqual(
            result['view']['values'].get('application'), application.id)
        self.assertFalse(result['view']['values'].get('identifier'))
        scan, = Attachment.search([
                ('resource', '=', str(application.documents[0]))])
        self.assertEqual((scan.name, scan.data), ('id.pdf', b'%PDF-1.4'))

    @with_transaction()
    def test_registered_applicant(self):
        "Test the identifier finds the applicant of the municipality"
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(setup.company, 7)
        start = self.look_up(setup.front, applicant.identifier.lower())
        self.assertEqual(start.applicant, applicant)
        self.assertEqual(start.name, applicant.name)
        # A new number gives the kind: a date of birth or none
        start = self.look_up(setup.front, 'j0010 1999w')
        self.assertEqual((start.applicant, start.kind), (None, 'person'))
        start = self.look_up(
            setup.front, scenario.valid_identifier(8, 'business'))
        self.assertEqual((start.applicant, start.kind), (None, 'business'))

        self.intake(setup.front, self.values(
                setup, applicant.identifier, name=None))

        self.assertEqual(Applicant.search([
                    ('identifier', '=', applicant.identifier)]), [applicant])
        application, = Application.search([('applicant', '=', applicant)])
        self.assertEqual(application.state, 'submitted')

    @with_transaction()
    def test_checklist_and_fee(self):
        "Test the service brings its checklist and fee, ticked at once"
        pool = Pool()
        Start = pool.get('ossis.application.intake.start')
        setup = scenario.municipality('elbasan')
        with scenario.as_staff(setup.front):
            start = Start(**Start.default_get(
                    list(Start._fields), with_rec_name=False))
            self.assertEqual(start.desk, setup.desk)
            self.assertTrue(start.fee_paid)
            self.assertEqual(start.fee_paid_date, municipal_today())
            start.service_code = 'urb-09'
            start.on_change_service_code()
            self.assertEqual(start.lgu_service, setup.offers['URB-09'])
            self.assertEqual(start.fee, setup.offers['URB-09'].fee)
            self.assertTrue(start.documents)
            self.assertFalse(any(d.received for d in start.documents))
            start.all_received = True
            start.on_change_all_received()
            self.assertTrue(all(d.received for d in start.documents))

    @with_transaction()
    def test_service_by_words(self):
        "Test the words of the name find the service in any order"
        pool = Pool()
        Start = pool.get('ossis.application.intake.start')
        setup = scenario.municipality('elbasan')
        with scenario.as_staff(setup.front):
            start = Start(desk=setup.desk, service_code="plan COPY")
            start.on_change_service_code()
            self.assertEqual(start.lgu_service, setup.offers['URB-09'])
            self.assertEqual(start.service_code, 'URB-09')
            start = Start(
                desk=setup.desk, service_code="plan nothing", lgu_service=None)
            start.on_change_service_code()
            self.assertIsNone(start.lgu_service)

    @with_transaction()
    def test_other_municipality(self):
        "Test a clerk neither finds nor files for another municipality"
        pool = Pool()
        Application = pool.get('ossis.application')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        applicant = scenario.applicant(elbasan.company, 3)
        self.assertIsNone(
            self.look_up(pogradec.front, applicant.identifier).applicant)

        values = self.values(pogradec, scenario.valid_identifier(4))
        values['lgu_service'] = elbasan.offers['URB-09'].id
        with self.assertRaises(LGUMismatchError):
            self.intake(pogradec.front, values)
        self.assertFalse(Application.search([
                    ('company', '=', elbasan.company.id)]))

    @with_transaction()
    def test_front_office_only(self):
        "Test only the front office runs the quick intake"
        pool = Pool()
        Intake = pool.get('ossis.application.intake', type='wizard')
        setup = scenario.municipality('elbasan')
        with scenario.as_staff(setup.back), self.assertRaises(AccessError):
            Intake.create()

