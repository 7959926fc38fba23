# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the practice municipality: its reset, training accounts and
exercises"""
import time
import unittest
from collections import Counter

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.scenario import as_staff
from trytond.modules.ossis_base.tests.test_module import create_lgu_user
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_training.practice import (
    APPLICANTS, APPLICATIONS, complete, practice_company, practice_identifier,
    reset)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

# The reset on the test database, a target well under the 10 s of
# PostgreSQL in production
RESET_SECONDS = 10


def state_of(company):
    "Return what the practice municipality holds, comparable across resets"
    pool = Pool()
    Application = pool.get('ossis.application')
    History = pool.get('ossis.application.history')
    applications = Application.search([('company', '=', company.id)])
    return (
        Counter((a.service_code, a.applicant.identifier, a.state,
                a.step.code if a.step else None) for a in applications),
        Counter((h.action, h.comment) for h in History.search([
                    ('application.company', '=', company.id)])),
        )


class PracticeTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the practice municipality"
    module = 'ossis_training'

    def learner(self, login, company):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user = create_lgu_user(login, company, 'group_staff')
        User.write([user], {'groups': [('add', [
                            ModelData.get_id(
                                'ossis_base', 'group_front_office')])]})
        return user

    def account(self, learner, role='front_office'):
        pool = Pool()
        User = pool.get('res.user')
        account, = User.create_training_accounts(
            [learner], role, 'practice-2026')
        return account

    @with_transaction()
    def test_reset(self):
        """The reset makes the initial applications in their states,
        deletes what the trainees did, is idempotent, takes seconds and
        leaves real municipalities alone"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        company = practice_company()
        self.assertTrue(company.ossis_practice)
        self.assertFalse(company.portal_published)
        real = scenario.municipality('elbasan')
        real_application = scenario.draft(real, serial=1)

        started = time.monotonic()
        made = reset()
        self.assertLess(time.monotonic() - started, RESET_SECONDS)
        self.assertEqual(len(made), len(APPLICATIONS))
        initial = state_of(company)
        states = {s for (_, _, s, _) in initial[0]}
        self.assertEqual(
            states, {'draft', 'submitted', 'in_progress', 'waiting',
                'decided'})
        self.assertEqual(
            Applicant.search_count([('company', '=', company.id)]),
            len(APPLICANTS))

        # A trainee's work: a new application, one moved on
        learner = self.learner('learner', real.company)
        account = self.account(learner)
        # As the desk's intake does for the clerk
        with Transaction().set_user(account.id):
            application, = Application.create([{
                        'company': company.id,
                        'channel': 'desk',
                        'desk': made[1].desk.id,
                        'lgu_service': made[1].lgu_service.id,
                        'applicant': made[1].applicant.id,
                        }])
        self.assertNotEqual(state_of(company), initial)

        reset()
        self.assertEqual(state_of(company), initial)
        self.assertEqual(
            Application.search([('company', '=', real.company.id)]),
            [real_application])
        reset()
        self.assertEqual(state_of(company), initial)
        self.assertEqual(
            Applicant.search_count([('company', '=', company.id)]),
            len(APPLICANTS))

    @with_transaction()
    def test_training_account_isolation(self):
        """A training account sees only the practice municipality; its
        learner and the staff of real municipalities do not see it"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        OrgUnit = pool.get('ossis.org_unit')
        Employee = pool.get('company.employee')
        company = practice_company()
        reset()
        real = scenario.municipality('elbasan')
        real_application = scenario.draft(real, serial=1)
        learner = self.learner('learner', real.company)
        account = self.account(learner)
        self.assertEqual(account.training_learner, learner)
        self.assertEqual(list(account.companies), [company])

        for Model in [Application, Applicant, OrgUnit, Employee]:
            with as_staff(account):
                found = Model.search([])
                self.assertTrue(found)
                self.assertEqual(
                    {r.company for r in found}, {company}, Model.__name__)
                self.assertFalse(Model.search([
                            ('company', '=', real.company.id)]))
        with as_staff(account):
            self.assertFalse(Application.search([
                        ('applicant.name', '=',
                            real_application.applicant.name),
                        ]))
            with self.assertRaises(AccessError):
                Application.read([real_application.id], ['number'])
        with as_staff(learner):
            self.assertFalse(Application.search([
                        ('company', '=', company.id)]))

        # Made again, the account keeps its login and employee
        employee = account.employee
        again = self.account(learner, 'back_office')
        self.assertEqual((again.id, again.employee), (account.id, employee))
        self.assertEqual(
            {u.type for u in again.employee.org_units}, {'back_office'})

    @with_transaction()
    def test_exercise_checks(self):
        """Each checker tells what is right and what is missing in the work
        of the learner's training account; a pass counts for the course"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Course = pool.get('ossis.training.course')
        Exercise = pool.get('ossis.training.exercise')
        Date = pool.get('ir.date')
        made = reset()
        real = scenario.municipality('elbasan')
        learner = self.learner('learner', real.company)
        free = practice_identifier(APPLICANTS[0][3])
        register, forward = Exercise.create([{
                    'name': "Register a certificate",
                    'kind': 'register',
                    'service_code': 'CIV-02',
                    'applicant_identifier': free,
                    'desk': 'practice_org_desk_center',
                    }, {
                    'name': "Forward a tax certificate",
                    'kind': 'forward',
                    'service_code': 'TAX-02',
                    }])
        course, = Course.create([{
                    'code': 'PRACTICE',
                    'name': "Practice",
                    'lessons': [('create', [{
                                    'name': "At the desk",
                                    'exercise': register.id,
                                    }])],
                    }])

        def check(exercise, user=learner):
            result, = Exercise.check_work([exercise], user)
            self.assertEqual(result.learner, learner)
            return result

        def exercise_missing():
            return [t for t in Course.missing([course], learner)[course.id]
                if 'exercise' in t]

        result = check(register)
        self.assertFalse(result.passed)
        self.assertIn("no training account", result.feedback)
        self.assertEqual(exercise_missing(), [
                'Pass the exercise "Register a certificate" of the lesson '
                '"At the desk".'])

        account = self.account(learner)
        result = check(register)
        self.assertFalse(result.passed)
        self.assertIn(
            "No application for CIV-02 of Anila Bregu has been registered "
            f"with your training account {account.login}", result.feedback)

        offer = made[0].lgu_service
        applicant, = pool.get('ossis.applicant').search([
                ('identifier', '=', free)])
        # As the desk's intake does for the clerk
        with Transaction().set_user(account.id):
            application, = Application.create([{
                        'company': offer.company.id,
                        'channel': 'desk',
                        'desk': made[0].desk.id,
                        'lgu_service': offer.id,
                        'applicant': applicant.id,
                        }])
        self.assertIn("still a draft", check(register).feedback)
        complete([application], Date.today())
        with as_staff(account):
            Application.submit([Application(application.id)])
        result = check(register, account)
        self.assertTrue(result.passed)
        self.assertIn(Application(application.id).number, result.feedback)
        self.assertEqual(exercise_missing(), [])

        # Forwarded first without a comment, then with one
        account = self.account(learner, 'back_office')
        in_review = [a for a in made
            if a.service_code == 'TAX-02' and a.step.code == 'review']
        self.assertEqual(check(forward).passed, False)
        with as_staff(account):
            Application.act([in_review[0]], 'forward')
        result = check(forward)
        self.assertFalse(result.passed)
        self.assertIn("has no comment", result.feedback)
        with as_staff(account):
            Application.write([in_review[1]], {
                    'action_comment': "Vërtetimi është në rregull."})
            Application.act([in_review[1]], 'forward')
        result = check(forward)
        self.assertTrue(result.passed)
        self.assertIn("Vërtetimi është në rregull.", result.feedback)

    def test_applicants_identifiers_valid(self):
        "The identifiers of the practice applicants have valid check letters"
        from trytond.modules.ossis_base import identifier
        for _, name, _, body, *_ in APPLICANTS:
            self.assertTrue(
                identifier.is_valid(practice_identifier(body)), name)

