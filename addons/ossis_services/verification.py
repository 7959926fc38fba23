# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Unguessable codes given to applicants: tracking and verification codes.

They use Crockford's base32 alphabet, which has no I, L, O or U so that a
code read aloud or copied by hand is not mistaken.
"""
import secrets

ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
_READ_AS = {'I': '1', 'L': '1', 'O': '0'}


def _code(length, group=5):
    chars = ''.join(secrets.choice(ALPHABET) for _ in range(length))
    return '-'.join(
        chars[i:i + group] for i in range(0, length, group))


def new_tracking_code():
    "Return a tracking code: 20 characters (100 bits) in groups of five"
    return _code(20)


def new_verification_code():
    "Return a verification code: 16 characters (80 bits) in groups of four"
    return _code(16, group=4)


def normalize_code(text, length=None):
    """Return the code typed by a person in its canonical form, or None if
    it cannot be a code"""
    chars = ''.join(
        _READ_AS.get(c, c) for c in (text or '').upper()
        if c not in ' -')
    if not chars or any(c not in ALPHABET for c in chars):
        return None
    if length and len(chars) != length:
        return None
    group = 5 if len(chars) == 20 else 4
    return '-'.join(chars[i:i + group] for i in range(0, len(chars), group))
