# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files that applicants send from the portal

A file is accepted when its content, not its name, shows a PDF, a JPEG or a
PNG image, and when it is not larger than the limit."""
import io
import os

import puremagic
from PIL import Image, UnidentifiedImageError

from trytond import config
from trytond.exceptions import UserError
from trytond.i18n import gettext

IMAGE_FORMATS = {'image/jpeg': 'JPEG', 'image/png': 'PNG'}
EXTENSIONS = {
    'application/pdf': 'pdf',
    'image/jpeg': 'jpg',
    'image/png': 'png',
    }
# The limit of one file by default ([ossis_portal] max_file_size), and of
# all the files of a form
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_FILES = 5
MAX_REQUEST_SIZE = MAX_FILES * MAX_FILE_SIZE + 64 * 1024


def is_empty(storage):
    "Tell whether no file was chosen in the field"
    return storage is None or not storage.filename


def max_file_size():
    return config.getint(
        'ossis_portal', 'max_file_size', default=MAX_FILE_SIZE)


def file_type(data):
    """Return the MIME type of the data when it is a PDF, a JPEG or a PNG
    image (read from the content, never from the name), else None; an image
    must also be readable as one"""
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return None
    mime = next(
        (m.mime_type for m in matches if m.mime_type in EXTENSIONS), None)
    if mime == 'application/pdf' and not data.startswith(b'%PDF-'):
        return None
    if mime in IMAGE_FORMATS:
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != IMAGE_FORMATS[mime]:
                    return None
                image.verify()
        except (UnidentifiedImageError, OSError, ValueError,
                Image.DecompressionBombError):
            return None
    return mime


def file_name(name):
    "Return the base name of an uploaded file, as short as it may be"
    name = os.path.basename((name or '').replace('\\', '/')).strip()
    name = ''.join(c for c in name if c.isprintable())
    stem, extension = os.path.splitext(name)
    return (stem[:80] + extension[:10]) or 'document'


def check_upload(storage, max_size=None):
    """Return (data, mimetype) of the uploaded file (a werkzeug
    FileStorage), or raise a UserError that tells the applicant what is
    wrong: empty, too large or of a type that is not accepted"""
    if is_empty(storage):
        raise UserError(gettext('ossis_portal.msg_upload_missing'))
    if max_size is None:
        max_size = max_file_size()
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
