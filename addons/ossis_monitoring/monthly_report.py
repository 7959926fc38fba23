# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The monthly report, made and emailed on the 1st of each month

Each municipality gets the PDF of its figures of the previous month
(monthly_figures.py, monthly_report_pdf.py), sent to its mayor's office
and the heads of its units; the national administrators get the national
one, the municipalities side by side.  The reports are kept to be read
again.  A report exists once per municipality (or nation) and month: the
job that runs again sends nothing twice.  The emails leave when the
transaction that stores the reports commits (trytond's transactional
sendmail), so a retried transaction does not send them twice either.
"""
import datetime as dt
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, getaddresses

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import get_smtp_server, send_message_transactional
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import MonthlyReportError
from .monthly_figures import (
    MARGIN, compared_months, month_figures, month_start, next_month,
    previous_month)
from .monthly_report_pdf import render_municipality, render_national


class ReportMixin:
    "A monthly report kept as sent"
    __slots__ = ()

    month = fields.Date(
        "Month", required=True, readonly=True,
        help="The first day of the month reported.")
    report = fields.Binary(
        "Report", readonly=True, filename='report_filename',
        file_id='report_id')
    report_id = fields.Char("Report ID", readonly=True)
    report_filename = fields.Function(
        fields.Char("Report File Name"), 'get_report_filename')
    recipients = fields.Text(
        "Recipients", readonly=True,
        help="The addresses the report was sent to, one a line.")
    sent_at = fields.DateTime("Sent At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('month', 'DESC'))

    @property
    def owner_name(self):
        raise NotImplementedError

    def get_rec_name(self, name):
        month = Pool().get('ir.lang').get().strftime(self.month, '%m/%Y')
        return f'{self.owner_name} {month}'

    def get_report_filename(self, name):
        return f'ossis-{self.owner_code}-{self.month:%Y-%m}.pdf'


class NationalReport(ReportMixin, ModelSQL, ModelView):
    "National Monthly Report"
    __name__ = 'ossis.monitoring.national_report'
    __string__ = "National Monthly Report"
    owner_code = 'al'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('month_unique', Unique(t, t.month),
                'ossis_monitoring.msg_monthly_report_unique'),
            ]

    @property
    def owner_name(self):
        return gettext('ossis_monitoring.msg_monthly_national')


class MonthlyReport(ReportMixin, LGUOwnedMixin, ModelSQL, ModelView):
    "Monthly Report"
    __name__ = 'ossis.monitoring.monthly_report'
    __string__ = "Monthly Report"

    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_month_unique', Unique(t, t.company, t.month),
                'ossis_monitoring.msg_monthly_report_unique'),
            ]

    @property
    def owner_name(self):
        return self.company.rec_name

    @property
    def owner_code(self):
        return self.company.code

    @classmethod
    def send_previous_month(cls):
        "Make and send the reports of the previous month not made yet"
        today = Pool().get('ir.date').today()
        return cls.generate(previous_month(month_start(today)))

    @classmethod
    def generate(cls, month, companies=None):
        """Make, store and send the reports of the month not made yet: of
        the municipalities (all by default) and the national one

        Return the reports made."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        NationalReport = pool.get('ossis.monitoring.national_report')
        month = month_start(month)
        if month >= month_start(Date.today()):
            raise MonthlyReportError(gettext(
                    'ossis_monitoring.msg_monthly_report_not_over',
                    month=month.strftime('%m/%Y')))
        with without_check_access():
            if companies is None:
                companies = cls.serving_companies(month)
            companies = Company.real_companies(companies)
            done = {r.company for r in cls.search([
                        ('month', '=', month),
                        ])}
            reports = cls._municipality_reports(
                [c for c in companies if c not in done], month)
            cls.save(reports)
            national = NationalReport.search([('month', '=', month)])
            if not national:
                national = cls._national_reports(month)
                NationalReport.save(national)
            else:
                national = []
            cls.send(reports + national)
        return reports + national

    @classmethod
    def serving_companies(cls, month):
        """Return the municipalities that received applications with OSSIS
        by the end of the month: those that have a monthly report"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        application = Application.__table__()
        cursor = Transaction().connection.cursor()
        end = dt.datetime.combine(next_month(month), dt.time()) + MARGIN
        cursor.execute(*application.select(
                application.company,
                where=(application.state != 'draft')
                & (application.submitted_date < end),
                group_by=[application.company]))
        return Company.browse([c for c, in cursor])

    @classmethod
    def _municipality_reports(cls, companies, month):
        pool = Pool()
        Application = pool.get('ossis.application')
        if not companies:
            return []
        figures = [month_figures(companies, m)
            for m in compared_months(month)]
        reports = []
        for company in companies:
            current = figures[0][company.id]
            with Transaction().set_context(
                    language=cls.company_language(company)):
                content = render_municipality(
                    company, [f[company.id] for f in figures],
                    Application._administrative_unit_rows(
                        current.administrative_units),
                    Application._gender_rows(current.genders))
            reports.append(cls(
                    company=company, month=month,
                    report=content,
                    recipients='\n'.join(cls.municipality_recipients(
                            company))))
        return reports

    @classmethod
    def _national_reports(cls, month):
        pool = Pool()
        Company = pool.get('company.company')
        NationalReport = pool.get('ossis.monitoring.national_report')
        companies = sorted(Company.search([
                    ('ossis_practice', '!=', True),
                    ]), key=lambda c: c.rec_name)
        with Transaction().set_context(language=cls.national_language()):
            content = render_national(
                companies, month_figures(companies, month), month)
        return [NationalReport(
                month=month, report=content,
                recipients='\n'.join(cls.national_recipients()))]

    @classmethod
    def company_language(cls, company):
        "Return the language of the reports of the municipality"
        return 'sq'

    @classmethod
    def national_language(cls):
        return 'sq'

    @classmethod
    def municipality_recipients(cls, company):
        """Return the addresses of the mayor's office and of the heads of
        the municipality's active units"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        addresses = []
        if company.mayor_office_email:
            addresses.append(company.mayor_office_email)
        units = OrgUnit.search([
                ('company', '=', company.id),
                ('head', '!=', None),
                ])
        addresses += cls.employee_addresses([u.head for u in units])
        return unique(addresses)

    @classmethod
    def employee_addresses(cls, employees):
        """Return the email addresses of the employees: of their users,
        else of their parties"""
        pool = Pool()
        User = pool.get('res.user')
        addresses = []
        for employee in employees:
            users = User.search([
                    ('employees', '=', employee.id),
                    ('email', '!=', None),
                    ])
            emails = [u.email for u in users if u.email]
            if not emails and employee.party.email:
                emails = [employee.party.email]
            addresses += emails
        return addresses

    @classmethod
    def national_recipients(cls):
        "Return the addresses of the national administrators"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        group = ModelData.get_id('ossis_base', 'group_national_admin')
        users = User.search([
                ('groups', '=', group),
                ('email', '!=', None),
                ])
        return unique(u.email for u in users if u.email)

    @classmethod
    def send(cls, reports):
        """Send each report to its recipients when the transaction commits
        and note when"""
        now = dt.datetime.now()
        if any(r.recipients for r in reports):
            cls.check_mail_server()
        for report in reports:
            to = report.recipients.split() if report.recipients else []
            if not to:
                continue
            send_message_transactional(cls.email(report, to), strict=True)
            report.sent_at = now
            report.save()

    @classmethod
    def check_mail_server(cls):
        """Refuse, before anything is stored, when the mail server does not
        answer: at the commit, the failure would stop the other scheduled
        jobs too"""
        try:
            server = get_smtp_server(strict=True)
        except (OSError, smtplib.SMTPException) as exception:
            raise MonthlyReportError(gettext(
                    'ossis_monitoring.msg_monthly_report_mail_server',
                    error=exception)) from exception
        server.quit()

    @classmethod
    def email(cls, report, to):
        "Return the email of the report, the PDF attached"
        language = (cls.company_language(report.company)
            if getattr(report, 'company', None) else cls.national_language())
        with Transaction().set_context(language=language):
            subject = gettext(
                'ossis_monitoring.msg_monthly_email_subject',
                name=report.rec_name)
            body = gettext(
                'ossis_monitoring.msg_monthly_email_body',
                name=report.rec_name)
        message = EmailMessage()
        message['From'] = formataddr(
            getaddresses([config.get('email', 'from')])[0])
        message['To'] = ', '.join(to)
        message['Subject'] = subject
        # RFC 3834: no out-of-office replies to automatic messages
        message['Auto-Submitted'] = 'auto-generated'
        message.set_content(body)
        message.add_attachment(
            report.report, maintype='application', subtype='pdf',
            filename=report.report_filename)
        return message


def unique(addresses):
    "Return the addresses without repetition, in their order"
    seen, result = set(), []
    for address in addresses:
        key = address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(address.strip())
    return result


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append((
                'ossis.monitoring.monthly_report|send_previous_month',
                "Send the Monthly Reports"))


class GenerateStart(ModelView):
    "Make the Monthly Reports"
    __name__ = 'ossis.monitoring.monthly_report.generate.start'
    __string__ = "Make the Monthly Reports"

    month = fields.Date(
        "Month", required=True,
        help="Any day of the month to report: a month that is over.")

    @classmethod
    def default_month(cls):
        today = Pool().get('ir.date').today()
        return previous_month(month_start(today))


class Generate(Wizard):
    "Make the Monthly Reports"
    __name__ = 'ossis.monitoring.monthly_report.generate'
    start = StateView(
        'ossis.monitoring.monthly_report.generate.start',
        'ossis_monitoring.monthly_report_generate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Make", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()

    def transition_generate(self):
        MonthlyReport = Pool().get('ossis.monitoring.monthly_report')
        MonthlyReport.generate(self.start.month)
        return 'end'
