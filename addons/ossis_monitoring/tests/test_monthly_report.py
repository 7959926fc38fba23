# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test the exports to Excel and CSV and the monthly report

The monthly report is sent by email to a real local SMTP server when the
transaction that stores it commits: each step runs in a transaction of its
own that commits, as the cron runner does."""
import csv
import datetime as dt
import email
import email.policy
import io
import socket
import unittest

from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from pypdf import PdfReader

import trytond.config as config
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application.tests.scenario import as_staff
from trytond.modules.ossis_base.tests.test_module import create_lgu_user
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_monitoring.exceptions import MonthlyReportError
from trytond.modules.ossis_monitoring.export import Column
from trytond.modules.ossis_monitoring.monthly_figures import (
    month_figures, month_start, next_month, previous_month)
from trytond.modules.ossis_services.tests.tools import (
    load_albanian, pdf_fonts, pdf_text, pdfa_report)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

MONTH = previous_month(month_start(dt.date.today()))


def committed(func, *args):
    "Run func in a transaction that commits and return what it returned"
    with Transaction().start(DB_NAME, 0) as transaction:
        result = func(*args)
        transaction.commit()
    return result


class Mailbox:
    "An SMTP server on a local port that keeps what it receives"

    def __init__(self):
        # A port that is free now
        with socket.create_server(('127.0.0.1', 0)) as sock:
            self.port = sock.getsockname()[1]
        self.messages = []
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((
                sorted(envelope.rcpt_tos),
                email.message_from_bytes(
                    envelope.content, policy=email.policy.default)))
        return '250 Message accepted for delivery'


def day(number, month=MONTH):
    return month.replace(day=number)


def instant(date):
    return dt.datetime.combine(date, dt.time(10)) if date else None


def set_dates(application, submitted, decided=None, due=None):
    "Set the dates of the application with SQL, at 10:00 UTC"
    Application = Pool().get('ossis.application')
    table = Application.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update(
            [table.submitted_date, table.decided_date, table.due_date],
            [instant(submitted), instant(decided), due],
            where=table.id == application.id))


class ColumnTestCase(unittest.TestCase):
    "Test the columns of the exports write shares as percentages"

    def test_share(self):
        "Test a share shown with factor 100 is a percentage"
        share = Column('on_time_share', {
                'type': 'float', 'string': "On Time", 'digits': (1, 4)},
            factor=100)
        self.assertEqual(share.number_format('dd.mm.yyyy'), '0.0%')
        self.assertEqual(share.text(0.625), 62.5)
        count = Column('received', {'type': 'integer', 'string': "R"})
        self.assertEqual(
            (count.number_format(None), count.text(None)), ('#,##0', ''))


class MonthlyReportTestCase(
        ModuleDatabaseMixin, scenario.ProcessTestMixin, unittest.TestCase):
    "Test the exports and the monthly report"
    module = 'ossis_monitoring'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = committed(cls.set_up)

    @classmethod
    def set_up(cls):
        """Set up Elbasan with applications of the month, the month before
        and a year before, its mayor's office and unit head with their
        email, and Berat"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        User = pool.get('res.user')
        load_albanian()
        test = cls()
        setup = scenario.municipality('elbasan')
        berat = scenario.municipality('berat')
        Company.write([setup.company], {
                'mayor_office_email': 'Kabineti@Elbasan.example.al'})
        User.write([setup.head], {'email': 'head@elbasan.example.al'})
        national = create_lgu_user(
            'national', setup.company, 'group_national_admin')
        User.write([national], {'email': 'national@ossis.example.al'})
        # Decided on time, late, still open and overdue, open in time
        on_time = test.delivered(setup, 1)
        set_dates(on_time, day(2), day(9), day(20))
        late = test.delivered(setup, 2)
        set_dates(late, day(3), day(25), day(10))
        overdue = test.submitted(setup, 3)
        set_dates(overdue, day(4), None, day(15))
        open_ = test.submitted(setup, 4)
        set_dates(open_, day(5), None, day(5, next_month(MONTH)))
        before = test.delivered(setup, 5)
        month_before = previous_month(MONTH)
        set_dates(before, day(3, month_before), day(8, month_before),
            day(20, month_before))
        year_before = MONTH.replace(year=MONTH.year - 1)
        old = test.submitted(setup, 6)
        set_dates(old, day(3, year_before))
        set_dates(test.submitted(berat, 7), day(6))
        with as_staff(setup.front):
            Application.record_feedback([Application(on_time.id)], 4)
            Application.record_feedback([Application(late.id)], 2)
        feedback = pool.get('ossis.application.feedback').__table__()
        Transaction().connection.cursor().execute(*feedback.update(
                [feedback.date], [day(26)]))
        # The dates were changed in SQL, under the summaries
        Application.rebuild_summaries()
        return {
            'elbasan': setup.company.id, 'berat': berat.company.id,
            'front': setup.front.id, 'head': setup.head.id,
            'berat_head': berat.head.id, 'national': national.id,
            }

    def setUp(self):
        super().setUp()
        self.mailbox = Mailbox()
        self.mailbox.controller.start()
        self.addCleanup(self.mailbox.controller.stop)
        saved = {o: config.get('email', o) for o in ['uri', 'from']}
        config.set('email', 'uri', f'smtp://127.0.0.1:{self.mailbox.port}')
        config.set('email', 'from', 'OSSIS <noreply@ossis.example.al>')
        for option, value in saved.items():
            self.addCleanup(config.set, 'email', option, value or '')

    def export(self, user_id, extension, records):
        "Return the content of the export of the records as the user"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Report = pool.get(f'ossis.monitoring.export.{extension}', 'report')
        model = records[0].__name__
        action_id = ModelData.get_id('ossis_monitoring', 'report_%s_%s' % (
                model.replace('ossis.', '').replace('.', '_'), extension))
        with Transaction().set_user(user_id), \
                Transaction().set_context(language='sq'):
            ext, content, _, name = Report.execute(
                [r.id for r in records], {
                    'model': model,
                    'action_id': action_id,
                    })
        self.assertEqual(ext, extension)
        return content

    def test_export(self):
        """Test the feedback exports to Excel and CSV with the columns of
        its list, labels in the user's language and typed values"""
        def check():
            pool = Pool()
            Feedback = pool.get('ossis.application.feedback')
            records = Feedback.search([], order=[('id', 'ASC')])
            self.assertEqual(len(records), 2)
            content = self.export(self.ids['head'], 'xlsx', records)
            sheet = load_workbook(io.BytesIO(content)).active
            header = [c.value for c in sheet[1]]
            self.assertEqual(header[:4], ["Data", "Aplikimi", "Njësia",
                    "Vlerësimi"])
            self.assertTrue(sheet['A1'].font.bold)
            self.assertEqual(sheet.freeze_panes, 'A2')
            date, rating, flagged = sheet['A2'], sheet['D2'], sheet['E3']
            self.assertEqual(date.value.date(), day(26))
            self.assertEqual(date.number_format, 'dd.mm.yyyy')
            self.assertEqual(
                (rating.value, rating.data_type, rating.number_format),
                (4, 'n', '#,##0'))
            self.assertIs(flagged.value, True)
            self.assertEqual(
                sheet['B2'].value, records[0].application.rec_name)
            self.assertGreaterEqual(
                sheet.column_dimensions['B'].width,
                len(records[0].application.rec_name))

            rows = list(csv.reader(io.StringIO(
                        self.export(self.ids['head'], 'csv', records)
                        .decode('utf-8-sig'))))
            self.assertEqual(rows[0], header)
            self.assertEqual(rows[1][:5], [
                    day(26).isoformat(), records[0].application.rec_name,
                    records[0].unit.rec_name, '4', '0'])
            self.assertEqual(len(rows), 3)

            # Berat's head cannot export Elbasan's feedback
            with self.assertRaises(AccessError):
                self.export(self.ids['berat_head'], 'xlsx', records)

            # A reporting model: the received of the month add up
            Volume = pool.get('ossis.monitoring.volume')
            volume = Volume.search([
                    ('company', '=', self.ids['elbasan']),
                    ('month', '=', MONTH),
                    ])
            sheet = load_workbook(io.BytesIO(self.export(
                        self.ids['head'], 'xlsx', volume))).active
            header = [c.value for c in sheet[1]]
            received = header.index("Të marra") + 1
            cells = [sheet.cell(row=r, column=received)
                for r in range(2, sheet.max_row + 1)]
            self.assertTrue(all(c.data_type == 'n' for c in cells))
            self.assertEqual(sum(c.value for c in cells), 4)
        with Transaction().start(DB_NAME, 0):
            check()

    def test_mail_server_down(self):
        """Test the job refuses with a translated message when the mail
        server does not answer, and stores no report to send later"""
        with socket.create_server(('127.0.0.1', 0)) as sock:
            closed = sock.getsockname()[1]
        config.set('email', 'uri', f'smtp://127.0.0.1:{closed}')

        def run_cron():
            pool = Pool()
            Cron = pool.get('ir.cron')
            ModelData = pool.get('ir.model.data')
            Report = pool.get('ossis.monitoring.monthly_report')
            cron = Cron(ModelData.get_id(
                    'ossis_monitoring', 'cron_monthly_report'))
            with self.assertRaises(MonthlyReportError) as cm:
                Cron.run_once([cron])
            self.assertIn(
                "the mail server does not answer", cm.exception.message)
            Transaction().rollback()
            return Report.search_count([])
        self.assertEqual(committed(run_cron), 0)
        self.assertEqual(self.mailbox.messages, [])

    def test_monthly_report(self):
        """Test the cron makes and mails the reports of the previous month
        once, with the figures and charts; each municipality reads its
        own"""
        def run_cron():
            pool = Pool()
            Cron = pool.get('ir.cron')
            ModelData = pool.get('ir.model.data')
            cron = Cron(ModelData.get_id(
                    'ossis_monitoring', 'cron_monthly_report'))
            # Daily: the reports are made on the 1st, or later when the
            # mail server did not answer
            self.assertEqual(
                (cron.interval_number, cron.interval_type, cron.hour),
                (1, 'days', 5))
            Cron.run_once([cron])
        committed(run_cron)

        by_recipient = {
            tuple(to): message for to, message in self.mailbox.messages}
        elbasan = by_recipient[(
                'head@elbasan.example.al', 'kabineti@elbasan.example.al')]
        national = by_recipient[('national@ossis.example.al',)]
        self.assertEqual(len(self.mailbox.messages), 2)
        self.assertIn("Elbasan", elbasan['Subject'])
        attachment, = elbasan.iter_attachments()
        self.assertEqual(
            attachment.get_filename(), f'ossis-elbasan-{MONTH:%Y-%m}.pdf')
        content = attachment.get_content()
        report = pdfa_report(content)
        self.assertTrue(report.passed, str(report))
        self.assertTrue(all(pdf_fonts(content).values()))
        text = pdf_text(content)
        # Received 4, completed 2, on time 50 %, open 3 (with the one of
        # a year before), overdue 1, average rating 3
        for expected in [
                "Raport mujor", "Të marra", "50,0 %", "3,00",
                "Sipas njësisë administrative", "Sipas gjinisë"]:
            self.assertIn(expected, text)
        # The charts: their titles, and the bars of the month before and
        # of the year before drawn in their colours (SERIES)
        self.assertIn("Aplikimet", text)
        self.assertIn("Të marra sipas kanalit", text)
        drawn = b''.join(
            p.get_contents().get_data()
            for p in PdfReader(io.BytesIO(content)).pages)
        self.assertIn(b'.560784 .705882 .85098 rg', drawn)
        self.assertIn(b'.788235 .635294 .152941 rg', drawn)
        national_text = pdf_text(
            next(national.iter_attachments()).get_content())
        self.assertIn("Elbasan", national_text)
        self.assertIn("Berat", national_text)

        def check_figures():
            pool = Pool()
            Report = pool.get('ossis.monitoring.monthly_report')
            Company = pool.get('company.company')
            company = Company(self.ids['elbasan'])
            figures = month_figures([company], MONTH)[company.id]
            row = figures.summary
            self.assertEqual(
                (row.received, row.completed, row.on_time, figures.backlog,
                    figures.overdue, row.satisfaction),
                (4, 2, 0.5, 3, 1, 3))
            before = month_figures(
                [company], previous_month(MONTH))[company.id]
            self.assertEqual(
                (before.summary.received, before.summary.completed,
                    before.backlog), (1, 1, 1))
            reports = Report.search([('month', '=', MONTH)])
            self.assertEqual(len(reports), 2)
            elbasan_report, = [
                r for r in reports if r.company == company]
            self.assertEqual(elbasan_report.recipients.split(), [
                    'kabineti@elbasan.example.al',
                    'head@elbasan.example.al'])
            self.assertTrue(elbasan_report.sent_at)
            # Each municipality's staff read their own report only
            for user, seen in [
                    (self.ids['head'], [elbasan_report]),
                    (self.ids['berat_head'], [
                            r for r in reports if r != elbasan_report]),
                    ]:
                with Transaction().set_user(user), \
                        Transaction().set_context(_check_access=True):
                    self.assertEqual(Report.search([]), seen)
                    self.assertEqual(Report.search([
                                ('company.code', '=', 'elbasan')]),
                        [r for r in seen if r == elbasan_report])
            with Transaction().set_user(self.ids['berat_head']), \
                    Transaction().set_context(_check_access=True), \
                    self.assertRaises(AccessError):
                Report.read([elbasan_report.id], ['report'])
        with Transaction().start(DB_NAME, 0):
            check_figures()

        # Run again: nothing is sent twice
        committed(run_cron)
        self.assertEqual(len(self.mailbox.messages), 2)

        def bad_input():
            pool = Pool()
            Company = pool.get('company.company')
            Report = pool.get('ossis.monitoring.monthly_report')
            Generate = pool.get(
                'ossis.monitoring.monthly_report.generate', type='wizard')
            session_id, _, _ = Generate.create()
            with self.assertRaises(MonthlyReportError) as cm:
                Generate.execute(session_id, {
                        'start': {'month': dt.date.today()},
                        }, 'generate')
            self.assertIn("is not over", cm.exception.message)
            elbasan = Company(self.ids['elbasan'])
            with self.assertRaises(MonthlyReportError) as cm:
                Company.write([elbasan], {'mayor_office_email': 'kabineti@'})
            self.assertIn("kabineti@", cm.exception.message)
            Transaction().rollback()
            return (Report.search_count([]),
                Company(self.ids['elbasan']).mayor_office_email)
        self.assertEqual(committed(bad_input), (
                2, 'kabineti@elbasan.example.al'))
        self.assertEqual(len(self.mailbox.messages), 2)
