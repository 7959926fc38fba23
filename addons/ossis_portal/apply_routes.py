# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applying online: the form, its review, the submission with its
confirmation and receipt, and saving to resume later from an emailed link

The values and the files live in a draft (ossis.portal.draft) between the
steps; the session of the visitor only holds the id of the draft and of
the applications submitted.  Invalid input stores nothing."""
import datetime as dt
from email.message import EmailMessage

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond import config
from trytond.exceptions import UserError
from trytond.modules.ossis_application.applicant import email_address
from trytond.modules.ossis_application.exceptions import (
    ApplicantValidationError)
from trytond.modules.ossis_application.upload import max_file_size
from trytond.modules.ossis_base import identifier
from trytond.sendmail import sendmail_transactional

from .catalogue_routes import offers
from .exceptions import PortalError
from .upload import read_upload
from .web import PortalRequestError, route

# A whole request: the files of a long checklist with the form
MAX_REQUEST_SIZE = 40 * 1024 * 1024
TEXT_LENGTH = 200
PHONE_CHARACTERS = set('0123456789 +-()/.')
# The submitted applications a session remembers for their receipts
SESSION_APPLICATIONS = 10
KINDS = {'citizen': 'person', 'business': 'business'}
GENDERS = {'female', 'male'}


# Finding the offer and the draft

def online_offer(portal, lgu, code):
    "Return the offer of the service code that the municipality gives online"
    company = portal.set_lgu(lgu)
    found = offers(portal.pool, company, code)
    if not found:
        raise NotFound()
    offer, = found
    service = offer.service
    if service.online_system:
        raise PortalRequestError(404, portal.gettext(
                'apply_elsewhere', system=service.online_system_string)
            + ' ' + service.online_system_url)
    if not offer.online:
        raise PortalRequestError(404, portal.gettext('apply_not_online'))
    return offer


def current_draft(portal, offer=None):
    "Return the draft of the session in the municipality, or None"
    Draft = portal.pool.get('ossis.portal.draft')
    draft_id = portal.session.get('draft')
    if not isinstance(draft_id, int):
        return None
    drafts = Draft.search([
            ('id', '=', draft_id),
            ('company', '=', portal.lgu.id),
            ('expires_at', '>', dt.datetime.now()),
            ], limit=1)
    if not drafts or (offer and drafts[0].lgu_service != offer):
        return None
    return drafts[0]


def applicant_kinds(offer):
    "Return the kinds of applicant that the service accepts"
    kind = KINDS.get(offer.service.applicant_type)
    return [kind] if kind else ['person', 'business']


def administrative_units(portal):
    AdministrativeUnit = portal.pool.get('ossis.administrative_unit')
    return AdministrativeUnit.search([
            ('company', '=', portal.lgu.id),
            ], order=[('name', 'ASC')])


# Reading the form

class Form:
    """The values and the files of the form of a service with their errors

    The values are read as typed and checked apart: saving for later keeps
    them as they are, the review and the submission need them valid."""

    def __init__(self, portal, offer, draft=None):
        self.portal = portal
        self.offer = offer
        self.draft = draft
        values = draft.values if draft else {}
        self.applicant = dict(values.get('applicant') or {})
        self.consent = bool(values.get('consent'))
        self.uploads = []
        self.removed = set()
        self.errors = {}
        # The errors that prevent saving for later
        self.blocking = set()
        self.kinds = applicant_kinds(offer)
        self.applicant.setdefault('kind', self.kinds[0])

    @property
    def files(self):
        return self.draft.files if self.draft else {}

    @property
    def attached(self):
        "The documents that have a file after this request"
        kept = set(self.files) - self.removed
        return kept | {d.id for d, _, _ in self.uploads}

    def error(self, field, name, **variables):
        self.errors.setdefault(field, self.portal.gettext(name, **variables))

    def read(self, final):
        """Read the values and the files of the request and check them;
        return whether they may be stored: final when the application must
        be complete (review), else for saving it as it is"""
        self.read_values()
        self.read_files()
        self.check(final)
        if final:
            return not self.errors
        return not (self.blocking & set(self.errors))

    def read_values(self):
        form = self.portal.request.form
        text = {k: form.get(k, '').strip() for k in [
                'kind', 'name', 'identifier', 'email', 'phone', 'gender',
                'administrative_unit', 'address']}
        kind = text['kind'] if len(self.kinds) > 1 else self.kinds[0]
        unit = text['administrative_unit']
        self.applicant = {
            'kind': kind if kind in self.kinds else None,
            'name': text['name'],
            'identifier': identifier.compact(text['identifier']),
            'email': email_address(text['email']) or text['email'].lower(),
            'phone': text['phone'],
            'gender': (text['gender']
                if kind == 'person' and text['gender'] in GENDERS
                else None),
            # An unknown unit is kept unknown, to be told at the review
            'administrative_unit': (
                int(unit) if unit.isdigit() and len(unit) < 10
                else -1 if unit else None),
            'address': text['address'],
            }
        self.consent = form.get('consent') == 'yes'

    def read_files(self):
        """Read the files chosen and the files to remove; a file refused
        is told and prevents saving"""
        form, files = self.portal.request.form, self.portal.request.files
        for document in self.offer.service.documents:
            field = f'document_{document.id}'
            upload = files.get(field)
            if upload and upload.filename:
                try:
                    name, data, _ = read_upload(upload)
                except UserError as exception:
                    self.errors[field] = exception.message
                    self.blocking.add(field)
                else:
                    self.uploads.append((document, name, data))
            elif form.get(f'remove_{field}') == 'yes':
                self.removed.add(document.id)

    def check(self, final):
        """Check the values; those required only when final"""
        applicant = self.applicant
        kind = applicant.get('kind')
        if kind not in self.kinds and final:
            self.error('kind', 'apply_kind_required')
        self.check_name(applicant.get('name') or '', final)
        self.check_identifier(
            kind if kind in self.kinds else self.kinds[0],
            applicant.get('identifier') or '', final)
        self.check_email(applicant.get('email') or '')
        self.check_phone(applicant.get('phone') or '')
        self.check_unit(applicant.get('administrative_unit'))
        self._long('address', applicant.get('address') or '')
        if final and not self.consent:
            self.error('consent', 'apply_consent_required')
        if final:
            self.check_documents()
        return not self.errors

    def check_complete(self):
        """Check the values of the draft as a final submission does: a
        draft saved for later may lack some or hold wrong ones"""
        return self.check(final=True)

    def _long(self, field, value):
        if len(value) > TEXT_LENGTH:
            self.error(field, 'apply_too_long', length=TEXT_LENGTH)
            self.blocking.add(field)
            return True
        return False

    def check_name(self, value, final):
        if not value and final:
            self.error('name', 'apply_name_required')
        self._long('name', value)

    def check_identifier(self, kind, number, final):
        Applicant = self.portal.pool.get('ossis.applicant')
        if not number:
            if final:
                self.error('identifier', 'apply_nid_required'
                    if kind == 'person' else 'apply_nipt_required')
            return
        if self._long('identifier', number):
            return
        try:
            Applicant.check_identifier(
                [Applicant(kind=kind, identifier=number)])
        except ApplicantValidationError as exception:
            self.errors.setdefault('identifier', exception.message)

    def check_email(self, value):
        Applicant = self.portal.pool.get('ossis.applicant')
        # The confirmation and the resume link are sent there
        self.blocking.add('email')
        if not value:
            self.error('email', 'apply_email_required')
            return
        if self._long('email', value):
            return
        try:
            Applicant.check_email([Applicant(email=value)])
        except ApplicantValidationError as exception:
            self.errors.setdefault('email', exception.message)

    def check_phone(self, value):
        digits = sum(c.isdigit() for c in value)
        if value and (set(value) - PHONE_CHARACTERS
                or not 6 <= digits <= 15):
            self.error('phone', 'apply_phone_invalid')
        self._long('phone', value)

    def check_unit(self, value):
        if value is not None and value not in {
                u.id for u in administrative_units(self.portal)}:
            self.error('administrative_unit', 'apply_unit_invalid')

    def check_documents(self):
        attached = self.attached
        for document in self.offer.service.documents:
            if (document.requirement == 'mandatory'
                    and document.id not in attached):
                self.error(f'document_{document.id}',
                    'apply_document_required',
                    document=document.document_type.name)

    @property
    def changes_files(self):
        return bool(self.uploads or self.removed & set(self.files))

    def store(self, values=True):
        """Store the files, and the values unless told not to, in the
        draft; return the draft"""
        Draft = self.portal.pool.get('ossis.portal.draft')
        self.draft = Draft.store(
            self.draft, self.portal.lgu, self.offer, self.portal.language,
            {'applicant': self.applicant, 'consent': self.consent}
            if values else None,
            self.uploads, self.removed)
        return self.draft


# Pages

def render_form(portal, offer, form, status=200):
    portal.private = True
    return portal.render(
        'apply.html', status=status, offer=offer, service=offer.service,
        form=form, units=administrative_units(portal),
        max_size=portal.format_number(max_file_size() / 1024 / 1024, 0))


@route('/<lgu>/services/<code>/apply', methods=('GET', 'POST'),
    max_request_size=MAX_REQUEST_SIZE)
def apply(portal, lgu, code):
    offer = online_offer(portal, lgu, code)
    portal.private = True
    draft = current_draft(portal, offer)
    form = Form(portal, offer, draft)
    if portal.request.method != 'POST':
        return render_form(portal, offer, form)
    action = portal.request.form.get('action')
    save = action == 'save'
    Draft = portal.pool.get('ossis.portal.draft')
    if not form.read(final=not save):
        if form.changes_files:
            # The files accepted are kept for when the errors are corrected
            Draft.purge()
            portal.session['draft'] = form.store(values=False).id
        return render_form(portal, offer, form, status=400)
    Draft.purge()
    draft = form.store()
    portal.session['draft'] = draft.id
    if save:
        save_for_later(portal, offer, draft)
        return portal.redirect(
            portal.lgu_url('services', offer.service_code, 'apply', 'saved'))
    return portal.redirect(
        portal.lgu_url('services', offer.service_code, 'apply', 'review'))


def save_for_later(portal, offer, draft):
    """Give the draft a resume link and send it to the applicant, unless
    the client or the address had too many of them lately: the visitor is
    told the same, so that nobody learns what is throttled"""
    Draft = portal.pool.get('ossis.portal.draft')
    token = Draft.save_for_later([draft])[draft]
    email = draft.values['applicant']['email']
    if not may_send_draft_email(portal, email):
        return
    municipality = municipality_name(portal)
    url = (portal.request.host_url.rstrip('/')
        + portal.lgu_url('resume', token))
    message = EmailMessage()
    message['From'] = config.get('email', 'from')
    message['To'] = email
    message['Subject'] = portal.gettext(
        'resume_email_subject', municipality=municipality)
    message.set_content(portal.gettext(
            'resume_email_body', municipality=municipality,
            service=offer.service.name, url=url,
            date=portal.format_date(Draft(draft.id).expires_at)))
    sendmail_transactional(message['From'], [email], message)


def may_send_draft_email(portal, email):
    "Count the email for the client network and the address"
    Attempt = portal.pool.get('ossis.portal.attempt')
    with Attempt.counting() as counter:
        return (counter.reserve('draft_email_network',
                Attempt.network_key(portal.request.remote_addr))
            and counter.reserve('draft_email_address', Attempt.key(email)))


def municipality_name(portal):
    Fiche = portal.pool.get('ossis.service.fiche', type='report')
    return Fiche.municipality_name(portal.lgu)


@route('/<lgu>/services/<code>/apply/saved')
def saved(portal, lgu, code):
    offer = online_offer(portal, lgu, code)
    portal.private = True
    draft = current_draft(portal, offer)
    if not draft or not draft.token_hash:
        return portal.redirect(
            portal.lgu_url('services', offer.service_code, 'apply'))
    return portal.render(
        'apply_saved.html', offer=offer, service=offer.service,
        expires=portal.format_date(draft.expires_at))


@route('/<lgu>/services/<code>/apply/review')
def review(portal, lgu, code):
    offer = online_offer(portal, lgu, code)
    portal.private = True
    draft = current_draft(portal, offer)
    if not draft:
        return portal.redirect(
            portal.lgu_url('services', offer.service_code, 'apply'))
    form = Form(portal, offer, draft)
    if not form.check_complete():
        return render_form(portal, offer, form)
    return render_review(portal, offer, form)


def render_review(portal, offer, form):
    unit = form.applicant.get('administrative_unit')
    units = {u.id: u for u in administrative_units(portal)}
    Fiche = portal.pool.get('ossis.service.fiche', type='report')
    return portal.render(
        'apply_review.html', offer=offer, service=offer.service, form=form,
        unit=units.get(unit), fee=Fiche.fee(offer.service, offer)[0])


@route('/<lgu>/services/<code>/apply/submit', methods=('POST',))
def submit(portal, lgu, code):
    pool = portal.pool
    Draft = pool.get('ossis.portal.draft')
    offer = online_offer(portal, lgu, code)
    portal.private = True
    draft = current_draft(portal, offer)
    if not draft:
        raise PortalError(portal.gettext('apply_draft_missing'))
    form = Form(portal, offer, draft)
    if not form.check_complete():
        return render_form(portal, offer, form, status=400)
    application = Draft.submit(draft)
    portal.session.pop('draft', None)
    submitted = [i for i in portal.session.get('applications', [])
        if isinstance(i, int)]
    portal.session['applications'] = (
        submitted + [application.id])[-SESSION_APPLICATIONS:]
    return portal.redirect(
        portal.lgu_url('applications', application.id, 'confirmation'))


def session_application(portal, lgu, application):
    "Return the application submitted in the session of the visitor"
    Application = portal.pool.get('ossis.application')
    portal.set_lgu(lgu)
    portal.private = True
    if application not in portal.session.get('applications', []):
        raise NotFound()
    applications = Application.search([
            ('id', '=', application),
            ('company', '=', portal.lgu.id),
            ('number', '!=', None),
            ], limit=1)
    if not applications:
        raise NotFound()
    return applications[0]


@route('/<lgu>/applications/<int:application>/confirmation')
def confirmation(portal, lgu, application):
    application = session_application(portal, lgu, application)
    return portal.render(
        'apply_done.html', application=application,
        service=application.service)


@route('/<lgu>/applications/<int:application>/receipt')
def receipt(portal, lgu, application):
    pool = portal.pool
    Receipt = pool.get('ossis.application.receipt', type='report')
    application = session_application(portal, lgu, application)
    _, content = Receipt.render_records([application], portal.language)
    response = Response(content, content_type='application/pdf')
    response.headers['Content-Disposition'] = (
        f'attachment; filename="receipt-{application.number}.pdf"')
    return response


@route('/<lgu>/resume/<token>', readonly=False)
def resume(portal, lgu, token):
    "Open the draft of the link sent by email, when it is still valid"
    pool = portal.pool
    Attempt = pool.get('ossis.portal.attempt')
    Draft = pool.get('ossis.portal.draft')
    company = portal.set_lgu(lgu)
    portal.private = True
    key = Attempt.network_key(portal.request.remote_addr)
    with Attempt.counting() as counter:
        if not counter.reserve('resume', key):
            return portal.error(429, portal.gettext('resume_blocked'))
        draft = Draft.find(company, token)
        if not draft or not draft.lgu_service.online:
            # Answered, not raised, so that the attempt stays counted
            return portal.error(404, portal.gettext('resume_unknown'))
        counter.release('resume', key)
    portal.session['draft'] = draft.id
    return portal.redirect(portal.lgu_url(
            'services', draft.lgu_service.service_code, 'apply'))
