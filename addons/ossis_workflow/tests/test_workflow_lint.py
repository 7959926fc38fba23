# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks of workflows in the municipalities, simulation and BPMN files"""
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_services.tests import municipality as scenario
from trytond.modules.ossis_services.tests.tools import load_albanian
from trytond.modules.ossis_workflow.exceptions import (
    WorkflowActivationError, WorkflowImportError)
from trytond.modules.ossis_workflow.workflow_analysis import simulate
from trytond.modules.ossis_workflow.workflow_bpmn import workflow_to_bpmn
from trytond.modules.ossis_workflow.workflow_lint import (
    lint_configurations, report, workflow_graph)
from trytond.modules.ossis_workflow.workflow_simulate import simulation_report
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .bpmn_engine import Process, paths


def national(code):
    pool = Pool()
    Workflow = pool.get('ossis.workflow')
    workflow, = Workflow.search([
            ('service_code', '=', code),
            ('company', '=', None),
            ('state', '=', 'active'),
            ])
    return workflow


def run_wizard(name, data=None, state='start', context=None):
    """Run the wizard from its first state to state with the data of the
    views; return the views' values and the actions"""
    pool = Pool()
    Wizard = pool.get(name, type='wizard')
    with Transaction().set_context(context or {}):
        session_id, start, _ = Wizard.create()
        try:
            result = Wizard.execute(session_id, data or {}, state)
        finally:
            Wizard.delete(session_id)
    return result


def record_context(record):
    return {
        'active_model': record.__name__,
        'active_id': record.id,
        'active_ids': [record.id],
        }


class WorkflowLintTestCase(ModuleTestCase):
    "Test the checks of workflows in the municipalities"
    module = 'ossis_workflow'
    extras = []

    def broken_draft(self, setup):
        """Return a draft of the municipality for TAX-05 whose review has
        no way out and takes longer than the legal deadline"""
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        Transition = pool.get('ossis.workflow.transition')
        service = setup.offers['TAX-05'].service
        workflow, = Workflow.create([{
                    'name': "Broken",
                    'service_code': 'TAX-05',
                    'company': setup.company.id,
                    'steps': [('create', [{
                                    'sequence': 10,
                                    'code': 'intake',
                                    'name': "Registration",
                                    'kind': 'intake',
                                    'unit_source': 'desk',
                                    'role': 'front_office',
                                    'days': 0,
                                    }, {
                                    'sequence': 20,
                                    'code': 'review',
                                    'name': "Review",
                                    'kind': 'review',
                                    'days': service.legal_days + 3,
                                    }])],
                    }])
        intake, review = workflow.steps
        Transition.create([{
                    'workflow': workflow.id,
                    'from_step': intake.id,
                    'action': 'forward',
                    'to_step': review.id,
                    'role': 'front_office',
                    }])
        return Workflow(workflow.id)

    @with_transaction()
    def test_default_workflows_clean(self):
        "Test the default workflows of a staffed municipality lint clean"
        setup = scenario.municipality('elbasan')

        result = lint_configurations([setup.company])

        self.assertEqual(result.configurations, 2)
        self.assertEqual(list(result), [])
        for code in setup.offers:
            self.assertEqual(national(code).lint(setup.company), [])

    @with_transaction()
    def test_other_municipalities_not_offering(self):
        "Test a municipality without offers has nothing to check"
        pool = Pool()
        Company = pool.get('company.company')
        scenario.municipality('elbasan')

        result = lint_configurations(service_codes=['TAX-05'])

        self.assertEqual(Company.search_count([]), 61)
        self.assertEqual(result.configurations, 1)
        self.assertEqual(list(result), [])

    @with_transaction()
    def test_broken_draft_refused(self):
        "Test a broken draft is refused at activation with its problems"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        setup = scenario.municipality('elbasan')
        workflow = self.broken_draft(setup)
        legal_days = setup.offers['TAX-05'].service.legal_days

        errors = workflow.lint()

        self.assertEqual(len(errors), 3, errors)
        self.assertIn(
            'The step "Review" has no way out and is not a delivery step.',
            errors)
        self.assertIn(
            'No decision can be reached from the step "Registration".',
            errors)
        self.assertIn(
            f'The longest path takes {legal_days + 3} working days, more '
            f'than the legal deadline of {legal_days}: '
            'Registration → Review.', errors)
        with self.assertRaises(WorkflowActivationError) as context:
            Workflow.activate([workflow])
        for error in errors:
            self.assertIn(error, context.exception.message)
        self.assertIn("3 problems", context.exception.message)
        self.assertEqual(Workflow(workflow.id).state, 'draft')
        self.assertEqual(national('TAX-05').state, 'active')

        result = lint_configurations([setup.company])
        self.assertEqual(result.configurations, 2)
        self.assertEqual(list(result), [])

    @with_transaction()
    def test_role_warning(self):
        "Test a municipality without back office staff gets role warnings"
        pool = Pool()
        User = pool.get('res.user')
        Workflow = pool.get('ossis.workflow')
        setup = scenario.municipality('pogradec')
        User.write([setup.back, setup.head], {'active': False})

        result = lint_configurations(
            [setup.company], service_codes=['TAX-05'])

        self.assertEqual(result.configurations, 1)
        self.assertEqual(result.errors, [])
        self.assertEqual(
            [(p.code, p.step.code, p.severity) for p in result], [
                ('role_missing', 'review', 'warning'),
                ('role_missing', 'approval', 'warning'),
                ('role_missing', 'decision', 'warning'),
                ])
        problem = result[0]
        self.assertEqual(problem.company, setup.company)
        self.assertEqual(problem.workflow, national('TAX-05'))
        self.assertEqual(
            problem.message,
            'Nobody with the role "Back Office" works in the unit '
            'responsible for the step "Review" (Responsible Unit of the '
            'Service).')
        self.assertIn('TAX-05', problem.text())

        # Warnings do not refuse the activation of an own version
        own = national('TAX-05').copy_as_draft()
        Workflow.write([own], {'company': setup.company.id})
        self.assertEqual(own.lint(), [])
        self.assertEqual(len(own.lint_problems()), 3)
        Workflow.activate([own])
        self.assertEqual(Workflow(own.id).state, 'active')

    @with_transaction()
    def test_unit_missing(self):
        "Test an offer without a unit for its steps is an error"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        setup = scenario.municipality('elbasan')
        offer = setup.offers['TAX-05']
        Offer.write([offer], {
                'responsible_unit': None,
                'desks': [('remove', [setup.desk.id])],
                })

        result = lint_configurations(
            [setup.company], service_codes=['TAX-05'])

        self.assertEqual(
            [(p.code, p.step.code) for p in result.errors], [
                ('unit_missing', 'intake'),
                ('unit_missing', 'review'),
                ('unit_missing', 'approval'),
                ('unit_missing', 'decision'),
                ('unit_missing', 'delivery'),
                ])
        self.assertEqual(len(national('TAX-05').lint(setup.company)), 5)
        # Without a municipality only the structure is checked
        self.assertEqual(national('TAX-05').lint(), [])

    @with_transaction()
    def test_check_wizard(self):
        "Test the Check Workflows wizard reports for the user's municipality"
        setup = scenario.municipality('elbasan')
        scenario.municipality('pogradec', services=['TAX-05'])
        admin = create_lgu_user(
            'elbasan.admin', setup.company, 'group_lgu_admin')

        with as_user(admin), Transaction().set_context(
                company=setup.company.id):
            result = run_wizard('ossis.workflow.check')

        report = result['view']['defaults']['report']
        self.assertTrue(report.startswith(
                "2 configurations checked: 0 errors, 0 warnings."), report)

    @with_transaction()
    def test_counts_singular_and_plural(self):
        "Test the reports count one thing in the singular, also in Albanian"
        pool = Pool()
        Step = pool.get('ossis.workflow.step')
        Workflow = pool.get('ossis.workflow')
        setup = scenario.municipality('elbasan')
        draft = self.broken_draft(setup)
        Step.write([draft.steps[-1]], {'kind': 'delivery', 'days': 1})
        result = lint_configurations(
            [setup.company], service_codes=['TAX-05'])
        load_albanian(['ossis_workflow'])

        for language, texts in [
                ('en', [
                        "1 configuration checked: 0 errors, 0 warnings.",
                        "The workflow has 1 problem:\n",
                        "1 path from the first step to an end.",
                        "Shortest: 1 working day, 1 transition (",
                        ]),
                ('sq', [
                        "1 konfigurim i kontrolluar: 0 gabime, "
                        "0 paralajmërime.",
                        "Procedura ka 1 problem:\n",
                        "1 rrugë nga hapi i parë deri në fund.",
                        "Më e shkurtra: 1 ditë pune, 1 kalim (",
                        ])]:
            with Transaction().set_context(language=language):
                with self.assertRaises(WorkflowActivationError) as context:
                    Workflow.lint_button([draft])
                simulation = simulation_report(
                    draft, simulate(workflow_graph(draft, None)))
                reports = [report(result), context.exception.message,
                    simulation, simulation]
            for text, found in zip(texts, reports):
                self.assertIn(text, found)

    @with_transaction()
    def test_simulate(self):
        "Test the simulation of the national default workflow"
        workflow = national('TAX-05')
        legal_days = workflow.service.legal_days

        result = run_wizard(
            'ossis.workflow.simulate', context=record_context(workflow))

        values = result['view']['defaults']
        self.assertEqual(values['legal_days'], legal_days)
        self.assertEqual(values['shortest_days'], legal_days)
        self.assertEqual(values['longest_days'], legal_days)
        self.assertGreater(values['worst_days'], legal_days)
        self.assertGreater(values['paths'], 2)
        self.assertIn(
            f"Shortest: {legal_days} working days, 4 transitions (Approved): "
            "Registration → Review → Approval → Decision → Delivery",
            values['report'])
        self.assertIn("Worst case:", values['report'])

    @with_transaction()
    def test_bpmn_round_trip(self):
        "Test a workflow exported to BPMN imports as an equal draft"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        setup = scenario.municipality('elbasan')
        workflow = national('TAX-05')

        result = run_wizard(
            'ossis.workflow.export_bpmn', context=record_context(workflow))
        values = result['view']['defaults']
        self.assertEqual(values['filename'], 'TAX-05-v1.bpmn')
        content = values['file']
        self.assertIn(b'name="Front desk"', content)
        self.assertIn(b'name="Responsible unit"', content)

        result = run_wizard('ossis.workflow.import_bpmn', {
                'start': {
                    'file': content,
                    'service': workflow.service.id,
                    'company': setup.company.id,
                    },
                }, 'open_')
        (_, data), = result['actions']
        imported, = Workflow.browse(data['res_id'])

        self.assertEqual(imported.state, 'draft')
        self.assertEqual(imported.company, setup.company)
        self.assertEqual(imported.version, 1)
        self.assertEqual(
            workflow_graph(imported, 10), workflow_graph(workflow, 10))
        self.assertEqual(imported.lint(), [])

    @with_transaction()
    def test_bpmn_default_workflows_run(self):
        """Test an engine runs the export of every national default
        workflow along each way out of its steps to the expected end"""
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        workflows = Workflow.search([
                ('company', '=', None),
                ('state', '=', 'active'),
                ])

        runs = 0
        for workflow in workflows:
            process = Process(workflow_to_bpmn(workflow))
            ways = paths(workflow_graph(workflow, None))
            self.assertEqual(
                {a for choices, _ in ways for _, a in choices}, {
                    'forward', 'request_info', 'return', 'approve',
                    'reject', None})
            for choices, end in ways:
                self.assertEqual(end, 'delivery')
                self.assertEqual(
                    process.run(choices), end, (workflow.rec_name, choices))
                runs += 1
        self.assertEqual((len(workflows), runs), (103, 4 * 103))

    @with_transaction()
    def test_bpmn_import_invalid(self):
        "Test a broken BPMN file is refused and nothing is stored"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        workflow = national('TAX-05')
        count = Workflow.search_count([])
        for content, message in [
                (b'<definitions', "is not well-formed XML"),
                (b'<?xml version="1.0"?><html/>',
                    'is not a BPMN 2.0 document: its root is "html"'),
                ]:
            with self.subTest(content=content):
                with self.assertRaises(WorkflowImportError) as context:
                    run_wizard('ossis.workflow.import_bpmn', {
                            'start': {
                                'file': content,
                                'service': workflow.service.id,
                                'company': None,
                                },
                            }, 'open_')
                self.assertIn(message, context.exception.message)
                self.assertEqual(Workflow.search_count([]), count)

    @with_transaction()
    def test_bpmn_import_unknown_unit_type(self):
        "Test a file naming an unknown unit type is refused"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        workflow = national('TAX-05')
        content = run_wizard(
            'ossis.workflow.export_bpmn', context=record_context(workflow)
            )['view']['defaults']['file']
        content = content.replace(
            b'ossis:unitSource="service"',
            b'ossis:unitSource="unit_type" ossis:unitKey="nowhere"', 1)
        count = Workflow.search_count([])

        with self.assertRaises(WorkflowImportError) as context:
            run_wizard('ossis.workflow.import_bpmn', {
                    'start': {
                        'file': content,
                        'service': workflow.service.id,
                        'company': None,
                        },
                    }, 'open_')
        self.assertIn(
            'names the unit type "nowhere", which does not exist',
            context.exception.message)
        self.assertEqual(Workflow.search_count([]), count)

    @with_transaction()
    def test_manual_steps(self):
        "Test the manual lists the steps of the workflow that applies"
        pool = Pool()
        Manual = pool.get('ossis.service.manual', type='report')
        setup = scenario.municipality('elbasan')

        rows = Manual.workflow_steps(setup.offers['TAX-05'])

        legal_days = setup.offers['TAX-05'].service.legal_days
        self.assertEqual(len(rows), 5)
        self.assertEqual(
            rows[0], ["Registration", "Front Desk (Front Office)", "0"])
        self.assertEqual(rows[1][1], "Services Directorate (Back Office)")
        self.assertEqual(
            sum(int(r[2]) for r in rows), legal_days)


del ModuleTestCase
