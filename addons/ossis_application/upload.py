# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files that applicants send, from the portal or through another
system

A file is accepted when its content, not its name, shows a PDF, a JPEG or a
PNG image, when it is not larger than the limit and, for a PDF, when a real
parser (pypdf) reads it and finds nothing that a viewer would run: no
JavaScript, no launched program, no embedded file, no XFA form."""
import io
import re

import puremagic
import pypdf
from PIL import Image, UnidentifiedImageError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from trytond import config
from trytond.i18n import gettext

from .exceptions import UploadError

IMAGE_FORMATS = {'image/jpeg': 'JPEG', 'image/png': 'PNG'}
EXTENSIONS = {
    'application/pdf': 'pdf',
    'image/jpeg': 'jpg',
    'image/png': 'png',
    }
# The limit of one file by default ([ossis_application] max_file_size)
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_NAME_LENGTH = 200
# The objects of a PDF that are read at most: a scan has a few hundred
MAX_PDF_OBJECTS = 100000
# Keys of a PDF dictionary that hold script, embedded files or XFA forms
ACTIVE_KEYS = {
    '/JS', '/JavaScript', '/XFA', '/EmbeddedFiles', '/EmbeddedFile', '/EF',
    '/RichMedia', '/RichMediaContent',
    }
# Actions (/S), types and annotations (/Subtype) that run something, send
# data or open another file: an /OpenAction or /AA with one of them
ACTIVE_NAMES = {
    '/JavaScript', '/Launch', '/ImportData', '/SubmitForm', '/GoToE',
    '/RichMediaExecute', '/Rendition', '/Movie', '/Sound', '/EmbeddedFile',
    '/FileAttachment', '/RichMedia',
    }
ACTIVE_NAME_KEYS = {'/S', '/Type', '/Subtype'}
# What browsers sniff as HTML in the first bytes of a file
HTML_START = re.compile(
    rb'<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b',
    re.IGNORECASE)
SNIFFED = 1024
# Kinds of refusal of a content
NOT_ACCEPTED, ACTIVE, PROTECTED = 'type', 'active', 'protected'


class ContentRefused(Exception):
    "The content is not accepted; reason tells why"

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def max_file_size():
    "Return the largest file accepted, in bytes"
    default = config.getint(
        'ossis_portal', 'max_file_size', default=MAX_FILE_SIZE)
    return config.getint(
        'ossis_application', 'max_file_size', default=default)


def check_content(data):
    """Return the MIME type of the data when it is a PDF, a JPEG or a PNG
    image (read from the content, never from the name); else raise
    ContentRefused: an image must be readable as one, a PDF readable by a
    parser, unprotected and without active content"""
    if HTML_START.search(data[:SNIFFED]):
        raise ContentRefused(NOT_ACCEPTED)
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        raise ContentRefused(NOT_ACCEPTED)
    mime = next(
        (m.mime_type for m in matches if m.mime_type in EXTENSIONS), None)
    if mime == 'application/pdf':
        check_pdf(data)
    elif mime in IMAGE_FORMATS:
        check_image(data, IMAGE_FORMATS[mime])
    else:
        raise ContentRefused(NOT_ACCEPTED)
    return mime


def file_type(data):
    "Return the MIME type of the accepted data, else None"
    try:
        return check_content(data)
    except ContentRefused:
        return None


def check_image(data, format_):
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != format_:
                raise ContentRefused(NOT_ACCEPTED)
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError,
            Image.DecompressionBombError):
        raise ContentRefused(NOT_ACCEPTED)


def check_pdf(data):
    "Refuse a PDF that pypdf cannot read, that is protected or active"
    if not data.startswith(b'%PDF-'):
        raise ContentRefused(NOT_ACCEPTED)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(''):
            raise ContentRefused(PROTECTED)
        if not len(reader.pages):
            raise ContentRefused(NOT_ACCEPTED)
        if _has_active_content(reader):
            raise ContentRefused(ACTIVE)
    except ContentRefused:
        raise
    except Exception:
        # Whatever the parser fails on is not a PDF that a clerk can open
        # safely: its errors are not one family of exceptions
        raise ContentRefused(NOT_ACCEPTED)


def _has_active_content(reader):
    """Tell whether an object reachable from the trailer of the PDF holds
    script, an action that runs or sends something, or an embedded file"""
    seen, todo, count = set(), [reader.trailer], 0
    while todo:
        value = todo.pop()
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            value = value.get_object()
        count += 1
        if count > MAX_PDF_OBJECTS:
            raise ContentRefused(NOT_ACCEPTED)
        if isinstance(value, DictionaryObject):
            for name, item in value.items():
                if name in ACTIVE_KEYS:
                    return True
                if name in ACTIVE_NAME_KEYS and item in ACTIVE_NAMES:
                    return True
                todo.append(item)
        elif isinstance(value, ArrayObject):
            todo.extend(value)
    return False


def check_file_name(name):
    """Raise UploadError unless the name is one printable file name without
    folder, of at most MAX_NAME_LENGTH characters"""
    if (not isinstance(name, str) or not name.strip()
            or len(name) > MAX_NAME_LENGTH
            or not name.isprintable()
            or '/' in name or '\\' in name
            or name.strip() in {'.', '..'}):
        shown = name if isinstance(name, str) else ''
        shown = ''.join(c if c.isprintable() else '?' for c in shown)
        raise UploadError(gettext(
                'ossis_application.msg_upload_name_invalid',
                name=shown[:MAX_NAME_LENGTH], length=MAX_NAME_LENGTH))


def check_file(name, data, max_size=None):
    """Return the MIME type of the file of the name, or raise UploadError
    that tells the applicant what is wrong: empty, too large, of a type that
    is not accepted, or a PDF that runs something or cannot be checked"""
    if max_size is None:
        max_size = max_file_size()
    if not data:
        raise UploadError(gettext(
                'ossis_application.msg_upload_empty', name=name))
    if len(data) > max_size:
        raise UploadError(gettext(
                'ossis_application.msg_upload_too_large', name=name,
                size=max_size // (1024 * 1024)))
    try:
        return check_content(data)
    except ContentRefused as refusal:
        raise UploadError(gettext(
                f'ossis_application.msg_upload_{refusal.reason}',
                name=name))
