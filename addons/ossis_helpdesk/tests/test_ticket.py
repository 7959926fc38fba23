# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tickets, their messages, merging, rating and calls, as the staff of two
municipalities and the help desk's agents use them"""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import as_user, lgu
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_helpdesk.exceptions import CallError, TicketError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction

from .tools import agent, staff, ticket


class TicketTestCase(
        scenario.ProcessTestMixin, ModuleDatabaseMixin, unittest.TestCase):
    "Test the tickets of the help desk"
    module = 'ossis_helpdesk'

    @classmethod
    def setUpClass(cls):
        """Set up, once for the class, two municipalities, each with a clerk
        and an administrator, a second clerk in the first and a national
        agent; committed, so that a refused change is seen rolled back
        while they stay"""
        super().setUpClass()
        with Transaction().start(DB_NAME, 0) as transaction:
            berat, korce = lgu('berat'), lgu('korce')
            cls.users = {
                'clerk': staff('berat.clerk', berat),
                'colleague': staff('berat.colleague', berat),
                'admin': staff('berat.admin', berat, 'group_lgu_admin'),
                'other': staff('korce.clerk', korce),
                'other_admin': staff(
                    'korce.admin', korce, 'group_lgu_admin'),
                'agent': agent('agent'),
                }
            cls.users = {k: u.id for k, u in cls.users.items()}
            transaction.commit()

    def desk(self):
        "Browse the municipalities and the users set up"
        User = Pool().get('res.user')
        self.berat, self.korce = lgu('berat'), lgu('korce')
        for name, user_id in self.users.items():
            setattr(self, name, User(user_id))

    def raise_as(self, user, **values):
        with as_user(user):
            return ticket(user.company, user, **values)

    @with_transaction()
    def test_raise_ticket_numbered_and_routed(self):
        "Test a ticket is numbered, routed to its category's team"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        self.desk()
        first = self.raise_as(self.clerk)
        second = self.raise_as(self.clerk, kind='change')
        self.assertRegex(first.number, r'^HD-\d{6}$')
        self.assertNotEqual(first.number, second.number)
        self.assertEqual(first.reporter_name, 'berat.clerk')
        self.assertEqual(first.reporter_email, 'berat.clerk@example.al')
        self.assertEqual((first.state, first.channel), ('new', 'staff'))
        self.assertEqual(first.team.id, ModelData.get_id(
                'ossis_helpdesk', 'team_call_centre'))
        self.assertEqual(second.team.id, ModelData.get_id(
                'ossis_helpdesk', 'team_configuration'))
        self.assertEqual(second.kind, 'change')

    @with_transaction()
    def test_raise_from_application_with_context(self):
        """Test the ticket raised from an application's form carries the
        application, the service, workflow version, step and the last error
        the user was shown"""
        pool = Pool()
        Application = pool.get('ossis.application')
        UserError = pool.get('ossis.helpdesk.user_error')
        Raise = pool.get('ossis.helpdesk.ticket.raise', type='wizard')
        setup = scenario.municipality('berat')
        application = self.submitted(setup)
        UserError.record(setup.back.id, "An old error")
        UserError.record(setup.back.id, "The fee receipt is missing.")
        with as_user(setup.back), Transaction().set_context(
                active_model='ossis.application', active_id=application.id,
                active_ids=[application.id]):
            session_id, _, _ = Raise.create()
            wizard = Raise(session_id)
            defaults = wizard.default_start(None)
            wizard.start.subject = "Cannot forward"
            wizard.start.description = "The button does nothing."
            wizard.start.category = pool.get('ossis.helpdesk.category')(
                pool.get('ir.model.data').get_id(
                    'ossis_helpdesk', 'category_error'))
            wizard.start.priority = 'high'
            wizard.transition_raise_()
            raised = wizard.ticket
        application = Application(application.id)
        self.assertEqual(defaults['application'], application.id)
        self.assertEqual(raised.application, application)
        self.assertEqual(raised.company, setup.company)
        self.assertEqual(raised.reporter, setup.back)
        self.assertEqual(
            raised.service_name, application.lgu_service.rec_name)
        self.assertEqual(
            raised.workflow_version, application.workflow.rec_name)
        self.assertEqual(raised.step_name, application.step.rec_name)
        self.assertIn("OSSIS Back Office Specialist", raised.roles)
        self.assertEqual(raised.last_error, "The fee receipt is missing.")

    @with_transaction()
    def test_old_error_not_attached(self):
        """Test an error shown long ago is not taken for the reason of a
        ticket, the last five are kept and no one reads another's"""
        pool = Pool()
        UserError = pool.get('ossis.helpdesk.user_error')
        self.desk()
        UserError.record(self.clerk.id, "Long ago")
        errors = UserError.search([('user', '=', self.clerk.id)])
        UserError.write(errors, {
                'date': dt.datetime.now() - dt.timedelta(hours=2)})
        self.assertIsNone(UserError.last(self.clerk.id))
        for index in range(7):
            UserError.record(self.clerk.id, f"Error {index}")
        self.assertEqual(UserError.last(self.clerk.id), "Error 6")
        self.assertEqual(
            UserError.search_count([('user', '=', self.clerk.id)]), 5)
        with as_user(self.clerk):
            self.assertEqual(UserError.last(self.clerk.id), "Error 6")
        with as_user(self.colleague):
            self.assertIsNone(UserError.last(self.clerk.id))
            self.assertEqual(UserError.search([]), [])

    @with_transaction()
    def test_ticket_without_reporter_refused(self):
        "Test a ticket nobody could be answered on is refused"
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        self.desk()
        with self.assertRaises(TicketError):
            ticket(self.berat, None)
        Transaction().rollback()
        self.assertEqual(Ticket.search([]), [])
        self.assertTrue(lgu('berat'))

    @with_transaction()
    def test_who_sees_which_tickets(self):
        """Test the staff see their own tickets, the administrator those of
        the municipality, the agents all; nobody of another municipality,
        even through the fields of linked records"""
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Message = pool.get('ossis.helpdesk.ticket.message')
        self.desk()
        mine = self.raise_as(self.clerk, subject="Mine")
        colleagues = self.raise_as(self.colleague, subject="Colleague's")
        korce = self.raise_as(self.other, subject="Korçë's")
        with as_user(self.agent):
            Ticket.reply([korce], "We look at it.")
        cases = [
            (self.clerk, {mine}),
            (self.admin, {mine, colleagues}),
            (self.other, {korce}),
            (self.other_admin, {korce}),
            (self.agent, {mine, colleagues, korce}),
            ]
        for user, expected in cases:
            with self.subTest(user=user.login), as_user(user):
                self.assertEqual(set(Ticket.search([])), expected)
        for domain in [
                [('company', '=', self.korce.id)],
                [('company.party.name', 'ilike', '%')],
                [('reporter.login', '=', 'korce.clerk')],
                [('messages.body', 'ilike', '%look%')],
                [('subject', '=', "Korçë's")],
                ]:
            with self.subTest(domain=domain), as_user(self.admin):
                self.assertNotIn(korce, Ticket.search(domain))
        with as_user(self.admin):
            self.assertEqual(
                Message.search([('ticket.company', '=', self.korce.id)]), [])
            with self.assertRaises(AccessError):
                Ticket.read([korce.id], ['subject'])
            with self.assertRaises(AccessError):
                Message.read([m.id for m in korce.messages], ['body'])
        with as_user(self.clerk), self.assertRaises(AccessError):
            Ticket.read([colleagues.id], ['subject'])

    @with_transaction()
    def test_staff_cannot_raise_for_another_municipality(self):
        "Test a clerk cannot raise a ticket in another municipality"
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        self.desk()
        with as_user(self.clerk), self.assertRaises(AccessError):
            ticket(self.korce, self.clerk)
        self.assertEqual(Ticket.search([]), [])

    @with_transaction()
    def test_reply_note_and_reporter_message(self):
        """Test a reply opens the ticket, the reporter reads the replies but
        not the internal notes and adds to the ticket, which a waiting
        ticket goes on with"""
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Message = pool.get('ossis.helpdesk.ticket.message')
        self.desk()
        record = self.raise_as(self.clerk)
        with as_user(self.agent):
            Ticket.reply([record], "Which receipt?")
            Ticket.reply([record], "Probably the printer.", 'note')
            Ticket.wait([record])
        self.assertEqual(Ticket(record.id).state, 'waiting')
        with as_user(self.clerk):
            shown = Message.search([('ticket', '=', record.id)])
            self.assertEqual([m.kind for m in shown], ['reply'])
            Ticket.add_from_reporter(
                [Ticket(record.id)], "The one of today.",
                [('receipt.pdf', b'%PDF-1.4\n')])
        record = Ticket(record.id)
        self.assertEqual(record.state, 'open')
        self.assertEqual(
            [(m.kind, m.author) for m in record.messages], [
                ('reply', self.agent), ('note', self.agent),
                ('incoming', self.clerk)])
        self.assertEqual(
            [a.name for a in record.messages[-1].attachments],
            ['receipt.pdf'])

    @with_transaction()
    def test_reply_refused_empty_or_closed(self):
        "Test an empty reply and a reply to a closed ticket are refused"
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Message = pool.get('ossis.helpdesk.ticket.message')
        self.desk()
        record = self.raise_as(self.clerk)
        with as_user(self.agent):
            with self.assertRaises(TicketError):
                Ticket.reply([record], "  \n")
            Ticket.resolve([record])
            Ticket.close([record])
            with self.assertRaises(TicketError):
                Ticket.reply([record], "Anything else?")
            with self.assertRaises(AccessButtonError):
                Ticket.open([record])
        self.assertEqual(Message.search([]), [])
        self.assertEqual(Ticket(record.id).state, 'closed')

    @with_transaction()
    def test_reporter_cannot_change_the_ticket(self):
        "Test the reporter changes their ticket only by adding to it"
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        self.desk()
        record = self.raise_as(self.clerk)
        with as_user(self.clerk):
            with self.assertRaises(AccessError):
                Ticket.write([Ticket(record.id)], {'priority': 'urgent'})
            with self.assertRaises(AccessButtonError):
                Ticket.resolve([Ticket(record.id)])
        self.assertEqual(Ticket(record.id).priority, 'normal')

    @with_transaction()
    def test_merge_duplicate(self):
        """Test merging a duplicate moves its messages and files and marks
        it merged; a ticket of another municipality is refused"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Ticket = pool.get('ossis.helpdesk.ticket')
        self.desk()
        original = self.raise_as(self.clerk)
        duplicate = self.raise_as(self.colleague, description="Same here")
        korce = self.raise_as(self.other)
        Attachment.create([{
                    'resource': str(duplicate), 'name': 'screen.png',
                    'type': 'data', 'data': b'png'}])
        with as_user(self.agent):
            Ticket.reply([duplicate], "Looking.")
            with self.assertRaises(TicketError):
                Ticket.merge([duplicate], korce)
            with self.assertRaises(TicketError):
                Ticket.merge([duplicate], duplicate)
            self.assertEqual(Ticket(duplicate.id).state, 'open')
            Ticket.merge([Ticket(duplicate.id)], Ticket(original.id))
        duplicate, original = Ticket(duplicate.id), Ticket(original.id)
        self.assertEqual(duplicate.state, 'merged')
        self.assertEqual(duplicate.merged_into, original)
        self.assertEqual(duplicate.messages, ())
        self.assertEqual(
            [m.kind for m in original.messages], ['reply', 'note'])
        self.assertIn("Same here", original.messages[-1].body)
        self.assertEqual(
            [a.name for a in Attachment.search([
                        ('resource', '=', str(original))])],
            ['screen.png'])

    @with_transaction()
    def test_rating(self):
        """Test the reporter rates their resolved ticket once, from 1 to 5,
        and nobody else does"""
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        self.desk()
        record = self.raise_as(self.clerk)
        with as_user(self.clerk), self.assertRaises(TicketError):
            Ticket.rate([Ticket(record.id)], 5)
        with as_user(self.agent):
            Ticket.resolve([record])
        for user, rating in [
                (self.clerk, 0), (self.clerk, 6), (self.admin, 4),
                (self.agent, 4)]:
            with self.subTest(user=user.login, rating=rating), \
                    as_user(user), self.assertRaises(TicketError):
                Ticket.rate([Ticket(record.id)], rating)
        with as_user(self.other), self.assertRaises(AccessError):
            Ticket.rate([Ticket(record.id)], 1)
        self.assertIsNone(Ticket(record.id).rating)
        with as_user(self.clerk):
            Ticket.rate([Ticket(record.id)], 4, "Quick.")
            with self.assertRaises(TicketError):
                Ticket.rate([Ticket(record.id)], 5)
        record = Ticket(record.id)
        self.assertEqual((record.rating, record.rating_comment), (4, "Quick."))

    @with_transaction()
    def test_call_raises_ticket(self):
        """Test an agent logs a call of a municipality and raises a ticket
        from it; a call said to raise a ticket without one is refused"""
        pool = Pool()
        Call = pool.get('ossis.helpdesk.call')
        self.desk()
        values = {
            'company': self.korce.id,
            'caller': self.other.id,
            'caller_name': "Korçë clerk",
            'duration': dt.timedelta(minutes=4),
            'summary': "Forgot the password\nAsked for a reset.",
            }
        with as_user(self.agent):
            with self.assertRaises(CallError):
                Call.create([{**values, 'outcome': 'ticket'}])
        Transaction().rollback()
        self.assertEqual(Call.search([]), [])
        with as_user(self.agent):
            call, = Call.create([values])
            Call.create_ticket([call])
        call = Call(call.id)
        self.assertEqual(call.outcome, 'ticket')
        self.assertEqual(call.ticket.company, self.korce)
        self.assertEqual(call.ticket.channel, 'phone')
        self.assertEqual(call.ticket.reporter, self.other)
        self.assertEqual(call.ticket.subject, "Forgot the password")
        self.assertEqual(call.agent, self.agent)
        with as_user(self.admin):
            self.assertEqual(Call.search([]), [])
            self.assertEqual(
                Call.search([('ticket.subject', 'ilike', '%password%')]), [])
        with as_user(self.other_admin):
            self.assertEqual(Call.search([]), [call])
