# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class ApplicationNotificationTestCase(ModuleTestCase):
    "Test the notices of the application process"
    module = 'ossis_notification'

    def run_as(self, user, method, applications, *args):
        pool = Pool()
        Application = pool.get('ossis.application')
        with as_user(user), Transaction().set_context(
                scenario.user_context(user)):
            getattr(Application, method)(
                Application.browse(applications), *args)

    @with_transaction()
    def test_process_queues_notices(self):
        "Test submission, request and decision queue the applicant's notices"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        setup = scenario.municipality('elbasan')
        applicant = scenario.applicant(
            setup.company, 3, language='en', phone='069 123 4567')
        application = scenario.draft(setup, applicant=applicant.id)

        self.run_as(setup.front, 'submit', [application])
        self.run_as(setup.back, 'act', [application], 'request_info')
        self.run_as(setup.front, 'resume', [application])
        self.run_as(setup.back, 'act', [application], 'forward')
        self.run_as(setup.head, 'act', [application], 'forward')
        application.decision_text = "The applicant owes no tax."
        application.save()
        self.run_as(setup.head, 'act', [application], 'reject')
        self.run_as(setup.back, 'issue', [application])

        notifications = Notification.search(
            [('origin', '=', str(application))], order=[('id', 'ASC')])
        self.assertEqual(
            [(n.event, n.channel) for n in notifications
                if n.channel == 'email'],
            [('submitted', 'email'), ('information_requested', 'email'),
                ('decided', 'email'), ('ready', 'email')])
        self.assertEqual({n.language for n in notifications}, {'en'})
        self.assertEqual(
            {n.recipient for n in notifications if n.channel == 'email'},
            {applicant.email})
        submitted = notifications[0]
        self.assertIn(application.number, submitted.body)
        self.assertIn(application.tracking_code, submitted.body)
        self.assertEqual(
            {n.company for n in notifications}, {setup.company})

    @with_transaction()
    def test_other_municipality_cannot_read_notices(self):
        "Test the notices stay within the municipality"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = scenario.draft(elbasan)
        self.run_as(elbasan.front, 'submit', [application])
        User.write([pogradec.head], {'groups': [('add', [
                            ModelData.get_id('ossis_base', 'group_lgu_admin'),
                            ])]})
        with as_user(pogradec.head):
            self.assertEqual(Notification.search([]), [])


del ModuleTestCase
