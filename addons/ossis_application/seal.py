# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The electronic seal of the municipality on its output documents

Albania's law on electronic identification and trust services follows
eIDAS: an output document sealed with the certificate of the municipality
(PAdES, an incremental update of the PDF, so that a PDF/A stays one) is
its document wherever it goes, and any reader of PDF signatures checks it.

The certificates are PKCS#12 files (.p12, .pfx) on the server, never in the
database, named in the ``[ossis_seal]`` section of the trytond
configuration:

``<code>``
    the file of the municipality whose code is ``<code>`` (``elbasan``)
``<code>_passphrase``
    its passphrase (also from the environment:
    ``TRYTOND_OSSIS_SEAL__<CODE>_PASSPHRASE``)
``<code>_passphrase_file``
    a file holding its passphrase
``directory``
    a folder where a municipality without its own option has its
    certificate, ``<code>.p12``, and its passphrase, ``<code>.passphrase``
``timestamp_url``
    the address of a timestamp authority (RFC 3161): the seal then carries
    its timestamp (PAdES B-T)
``required``
    when true, an output of a municipality without a seal is not issued
``trust``
    a PEM file of the certificates of the authorities whose seals the
    portal trusts (see seal_validation.py)
"""
import asyncio
import contextlib
import io
import logging
import os
import threading

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper

from trytond import config
from trytond.i18n import gettext

from .exceptions import SealError

logger = logging.getLogger(__name__)

SECTION = 'ossis_seal'
FIELD_NAME = 'Seal'


def certificate_file(code):
    "Return the path of the certificate of the municipality, or None"
    path = config.get(SECTION, code)
    if path:
        return path
    directory = config.get(SECTION, 'directory')
    if directory:
        path = os.path.join(directory, f'{code}.p12')
        if os.path.exists(path):
            return path
    return None


def passphrase(code, path):
    "Return the passphrase of the certificate file as bytes, or None"
    value = config.get(SECTION, f'{code}_passphrase')
    if value:
        return value.encode()
    passphrase_file = config.get(SECTION, f'{code}_passphrase_file')
    if not passphrase_file:
        default = os.path.splitext(path)[0] + '.passphrase'
        passphrase_file = default if os.path.exists(default) else None
    if passphrase_file:
        with open(passphrase_file, 'rb') as file:
            return file.read().strip() or None
    return None


def required():
    return config.getboolean(SECTION, 'required', default=False)


def load_signer(company):
    """Return the signer of the seal of the municipality, or None when it
    has none and none is required

    Raise SealError when it cannot be used: nobody is told the passphrase,
    the log tells the IT staff which file failed."""
    path = certificate_file(company.code)
    if not path:
        if required():
            raise SealError(gettext(
                    'ossis_application.msg_seal_required',
                    municipality=company.rec_name))
        return None
    try:
        signer = _load_pkcs12(path, passphrase(company.code, path))
    except (OSError, ValueError) as exception:
        logger.error(
            "cannot load the seal of %s from %s: %s", company.code, path,
            exception.__class__.__name__)
        raise SealError(gettext(
                'ossis_application.msg_seal_unusable',
                municipality=company.rec_name)) from None
    if signer.signing_cert.public_key.algorithm != 'rsa':
        # pyHanko marks a PDF sealed with an elliptic curve key as a PDF 2.0
        # (ISO 32002), which PDF/A-2 does not allow
        logger.warning(
            "the seal of %s has no RSA key: its outputs are not PDF/A-2",
            company.code)
    return signer


# The signers loaded by this process, by the file and its passphrase: a
# file replaced (another time or size) is loaded again
_signers = {}
_signers_lock = threading.Lock()


def _load_pkcs12(path, secret):
    "Return the signer of the PKCS#12 file, loaded once per process"
    status = os.stat(path)
    key = (path, status.st_mtime_ns, status.st_size, secret)
    with _signers_lock:
        if key not in _signers:
            with open(path, 'rb') as file:
                data = file.read()
            _signers[key] = signers.SimpleSigner.load_pkcs12_data(
                data, [], passphrase=secret)
        return _signers[key]


def timestamper():
    "Return the client of the timestamp authority, or None"
    url = config.get(SECTION, 'timestamp_url')
    return HTTPTimeStamper(url) if url else None


def seal(content, signer):
    """Return the PDF sealed by the signer: its bytes unchanged followed by
    the seal, which covers the whole file"""
    output = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES,
        md_algorithm='sha256')
    with _timestamp_errors():
        signers.sign_pdf(
            writer, metadata, signer=signer, timestamper=timestamper(),
            output=output)
    return output.getvalue()


def check_timestamper():
    """Raise SealError when the timestamp authority does not answer: the
    outputs, sealed after their issue is committed, could not be sealed"""
    authority = timestamper()
    if authority:
        with _timestamp_errors():
            asyncio.run(authority.async_dummy_response('sha256'))


@contextlib.contextmanager
def _timestamp_errors():
    "Turn the timestamp authority not answering into a SealError"
    try:
        yield
    except OSError as exception:
        logger.error(
            "cannot timestamp the seal: %s", exception.__class__.__name__)
        raise SealError(gettext(
                'ossis_application.msg_seal_timestamp_failed')) from None
