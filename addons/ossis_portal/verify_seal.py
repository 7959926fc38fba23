# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the verification page says of the electronic seal of a document,
and of the file that a visitor holds: whether it is exactly the document
that the municipality issued, and whether its seal is valid

The file is read, hashed and checked in memory, never kept."""
import datetime as dt
import hashlib

from trytond.i18n import gettext
from trytond.modules.ossis_application.application_report import local
from trytond.modules.ossis_application.seal_validation import VALID, check_seal
from trytond.modules.ossis_application.upload import max_file_size

from .upload import file_name, is_empty

FILE_FIELD = 'document'


def seal_data(portal, content, company=None):
    """Return what the page says of the seal of the PDF content: its text
    and whether it is valid"""
    status = check_seal(content)
    if status.state != VALID:
        return {
            'valid': False,
            'text': portal.gettext(f'verify_seal_{status.state}'),
            }
    return {
        'valid': True,
        'text': portal.gettext(
            'verify_seal_valid', sealed_by=status.sealed_by,
            date=sealed_time(portal, status.sealed_at, company)),
        }


def sealed_time(portal, value, company=None):
    "Return the time of the seal in the time zone of the issuer, else UTC"
    if not value:
        return ''
    value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    suffix = ' UTC'
    if company and company.timezone:
        value, suffix = local(company, value), ''
    return f"{portal.format_date(value)} {value:%H:%M}{suffix}"


def held_file(portal):
    """Return the content of the file the visitor sent and the error of its
    field, both None when no file was chosen"""
    if portal.request.method != 'POST':
        return None, None
    storage = portal.request.files.get(FILE_FIELD)
    if is_empty(storage):
        return None, None
    max_size = max_file_size()
    content = storage.read(max_size + 1)
    if len(content) > max_size:
        return None, gettext(
            'ossis_application.msg_upload_too_large',
            name=file_name(storage.filename),
            size=max_size // (1024 * 1024))
    return content, None


def digest(content):
    return hashlib.sha256(content).hexdigest()


def lookup_file(portal, content):
    "Return the application whose output is exactly the file, or None"
    Application = portal.pool.get('ossis.application')
    applications = Application.search([
            ('output_sha256', '=', digest(content)),
            ('company.ossis_practice', '=', False),
            ], limit=1)
    return applications[0] if applications else None


def held_data(portal, content, application=None):
    """Return what the page says of the file held: whether it is the output
    of the application (None when no application was found) and its seal"""
    sha256, issued = digest(content), None
    if application and application.output_sha256:
        issued = sha256 == application.output_sha256
    return {
        'issued': issued,
        'sha256': sha256,
        'seal': seal_data(
            portal, content, application.company if application else None),
        }
