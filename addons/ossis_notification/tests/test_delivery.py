# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the delivery of notifications to a real mail server and a real SMS
gateway, both local

Each step runs as the server runs a request: in a transaction that
commits, then the tasks that the transaction queued, each in a transaction
of its own (trytond.worker.run_task, as the dispatcher and the cron do
without a queue worker)."""
import asyncio
import datetime as dt
import email
import email.policy
import json
import socket
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from trytond import backend
from trytond.modules.ossis_base.tests.test_module import lgu
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_notification.notification import (
    BACKOFF, MAX_ATTEMPTS)
from trytond.modules.ossis_notification.tests.tools import (
    TRACKING_CODE, Settings, application, load_albanian, person)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.worker import run_task

LOGGER = 'trytond.modules.ossis_notification.notification'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Mailbox:
    "An SMTP server on a local port that keeps what it receives"

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.controller = None
        self.delay = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.messages.append((
                envelope.rcpt_tos,
                email.message_from_bytes(
                    envelope.content, policy=email.policy.default)))
        return '250 Message accepted for delivery'

    def start(self):
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


class Gateway:
    "An SMS gateway on a local port that answers with status"

    def __init__(self):
        self.requests = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers['Content-Length'])
                gateway.requests.append((
                        self.path, self.headers['Content-Type'],
                        json.loads(self.rfile.read(length))))
                self.send_response(gateway.status)
                self.send_header('Content-Type', 'application/json')
                self.end_headers()
                self.wfile.write(b'{"id": "42"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f'http://127.0.0.1:{self.server.server_port}/send?token=s3cr3t'

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def request(func, *args):
    """Run func as a request: commit, then run the tasks it queued; return
    what func returned"""
    transaction = Transaction()
    transaction.tasks.clear()
    with transaction.start(DB_NAME, 1) as transaction:
        result = func(*args)
    while transaction.tasks:
        run_task(DB_NAME, transaction.tasks.pop())
    return result


def read(ids):
    "Return the notifications of the ids as they are stored"
    with Transaction().start(DB_NAME, 1, readonly=True):
        Notification = Pool().get('ossis.notification')
        return [{
                f: getattr(n, f) for f in [
                    'id', 'state', 'attempts', 'next_attempt', 'last_error',
                    'sent_date', 'channel', 'recipient']}
            for n in Notification.browse(ids)]


def notify(applications_of, event='submitted'):
    "Notify the applicants of the applications of the municipality code"
    def notify():
        Notification = Pool().get('ossis.notification')
        applications = applications_of(lgu('elbasan'))
        return [n.id for n in Notification.notify_applicants(
                applications, event)]
    return request(notify)


def make_due(ids):
    "Move the next attempt of the notifications to the past"
    def make_due():
        Notification = Pool().get('ossis.notification')
        Notification.write(Notification.browse(ids), {
                'next_attempt': dt.datetime.now() - dt.timedelta(seconds=1)})
    request(make_due)


def retry_due():
    "Run the cron of the due notifications as the cron runner does"
    def call():
        Pool().get('ossis.notification').retry_due()
    request(call)


class DeliveryTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the delivery of notifications"

    module = 'ossis_notification'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        request(load_albanian)
        cls.gateway = Gateway()
        cls.gateway.start()
        cls.addClassCleanup(cls.gateway.stop)

    def setUp(self):
        super().setUp()
        self.mailbox = Mailbox(free_port())
        self.mailbox.start()
        self.addCleanup(self.mailbox.stop)
        self.gateway.requests.clear()
        self.gateway.status = 200
        settings = Settings(
            email={
                'uri': f'smtp://127.0.0.1:{self.mailbox.port}',
                'from': 'OSSIS <noreply@ossis.example.al>',
                },
            ossis_sms={'uri': self.gateway.url, 'sender': 'Bashkia'},
            ossis_portal={'url': ''},
            )
        settings.__enter__()
        self.addCleanup(settings.__exit__, None, None, None)

    def test_email_and_sms_after_commit(self):
        "Test the applicant gets an email and an SMS once committed"
        seen_in_transaction = []

        def notify():
            Notification = Pool().get('ossis.notification')
            notifications = Notification.notify_applicants(
                [application(lgu('elbasan'))], 'submitted')
            # Nothing leaves before the transaction commits
            seen_in_transaction.extend(
                [len(self.mailbox.messages), len(self.gateway.requests)])
            return [n.id for n in notifications]
        ids = request(notify)

        self.assertEqual(seen_in_transaction, [0, 0])
        (recipients, message), = self.mailbox.messages
        self.assertEqual(recipients, ['arta.hoxha@example.al'])
        self.assertEqual(message['To'], 'arta.hoxha@example.al')
        self.assertEqual(
            message['From'],
            'Municipality of Elbasan <noreply@ossis.example.al>')
        self.assertEqual(
            message['Subject'], "Aplikimi ELB-2026-000042 u regjistrua")
        self.assertEqual(message['Content-Language'], 'sq')
        self.assertEqual(message['Auto-Submitted'], 'auto-generated')
        text = message.get_body(('plain',)).get_content()
        html = message.get_body(('html',)).get_content()
        for body in [text, html]:
            self.assertIn("Përshëndetje Arta Hoxha", body)
            self.assertIn("ELB-2026-000042", body)
            self.assertIn(TRACKING_CODE, body)
        self.assertIn('<html lang="sq">', html)

        (path, content_type, payload), = self.gateway.requests
        self.assertEqual(parse_qs(urlsplit(path).query), {'token': ['s3cr3t']})
        self.assertEqual(content_type, 'application/json; charset=utf-8')
        self.assertEqual(payload['to'], '+355691234567')
        self.assertEqual(payload['sender'], 'Bashkia')
        self.assertIn("ELB-2026-000042", payload['text'])
        self.assertIn(TRACKING_CODE, payload['text'])
        self.assertLessEqual(len(payload['text']), 160)

        for notification in read(ids):
            self.assertEqual(notification['state'], 'sent')
            self.assertEqual(notification['attempts'], 1)
            self.assertIsNone(notification['next_attempt'])
            self.assertIsNotNone(notification['sent_date'])

    def test_english_email(self):
        "Test an English-speaking applicant gets the English email"
        notify(lambda elbasan: [application(
                        elbasan, applicant=person(language='en', phone=None))])
        (_, message), = self.mailbox.messages
        self.assertEqual(
            message['Subject'], "Application ELB-2026-000042 registered")
        self.assertEqual(message['Content-Language'], 'en')
        self.assertIn(
            "Dear Arta Hoxha,", message.get_body(('plain',)).get_content())

    def test_rollback_sends_nothing(self):
        "Test nothing is sent nor stored when the caller's transaction fails"
        class Refused(Exception):
            pass

        def notify_then_fail():
            Notification = Pool().get('ossis.notification')
            Notification.notify_applicants(
                [application(lgu('elbasan'), number='ELB-2026-000099')],
                'submitted')
            raise Refused()

        with self.assertRaises(Refused):
            request(notify_then_fail)
        # The dispatcher would run what is left after the next request
        transaction = Transaction()
        while transaction.tasks:
            run_task(DB_NAME, transaction.tasks.pop())

        self.assertEqual(self.mailbox.messages, [])
        self.assertEqual(self.gateway.requests, [])
        with Transaction().start(DB_NAME, 1, readonly=True):
            Notification = Pool().get('ossis.notification')
            self.assertEqual(Notification.search_count([
                        ('body', 'like', '%ELB-2026-000099%'),
                        ]), 0)

    def test_smtp_down_then_back(self):
        "Test an email waits while the mail server is down, then goes out"
        self.mailbox.stop()

        with self.assertLogs(LOGGER, 'WARNING') as logs:
            started = dt.datetime.now()
            ids = notify(lambda elbasan: [application(
                            elbasan, applicant=person(phone=None))])

        notification, = read(ids)
        self.assertEqual(notification['state'], 'queued')
        self.assertEqual(notification['attempts'], 1)
        self.assertIn('ConnectionRefusedError', notification['last_error'])
        # Stored to the second
        self.assertGreaterEqual(
            notification['next_attempt'],
            started.replace(microsecond=0) + BACKOFF[0])
        self.assertLessEqual(
            notification['next_attempt'],
            dt.datetime.now() + BACKOFF[0])
        self.assertIsNone(notification['sent_date'])
        # The log names the notification, not the person
        log = '\n'.join(logs.output)
        self.assertIn(f"notification {notification['id']}", log)
        self.assertIn("(ConnectionRefusedError)", log)
        self.assertNotIn('arta', log.lower())

        # Not due yet: the cron leaves it
        self.mailbox.start()
        retry_due()
        self.assertEqual(self.mailbox.messages, [])
        self.assertEqual(read(ids)[0]['attempts'], 1)

        make_due(ids)
        retry_due()

        notification, = read(ids)
        self.assertEqual(notification['state'], 'sent')
        self.assertEqual(notification['attempts'], 2)
        self.assertEqual(len(self.mailbox.messages), 1)

    def test_gateway_error_then_back(self):
        "Test an SMS answered with 500 is tried again and then sent"
        self.gateway.status = 500

        ids = notify(lambda elbasan: [application(
                        elbasan, applicant=person(email=None))])

        notification, = read(ids)
        self.assertEqual(notification['channel'], 'sms')
        self.assertEqual(notification['state'], 'queued')
        self.assertEqual(notification['attempts'], 1)
        self.assertEqual(
            notification['last_error'], 'HTTP 500 Internal Server Error')
        self.assertIsNotNone(notification['next_attempt'])
        self.assertEqual(len(self.gateway.requests), 1)

        self.gateway.status = 200
        make_due(ids)
        retry_due()

        notification, = read(ids)
        self.assertEqual(notification['state'], 'sent')
        self.assertEqual(notification['attempts'], 2)
        self.assertEqual(len(self.gateway.requests), 2)

    def test_gateway_unreachable(self):
        "Test an SMS to a gateway that does not answer keeps no secret"
        port = free_port()
        with Settings(ossis_sms={
                    'uri': f'http://127.0.0.1:{port}/send?token=s3cr3t'}):
            ids = notify(lambda elbasan: [application(
                            elbasan, applicant=person(email=None))])

        notification, = read(ids)
        self.assertEqual(notification['state'], 'queued')
        self.assertIn('Connection refused', notification['last_error'])
        self.assertNotIn('s3cr3t', notification['last_error'])

    def test_backoff_then_failed(self):
        "Test the waits between attempts, then the notification fails"
        self.mailbox.stop()
        ids = notify(lambda elbasan: [application(
                        elbasan, applicant=person(phone=None))])

        waits = []
        for attempt in range(2, MAX_ATTEMPTS + 1):
            make_due(ids)
            before = dt.datetime.now()
            with self.assertLogs(LOGGER, 'WARNING'):
                retry_due()
            notification, = read(ids)
            self.assertEqual(notification['attempts'], attempt)
            if notification['next_attempt']:
                waits.append(notification['next_attempt'] - before)

        self.assertEqual(notification['state'], 'failed')
        self.assertIsNone(notification['next_attempt'])
        self.assertEqual(len(waits), len(BACKOFF) - 1)
        for wait, expected in zip(waits, BACKOFF[1:]):
            # Stored to the second
            self.assertGreaterEqual(wait, expected - dt.timedelta(seconds=1))
            self.assertLess(wait, expected + dt.timedelta(seconds=30))

        # A failed notification is not tried by the cron any more
        self.mailbox.start()
        make_due(ids)
        retry_due()
        self.assertEqual(read(ids)[0]['state'], 'failed')
        self.assertEqual(self.mailbox.messages, [])

        # The administrator's Retry sends it
        def retry():
            Notification = Pool().get('ossis.notification')
            Notification.retry(Notification.browse(ids))
        request(retry)
        notification, = read(ids)
        self.assertEqual(notification['state'], 'sent')
        self.assertEqual(notification['attempts'], 1)
        self.assertEqual(len(self.mailbox.messages), 1)

    def test_sent_once(self):
        "Test a repeated task and the cron do not send a notification twice"
        ids = notify(lambda elbasan: [application(
                        elbasan, applicant=person(phone=None))])
        self.assertEqual(len(self.mailbox.messages), 1)

        def push_again():
            Notification = Pool().get('ossis.notification')
            Notification._push(Notification.browse(ids))
        request(push_again)
        make_due(ids)
        retry_due()

        self.assertEqual(len(self.mailbox.messages), 1)
        notification, = read(ids)
        self.assertEqual(
            (notification['state'], notification['attempts']), ('sent', 1))

    def test_worker_late(self):
        "Test the cron does not queue again what waits for a late worker"
        def pending():
            Queue = Pool().get('ir.queue')
            return [t.id for t in Queue.search([
                        ('name', '=', 'ossis_notification'),
                        ('dequeued_at', '=', None),
                        ])]

        with Settings(queue={'worker': 'True'}):
            ids = notify(lambda elbasan: [application(
                            elbasan, applicant=person(phone=None))])
            tasks = request(pending)
            make_due(ids)
            retry_due()

            self.assertEqual(len(tasks), 1)
            self.assertEqual(request(pending), tasks)
            self.assertEqual(self.mailbox.messages, [])

            # The worker comes back
            run_task(DB_NAME, tasks[0])
            self.assertEqual(read(ids)[0]['state'], 'sent')
            self.assertEqual(request(pending), [])
        self.assertEqual(len(self.mailbox.messages), 1)

    @unittest.skipUnless(
        backend.name == 'postgresql', "SQLite runs one writer at a time")
    def test_concurrent_tasks_send_once(self):
        "Test two tasks sending one notification at the same time send once"
        def pending():
            Queue = Pool().get('ir.queue')
            return [t.id for t in Queue.search([
                        ('name', '=', 'ossis_notification'),
                        ('dequeued_at', '=', None),
                        ])]

        def push_again(ids):
            Notification = Pool().get('ossis.notification')
            Notification._push(Notification.browse(ids))

        self.mailbox.delay = 1
        with Settings(queue={'worker': 'True'}):
            ids = notify(lambda elbasan: [application(
                            elbasan, applicant=person(phone=None))])
            request(push_again, ids)
            tasks = request(pending)
            self.assertEqual(len(tasks), 2)

            threads = [
                threading.Thread(target=run_task, args=(DB_NAME, task))
                for task in tasks]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            # The task that found the row locked was put back in the queue
            for task in request(pending):
                run_task(DB_NAME, task)

        self.assertEqual(len(self.mailbox.messages), 1)
        notification, = read(ids)
        self.assertEqual(
            (notification['state'], notification['attempts']), ('sent', 1))

    def test_sms_cancelled_without_gateway(self):
        "Test a queued SMS is cancelled when the gateway is removed"
        self.gateway.status = 503
        ids = notify(lambda elbasan: [application(
                        elbasan, applicant=person(email=None))])

        with Settings(ossis_sms={'uri': ''}):
            make_due(ids)
            retry_due()

        notification, = read(ids)
        self.assertEqual(notification['state'], 'cancelled')
        self.assertIn('No SMS gateway', notification['last_error'])
        self.assertIsNone(notification['next_attempt'])

    def test_cron_runs_retry_due(self):
        "Test the scheduler runs the retries"
        self.mailbox.stop()
        ids = notify(lambda elbasan: [application(
                        elbasan, applicant=person(phone=None))])
        self.mailbox.start()
        make_due(ids)

        def due_now():
            Cron = Pool().get('ir.cron')
            Cron.write(Cron.search([
                        ('method', '=', 'ossis.notification|retry_due'),
                        ]), {'next_call': None})
        request(due_now)
        with Transaction().start(DB_NAME, 0, readonly=True):
            Cron = Pool().get('ir.cron')
        Cron.run(DB_NAME)

        self.assertEqual(read(ids)[0]['state'], 'sent')
        self.assertEqual(len(self.mailbox.messages), 1)
