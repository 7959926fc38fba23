# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Albanian of the Tryton core modules and of the Albanian language

ossis_base translates the strings of ir, res, company, country, currency and
party that the staff see in locale/override/sq.po: all of them but the
administrators' screens of ir and the long reference lists of subdivision
types, world regions and organizations, see shown()."""
import datetime as dt
import os
import unittest
from decimal import Decimal

import polib

from trytond.i18n import gettext
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

MODULES = ['ir', 'res', 'company', 'country', 'currency', 'party']
# Of ir, the models that the staff meet: error messages, attachments, notes,
# calendars, languages, emails, the logs of a record and the actions of
# their preferences, and the actions that open them from a record
IR_MODELS = {
    'ir.message', 'ir.attachment', 'ir.note', 'ir.note.read',
    'ir.calendar.month', 'ir.calendar.day', 'ir.lang', 'ir.model.log',
    'ir.email', 'ir.email.address', 'ir.action'}
IR_ACTIONS = {
    'act_attachment_form', 'act_note_form', 'act_email_form',
    'act_email_form_relate', 'act_model_log_form'}
NOT_SHOWN = {
    ('selection', 'country.subdivision,type'),
    ('selection', 'party.address.subdivision_type,types'),
    ('model', 'country.region,name'),
    ('model', 'country.organization,name'),
    }
OVERRIDE = os.path.join(
    os.path.dirname(__file__), '..', 'locale', 'override', 'sq.po')


def shown(module, msgctxt):
    "Return whether the string of the core module is translated"
    type_, name, fs_id = msgctxt.split(':')
    if (type_, name) in NOT_SHOWN:
        return False
    if module == 'ir':
        if (type_, name) == ('model', 'ir.action,name'):
            return fs_id in IR_ACTIONS
        return name.split(',')[0] in IR_MODELS
    return True


class CoreTranslationTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the Albanian of the core modules and the Albanian formats"

    module = 'ossis_base'

    @with_transaction()
    def test_core_translation_complete(self):
        "Test every string of the core modules shown has a translation"
        pool = Pool()
        Translation = pool.get('ir.translation')
        set_ = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = set_.create()
        set_.execute(session_id, {}, 'set_')
        set_.delete(session_id)

        translated = {
            (e.msgctxt, e.msgid) for e in polib.pofile(OVERRIDE)
            if (e.msgstr or all(e.msgstr_plural.values()))
            and 'fuzzy' not in e.flags}
        missing = []
        for module in MODULES:
            source = polib.pofile(
                Translation.translation_export('en', module).decode())
            for entry in source:
                if not shown(module, entry.msgctxt):
                    continue
                type_, name, fs_id = entry.msgctxt.split(':')
                msgctxt = f'{type_}:{name}:{module}.{fs_id}'
                if (msgctxt, entry.msgid) not in translated:
                    missing.append(f'{msgctxt} {entry.msgid!r}')
        self.assertFalse(missing, msg=(
                f'{len(missing)} strings lack an Albanian translation in '
                'locale/override/sq.po:\n' + '\n'.join(missing)))

    @with_transaction()
    def test_core_translation_loaded(self):
        "Test the core modules speak Albanian once the override is loaded"
        pool = Pool()
        Translation = pool.get('ir.translation')
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')

        Translation.translation_import('sq', 'ossis_base', [OVERRIDE])
        # A second load (a module update) changes nothing
        Translation.translation_import('sq', 'ossis_base', [OVERRIDE])

        menu_id = ModelData.get_id('party', 'menu_party_form')
        with Transaction().set_context(language='sq'):
            self.assertEqual(Menu(menu_id).name, "Subjektet")
            self.assertEqual(
                gettext('ir.msg_required_validation',
                    field="Emri", model="Subjekti"),
                'Fusha "Emri" te "Subjekti" duhet plotësuar.')
            Party = pool.get('party.party')
            self.assertEqual(
                Party.fields_get(['addresses'])['addresses']['string'],
                "Adresat")

    @with_transaction()
    def test_albanian_formats(self):
        "Test dates and numbers are written as in Albania"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Currency = pool.get('currency.currency')
        sq, = Lang.search([('code', '=', 'sq')])
        lek, = Currency.search([('code', '=', 'ALL')])

        self.assertEqual(sq.strftime(dt.date(2026, 3, 9)), '09.03.2026')
        self.assertEqual(
            sq.format('%.2f', Decimal('1234567.891'), grouping=True),
            '1.234.567,89')
        self.assertEqual(
            sq.currency(Decimal('1500'), lek, grouping=True),
            '1.500,00\xa0L')
        self.assertEqual(
            sq.currency(Decimal('-1500'), lek, grouping=True),
            '-1.500,00\xa0L')
