# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.test_fiche import (
    offer, pages, setup_lgu)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class OssisWorkflowTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Workflow module"
    module = 'ossis_workflow'

    @property
    def _skip_company_rule(self):
        # National workflows have no municipality and are read by all
        return super()._skip_company_rule | {('ossis.workflow', 'company')}

    @with_transaction()
    def test_catalogue_has_default_workflows(self):
        "Test every service published before the activation has a workflow"
        pool = Pool()
        Service = pool.get('ossis.service')
        Workflow = pool.get('ossis.workflow')
        published = Service.search([('state', '=', 'published')])

        self.assertEqual(len(published), 103)
        workflows = Workflow.search([
                ('company', '=', None),
                ('state', '=', 'active'),
                ])
        self.assertEqual(
            {w.service_code for w in workflows},
            {s.code for s in published})

    @with_transaction()
    def test_new_version_published_keeps_one_workflow(self):
        "Test publishing a new version of a service keeps its workflow"
        pool = Pool()
        Service = pool.get('ossis.service')
        Workflow = pool.get('ossis.workflow')
        service, = Service.search([
                ('code', '=', 'TAX-05'),
                ('state', '=', 'published'),
                ])
        before = Workflow.search([('service_code', '=', 'TAX-05')])

        Service.new_version([service])
        draft, = Service.search([
                ('code', '=', 'TAX-05'),
                ('state', '=', 'draft'),
                ])
        Service.publish([draft])

        self.assertEqual(
            Workflow.search([('service_code', '=', 'TAX-05')]), before)

    @with_transaction()
    def test_new_service_gets_workflow(self):
        "Test a service published for the first time gets a workflow"
        pool = Pool()
        Service = pool.get('ossis.service')
        Workflow = pool.get('ossis.workflow')
        template, = Service.search([
                ('code', '=', 'TAX-05'),
                ('state', '=', 'published'),
                ])
        service, = Service.copy([template], {'code': 'TST-01'})

        Service.publish([service])

        workflow, = Workflow.search([('service_code', '=', 'TST-01')])
        self.assertEqual(workflow.state, 'active')
        self.assertEqual(
            [s.code for s in workflow.steps][:2], ['intake', 'review'])

    @with_transaction()
    def test_manual_workflow_steps(self):
        "Test the manual shows the steps of the workflow of each service"
        pool = Pool()
        Manual = pool.get('ossis.service.manual', type='report')
        elbasan, back_office, desks = setup_lgu('elbasan', [
                ('elbasan', "Elbasan Main Desk"),
                ])
        offer(elbasan, 'BUS-01', Decimal(1500), 10, back_office, desks)

        text = ' '.join(pages(Manual.render_pdf(elbasan, 'en')))

        self.assertIn("Workflow", text)
        self.assertIn("Step Done by Days", text)
        self.assertIn("Registration Elbasan Main Desk (Front Office)", text)
        self.assertIn(
            "Review Local Services Directorate Elbasan (Back Office)", text)
        self.assertNotIn("not defined yet", text)


del ModuleTestCase
