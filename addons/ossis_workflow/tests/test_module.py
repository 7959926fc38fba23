# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.test_fiche import (
    offer, pages, setup_lgu)
from trytond.modules.ossis_workflow.exceptions import WorkflowAccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def national_workflow(code):
    "Return the active national workflow of the service"
    Workflow = Pool().get('ossis.workflow')
    workflow, = Workflow.search([
            ('service_code', '=', code),
            ('company', '=', None),
            ('state', '=', 'active'),
            ])
    return workflow


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


    @with_transaction()
    def test_duplicate(self):
        "Test a duplicated workflow is a draft with its own steps and "
        "transitions"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        national = national_workflow('TAX-05')

        copy, = Workflow.copy([national])

        self.assertEqual(copy.state, 'draft')
        self.assertEqual(
            [s.code for s in copy.steps], [s.code for s in national.steps])
        self.assertEqual(len(copy.transitions), len(national.transitions))
        for transition in copy.transitions:
            self.assertIn(transition.from_step, copy.steps)
            if transition.to_step:
                self.assertIn(transition.to_step, copy.steps)
        self.assertEqual(copy.lint(), [])
        # The original keeps its own
        self.assertEqual(
            {t.from_step.workflow for t in national.transitions}, {national})

    @with_transaction()
    def test_conditions_read_application(self):
        """Whether the conditions out of a step read the application is
        kept, and follows a change of the draft's transitions"""
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        Transition = pool.get('ossis.workflow.transition')
        national = national_workflow('TAX-05')
        copy, = Workflow.copy([national])
        for transition in copy.transitions:
            transition.condition = None
        Transition.save(copy.transitions)
        step = copy.start_step
        self.assertFalse(step.conditions_read_application())
        cache = type(step)._conditions_cache
        hits = cache.hit
        self.assertFalse(step.conditions_read_application())
        self.assertEqual(cache.hit, hits + 1)

        # A condition on a transition of the step it leads to counts too
        following = next(t.to_step for t in step.transitions if t.to_step)
        transition = following.transitions[0]
        transition.condition = '[["channel", "=", "desk"]]'
        transition.save()
        self.assertTrue(step.conditions_read_application())

    @with_transaction()
    def test_municipality_versions(self):
        "Test the administrator of a municipality makes and activates its "
        "own version of a national workflow, never a national one"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        admin = create_lgu_user('elbasan.admin', elbasan)
        other = create_lgu_user('pogradec.admin', pogradec)
        national = national_workflow('TAX-05')
        # A national draft, as the national administrator makes it
        national_draft = national.copy_as_draft()
        count = Workflow.search_count([])

        with as_user(admin), self.assertRaises(WorkflowAccessError):
            Workflow.activate([Workflow(national_draft.id)])
        self.assertEqual(Workflow(national.id).state, 'active')
        self.assertEqual(Workflow(national_draft.id).state, 'draft')

        with as_user(admin):
            action = Workflow.new_version([Workflow(national.id)])
        own, = Workflow.browse(action['res_id'])
        self.assertEqual(Workflow.search_count([]), count + 1)
        self.assertEqual((own.company, own.state), (elbasan, 'draft'))
        self.assertEqual(
            [s.code for s in own.steps], [s.code for s in national.steps])

        with as_user(other), self.assertRaises(AccessError):
            Workflow.activate([Workflow(own.id)])
        self.assertEqual(Workflow(own.id).state, 'draft')

        with as_user(admin), Transaction().set_context(company=elbasan.id):
            Workflow.activate([Workflow(own.id)])
        self.assertEqual(Workflow(own.id).state, 'active')
        # The other municipalities keep the national workflow
        self.assertEqual(Workflow(national.id).state, 'active')
        self.assertEqual(
            Workflow.get_active(pogradec, ['TAX-05'])['TAX-05'], national)
        self.assertEqual(
            Workflow.get_active(elbasan, ['TAX-05'])['TAX-05'],
            Workflow(own.id))


del ModuleTestCase
