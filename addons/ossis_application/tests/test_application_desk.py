# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the desk and the deciding head meet on an application: the fee paid
today, the drafts of their own desks, the checklist kept by the desk, the
refusals of the record rules in plain words and the decision in one action"""
import unittest

from lxml import etree

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.exceptions import (
    ApplicationAccessError, ApplicationActionError, ApplicationDocumentError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.tools import municipal_today
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

RULE_SENTENCE = (
    "Records of another municipality can be neither seen nor changed.")


class ApplicationDeskTestCase(scenario.ProcessTestMixin, unittest.TestCase):
    "Test the work of the desk and of the deciding head"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('ossis_application')

    def act(self, user, application, action):
        pool = Pool()
        Application = pool.get('ossis.application')
        with scenario.as_staff(user):
            Application.act([Application(application.id)], action)
        return Application(application.id)

    def at_approval(self, setup, serial=1):
        "Return an application forwarded by the back office for approval"
        application = self.act(
            setup.back, self.submitted(setup, serial), 'forward')
        self.assertEqual(application.step.kind, 'approval')
        return application

    def snapshot(self, application):
        pool = Pool()
        Application = pool.get('ossis.application')
        application = Application(application.id)
        return (
            application.state, application.step, application.decision,
            len(application.history),
            sorted((d.id, d.status) for d in application.documents))

    @with_transaction()
    def test_fee_paid_today(self):
        "Test a fee marked paid without a date was paid today"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = scenario.draft(
            setup, service_code='URB-09', complete=False)
        self.assertEqual(application.fee_state, 'due')

        form = Application(application.id)
        form.fee_state = 'paid'
        form.on_change_fee_state()
        self.assertEqual(form.fee_paid_date, municipal_today())

        with scenario.as_staff(setup.front):
            Application.write([Application(application.id)], {
                    'fee_state': 'paid', 'fee_receipt': 'R-1'})
        self.assertEqual(
            Application(application.id).fee_paid_date, municipal_today())

    @with_transaction()
    def test_fee_fields_named_apart(self):
        "Test the amount and the payment of the fee have their own labels"
        pool = Pool()
        Application = pool.get('ossis.application')
        fields = Application.fields_get(['fee', 'fee_state'])
        self.assertNotEqual(
            fields['fee']['string'], fields['fee_state']['string'])

    @with_transaction()
    def test_draft_tab_own_desks(self):
        "Test the draft tab of a clerk shows the drafts of the clerk's desks"
        pool = Pool()
        Application = pool.get('ossis.application')
        OrgUnit = pool.get('ossis.org_unit')
        Offer = pool.get('ossis.lgu.service')
        setup = scenario.municipality('elbasan')
        other_desk, = OrgUnit.create([{
                    'company': setup.company.id,
                    'name': "Second Desk",
                    'type': 'front_office',
                    'administrative_unit': setup.admin_unit.id,
                    }])
        offer = setup.offers['TAX-05']
        Offer.write([offer], {'desks': [('add', [other_desk.id])]})
        mine = scenario.draft(setup, serial=1)
        theirs = scenario.draft(setup, serial=2)
        Application.write([theirs], {'desk': other_desk.id})

        tabs = self.search_tabs(
            setup.front, 'ossis_application', 'act_application_form')
        self.assertEqual(tabs['Draft'], [mine])
        self.assertEqual(set(tabs['All']), {mine, theirs})
        self.assertEqual(
            self.search(setup.front, [('at_my_desk', '=', False)]),
            {theirs})

    @with_transaction()
    def test_checklist_kept_by_the_desk(self):
        """Test the back office cannot change the checklist of a submitted
        application, and the desk still can"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Document = pool.get('ossis.application.document')
        setup = scenario.municipality('elbasan')
        application = self.submitted(setup)
        before = self.snapshot(application)
        line = application.documents[0]

        with scenario.as_staff(setup.back):
            with self.assertRaises(ApplicationDocumentError):
                Document.write([Document(line.id)], {'status': 'missing'})
            with self.assertRaises(ApplicationDocumentError):
                Application.write([Application(application.id)], {
                        'documents': [
                            ('write', [line.id], {'note': "Copy"})],
                        })
        self.assertEqual(self.snapshot(application), before)

    @with_transaction()
    def test_checklist_changed_at_the_desk(self):
        "Test the desk marks a document of a submitted application received"
        pool = Pool()
        Document = pool.get('ossis.application.document')
        setup = scenario.municipality('elbasan')
        application = self.submitted(setup)
        line = application.documents[0]
        with scenario.as_staff(setup.front):
            Document.write([Document(line.id)], {'note': "Original seen"})
        self.assertEqual(Document(line.id).note, "Original seen")

    @with_transaction()
    def test_rule_refusal_in_plain_words(self):
        "Test a record rule refuses with a sentence, not a rule's name"
        pool = Pool()
        Application = pool.get('ossis.application')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = scenario.draft(elbasan)
        with scenario.as_staff(pogradec.front):
            with self.assertRaises(AccessError) as refusal:
                Application.read([application.id], ['number'])
        self.assertIn(RULE_SENTENCE, refusal.exception.message)

    @with_transaction()
    def test_history_list_append_only(self):
        "Test the history list shows the time and offers no New nor Delete"
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        history_list = History.fields_view_get(view_type='tree')
        self.assertEqual(
            [f.get('widget') for f in etree.fromstring(
                    history_list['arch']).xpath('//field[@name="date"]')],
            ['date', 'time'])
        form = Application.fields_view_get(view_type='form')
        field, = etree.fromstring(form['arch']).xpath(
            '//field[@name="history"]')
        self.assertEqual(
            (field.get('create'), field.get('delete')), ('0', '0'))

    def decide(self, user, application, wizard, text):
        """Decide in the dialog of the form's button as the user with the
        text; return the text the dialog showed and the application"""
        pool = Pool()
        Application = pool.get('ossis.application')
        ModelData = pool.get('ir.model.data')
        Decide = pool.get(f'ossis.application.{wizard}', type='wizard')
        action_id = ModelData.get_id(
            'ossis_application', f'wizard_application_{wizard}')
        with scenario.as_staff(user), Transaction().set_context(
                active_model='ossis.application',
                active_id=application.id, active_ids=[application.id],
                action_id=action_id):
            session_id, start, _ = Decide.create()
            shown = Decide.execute(session_id, {}, start)['view']['defaults']
            Decide.execute(session_id, {
                    start: dict(shown, decision_text=text),
                    }, 'decide')
        return shown['decision_text'], Application(application.id)

    @with_transaction()
    def test_decision_dialog(self):
        """Test the form's buttons ask for the decision text: a refusal
        without it is refused and changes nothing, with it the application
        is rejected"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.at_approval(setup)
        before = self.snapshot(application)
        with self.assertRaises(ApplicationActionError):
            self.decide(setup.head, application, 'reject', None)
        self.assertEqual(self.snapshot(application), before)
        self.assertFalse(Application(application.id).decision_text)

        Application.write([application], {'decision_text': "Draft"})
        reasons = "The parcel is not in the urban zone."
        shown, application = self.decide(
            setup.head, application, 'reject', reasons)
        self.assertEqual(shown, "Draft")
        self.assertEqual(
            (application.decision, application.decision_text),
            ('rejected', reasons))
        self.assertEqual(application.history[0].comment, reasons)

    @with_transaction()
    def test_decision_dialog_approve(self):
        "Test the head approves with a decision text in the dialog"
        setup = scenario.municipality('elbasan')
        _, application = self.decide(
            setup.head, self.at_approval(setup), 'approve',
            "All documents are in order.")
        self.assertEqual(
            (application.decision, application.decision_text),
            ('approved', "All documents are in order."))

    @with_transaction()
    def test_decision_dialog_refused(self):
        """Test the dialog refuses the back office as the button does, and
        nothing is stored"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.at_approval(setup)
        before = self.snapshot(application)
        with self.assertRaises(AccessError):
            self.decide(setup.back, application, 'approve', "Approved.")
        self.assertEqual(self.snapshot(application), before)
        self.assertFalse(Application(application.id).decision_text)

    @with_transaction()
    def test_refusal_needs_reasons(self):
        "Test a refusal without reasons is refused and changes nothing"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.act(
            setup.head, self.at_approval(setup), 'forward')
        before = self.snapshot(application)
        with self.assertRaises(ApplicationActionError):
            self.act(setup.head, application, 'reject')
        self.assertEqual(self.snapshot(application), before)

        reasons = "The parcel is not in the urban zone."
        Application.write([application], {'decision_text': reasons})
        application = self.act(setup.head, application, 'reject')
        self.assertEqual(application.decision, 'rejected')
        self.assertEqual(application.history[0].comment, reasons)

    @with_transaction()
    def test_decide_at_once(self):
        """Test the head who holds the approval and the decision approves at
        the approval step, and both are recorded"""
        setup = scenario.municipality('elbasan')
        application = self.at_approval(setup)
        with scenario.as_staff(setup.head):
            self.assertEqual(
                application.__class__(application.id).available_actions,
                ('approve', 'forward', 'reject', 'return'))
        with scenario.as_staff(setup.back):
            self.assertEqual(
                application.__class__(application.id).available_actions,
                ())

        application = self.act(setup.head, application, 'approve')
        self.assertEqual(
            (application.state, application.decision),
            ('decided', 'approved'))
        self.assertEqual(application.step.kind, 'delivery')
        self.assertEqual(application.decision_unit, setup.unit)
        self.assertEqual(
            [(h.action, h.from_step.kind, h.to_step.kind)
                for h in application.history[:2][::-1]],
            [('forward', 'approval', 'decision'),
                ('approve', 'decision', 'delivery')])

    @with_transaction()
    def test_decide_at_once_refused(self):
        """Test the back office may not approve at the approval step, and
        nothing changes"""
        setup = scenario.municipality('elbasan')
        application = self.at_approval(setup)
        before = self.snapshot(application)
        with self.assertRaises(ApplicationAccessError):
            self.act(setup.back, application, 'approve')
        self.assertEqual(self.snapshot(application), before)
