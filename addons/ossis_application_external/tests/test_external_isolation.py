# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError
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

    @with_transaction()
    def test_staff_of_other_municipalities_hidden(self):
        "Test a system reads neither the users nor the staff of others"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        system = external.external_user('elbasan.system', elbasan.company)
        users = [pogradec.front, pogradec.back, pogradec.head]
        parties = [e.party for e in vars(pogradec.employees).values()]
        names = Party.read([p.id for p in parties], ['name'])

        with as_user(system):
            self.assertFalse(set(users) & set(User.search([])))
            self.assertFalse(set(parties) & set(Party.search([])))
            self.assertEqual(Party.search([
                        ('employees.company', '=', pogradec.company.id),
                        ]), [])
            with self.assertRaises(AccessError):
                Party.read([parties[0].id], ['name'])
            with self.assertRaises(AccessError):
                User.read([users[0].id], ['login'])
            with self.assertRaises(AccessError):
                Party.write([Party(parties[0].id)], {'name': "Renamed"})
            # The municipalities stay readable
            self.assertEqual(
                len(Company.read(
                        [elbasan.company.id, pogradec.company.id],
                        ['rec_name'])), 2)
        self.assertEqual(Party.read([p.id for p in parties], ['name']), names)


del ModuleTestCase
