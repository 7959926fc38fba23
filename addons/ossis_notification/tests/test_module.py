# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_notification import template
from trytond.modules.ossis_notification.exceptions import NotificationError
from trytond.modules.ossis_notification.tests.tools import (
    TRACKING_CODE, Settings, application, load_albanian, person)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

GATEWAY = {'ossis_sms': {'uri': 'http://127.0.0.1:9/send?token=secret'}}


class OssisNotificationTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Notification module"
    module = 'ossis_notification'

    # Texts

    @with_transaction()
    def test_texts_albanian(self):
        "Test the texts of a submission in Albanian"
        load_albanian()
        elbasan = lgu('elbasan')

        texts = template.render(
            application(elbasan), 'submitted', person(), 'sq')

        self.assertEqual(
            texts.subject, "Aplikimi ELB-2026-000042 u regjistrua")
        self.assertIn("Përshëndetje Arta Hoxha,", texts.body)
        self.assertIn("ELB-2026-000042", texts.body)
        self.assertIn("„Building Permit“", texts.body)
        self.assertIn(TRACKING_CODE, texts.body)
        self.assertIn("18.12.2026", texts.body)
        self.assertIn("Municipality of Elbasan", texts.body)
        self.assertNotIn("http", texts.body)
        self.assertEqual(
            texts.sms,
            "Municipality of Elbasan: aplikimi ELB-2026-000042 u regjistrua. "
            f"Kodi i ndjekjes: {TRACKING_CODE}. "
            "Pergjigja pritet deri me 18.12.2026.")
        self.assertLessEqual(len(texts.sms), 160)

    @with_transaction()
    def test_texts_english(self):
        "Test the texts of each event in English"
        elbasan = lgu('elbasan')
        applicant = person(language='en')

        submitted = template.render(
            application(elbasan), 'submitted', applicant, 'en')
        requested = template.render(
            application(elbasan), 'information_requested', applicant, 'en')
        decided = template.render(
            application(elbasan, decision='rejected'), 'decided', applicant,
            'en')
        ready = template.render(
            application(elbasan, decision='approved'), 'ready', applicant,
            'en')

        self.assertEqual(
            submitted.subject, "Application ELB-2026-000042 registered")
        self.assertIn("We expect to answer by 12/18/2026.", submitted.body)
        self.assertIn("more information", requested.body)
        self.assertIn("Decision: rejected.", decided.body)
        self.assertIn("has been decided: rejected", decided.sms)
        self.assertNotIn("We expect", decided.body)
        self.assertIn("ready", ready.subject)
        for texts in [submitted, requested, decided, ready]:
            with self.subTest(subject=texts.subject):
                self.assertIn("Dear Arta Hoxha,", texts.body)
                self.assertIn(TRACKING_CODE, texts.body)
                self.assertIn("ELB-2026-000042", texts.sms)
                self.assertLessEqual(len(texts.sms), 160)

    @with_transaction()
    def test_texts_municipality_in_language(self):
        "Test the official name of the municipality is in the language"
        pool = Pool()
        Company = pool.get('company.company')
        elbasan = lgu('elbasan')
        with Transaction().set_context(language='sq'):
            Company.write([Company(elbasan.id)], {
                    'official_name': "Bashkia Elbasan"})

        sq = template.render(application(elbasan), 'ready', person(), 'sq')
        en = template.render(application(elbasan), 'ready', person(), 'en')

        self.assertIn("Bashkia Elbasan", sq.body)
        self.assertIn("Municipality of Elbasan", en.body)

    @with_transaction()
    def test_texts_tracking_url(self):
        "Test the link to the portal, with or without a place for the code"
        elbasan = lgu('elbasan')

        with Settings(ossis_portal={
                    'url': 'https://portal.example.al/track/{tracking_code}'}):
            texts = template.render(
                application(elbasan), 'submitted', person(), 'en')
        with Settings(ossis_portal={
                    'url': 'https://portal.example.al/track?lang=sq'}):
            query = template.render(
                application(elbasan), 'submitted', person(), 'en')

        url = f'https://portal.example.al/track/{TRACKING_CODE}'
        self.assertIn(f"Follow your application online: {url}", texts.body)
        # Too long for one SMS with the rest
        self.assertNotIn(url, texts.sms)
        self.assertIn(
            f'https://portal.example.al/track?lang=sq&code={TRACKING_CODE}',
            query.body)

    @with_transaction()
    def test_texts_unknown_event(self):
        "Test an unknown event is a programming error"
        with self.assertRaises(ValueError):
            template.render(
                application(lgu('elbasan')), 'archived', person(), 'en')

    # Creation

    @with_transaction()
    def test_notify_applicants(self):
        "Test an email and an SMS to the applicant, in their language"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        elbasan = lgu('elbasan')

        with Settings(**GATEWAY):
            email, sms = Notification.notify_applicants(
                [application(elbasan)], 'submitted')

        self.assertEqual(
            (email.channel, email.recipient, email.language, email.event),
            ('email', 'arta.hoxha@example.al', 'sq', 'submitted'))
        self.assertEqual(
            (sms.channel, sms.recipient), ('sms', '+355691234567'))
        for notification in [email, sms]:
            self.assertEqual(notification.company, elbasan)
            self.assertEqual(notification.state, 'queued')
            self.assertEqual(notification.attempts, 0)
            self.assertLessEqual(notification.next_attempt, dt.datetime.now())
            self.assertIsNone(notification.origin)
        self.assertIsNone(sms.subject)
        self.assertIn(TRACKING_CODE, email.body)
        self.assertIn(TRACKING_CODE, sms.body)

    @with_transaction()
    def test_notify_representative(self):
        "Test the representative is told too, once per address"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        elbasan = lgu('elbasan')
        lawyer = person(
            name="Studio Ligjore", email='ZYRA@example.al ',
            phone='+355 68 765 4321', language='en')
        same = person(phone=None)

        notifications = Notification.notify_applicants([
                application(elbasan, representative=lawyer),
                application(elbasan, number='ELB-2026-000043',
                    representative=same),
                ], 'decided')

        self.assertEqual(
            [(n.recipient, n.language) for n in notifications], [
                ('arta.hoxha@example.al', 'sq'),
                ('zyra@example.al', 'en'),
                ('arta.hoxha@example.al', 'sq'),
                ])

    @with_transaction()
    def test_notify_without_contact(self):
        "Test nothing is queued for an applicant without email nor phone"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        elbasan = lgu('elbasan')
        nobody = person(email=None, phone=None)
        landline = person(email='', phone='12')

        with Settings(**GATEWAY):
            notifications = Notification.notify_applicants([
                    application(elbasan, applicant=nobody),
                    application(elbasan, applicant=landline),
                    ], 'submitted')

        self.assertEqual(notifications, [])
        self.assertEqual(Notification.search([]), [])

    @with_transaction()
    def test_no_sms_without_gateway(self):
        "Test no SMS is created when no gateway is configured"
        pool = Pool()
        Notification = pool.get('ossis.notification')

        with Settings(ossis_sms={'uri': ''}):
            notifications = Notification.notify_applicants(
                [application(lgu('elbasan'))], 'submitted')

        self.assertEqual([n.channel for n in notifications], ['email'])
        self.assertEqual(
            Notification.search_count([('channel', '=', 'sms')]), 0)

    @with_transaction()
    def test_origin_any_record(self):
        "Test the origin may be any record"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        elbasan = lgu('elbasan')

        notification, = Notification.queue([{
                    'company': elbasan.id,
                    'origin': str(elbasan),
                    'event': 'submitted',
                    'channel': 'email',
                    'recipient': 'arta.hoxha@example.al',
                    'language': 'en',
                    'subject': "Subject",
                    'body': "Body",
                    }])

        self.assertEqual(notification.origin, elbasan)

    @with_transaction()
    def test_queue_pushes_a_task_per_notification(self):
        "Test every notification is sent by a task of its own"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        Queue = pool.get('ir.queue')
        transaction = Transaction()

        notifications = Notification.notify_applicants([
                application(lgu('elbasan'), number=f'ELB-2026-00005{i}',
                    applicant=person(email=f'person{i}@example.al'))
                for i in range(3)], 'submitted')

        tasks = Queue.browse(transaction.tasks)
        self.assertEqual(len(tasks), 3)
        self.assertEqual(
            sorted(list(t.data['instances']) for t in tasks),
            [[n.id] for n in notifications])
        for task in tasks:
            self.assertEqual(task.name, 'ossis_notification')
            self.assertEqual(task.data['model'], 'ossis.notification')
            self.assertEqual(task.data['method'], 'send')

    # Access

    @with_transaction()
    def test_staff_read_only(self):
        "Test the administrator and the help desk read, no one writes"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        elbasan = lgu('elbasan')
        notification, = Notification.notify_applicants(
            [application(elbasan)], 'submitted')
        admin = create_lgu_user('elbasan.admin', elbasan)
        helpdesk = create_lgu_user(
            'elbasan.helpdesk', elbasan, group='group_helpdesk')
        front = create_lgu_user(
            'elbasan.front', elbasan, group='group_front_office')

        for user in [admin, helpdesk]:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(
                    Notification.search([]), [notification])
                with self.assertRaises(AccessError):
                    Notification.write(
                        [Notification(notification.id)], {'body': "Hacked"})
                with self.assertRaises(AccessError):
                    Notification.create([{
                                'company': elbasan.id,
                                'channel': 'email',
                                'recipient': 'x@example.al',
                                }])
                with self.assertRaises(AccessError):
                    Notification.delete([Notification(notification.id)])
        with as_user(front):
            with self.assertRaises(AccessError):
                Notification.search([])

    @with_transaction()
    def test_other_municipality_sees_nothing(self):
        "Test the administrator of another municipality sees nothing"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        Notification.notify_applicants(
            [application(lgu('elbasan'))], 'submitted')
        admin = create_lgu_user('pogradec.admin', lgu('pogradec'))

        with as_user(admin):
            self.assertEqual(Notification.search([]), [])

    @with_transaction()
    def test_retry_button(self):
        "Test an administrator sends a failed notification again"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        transaction = Transaction()
        elbasan = lgu('elbasan')
        notification, = Notification.notify_applicants(
            [application(elbasan)], 'submitted')
        Notification.write([notification], {
                'state': 'failed', 'attempts': 6, 'next_attempt': None,
                'last_error': "SMTPServerDisconnected"})
        transaction.tasks.clear()
        admin = create_lgu_user('elbasan.admin', elbasan)

        with as_user(admin):
            Notification.retry([Notification(notification.id)])

        notification = Notification(notification.id)
        self.assertEqual(notification.state, 'queued')
        self.assertEqual(notification.attempts, 0)
        self.assertLessEqual(notification.next_attempt, dt.datetime.now())
        self.assertEqual(len(transaction.tasks), 1)

    @with_transaction()
    def test_retry_refused(self):
        "Test the help desk may not retry, nor anyone retry a sent one"
        pool = Pool()
        Notification = pool.get('ossis.notification')
        transaction = Transaction()
        elbasan = lgu('elbasan')
        notification, = Notification.notify_applicants(
            [application(elbasan)], 'submitted')
        Notification.write([notification], {
                'state': 'sent', 'attempts': 1, 'next_attempt': None})
        helpdesk = create_lgu_user(
            'elbasan.helpdesk', elbasan, group='group_helpdesk')
        admin = create_lgu_user('elbasan.admin', elbasan)
        transaction.tasks.clear()

        with as_user(helpdesk):
            with self.assertRaises(UserError):
                Notification.retry([Notification(notification.id)])
        with as_user(admin):
            with self.assertRaises(UserError):
                Notification.retry([Notification(notification.id)])
        with self.assertRaises(NotificationError):
            Notification.retry([notification])

        self.assertEqual(Notification(notification.id).state, 'sent')
        self.assertEqual(transaction.tasks, [])

    @with_transaction()
    def test_cron_registered(self):
        "Test the cron that sends the due notifications runs once for all"
        pool = Pool()
        Cron = pool.get('ir.cron')
        cron, = Cron.search([
                ('method', '=', 'ossis.notification|retry_due'),
                ])
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type),
            (1, 'minutes'))
        self.assertEqual(cron.companies, ())


del ModuleTestCase
