# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files that applicants send from the portal

A file is accepted when its content, not its name, shows a PDF, a JPEG or a
PNG image, and when it is not larger than the limit."""
from trytond.exceptions import UserError
from trytond.i18n import gettext

# What each accepted type starts with
SIGNATURES = [
    (b'%PDF-', 'application/pdf'),
    (b'\xff\xd8\xff', 'image/jpeg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png'),
    ]
EXTENSIONS = {
    'application/pdf': 'pdf',
    'image/jpeg': 'jpg',
    'image/png': 'png',
    }
# The limit of one file, and of all the files of a form
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_FILES = 5
MAX_REQUEST_SIZE = MAX_FILES * MAX_FILE_SIZE + 64 * 1024


def is_empty(storage):
    "Tell whether no file was chosen in the field"
    return storage is None or not storage.filename


def file_type(data):
    "Return the MIME type of the data recognised by content, or None"
    # A PDF may start with a few bytes before its header
    if b'%PDF-' in data[:1024]:
        return 'application/pdf'
    return next(
        (t for m, t in SIGNATURES if data.startswith(m)), None)


def check_upload(storage, max_size=MAX_FILE_SIZE):
    """Return (data, mimetype) of the uploaded file (a werkzeug
    FileStorage), or raise a UserError that tells the applicant what is
    wrong: empty, too large or of a type that is not accepted"""
    if is_empty(storage):
        raise UserError(gettext('ossis_portal.msg_upload_missing'))
    data = storage.read(max_size + 1)
    if not data:
        raise UserError(gettext(
                'ossis_portal.msg_upload_empty', name=storage.filename))
    if len(data) > max_size:
        raise UserError(gettext(
                'ossis_portal.msg_upload_too_large', name=storage.filename,
                size=max_size // (1024 * 1024)))
    mimetype = file_type(data)
    if not mimetype:
        raise UserError(gettext(
                'ossis_portal.msg_upload_type', name=storage.filename))
    return data, mimetype
