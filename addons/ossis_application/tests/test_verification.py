# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test the tracking and verification codes"
import re
import unittest

from trytond.modules.ossis_application.verification import (
    ALPHABET, new_tracking_code, new_verification_code, normalize_code,
    tracking_code, verification_code)

COUNT = 10_000


class VerificationCodeTestCase(unittest.TestCase):
    "Test the tracking and verification codes"

    def test_alphabet(self):
        "Test the alphabet is Crockford's base32"
        self.assertEqual(len(ALPHABET), 32)
        self.assertEqual(len(set(ALPHABET)), 32)
        for letter in 'ILOU':
            self.assertNotIn(letter, ALPHABET)

    def check_codes(self, new, pattern, length):
        codes = [new() for _ in range(COUNT)]

        self.assertEqual(len(set(codes)), COUNT)
        for code in codes:
            self.assertRegex(code, pattern)
        # Every symbol shows up at every position: nothing is fixed
        symbols = [code.replace('-', '') for code in codes]
        for position in range(length):
            self.assertEqual(
                {s[position] for s in symbols}, set(ALPHABET),
                msg=f"position {position}")

    def test_verification_codes(self):
        "Test 10,000 verification codes are distinct, well-formed, random"
        self.check_codes(
            new_verification_code,
            re.compile(r'^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$'),
            16)

    def test_tracking_codes(self):
        "Test 10,000 tracking codes are distinct, well-formed, random"
        self.check_codes(
            new_tracking_code,
            re.compile(r'^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$'),
            20)

    def test_normalize(self):
        "Test a code as typed is upper-cased, its look-alikes mapped"
        for text, expected in [
                ('abcd-efgh', 'ABCDEFGH'),
                (' t4qz 8m1k\twx7r-2hbn ', 'T4QZ8M1KWX7R2HBN'),
                ('iIlL', '1111'),
                ('oO0', '000'),
                ]:
            with self.subTest(text=text):
                self.assertEqual(normalize_code(text), expected)

    def test_normalize_invalid(self):
        "Test text that cannot be a code gives None"
        for text in [None, '', ' - ', 'ABCU', 'AB*C', 'ÇËLA', 'AB_CD']:
            with self.subTest(text=text):
                self.assertIsNone(normalize_code(text))

    def test_canonical(self):
        "Test a code typed loosely is found back as printed"
        code = new_verification_code()
        typed = code.replace('-', ' ').lower().replace('1', 'l')

        self.assertEqual(verification_code(typed), code)
        self.assertEqual(
            tracking_code('k7m2q9xwtr4hz8bnc3vd'), 'K7M2Q-9XWTR-4HZ8B-NC3VD')

    def test_canonical_wrong_length(self):
        "Test a code of the wrong length is refused"
        self.assertIsNone(verification_code('T4QZ-8M1K-WX7R'))
        self.assertIsNone(verification_code(new_tracking_code()))
        self.assertIsNone(tracking_code(new_verification_code()))
        self.assertIsNone(tracking_code('K7M2Q-9XWTR-4HZ8B-NC3VU'))
