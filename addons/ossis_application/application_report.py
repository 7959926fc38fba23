# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The receipt and the output document of applications as Tryton reports

Each application prints in the language of its applicant unless the data
of the report asks for a language.  The QR codes hold the addresses of the
citizen portal (see portal.py) when they are configured, else the codes.
"""
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trytond.i18n import gettext
from trytond.modules.ossis_services.fiche_report import (
    PDFReport, selection_label)
from trytond.pool import Pool
from trytond.tools import slugify
from trytond.transaction import Transaction, without_check_access

from .application_pdf import output_title, render_output, render_receipt
from .exceptions import ApplicationReportError
from .portal import tracking_url, verification_url

# The states of an application whose output document was issued
ISSUED = {'ready', 'delivered', 'closed'}


def local(company, value):
    "Return the UTC datetime in the time zone of the municipality"
    if not value:
        return value
    return in_zone(time_zone(company), value)


def local_date(company, value):
    value = local(company, value)
    return value.date() if value else None


def time_zone(company):
    "Return the time zone of the municipality, None when unknown"
    if not company.timezone:
        return None
    try:
        return ZoneInfo(company.timezone)
    except ZoneInfoNotFoundError:
        return None


def in_zone(zone, value):
    "Return the UTC datetime in the time zone (kept when None)"
    if not value or zone is None:
        return value
    return value.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(
        tzinfo=None)


def party(applicant):
    "Return the data of an applicant or a representative on the documents"
    if not applicant:
        return None
    return {
        'name': applicant.name,
        'identifier': applicant.identifier,
        'kind': applicant.kind,
        }


def employee_name(employee):
    return employee.party.name if employee else None


class ApplicationReport(PDFReport):
    """A document of applications

    One PDF for one application, a ZIP archive of one PDF per application
    for several."""

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        action = cls.get_action(data)
        model = action.model or data.get('model')
        ids = list(map(int, ids))
        # Record rules apply: only readable applications are printed
        cls.check_access(action, model, ids)
        records = pool.get(model).browse(ids)
        extension, content = cls.render_records(
            records, data.get('language'))
        return (
            extension, content, bool(action.direct_print),
            cls.get_filename(action, records))

    @classmethod
    def render_records(cls, applications, language=None):
        pool = Pool()
        Application = pool.get('ossis.application')
        with without_check_access():
            applications = Application.browse(applications)
            cls.check_printable(applications)
            contents = cls.render_pdfs(applications, language)
        if len(contents) == 1:
            return 'pdf', contents[0]
        content = io.BytesIO()
        with zipfile.ZipFile(content, 'w') as archive:
            for application, pdf in zip(applications, contents):
                archive.writestr(f'{slugify(application.number)}.pdf', pdf)
        return 'zip', content.getvalue()

    @classmethod
    def render_pdfs(cls, applications, language=None):
        "Return the PDF of each application, in the language asked or its own"
        return [
            cls.render_pdf(a, cls.language(a, language))
            for a in applications]

    @classmethod
    def get_filename(cls, action, applications):
        if len(applications) == 1:
            application, = applications
            return f'{action.name}-{application.number}'
        return action.name

    @classmethod
    def language(cls, application, language=None):
        """Return the code of the language of the application's document:
        the language asked for, else the applicant's"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        # An unknown language falls back to a known one
        return Lang.get(language or application.applicant.language).code

    @classmethod
    def check_printable(cls, applications):
        "Raise ApplicationReportError if an application cannot be printed"
        raise NotImplementedError

    @classmethod
    def render_pdf(cls, application, language, template=None):
        """Return the PDF of the application in the language

        In the wording of the document template recorded for the
        application, else in the default wording; in that of the template
        given for a preview."""
        application = cls.browse_in(application, language)
        with Transaction().set_context(
                language=language, company=application.company.id):
            data = cls.pdf_data(application)
            if template:
                # Read in the language of the document
                template = template.__class__(template.id)
                cls.complete_preview(data)
            else:
                template = cls.recorded_template(application)
            if template:
                template.apply(data, application.decision_text)
            return cls.render(data, language)

    @classmethod
    def recorded_template(cls, application):
        """Return the document template recorded for the application when
        its document was issued, or None"""
        raise NotImplementedError

    @classmethod
    def complete_preview(cls, data):
        "Fill in the data what the application lacks before it is issued"

    @classmethod
    def pdf_data(cls, application):
        "Return the data of the document of the application"
        raise NotImplementedError

    @classmethod
    def render(cls, data, language):
        "Return the PDF of the data in the language"
        raise NotImplementedError

    @classmethod
    def municipality(cls, application):
        pool = Pool()
        Fiche = pool.get('ossis.service.fiche', type='report')
        return Fiche.municipality_name(application.company)

    @classmethod
    def browse_in(cls, application, language):
        "Return the application read in the language"
        pool = Pool()
        Application = pool.get('ossis.application')
        with Transaction().set_context(
                language=language, company=application.company.id):
            return Application(application.id)


class ReceiptReport(ApplicationReport):
    """Application Receipt

    What the desk gives the applicant when it receives an application:
    its number, the documents received, the expected date of the answer
    and the tracking code."""
    __name__ = 'ossis.application.receipt'

    @classmethod
    def check_printable(cls, applications):
        for application in applications:
            if not application.number:
                raise ApplicationReportError(gettext(
                        'ossis_application.msg_application_receipt_draft',
                        application=application.rec_name))

    @classmethod
    def render(cls, data, language):
        return render_receipt(data, language)

    @classmethod
    def recorded_template(cls, application):
        return application.receipt_template

    @classmethod
    def pdf_data(cls, application):
        "Return the data of render_receipt for the application"
        company = application.company
        return {
            'municipality': cls.municipality(application),
            'desk': application.desk.name if application.desk else None,
            'administrative_unit': (
                application.administrative_unit.name
                if application.administrative_unit else None),
            'number': application.number,
            'submitted_at': local(company, application.submitted_date),
            'service_name': application.service.name,
            'service_code': application.service_code,
            'applicant': party(application.applicant),
            'representative': party(application.representative),
            'documents': [
                cls.document_data(d) for d in application.documents],
            'fee': application.fee,
            'fee_state': application.fee_state,
            'fee_receipt': application.fee_receipt,
            'fee_exemption_reason': application.fee_exemption_reason,
            'due_date': application.due_date,
            'tracking_code': application.tracking_code,
            'tracking_url': tracking_url(application.tracking_code),
            'channel': application.channel,
            'registered_by': employee_name(cls.registered_by(application)),
            }

    @classmethod
    def document_data(cls, document):
        document_type = document.document_type
        return {
            'name': document_type.name,
            'status': document.status,
            'registry': (
                selection_label(document_type, 'registry')
                if document_type.registry else None),
            }

    @classmethod
    def registered_by(cls, application):
        "Return the employee who submitted the application, or None"
        for entry in application.history:
            if entry.action == 'submit':
                return entry.employee


class OutputReport(ApplicationReport):
    """Output Document

    The certificate or permit of an approved application, or the decision
    of refusal of a rejected one, once issued."""
    __name__ = 'ossis.application.output'

    @classmethod
    def check_printable(cls, applications):
        for application in applications:
            if application.state not in ISSUED:
                raise ApplicationReportError(gettext(
                        'ossis_application.msg_application_output_not_issued',
                        application=application.rec_name))

    @classmethod
    def render(cls, data, language):
        return render_output(data, language)

    @classmethod
    def recorded_template(cls, application):
        return application.output_template

    @classmethod
    def complete_preview(cls, data):
        sample = gettext('ossis_application.msg_document_template_sample')
        data['verification_code'] = data['verification_code'] or sample
        data['date'] = data['date'] or Pool().get('ir.date').today()

    @classmethod
    def render_pdfs(cls, applications, language=None):
        """Return the output documents as issued, whatever the language
        asked: those not stored yet are rendered and stored at once"""
        pool = Pool()
        Application = pool.get('ossis.application')
        documents = Application.issued_documents(applications)
        return [documents[a.id] for a in applications]

    @classmethod
    def render_pdf(cls, application, language, template=None):
        """Return the output document as issued, whatever the language
        asked; render it only for a preview in a template"""
        if template:
            return super().render_pdf(application, language, template)
        return cls.render_pdfs([application])[0]

    @classmethod
    def render_issued(cls, application):
        "Return the PDF of the output document to issue to the applicant"
        return super().render_pdf(application, cls.language(application))

    @classmethod
    def pdf_data(cls, application):
        "Return the data of render_output for the application"
        company = application.company
        service = application.service
        data = {
            'municipality': cls.municipality(application),
            'unit': (
                application.decision_unit.name
                if application.decision_unit else None),
            'decision': application.decision,
            'title': cls.service_title(service),
            'number': application.number,
            'date': local_date(company, application.issued_date),
            'application_number': application.number,
            'submitted_date': local_date(
                company, application.submitted_date),
            'decision_date': local_date(company, application.decided_date),
            'due_date': application.due_date,
            'applicant': party(application.applicant),
            'service_name': service.name,
            'service_code': application.service_code,
            'fee': application.fee,
            'tracking_code': application.tracking_code,
            'signed_by': cls.signatory(application),
            'verification_code': application.verification_code,
            'verification_url': verification_url(
                application.verification_code),
            }
        data.update(cls.decision_texts(application))
        return data

    @classmethod
    def service_title(cls, service):
        "Return the title of the document that the service issues"
        return service.output_document or service.name

    @classmethod
    def title(cls, application):
        """Return the title printed on the output document of the
        application (the decision of refusal of a rejected one), in the
        language of the transaction"""
        return output_title({
                'decision': application.decision,
                'title': cls.service_title(application.service),
                })

    @classmethod
    def decision_texts(cls, application):
        """Return the text and the reasons of the decision

        The decision text of an approval is what the municipality grants;
        that of a refusal gives its reasons."""
        service = application.service.name
        if application.decision == 'rejected':
            return {
                'text': gettext(
                    'ossis_application.msg_output_rejected_text',
                    service=service),
                'reasons': application.decision_text,
                }
        return {
            'text': application.decision_text or gettext(
                'ossis_application.msg_output_approved_text', service=service),
            }

    @classmethod
    def signatory(cls, application):
        """Return the name and the position of who decided

        The position is the unit that decided, or the head of it.  A
        module that records the positions of employees extends this."""
        employee = application.decided_by
        unit = application.decision_unit
        position = None
        if unit:
            if employee and unit.head == employee:
                position = gettext(
                    'ossis_application.msg_output_head_of', unit=unit.name)
            else:
                position = unit.name
        return {
            'name': employee_name(employee) or '',
            'position': position,
            }
