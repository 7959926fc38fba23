# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.ossis_application.exceptions import (
    WorkflowMigrationAccessError, WorkflowMigrationError)
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

# Each record of a batch checks the ids of the whole batch (trytond's
# ModelStorage asserts them): large batches cost the square of their size
BATCH = 100
# Acting reads the documents of the whole batch for each application
ACT_BATCH = 50


def running_applications(setup, count, first_serial=1000):
    """Create and submit count applications at the desk, in batches; they
    wait at the review step"""
    pool = Pool()
    Applicant = pool.get('ossis.applicant')
    Application = pool.get('ossis.application')
    Document = pool.get('ossis.application.document')
    Date = pool.get('ir.date')
    offer = setup.offers['TAX-05']
    applications = []
    for start in range(0, count, BATCH):
        serials = range(
            first_serial + start, first_serial + min(start + BATCH, count))
        applicants = Applicant.create([{
                    'company': setup.company.id,
                    'kind': 'person',
                    'name': f"Applicant {s}",
                    'identifier': scenario.valid_identifier(s),
                    } for s in serials])
        batch = Application.create([{
                    'company': setup.company.id,
                    'channel': 'desk',
                    'desk': setup.desk.id,
                    'lgu_service': offer.id,
                    'applicant': a.id,
                    } for a in applicants])
        Document.write(
            Document.search([('application', 'in', [a.id for a in batch])]),
            {'status': 'received', 'received_date': Date.today()})
        with acting(setup.front):
            for i in range(0, len(batch), ACT_BATCH):
                Application.submit(
                    Application.browse(batch[i:i + ACT_BATCH]))
        applications.extend(batch)
    return Application.browse(applications)


def acting(user):
    "Act as the user in the user's session"
    return _Both(as_user(user), Transaction().set_context(
            scenario.user_context(user)))


class _Both:
    def __init__(self, *managers):
        self.managers = managers

    def __enter__(self):
        for manager in self.managers:
            manager.__enter__()

    def __exit__(self, *exc):
        for manager in reversed(self.managers):
            manager.__exit__(*exc)


def forward(setup, applications):
    "Forward the applications at the review, then those at the approval"
    pool = Pool()
    Application = pool.get('ossis.application')
    applications = Application.browse(applications)
    by_step = {}
    for application in applications:
        by_step.setdefault(application.step.code, []).append(application)
    for user, code in [(setup.head, 'approval'), (setup.back, 'review')]:
        records = by_step.get(code, [])
        with acting(user):
            for i in range(0, len(records), ACT_BATCH):
                Application.act(records[i:i + ACT_BATCH], 'forward')


def version_2(old):
    """Return an active new version of the workflow: a legal check step
    after the review, the approval renamed proposal, and the decision
    taken at the desk"""
    pool = Pool()
    Workflow = pool.get('ossis.workflow')
    Step = pool.get('ossis.workflow.step')
    Transition = pool.get('ossis.workflow.transition')
    new = old.copy_as_draft()
    approval = new.step_of_code('approval')
    Step.write([approval], {'code': 'proposal', 'name': "Proposal"})
    Step.write([new.step_of_code('decision')], {'unit_source': 'desk'})
    review, legal = scenario.legal_check(new, 'service', 2)
    forward, = [t for t in review.transitions if t.action == 'forward']
    Transition.write([forward], {'to_step': legal.id})
    Transition.create([{
                'workflow': new.id,
                'from_step': legal.id,
                'action': 'forward',
                'to_step': approval.id,
                'role': 'back_office',
                }])
    Workflow.activate([new])
    return Workflow(new.id)


class WorkflowMigrationTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test moving running applications to a new workflow version"

    module = 'ossis_application'

    def snapshot(self, company):
        "Return workflow, step, unit and due date of each application"
        pool = Pool()
        Application = pool.get('ossis.application')
        names = ['workflow', 'step', 'step_unit', 'step_due_date']
        return {r['id']: tuple(r[n] for n in names)
            for r in Application.search_read(
                [('company', '=', company.id)], fields_names=list(names))}

    def migrations(self):
        pool = Pool()
        History = pool.get('ossis.application.history')
        return History.search_count([('action', '=', 'migrate')])

    @with_transaction()
    def test_migrate_3000(self):
        "Test moving 3,000 running applications to a new version"
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        Migration = pool.get('ossis.workflow.migration')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        applications = running_applications(elbasan, 3000)
        forward(elbasan, applications[1000:])
        forward(elbasan, applications[2000:])
        others = running_applications(pogradec, 3)
        v1 = applications[0].workflow
        self.assertEqual(
            {a.step.code for a in Application.browse(applications)},
            {'review', 'approval', 'decision'})
        v2 = version_2(v1)
        admin = create_lgu_user('elbasan.admin', elbasan.company)
        pogradec_admin = create_lgu_user('pogradec.admin', pogradec.company)
        before = self.snapshot(elbasan.company)
        before_others = self.snapshot(pogradec.company)
        step_map = {
            v1.step_of_code('review'): v2.step_of_code('review'),
            v1.step_of_code('approval'): v2.step_of_code('proposal'),
            }

        # The decision step is not mapped: nothing moves
        with as_user(admin), self.assertRaises(
                WorkflowMigrationError) as cm:
            Migration.migrate(applications, v2, step_map)
        self.assertIn("Decision", cm.exception.message)
        self.assertNotIn("Review", cm.exception.message)
        self.assertEqual(self.snapshot(elbasan.company), before)
        self.assertEqual(self.migrations(), 0)

        step_map[v1.step_of_code('decision')] = v2.step_of_code('decision')

        # Another municipality's administrator is refused, without
        # learning anything of Elbasan
        with as_user(pogradec_admin), self.assertRaises(
                WorkflowMigrationAccessError) as cm:
            Migration.migrate(applications, v2, step_map)
        self.assertNotIn("Elbasan", cm.exception.message)
        self.assertNotIn("ELB", cm.exception.message)
        self.assertEqual(self.snapshot(elbasan.company), before)
        self.assertEqual(self.migrations(), 0)

        # A clerk is refused too
        with as_user(elbasan.back), self.assertRaises(
                WorkflowMigrationAccessError):
            Migration.migrate(applications[:1], v2, step_map)

        with as_user(admin):
            report = Migration.migrate(applications, v2, step_map)

        self.assertEqual(
            [(r['company'], r['count']) for r in report],
            [(elbasan.company.id, 1000)] * 3)
        self.assertEqual(
            {(r['from_step'], r['to_step']) for r in report},
            {(o.id, n.id) for o, n in step_map.items()})
        after = self.snapshot(elbasan.company)
        self.assertEqual(set(after), set(before))
        codes = {s.id: s.code for s in v1.steps + v2.steps}
        for id_, (workflow, step, unit, due) in after.items():
            old_step, old_due = before[id_][1], before[id_][3]
            self.assertEqual(workflow, v2.id)
            self.assertEqual(step, step_map[
                    pool.get('ossis.workflow.step')(old_step)].id)
            self.assertEqual(due, old_due)
            expected = (elbasan.desk if codes[step] == 'decision'
                else elbasan.unit)
            self.assertEqual(unit, expected.id)
        self.assertEqual(
            {codes[s] for _, s, _, _ in after.values()},
            {'review', 'proposal', 'decision'})

        history = History.search([('action', '=', 'migrate')])
        self.assertEqual(len(history), 3000)
        self.assertEqual({h.application.id for h in history}, set(before))
        self.assertFalse(any(h.public for h in history))
        row, = [h for h in history
            if h.application == applications[1000]]
        self.assertEqual(row.comment, "v1 → v2: Approval → Proposal")
        self.assertEqual(row.from_state, row.to_state)
        self.assertEqual(row.from_state, 'in_progress')

        # The other municipality's applications stay on their version
        self.assertEqual(self.snapshot(pogradec.company), before_others)
        self.assertTrue(all(
                a.workflow == v1 for a in Application.browse(others)))

        # The moved applications go on in their new version
        forward(elbasan, applications[:1])
        self.assertEqual(
            Application(applications[0].id).step.code, 'legal')

    @with_transaction()
    def test_refusals(self):
        "Test a closed or an unmapped application and a draft target"
        pool = Pool()
        Application = pool.get('ossis.application')
        Workflow = pool.get('ossis.workflow')
        Migration = pool.get('ossis.workflow.migration')
        setup = scenario.municipality('elbasan')
        admin = create_lgu_user('elbasan.admin', setup.company)
        applications = running_applications(setup, 2)
        v1 = applications[0].workflow
        draft = v1.copy_as_draft()
        step_map = {s.id: draft.step_of_code(s.code).id for s in v1.steps}
        with as_user(admin), self.assertRaises(WorkflowMigrationError):
            Migration.migrate(applications, draft, step_map)
        Workflow.activate([draft])
        v2 = Workflow(draft.id)
        with as_user(admin), self.assertRaises(WorkflowMigrationError):
            # A step of the old version is not a step of the new one
            Migration.migrate(
                applications, v2, {s.id: s.id for s in v1.steps})
        with acting(setup.front):
            Application.write([Application(applications[0].id)], {
                    'end_reason': "Asked by the applicant."})
            Application.withdraw([Application(applications[0].id)])
        with as_user(admin), self.assertRaises(
                WorkflowMigrationError) as cm:
            Migration.migrate(applications, v2, step_map)
        self.assertIn(
            Application(applications[0].id).number, cm.exception.message)
        self.assertEqual(self.migrations(), 0)
        self.assertEqual(
            {a.workflow for a in Application.browse(applications)}, {v1})

    @with_transaction()
    def test_wizard(self):
        "Test the wizard from the new version, for a national administrator"
        pool = Pool()
        Application = pool.get('ossis.application')
        Migrate = pool.get('ossis.workflow.migrate', type='wizard')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        applications = running_applications(elbasan, 4)
        forward(elbasan, applications[2:])
        others = running_applications(pogradec, 2)
        v1 = applications[0].workflow
        v2 = version_2(v1)
        national = create_lgu_user(
            'national.admin', elbasan.company, 'group_national_admin')
        pool.get('res.user').write([national], {
                'companies': [('add', [pogradec.company.id])],
                })

        with as_user(national), Transaction().set_context(
                active_model='ossis.workflow', active_id=v2.id,
                active_ids=[v2.id]):
            session_id, _, _ = Migrate.create()
            start = Migrate.execute(session_id, {}, 'start')
            defaults = start['view']['defaults']
            self.assertEqual(defaults['sources'], [v1.id])
            self.assertEqual(defaults['target'], v2.id)
            data = {'start': {
                    'service_code': defaults['service_code'],
                    'sources': [v1.id],
                    'target': v2.id,
                    'company': elbasan.company.id,
                    'applications': [],
                    }}
            mapping = Migrate.execute(session_id, data, 'mapping')
            values = mapping['view']['defaults']
            self.assertEqual(values['count'], 4)
            steps = {s['from_step']: s for s in values['steps']}
            approval = v1.step_of_code('approval').id
            self.assertEqual(steps[approval]['count'], 2)
            # Pre-filled by step code: the renamed step is left to choose
            self.assertIsNone(steps[approval]['to_step'])
            self.assertEqual(
                steps[v1.step_of_code('review').id]['to_step'],
                v2.step_of_code('review').id)
            data['mapping'] = {'count': 4, 'steps': values['steps']}
            with self.assertRaises(WorkflowMigrationError):
                Migrate.execute(session_id, data, 'migrate')
            self.assertEqual(self.migrations(), 0)
            steps[approval]['to_step'] = v2.step_of_code('proposal').id
            result = Migrate.execute(session_id, data, 'migrate')
            report = result['view']['defaults']
            Migrate.delete(session_id)
        self.assertEqual(report['count'], 4)
        self.assertIn("Approval → Proposal: 2", report['report'])
        self.assertEqual(
            {a.workflow for a in Application.browse(applications)}, {v2})
        self.assertEqual(
            {a.workflow for a in Application.browse(others)}, {v1})

