# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re
from decimal import Decimal
from itertools import groupby

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from trytond.i18n import gettext, ngettext
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from . import pdf

# The names in service.estimated_fields (the columns of the catalogue or the
# fields of the service) and what they are on the fiche
ESTIMATES = {
    'fee_all': 'fee',
    'fee': 'fee',
    'processing_days': 'deadline',
    'legal_days': 'deadline',
    'promise_days': 'deadline',
    'legal_basis': 'legal_basis',
    'legal_bases': 'legal_basis',
    'required_documents': 'documents',
    'documents': 'documents',
    }
_WORD = re.compile(r'\w+')


class PDFReport(Report):
    """A report built as PDF by code instead of from a template

    The language is the "language" of the data, else the language of the
    context."""

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        Lang = pool.get('ir.lang')
        action = cls.get_action(data)
        model = action.model or data.get('model')
        ids = list(map(int, ids))
        cls.check_access(action, model, ids)
        records = pool.get(model).browse(ids)
        # An unknown language falls back to a known one
        language = Lang.get(data.get('language')).code
        extension, content = cls.render_records(records, language)
        return (
            extension, content, bool(action.direct_print),
            cls.get_filename(action, records))

    @classmethod
    def get_action(cls, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        # check_access says whether the user may print it
        with without_check_access():
            if data.get('action_id') is not None:
                return ActionReport(data['action_id'])
            domain = [('report_name', '=', cls.__name__)]
            if data.get('model'):
                domain.append(('model', '=', data['model']))
            action, = ActionReport.search(domain, limit=1)
            return action

    @classmethod
    def render_records(cls, records, language):
        "Return the extension and the content of the report of the records"
        raise NotImplementedError

    @classmethod
    def get_filename(cls, action, records):
        return action.name


def selection_label(record, field_name):
    "Return the label of the value of a static selection in the language"
    pool = Pool()
    Translation = pool.get('ir.translation')
    field = record._fields[field_name]
    label = dict(field.selection).get(getattr(record, field_name)) or ''
    return Translation.get_source(
        f'{record.__name__},{field_name}', 'selection',
        Transaction().language, label) or label


class FicheReport(PDFReport):
    """Service Information Fiche

    What a citizen needs to know before applying for a service, as the
    Single Digital Gateway regulation (EU) 2018/1724 lists it (art. 10 and
    annex I): for a municipal service with its local fee, deadline and
    desks, or for a service of the national catalogue with the national
    defaults."""
    __name__ = 'ossis.service.fiche'

    @classmethod
    def render_records(cls, records, language):
        return 'pdf', cls.render_pdf(records, language)

    @classmethod
    def get_filename(cls, action, records):
        if len(records) != 1:
            return action.name
        record, = records
        if record.__name__ == 'ossis.lgu.service':
            return f'{action.name}-{record.company.code}-{record.service_code}'
        return f'{action.name}-{record.code}'

    @classmethod
    def render_pdf(cls, records, language):
        """Return the PDF of the fiches in the language

        The records are municipal services (ossis.lgu.service) or services
        of the national catalogue (ossis.service)."""
        pool = Pool()
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        if not records:
            raise ValueError("No service to print")
        Model = pool.get(records[0].__name__)
        with Transaction().set_context(language=language):
            records = Model.browse([r.id for r in records])
            story = []
            for record in records:
                if story:
                    story.append(PageBreak())
                if record.__name__ == 'ossis.lgu.service':
                    story.extend(cls.fiche(record.service, record))
                else:
                    story.extend(cls.fiche(record))
            title = gettext('ossis_services.msg_fiche_title')
            date = Lang.get().strftime(Date.today())
            return pdf.build(
                story, title=title, lang=language,
                footer=gettext(
                    'ossis_services.msg_fiche_footer', title=title,
                    date=date),
                page_label=gettext('ossis_services.msg_fiche_page'))

    @classmethod
    def fiche(cls, service, offer=None, outline=0):
        """Return the flowables of the fiche of the service

        offer is the municipal service, None for the national defaults.
        outline is the level of the fiche in the outline of the document.
        """
        story = cls.header(service, offer, outline)
        for section in cls.sections():
            story.extend(section(service, offer))
        return story

    @classmethod
    def sections(cls):
        """Return the methods that build the sections of a fiche, in order

        Each takes the service and the offer (or None) and returns a list of
        flowables."""
        return [
            cls.about_section,
            cls.steps_section,
            cls.documents_section,
            cls.fees_section,
            cls.deadlines_section,
            cls.silence_section,
            cls.where_section,
            cls.redress_section,
            cls.legal_basis_section,
            cls.notes_section,
            ]

    # Values

    @classmethod
    def municipality_name(cls, company):
        return company.official_name or company.rec_name

    @classmethod
    def estimates(cls, service, offer):
        """Return what on the fiche is an estimate of the national catalogue

        A fee that the municipality set is not."""
        names = (_WORD.match(n.strip())
            for n in (service.estimated_fields or '').split(';'))
        estimates = {ESTIMATES.get(n.group(), n.group()) for n in names if n}
        if offer and offer.fee != service.fee:
            estimates.discard('fee')
        return estimates

    @classmethod
    def lek(cls, amount):
        pool = Pool()
        Lang = pool.get('ir.lang')
        digits = 0 if amount == amount.to_integral_value() else 2
        return gettext(
            'ossis_services.msg_fiche_amount',
            amount=Lang.get().format_number(amount, digits))

    @classmethod
    def amount(cls, amount):
        if not amount:
            return gettext('ossis_services.msg_fiche_free')
        return cls.lek(amount)

    @classmethod
    def fee(cls, service, offer):
        "Return the fee as text and whether it is an estimate"
        estimate = 'fee' in cls.estimates(service, offer)
        if offer:
            return cls.amount(offer.fee), estimate
        if service.fee is not None:
            return cls.amount(service.fee), estimate
        if service.fee_maximum is not None:
            return gettext(
                'ossis_services.msg_fiche_fee_local_range',
                minimum=cls.lek(service.fee_minimum or Decimal(0)),
                maximum=cls.lek(service.fee_maximum)), False
        return gettext('ossis_services.msg_fiche_fee_local'), False

    @classmethod
    def days(cls, days, kind):
        if days is None:
            return gettext('ossis_services.msg_fiche_no_deadline')
        if days == 0:
            return gettext('ossis_services.msg_fiche_on_the_spot')
        if kind == 'calendar':
            return ngettext(
                'ossis_services.msg_fiche_calendar_days', days, days=days)
        return ngettext(
            'ossis_services.msg_fiche_working_days', days, days=days)

    @classmethod
    def promise(cls, service, offer):
        "Return the days promised and whether they are an estimate"
        estimate = 'deadline' in cls.estimates(service, offer)
        days = offer.days if offer else service.promise_days
        return days, estimate and days == service.promise_days

    @classmethod
    def channels(cls, service, offer):
        """Return whether the service is filed at a desk and online, here
        or through another national system"""
        online = (offer.online or bool(service.online_system)
            if offer else service.channel_online)
        return service.channel_desk or not online, online

    @classmethod
    def applicant(cls, service):
        return gettext(
            f'ossis_services.msg_fiche_applicant_{service.applicant_type}')

    @classmethod
    def answer(cls, service):
        return (service.output_document
            or gettext('ossis_services.msg_fiche_answer'))

    # Sections

    @classmethod
    def header(cls, service, offer, outline):
        if offer:
            authority = cls.municipality_name(offer.company)
        else:
            authority = gettext('ossis_services.msg_fiche_national')
        fee, fee_estimate = cls.fee(service, offer)
        days, days_estimate = cls.promise(service, offer)
        desk, online = cls.channels(service, offer)
        channel = ('both' if desk and online
            else 'online' if online else 'desk')
        return [
            pdf.para(authority, 'lgu'),
            pdf.heading(service.name, 'title', outline=outline),
            pdf.para(gettext(
                    'ossis_services.msg_fiche_reference',
                    code=service.code, category=service.category.rec_name),
                'subtitle'),
            pdf.facts([
                    (gettext('ossis_services.msg_fiche_fee'),
                        fee + (' *' if fee_estimate else '')),
                    (gettext('ossis_services.msg_fiche_deadline'),
                        cls.days(days, service.days_kind)
                        + (' *' if days_estimate else '')),
                    (gettext('ossis_services.msg_fiche_channel'),
                        gettext(
                            f'ossis_services.msg_fiche_channel_{channel}')),
                    (gettext('ossis_services.msg_fiche_applicant'),
                        cls.applicant(service)),
                    ]),
            ]

    @classmethod
    def about_section(cls, service, offer):
        story = [pdf.heading(gettext('ossis_services.msg_fiche_about'))]
        if service.purpose:
            story.append(pdf.para(service.purpose))
        story.append(pdf.labelled(
                gettext('ossis_services.msg_fiche_output'),
                cls.answer(service)))
        story.append(pdf.labelled(
                gettext('ossis_services.msg_fiche_applicant'),
                cls.applicant(service)))
        if offer and offer.responsible_unit:
            unit = offer.responsible_unit.name
        else:
            unit = service.unit_type.name
        story.append(pdf.labelled(
                gettext('ossis_services.msg_fiche_handled_by'), unit))
        return story

    @classmethod
    def steps(cls, service, offer):
        "Return the steps of an application as texts"
        desk, online = cls.channels(service, offer)
        on_the_spot = service.legal_days == 0
        if desk and online:
            steps = [gettext('ossis_services.msg_fiche_step_apply_both')]
        elif online:
            steps = [gettext('ossis_services.msg_fiche_step_apply_online')]
        else:
            steps = [gettext('ossis_services.msg_fiche_step_apply_desk')]
        if service.documents:
            step = gettext('ossis_services.msg_fiche_step_documents')
            if any(d.once_only for d in service.documents):
                step += ' ' + gettext(
                    'ossis_services.msg_fiche_step_documents_once_only')
            steps.append(step)
        fee = offer.fee if offer else service.fee
        if fee is None:
            steps.append(gettext('ossis_services.msg_fiche_step_pay_local'))
        elif fee:
            steps.append(gettext(
                    'ossis_services.msg_fiche_step_pay',
                    fee=cls.amount(fee)))
        else:
            steps.append(gettext('ossis_services.msg_fiche_step_free'))
        if on_the_spot:
            message = 'msg_fiche_step_answer_on_the_spot'
        else:
            if desk:
                steps.append(gettext(
                        'ossis_services.msg_fiche_step_register'))
            else:
                steps.append(gettext(
                        'ossis_services.msg_fiche_step_register_online'))
            if service.suspendable:
                steps.append(gettext(
                        'ossis_services.msg_fiche_step_examine_suspended'))
            else:
                steps.append(gettext(
                        'ossis_services.msg_fiche_step_examine'))
            if not desk:
                message = 'msg_fiche_step_answer_online_only'
            elif online:
                message = 'msg_fiche_step_answer_online'
            else:
                message = 'msg_fiche_step_answer'
        steps.append(gettext(
                f'ossis_services.{message}', answer=cls.answer(service)))
        return steps

    @classmethod
    def steps_section(cls, service, offer):
        story = [pdf.heading(gettext('ossis_services.msg_fiche_steps'))]
        for number, step in enumerate(cls.steps(service, offer), 1):
            story.append(pdf.para(step, 'step', bulletText=f'{number}.'))
        return story

    @classmethod
    def documents_section(cls, service, offer):
        story = [pdf.heading(gettext('ossis_services.msg_fiche_documents'))]
        if not service.documents:
            story.append(pdf.para(
                    gettext('ossis_services.msg_fiche_no_documents')))
            return story
        rows = []
        for number, document in enumerate(service.documents, 1):
            name = [pdf.para(document.document_type.name, 'cell')]
            if document.once_only:
                name.append(pdf.para(gettext(
                            'ossis_services.msg_fiche_once_only',
                            registry=selection_label(
                                document.document_type, 'registry')),
                        'small'))
            if document.requirement == 'conditional':
                needed = gettext(
                    'ossis_services.msg_fiche_conditional',
                    condition=document.condition or '')
            else:
                needed = gettext('ossis_services.msg_fiche_mandatory')
            rows.append([
                    str(number), name, needed,
                    gettext(f'ossis_services.msg_fiche_form_{document.form}'),
                    ])
        story.append(pdf.grid([
                    '#',
                    gettext('ossis_services.msg_fiche_document'),
                    gettext('ossis_services.msg_fiche_requirement'),
                    gettext('ossis_services.msg_fiche_form'),
                    ], rows, [8 * mm, 92 * mm, 46 * mm, 28 * mm]))
        if any(d.once_only for d in service.documents):
            story.append(pdf.para(
                    gettext('ossis_services.msg_fiche_once_only_note'),
                    'small'))
        return story

    @classmethod
    def fees_section(cls, service, offer):
        fee, estimate = cls.fee(service, offer)
        story = [
            pdf.heading(gettext('ossis_services.msg_fiche_fees')),
            pdf.labelled(
                gettext('ossis_services.msg_fiche_fee'),
                fee + (' *' if estimate else '')),
            ]
        if service.fee_note:
            story.append(pdf.labelled(
                    gettext('ossis_services.msg_fiche_fee_note'),
                    service.fee_note))
        if service.fee_exemptions:
            story.append(pdf.para(
                    gettext('ossis_services.msg_fiche_exemptions')))
            for exemption in service.fee_exemptions:
                category = selection_label(exemption, 'applicant_category')
                if exemption.reduction >= 100:
                    line = gettext(
                        'ossis_services.msg_fiche_exemption_full',
                        category=category)
                else:
                    line = gettext(
                        'ossis_services.msg_fiche_exemption_partial',
                        category=category, reduction=exemption.reduction)
                if exemption.note:
                    line += f' ({exemption.note})'
                story.append(pdf.para(line, 'bullet', bulletText='•'))
        return story

    @classmethod
    def deadlines_section(cls, service, offer):
        days, estimate = cls.promise(service, offer)
        legal_estimate = 'deadline' in cls.estimates(service, offer)
        kind = service.days_kind
        story = [
            pdf.heading(gettext('ossis_services.msg_fiche_deadlines')),
            pdf.labelled(
                gettext('ossis_services.msg_fiche_legal_deadline'),
                cls.days(service.legal_days, kind)
                + (' *' if legal_estimate else '')),
            pdf.labelled(
                gettext('ossis_services.msg_fiche_promise'),
                cls.days(days, kind) + (' *' if estimate else '')),
            ]
        if service.legal_days:
            story.append(pdf.para(gettext(
                        f'ossis_services.msg_fiche_days_{kind}')))
            if service.suspendable:
                story.append(pdf.para(
                        gettext('ossis_services.msg_fiche_suspended')))
        return story

    @classmethod
    def silence_section(cls, service, offer):
        story = [pdf.heading(gettext('ossis_services.msg_fiche_silence'))]
        if service.legal_days is None:
            story.append(pdf.para(
                    gettext('ossis_services.msg_fiche_silence_no_deadline')))
        story.append(pdf.para(gettext(
                    f'ossis_services.msg_fiche_silence_{service.silence_rule}'
                    )))
        return story

    @classmethod
    def where_section(cls, service, offer):
        story = [pdf.heading(gettext('ossis_services.msg_fiche_where'))]
        desk, online = cls.channels(service, offer)
        if not offer:
            if desk:
                story.append(pdf.para(
                        gettext('ossis_services.msg_fiche_where_national')))
            if online:
                story.append(pdf.para(gettext(
                            'ossis_services.msg_fiche_where_online_national')))
            return story
        if desk:
            def unit_name(desk):
                unit = desk.administrative_unit
                return unit.name if unit else ''
            desks = sorted(offer.desks, key=lambda d: (unit_name(d), d.name))
            rows = [
                [unit, ', '.join(d.name for d in desks)]
                for unit, desks in groupby(desks, key=unit_name)]
            header = [
                gettext('ossis_services.msg_fiche_administrative_unit'),
                gettext('ossis_services.msg_fiche_desks'),
                ]
            if rows:
                story.append(pdf.grid(header, rows, [70 * mm, 104 * mm]))
            else:
                story.append(pdf.para(
                        gettext('ossis_services.msg_fiche_no_desk')))
        if not desk:
            message = 'msg_fiche_where_online_only'
        elif online:
            message = 'msg_fiche_where_online'
        else:
            message = 'msg_fiche_where_not_online'
        story.append(pdf.para(gettext(f'ossis_services.{message}')))
        return story

    @classmethod
    def redress_section(cls, service, offer):
        return [
            pdf.heading(gettext('ossis_services.msg_fiche_redress')),
            pdf.para(gettext('ossis_services.msg_fiche_redress_appeal')),
            pdf.para(gettext('ossis_services.msg_fiche_redress_court')),
            pdf.para(gettext('ossis_services.msg_fiche_redress_service')),
            ]

    @classmethod
    def legal_basis_section(cls, service, offer):
        if not service.legal_bases:
            return []
        story = [
            pdf.heading(gettext('ossis_services.msg_fiche_legal_basis'))]
        for basis in service.legal_bases:
            line = basis.rec_name
            if basis.url:
                line += f' ({basis.url})'
            story.append(pdf.para(line, 'bullet', bulletText='•'))
        return story

    @classmethod
    def notes_section(cls, service, offer):
        pool = Pool()
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        story = []
        estimated = cls.estimates(service, offer)
        if estimated:
            known = set(ESTIMATES.values())
            names = [
                gettext(f'ossis_services.msg_fiche_estimated_{n}')
                if n in known else n
                for n in sorted(estimated)]
            story.append(pdf.para(gettext(
                        'ossis_services.msg_fiche_estimated',
                        fields=', '.join(names)), 'note'))
        story.append(pdf.para(gettext(
                    'ossis_services.msg_fiche_version',
                    version=service.version,
                    date=Lang.get().strftime(Date.today())), 'note'))
        return story
