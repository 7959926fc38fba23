# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A certification authority and seal certificates made on the spot, for
the tests and the demo: no key or certificate is kept in the repository"""
import datetime as dt
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = dt.timedelta(days=3 * 365)


def _name(common_name, organisation=None):
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, 'AL')]
    if organisation:
        attributes.append(
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _usage(**allowed):
    usages = dict.fromkeys([
            'digital_signature', 'content_commitment', 'key_encipherment',
            'data_encipherment', 'key_agreement', 'key_cert_sign',
            'crl_sign', 'encipher_only', 'decipher_only'], False)
    usages.update(allowed)
    return x509.KeyUsage(**usages)


def _certificate(subject, key, issuer, issuer_key, ca, purposes=None):
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(
            x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        usage = _usage(key_cert_sign=True, crl_sign=True)
    else:
        usage = _usage(digital_signature=True, content_commitment=True)
    builder = builder.add_extension(usage, critical=True)
    if purposes:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(purposes), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_authority(name="OSSIS Test Certification Authority"):
    "Return the certificate and the key of a new root authority"
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name)
    return _certificate(subject, key, subject, key, ca=True), key


def make_seal(authority, organisation):
    "Return the certificate and the key of a seal of the organisation"
    ca_certificate, ca_key = authority
    # RSA: an ECDSA seal makes the PDF a PDF 2.0 (ISO 32002), not a PDF/A-2
    key = _rsa_key()
    subject = _name(f"{organisation} (electronic seal)", organisation)
    return _certificate(
        subject, key, ca_certificate.subject, ca_key, ca=False), key


def make_timestamp_authority(authority):
    "Return the certificate and the key of a timestamp authority"
    ca_certificate, ca_key = authority
    # RSA: pyHanko's test timestamp authority signs with RSA only
    key = _rsa_key()
    return _certificate(
        _name("OSSIS Test Timestamp Authority"), key,
        ca_certificate.subject, ca_key, ca=False,
        purposes=[ExtendedKeyUsageOID.TIME_STAMPING]), key


def write_pkcs12(path, seal, authority, passphrase):
    """Write the seal with its key and the authority's certificate as a
    PKCS#12 file that only its owner reads"""
    certificate, key = seal
    data = pkcs12.serialize_key_and_certificates(
        b'seal', key, certificate, [authority[0]],
        serialization.BestAvailableEncryption(passphrase.encode()))
    _write_private(path, data)


def write_pem(path, certificates):
    "Write the certificates in a PEM file"
    with open(path, 'wb') as file:
        for certificate in certificates:
            file.write(certificate.public_bytes(serialization.Encoding.PEM))


def _write_private(path, data):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'wb') as file:
        file.write(data)


def install_seal(directory, code, organisation, passphrase, authority):
    """Write the seal of the municipality in the folder as the
    ``directory`` option of ``[ossis_seal]`` expects it: <code>.p12 and its
    passphrase in <code>.passphrase; return the path of the certificate"""
    path = os.path.join(directory, f'{code}.p12')
    write_pkcs12(path, make_seal(authority, organisation), authority,
        passphrase)
    _write_private(
        os.path.join(directory, f'{code}.passphrase'),
        passphrase.encode() + b'\n')
    return path
