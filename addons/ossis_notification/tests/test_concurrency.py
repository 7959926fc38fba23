# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test a decision clicked several times at once tells the applicant once

Each call runs as the server runs a request (see
ossis_application/tests/test_concurrency.py)."""
import unittest

from trytond import backend
from trytond.modules.ossis_application.exceptions import (
    ApplicationChangedError)
from trytond.modules.ossis_application.tests import scenario, test_concurrency
from trytond.modules.ossis_application.tests.test_concurrency import (
    at_once, button, committed, request, setup_of, submit)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.pool import Pool

CLICKS = 8


def filed(ids):
    "Return the id of a new complete draft at the desk"
    return scenario.draft(setup_of(ids)).id


def timestamp(application_id):
    "Return the timestamps the web client sends with the form"
    pool = Pool()
    Application = pool.get('ossis.application')
    seen, = Application.read([application_id], ['_timestamp'])
    return {f'ossis.application,{application_id}': seen['_timestamp']}


def decided(application_id):
    "Return the state, the decisions stored and the notices of the decision"
    pool = Pool()
    Application = pool.get('ossis.application')
    History = pool.get('ossis.application.history')
    Notification = pool.get('ossis.notification')
    application = Application(application_id)
    origin = f'ossis.application,{application_id}'
    return (
        application.state,
        History.search_count([
                ('application', '=', application_id),
                ('to_state', '=', 'decided'),
                ]),
        Notification.search_count([
                ('origin', '=', origin),
                ('event', '=', 'decided'),
                ]))


@unittest.skipUnless(
    backend.name == 'postgresql',
    "The test database of SQLite is in memory, private to each thread")
class ConcurrentDecisionTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test a decision clicked several times at once on PostgreSQL"

    module = 'ossis_notification'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elbasan = committed(
            test_concurrency.ConcurrencyTestCase.municipality,
            'elbasan')

    def as_user(self, name, *args, **kwargs):
        user_id, context = self.elbasan['users'][name]
        return request(user_id, *args, context=context, **kwargs)

    def test_approve_at_once_notifies_once(self):
        "Test approve clicked 8 times at once decides and notifies once"
        application_id = committed(filed, self.elbasan)
        self.as_user('front', submit, application_id)
        self.as_user('back', button, 'forward', application_id)
        self.as_user('head', button, 'forward', application_id)
        seen = committed(timestamp, application_id)

        outcomes = at_once([
                lambda: self.as_user(
                    'head', button, 'approve', application_id,
                    timestamp=seen)
                for _ in range(CLICKS)])

        self.assertEqual(
            sorted(o[0] for o in outcomes),
            ['error'] * (CLICKS - 1) + ['ok'], outcomes)
        for outcome, exception in outcomes:
            if outcome == 'error':
                self.assertIsInstance(exception, ApplicationChangedError)
        self.assertEqual(committed(decided, application_id), (
                'decided', 1, 1))
