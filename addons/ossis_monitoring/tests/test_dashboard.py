# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import Counter

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.application import RUNNING
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.scenario import as_staff
from trytond.modules.ossis_base.tests.test_module import create_lgu_user
from trytond.modules.ossis_base.tests.tools import municipal_today
from trytond.modules.ossis_monitoring.figure_applications import next_month
from trytond.modules.ossis_monitoring.overdue_trend import days_counted
from trytond.modules.ossis_monitoring.workload import COMPLETING_ACTIONS
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class DashboardTestCase(ModuleTestCase):
    "Test the backlog, the workload and the overdue trend"
    module = 'ossis_monitoring'
    extras = []

    def running(self, setup, count, serial):
        "Return count applications forwarded to the unit of the offer"
        pool = Pool()
        Application = pool.get('ossis.application')
        applications = []
        for index in range(count):
            application = scenario.draft(setup, serial=serial + index)
            with as_staff(setup.front):
                Application.submit([Application(application.id)])
            applications.append(application)
        with as_staff(setup.back):
            Application.act(
                Application.browse(applications[:count // 2]), 'forward')
        return Application.browse([a.id for a in applications])

    def update(self, applications, **values):
        "Set the values of the applications with SQL"
        pool = Pool()
        Application = pool.get('ossis.application')
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        columns = [getattr(table, name) for name in values]
        cursor.execute(*table.update(
                columns, list(values.values()),
                where=table.id.in_([a.id for a in applications])))
        Transaction().counter += 1

    def municipality(self, code, serial):
        """Set up the municipality with running applications: some late,
        some assigned, some at another unit, one withdrawn late"""
        pool = Pool()
        Application = pool.get('ossis.application')
        setup = scenario.municipality(code)
        setup.admin = create_lgu_user(f'{code}.admin', setup.company)
        setup.auditor = create_lgu_user(
            f'{code}.auditor', setup.company, 'group_auditor')
        apps = self.running(setup, 8, serial)
        today = municipal_today()
        self.update(apps, submitted_date=dt.datetime.combine(
                today - dt.timedelta(days=40), dt.time(10)))
        self.update(apps[:3], due_date=today - dt.timedelta(days=20))
        self.update(apps[3:4], due_date=today - dt.timedelta(days=1))
        self.update(apps[4:6], due_date=today + dt.timedelta(days=5))
        self.update(apps[6:], step_unit=setup.other_unit.id)
        self.update(apps[:2], assignee=setup.employees.back.id)
        self.update(apps[2:3], assignee=setup.employees.head.id)
        self.update(apps[6:7], assignee=setup.employees.other.id)
        # Late once, withdrawn since
        withdrawn = apps[5]
        self.update([withdrawn], due_date=today - dt.timedelta(days=30))
        Application.write([withdrawn], {'end_reason': "No longer needed"})
        with as_staff(setup.back):
            Application.withdraw([withdrawn])
        setup.applications = Application.browse([a.id for a in apps])
        # The dates were set with SQL
        Application.rebuild_summaries([setup.company.id])
        return setup

    def expected_backlog(self, company):
        "Return the backlog counted application by application"
        pool = Pool()
        Application = pool.get('ossis.application')
        today = municipal_today()
        expected = Counter()
        for application in Application.search([
                    ('company', '=', company.id),
                    ('state', 'in', RUNNING),
                    ]):
            key = tuple(
                getattr(application, f).id
                if getattr(application, f) else None
                for f in ['administrative_unit', 'step', 'step_unit'])
            key = (application.state, *key)
            expected[key, 'applications'] += 1
            if application.due_date and application.due_date < today:
                expected[key, 'overdue'] += 1
        return expected

    def backlog(self, records):
        figures = Counter()
        for record in records:
            key = (
                record.state,
                *(getattr(record, f).id if getattr(record, f) else None
                    for f in ['administrative_unit', 'step', 'step_unit']))
            figures[key, 'applications'] += record.applications
            if record.overdue:
                figures[key, 'overdue'] += record.overdue
        return figures

    def expected_trend(self, company, day):
        "Count the applications late at the end of the day, one by one"
        pool = Pool()
        Application = pool.get('ossis.application')
        end = company.day_start(day + dt.timedelta(days=1))
        count = 0
        for application in Application.search([
                    ('company', '=', company.id)]):
            ends = [application.decided_date] + [
                h.date for h in application.history
                if h.to_state in {'withdrawn', 'cancelled'}]
            ended = min((e for e in ends if e), default=None)
            if (application.submitted_date
                    and application.submitted_date < end
                    and application.due_date
                    and application.due_date < day
                    and (not ended or ended >= end)):
                count += 1
        return count

    @with_transaction()
    def test_figures(self):
        """The backlog, the workload and the trend equal the counts made
        application by application, and open those applications"""
        pool = Pool()
        Backlog = pool.get('ossis.monitoring.backlog')
        Workload = pool.get('ossis.monitoring.workload')
        Trend = pool.get('ossis.monitoring.overdue_trend')
        Volume = pool.get('ossis.monitoring.volume')
        History = pool.get('ossis.application.history')
        elbasan = self.municipality('elbasan', 1)
        self.municipality('pogradec', 100)
        today = municipal_today()

        with as_staff(elbasan.admin):
            backlog = Backlog.search([])
            self.assertEqual(
                self.backlog(backlog), self.expected_backlog(elbasan.company))
            self.assertEqual(sum(r.applications for r in backlog), 7)
            self.assertEqual(sum(r.overdue for r in backlog), 4)
            self.assertEqual(
                Backlog.counted_applications(backlog),
                [a for a in elbasan.applications if a.state in RUNNING])

            workload = {
                (r.unit, r.employee): r for r in Workload.search([])}
            month = elbasan.company.day_start(today.replace(day=1))
            for (unit, employee), record in workload.items():
                tasks = [a for a in elbasan.applications
                    if a.state in RUNNING and a.assignee == employee
                    and a.step_unit == unit]
                self.assertEqual(record.tasks, len(tasks))
                self.assertEqual(record.overdue, len([
                            a for a in tasks
                            if a.due_date and a.due_date < today]))
                self.assertEqual(
                    Workload.counted_applications([record]), tasks)
                self.assertEqual(record.completed, len({
                            h.application for h in History.search([
                                    ('employee', '=', employee.id),
                                    ('action', 'in', COMPLETING_ACTIONS),
                                    ('date', '>=', month),
                                    ])}))
            back = workload[elbasan.unit, elbasan.employees.back]
            self.assertEqual((back.tasks, back.overdue), (2, 2))
            self.assertGreaterEqual(back.completed, 1)
            self.assertEqual(
                workload[elbasan.unit, elbasan.employees.head].tasks, 1)

            trend = Trend.search([])
            self.assertEqual(
                [r.week for r in trend], [w for w, _ in days_counted(today)])
            for record in trend:
                self.assertEqual(
                    record.overdue,
                    self.expected_trend(elbasan.company, record.date))
                self.assertEqual(
                    len(Trend.counted_applications([record])), record.overdue)
            # The last point is the backlog now; the withdrawn one counted
            # before it was withdrawn
            self.assertEqual(trend[-1].overdue, 4)
            self.assertEqual(trend[-2].overdue, 4)

            # A figure of the summary tables opens the applications counted
            volume = Volume.search([])
            self.assertEqual(sum(r.received for r in volume), 8)
            self.assertEqual(
                set(Volume.counted_applications(volume)),
                set(elbasan.applications))
            for record in volume:
                start = max(record.week, record.month)
                end = min(
                    record.week + dt.timedelta(days=7),
                    next_month(record.month))
                self.assertEqual(record.received, len([
                            a for a in Volume.counted_applications([record])
                            if start <= a.submitted_date.date() < end]))

    @with_transaction()
    def test_trend_day_ends_at_municipal_midnight(self):
        """A week's point counts what ended before midnight in the
        municipality, whatever the time zone of the server"""
        pool = Pool()
        Trend = pool.get('ossis.monitoring.overdue_trend')
        History = pool.get('ossis.application.history')
        elbasan = self.municipality('elbasan', 1)
        withdrawn, = [a for a in elbasan.applications
            if a.state == 'withdrawn']
        history, = History.search([
                ('application', '=', withdrawn.id),
                ('to_state', '=', 'withdrawn'),
                ])
        with as_staff(elbasan.admin):
            sunday = Trend.search([])[-2].date
        midnight = elbasan.company.day_start(sunday + dt.timedelta(days=1))
        # Albania is ahead of UTC: its midnight is the evening before in UTC
        self.assertLess(
            midnight, dt.datetime.combine(
                sunday + dt.timedelta(days=1), dt.time()))
        table = History.__table__()
        cursor = Transaction().connection.cursor()
        for minutes, overdue in [(-30, 3), (30, 4)]:
            cursor.execute(*table.update(
                    [table.date],
                    [midnight + dt.timedelta(minutes=minutes)],
                    where=table.id == history.id))
            with as_staff(elbasan.admin):
                point = Trend.search([])[-2]
                self.assertEqual(point.overdue, overdue)
                self.assertEqual(
                    len(Trend.counted_applications([point])), overdue)

    @with_transaction()
    def test_trend_in_several_time_zones(self):
        """Each municipality's points end its days at its own midnight, also
        when the municipalities are in several time zones"""
        pool = Pool()
        Company = pool.get('company.company')
        Trend = pool.get('ossis.monitoring.overdue_trend')
        elbasan = self.municipality('elbasan', 1)
        pogradec = self.municipality('pogradec', 100)
        # Rome's midnight is Tirana's; UTC's is another instant
        Company.write([pogradec.company], {'timezone': 'Europe/Rome'})
        Company.write(
            Company.search([('code', '=', 'berat')]), {'timezone': 'UTC'})
        for setup in [elbasan, pogradec]:
            with as_staff(setup.admin):
                trend = Trend.search([])
                self.assertEqual(len(trend), len(days_counted(
                            municipal_today())))
                for record in trend:
                    self.assertEqual(
                        record.overdue,
                        self.expected_trend(setup.company, record.date))

    @with_transaction()
    def test_isolation(self):
        """A unit head reads the figures of the units headed, the staff of
        a municipality those of their own municipality only"""
        pool = Pool()
        Backlog = pool.get('ossis.monitoring.backlog')
        Workload = pool.get('ossis.monitoring.workload')
        Trend = pool.get('ossis.monitoring.overdue_trend')
        elbasan = self.municipality('elbasan', 1)
        pogradec = self.municipality('pogradec', 100)

        for user in [elbasan.admin, elbasan.auditor]:
            with as_staff(user):
                self.assertEqual(
                    {r.step_unit for r in Backlog.search([])},
                    {elbasan.unit, elbasan.other_unit})
                self.assertEqual(
                    {r.company for r in Trend.search([])},
                    {elbasan.company})
                self.assertFalse(Backlog.search([
                            ('step_unit.name', '=', "Services Directorate"),
                            ('company', '=', pogradec.company.id),
                            ]))
        with as_staff(elbasan.head):
            self.assertEqual(
                {r.step_unit for r in Backlog.search([])}, {elbasan.unit})
            self.assertEqual(
                {r.unit for r in Workload.search([])}, {elbasan.unit})
            self.assertFalse(Workload.search([
                        ('employee.company', '=', pogradec.company.id)]))
        with as_staff(pogradec.head):
            self.assertEqual(
                {r.company for r in Backlog.search([])}, {pogradec.company})
        # A back office specialist has no dashboard
        with as_staff(elbasan.back):
            with self.assertRaises(AccessError):
                Backlog.search([])


del ModuleTestCase
