# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import time
from pathlib import Path

import polib

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.modules.ossis_base.tests.test_module import lgu
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_portal import page_cache, web
from trytond.modules.ossis_portal.attempt import client_network
from trytond.modules.ossis_portal.catalogue_routes import fold
from trytond.modules.ossis_portal.company import contrast_with_white
from trytond.modules.ossis_portal.log import mask_codes
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def po_texts(module, context=False):
    "Return the Albanian texts of the module, with their context if asked"
    catalogue = polib.pofile(
        str(Path(web.__file__).parent.parent / module / 'locale' / 'sq.po'))
    return [(e.msgctxt, e.msgstr) if context else e.msgstr
        for e in catalogue if not e.obsolete]


class OssisPortalTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Portal module"
    module = 'ossis_portal'

    def test_one_albanian_name(self):
        """Test the applicant reads one Albanian name for an application
        (aplikim, not kërkesë) and for its tracking code (kodi i ndjekjes,
        not kodi i gjurmimit) in the portal, the emails and the receipt"""
        texts = [
            *po_texts('ossis_portal'), *po_texts('ossis_notification'),
            *(t for c, t in po_texts('ossis_application', True)
                if ':msg_receipt_' in c)]
        self.assertTrue(texts)
        for text in texts:
            self.assertNotRegex(text.lower(), r'\bkërkes')
        for text in texts + po_texts('ossis_application'):
            self.assertNotIn('gjurmim', text.lower())

    def test_search_folds_accents(self):
        "Test a search without ë and ç finds the words with them"
        self.assertEqual(fold("Vërtetim për Çështje"), "vertetim per ceshtje")

    def test_contrast(self):
        "Test the contrast of white text on the portal colours"
        self.assertAlmostEqual(contrast_with_white('#000000'), 21, 1)
        self.assertAlmostEqual(contrast_with_white('#ffffff'), 1, 1)
        self.assertGreater(contrast_with_white('#1f4e79'), 4.5)

    @with_transaction()
    def test_portal_colour_checked(self):
        "Test a colour unreadable under white text is refused"
        pool = Pool()
        Company = pool.get('company.company')
        elbasan = lgu('elbasan')

        for colour in ['#ffee00', 'red', '#12345']:
            with self.subTest(colour=colour):
                with self.assertRaises(ValidationError):
                    Company.write([elbasan], {'portal_colour': colour})
        Company.write([elbasan], {'portal_colour': '#7a1f1f'})
        self.assertEqual(elbasan.portal_colour, '#7a1f1f')

    @with_transaction()
    def test_opening_hours(self):
        """Test the opening hours of a desk, closing after opening, without
        overlaps, with nothing stored when refused"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        OpeningHours = pool.get('ossis.org_unit.opening_hours')
        transaction = Transaction()
        elbasan = lgu('elbasan')
        desk, = OrgUnit.create([{
                    'company': elbasan.id, 'name': "Desk", 'type': 'other',
                    'opening_hours': [('create', [
                                {'weekday': '1', 'opens': dt.time(8),
                                    'closes': dt.time(16)},
                                {'weekday': '0', 'opens': dt.time(13),
                                    'closes': dt.time(16)},
                                {'weekday': '0', 'opens': dt.time(8),
                                    'closes': dt.time(12)},
                                ])],
                    }])
        # Stored, so that a refusal's rollback keeps it
        transaction.commit()
        try:
            self.assertEqual(desk.opening_hours_by_day(), [
                    ('0', [
                            (dt.time(8), dt.time(12)),
                            (dt.time(13), dt.time(16))]),
                    ('1', [(dt.time(8), dt.time(16))]),
                    ])
            for opens, closes, error in [
                    (dt.time(16), dt.time(8), "must close after"),
                    (dt.time(11), dt.time(14), "overlap"),
                    ]:
                with self.subTest(opens=opens), \
                        self.assertRaisesRegex(ValidationError, error):
                    OpeningHours.create([{
                                'org_unit': desk.id, 'weekday': '0',
                                'opens': opens, 'closes': closes}])
                transaction.rollback()
                self.assertEqual(OpeningHours.search(
                        [('org_unit', '=', desk.id)], count=True), 3)
        finally:
            OrgUnit.delete([OrgUnit(desk.id)])
            transaction.commit()

    @with_transaction()
    def test_secret(self):
        "Test every database has a secret to sign the cookies of the portal"
        pool = Pool()
        Configuration = pool.get('ossis.portal.configuration')
        secret = Configuration.get_secret()
        self.assertGreaterEqual(len(secret), 48)
        # Kept by the server process, read again once changed
        self.assertEqual(Configuration.get_secret(), secret)
        Configuration.write([Configuration(1)], {'secret': 'x' * 48})
        self.assertEqual(Configuration.get_secret(), 'x' * 48)

    def test_session_signed(self):
        "Test a session cookie altered or expired gives an empty session"
        session = web.Session(csrf='token', tracked=[1])
        cookie = web.encode_session('secret', session)

        self.assertEqual(web.decode_session('secret', cookie), session)
        self.assertEqual(web.decode_session('other', cookie), {})
        payload, signature = cookie.rsplit('.', 1)
        self.assertEqual(
            web.decode_session('secret', payload + 'x.' + signature), {})
        self.assertEqual(web.decode_session('secret', 'garbage'), {})
        age, web.SESSION_AGE = web.SESSION_AGE, -1
        try:
            expired = web.encode_session('secret', session)
        finally:
            web.SESSION_AGE = age
        time.sleep(0.01)
        self.assertEqual(web.decode_session('secret', expired), {})

    def test_codes_masked_in_log(self):
        "Test the codes of the portal are masked in the request log"
        self.assertEqual(
            mask_codes('"GET /db/portal/track/ABCDE-FGHIJ HTTP/1.1" 200'),
            '"GET /db/portal/track/*** HTTP/1.1" 200')
        self.assertEqual(
            mask_codes("<Request '/db/portal/verify?lang=en&code=AB12'>"),
            "<Request '/db/portal/verify?lang=en&code=***'>")
        self.assertEqual(
            mask_codes('GET /db/portal/elbasan/resume/tok3n HTTP/1.1'),
            'GET /db/portal/elbasan/resume/*** HTTP/1.1')
        self.assertEqual(
            mask_codes('GET /db/portal/elbasan/services/TAX-05'),
            'GET /db/portal/elbasan/services/TAX-05')

    def test_client_network(self):
        "Test failed attempts are counted per client network"
        self.assertEqual(client_network('192.0.2.7'), '192.0.2.7/32')
        self.assertEqual(
            client_network('2001:db8:1:2:3::1'), '2001:db8:1::/56')
        self.assertEqual(client_network('nonsense'), 'unknown')

    @with_transaction()
    def test_attempts_counted(self):
        "Test the lookups of a network are refused past the maximum"
        pool = Pool()
        Attempt = pool.get('ossis.portal.attempt')
        # Other runs on the same database counted theirs: a network of its
        # own (PostgreSQL commits the counts at once)
        address = f'192.0.2.{time.time_ns() % 250}'
        key = Attempt.network_key(address)
        other = Attempt.key(f'other {time.time_ns()}')
        self.assertEqual(key, Attempt.network_key(address))
        self.assertNotIn('192.0.2', key)
        maximum = Attempt.maximum('tracking')
        for _ in range(maximum):
            self.assertTrue(Attempt.reserve('tracking', key))
        self.assertFalse(Attempt.reserve('tracking', key))
        self.assertTrue(Attempt.reserve('verification', key))
        # A lookup that found gives its attempt back
        for _ in range(maximum + 5):
            self.assertTrue(Attempt.reserve('tracking', other))
            Attempt.release('tracking', other)
        # The attempts of a request share one counter, whose counts hold
        # whatever the request does on PostgreSQL
        with Attempt.counting() as counter:
            for _ in range(maximum + 5):
                self.assertTrue(counter.reserve('verification', other))
                counter.release('verification', other)
            self.assertTrue(counter.reserve('verification', other))
        self.assertEqual(Attempt.count('verification', other), 1)
        if backend.name == 'postgresql':
            Transaction().rollback()
            self.assertEqual(Attempt.count('verification', other), 1)

    @with_transaction()
    def test_texts_kept(self):
        """The portal's texts are read once per language, as trytond gives
        them, and dropped with the kept pages"""
        database = Transaction().database.name
        texts = page_cache.module_texts(database, 'ossis_portal', 'en')
        self.assertEqual(
            texts['msg_too_many_attempts'],
            gettext('ossis_portal.msg_too_many_attempts', 'en'))
        self.assertIs(
            page_cache.module_texts(database, 'ossis_portal', 'en'), texts)
        variables = {'colour': '#123', 'company': 'Elbasan'}
        with Transaction().set_context(language='en'):
            self.assertEqual(
                texts['msg_colour_invalid'] % variables,
                gettext('ossis_portal.msg_colour_invalid', **variables))
        page_cache.clear_pages()
        self.assertIsNot(
            page_cache.module_texts(database, 'ossis_portal', 'en'), texts)

    @with_transaction()
    def test_attempts_window(self):
        "Test the count starts again once its window is over"
        pool = Pool()
        Attempt = pool.get('ossis.portal.attempt')
        key = Attempt.key(f'arta.{time.time_ns()}@example.al')
        maximum = Attempt.maximum('draft_email_address')
        if not config.has_section('ossis_portal'):
            config.add_section('ossis_portal')
        window = config.get('ossis_portal', 'draft_email_window')
        config.set('ossis_portal', 'draft_email_window', '1')
        try:
            for _ in range(maximum):
                self.assertTrue(Attempt.reserve('draft_email_address', key))
            self.assertFalse(Attempt.reserve('draft_email_address', key))
            time.sleep(1.1)
            for _ in range(maximum):
                self.assertTrue(Attempt.reserve('draft_email_address', key))
            self.assertFalse(Attempt.reserve('draft_email_address', key))
        finally:
            config.set('ossis_portal', 'draft_email_window', window or '3600')

del ModuleTestCase
