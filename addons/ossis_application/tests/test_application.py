# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import re

from trytond.exceptions import UserError
from trytond.model.exceptions import (
    AccessError, RequiredValidationError, SelectionValidationError)
from trytond.modules.ossis_application.application import (
    ByRecord, _by_record_size, grouped)
from trytond.modules.ossis_application.exceptions import (
    ApplicantValidationError, ApplicationAccessError, ApplicationActionError,
    ApplicationDecidedError, ApplicationDocumentError,
    HistoryModificationError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import as_user, lgu
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin, municipal_today)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class ApplicationTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test the processing of applications"
    module = 'ossis_application'
    extras = []

    def act(self, user, applications, action):
        pool = Pool()
        Application = pool.get('ossis.application')
        with as_user(user), Transaction().set_context(
                scenario.user_context(user)):
            Application.act(applications, action)

    def button(self, user, applications, name):
        pool = Pool()
        Application = pool.get('ossis.application')
        with as_user(user), Transaction().set_context(
                scenario.user_context(user)):
            getattr(Application, name)(Application.browse(applications))

    def submit(self, setup, application):
        self.button(setup.front, [application], 'submit')

    def write(self, user, Model, records, values):
        "Write the values as the user, in the user's session"
        with as_user(user), Transaction().set_context(
                scenario.user_context(user)):
            Model.write(Model.browse(records), values)

    def decide(self, setup, action='approve', text=None):
        "Return a new application decided by the head with the action"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = scenario.draft(setup)
        self.submit(setup, application)
        self.act(setup.back, [application], 'forward')
        if text:
            Application.write([application], {'decision_text': text})
        self.act(setup.head, [application], 'forward')
        self.act(setup.head, [application], action)
        return Application(application.id)

    def deliver(self, setup, application):
        "Record the delivery of the output at the desk, by its clerk"
        pool = Pool()
        Application = pool.get('ossis.application')
        with as_user(setup.front), Transaction().set_context(
                scenario.user_context(setup.front)):
            Application.record_delivery(
                [Application(application.id)], setup.desk, "Applicant")

    def refused(self, setup):
        """Return an application refused with its reasons, its output
        issued and delivered"""
        pool = Pool()
        Application = pool.get('ossis.application')
        application = self.decide(
            setup, 'reject', "The parcel is not in the urban zone.")
        self.button(setup.back, [application], 'issue')
        self.deliver(setup, application)
        application = Application(application.id)
        self.assertEqual(
            (application.state, application.decision),
            ('delivered', 'rejected'))
        return application

    def history_rows(self, application, action):
        return [h for h in application.history if h.action == action]

    def snapshot(self, application):
        "Return what the decision of the application and its history are"
        pool = Pool()
        Application = pool.get('ossis.application')
        application = Application(application.id)
        return {
            'decision': (
                application.decision, application.decision_text,
                application.decided_by, application.decided_date),
            'fee': (
                application.fee, application.fee_state,
                application.fee_receipt, application.fee_exemption_reason),
            'documents': sorted(
                (d.id, d.document_type.id, d.status, d.mandatory)
                for d in application.documents),
            'output': (
                application.verification_code, application.output_sha256),
            'history': len(application.history),
            }

    @with_transaction()
    def test_lifecycle(self):
        "Test the life of an application from the desk to its closing"
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        Calendar = pool.get('ossis.calendar')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)

        self.submit(setup, application)
        application = Application(application.id)
        year = dt.date.today().year
        self.assertRegex(application.number, rf'^ELB-{year}-\d{{6}}$')
        self.assertRegex(
            application.tracking_code, r'^([0-9A-HJKMNP-TV-Z]{5}-){3}'
            r'[0-9A-HJKMNP-TV-Z]{5}$')
        self.assertEqual(application.state, 'submitted')
        self.assertEqual(application.step.code, 'review')
        self.assertEqual(application.step_unit, setup.unit)
        days = application.lgu_service.days
        if application.service.days_kind == 'working':
            self.assertEqual(
                application.due_date,
                Calendar.add_working_days(
                    setup.company, municipal_today(), days))
        else:
            self.assertEqual(
                application.due_date,
                municipal_today() + dt.timedelta(days=days))

        self.act(setup.back, [application], 'forward')
        self.assertEqual(Application(application.id).state, 'in_progress')
        self.assertEqual(Application(application.id).step.code, 'approval')
        self.act(setup.head, [application], 'forward')
        self.act(setup.head, [application], 'approve')
        application = Application(application.id)
        self.assertEqual(
            (application.state, application.decision),
            ('decided', 'approved'))
        self.assertEqual(application.step.code, 'delivery')
        self.assertEqual(application.step_unit, setup.desk)
        self.assertEqual(application.decided_by, setup.employees.head)

        self.button(setup.back, [application], 'issue')
        application = Application(application.id)
        self.assertEqual(application.state, 'ready')
        self.assertTrue(application.verification_code)

        with as_user(setup.front), Transaction().set_context(
                scenario.user_context(setup.front)):
            Application.record_delivery(
                [Application(application.id)], setup.desk, "Applicant 1")
        application = Application(application.id)
        self.assertEqual(application.state, 'delivered')
        self.assertEqual(application.delivered_by, setup.employees.front)
        self.button(setup.front, [application], 'close')

        application = Application(application.id)
        self.assertEqual(application.state, 'closed')
        actions = [h.action for h in reversed(application.history)]
        self.assertEqual(actions, [
                'submit', 'forward', 'forward', 'forward', 'approve',
                'issue', 'deliver', 'close'])
        self.assertEqual(
            [h.employee for h in reversed(application.history)][:3],
            [setup.employees.front] * 2 + [setup.employees.back])
        citizen = History.citizen_history(application)
        self.assertNotIn('employee', citizen[0])
        self.assertEqual(citizen[1]['step'], "Being reviewed")
        # trytond's log, stored at the commit, has each transition once
        self.assertEqual([
                line.target for line in Transaction().log_records
                if line.event == 'transition'
                and line.resource == application], [
                'state:submitted', 'state:in_progress', 'state:in_progress',
                'state:decided', 'state:ready', 'state:delivered',
                'state:closed'])

    @with_transaction()
    def test_deliver_many(self):
        "Test the actions on a batch and its delivery in one call"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        # The actions check the state and the step they write; trytond
        # still checks the service version against the exemption
        self.assertLessEqual(
            {'state', 'step', 'delivered_to'}, Application._in_hand)
        self.assertNotIn('service', Application._in_hand)
        applications = [scenario.draft(setup, serial=s) for s in [1, 2]]
        self.button(setup.front, applications, 'submit')
        # Each gets its own number, the values they share written with it
        # in one statement
        numbers = [a.number for a in Application.browse(applications)]
        self.assertEqual(len(set(numbers)), 2)
        self.assertTrue(all(numbers))
        self.assertEqual(
            len({a.submitted_date for a in Application.browse(applications)}),
            1)
        self.act(setup.back, applications, 'forward')
        self.act(setup.head, applications, 'forward')
        self.act(setup.head, applications, 'approve')
        self.button(setup.back, applications, 'issue')
        codes = [a.verification_code
            for a in Application.browse(applications)]
        self.assertEqual(len(set(codes)), 2)
        self.assertTrue(all(codes))
        for application, code in zip(applications, codes):
            self.assertEqual(
                Application.search([('verification_code', '=', code)]),
                [application])

        # Only the groups of the Deliver button deliver
        with as_user(setup.back), Transaction().set_context(
                scenario.user_context(setup.back)):
            with self.assertRaises(UserError):
                Application.deliver_at(applications, setup.desk.id)
        self.assertEqual(
            [a.state for a in Application.browse(applications)],
            ['ready', 'ready'])

        with as_user(setup.front), Transaction().set_context(
                scenario.user_context(setup.front)):
            Application.deliver_at(applications, setup.desk.id)
        applications = Application.browse(applications)
        self.assertEqual(
            [a.state for a in applications], ['delivered', 'delivered'])
        self.assertEqual(
            [a.delivered_to for a in applications],
            [a.applicant.rec_name for a in applications])
        self.assertEqual(len({a.delivered_date for a in applications}), 1)
        self.assertEqual(
            {(a.delivery_desk, a.delivered_by) for a in applications},
            {(setup.desk, setup.employees.front)})
        self.assertEqual(
            [[h.action for h in reversed(a.history)] for a in applications],
            [['submit', 'forward', 'forward', 'forward', 'approve', 'issue',
                    'deliver']] * 2)

    @with_transaction()
    def test_grouped_each(self):
        """Writes with equal values are merged, those that differ in the
        fields of each too, each record keeping its own value"""
        pool = Pool()
        Application = pool.get('ossis.application')
        a, b, c, d = Application.browse([1, 2, 3, 4])
        merged = grouped([
                [a], {'state': 'ready', 'verification_code': 'A'},
                [b], {'state': 'ready', 'verification_code': 'B'},
                [c], {'state': 'closed', 'verification_code': 'C'},
                [d], {'state': 'closed', 'verification_code': 'C'},
                ], each={'verification_code'})
        self.assertEqual(merged[0], [a, b])
        self.assertEqual(merged[1]['state'], 'ready')
        code = merged[1]['verification_code']
        self.assertIsInstance(code, ByRecord)
        self.assertEqual(code.params, (1, 'A', 2, 'B'))
        self.assertIn('CASE "id" WHEN', str(code))
        # Records that share the value get it as it is
        self.assertEqual(merged[2:], [
                [c, d], {'state': 'closed', 'verification_code': 'C'}])
        self.assertEqual(
            grouped([[a], {'state': 'ready'}, [b], {'state': 'ready'}]),
            [[a, b], {'state': 'ready'}])
        # A statement takes a bounded number of parameters
        size = _by_record_size(1)
        many = Application.browse(range(1, size + 2))
        merged = grouped([
                x for r in many
                for x in ([r], {'state': 'ready', 'number': str(r.id)})],
            each={'number'})
        self.assertEqual([len(r) for r in merged[::2]], [size, 1])
        self.assertEqual(len(merged[1]['number'].params), 2 * size)
        self.assertEqual(merged[3]['number'], str(size + 1))

    @with_transaction()
    def test_batch_follows_each_condition(self):
        """Test the applications acted on in one call each take the
        transition whose condition they meet, in its own unit"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Transition = pool.get('ossis.workflow.transition')
        Workflow = pool.get('ossis.workflow')
        setup = scenario.municipality('elbasan')
        old = Workflow.get_active(setup.company, ['TAX-05'])['TAX-05']
        new = old.copy_as_draft()
        # Businesses go through a legal check held by the desk, persons
        # go straight to the approval
        review, legal = scenario.legal_check(new, 'desk', 1)
        forward, = [t for t in review.transitions if t.action == 'forward']
        Transition.write([forward], {
                'condition': '[["applicant_kind", "=", "person"]]'})
        Transition.create([{
                    'workflow': new.id,
                    'from_step': review.id,
                    'action': 'forward',
                    'to_step': legal.id,
                    'role': 'back_office',
                    'condition': '[["applicant_kind", "=", "business"]]',
                    }, {
                    'workflow': new.id,
                    'from_step': legal.id,
                    'action': 'forward',
                    'to_step': forward.to_step.id,
                    'role': 'back_office',
                    }])
        Workflow.activate([new])
        person = scenario.draft(setup, serial=1)
        business = scenario.draft(
            setup, serial=2, applicant=scenario.applicant(
                setup.company, 2, kind='business').id)
        applications = [person, business, scenario.draft(setup, serial=3)]
        self.button(setup.front, applications, 'submit')

        self.act(setup.back, applications, 'forward')
        person, business, other = Application.browse(applications)
        self.assertEqual(
            [a.step.code for a in [person, business, other]],
            ['approval', 'legal', 'approval'])
        approval = person.step
        self.assertEqual(
            [a.step_unit for a in [person, business, other]],
            [approval.unit_for(setup.company, person.lgu_service,
                    person.desk),
                setup.desk,
                approval.unit_for(setup.company, other.lgu_service,
                    other.desk)])
        self.assertEqual(
            [[(h.from_step.code, h.to_step.code) for h in a.history
                    if h.action == 'forward'][0]
                for a in [person, business, other]],
            [('review', 'approval'), ('review', 'legal'),
                ('review', 'approval')])

    @with_transaction()
    def test_history_immutable(self):
        "Test nobody changes or deletes the history"
        pool = Pool()
        History = pool.get('ossis.application.history')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        history = History.search([('application', '=', application.id)])
        self.assertTrue(history)
        with self.assertRaises(HistoryModificationError):
            History.write(history, {'comment': "Changed"})
        with self.assertRaises(HistoryModificationError):
            History.delete(history)
        with as_user(setup.front), self.assertRaises(AccessError):
            History.create([{
                        'application': application.id,
                        'company': setup.company.id,
                        'date': dt.datetime.now(),
                        'action': 'approve',
                        }])

    @with_transaction()
    def test_history_checked_in_hand(self):
        """The process's history rows are checked from their values: a row
        without a required value or with a value out of its options is
        refused, and none is stored"""
        pool = Pool()
        History = pool.get('ossis.application.history')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        row = {
            'application': application.id,
            'company': setup.company.id,
            'date': dt.datetime.now(),
            'action': 'submit',
            'from_state': 'draft',
            'to_state': 'submitted',
            }
        for values, error in [
                ({'action': None}, RequiredValidationError),
                ({'company': None}, RequiredValidationError),
                ({'action': 'sign'}, SelectionValidationError),
                ({'to_state': 'lost'}, SelectionValidationError)]:
            with self.subTest(values=values):
                with self.assertRaises(error):
                    History.create([row, dict(row, **values)])
                self.assertFalse(History.search(
                        [('application', '=', application.id)]))
        made, = History.create([row])
        self.assertEqual(
            (made.action, made.from_state, made.to_state, made.company),
            ('submit', 'draft', 'submitted', setup.company))

    @with_transaction()
    def test_request_information_stops_clock(self):
        "Test the clock stops while waiting for the applicant"
        pool = Pool()
        Application = pool.get('ossis.application')
        Calendar = pool.get('ossis.calendar')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        self.act(setup.back, [application], 'request_info')
        application = Application(application.id)
        self.assertEqual(application.state, 'waiting')
        due_date = application.due_date
        self.assertTrue(application.service.suspendable)
        self.assertEqual(application.suspended_date, municipal_today())

        # The applicant answers three working days later (or, online, on
        # the weekend after the third one)
        today = municipal_today()
        if not Calendar.is_working_day(setup.company, today):
            today = Calendar.add_working_days(setup.company, today, -1)
        suspended = Calendar.add_working_days(setup.company, today, -3)
        Application.write([application], {'suspended_date': suspended})
        self.button(setup.front, [application], 'resume')
        application = Application(application.id)
        self.assertEqual(application.state, 'in_progress')
        self.assertEqual(application.suspended_days, 3)
        self.assertEqual(
            application.due_date,
            Calendar.add_working_days(setup.company, due_date, 3))

    @with_transaction()
    def test_message_to_the_applicant(self):
        "Test the message to the applicant goes with the action, apart"
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        with as_user(setup.back):
            Application.write([Application(application.id)], {
                    'applicant_message': "Send the plan signed.",
                    'action_comment': "The plan is not signed.",
                    })
        self.act(setup.back, [application], 'request_info')

        application = Application(application.id)
        self.assertIsNone(application.applicant_message)
        self.assertIsNone(application.action_comment)
        request, = [h for h in application.history
            if h.action == 'request_info']
        self.assertEqual(request.message, "Send the plan signed.")
        self.assertEqual(request.comment, "The plan is not signed.")
        line, = [line for line in History.citizen_history(application)
            if line['action'] == 'request_info']
        self.assertEqual(line['message'], "Send the plan signed.")
        self.assertNotIn(
            "The plan is not signed.", repr(History.citizen_history(
                    application)))

    @with_transaction()
    def test_action_of_another_unit_refused(self):
        "Test an officer of another unit cannot act; nothing is stored"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        before = len(Application(application.id).history)

        with self.assertRaises(ApplicationAccessError):
            self.act(setup.other, [application], 'forward')
        with self.assertRaises(ApplicationAccessError):
            # A front clerk has not the role of the review
            self.act(setup.front, [application], 'forward')
        with self.assertRaises(UserError):
            # The button is not even available to the other unit
            self.button(setup.other, [application], 'forward')
        with self.assertRaises(ApplicationActionError):
            self.act(setup.back, [application], 'approve')

        application = Application(application.id)
        self.assertEqual(application.state, 'submitted')
        self.assertEqual(application.step.code, 'review')
        self.assertEqual(len(application.history), before)

    @with_transaction()
    def test_state_not_writable(self):
        "Test no user writes the state or the step directly"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        for user in [setup.front, setup.back, setup.head]:
            for values in [
                    {'state': 'decided'},
                    {'decision': 'approved'},
                    {'number': 'ELB-2000-000001'}]:
                with self.subTest(user=user.login, values=values):
                    with as_user(user), self.assertRaises(AccessError):
                        Application.write([application], values)
        self.assertEqual(Application(application.id).state, 'draft')
        self.assertIsNone(Application(application.id).number)

    @with_transaction()
    def test_decision_frozen(self):
        """Test nobody rewrites the decision, the fee or the checklist of a
        decided application; nothing changes"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Document = pool.get('ossis.application.document')
        setup = scenario.municipality('elbasan')
        application = self.refused(setup)
        before = self.snapshot(application)
        documents = [d.id for d in application.documents]

        for user in [setup.front, setup.back, setup.head]:
            for values in [
                    {'decision_text': "Approved in full"},
                    {'fee_state': 'exempted',
                        'fee_exemption_reason': "Waived"},
                    {'fee_receipt': "R-99"},
                    {'documents': [
                            ('write', documents, {'status': 'missing'})]},
                    {'documents': [('delete', documents[:1])]},
                    {'documents': [('create', [{
                                        'document_type': (
                                            Document(documents[0])
                                            .document_type.id),
                                        }])]},
                    ]:
                with self.subTest(user=user.login, values=values):
                    with self.assertRaises(ApplicationDecidedError):
                        self.write(user, Application, [application.id],
                            values)
            with self.subTest(user=user.login, model='document'):
                with self.assertRaises(ApplicationDecidedError):
                    self.write(user, Document, documents,
                        {'status': 'missing'})
        # Nor the process itself
        with self.assertRaises(ApplicationDecidedError):
            Application.write([application], {
                    'decision_text': "Approved in full"})
        with self.assertRaises(ApplicationDecidedError):
            Application.write([application], {'decision': 'approved'})

        self.assertEqual(self.snapshot(application), before)

    @with_transaction()
    def test_decision_frozen_at_each_state(self):
        "Test the decision is frozen from the decision to the closing"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.decide(setup)

        def attempt():
            before = self.snapshot(application)
            with self.assertRaises(ApplicationDecidedError):
                self.write(setup.head, Application, [application.id], {
                        'decision_text': "Something else"})
            self.assertEqual(self.snapshot(application), before)

        for button in ['issue', 'deliver', 'close']:
            state = Application(application.id).state
            with self.subTest(state=state):
                attempt()
            if button == 'deliver':
                self.deliver(setup, application)
            else:
                self.button(setup.back, [application], button)
        self.assertEqual(Application(application.id).state, 'closed')
        attempt()

    @with_transaction()
    def test_changes_after_decision_in_history(self):
        """Test what staff may still do after the decision is stored in the
        history, and what they may not is refused"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.decide(setup)
        self.button(setup.back, [application], 'issue')

        for values in [
                {'applicant_message': "Come tomorrow."},
                {'end_reason': "Mistake."}]:
            with self.subTest(values=values):
                before = self.snapshot(application)
                with self.assertRaises(ApplicationDecidedError):
                    self.write(setup.front, Application, [application.id],
                        values)
                self.assertEqual(self.snapshot(application), before)
                self.assertIsNone(Application(application.id).end_reason)

        self.write(setup.front, Application, [application.id], {
                'action_comment': "Handed over with the stamped map."})
        self.deliver(setup, application)
        self.write(setup.front, Application, [application.id], {
                'action_comment': "Nothing left to do."})
        self.button(setup.front, [application], 'close')

        application = Application(application.id)
        self.assertIsNone(application.action_comment)
        deliver, = self.history_rows(application, 'deliver')
        self.assertEqual(
            (deliver.comment, deliver.employee, deliver.to_state),
            ("Handed over with the stamped map.", setup.employees.front,
                'delivered'))
        close, = self.history_rows(application, 'close')
        self.assertEqual(
            (close.comment, close.to_state), ("Nothing left to do.", 'closed'))

    @with_transaction()
    def test_checklist_line_not_deleted_after_submission(self):
        """Test a line of the checklist of a submitted application cannot be
        deleted; nothing is removed"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Document = pool.get('ossis.application.document')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        lines = [d.id for d in Application(application.id).documents]
        self.assertTrue(lines)

        for user in [setup.front, setup.back, setup.head]:
            # The back office may not even delete the lines of a draft
            error = (ApplicationDocumentError if user == setup.front
                else AccessError)
            with self.subTest(user=user.login):
                with self.assertRaises(error):
                    with as_user(user):
                        Document.delete(Document.browse(lines[:1]))
                for action in ['delete', 'remove']:
                    with self.assertRaises(error):
                        self.write(user, Application, [application.id], {
                                'documents': [(action, lines[:1])]})

        self.assertEqual(
            [d.id for d in Application(application.id).documents], lines)
        self.assertEqual(Document.search([('id', 'in', lines)], count=True),
            len(lines))

        # A draft's checklist is still the clerk's
        other = scenario.draft(setup, serial=2)
        line = other.documents[0]
        with as_user(setup.front):
            Document.delete([Document(line.id)])
        self.assertNotIn(line, Application(other.id).documents)

    @with_transaction()
    def test_checklist_line_not_moved(self):
        """Test a line of a checklist never moves to another application;
        nothing moves"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Document = pool.get('ossis.application.document')
        setup = scenario.municipality('elbasan')
        submitted = scenario.draft(setup)
        self.submit(setup, submitted)
        drafts = [scenario.draft(setup, serial=s) for s in [2, 3]]
        lines = {a.id: [d.id for d in Application(a.id).documents]
            for a in [submitted] + drafts}

        for source, target in [
                (submitted, drafts[0]), (drafts[0], submitted),
                (drafts[0], drafts[1])]:
            line = lines[source.id][0]
            with self.subTest(source=source.id, target=target.id):
                with self.assertRaises(ApplicationDocumentError):
                    self.write(setup.front, Document, [line], {
                            'application': target.id})
                with self.assertRaises(ApplicationDocumentError):
                    self.write(setup.front, Application, [target.id], {
                            'documents': [('add', [line])]})

        self.assertEqual(
            {a.id: [d.id for d in Application(a.id).documents]
                for a in [submitted] + drafts},
            lines)
        # Writing the line's own application is no move
        line = lines[drafts[0].id][0]
        self.write(setup.front, Document, [line], {
                'application': drafts[0].id, 'note': "Checked"})
        self.assertEqual(Document(line).note, "Checked")

    @with_transaction()
    def test_submit_missing_documents(self):
        "Test an application without its mandatory documents is refused"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup, 'URB-09', complete=False)
        mandatory = [d for d in application.documents if d.mandatory]
        self.assertTrue(mandatory)
        with self.assertRaises(ApplicationActionError) as cm:
            self.submit(setup, application)
        # Every one missing, in the order of the checklist
        self.assertIn(
            ', '.join(d.document_type.rec_name for d in mandatory
                if d.status == 'missing'),
            cm.exception.message)
        application = Application(application.id)
        self.assertEqual(application.state, 'draft')
        self.assertIsNone(application.number)
        self.assertFalse(application.history)

    @with_transaction()
    def test_submit_at_another_desk_refused(self):
        "Test a clerk submits only at the clerk's desks"
        pool = Pool()
        Application = pool.get('ossis.application')
        OrgUnit = pool.get('ossis.org_unit')
        setup = scenario.municipality('elbasan')
        desk, = OrgUnit.copy([setup.desk], default={'name': "Desk 2"})
        clerk = scenario.staff_user(
            'elbasan.front2', setup.company, 'group_front_office',
            scenario.employee(setup.company, "Front Clerk 2", [desk]))
        application = scenario.draft(setup)
        with self.assertRaises(ApplicationAccessError):
            self.button(clerk, [application], 'submit')
        self.assertEqual(Application(application.id).state, 'draft')

    @with_transaction()
    def test_registration_frozen_after_submission(self):
        "Test the registration data cannot change after submission"
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        other = scenario.applicant(setup.company, 2)
        with as_user(setup.front), self.assertRaises(UserError):
            Application.write(
                [Application(application.id)], {'applicant': other.id})
        self.assertNotEqual(
            Application(application.id).applicant, Applicant(other.id))

    @with_transaction()
    def test_other_municipality_cannot_read(self):
        "Test staff of another municipality neither read nor act"
        pool = Pool()
        Application = pool.get('ossis.application')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = scenario.draft(elbasan)
        self.submit(elbasan, application)
        with as_user(pogradec.back):
            self.assertEqual(Application.search([]), [])
            with self.assertRaises(AccessError):
                Application.read([application.id], ['number'])
        with self.assertRaises(AccessError):
            self.act(pogradec.back, [application], 'forward')
        self.assertEqual(Application(application.id).state, 'submitted')

    @with_transaction()
    def test_withdraw_needs_reason(self):
        "Test withdrawing asks for the reason"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(setup)
        self.submit(setup, application)
        with self.assertRaises(ApplicationActionError):
            self.button(setup.front, [application], 'withdraw')
        self.assertEqual(Application(application.id).state, 'submitted')
        with as_user(setup.front):
            Application.write([Application(application.id)], {
                    'end_reason': "The applicant asked to withdraw."})
        self.button(setup.front, [application], 'withdraw')
        application = Application(application.id)
        self.assertEqual(application.state, 'withdrawn')
        self.assertEqual(
            application.history[0].comment,
            "The applicant asked to withdraw.")

    @with_transaction()
    def test_applicant_identifier(self):
        "Test the NID and NIPT check letters and the email address"
        setup = scenario.municipality('elbasan')
        good = scenario.valid_identifier(7)
        bad = good[:-1] + ('A' if good[-1] != 'A' else 'B')
        with self.assertRaises(ApplicantValidationError) as cm:
            scenario.applicant(setup.company, 7, identifier=bad)
        self.assertIn(bad, cm.exception.message)
        with self.assertRaises(ApplicantValidationError):
            scenario.applicant(setup.company, 8, email='not-an-address')
        applicant = scenario.applicant(
            setup.company, 9, kind='business',
            identifier=scenario.valid_identifier(9, 'business'))
        self.assertTrue(re.match(r'^L\d{8}[A-Z]$', applicant.identifier))

    @with_transaction()
    def test_applicant_kind_identifier(self):
        "Test a citizen's identifier must be a personal number"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        transaction = Transaction()
        elbasan = lgu('elbasan')
        # A NIPT whose month is no month of a birth date
        nipt = 'K22218003V'

        with self.assertRaises(ApplicantValidationError) as cm:
            scenario.applicant(elbasan, 1, identifier=nipt)
        self.assertIn(nipt, cm.exception.message)
        self.assertIn("not a personal number", cm.exception.message)
        transaction.rollback()
        self.assertFalse(Applicant.search([('identifier', '=', nipt)]))

        business = scenario.applicant(
            elbasan, 2, kind='business', identifier=nipt)
        # A NIPT may read as a personal number: the kind chosen stands
        nid = scenario.valid_identifier(3)
        self.assertEqual(
            scenario.applicant(
                elbasan, 3, kind='business', identifier=nid).kind,
            'business')
        self.assertEqual(scenario.applicant(elbasan, 4).kind, 'person')
        with self.assertRaises(ApplicantValidationError):
            Applicant.write([business], {'kind': 'person'})

    @with_transaction()
    def test_applicant_gender_from_identifier(self):
        "Test a citizen's gender is read from the personal number"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        elbasan = lgu('elbasan')
        woman = scenario.applicant(elbasan, 1, identifier='I55317084V')
        man = scenario.applicant(elbasan, 2, identifier='J00101999W')
        told = scenario.applicant(
            elbasan, 3, identifier='J05512265E', gender='male')
        business = scenario.applicant(
            elbasan, 4, kind='business', identifier='J05612265H')
        self.assertEqual(
            [a.gender for a in [woman, man, told, business]],
            ['female', 'male', 'male', None])

        applicant = Applicant(kind='person', identifier='j 00101999 w')
        applicant.on_change_identifier()
        self.assertEqual(
            (applicant.identifier, applicant.gender), ('J00101999W', 'male'))

    @with_transaction()
    def test_workflow_version(self):
        "Test a new version leaves running applications on theirs"
        pool = Pool()
        Application = pool.get('ossis.application')
        Workflow = pool.get('ossis.workflow')
        setup = scenario.municipality('elbasan')
        running = scenario.draft(setup)
        self.submit(setup, running)
        old = Application(running.id).workflow
        new = old.copy_as_draft()
        self.assertEqual(
            [s.code for s in new.steps], [s.code for s in old.steps])
        self.assertEqual(len(new.transitions), len(old.transitions))
        self.assertEqual(new.version, old.version + 1)
        Workflow.activate([new])
        self.assertEqual(Workflow(old.id).state, 'retired')
        self.assertEqual(Application(running.id).workflow, old)
        later = scenario.draft(setup, serial=2)
        self.submit(setup, later)
        self.assertEqual(Application(later.id).workflow, new)
        # The running application goes on with its version
        self.act(setup.back, [running], 'forward')
        self.assertEqual(Application(running.id).step.workflow, old)


del ModuleTestCase
