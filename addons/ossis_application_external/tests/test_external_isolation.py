# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_application.tests import (
    scenario, test_application_isolation)
from trytond.modules.ossis_application_external.tests import \
    test_application_external as external
from trytond.modules.ossis_base.tests.test_module import as_user
from trytond.modules.ossis_base.tests.tools import LGUDelegationTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class ExternalIsolationTestCase(
        test_application_isolation.ChecklistIsolationMixin,
        LGUDelegationTestMixin, ModuleTestCase):
    "Test other systems reach only the checklists of what they filed"
    module = 'ossis_application_external'
    extras = []

    @with_transaction()
    def test_checklist_of_other_applications(self):
        """Test a system neither sees nor changes the checklist lines of
        another municipality's applications, nor of its own municipality's
        applications filed at the desk"""
        pool = Pool()
        Application = pool.get('ossis.application')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        system = external.external_user('elbasan.system', elbasan.company)
        other_system = external.external_user(
            'pogradec.system', pogradec.company)
        with as_user(other_system):
            filed = Application.submit_external(external.filing(pogradec))
        theirs = Application(filed['id'])
        desk = scenario.draft(elbasan, serial=2)

        for application in [theirs, desk]:
            self.assert_lines_hidden(system, application)
            self.assert_lines_unchanged(system, application)
            self.assert_no_line_added(system, application)

    @with_transaction()
    def test_checklist_of_own_filings(self):
        "Test a system reads the checklist lines of what it filed"
        pool = Pool()
        Application = pool.get('ossis.application')
        Document = pool.get('ossis.application.document')
        elbasan = scenario.municipality('elbasan')
        system = external.external_user('elbasan.system', elbasan.company)
        with as_user(system):
            filed = Application.submit_external(external.filing(elbasan))
        lines = [d.id for d in Application(filed['id']).documents]
        self.assertTrue(lines)
        with as_user(system):
            self.assertEqual(
                {d.id for d in Document.search([])}, set(lines))
            self.assertEqual(
                len(Document.read(lines, ['status'])), len(lines))


del ModuleTestCase
