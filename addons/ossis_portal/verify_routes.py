# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Where anyone checks that a municipality issued an output document, with
the verification code printed on it

The page shows what the document itself shows about its issue (who issued
it, when, for which service, the decision and the number) and whether it is
still valid; nothing about the applicant.  It also says whether the
electronic seal of the document is valid and, for a file that a visitor
sends, whether it is exactly the document issued (see verify_seal.py)."""
from trytond.modules.ossis_application.application_report import (
    ISSUED, local_date)
from trytond.modules.ossis_application.exceptions import SealError
from trytond.modules.ossis_application.upload import MAX_FILE_SIZE
from trytond.modules.ossis_application.verification import verification_code

from .track_routes import NUMBER_LENGTH, counted_attempt
from .verify_seal import digest, held_data, held_file, lookup_file, seal_data
from .web import route


def lookup(portal, text):
    "Return the application whose output has the code, or None"
    Application = portal.pool.get('ossis.application')
    code = verification_code(text)
    if not code:
        return None
    applications = Application.search([
            ('verification_code', '=', code),
            # What is issued in practice is not a document
            ('company.ossis_practice', '=', False),
            ], limit=1)
    return applications[0] if applications else None


def lookup_other(portal, text):
    """Return what another module finds for the code (a certificate...), or
    None (see verification.py)"""
    Verification = portal.pool.get('ossis.portal.verification')
    return Verification.lookup(text)


def document(portal, application):
    "Return what the page tells about the document of the application"
    Application = portal.pool.get('ossis.application')
    Output = portal.pool.get('ossis.application.output', type='report')
    service = application.service
    company = application.company
    try:
        # Rendered now if the queue has not stored it yet
        content = Application.issued_documents(
            [application]).get(application.id)
    except SealError:
        # Not sealable at the moment (a silent timestamp authority): the
        # page tells what the issue itself tells
        content = None
    return {
        'issuer': company.official_name or company.rec_name,
        'issued_date': portal.format_date(
            local_date(company, application.issued_date)),
        'service': service.name,
        # The title printed on the document: a refusal is not the permit
        'output': Output.title(application),
        'decision': application.decision,
        'number': application.number,
        'valid': application.state in ISSUED,
        # Whoever holds the file checks it is the one issued
        'sha256': digest(content) if content else None,
        'seal': seal_data(portal, content, company) if content else None,
        }


def verify_page(portal, text):
    portal.private = True
    text = (text or '').strip()[:NUMBER_LENGTH]
    held, file_error = held_file(portal)
    result, other, unknown, missing = None, None, False, False
    application = None
    if (portal.request.method == 'POST' and not text and held is None
            and not file_error):
        missing = True
    elif text:
        with counted_attempt(portal, 'verification') as succeeded:
            application = lookup(portal, text)
            if not application:
                other = lookup_other(portal, text)
            if application or other:
                succeeded()
            else:
                unknown = True
    elif held is not None:
        # The file alone: a hash cannot be guessed, no attempt is counted
        application = lookup_file(portal, held)
    if application:
        if application.company.portal_published:
            # The page wears the colours of the issuer
            portal.lgu = application.company
        result = document(portal, application)
    elif other and getattr(other.get('company'), 'portal_published', False):
        portal.lgu = other['company']
    return portal.render(
        'verify.html',
        status=400 if unknown or missing or file_error else 200,
        code=text, result=result, other=other, unknown=unknown,
        missing=missing,
        file_error=file_error,
        held=held_data(portal, held, application)
        if held is not None else None)


@route('/verify', methods=('GET', 'POST'), readonly=False,
    max_request_size=MAX_FILE_SIZE + 64 * 1024)
def verify(portal):
    source = (portal.request.form if portal.request.method == 'POST'
        else portal.request.args)
    return verify_page(portal, source.get('code'))


@route('/verify/<code>', readonly=False)
def verify_code(portal, code):
    "The address of the QR code of the output document"
    return verify_page(portal, code)
