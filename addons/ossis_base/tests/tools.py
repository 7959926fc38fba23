# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Test helpers shared by the OSSIS modules"
import datetime as dt
import os
from zoneinfo import ZoneInfo

import polib
from lxml import etree

from trytond.model import ModelStorage, ModelView
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.tools import file_open

# Where the municipalities count their days
TIMEZONE = ZoneInfo('Europe/Tirane')


def municipal_today():
    """Return the day in Albania, which the municipalities' records carry:
    the server runs in UTC, a day behind in the last hour before midnight"""
    return dt.datetime.now(TIMEZONE).date()


class ModuleDatabaseMixin:
    """Run the tests of the class on a database of their own, where module
    is activated, dropped after the class as ModuleTestCase does; for the
    tests that are not the module's main test case"""
    module = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(cls.module)
        cls.addClassCleanup(drop_db)


class LGUDelegationTestMixin:
    "Check the models without a municipality field are isolated too"

    def _lgu_owned(self, Model):
        "Return whether the records of the model belong to a municipality"
        pool = Pool()
        Company = pool.get('company.company')
        field = Model._fields.get('company')
        if (field and field._type == 'many2one'
                and issubclass(field.get_target(), Company)):
            return True
        return any(
            self._lgu_owned(Model._fields[n].get_target())
            for n in Model.__access__)

    @with_transaction()
    def test_lgu_children_delegate_access(self):
        """Test models linked to a record of a municipality delegate their
        access to it

        Without a company field, nothing else keeps the records (checklist
        lines, link tables...) of one municipality from the others.  The
        delegation is added in __setup__: Model.__setup__ resets a
        __access__ declared on the class."""
        pool = Pool()
        Company = pool.get('company.company')
        IrModel = pool.get('ir.model')
        RuleGroup = pool.get('ir.rule.group')
        own_models = {m.name for m in IrModel.search([
                    ('module', '=', self.module),
                    ])}
        for name, model in pool.iterobject():
            if (name not in own_models
                    or issubclass(model, Company)
                    or 'company' in model._fields
                    or not issubclass(model, ModelStorage)):
                continue
            links = {
                n for n, f in model._fields.items()
                if f._type == 'many2one' and f.required
                and self._lgu_owned(f.get_target())}
            if not links:
                continue
            with self.subTest(model=name):
                self.assertTrue(
                    links & model.__access__
                    or RuleGroup.search([('model', '=', name)]),
                    msg=f'"{name}" delegates no access to '
                    f'{", ".join(sorted(links))} and has no record rule')


class ListViewTestMixin:
    "Check that the web client can show the lists of the module"

    @with_transaction()
    def test_list_datetime_columns(self):
        "Test lists show date and time fields through a date or time widget"
        # The web client has no column for a date and time: such a list
        # fails to open unless each column shows the date or the time
        pool = Pool()
        View = pool.get('ir.ui.view')
        for view in View.search([('module', '=', self.module)]):
            root = view
            while root.inherit:
                root = root.inherit
            if root.type != 'tree':
                continue
            Model = pool.get(view.model or root.model)
            tree = etree.fromstring(view.arch)
            for field in tree.iter('field'):
                type_ = getattr(
                    Model._fields.get(field.get('name')), '_type', None)
                if type_ in {'datetime', 'timestamp'}:
                    with self.subTest(view=view.name, field=field.get('name')):
                        self.assertIn(field.get('widget'), {'date', 'time'})


class LGUTestMixin(
        ListViewTestMixin, LGUDelegationTestMixin, CompanyTestMixin):
    """Structural checks of LGU isolation

    Every model with a municipality (company) field must have a global
    record rule "company in companies" (checked by CompanyTestMixin, here
    without exception for employees), deny access by default and check the
    links between the records of one municipality."""

    @property
    def _skip_company_rule(self):
        return {('res.user', 'company')}

    def _lgu_models(self):
        "Yield the models of the module that belong to a municipality"
        pool = Pool()
        Company = pool.get('company.company')
        IrModel = pool.get('ir.model')
        own_models = {m.name for m in IrModel.search([
                    ('module', '=', self.module),
                    ])}
        for name, model in pool.iterobject():
            if (name not in own_models
                    or model.__access__
                    or issubclass(model, Company)
                    or not (issubclass(model, ModelView)
                        and issubclass(model, ModelStorage))):
                continue
            field = model._fields.get('company')
            if (field and field._type == 'many2one'
                    and issubclass(field.get_target(), Company)):
                yield name, model

    @with_transaction()
    def test_lgu_access_denied_by_default(self):
        "Test LGU models deny access by default"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        for name, model in self._lgu_models():
            with self.subTest(model=name):
                defaults = ModelAccess.search([
                        ('model', '=', name),
                        ('group', '=', None),
                        ])
                self.assertTrue(defaults, msg=(
                        f'"{name}" has no default access'))
                for access in defaults:
                    self.assertFalse(
                        access.perm_read or access.perm_write
                        or access.perm_create or access.perm_delete,
                        msg=f'"{name}" is not denied by default')

    @with_transaction()
    def test_lgu_links_checked(self):
        "Test LGU models check the municipality of their links"
        for name, model in self._lgu_models():
            with self.subTest(model=name):
                self.assertTrue(issubclass(model, LGUOwnedMixin), msg=(
                        f'"{name}" does not use LGUOwnedMixin'))
                for field_name in model._lgu_links:
                    self.assertIn(field_name, model._fields)


class TranslationTestMixin:
    "Check that the Albanian translation of the module is complete"
    translation_language = 'sq'

    @with_transaction()
    def test_translation_complete(self):
        "Test every string of the module has an Albanian translation"
        pool = Pool()
        Translation = pool.get('ir.translation')
        Lang = pool.get('ir.lang')

        set_ = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = set_.create()
        set_.execute(session_id, {}, 'set_')
        set_.delete(session_id)

        language, = Lang.search([('code', '=', self.translation_language)])
        update = pool.get('ir.translation.update', type='wizard')
        session_id, _, _ = update.create()
        update.execute(session_id, {
                'start': {'language': language.id},
                }, 'update')
        update.delete(session_id)

        # Nothing is exported for a module without translatable strings
        exported = Translation.translation_export(
            self.translation_language, self.module) or b''
        source = polib.pofile(exported.decode('utf-8'))
        translated = self._load_po()
        missing = [
            f'{entry.msgctxt} {entry.msgid!r}' for entry in source
            if not translated.get((entry.msgctxt, entry.msgid))]
        if missing:
            self.fail(
                f'{len(missing)} strings of {self.module} lack an '
                f'Albanian translation in locale/'
                f'{self.translation_language}.po:\n' + '\n'.join(missing))

    def _load_po(self):
        path = os.path.join(
            self.module, 'locale', self.translation_language + '.po')
        try:
            with file_open(path) as fp:
                po = polib.pofile(fp.read())
        except FileNotFoundError:
            return {}
        return {
            (e.msgctxt, e.msgid): self._translated(e) for e in po
            if self._translated(e) and 'fuzzy' not in e.flags}

    @staticmethod
    def _translated(entry):
        "Return the translation of the entry, all plural forms included"
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            return forms if forms and all(forms.values()) else None
        return entry.msgstr
