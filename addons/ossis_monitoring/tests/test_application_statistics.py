# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import csv
import datetime as dt
import io
from collections import Counter

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.application_report import local_date
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.scenario import as_staff
from trytond.modules.ossis_base.tests.tools import ListViewTestMixin
from trytond.modules.ossis_monitoring.application_statistics import (
    COMPLETED, percentile, processing_days)
from trytond.modules.ossis_services.tests.tools import load_albanian
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

D = dt.date


class ApplicationStatisticsTestCase(ListViewTestMixin, ModuleTestCase):
    "Test the processing times and the transparency figures"
    module = 'ossis_monitoring'
    extras = []

    def application(
            self, setup, serial, state, service_code='TAX-05',
            unit=None, **applicant):
        """Return an application of a new applicant driven by the process
        to the state"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        applicant.setdefault('kind', 'person')
        record = scenario.applicant(setup.company, 500 + serial, **applicant)
        if 'gender' not in applicant:
            # As a citizen registered before the gender was read from the
            # personal number
            Applicant.write([record], {'gender': None})
        application = scenario.draft(
            setup, service_code=service_code, serial=serial,
            # draft creates an applicant of the serial anyway
            applicant=record.id,
            administrative_unit=unit.id if unit else None)
        if state == 'draft':
            return application

        def step(user, method, *args):
            with as_staff(user):
                getattr(Application, method)(
                    [Application(application.id)], *args)

        step(setup.front, 'submit')
        if state == 'cancelled':
            Application.write([application], {'end_reason': "Mistake"})
            step(setup.front, 'cancel')
            return Application(application.id)
        step(setup.back, 'act', 'forward')
        if state == 'in_progress':
            return Application(application.id)
        if state == 'withdrawn':
            Application.write([application], {'end_reason': "No longer"})
            step(setup.back, 'withdraw')
            return Application(application.id)
        step(setup.head, 'act', 'forward')
        step(setup.head, 'act', 'approve')
        if state == 'delivered':
            step(setup.back, 'issue')
            step(setup.front, 'record_delivery', setup.desk, "Applicant")
        application = Application(application.id)
        self.assertEqual(application.state, state)
        return application

    def set_dates(
            self, application, submitted, decided=None, due=None,
            suspended=0):
        "Set the dates of the application with SQL, at 10:00 UTC"
        pool = Pool()
        Application = pool.get('ossis.application')
        table = Application.__table__()
        cursor = Transaction().connection.cursor()

        def instant(date):
            return dt.datetime.combine(date, dt.time(10)) if date else None
        cursor.execute(*table.update(
                [table.submitted_date, table.decided_date, table.due_date,
                    table.suspended_days],
                [instant(submitted), instant(decided), due, suspended],
                where=table.id == application.id))
        Transaction().counter += 1

    def rate(self, setup, application, rating, date):
        pool = Pool()
        Application = pool.get('ossis.application')
        Feedback = pool.get('ossis.application.feedback')
        with as_staff(setup.front):
            Application.record_feedback(
                [Application(application.id)], rating)
        table = Feedback.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.date], [date],
                where=table.application == application.id))

    def elbasan(self):
        """Set up Elbasan with applications of 2025, 2026 and 2027 whose
        figures for 2026 are known"""
        pool = Pool()
        AdministrativeUnit = pool.get('ossis.administrative_unit')
        setup = scenario.municipality('elbasan')
        unit1, unit2 = AdministrativeUnit.search([
                ('company', '=', setup.company.id),
                ], limit=2)
        female = {'gender': 'female'}
        male = {'gender': 'male'}
        apps = {}

        def add(name, state, dates, unit=unit1, service_code='TAX-05',
                **applicant):
            application = self.application(
                setup, len(apps) + 1, state, service_code=service_code,
                unit=unit, **applicant)
            if dates:
                self.set_dates(application, *dates)
            apps[name] = application
            return application

        june1 = D(2026, 6, 1)  # a Monday
        # 2 working days, on time
        add('a1', 'delivered', (june1, D(2026, 6, 3), D(2026, 6, 10)),
            **female)
        # 5 working days, late
        add('a2', 'decided', (june1, D(2026, 6, 8), D(2026, 6, 5)), **male)
        # 10 working days, 3 of them waiting: 7, decided on the due date
        add('a3', 'delivered', (june1, D(2026, 6, 15), D(2026, 6, 15), 3),
            unit=unit2, **female)
        # 1 working day, no due date
        add('a4', 'decided', (june1, D(2026, 6, 2), None), unit=unit2,
            kind='business')
        # Waited longer than it took: 0
        add('a11', 'decided', (june1, D(2026, 6, 2), D(2026, 6, 10), 5),
            unit=None)
        add('a5', 'in_progress', (june1,), **male)
        add('a6', 'withdrawn', (june1,), **female)
        add('a7', 'cancelled', (june1,))
        # Received in 2025, decided in 2026 in 13 working days, late
        add('a8', 'decided', (D(2025, 12, 15), D(2026, 1, 6), D(2026, 1, 5)),
            **male)
        # Received in 2026, decided in 2027 in 2 working days
        add('a9', 'decided', (D(2026, 12, 30), D(2027, 1, 5), None),
            **female)
        add('a10', 'draft', None, **female)
        # 3 working days, on time
        add('b1', 'delivered', (june1, D(2026, 6, 4), D(2026, 6, 4)),
            service_code='URB-09', **male)
        # All in 2025
        add('b2', 'decided', (D(2025, 11, 3), D(2025, 11, 10), None),
            service_code='URB-09', **female)
        self.rate(setup, apps['a1'], 5, D(2026, 6, 20))
        self.rate(setup, apps['a3'], 2, D(2026, 6, 20))
        self.rate(setup, apps['b1'], 4, D(2025, 6, 1))
        # The dates were set in SQL, behind the summaries
        pool.get('ossis.application').rebuild_summaries()
        return setup, unit1, unit2, apps

    def pogradec(self):
        "Set up Pogradec with 5 applications decided in 4 working days"
        setup = scenario.municipality('pogradec')
        for serial in range(1, 6):
            application = self.application(
                setup, 100 + serial, 'decided', gender='female')
            self.set_dates(
                application, D(2026, 6, 1), D(2026, 6, 5), D(2026, 6, 30))
        Pool().get('ossis.application').rebuild_summaries()
        return setup

    def test_percentile(self):
        "Test the nearest-rank percentile"
        values = [13, 0, 5, 2, 1, 7]
        self.assertEqual(percentile(values, 0.5), 2)
        self.assertEqual(percentile(values, 0.9), 13)
        self.assertEqual(percentile(values, 0.8), 7)
        self.assertEqual(percentile(list(range(1, 11)), 0.9), 9)
        self.assertEqual(percentile([4], 0.5), 4)
        self.assertEqual(percentile([3, 1], 0), 1)
        self.assertIsNone(percentile([], 0.9))

    @with_transaction()
    def test_transparency(self):
        "Test the transparency figures of a municipality for a year"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup, unit1, unit2, _ = self.elbasan()
        self.pogradec()

        figures = Application.transparency(setup.company, 2026)

        # Rebuilt (in SQL on PostgreSQL) as computed application by one
        self.assertEqual(Application.summary_differences(), [])
        self.assertEqual(figures.company, setup.company.id)
        self.assertEqual(figures.year, 2026)
        self.assertEqual(figures.total[2:], (10, 7, 4 / 6, 3, 13, 3.5, 2))
        self.assertEqual(figures.total.name, setup.company.rec_name)
        self.assertEqual(
            [r[:1] + r[2:] for r in figures.services], [
                ('TAX-05', 9, 6, 3 / 5, 2, 13, 3.5, 2),
                ('URB-09', 1, 1, 1.0, 3, 3, None, 0),
                ])
        self.assertEqual(
            [r.name for r in figures.services],
            [o.service.name for o in [
                    setup.offers['TAX-05'], setup.offers['URB-09']]])
        self.assertEqual(
            [r[:2] + r[2:] for r in figures.genders], [
                ('female', "Female", 4, 2, 1.0, 2, 7, 3.5, 2),
                ('male', "Male", 3, 3, 1 / 3, 5, 13, None, 0),
                ('business', "Business", 1, 1, None, 1, 1, None, 0),
                (None, "Not recorded", 2, 1, 1.0, 0, 0, None, 0),
                ])
        self.assertEqual(
            sorted(figures.administrative_units[:2]), sorted([
                    (unit1.code, unit1.name, 7, 4, 0.5, 3, 13, 5.0, 1),
                    (unit2.code, unit2.name, 2, 2, 1.0, 1, 7, 2.0, 1),
                    ]))
        self.assertEqual(
            figures.administrative_units[2],
            (None, "Not recorded", 1, 1, 1.0, 0, 0, None, 0))

    @with_transaction()
    def test_transparency_other_years_and_municipality(self):
        "Test another year and another municipality have their own figures"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup, _, _, _ = self.elbasan()
        pogradec = self.pogradec()

        figures = Application.transparency(setup.company, 2025)
        # a8 and b2 received; b2 completed in 5 working days; b1 rated
        self.assertEqual(figures.total[2:], (2, 1, None, 5, 5, 4.0, 1))
        figures = Application.transparency(setup.company, 2027)
        self.assertEqual(figures.total[2:], (0, 1, None, 2, 2, None, 0))

        figures = Application.transparency(pogradec.company, 2026)
        self.assertEqual(figures.total[2:], (5, 5, 1.0, 4, 4, None, 0))
        self.assertEqual([r.key for r in figures.services], ['TAX-05'])
        self.assertEqual([r.key for r in figures.genders], ['female'])

        empty = Application.transparency(pogradec.company, 2024)
        self.assertEqual(
            empty.total[2:], (0, 0, None, None, None, None, 0))
        self.assertEqual(
            (empty.services, empty.genders, empty.administrative_units),
            ([], [], []))

    @with_transaction()
    def test_processing_time(self):
        "Test the measured processing time of offers, with too little data"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        setup, _, _, _ = self.elbasan()
        pogradec = self.pogradec()
        tax, urb = setup.offers['TAX-05'], setup.offers['URB-09']
        other_tax, other_urb = (
            pogradec.offers['TAX-05'], pogradec.offers['URB-09'])
        offers = [tax, urb, other_tax, other_urb]

        # a1, a2, a3, a4, a11 and a8; b1 and b2
        self.assertEqual(
            Offer.processing_time(offers, date=D(2026, 6, 30)), {
                tax.id: (13, 6),
                urb.id: (None, 2),
                other_tax.id: (4, 5),
                other_urb.id: (None, 0),
                })
        self.assertEqual(
            Offer.processing_time(
                [tax], share=0.5, date=D(2026, 6, 30)), {tax.id: (2, 6)})
        # a3 was decided 365 days before: out of the window
        self.assertEqual(
            Offer.processing_time([tax], date=D(2027, 6, 15)),
            {tax.id: (None, 1)})
        self.assertEqual(
            Offer.processing_time([tax], date=D(2027, 6, 14)),
            {tax.id: (None, 2)})
        self.assertEqual(Offer.processing_time([]), {})

    @with_transaction()
    def test_figures_follow_the_process(self):
        """Test the summaries follow the process, the figures equal counts
        made here and those of the portal, and staff read only theirs"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Calendar = pool.get('ossis.calendar')
        Volume = pool.get('ossis.monitoring.volume')
        ServiceTime = pool.get('ossis.monitoring.service_time')
        ProcessingDays = pool.get('ossis.monitoring.processing_days')
        Municipality = pool.get('ossis.monitoring.municipality')
        FeedbackFigures = pool.get('ossis.monitoring.feedback')
        setup = scenario.municipality('elbasan')
        other = scenario.municipality('pogradec')
        states = [
            'draft', 'in_progress', 'withdrawn', 'cancelled', 'decided',
            'delivered', 'delivered']
        apps = [self.application(
                setup, serial, state, gender=['female', 'male'][serial % 2],
                service_code=['TAX-05', 'URB-09'][serial % 2])
            for serial, state in enumerate(states, 1)]
        self.application(other, 50, 'delivered', gender='female')
        self.assertEqual(Application.summary_differences(), [])
        self.rate(setup, apps[-1], 4, apps[-1].delivered_date.date())
        self.rate(setup, apps[-2], 1, apps[-2].delivered_date.date())
        Application.delete([apps[0]])
        self.assertEqual(Application.summary_differences(), [])
        # The migration sums the detailed summaries into those of the
        # municipalities: the same rows as kept current
        for name in ['municipality', 'municipality_days']:
            Summary = pool.get(f'ossis.monitoring.summary.{name}')
            totals = Summary.totals()
            Summary.roll_up()
            self.assertTrue(totals)
            self.assertEqual(Summary.totals(), totals)

        # Counted here from the applications
        company = setup.company
        year = local_date(company, apps[-1].decided_date).year
        mine = Application.search([('company', '=', company.id)])
        received = [a for a in mine if a.submitted_date
            and local_date(company, a.submitted_date).year == year]
        completed = [a for a in mine if a.state in COMPLETED
            and local_date(company, a.decided_date).year == year]
        days = [processing_days(Calendar.working_days_between(
                    company, local_date(company, a.submitted_date),
                    local_date(company, a.decided_date)),
                a.suspended_days) for a in completed]
        self.assertEqual((len(received), len(completed)), (6, 3))
        self.assertEqual(
            sorted(a.processing_days for a in completed), sorted(days))
        portal = Application.transparency(company, year)
        self.assertEqual(
            portal.total[2:5], (len(received), len(completed), 1.0))
        self.assertEqual(portal.total.median, percentile(days, 0.5))
        self.assertEqual(portal.total[7:], (2.5, 2))

        with as_staff(setup.head):
            volume = Volume.search([])
            self.assertEqual(
                sum(v.received for v in volume), len(received))
            self.assertEqual(
                sum(v.completed for v in volume), len(completed))
            self.assertEqual(
                {(v.gender, v.channel) for v in volume if v.received},
                {('female', 'desk'), ('male', 'desk')})
            with Transaction().set_context(volume_dimensions=['week']):
                weekly = Volume.search([])
            self.assertEqual(
                sum(v.received for v in weekly), len(received))
            self.assertEqual(len({v.week for v in weekly}), len(weekly))
            self.assertEqual({v.channel for v in weekly}, {None})
            times = ServiceTime.search([('year', '=', year)])
            by_service = {r.key: r for r in portal.services}
            self.assertEqual(
                sorted((t.lgu_service.service_code, t.completed,
                        t.median_days, t.p90_days, t.on_time_share)
                    for t in times),
                sorted((k, r.completed, r.median, r.p90, r.on_time)
                    for k, r in by_service.items() if r.completed))
            self.assertEqual(
                sum(h.count for h in ProcessingDays.search([])),
                len(completed))
            with Transaction().set_context(
                    processing_days_dimensions=['lgu_service']):
                histogram = ProcessingDays.search([('year', '=', year)])
            self.assertEqual(
                {(h.lgu_service.service_code, h.days): h.count
                    for h in histogram},
                dict(Counter(
                        (a.service_code, d)
                        for a, d in zip(completed, days))))
            municipality, = Municipality.search([('year', '=', year)])
            self.assertEqual(
                (municipality.received, municipality.completed,
                    municipality.on_time_share, municipality.median_days,
                    municipality.satisfaction, municipality.ratings,
                    municipality.online_share),
                (portal.total.received, portal.total.completed,
                    portal.total.on_time, portal.total.median,
                    portal.total.satisfaction, portal.total.ratings, 0))
            feedback = FeedbackFigures.search([])
            self.assertEqual(
                (sum(f.ratings for f in feedback),
                    sum(f.low for f in feedback)), (2, 1))
            elbasan_ids = [v.id for v in volume]

        # Another municipality's staff read none of it, by any way
        with as_staff(other.head):
            for Model in [
                    Volume, ServiceTime, ProcessingDays, Municipality,
                    FeedbackFigures]:
                self.assertLessEqual(
                    {r.company for r in Model.search([])}, {other.company})
                self.assertEqual(Model.search([
                            ('company.code', '=', company.code)]), [])
            self.assertEqual(Volume.search([
                        ('lgu_service', '=', setup.offers['TAX-05'].id),
                        ]), [])
            self.assertEqual(Volume.search([
                        ('administrative_unit.company', '=', company.id),
                        ]), [])
            with self.assertRaises(AccessError):
                Volume.read(elbasan_ids[:1], ['received'])


    @with_transaction()
    def test_transparency_csv(self):
        "Test the CSV of the transparency figures, in English and Albanian"
        pool = Pool()
        Application = pool.get('ossis.application')
        setup, unit1, unit2, _ = self.elbasan()

        rows = list(csv.reader(io.StringIO(
                    Application.transparency_csv(setup.company, 2026))))

        self.assertEqual(rows[0], [
                "Breakdown", "Code", "Name", "Received", "Completed",
                "On Time (%)", "Median Working Days",
                "90th Percentile Working Days", "Average Rating",
                "Ratings"])
        self.assertEqual(rows[1], [
                "Total", "", setup.company.rec_name, "10", "7", "66.7", "3",
                "13", "3.50", "2"])
        self.assertEqual(rows[2][:2] + rows[2][3:], [
                "Service", "TAX-05", "9", "6", "60.0", "2", "13", "3.50",
                "2"])
        self.assertEqual(rows[3][:2] + rows[3][3:], [
                "Service", "URB-09", "1", "1", "100.0", "3", "3", "", "0"])
        self.assertEqual(
            [r[:3] for r in rows[4:8]], [
                ["Gender", "female", "Female"],
                ["Gender", "male", "Male"],
                ["Gender", "business", "Business"],
                ["Gender", "", "Not recorded"],
                ])
        self.assertEqual(rows[7][3:], ["2", "1", "100.0", "0", "0", "", "0"])
        self.assertEqual(
            sorted(r[:3] for r in rows[8:10]), sorted([
                    ["Administrative Unit", unit1.code, unit1.name],
                    ["Administrative Unit", unit2.code, unit2.name],
                    ]))
        self.assertEqual(rows[10][:3], [
                "Administrative Unit", "", "Not recorded"])
        self.assertEqual(len(rows), 11)

        load_albanian()
        with Transaction().set_context(language='sq'):
            rows = list(csv.reader(io.StringIO(
                        Application.transparency_csv(setup.company, 2026))))
        self.assertEqual(rows[0][:5], [
                "Ndarja", "Kodi", "Emri", "Të marra", "Të përfunduara"])
        self.assertEqual(
            [r[0] for r in rows[1:]],
            ["Gjithsej"] + ["Shërbimi"] * 2 + ["Gjinia"] * 4
            + ["Njësia administrative"] * 3)
        self.assertEqual(rows[7][2], "E paregjistruar")


del ModuleTestCase
