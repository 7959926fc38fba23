# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The rules of change requests, each refusal leaving nothing stored"
import unittest
from types import SimpleNamespace

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_helpdesk.exceptions import (
    ChangeRequestAccessError, ChangeRequestError)
from trytond.pool import Pool
from trytond.tests.test_tryton import CONTEXT, DB_NAME, with_transaction
from trytond.transaction import Transaction

SERVICE = 'URB-09'


def create_agent(login):
    "Create a national agent of the configuration team"
    pool = Pool()
    Team = pool.get('ossis.helpdesk.team')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    team, = Team.create([{'name': "Configuration Team", 'tier': '2'}])
    agent, = User.create([{
                'login': login,
                'name': login,
                'groups': [('add', [
                            ModelData.get_id('ossis_base', 'group_helpdesk'),
                            ModelData.get_id('ossis_base', 'group_staff'),
                            ])],
                }])
    Team.write([team], {'members': [('add', [agent.id])]})
    return agent


def change_ticket(company, subject, services=(SERVICE,)):
    "Create a change ticket of the municipality naming the services"
    pool = Pool()
    Category = pool.get('ossis.helpdesk.category')
    Service = pool.get('ossis.service')
    Ticket = pool.get('ossis.helpdesk.ticket')
    category, = Category.search([('kind', '=', 'change')], limit=1) or (
        Category.create([{'name': "Workflow Change", 'kind': 'change'}]))
    ticket, = Ticket.create([{
                'company': company.id,
                'subject': subject,
                'reporter_name': "Fatmir Leka",
                'category': category.id,
                'services': [('add', [
                            s.id for s in Service.get_published(
                                services).values()])],
                }])
    return ticket


def set_up():
    """Two municipalities with their administrators, an agent, an agent who
    administers Pogradec too, and a change request of Elbasan with its new
    version open; return the ids"""
    pool = Pool()
    Request = pool.get('ossis.helpdesk.change_request')
    Team = pool.get('ossis.helpdesk.team')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    elbasan = scenario.municipality('elbasan', services=(SERVICE,))
    pogradec = scenario.municipality('pogradec', services=(SERVICE,))
    agent = create_agent('config.agent')
    pogradec_agent = create_lgu_user('pogradec.agent', pogradec.company)
    User.write([pogradec_agent], {'groups': [('add', [
                        ModelData.get_id('ossis_base', 'group_helpdesk')])]})
    Team.write(list(agent.helpdesk_teams), {
            'members': [('add', [pogradec_agent.id])]})
    Application = pool.get('ossis.application')
    for serial in [1, 2]:
        application = scenario.draft(elbasan, SERVICE, serial=serial)
        with scenario.as_staff(elbasan.front):
            Application.submit([Application(application.id)])
    ticket = change_ticket(elbasan.company, "Legal check of the maps")
    with as_user(agent):
        request, = Request.create([{
                    'ticket': ticket.id,
                    'company': elbasan.company.id,
                    'service': ticket.services[0].id,
                    }])
        Request.open_version([request])
    return {
        'elbasan': elbasan.company.id,
        'pogradec': pogradec.company.id,
        'agent': agent.id,
        'pogradec_agent': pogradec_agent.id,
        'request': request.id,
        'elbasan_admin': create_lgu_user(
            'elbasan.admin', elbasan.company).id,
        'pogradec_admin': create_lgu_user(
            'pogradec.admin', pogradec.company).id,
        }


def stored(values):
    "Return the values of a wizard's form without the names of records"
    return {k: v for k, v in values.items() if '.' not in k}


def elbasan_offer(setup):
    "Return Elbasan's offer of the service of the change requests"
    Offer = Pool().get('ossis.lgu.service')
    offer, = Offer.search([
            ('company', '=', setup.elbasan.id),
            ('service_code', '=', SERVICE)])
    return offer


def set_days(version, code, days):
    pool = Pool()
    Step = pool.get('ossis.workflow.step')
    Step.write([version.step_of_code(code)], {'days': days})


class ChangeRequestTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the rules of change requests"
    module = 'ossis_helpdesk'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # One set up for the class: each test rolls its changes back
        with Transaction().start(DB_NAME, 0, context=CONTEXT) as transaction:
            cls.ids = set_up()
            transaction.commit()

    def fixture(self):
        "Return the records of the set up in the current transaction"
        pool = Pool()
        Company = pool.get('company.company')
        Request = pool.get('ossis.helpdesk.change_request')
        User = pool.get('res.user')
        models = {
            'elbasan': Company, 'pogradec': Company, 'request': Request}
        return SimpleNamespace(**{
                name: models.get(name, User)(id_)
                for name, id_ in self.ids.items()})

    def assertNotApproved(self, request):
        request = Pool().get('ossis.helpdesk.change_request')(request.id)
        self.assertEqual(request.state, 'draft')
        self.assertIsNone(request.approved_by)
        self.assertIsNone(request.approved_at)

    @with_transaction()
    def test_open_version_copies_the_applying_workflow(self):
        "Test the new version is a draft of the municipality's own"
        setup = self.fixture()
        request = setup.request
        self.assertIsNone(request.source.company)
        self.assertEqual(request.version.company, setup.elbasan)
        self.assertEqual(request.version.state, 'draft')
        self.assertEqual(
            [s.code for s in request.version.steps],
            [s.code for s in request.source.steps])

    @with_transaction()
    def test_service_not_named_by_ticket_refused(self):
        "Test a request about a service the ticket does not name"
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        Service = pool.get('ossis.service')
        setup = self.fixture()
        other = Service.get_published(['TAX-05'])['TAX-05']
        with self.assertRaisesRegex(
                ChangeRequestError, "one of the services the ticket names"):
            Request.create([{
                        'ticket': setup.request.ticket.id,
                        'company': setup.elbasan.id,
                        'service': other.id,
                        }])
        Transaction().rollback()
        self.assertEqual(Request.search([]), [setup.request])

    @with_transaction()
    def test_approval_by_other_administrator_refused(self):
        """Test the administrator of another municipality nor an agent
        approves"""
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        with as_user(setup.agent):
            Request.check([setup.request])
        with as_user(setup.pogradec_admin):
            with self.assertRaises(AccessError):
                Request.approve([Request(setup.request.id)])
        with as_user(setup.agent):
            with self.assertRaises(AccessButtonError):
                Request.approve([Request(setup.request.id)])
        # An agent who administers Pogradec reads every request
        with as_user(setup.pogradec_agent):
            with self.assertRaisesRegex(
                    ChangeRequestAccessError, "Only the administrator"):
                Request.approve([Request(setup.request.id)])
        self.assertNotApproved(setup.request)

    @with_transaction()
    def test_activation_before_approval_refused(self):
        "Test the version of a request not approved is not activated"
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        with as_user(setup.agent):
            Request.check([setup.request])
        with as_user(setup.elbasan_admin):
            with self.assertRaises(AccessButtonError):
                Request.activate([Request(setup.request.id)])
        # Called by another module, without the button's checks
        with self.assertRaisesRegex(ChangeRequestError, "has approved it"):
            Request.activate([setup.request])
        request = Request(setup.request.id)
        self.assertEqual(request.state, 'draft')
        self.assertEqual(request.version.state, 'draft')
        self.assertIsNone(request.activated_at)

    @with_transaction()
    def test_lint_errors_block_approval(self):
        "Test a version with errors is not approved"
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        set_days(setup.request.version, 'review', 100)
        with as_user(setup.agent):
            Request.check([setup.request])
        request = Request(setup.request.id)
        self.assertEqual(request.lint_errors, 1)
        self.assertIn("more than the legal deadline", request.lint_report)
        with as_user(setup.elbasan_admin):
            with self.assertRaisesRegex(
                    ChangeRequestError, "cannot be approved"):
                Request.approve([Request(request.id)])
        self.assertNotApproved(request)

    @with_transaction()
    def test_version_changed_since_check_refused(self):
        """Test the administrator approves and activates only the version
        as checked, and a new check voids the approval"""
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        with self.assertRaisesRegex(ChangeRequestError, "never checked"):
            with as_user(setup.elbasan_admin):
                Request.approve([Request(setup.request.id)])
        with as_user(setup.agent):
            Request.check([setup.request])
        set_days(setup.request.version, 'review', 3)
        with as_user(setup.elbasan_admin):
            with self.assertRaisesRegex(ChangeRequestError, "check it again"):
                Request.approve([Request(setup.request.id)])
        self.assertNotApproved(setup.request)

        with as_user(setup.agent):
            Request.check([setup.request])
        with as_user(setup.elbasan_admin):
            Request.approve([Request(setup.request.id)])
        set_days(setup.request.version, 'review', 4)
        with as_user(setup.elbasan_admin):
            with self.assertRaisesRegex(ChangeRequestError, "check it again"):
                Request.activate([Request(setup.request.id)])
        self.assertEqual(setup.request.version.state, 'draft')
        with as_user(setup.agent):
            Request.check([setup.request])
        self.assertNotApproved(setup.request)

    @with_transaction()
    def test_step_renamed_since_check_refused(self):
        """Test a step renamed after the check, in Albanian only, voids what
        the administrator would approve: the applicants read the names"""
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        Step = pool.get('ossis.workflow.step')
        setup = self.fixture()
        with as_user(setup.agent):
            Request.check([setup.request])
        review = setup.request.version.step_of_code('review')
        with Transaction().set_context(language='sq'):
            Step.write([Step(review.id)], {'name': "Shqyrtimi ligjor"})
        with as_user(setup.elbasan_admin):
            with self.assertRaisesRegex(ChangeRequestError, "check it again"):
                Request.approve([Request(setup.request.id)])
        self.assertNotApproved(setup.request)

    @with_transaction()
    def test_requests_of_other_municipality_hidden(self):
        """Test the administrator of another municipality neither finds,
        reads nor changes a request, also through its links"""
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        Workflow = pool.get('ossis.workflow')
        setup = self.fixture()
        request = setup.request
        with as_user(setup.pogradec_admin):
            for domain in [
                    [],
                    [('company', '=', setup.elbasan.id)],
                    [('ticket.subject', 'ilike', '%legal%')],
                    [('version.company', '=', setup.elbasan.id)],
                    ]:
                self.assertEqual(Request.search(domain), [], msg=domain)
            self.assertEqual(
                Workflow.search([('id', '=', request.version.id)]), [])
            with self.assertRaises(AccessError):
                Request.read([request.id], ['description'])
            with self.assertRaises(AccessError):
                Request.write(
                    [Request(request.id)], {'description': "Changed"})
        self.assertIsNone(Request(request.id).description)
        with as_user(setup.elbasan_admin):
            self.assertEqual(Request.search([]), [request])

    @with_transaction()
    def test_migration_with_wizard_recorded(self):
        """Test the applications moved with the workflow's wizard are
        recorded on the activated request"""
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        Step = pool.get('ossis.workflow.step')
        Migrate = pool.get('ossis.workflow.migrate', type='wizard')
        setup = self.fixture()
        version = setup.request.version
        # A renamed step: the mapping by code is not enough
        Step.write([version.step_of_code('review')], {'code': 'examination'})
        with as_user(setup.agent):
            Request.check([setup.request])
        with as_user(setup.elbasan_admin):
            Request.approve([Request(setup.request.id)])
            Request.activate([Request(setup.request.id)])
        with as_user(setup.elbasan_admin), Transaction().set_context(
                active_model='ossis.workflow', active_id=version.id,
                active_ids=[version.id]):
            session_id, _, _ = Migrate.create()
            start = Migrate.execute(session_id, {}, 'start')
            data = {'start': stored(start['view']['defaults'])}
            data['start'].setdefault('company', None)
            # The applications run on the national version
            data['start']['sources'] = [setup.request.source.id]
            mapping = Migrate.execute(session_id, data, 'mapping')
            data['mapping'] = stored(mapping['view']['defaults'])
            examination = version.step_of_code('examination').id
            data['mapping']['steps'] = [
                {**stored(line), 'to_step': line['to_step'] or examination}
                for line in data['mapping']['steps']]
            Migrate.execute(session_id, data, 'migrate')
            Migrate.delete(session_id)
        request = Request(setup.request.id)
        self.assertEqual(request.state, 'migrated')
        self.assertEqual(request.migrated_count, 2)
        self.assertEqual(request.migrated_by, setup.elbasan_admin)
        self.assertEqual(
            request.migration_report, "Bashkia Elbasan: Review → Review: 2")

    # Change requests carried out as a change of the offer

    def offer_request(self, setup):
        "Open an offer change of Elbasan for the service, as the agent"
        Request = Pool().get('ossis.helpdesk.change_request')
        with as_user(setup.agent):
            request, = Request.create([{
                        'ticket': setup.request.ticket.id,
                        'company': setup.elbasan.id,
                        'service': setup.request.service.id,
                        'kind': 'offer',
                        }])
            Request.open_offer([request])
        return Request(request.id)

    @with_transaction()
    def test_offer_change_end_to_end(self):
        """Test the new fee and deadline, checked and approved, are written
        on the offer when activated, and nothing is migrated"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        request = self.offer_request(setup)
        offer = elbasan_offer(setup)
        self.assertEqual(request.offer, offer)
        self.assertEqual(
            (request.previous_fee, request.previous_days,
                request.previous_online),
            (offer.fee, offer.days, offer.online))
        self.assertEqual((request.fee, request.days), (offer.fee, offer.days))
        new_days = offer.days - 2

        with as_user(setup.agent):
            Request.write([Request(request.id)], {
                    'fee': offer.fee + 200, 'days': new_days})
            Request.check([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.lint_errors, 0)
        self.assertEqual(request.lint_report.splitlines(), [
                f"New Fee: {offer.fee} → {offer.fee + 200}",
                f"New Deadline: {offer.days} → {new_days}",
                ])
        with as_user(setup.elbasan_admin):
            Request.approve([Request(request.id)])
            Request.activate([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.state, 'activated')
        self.assertEqual(request.activated_by, setup.elbasan_admin)
        offer = Offer(offer.id)
        self.assertEqual((offer.fee, offer.days), (
                request.fee, new_days))
        with as_user(setup.elbasan_admin):
            with self.assertRaises(AccessButtonError):
                Request.migrate([Request(request.id)])
        # Called by another module, without the button's checks
        with self.assertRaisesRegex(
                ChangeRequestError, "no application is moved"):
            Request.migrate([Request(request.id)])
        self.assertEqual(Request(request.id).state, 'activated')

    @with_transaction()
    def test_agents_read_offers_change_none(self):
        """Test the agents read the offers of every municipality and change
        none, even an agent who administers another municipality"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        setup = self.fixture()
        offer = elbasan_offer(setup)
        fee = offer.fee
        for user in [setup.agent, setup.pogradec_agent]:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(
                    Offer.search([('company', '=', setup.elbasan.id)]),
                    [offer])
                with self.assertRaises(AccessError):
                    Offer.write([Offer(offer.id)], {'fee': 0})
        with as_user(setup.pogradec_admin):
            self.assertEqual(
                Offer.search([('company', '=', setup.elbasan.id)]), [])
        self.assertEqual(Offer(offer.id).fee, fee)

    @with_transaction()
    def test_offer_beyond_national_bounds_not_approved(self):
        """Test a deadline beyond the legal one is found by the check and
        blocks the approval, with the offer unchanged"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        request = self.offer_request(setup)
        offer = request.offer
        legal_days = offer.service.legal_days
        with as_user(setup.agent):
            Request.write([Request(request.id)], {'days': legal_days + 5})
            Request.check([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.lint_errors, 1)
        self.assertIn(
            f"longer than the legal deadline of {legal_days} days",
            request.lint_report)
        with as_user(setup.elbasan_admin):
            with self.assertRaisesRegex(
                    ChangeRequestError, "break a rule"):
                Request.approve([Request(request.id)])
        self.assertNotApproved(request)
        self.assertEqual(Offer(offer.id).days, request.previous_days)

    @with_transaction()
    def test_offer_changed_since_check_refused(self):
        "Test new values written after the check are not approved"
        Request = Pool().get('ossis.helpdesk.change_request')
        setup = self.fixture()
        request = self.offer_request(setup)
        with as_user(setup.agent):
            Request.check([Request(request.id)])
            Request.write([Request(request.id)], {'fee': 0})
        with as_user(setup.elbasan_admin):
            with self.assertRaisesRegex(ChangeRequestError, "check them"):
                Request.approve([Request(request.id)])
        self.assertNotApproved(request)

    @with_transaction()
    def test_offer_change_without_offer_refused(self):
        """Test an offer change of a service the municipality does not offer
        opens nothing, and a workflow version is not opened on an offer
        change"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        Request = pool.get('ossis.helpdesk.change_request')
        setup = self.fixture()
        with as_user(setup.agent):
            request, = Request.create([{
                        'ticket': setup.request.ticket.id,
                        'company': setup.elbasan.id,
                        'service': setup.request.service.id,
                        'kind': 'offer',
                        }])
        Offer.write([elbasan_offer(setup)], {'active': False})
        with as_user(setup.agent):
            with self.assertRaisesRegex(
                    ChangeRequestError, "does not offer the service"):
                Request.open_offer([Request(request.id)])
            with self.assertRaises(AccessButtonError):
                Request.open_version([Request(request.id)])
        with self.assertRaisesRegex(
                ChangeRequestError, "no workflow version"):
            Request.open_version([Request(request.id)])
        request = Request(request.id)
        self.assertIsNone(request.offer)
        self.assertIsNone(request.version)
        self.assertIsNone(request.fee)
