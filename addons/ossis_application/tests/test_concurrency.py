# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test clerks and systems acting at the same time

A workflow action acts on the step the user saw: a click on a form opened
before the file moved on, or one of several clicks sent at once, is refused
with a message telling the user to reload, and changes nothing.  Desks
filing at once all get their numbers, without gaps.

The concurrent tests run each call as the server runs a request: in a
transaction of its own that starts again when trytond asks (to lock rows
first, or after waiting for them) and after a conflict with another
transaction (five times, as ``[database] retry``), then commits; an error
that escapes is what the client would get."""
import datetime as dt
import functools
import itertools
import threading
import time
import unittest
from decimal import Decimal
from types import SimpleNamespace

from trytond import backend, config
from trytond.modules.ossis_application.exceptions import (
    ApplicationChangedError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, with_transaction)
from trytond.transaction import Transaction, TransactionError

WAIT = 60


def key(application):
    return f'ossis.application,{application.id}'


class StaleActionTestCase(unittest.TestCase):
    "Test a click on a form opened before the file moved on"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('ossis_application')

    def click(self, user, application, button, timestamp):
        "Click the button as the web client does, with the form's timestamp"
        pool = Pool()
        Application = pool.get('ossis.application')
        transaction = Transaction()
        with scenario.as_staff(user):
            transaction.timestamp = {key(application): timestamp}
            try:
                getattr(Application, button)([Application(application.id)])
            finally:
                transaction.timestamp = {}

    def opened(self):
        """Return a municipality, an application at the review step and the
        timestamp of its form"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = scenario.ProcessTestMixin().submitted(setup)
        seen, = Application.read([application.id], ['_timestamp'])
        return setup, application, seen['_timestamp']

    def history(self, application):
        pool = Pool()
        History = pool.get('ossis.application.history')
        return History.search([('application', '=', application.id)])

    @with_transaction()
    def test_stale_form_refused(self):
        "Test a click on a form of an older version is refused"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup, application, timestamp = self.opened()
        history = self.history(application)
        # The form was loaded before the file last changed
        stale = str(Decimal(timestamp) - 2)

        with self.assertRaisesRegex(ApplicationChangedError, 'Reload'):
            self.click(setup.head, application, 'forward', stale)

        application = Application(application.id)
        self.assertEqual(
            (application.state, application.step.code),
            ('submitted', 'review'))
        self.assertEqual(self.history(application), history)

    @with_transaction()
    def test_current_form_acts(self):
        "Test a click on a form of the current version moves the file"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup, application, timestamp = self.opened()

        self.click(setup.back, application, 'forward', timestamp)

        self.assertEqual(Application(application.id).step.code, 'approval')


def request(user_id, func, *args, context=None, timestamp=None):
    """Run func as the server runs a request of the user and return its
    result (see the docstring of the module)"""
    retry = config.getint('database', 'retry')
    extras, count = {}, 0
    while True:
        if count:
            time.sleep(0.02 * count)
        with Transaction().start(
                DB_NAME, user_id, context=context, **extras) as transaction:
            transaction.timestamp = dict(timestamp or {})
            try:
                return func(*args)
            except TransactionError as exception:
                transaction.rollback()
                transaction.tasks.clear()
                exception.fix(extras)
                continue
            except backend.DatabaseOperationalError:
                if count < retry:
                    transaction.rollback()
                    count += 1
                    continue
                raise


def at_once(calls):
    """Run the calls in threads started together and return what each
    returned or raised"""
    outcomes = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        barrier.wait(WAIT)
        try:
            outcomes[i] = ('ok', call())
        except Exception as exception:
            outcomes[i] = ('error', exception)
    threads = [threading.Thread(target=run, args=(i, c))
        for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads), "calls did not end"
    return outcomes


def committed(func, *args):
    "Run func as the administrator and commit"
    return request(0, func, *args)


def setup_of(ids):
    "Return the setup of scenario.municipality from its ids"
    pool = Pool()
    Company = pool.get('company.company')
    OrgUnit = pool.get('ossis.org_unit')
    Offer = pool.get('ossis.lgu.service')
    User = pool.get('res.user')
    return SimpleNamespace(
        company=Company(ids['company']), desk=OrgUnit(ids['desk']),
        offers={c: Offer(i) for c, i in ids['offers'].items()},
        front=User(ids['users']['front'][0]))


@unittest.skipUnless(
    backend.name == 'postgresql',
    "The test database of SQLite is in memory, private to each thread")
class ConcurrencyTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test clerks and systems acting at the same time on PostgreSQL"
    module = 'ossis_application'
    desks = 6
    submissions = 5

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elbasan = committed(cls.municipality, 'elbasan')
        cls.pogradec = committed(cls.municipality, 'pogradec', cls.desks)
        cls.serials = itertools.count(1)

    @staticmethod
    def municipality(code, desks=0):
        """Return the ids of the municipality of scenario.municipality with
        as many more clerks at the desk, and its users with their context"""
        setup = scenario.municipality(code)
        clerks = [scenario.staff_user(
                f'{code}.desk{i}', setup.company, 'group_front_office',
                scenario.employee(setup.company, f"Clerk {i}", [setup.desk]))
            for i in range(desks)]
        return {
            'company': setup.company.id,
            'desk': setup.desk.id,
            'offers': {c: o.id for c, o in setup.offers.items()},
            'users': {
                name: (user.id, scenario.user_context(user))
                for name, user in [
                    ('front', setup.front), ('back', setup.back),
                    ('head', setup.head),
                    *((f'desk{i}', c) for i, c in enumerate(clerks))]},
            }

    def drafts(self, ids, count):
        "Return the ids of new complete drafts at the desk"
        def create():
            setup = setup_of(ids)
            return [scenario.draft(setup, serial=next(self.serials)).id
                for _ in range(count)]
        return committed(create)

    def submitted(self):
        "Return the id of a new application of Elbasan at the review step"
        application_id, = self.drafts(self.elbasan, 1)
        user_id, context = self.elbasan['users']['front']
        request(user_id, submit, application_id, context=context)
        return application_id

    @staticmethod
    def as_user(ids, name, func, *args, timestamp=None):
        "Return the call of func as a request of the user"
        user_id, context = ids['users'][name]
        return lambda: request(
            user_id, func, *args, context=context, timestamp=timestamp)

    @staticmethod
    def state(application_id):
        "Return the state, the step and the forward history of the application"
        def read():
            pool = Pool()
            Application = pool.get('ossis.application')
            History = pool.get('ossis.application.history')
            application = Application(application_id)
            history = History.search([
                    ('application', '=', application_id),
                    ('action', '=', 'forward'),
                    ], order=[('id', 'ASC')])
            return (
                application.state, application.step.code,
                [(h.from_step.code, h.to_step.code) for h in history])
        return committed(read)

    def assert_moved_once(self, outcomes, application_id):
        succeeded = [o for o in outcomes if o[0] == 'ok']
        refused = [o[1] for o in outcomes if o[0] == 'error']
        self.assertEqual(len(succeeded), 1, outcomes)
        for exception in refused:
            self.assertIsInstance(exception, ApplicationChangedError)
            self.assertIn('Reload', exception.message)
        self.assertEqual(self.state(application_id), (
                'in_progress', 'approval', [
                    ('intake', 'review'), ('review', 'approval')]))

    def test_clicks_at_once_move_once(self):
        "Test forward clicked 8 times at once on the form moves once"
        def read_timestamp():
            pool = Pool()
            Application = pool.get('ossis.application')
            seen, = Application.read([application_id], ['_timestamp'])
            return {f'ossis.application,{application_id}': (
                    seen['_timestamp'])}

        application_id = self.submitted()
        self.assertEqual(
            self.state(application_id)[:2], ('submitted', 'review'))
        timestamp = committed(read_timestamp)
        outcomes = at_once([
                self.as_user(
                    self.elbasan, name, button, 'forward', application_id,
                    timestamp=timestamp)
                for name in ['back', 'head'] * 4])

        self.assert_moved_once(outcomes, application_id)

    def test_calls_at_once_without_timestamp_move_once(self):
        "Test forward called 8 times at once over RPC moves once"
        barrier = threading.Barrier(8)
        waited = threading.local()

        def act(application_id):
            pool = Pool()
            Application = pool.get('ossis.application')
            application = Application(application_id)
            # Every call has read the step before any acts
            application.step
            if not getattr(waited, 'done', False):
                waited.done = True
                barrier.wait(WAIT)
            Application.act([application], 'forward')

        application_id = self.submitted()
        outcomes = at_once([
                self.as_user(self.elbasan, name, act, application_id)
                for name in ['back', 'head'] * 4])

        self.assert_moved_once(outcomes, application_id)

    def submit_at_once(self, ids, drafts):
        "Let each desk submit its share of the drafts, all desks at once"
        def desk(name, application_ids):
            user_id, context = ids['users'][name]
            for application_id in application_ids:
                request(user_id, submit, application_id, context=context)

        outcomes = at_once([
                functools.partial(desk, f'desk{i}', drafts[i::self.desks])
                for i in range(self.desks)])
        self.assertEqual(
            [o[0] for o in outcomes], ['ok'] * self.desks, outcomes)

    def assert_numbered(self, drafts, prefix):
        "Assert the drafts have the numbers from 1 on, without gaps"
        numbers = committed(read_numbers, drafts)
        year = dt.date.today().year
        self.assertEqual(sorted(numbers), [
                f'{prefix}-{year}-{n:06d}' for n in range(1, len(drafts) + 1)])

    def test_desks_at_once_all_numbered(self):
        "Test 6 desks submitting 5 applications each at once are numbered"
        first, = self.drafts(self.pogradec, 1)
        user_id, context = self.pogradec['users']['desk0']
        request(user_id, submit, first, context=context)
        drafts = self.drafts(self.pogradec, self.desks * self.submissions)

        self.submit_at_once(self.pogradec, drafts)

        self.assert_numbered([first] + drafts, 'POG')

    def test_first_of_the_year_at_once(self):
        "Test 6 desks submitting the first applications of the year at once"
        berat = committed(self.municipality, 'berat', self.desks)
        drafts = self.drafts(berat, self.desks)

        self.submit_at_once(berat, drafts)

        self.assert_numbered(drafts, 'BER')


def submit(application_id):
    pool = Pool()
    Application = pool.get('ossis.application')
    Application.submit([Application(application_id)])


def button(name, application_id):
    pool = Pool()
    Application = pool.get('ossis.application')
    getattr(Application, name)([Application(application_id)])


def read_numbers(application_ids):
    pool = Pool()
    Application = pool.get('ossis.application')
    return [a.number for a in Application.browse(application_ids)]
