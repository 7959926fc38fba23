# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.exceptions import ApplicationActionError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.scenario import as_staff
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class ApplicationFeedbackTestCase(
        LGUTestMixin, TranslationTestMixin, scenario.ProcessTestMixin,
        ModuleTestCase):
    "Test the feedback of applicants"
    module = 'ossis_monitoring'
    extras = []

    @with_transaction()
    def test_feedback(self):
        "Test the feedback is recorded once, after the delivery"
        pool = Pool()
        Application = pool.get('ossis.application')
        Feedback = pool.get('ossis.application.feedback')
        setup = scenario.municipality('elbasan')
        running = self.submitted(setup, 1)
        with as_staff(setup.front), self.assertRaises(
                ApplicationActionError):
            Application.record_feedback([running], 4)
        self.assertEqual(Feedback.search([]), [])
        self.assertEqual(self.history(running, 'feedback'), [])

        low = self.delivered(setup, 2)
        with as_staff(setup.front):
            Application.record_feedback(
                [low], 2, "Waited too long.", 'phone')
        feedback, = Feedback.search([])
        self.assertEqual(
            (feedback.rating, feedback.flagged, feedback.channel),
            (2, True, 'phone'))
        self.assertEqual(feedback.recorded_by, setup.employees.front)
        self.assertEqual(feedback.unit, setup.unit)
        self.assertEqual(Application(low.id).feedback, feedback)
        history, = self.history(low, 'feedback')
        self.assertTrue(history.public)
        with as_staff(setup.back), self.assertRaises(
                ApplicationActionError):
            Application.record_feedback([low], 5)
        self.assertEqual(Feedback.search([]), [feedback])

        good = self.delivered(setup, 3)
        with as_staff(setup.front), self.assertRaises(
                ApplicationActionError):
            Application.record_feedback([good], 6)
        self.assertEqual(Feedback.search([]), [feedback])
        with as_staff(setup.front):
            Application.record_feedback([good], 5)
        self.assertFalse(
            Feedback.search([('application', '=', good.id)])[0].flagged)

        with as_staff(setup.head):
            self.assertEqual(Feedback.search([
                        ('flagged', '=', True),
                        ('headed_by_me', '=', True),
                        ]), [feedback])
        with as_staff(setup.back):
            self.assertEqual(
                Feedback.search([('headed_by_me', '=', True)]), [])
            with self.assertRaises(AccessError):
                Feedback.write([feedback], {'rating': 5})
        self.assertEqual(Feedback(feedback.id).rating, 2)

    @with_transaction()
    def test_other_municipality(self):
        "Test staff of another municipality read no notes, attachments "
        "or feedback of an application"
        pool = Pool()
        Note = pool.get('ir.note')
        Attachment = pool.get('ir.attachment')
        Feedback = pool.get('ossis.application.feedback')
        Application = pool.get('ossis.application')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = self.delivered(elbasan)
        with as_staff(elbasan.front):
            Application.record_feedback([application], 1, "Rude.")
        resource = str(application)
        with as_staff(elbasan.back):
            note, = Note.create([{
                        'resource': resource,
                        'message': "Ask the cadastre.",
                        }])
            attachment, = Attachment.create([{
                        'resource': resource,
                        'name': 'plan.txt',
                        'data': b'plan',
                        }])
        with as_staff(elbasan.head):
            self.assertEqual(
                Note.search([('resource', '=', resource)]), [note])
            self.assertEqual(
                Attachment.search([('resource', '=', resource)]),
                [attachment])

        with as_staff(pogradec.back):
            self.assertEqual(
                Note.search([('resource', '=', resource)]), [])
            self.assertEqual(
                Attachment.search([('resource', '=', resource)]), [])
            self.assertEqual(Feedback.search([]), [])
            with self.assertRaises(AccessError):
                Note.read([note.id], ['message'])
            with self.assertRaises(AccessError):
                Attachment.read([attachment.id], ['name'])
            with self.assertRaises(AccessError):
                Feedback.read(
                    [Application(application.id).feedback.id], ['rating'])
        self.assertEqual(Note.search([('resource', '=', resource)]), [note])



    @with_transaction()
    def test_feedback_list_action(self):
        "Test every tab of the feedback list searches for a unit head"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.delivered(setup)
        with as_staff(setup.front):
            Application.record_feedback([application], 1, "Rude.")

        found = self.search_tabs(
            setup.head, 'ossis_monitoring', 'act_application_feedback_form')

        for name in ["Low Ratings of My Units", "Low Ratings", "All"]:
            self.assertEqual(
                [f.application for f in found[name]], [application])


del ModuleTestCase
