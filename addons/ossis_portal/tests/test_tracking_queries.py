# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SQL statements of a tracking lookup through the portal's routes"""
import html
import os
import re
import time
import unittest

from werkzeug.test import Client

from trytond import backend, config
from trytond.modules.ossis_application.tests import scenario
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction
from trytond.wsgi import app

from .statements import statements

# The form post and the status page together
MAX_STATEMENTS = 8


class TrackingQueriesTestCase(unittest.TestCase):
    "Test a tracking lookup reads what it shows in a handful of statements"

    @classmethod
    def setUpClass(cls):
        # The application is committed: a database of its own
        drop_db()
        activate_module('ossis_portal')
        with Transaction().start(DB_NAME, 0, close=True) as transaction:
            pool = Pool()
            Application = pool.get('ossis.application')
            setup = scenario.municipality('elbasan', services=['TAX-05'])
            application = scenario.draft(setup)
            with scenario.as_staff(setup.front):
                Application.submit([Application(application.id)])
            with Transaction().set_context(language='sq'):
                application = Application(application.id)
                cls.number = application.number
                cls.code = application.tracking_code
                # What the status page shows, as the ORM reads it
                cls.names = [
                    application.service.name,
                    application.step.citizen_name or application.step.name]
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def url(self, path):
        return f'/{DB_NAME}/portal{path}'

    def csrf_token(self, client):
        response = client.get(self.url('/track'))
        self.assertEqual(response.status_code, 200)
        return re.search(
            r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def lookup(self, client, token):
        "Return the answer to the form post and the status page"
        posted = client.post(self.url('/track'), data={
                'csrf_token': token,
                'number': self.number,
                'code': self.code,
                })
        self.assertEqual(posted.status_code, 303, posted.text)
        status = client.get(posted.headers['Location'])
        return posted, status

    def test_lookup_statements(self):
        """Test the form post and the status page run at most 8 statements
        and show the application in Albanian to its session only"""
        client = Client(app, Response)
        token = self.csrf_token(client)
        # The first lookup fills the caches of the server process
        self.lookup(client, token)
        with statements(DB_NAME) as executed:
            posted, status = self.lookup(client, token)
        self.assertEqual(status.status_code, 200)
        self.assertIn(self.number, status.text)
        self.assertNotIn(self.code, status.text)
        for name in self.names:
            self.assertIn(html.escape(name, quote=False), status.text)
        other = Client(app, Response)
        self.assertEqual(
            other.get(posted.headers['Location']).status_code, 404)
        if os.environ.get('OSSIS_SHOW_STATEMENTS'):
            print(f"\n{len(executed)} statements:", *executed, sep='\n')
        self.assertLessEqual(
            len(executed), MAX_STATEMENTS, '\n'.join(executed))
        if backend.name == 'postgresql':
            # The form post counts the attempt in the statement that looks
            # the application up; the status page reads it in one more
            self.assertEqual(len(executed), 2, '\n'.join(executed))

    def test_counted_find(self):
        """Test a lookup counted in its statement counts the failures only
        and refuses a client past the maximum, even with the right code"""
        from trytond.modules.ossis_portal import tracking_read
        with Transaction().start(DB_NAME, 0) as transaction:
            Attempt = Pool().get('ossis.portal.attempt')
            # Counts of other runs on the database are committed
            key = Attempt.key(f'network {time.time_ns()}')
            other = Attempt.key(f'other {time.time_ns()}')
            maximum = Attempt.maximum('tracking')

            def find(key, code, number=self.number):
                with Attempt.counting() as counter:
                    return tracking_read.counted_find(
                        counter, 'tracking', key, number, code)

            def count(key, kind='tracking'):
                # Read as the counter reads, not in the transaction's
                # snapshot
                with Attempt.counting() as counter:
                    return Attempt.count(kind, key, cursor=counter.cursor)

            for _ in range(maximum + 3):
                allowed, found = find(key, self.code)
                self.assertTrue(allowed)
                self.assertEqual(
                    (found.number, found.lgu), (self.number, 'elbasan'))
            self.assertEqual(count(key), 0)
            for code in ['WRONG'] * (maximum - 1) + ['']:
                self.assertEqual(find(key, code), (True, None))
            self.assertEqual(find(other, 'WRONG'), (True, None))
            self.assertEqual(
                find(key, self.code, 'ELB-0000-000000'), (False, None))
            self.assertEqual(find(key, self.code), (False, None))
            self.assertEqual(count(key), maximum + 2)
            self.assertTrue(find(other, self.code)[1])
            self.assertEqual(count(other), 1)
            self.assertEqual(count(key, 'verification'), 0)
            if backend.name == 'postgresql':
                # Counted whatever the request does
                transaction.rollback()
                self.assertEqual(
                    Attempt.count('tracking', key), maximum + 2)

            # The count starts again once its window is over
            if not config.has_section('ossis_portal'):
                config.add_section('ossis_portal')
            window = config.get('ossis_portal', 'attempt_window')
            config.set('ossis_portal', 'attempt_window', '1')
            try:
                time.sleep(1.1)
                self.assertTrue(find(key, self.code)[1])
                self.assertEqual(count(key), 0)
                self.assertEqual(find(key, 'WRONG'), (True, None))
                self.assertEqual(count(key), 1)
            finally:
                config.set('ossis_portal', 'attempt_window', window or '900')

    def test_queries_written_once(self):
        """Test the queries are written once per language and take the
        values of each lookup"""
        from trytond.modules.ossis_portal import tracking_read
        with Transaction().start(DB_NAME, 0, readonly=True):
            found = tracking_read.find(self.number, self.code)
            written = len(tracking_read._WRITTEN)
            self.assertEqual(found.number, self.number)
            self.assertIsNone(tracking_read.find(self.number, 'WRONG'))
            self.assertIsNone(tracking_read.find('ELB-0000-000000', self.code))
            self.assertEqual(
                tracking_read.find(self.number, self.code).id, found.id)
            self.assertEqual(len(tracking_read._WRITTEN), written)
            # The names are read in the language of the page
            status = {}
            for language in ['sq', 'en', 'sq']:
                with Transaction().set_context(language=language):
                    status[language] = tracking_read.status(
                        [found.id], found.lgu, found.number)
            self.assertEqual(status['sq'].service_name, self.names[0])
            self.assertEqual(status['sq'].number, self.number)
            self.assertEqual(sorted(
                    key[2] for key in tracking_read._WRITTEN
                    if key[0] == '_status_query'
                    and key[3] == (('ids', 1), ('lgu', None),
                        ('number', None))), ['en', 'sq'])
