# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Unguessable codes printed on applications and their documents

The tracking code of an application lets its applicant follow it; the
verification code of an output document lets anyone check that the
municipality issued it.  Both are random Crockford base32: digits and
upper-case letters without I, L, O and U, so that a code read aloud or typed
from paper survives the usual confusions (I and L read as 1, O as 0).
"""
import secrets

ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
# What people type for the symbols of the alphabet
_READ_AS = {'I': '1', 'L': '1', 'O': '0'}
_IGNORED = ' -\t\n'

VERIFICATION_LENGTH, VERIFICATION_GROUP = 16, 4  # 80 bits
TRACKING_LENGTH, TRACKING_GROUP = 20, 5  # 100 bits


def random_code(length):
    "Return length random symbols of the alphabet, 5 bits each"
    return ''.join(secrets.choice(ALPHABET) for _ in range(length))


def format_code(code, group):
    "Return the code in groups of group symbols joined by dashes"
    return '-'.join(
        code[i:i + group] for i in range(0, len(code), group))


def normalize_code(text):
    """Return the code as typed, without separators and in upper case

    I and L become 1, O becomes 0; spaces and dashes are dropped.  Return
    None when the text is empty or has another symbol."""
    if not text:
        return None
    code = []
    for char in text.upper():
        if char in _IGNORED:
            continue
        char = _READ_AS.get(char, char)
        if char not in ALPHABET:
            return None
        code.append(char)
    return ''.join(code) or None


def _canonical(text, length, group):
    code = normalize_code(text)
    if code is None or len(code) != length:
        return None
    return format_code(code, group)


def new_verification_code():
    "Return a new verification code of an output document: XXXX-XXXX-..."
    return format_code(
        random_code(VERIFICATION_LENGTH), VERIFICATION_GROUP)


def verification_code(text):
    """Return the verification code as printed from what someone typed, or
    None if it cannot be one"""
    return _canonical(text, VERIFICATION_LENGTH, VERIFICATION_GROUP)


def new_tracking_code():
    "Return a new tracking code of an application: XXXXX-XXXXX-..."
    return format_code(random_code(TRACKING_LENGTH), TRACKING_GROUP)


def tracking_code(text):
    """Return the tracking code as printed from what someone typed, or None
    if it cannot be one"""
    return _canonical(text, TRACKING_LENGTH, TRACKING_GROUP)
