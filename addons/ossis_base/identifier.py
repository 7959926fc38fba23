# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Albanian personal numbers (NID) and business numbers (NIPT).

Both share one 10-character format: a decade letter, a year digit, the
month (plus 50 for women in a NID), the day, a 3-digit serial and a check
letter.  python-stdnum's ``stdnum.al.nipt`` only checks the pattern, so the
check letter is computed here.

Only a personal number's date is certain: a NIPT's month field may pass 12
(stdnum reads it modulo 12), so a number whose month is not 01-12 (men) or
51-62 (women), or whose day is not in that month, is never a personal
number, while a number with a birth date may also be a NIPT.
"""
import datetime as dt
import re

from stdnum.al import nipt as stdnum_nipt

CHECK_ALPHABET = 'WABCDEFGHIJKLMNOPQRSTUV'
WEIGHTS = (1, 1, 2, 3, 4, 5, 6, 7, 8)
_PATTERN = re.compile(r'^[A-T][0-9]{8}[A-Z]$')


def compact(number):
    "Return the number without separators, in upper case"
    return stdnum_nipt.compact(number or '')


def check_letter(body):
    "Return the check letter of the first 9 characters of a number"
    total = 0
    for char, weight in zip(body, WEIGHTS):
        value = int(char) if char.isdigit() else CHECK_ALPHABET.index(char)
        total += value * weight
    return CHECK_ALPHABET[total % len(CHECK_ALPHABET)]


def is_valid(number):
    "Return whether number is a well-formed NID or NIPT"
    number = compact(number)
    if not _PATTERN.match(number):
        return False
    return check_letter(number[:9]) == number[9]


def birth_date(number):
    """Return the date of birth that number gives as a personal number
    (NID), or None when it cannot be one"""
    number = compact(number)
    if not _PATTERN.match(number):
        return None
    year = 1900 + 10 * (ord(number[0]) - ord('A')) + int(number[1])
    month, day = int(number[2:4]), int(number[4:6])
    if month > 50:
        month -= 50
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def sex(number):
    """Return 'female' or 'male' as a personal number (NID) gives it, or
    None when it cannot be one"""
    if not birth_date(number):
        return None
    return 'female' if int(compact(number)[2:4]) > 50 else 'male'
