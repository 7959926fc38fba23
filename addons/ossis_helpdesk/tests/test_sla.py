# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The service levels of the tickets: due moments in the help desk's working
hours (Monday to Friday 08:00-16:30 in Tirana), the clock stopped while
waiting for the reporter, the status, the warning and the escalation"""
import datetime as dt
import sys
import unittest
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_helpdesk.exceptions import (
    ServiceLevelPolicyValidationError, WorkingHoursValidationError)
from trytond.modules.ossis_helpdesk.working_time import UTC
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / 'tests'))
from smtp_mailbox import Mailbox  # noqa: E402

from trytond import config  # noqa: E402,I001

TIRANE = dt.timezone(dt.timedelta(hours=1))


def moment(day, hour, minute=0):
    "The naive UTC moment of a local winter time in Tirana, February 2026"
    local = dt.datetime(2026, 2, day, hour, minute, tzinfo=TIRANE)
    return local.astimezone(UTC).replace(tzinfo=None)


@contextmanager
def clock(at):
    "Make the service level clock read the moment"
    Ticket = Pool().get('ossis.helpdesk.ticket')
    with patch.object(Ticket, 'sla_now', return_value=at):
        yield


class ServiceLevelTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the service levels of the tickets"
    module = 'ossis_helpdesk'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Category = pool.get('ossis.helpdesk.category')
            Policy = pool.get('ossis.helpdesk.sla.policy')
            Team = pool.get('ossis.helpdesk.team')
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            helpdesk = ModelData.get_id('ossis_base', 'group_helpdesk')
            agents = User.create([{
                        'login': login,
                        'name': login,
                        'email': f'{login}@helpdesk.example.al',
                        'groups': [('add', [helpdesk])],
                        } for login in ['agent', 'configurator']])
            # The call centre and the configuration team of the module
            for tier, agent in [('1', agents[0]), ('2', agents[1])]:
                Team.write(Team.search([('tier', '=', tier)]), {
                        'members': [('add', [agent.id])]})
            error, question = Category.create([
                    {'name': "Printing Error", 'kind': 'error'},
                    {'name': "Printing Question", 'kind': 'question'},
                    ])
            Policy.create([{
                        'name': "Errors", 'category': error.id,
                        'first_reply_hours': 2, 'resolution_hours': 8,
                        'warning_hours': 1,
                        }])
            transaction.commit()

    def ticket(self, at, category='Printing Error', **values):
        "Create a ticket of Elbasan at the moment"
        pool = Pool()
        Category = pool.get('ossis.helpdesk.category')
        Ticket = pool.get('ossis.helpdesk.ticket')
        Team = pool.get('ossis.helpdesk.team')
        category, = Category.search([('name', '=', category)])
        team = Team.search([('tier', '=', '1')], limit=1)[0]
        with clock(at):
            ticket, = Ticket.create([{
                        'company': lgu('elbasan').id,
                        'subject': "The receipt does not print",
                        'reporter_name': "Arta Hoxha",
                        'reporter_email': 'arta.hoxha@elbasan.example.al',
                        'category': category.id,
                        'team': team.id,
                        **values,
                        }])
        return ticket

    @with_transaction()
    def test_due_moments(self):
        "Test the targets count the working hours after the ticket is raised"
        # Friday 6 February 15:30: one working hour left that day
        ticket = self.ticket(moment(6, 15, 30))
        self.assertEqual(ticket.sla_policy.name, "Errors")
        self.assertEqual(ticket.first_reply_due, moment(9, 9))
        self.assertEqual(ticket.first_reply_warn_at, moment(6, 16, 30))
        self.assertEqual(ticket.resolution_due, moment(9, 15))
        self.assertEqual(ticket.resolution_warn_at, moment(9, 14))

    @with_transaction()
    def test_policy_most_specific(self):
        "Test the policy of the category and priority wins over wider ones"
        pool = Pool()
        Policy = pool.get('ossis.helpdesk.sla.policy')
        Category = pool.get('ossis.helpdesk.category')
        error, = Category.search([('name', '=', "Printing Error")])
        Policy.create([{
                    'name': "Urgent errors", 'category': error.id,
                    'priority': 'urgent', 'first_reply_hours': 0.5,
                    'resolution_hours': 4, 'warning_hours': 0.25,
                    }])
        urgent = self.ticket(moment(3, 9), priority='urgent')
        self.assertEqual(urgent.sla_policy.name, "Urgent errors")
        self.assertEqual(urgent.first_reply_due, moment(3, 9, 30))
        question = self.ticket(moment(3, 9), category='Printing Question')
        self.assertEqual(question.sla_policy.name, "Standard")
        high = self.ticket(
            moment(3, 9), category='Printing Question', priority='high')
        self.assertEqual(high.sla_policy.name, "High")

        # A new priority brings the targets of its policy
        with clock(moment(3, 10)):
            question.priority = 'urgent'
            question.save()
        self.assertEqual(question.sla_policy.name, "Urgent")
        self.assertEqual(question.first_reply_due, moment(3, 10))

    @with_transaction()
    def test_pause_while_waiting(self):
        "Test the clock stops while waiting and the dues move when resumed"
        Ticket = Pool().get('ossis.helpdesk.ticket')
        ticket = self.ticket(moment(3, 9))
        self.assertEqual(ticket.resolution_due, moment(4, 8, 30))
        with clock(moment(3, 9, 45)):
            Ticket.wait([ticket])
        self.assertEqual(ticket.sla_paused_at, moment(3, 9, 45))
        # Waiting past a deadline is no breach: the clock is stopped
        with clock(moment(5, 12)):
            self.assertEqual(ticket.sla_status, 'on_track')
            self.assertNotIn(
                ticket, Ticket.search([('sla_status', '=', 'breached')]))
            Ticket.reopen([ticket])
        # Stopped from Tuesday 09:45 to Thursday 12:00: 19.25 working hours
        self.assertIsNone(ticket.sla_paused_at)
        self.assertEqual(ticket.sla_paused, dt.timedelta(hours=19.25))
        self.assertEqual(ticket.first_reply_due, moment(5, 13, 15))
        self.assertEqual(ticket.resolution_due, moment(6, 10, 45))

    @with_transaction()
    def test_status(self):
        "Test the status on track, at risk and breached, read and searched"
        Ticket = Pool().get('ossis.helpdesk.ticket')
        ticket = self.ticket(moment(3, 9))
        for at, status in [
                (moment(3, 9, 30), 'on_track'),
                (moment(3, 10, 15), 'at_risk'),
                (moment(3, 11, 1), 'breached'),
                ]:
            with self.subTest(status=status), clock(at):
                ticket = Ticket(ticket.id)
                self.assertEqual(ticket.sla_status, status)
                self.assertEqual(Ticket.search([
                            ('company', '=', ticket.company),
                            ('sla_status', '=', status),
                            ]), [ticket])
                self.assertNotIn(
                    ticket, Ticket.search([('sla_status', '!=', status)]))

    @with_transaction()
    def test_first_reply_and_resolution(self):
        """Test the first reply and the resolution stop their clocks, a
        reopening restarts the resolution's"""
        Ticket = Pool().get('ossis.helpdesk.ticket')
        ticket = self.ticket(moment(3, 9))
        with clock(moment(3, 10, 30)):
            Ticket.reply([ticket], "Restart the printer, please.")
        self.assertEqual(ticket.first_replied_at, moment(3, 10, 30))
        self.assertEqual(ticket.first_reply_hours, 1.5)
        with clock(moment(3, 12)):
            Ticket.reply([ticket], "And print again.")
        self.assertEqual(ticket.first_replied_at, moment(3, 10, 30))

        with clock(moment(4, 8, 15)):
            Ticket.resolve([ticket])
        self.assertEqual(ticket.resolution_hours, 7.75)
        # Reopened the next day: a quarter of an hour is left
        with clock(moment(5, 9)):
            self.assertEqual(ticket.sla_status, 'on_track')
            Ticket.reopen([ticket])
        self.assertIsNone(ticket.resolution_hours)
        self.assertEqual(ticket.resolution_due, moment(5, 9, 15))
        with clock(moment(5, 9, 30)):
            self.assertEqual(ticket.sla_status, 'breached')

    @with_transaction()
    def test_policy_bad_targets(self):
        "Test targets of no time, negative or in the wrong order are refused"
        pool = Pool()
        Policy = pool.get('ossis.helpdesk.sla.policy')
        Category = pool.get('ossis.helpdesk.category')
        transaction = Transaction()
        question, = Category.search([('name', '=', "Printing Question")])
        before = Policy.search([], count=True)
        for values in [
                {'first_reply_hours': 0, 'resolution_hours': 8},
                {'first_reply_hours': 2, 'resolution_hours': -1},
                {'first_reply_hours': 9, 'resolution_hours': 8},
                {'first_reply_hours': 2, 'resolution_hours': 8,
                    'warning_hours': -1},
                {'first_reply_hours': 2, 'resolution_hours': 8,
                    'category': None, 'priority': 'urgent'},
                ]:
            with self.subTest(values=values), \
                    self.assertRaises(ServiceLevelPolicyValidationError):
                Policy.create([{
                            'name': "Wrong", 'category': question.id,
                            **values}])
            transaction.rollback()
            self.assertEqual(Policy.search([], count=True), before)

    @with_transaction()
    def test_working_hours_bad_input(self):
        "Test overlapping or reversed hours and unknown zones are refused"
        pool = Pool()
        WorkingHours = pool.get('ossis.helpdesk.working_hours')
        Day = pool.get('ossis.helpdesk.working_hours.day')
        transaction = Transaction()
        hours = WorkingHours.get_singleton()
        before = Day.search([], count=True)
        for opens, closes in [
                (dt.time(12), dt.time(14)),
                (dt.time(7), dt.time(8, 1)),
                (dt.time(17), dt.time(16)),
                ]:
            with self.subTest(opens=opens), \
                    self.assertRaises(WorkingHoursValidationError):
                Day.create([{
                            'working_hours': hours.id, 'weekday': '0',
                            'opens': opens, 'closes': closes}])
            transaction.rollback()
            self.assertEqual(Day.search([], count=True), before)
        with self.assertRaises(WorkingHoursValidationError):
            WorkingHours.write([hours], {'timezone': 'Europe/Tirana'})
        transaction.rollback()
        self.assertEqual(
            WorkingHours.get_singleton().timezone, 'Europe/Tirane')

        # Afternoon hours apart from the morning's are right
        Day.create([{
                    'working_hours': hours.id, 'weekday': '5',
                    'opens': dt.time(9), 'closes': dt.time(13)}])
        ticket = self.ticket(moment(6, 16))
        self.assertEqual(ticket.first_reply_due, moment(7, 10, 30))

    @with_transaction()
    def test_policy_needs_national_rights(self):
        "Test a municipality's administrator cannot change the policies"
        Policy = Pool().get('ossis.helpdesk.sla.policy')
        admin = create_lgu_user('elbasan_admin', lgu('elbasan'))
        policy, = Policy.search([('name', '=', "Errors")])
        with as_user(admin), self.assertRaises(AccessError):
            Policy.write([Policy(policy.id)], {'resolution_hours': 80})
        self.assertEqual(Policy(policy.id).resolution_hours, 8)

    def test_check_warns_and_escalates_once(self):
        """Test the scheduled check warns before each target and escalates
        after a breach, once each, by email after the commit"""
        mailbox = Mailbox()
        mailbox.start()
        self.addCleanup(mailbox.stop)
        uri = config.get('email', 'uri')
        config.set('email', 'uri', mailbox.uri)
        self.addCleanup(config.set, 'email', 'uri', uri or '')
        agent = 'agent@helpdesk.example.al'
        configurator = 'configurator@helpdesk.example.al'

        def check(at):
            with Transaction().start(DB_NAME, 0) as transaction:
                Ticket = Pool().get('ossis.helpdesk.ticket')
                with clock(at):
                    Ticket.check_service_levels()
                transaction.commit()

        with Transaction().start(DB_NAME, 0) as transaction:
            User = Pool().get('res.user')
            assignee, = User.search([('login', '=', 'agent')])
            ticket_id = self.ticket(
                moment(3, 9), company=lgu('tirane').id,
                assignee=assignee.id).id
            transaction.commit()

        check(moment(3, 9, 30))
        check(moment(3, 10, 15))
        check(moment(3, 10, 30))
        warning, = mailbox.wait(agent)
        self.assertIn("03.02.2026 11:00", warning.get_content())
        self.assertIn("The receipt does not print", warning['Subject'])

        check(moment(3, 11, 1))
        check(moment(3, 12))
        check(moment(3, 16))
        # The resolution's warning goes to the configuration team
        resolution, = mailbox.wait(configurator)
        self.assertIn("04.02.2026 08:30", resolution.get_content())
        self.assertEqual(len(mailbox.received(agent)), 1)

        with Transaction().start(DB_NAME, 0):
            Ticket = Pool().get('ossis.helpdesk.ticket')
            ticket = Ticket(ticket_id)
            self.assertEqual(ticket.escalated_at, moment(3, 11, 1))
            self.assertEqual(ticket.priority, 'high')
            self.assertEqual(ticket.team.tier, '2')
            self.assertIsNone(ticket.assignee)
            self.assertEqual(ticket.first_reply_warned_at, moment(3, 10, 15))
            self.assertEqual(ticket.resolution_warned_at, moment(3, 16))
            # The targets promised when raised stay
            self.assertEqual(ticket.sla_policy.name, "Errors")
            self.assertEqual(
                [m.kind for m in ticket.messages], ['note'] * 3)

    @with_transaction()
    def test_figures(self):
        """Test the backlog, the compliance, the times and the load per
        agent, and their export"""
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        User = pool.get('res.user')
        Backlog = pool.get('ossis.helpdesk.backlog')
        ServiceLevel = pool.get('ossis.helpdesk.service_level')
        AgentLoad = pool.get('ossis.helpdesk.agent_load')
        agent, = User.search([('login', '=', 'agent')])
        elbasan = lgu('elbasan')
        tickets = [
            self.ticket(moment(2, 9), assignee=agent.id) for _ in range(4)]
        # Replied after 1, 1, 2 and 3 working hours; resolved after 2, 4
        # and 11 (on Tuesday 11:30), the last one too late
        for ticket, replied, resolved in zip(
                tickets, [10, 10, 11, 12], [11, 13, 19, None]):
            with clock(moment(2, replied)):
                Ticket.reply([ticket], "On it.")
            if resolved:
                at = (moment(2, resolved) if resolved < 17
                    else moment(3, resolved - 17 + 9, 30))
                with clock(at):
                    Ticket.resolve([ticket])

        with clock(moment(3, 12)):
            backlog, = Backlog.search([('company', '=', elbasan)])
            self.assertEqual(
                (backlog.tickets, backlog.at_risk, backlog.breached),
                (1, 0, 1))
            figure, = ServiceLevel.search([('company', '=', elbasan)])
            self.assertEqual(
                (figure.tickets, figure.resolved, figure.met), (4, 3, 2))
            self.assertAlmostEqual(figure.compliance, 2 / 3)
            self.assertEqual(
                (figure.first_reply_median, figure.first_reply_p90),
                (1.0, 3.0))
            self.assertEqual(
                (figure.resolution_median, figure.resolution_p90),
                (4.0, 11.0))
            load, = AgentLoad.search([('company', '=', elbasan)])
            self.assertEqual(
                (load.assignee, load.tickets, load.breached), (agent, 1, 1))

        for name in ['xlsx', 'csv']:
            Export = pool.get(f'ossis.monitoring.export.{name}', 'report')
            extension, content = Export.render_records([figure], 'en')[:2]
            self.assertEqual(extension, name)
        self.assertIn(b'Bashkia Elbasan,Printing Error,4,3,2,66.66', content)
        self.assertIn("Resolution (90%)".encode(), content)

    @with_transaction()
    def test_figures_of_own_municipality(self):
        """Test a municipality's administrator sees the figures of the
        municipality only, also through a search on the municipality"""
        pool = Pool()
        Backlog = pool.get('ossis.helpdesk.backlog')
        ServiceLevel = pool.get('ossis.helpdesk.service_level')
        self.ticket(moment(2, 9))
        self.ticket(moment(2, 9), company=lgu('tirane').id)
        admin = create_lgu_user('elbasan_figures', lgu('elbasan'))
        with as_user(admin):
            for Figure in [Backlog, ServiceLevel]:
                with self.subTest(figure=Figure.__name__):
                    self.assertEqual(
                        {f.company.code for f in Figure.search([])},
                        {'elbasan'})
                    self.assertEqual(Figure.search([
                                ('company.code', '=', 'tirane')]), [])
