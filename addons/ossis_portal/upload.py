# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files that applicants send from the portal

They are checked as every file of an applicant is (module
ossis_application, ``upload.py``): by their content, their size and, for a
PDF, what it would run."""
import os

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.ossis_application.upload import (
    MAX_FILE_SIZE, check_file, max_file_size)

# The files of a form, and the largest request that carries them
MAX_FILES = 5
MAX_REQUEST_SIZE = MAX_FILES * MAX_FILE_SIZE + 64 * 1024


def is_empty(storage):
    "Tell whether no file was chosen in the field"
    return storage is None or not storage.filename


def file_name(name):
    "Return the base name of an uploaded file, as short as it may be"
    name = os.path.basename((name or '').replace('\\', '/')).strip()
    name = ''.join(c for c in name if c.isprintable())
    stem, extension = os.path.splitext(name)
    return (stem[:80] + extension[:10]) or 'document'


def read_upload(storage, max_size=None):
    """Return (file name, data, mimetype) of the uploaded file (a werkzeug
    FileStorage), or raise a UserError that tells the applicant what is
    wrong"""
    if is_empty(storage):
        raise UserError(gettext('ossis_portal.msg_upload_missing'))
    if max_size is None:
        max_size = max_file_size()
    name = file_name(storage.filename)
    data = storage.read(max_size + 1)
    return name, data, check_file(name, data, max_size)


def check_upload(storage, max_size=None):
    "Return (data, mimetype) of the uploaded file, as read_upload"
    _, data, mimetype = read_upload(storage, max_size)
    return data, mimetype
