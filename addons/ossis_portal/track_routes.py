# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Where applicants follow their application: the tracking form, the status
page, the answer to a request for information, the withdrawal, the
feedback and the receipt

The tracking form is common to all municipalities: the number and the
tracking code together open the application, whose id is then kept in the
session.  The pages of an application are under its municipality and show
it only to a session that opened it."""
import contextlib
import functools

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.exceptions import UserError
from trytond.modules.ossis_application.verification import tracking_code
from trytond.modules.ossis_monitoring.application_feedback import (
    FEEDBACK_STATES, RATINGS)

from . import tracking, tracking_read
from .upload import MAX_FILES, MAX_REQUEST_SIZE, check_upload, is_empty
from .web import PortalRequestError, route

SESSION_KEY = 'applications'
# The applications a session keeps open, the last ones
SESSION_SIZE = 5
NUMBER_LENGTH = 40
TEXT_LENGTH = 2000
# The states in which the applicant may still withdraw
WITHDRAWABLE = ['submitted', 'in_progress', 'waiting']
# What a finished action tells on the status page
DONE = {'answered', 'withdrawn', 'feedback'}


@contextlib.contextmanager
def counted_attempt(portal, kind):
    """Count the lookup of the block before it is made and refuse the
    client that failed too many lately; yield the function that gives the
    attempt back when the lookup found: only failures count"""
    Attempt = portal.pool.get('ossis.portal.attempt')
    key = Attempt.network_key(portal.request.remote_addr)
    with Attempt.counting() as counter:
        if not counter.reserve(kind, key):
            raise PortalRequestError(429, portal.gettext('too_many_attempts'))
        yield functools.partial(counter.release, kind, key)


def remember(portal, application):
    "Keep the application open in the session of the visitor"
    ids = [i for i in portal.session.get(SESSION_KEY, [])
        if i != application.id]
    ids.append(application.id)
    portal.session[SESSION_KEY] = ids[-SESSION_SIZE:]


def session_ids(portal):
    "Return the ids of the applications the session opened"
    return [i for i in portal.session.get(SESSION_KEY, [])
        if isinstance(i, int)]


def remembered(portal):
    """Return the applications the session opened, the last first, with
    their number, municipality and service"""
    return tracking_read.opened(list(reversed(session_ids(portal))))


def counted_lookup(portal, number, code):
    """Return the application of the number and the tracking code on a
    published municipality, or None; the lookup is counted, and refused to
    the client that failed too many lately"""
    Attempt = portal.pool.get('ossis.portal.attempt')
    key = Attempt.network_key(portal.request.remote_addr)
    with Attempt.counting() as counter:
        allowed, application = tracking_read.counted_find(
            counter, 'tracking', key, number.strip().upper(),
            tracking_code(code) or '')
    if not allowed:
        raise PortalRequestError(429, portal.gettext('too_many_attempts'))
    return application


def required_errors(portal, values, names):
    return {n: portal.gettext('track_required') for n in names
        if not values.get(n)}


@route('/track', methods=('GET', 'POST'))
def track(portal):
    portal.private = True
    source = (portal.request.form if portal.request.method == 'POST'
        else portal.request.args)
    values = {
        'number': source.get('number', '').strip()[:NUMBER_LENGTH],
        'code': source.get('code', '').strip()[:NUMBER_LENGTH],
        }
    errors, mismatch = {}, False
    if portal.request.method == 'POST':
        errors = required_errors(portal, values, ['number', 'code'])
        if not errors:
            application = counted_lookup(
                portal, values['number'], values['code'])
            if application:
                remember(portal, application)
                return portal.redirect(status_url(
                        portal, application.lgu, application.number))
            # The same answer for a wrong number, a wrong code or both
            mismatch = True
    return portal.render(
        'track.html', status=400 if errors or mismatch else 200,
        values=values, errors=errors, mismatch=mismatch,
        opened=remembered(portal))


@route('/track/<code>')
def track_code(portal, code):
    "The address of the QR code of the receipt: the form with the code"
    portal.private = True
    return portal.render(
        'track.html', values={'number': '', 'code': code[:NUMBER_LENGTH]},
        errors={}, mismatch=False, opened=remembered(portal))


def status_url(portal, lgu, number, *parts, **query):
    return portal.url(lgu, 'applications', number, *parts, **query)


def record_url(portal, application, *parts, **query):
    "Return the address of a page of the application record"
    return status_url(
        portal, application.company.code, application.number, *parts,
        **query)


def opened(portal, lgu, number):
    """Return the application of the number of the municipality if the
    session opened it, else fail with 404"""
    Application = portal.pool.get('ossis.application')
    company = portal.set_lgu(lgu)
    portal.private = True
    applications = Application.search([
            ('id', 'in', session_ids(portal)),
            ('company', '=', company.id),
            ('number', '=', number),
            ], limit=1)
    if not applications:
        raise NotFound()
    return applications[0]


def requested_documents(application):
    "Return the checklist lines still missing, the mandatory first"
    return sorted(
        (d for d in application.documents if d.status == 'missing'),
        key=lambda d: (not d.mandatory, d.sequence or 0, d.id))


def opened_status(portal, lgu, number):
    """Return what the status page shows of the application of the number
    of the municipality if the session opened it, else fail with 404"""
    portal.private = True
    application = tracking_read.status(session_ids(portal), lgu, number)
    if not application:
        raise NotFound()
    Company = portal.pool.get('company.company')
    portal.lgu = Company(
        application.lgu_id, code=application.lgu,
        crest_id=application.lgu_crest_id,
        portal_colour=application.lgu_colour, portal_published=True,
        rec_name=application.lgu_name)
    return application


def render_status(portal, lgu, number, status=200, errors=None,
        values=None, form=None):
    application = opened_status(portal, lgu, number)
    lines = application.history
    waiting = application.state == 'waiting'
    done = portal.request.args.get('done')
    return portal.render(
        'application.html', status=status, application=application,
        step_name=tracking.current_step(portal, application),
        history=tracking.history(portal, application, lines),
        request=tracking.information_request(lines),
        documents=(tracking_read.missing_documents(application.id)
            if waiting else []),
        withdrawable=application.state in WITHDRAWABLE,
        feedback_open=(application.state in FEEDBACK_STATES
            and not application.has_feedback),
        ratings=list(RATINGS), errors=errors or {}, values=values or {},
        form=form, done=done if done in DONE else None,
        url=lambda *p, **q: status_url(portal, lgu, number, *p, **q))


@route('/<lgu>/applications/<number>')
def application_status(portal, lgu, number):
    return render_status(portal, lgu, number)


@route('/<lgu>/applications/<number>/receipt')
def receipt(portal, lgu, number):
    "The receipt of the application as PDF"
    application = opened(portal, lgu, number)
    Receipt = portal.pool.get('ossis.application.receipt', type='report')
    _, content = Receipt.render_records([application], portal.language)
    response = Response(content, content_type='application/pdf')
    response.headers['Content-Disposition'] = (
        f'attachment; filename="receipt-{application.number}.pdf"')
    return response


# The answer to a request for information

def document_field(line):
    return f'document-{line.id}'


def answer_files(portal, documents):
    """Return the files sent as (checklist line or None, data, mimetype)
    and the errors by field; nothing is stored"""
    files = portal.request.files
    fields = [(document_field(d), d) for d in documents]
    fields.append(('other', None))
    result, errors = [], {}
    for name, line in fields:
        storage = files.get(name)
        if is_empty(storage):
            continue
        try:
            data, mimetype = check_upload(storage)
        except UserError as exception:
            errors[name] = exception.message
            continue
        result.append((line, data, mimetype))
    if len(result) > MAX_FILES:
        errors['other'] = portal.gettext('upload_too_many', count=MAX_FILES)
    return result, errors


@route('/<lgu>/applications/<number>/answer', methods=('POST',),
    max_request_size=MAX_REQUEST_SIZE)
def answer(portal, lgu, number):
    "Send the information or the documents the municipality asked for"
    application = opened(portal, lgu, number)
    if application.state != 'waiting':
        raise UserError(portal.gettext('answer_not_waiting'))
    message = portal.request.form.get('message', '').strip()
    documents = requested_documents(application)
    files, errors = answer_files(portal, documents)
    if len(message) > TEXT_LENGTH:
        errors['message'] = portal.gettext(
            'text_too_long', length=TEXT_LENGTH)
    if not message and not files and not errors:
        errors['message'] = portal.gettext('answer_empty')
    if errors:
        return render_status(
            portal, lgu, number, status=400, errors=errors,
            values={'message': message}, form='answer')
    Application = portal.pool.get('ossis.application')
    Application.answer_online(application, message, files)
    return portal.redirect(record_url(portal, application, done='answered'))


# The withdrawal

def check_withdrawable(portal, application):
    if application.state not in WITHDRAWABLE:
        raise UserError(portal.gettext('withdraw_not_allowed'))


@route('/<lgu>/applications/<number>/withdraw', methods=('GET', 'POST'))
def withdraw(portal, lgu, number):
    "Ask for a confirmation, then withdraw the application"
    Application = portal.pool.get('ossis.application')
    application = opened(portal, lgu, number)
    check_withdrawable(portal, application)
    if portal.request.method == 'GET':
        return portal.render(
            'withdraw.html', application=application,
            service=application.service,
            status_url=record_url(portal, application))
    Application.withdraw_online(application)
    return portal.redirect(record_url(portal, application, done='withdrawn'))


# The feedback

@route('/<lgu>/applications/<number>/feedback', methods=('POST',))
def feedback(portal, lgu, number):
    "Record the rating and the comment of the applicant, once"
    Application = portal.pool.get('ossis.application')
    application = opened(portal, lgu, number)
    if application.feedback:
        raise UserError(portal.gettext('feedback_given'))
    if application.state not in FEEDBACK_STATES:
        raise UserError(portal.gettext('feedback_not_delivered'))
    form = portal.request.form
    comment = form.get('comment', '').strip()
    errors = {}
    try:
        rating = int(form.get('rating', ''))
    except ValueError:
        rating = None
    if rating not in RATINGS:
        errors['rating'] = portal.gettext('feedback_rating_required')
    if len(comment) > TEXT_LENGTH:
        errors['comment'] = portal.gettext(
            'text_too_long', length=TEXT_LENGTH)
    if errors:
        return render_status(
            portal, lgu, number, status=400, errors=errors,
            values={'comment': comment, 'rating': rating}, form='feedback')
    Application.record_feedback(
        [application], rating, comment or None, channel='online')
    return portal.redirect(record_url(portal, application, done='feedback'))
