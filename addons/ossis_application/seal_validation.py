# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Whether the electronic seal of a PDF is valid

A seal is valid when the file is exactly what was sealed (the seal covers
the whole file and its hash matches) and its certificate chains up to an
authority that the ``trust`` option of ``[ossis_seal]`` names: a PEM file
of the trusted root certificates (for Albania, those of the qualified
trust service providers).  Revocation is not fetched from the network
while a page waits: a certificate without a reachable status is not
refused for it."""
import io
import logging
from dataclasses import dataclass

from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from trytond import config

from .seal import SECTION

logger = logging.getLogger(__name__)

# What can be said of the seal of a file
NONE = 'none'            # the file carries no seal
VALID = 'valid'
CHANGED = 'changed'      # changed after it was sealed
UNTRUSTED = 'untrusted'  # intact, but its certificate is not trusted
UNREADABLE = 'unreadable'  # not a PDF, or one too damaged to read


@dataclass
class SealStatus:
    state: str
    # The subject of the certificate, e.g. "Bashkia Elbasan"
    sealed_by: str = None
    # When it was sealed (UTC): the timestamp's time, else the signer's
    sealed_at: object = None
    timestamped: bool = False

    @property
    def valid(self):
        return self.state == VALID


def trust_roots():
    "Return the trusted root certificates of the configuration"
    path = config.get(SECTION, 'trust')
    if not path:
        return []
    try:
        return list(load_certs_from_pemder([path]))
    except (OSError, ValueError) as exception:
        logger.error(
            "cannot read the trusted certificates %s: %s", path, exception)
        return []


def signer_name(certificate):
    "Return the organisation of the certificate, else its common name"
    subject = certificate.subject.native
    return (
        subject.get('organization_name') or subject.get('common_name')
        or certificate.subject.human_friendly)


def check_seal(content):
    "Return the SealStatus of the PDF content"
    try:
        signatures = PdfFileReader(
            io.BytesIO(content), strict=False).embedded_signatures
        if not signatures:
            return SealStatus(NONE)
        signature = signatures[-1]
        context = ValidationContext(
            trust_roots=trust_roots(), allow_fetching=False)
        status = validate_pdf_signature(signature, context)
    except (PdfError, ValueError, KeyError, TypeError) as exception:
        logger.info("unreadable PDF: %s", exception)
        return SealStatus(UNREADABLE)
    if (not status.intact or not status.valid
            or status.coverage != SignatureCoverageLevel.ENTIRE_FILE):
        state = CHANGED
    elif not status.bottom_line:
        state = UNTRUSTED
    else:
        state = VALID
    # A timestamp that is not valid makes the seal not valid
    timestamp = status.timestamp_validity
    return SealStatus(
        state, sealed_by=signer_name(status.signing_cert),
        sealed_at=(
            timestamp.timestamp if timestamp else status.signer_reported_dt),
        timestamped=bool(timestamp))
