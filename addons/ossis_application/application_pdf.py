# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The PDF documents of an application: its receipt and its output document

Both are built from plain data (dictionaries of texts, dates and amounts),
not from records, so that the application, the online portal and other
systems print the same documents.  The texts of the data (names of the
municipality, the service, the documents) are given in the language of the
document; the labels come from the module's messages in that language, so a
Tryton transaction on a database with this module is needed.
"""
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from trytond.i18n import gettext
from trytond.modules.ossis_services import pdf
from trytond.pool import Pool
from trytond.transaction import Transaction

QR_SIZE = 34 * mm
# Medium error correction: the code survives a stain or a fold
QR_LEVEL = 'M'
STYLES = {
    'code': ParagraphStyle(
        'code', pdf.STYLES['body'], fontName=pdf.MONO_BOLD, fontSize=10.5,
        leading=13),
    'code_centred': ParagraphStyle(
        'code_centred', pdf.STYLES['body'], fontName=pdf.MONO_BOLD,
        fontSize=10.5, leading=13, alignment=TA_CENTER),
    'caption': ParagraphStyle(
        'caption', pdf.STYLES['small'], alignment=TA_CENTER),
    'centred': ParagraphStyle(
        'centred', pdf.STYLES['body'], alignment=TA_CENTER),
    'label': ParagraphStyle(
        'label', pdf.STYLES['body'], fontName=pdf.BOLD, textColor=pdf.ACCENT,
        fontSize=10),
    }


def message(message_id, /, **variables):
    "Return the message of the module in the language of the transaction"
    return gettext(f'ossis_application.{message_id}', **variables)


def para(value, style, bold=False):
    "Return a paragraph of the value in one of the styles of this file"
    markup = pdf.text(value)
    if bold:
        markup = f'<b>{markup}</b>'
    return Paragraph(markup, STYLES[style])


def qr_code(value, size=QR_SIZE):
    "Return a drawing of the QR code of the value"
    widget = QrCodeWidget(
        value, barWidth=size, barHeight=size, barLevel=QR_LEVEL)
    drawing = Drawing(size, size, initialFontName=pdf.FONT)
    # Readers need a light background: the page may be coloured under it
    drawing.add(Rect(
            0, 0, size, size, fillColor=colors.white, strokeColor=None))
    drawing.add(widget)
    return drawing


def _lang():
    return Pool().get('ir.lang').get()


def date_text(value):
    "Return the date in the format of the language"
    return _lang().strftime(value) if value else ''


def datetime_text(value):
    "Return the date and the time to the minute in the language"
    lang = _lang()
    return lang.strftime(value, lang.date + ' %H:%M') if value else ''


def amount_text(amount):
    "Return the amount in lek"
    digits = 0 if amount == amount.to_integral_value() else 2
    # The amounts are written as in the fiche of the service
    return gettext(
        'ossis_services.msg_fiche_amount',
        amount=_lang().format_number(amount, digits))


def party_text(party):
    """Return the name of the applicant or representative with its
    identifier: a NID for a person, a NIPT for a business"""
    identifier = party.get('identifier')
    if not identifier:
        return party['name']
    if party.get('kind') == 'business':
        return message(
            'msg_receipt_business', name=party['name'],
            identifier=identifier)
    return message(
        'msg_receipt_person', name=party['name'], identifier=identifier)


def paragraphs(value, style='body'):
    """Return the paragraphs of a text, separated by blank lines; a single
    line break stays a line break"""
    blocks = [b.strip() for b in (value or '').split('\n\n')]
    return [
        pdf.para(None, style, markup='<br/>'.join(
                pdf.text(line) for line in block.splitlines()))
        for block in blocks if block]


def side_by_side(left, right, right_width, width=pdf.WIDTH):
    """Return a table as wide as width with the flowables of left beside
    those of right"""
    table = Table(
        [[left, right]], colWidths=[width - right_width, right_width])
    table.setStyle(pdf.table_style(
                ('VALIGN', (0, 0), (-1, -1), 'TOP'),
                ('ALIGN', (1, 0), (1, -1), 'CENTER'),
                ('LEFTPADDING', (0, 0), (-1, -1), 0),
                ('RIGHTPADDING', (0, 0), (0, -1), 4 * mm),
                ('RIGHTPADDING', (1, 0), (1, -1), 0),
                ))
    return table


BOX_PADDING = 3 * mm


def boxed(flowable):
    """Return the flowable framed in a light box as wide as the page

    The flowable is BOX_PADDING narrower than the page on each side."""
    table = Table([[flowable]], colWidths=[pdf.WIDTH])
    table.setStyle(pdf.table_style(
                ('BOX', (0, 0), (-1, -1), 0.6, pdf.RULE),
                ('BACKGROUND', (0, 0), (-1, -1), pdf.LIGHT),
                ('TOPPADDING', (0, 0), (-1, -1), BOX_PADDING),
                ('BOTTOMPADDING', (0, 0), (-1, -1), BOX_PADDING),
                ('LEFTPADDING', (0, 0), (-1, -1), BOX_PADDING),
                ('RIGHTPADDING', (0, 0), (-1, -1), BOX_PADDING),
                ))
    return table


def worded(data, part, default):
    """Return the part (title, body or closing) of the municipality's
    wording of the document when the data has one (see
    document_template.py), else the default wording"""
    if data.get('wording') is None:
        return default
    return data['wording'].get(part) or ''


def office_line(data):
    "Return the desk and administrative unit line, or None"
    parts = []
    if data.get('desk'):
        parts.append(f"{message('msg_receipt_desk')}: {data['desk']}")
    if data.get('administrative_unit'):
        parts.append(
            f"{message('msg_receipt_administrative_unit')}: "
            f"{data['administrative_unit']}")
    return ' · '.join(parts) or None


# Receipt

def render_receipt(data, language):
    """Return the PDF of the receipt of a filed application in the language

    The receipt is what the Code of Administrative Procedures (Law 44/2015,
    art. 60) asks the municipality to give when it receives an application.
    One A4 page.  The keys of data:

    municipality
        official name of the municipality (str)
    desk, administrative_unit
        the front desk where it was filed and its administrative unit
        (str, optional)
    number
        application number, e.g. ``ELB-2026-000042`` (str)
    submitted_at
        when it was filed, in local time (datetime)
    service_name, service_code
        the service applied for (str)
    applicant, representative
        dicts with ``name`` (str), ``identifier`` (NID or NIPT, str,
        optional) and ``kind`` (``person`` or ``business``);
        representative is optional
    documents
        list of dicts, one per item of the checklist: ``name`` (str),
        ``status`` (``received``, ``missing`` or ``fetched``), ``registry``
        (str, optional: the registry a fetched document came from)
    fee
        the fee in lek (Decimal, optional)
    fee_state
        ``none``, ``due``, ``paid`` or ``exempted`` (default ``none``, or
        ``due`` when there is a fee)
    fee_receipt
        number of the payment receipt of a paid fee (str, optional)
    fee_exemption_reason
        why the fee is exempted (str, optional)
    due_date
        expected date of the answer (date)
    tracking_code
        the application's tracking code (str)
    tracking_url
        address where the applicant follows the application (str,
        optional); the QR code holds it, else the number and the tracking
        code
    channel
        ``desk``, ``online`` or ``system`` (default ``desk``)
    registered_by
        name of the employee who registered it (str, optional)
    wording
        the municipality's ``title``, ``body`` (under the title) and
        ``closing`` (the notes at the end), filled in (dict of str,
        optional; without it, the default wording)
    """
    with Transaction().set_context(language=language):
        title = worded(data, 'title', message('msg_receipt_title'))
        return pdf.archival(pdf.build(
                receipt_story(data), title=title, lang=language,
                author=data['municipality'], subject=data['number'],
                footer=message('msg_receipt_footer', number=data['number']),
                page_label=''))


def receipt_story(data):
    story = [pdf.para(data['municipality'], 'lgu')]
    office = office_line(data)
    if office:
        story.append(pdf.para(office, 'small'))
    story += [
        pdf.para(worded(data, 'title', message('msg_receipt_title')), 'title'),
        *paragraphs(
            worded(data, 'body', message('msg_receipt_legal')), 'subtitle'),
        pdf.facts([
                (message('msg_receipt_number'), data['number']),
                (message('msg_receipt_filed'),
                    datetime_text(data['submitted_at'])),
                (message('msg_receipt_due'), date_text(data['due_date'])),
                ]),
        Spacer(0, 3 * mm),
        side_by_side(
            receipt_details(data), tracking_block(data), 62 * mm),
        ]
    story += documents_section(data.get('documents') or [])
    story += [
        pdf.heading(message('msg_receipt_follow')),
        pdf.para(tracking_note(data)),
        ]
    story += paragraphs(worded(data, 'closing', '\n\n'.join([
                    message('msg_receipt_secret'),
                    message('msg_receipt_complain')])))
    return story


def receipt_details(data):
    details = [
        pdf.labelled(
            message('msg_receipt_service'),
            message(
                'msg_receipt_service_value', name=data['service_name'],
                code=data['service_code'])),
        pdf.labelled(
            message('msg_receipt_applicant'), party_text(data['applicant'])),
        ]
    if data.get('representative'):
        details.append(pdf.labelled(
                message('msg_receipt_representative'),
                party_text(data['representative'])))
    details.append(pdf.labelled(message('msg_receipt_fee'), fee_text(data)))
    details.append(pdf.labelled(
            message('msg_receipt_registered_by'), registered_by(data)))
    return details


def fee_text(data):
    fee = data.get('fee')
    state = data.get('fee_state') or ('due' if fee else 'none')
    if state == 'exempted':
        reason = data.get('fee_exemption_reason')
        if reason:
            return message('msg_receipt_fee_exempted', reason=reason)
        return message('msg_receipt_fee_exempted_plain')
    if state == 'none' or not fee:
        return message('msg_receipt_fee_none')
    amount = amount_text(fee)
    if state == 'paid':
        if data.get('fee_receipt'):
            return message(
                'msg_receipt_fee_paid', amount=amount,
                receipt=data['fee_receipt'])
        return message('msg_receipt_fee_paid_plain', amount=amount)
    return message('msg_receipt_fee_due', amount=amount)


def registered_by(data):
    channel = data.get('channel') or 'desk'
    if channel != 'desk' and not data.get('registered_by'):
        return message(f'msg_receipt_channel_{channel}')
    return data.get('registered_by') or ''


def tracking_value(data):
    "Return what the QR code of the receipt holds"
    if data.get('tracking_url'):
        return data['tracking_url']
    return f"{data['number']} {data['tracking_code']}"


def tracking_block(data):
    return [
        qr_code(tracking_value(data)),
        para(message('msg_receipt_tracking_code'), 'caption'),
        para(data['tracking_code'], 'code_centred'),
        para(message('msg_receipt_scan'), 'caption'),
        ]


def tracking_note(data):
    if data.get('tracking_url'):
        return message('msg_receipt_track_url', url=data['tracking_url'])
    return message('msg_receipt_track_desk')


def document_status(document):
    status = document['status']
    if status == 'fetched':
        if document.get('registry'):
            return message(
                'msg_receipt_fetched', registry=document['registry'])
        return message('msg_receipt_fetched_plain')
    return message(f'msg_receipt_{status}')


def documents_section(documents):
    story = [pdf.heading(message('msg_receipt_documents'))]
    if not documents:
        story.append(pdf.para(message('msg_receipt_no_documents')))
        return story
    rows = [
        [str(number), d['name'], document_status(d)]
        for number, d in enumerate(documents, 1)]
    story.append(pdf.grid(
            ['#', message('msg_receipt_document'),
                message('msg_receipt_status')],
            rows, [8 * mm, 106 * mm, pdf.WIDTH - 114 * mm]))
    if any(d['status'] == 'missing' for d in documents):
        story.append(pdf.para(message('msg_receipt_missing_note')))
    return story


# Output document

def render_output(data, language):
    """Return the PDF of the output document of a decided application

    The certificate or permit of an approved application, or the decision
    of refusal of a rejected one, with a verification block.  The keys of
    data:

    municipality
        official name of the municipality (str)
    unit
        the unit that issues the document (str, optional)
    decision
        ``approved`` or ``rejected``
    title
        the name of the service's output document, e.g. "Residence
        certificate" (str); a rejection is titled "Decision of refusal"
    number
        number of the document (str)
    date
        date of the document (date)
    application_number
        number of the application (str)
    submitted_date
        date the application was filed (date, optional)
    applicant
        dict with ``name``, ``identifier`` (NID or NIPT, optional) and
        ``kind`` (``person`` or ``business``)
    service_name, service_code
        the service (str)
    text
        what the municipality certifies, permits or decides (str;
        paragraphs separated by blank lines)
    reasons
        the reasons of the decision (str, optional; expected for a
        refusal)
    appeal_days
        days to appeal against a refusal (int, optional; without it the
        document refers to the time limit set by law)
    signed_by
        dict with the ``name`` and the ``position`` of the signatory
    verification_code
        the document's verification code (str)
    verification_url
        address where the document is verified (str, optional); the QR
        code holds it, else the verification code
    wording
        the municipality's ``title``, ``body`` (which replaces text) and
        ``closing`` (the right of appeal of a refusal, the last paragraphs
        of an approval), filled in (dict of str, optional; without it, the
        default wording)
    decision_date, due_date, fee, tracking_code
        the date of the decision, the expected date, the fee and the
        tracking code of the application, for the wording (optional)
    """
    with Transaction().set_context(language=language):
        title = output_title(data)
        return pdf.archival(pdf.build(
                output_story(data, title), title=title, lang=language,
                author=data['municipality'], subject=data['number'],
                footer=message(
                    'msg_output_footer', title=title, number=data['number'],
                    code=data['verification_code']),
                page_label=message('msg_output_page')))


def output_title(data):
    if data['decision'] == 'rejected':
        return worded(data, 'title', message('msg_output_refusal'))
    return worded(data, 'title', data['title'])


def output_story(data, title):
    story = [pdf.para(data['municipality'], 'lgu')]
    if data.get('unit'):
        story.append(pdf.para(data['unit'], 'small'))
    if data.get('submitted_date'):
        application = message(
            'msg_output_application_value',
            number=data['application_number'],
            date=date_text(data['submitted_date']))
    else:
        application = data['application_number']
    story += [
        pdf.para(title, 'title'),
        Spacer(0, 2 * mm),
        pdf.facts([
                (message('msg_output_number'), data['number']),
                (message('msg_output_date'), date_text(data['date'])),
                (message('msg_output_application'), application),
                ]),
        Spacer(0, 3 * mm),
        pdf.labelled(
            message('msg_output_applicant'), party_text(data['applicant'])),
        pdf.labelled(
            message('msg_output_service'),
            message(
                'msg_receipt_service_value', name=data['service_name'],
                code=data['service_code'])),
        pdf.heading(message('msg_output_decision')),
        ]
    story += paragraphs(worded(data, 'body', data.get('text')))
    if data.get('reasons'):
        story.append(pdf.heading(message('msg_output_reasons')))
        story += paragraphs(data['reasons'])
    if data['decision'] == 'rejected':
        closing = paragraphs(worded(data, 'closing', appeal_text(data)))
        if closing:
            story.append(pdf.heading(message('msg_output_appeal')))
        story += closing
    else:
        story += paragraphs(worded(data, 'closing', ''))
    story.append(KeepTogether([
                Spacer(0, 8 * mm),
                signature(data['signed_by']),
                Spacer(0, 8 * mm),
                verification_block(data),
                ]))
    return story


def appeal_text(data):
    if data.get('appeal_days'):
        return message('msg_output_appeal_days', days=data['appeal_days'])
    return message('msg_output_appeal_law')


def signature(signed_by):
    "Return the block of the signatory, on the right"
    block = [
        para(signed_by.get('position'), 'centred'),
        Spacer(0, 12 * mm),
        para(signed_by['name'], 'centred', bold=True),
        ]
    return side_by_side([], block, 70 * mm)


def verification_value(data):
    "Return what the QR code of the output document holds"
    return data.get('verification_url') or data['verification_code']


def verification_block(data):
    if data.get('verification_url'):
        where = message(
            'msg_output_verify_url', url=data['verification_url'])
    else:
        where = message('msg_output_verify_desk')
    text = [
        para(message('msg_output_verification'), 'label'),
        para(data['verification_code'], 'code'),
        pdf.para(where),
        ]
    size = 30 * mm
    return boxed(side_by_side(
            text, [qr_code(verification_value(data), size)], size,
            width=pdf.WIDTH - 2 * BOX_PADDING))
