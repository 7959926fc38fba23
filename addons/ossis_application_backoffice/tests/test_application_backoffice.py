# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from lxml import etree

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.ossis_application.application import RUNNING
from trytond.modules.ossis_application.exceptions import (
    ApplicationAccessError, ApplicationActionError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin, municipal_today)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class ApplicationBackOfficeTestCase(
        LGUTestMixin, TranslationTestMixin, scenario.ProcessTestMixin,
        ModuleTestCase):
    "Test the back office work on applications"
    module = 'ossis_application_backoffice'
    extras = []

    @with_transaction()
    def test_task_lists(self):
        "Test the task lists give each user the right applications"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        free = self.submitted(setup, 1)
        taken = self.submitted(setup, 2)
        with scenario.as_staff(setup.back):
            Application.take([taken])
        today = municipal_today()
        monday = today - dt.timedelta(days=today.weekday())
        Application.write([free], {'step_due_date': monday})
        Application.write([taken], {
                'step_due_date': monday + dt.timedelta(days=7)})

        self.assertEqual(
            self.search(setup.back, [('is_mine', '=', True)]), {taken})
        self.assertEqual(
            self.search(setup.back, [('is_mine', '=', False)]), {free})
        self.assertEqual(
            self.search(setup.back, [('in_my_unit', '=', True)]),
            {free, taken})
        for user, value, found in [
                (setup.back, True, {free, taken}),
                (setup.back, False, set()),
                (setup.head, True, {free, taken}),
                (setup.other, True, set())]:
            with self.subTest(user=user, value=value):
                self.assertEqual(
                    self.search(user, [('step_in_my_unit', '=', value)]),
                    found)
        self.assertEqual(
            self.search(setup.back, [('headed_by_me', '=', True)]), set())
        self.assertEqual(
            self.search(setup.head, [('is_mine', '=', True)]), set())
        self.assertEqual(
            self.search(setup.head, [
                    ('headed_by_me', '=', True),
                    ('assignee', '=', None),
                    ]), {free})
        self.assertEqual(
            self.search(setup.other, [('in_my_unit', '=', True)]), set())
        self.assertEqual(
            self.search(setup.other, [('is_mine', '=', True)]), set())
        self.assertEqual(
            self.search(setup.back, [('due_this_week', '=', True)]), {free})
        with scenario.as_staff(setup.back):
            self.assertEqual(
                [(a.is_mine, a.in_my_unit, a.step_in_my_unit,
                        a.due_this_week)
                    for a in Application.browse([free, taken])],
                [(False, True, True, True), (True, True, True, False)])

    @with_transaction()
    def test_unit_list_read_in_order(self):
        """Test the running applications of one unit are searched as an
        equality that PostgreSQL reads from an index in the lists' order"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        clause = ('step_in_my_unit', '=', True)
        with scenario.as_staff(setup.back):
            _, units, _ = Application._task_context()
            self.assertEqual(len(units), 1)
            self.assertEqual(
                Application.search_step_in_my_unit(clause[0], clause),
                [('step_unit', '=', list(units)[0])])
        with scenario.as_staff(setup.head):
            _, units, _ = Application._task_context()
            domain = Application.search_step_in_my_unit(clause[0], clause)
            if len(units) > 1:
                self.assertEqual(
                    domain, [('step_unit', 'in', sorted(units))])
        if backend.name != 'postgresql':
            return
        cursor = Transaction().connection.cursor()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'ossis_application' "
            "AND indexdef LIKE '%%step_due_date%%'")
        definitions = [d for d, in cursor.fetchall()]
        # Ascending, nulls last: PostgreSQL's default order
        self.assertTrue(any(
                '(step_unit, step_due_date, due_date, id) WHERE' in d
                for d in definitions), definitions)
        cursor.execute(
            "SELECT stxkind FROM pg_statistic_ext "
            "WHERE stxname = 'ossis_application_unit_state_company'")
        kinds, = cursor.fetchone()
        self.assertIn('m', kinds)
        self.assertIn('f', kinds)

    @with_transaction()
    def test_task_list_actions(self):
        "Test every tab of the task lists searches for a unit head"
        setup = scenario.municipality('elbasan')
        application = self.submitted(setup)
        found = {}
        names = ['act_application_my_tasks', 'act_application_supervision']
        for name in names:
            for tab, records in self.search_tabs(
                    setup.head, 'ossis_application_backoffice',
                    name).items():
                found[name, tab] = records
        self.assertEqual(
            found['act_application_supervision', "Unassigned"],
            [application])
        for tab in ["My Units", "Unassigned"]:
            self.assertEqual(
                found['act_application_my_tasks', tab], [application])
        for tab in ["Mine", "Overdue", "Due This Week",
                "To Issue and Deliver"]:
            self.assertEqual(found['act_application_my_tasks', tab], [])

    @with_transaction()
    def test_task_lists_by_due_date(self):
        "Test the lists of running applications show what is due first"
        pool = Pool()
        Application = pool.get('ossis.application')
        ActWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        setup = scenario.municipality('elbasan')
        later, sooner = self.submitted(setup, 1), self.submitted(setup, 2)
        today = municipal_today()
        for application, days in [(later, 10), (sooner, 3)]:
            Application.write([application], {
                    'due_date': today + dt.timedelta(days=days),
                    'step_due_date': today + dt.timedelta(days=days - 2),
                    })
        for module, xml_id in [
                ('ossis_application', 'act_application_form'),
                (self.module, 'act_application_my_tasks'),
                (self.module, 'act_application_supervision')]:
            action = ActWindow(ModelData.get_id(module, xml_id))
            order = PYSONDecoder({}).decode(action.pyson_order)
            with scenario.as_staff(setup.head):
                found = Application.search(
                    [('state', 'in', RUNNING)], order=order)
            self.assertEqual(found, [sooner, later], msg=xml_id)
        columns = etree.fromstring(
            Application.fields_view_get(view_type='tree')['arch'])
        for name in ['due_date', 'step_due_date']:
            column, = columns.xpath(f'//field[@name="{name}"]')
            self.assertNotEqual(column.get('optional'), '1')

    @with_transaction()
    def test_take_assign_hidden_from_front_office(self):
        "Test the buttons Take and Assign show only to who may press them"
        pool = Pool()
        Application = pool.get('ossis.application')
        User = pool.get('res.user')
        setup = scenario.municipality('elbasan')
        self.submitted(setup)

        def shown(user):
            with scenario.as_staff(user):
                context = User.get_preferences(context_only=True)
            values = {'state': 'submitted', 'assignee': None,
                'context': context}
            return {name for name in ['take', 'assign_wizard']
                if not PYSONDecoder(values).decode(PYSONEncoder().encode(
                        Application._buttons[name]['invisible']))}
        self.assertEqual(shown(setup.front), set())
        self.assertEqual(shown(setup.back), {'take'})
        self.assertIn('assign_wizard', shown(setup.head))

    @with_transaction()
    def test_assign_by_head(self):
        "Test the head assigns and reassigns within the unit"
        pool = Pool()
        Application = pool.get('ossis.application')
        Notification = pool.get('res.notification')
        setup = scenario.municipality('elbasan')
        application = self.submitted(setup)

        with scenario.as_staff(setup.head):
            Application.assign(
                [application], setup.employees.back, "Urgent")
        application = Application(application.id)
        self.assertEqual(application.assignee, setup.employees.back)
        history, = self.history(application, 'assign')
        self.assertEqual(history.assignee, setup.employees.back)
        self.assertEqual(history.employee, setup.employees.head)
        self.assertEqual(history.comment, "Urgent")
        self.assertFalse(history.public)
        self.assertEqual(len(Notification.search([
                        ('user', '=', setup.back.id)])), 1)

        # Reassigned to the head; an officer of another unit is refused
        with scenario.as_staff(setup.head):
            Application.assign([application], setup.employees.head)
            with self.assertRaises(ApplicationActionError):
                Application.assign([application], setup.employees.other)
        self.assertEqual(
            Application(application.id).assignee, setup.employees.head)
        self.assertEqual(len(self.history(application, 'assign')), 2)

    @with_transaction()
    def test_assign_refused(self):
        "Test a back officer cannot assign; nothing is changed"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.submitted(setup)
        for user in [setup.back, setup.other, setup.front]:
            with self.subTest(user=user.login):
                with scenario.as_staff(user), self.assertRaises(
                        ApplicationAccessError):
                    Application.assign([application], setup.employees.back)
                with scenario.as_staff(user), self.assertRaises(UserError):
                    # Nor do they see the button
                    Application.assign_wizard([application])
        application = Application(application.id)
        self.assertIsNone(application.assignee)
        self.assertEqual(self.history(application, 'assign'), [])

        # An administrator of the municipality assigns
        admin = create_lgu_user('elbasan.admin', setup.company)
        with as_user(admin):
            Application.assign([application], setup.employees.back)
        self.assertEqual(
            Application(application.id).assignee, setup.employees.back)

    @with_transaction()
    def test_take(self):
        "Test a back officer takes an unassigned task of the unit"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality('elbasan')
        application = self.submitted(setup)

        with scenario.as_staff(setup.other), self.assertRaises(
                ApplicationAccessError):
            Application.take([application])
        with scenario.as_staff(setup.front), self.assertRaises(UserError):
            Application.take([application])
        self.assertIsNone(Application(application.id).assignee)

        with scenario.as_staff(setup.back):
            Application.take([application])
        application = Application(application.id)
        self.assertEqual(application.assignee, setup.employees.back)
        history, = self.history(application, 'assign')
        self.assertEqual(history.employee, setup.employees.back)

        # Taken once: the head reassigns, nobody takes it
        with scenario.as_staff(setup.head), self.assertRaises(UserError):
            Application.take([application])
        with self.assertRaises(ApplicationActionError):
            Application.take([application])
        self.assertEqual(
            Application(application.id).assignee, setup.employees.back)

    @with_transaction()
    def test_overdue(self):
        "Test the daily check marks and escalates late steps once"
        pool = Pool()
        Application = pool.get('ossis.application')
        Calendar = pool.get('ossis.calendar')
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        Notification = pool.get('res.notification')
        setup = scenario.municipality('elbasan')
        today = municipal_today()
        late_date = Calendar.add_working_days(setup.company, today, -3)
        late = self.submitted(setup, 1)
        on_time = self.submitted(setup, 2)
        waiting = self.submitted(setup, 3)
        with scenario.as_staff(setup.back):
            Application.take([late])
            Application.act([waiting], 'request_info')
        Application.write([late], {'step_due_date': late_date})
        Application.write([on_time], {'step_due_date': today})
        values = {'step_due_date': late_date}
        if not Application(waiting.id).suspended_date:
            values['suspended_date'] = today
        Application.write([waiting], values)

        cron = Cron(ModelData.get_id(
                'ossis_application_backoffice',
                'cron_application_mark_overdue'))
        # One run checks every municipality
        self.assertEqual(cron.companies, ())
        Cron.run_once([cron])
        Application.mark_overdue()

        late = Application(late.id)
        self.assertTrue(late.overdue)
        self.assertTrue(late.escalated)
        overdue, = self.history(late, 'overdue')
        escalate, = self.history(late, 'escalate')
        self.assertFalse(overdue.public or escalate.public)
        self.assertEqual(overdue.assignee, setup.employees.back)
        for application in [on_time, waiting]:
            application = Application(application.id)
            self.assertFalse(application.overdue or application.escalated)
            self.assertEqual(self.history(application, 'overdue'), [])
        self.assertEqual(
            len(Notification.search([('user', '=', setup.back.id)])), 1)
        self.assertEqual(
            len(Notification.search([('user', '=', setup.head.id)])), 1)
        self.assertEqual(
            self.search(setup.head, [
                    ('headed_by_me', '=', True),
                    ('escalated', '=', True)]), {late})

        # The next step starts on time
        with scenario.as_staff(setup.back):
            Application.act([late], 'forward')
        late = Application(late.id)
        self.assertFalse(late.overdue or late.escalated)
        Application.mark_overdue()
        self.assertEqual(len(self.history(late, 'overdue')), 1)


del ModuleTestCase
