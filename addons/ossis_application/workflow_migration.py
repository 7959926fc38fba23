# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Moving running applications to another version of their workflow

Activating a new version leaves the running applications on theirs.  An
administrator moves them with ``WorkflowMigration.migrate`` (the *Migrate
Applications* wizard calls it): each application goes to the step of the
new version that the mapping gives for its current step, in one
transaction, keeping its deadlines.
"""
import datetime as dt
from collections import Counter, defaultdict

from sql.operators import In

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Model, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .application import RUNNING
from .exceptions import WorkflowMigrationAccessError, WorkflowMigrationError

# How many application numbers an error message lists at most
LISTED = 10


class WorkflowMigration(Model):
    """Workflow Migration

    Moves running applications from their workflow version to another
    version of the same service."""
    __name__ = 'ossis.workflow.migration'
    __string__ = "Workflow Migration"

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'migrate': RPC(readonly=False),
                })

    @classmethod
    def migrate(cls, applications, target, step_map):
        """Move the running applications to the target workflow

        applications are records or ids, target a workflow or its id and
        step_map maps each current step (record or id) to a step of the
        target: a dictionary or a list of pairs.  Every current step must
        be mapped.  The step due date is kept: the legal clock does not
        restart.  Either every application moves or, on any error, none.
        Return the report: a list of dictionaries with the municipality,
        the old and new steps (ids) and the number of applications moved.
        """
        pool = Pool()
        Application = pool.get('ossis.application')
        Workflow = pool.get('ossis.workflow')
        ids = list({int(a) for a in applications})
        target = int(target)
        pairs = step_map.items() if isinstance(step_map, dict) else step_map
        step_map = {int(o): int(n) if n is not None else None
            for o, n in pairs}
        if not ids:
            return []
        rows = cls._rows(ids)
        cls.check_user({r['company'] for r in rows})
        if Transaction().user:
            with check_access():
                # The record rules refuse what the user may not read
                Application.read(ids, ['id'])
                Workflow.read([target], ['id'])
        with without_check_access():
            target = Workflow(target)
            cls.check_rows(rows, target, step_map)
            return cls._move(rows, target, step_map)

    @classmethod
    def _rows(cls, ids):
        "Read the applications to move with one query per thousand"
        pool = Pool()
        Application = pool.get('ossis.application')
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        columns = [
            'id', 'number', 'company', 'lgu_service', 'desk', 'state',
            'workflow', 'step', 'step_unit', 'assignee']
        rows = []
        size = backend.MAX_QUERY_PARAMS
        for sub_ids in grouped_slice(ids, size):
            cursor.execute(*table.select(
                    *(getattr(table, c) for c in columns),
                    where=In(table.id, list(sub_ids))))
            rows.extend(dict(zip(columns, r)) for r in cursor)
        return rows

    @classmethod
    def check_user(cls, company_ids):
        """Refuse users who are not administrators of every municipality
        of the applications, without naming the others"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not Transaction().user:
            return
        admin = ModelData.get_id('ossis_base', 'group_lgu_admin')
        if admin not in User.get_groups():
            raise WorkflowMigrationAccessError(gettext(
                    'ossis_application.msg_workflow_migration_not_admin'))
        if not set(company_ids) <= set(User.get_companies()):
            raise WorkflowMigrationAccessError(gettext(
                    'ossis_application.msg_workflow_migration_other_lgu'))

    @classmethod
    def check_rows(cls, rows, target, step_map):
        "Refuse the migration before anything is written"
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        Step = pool.get('ossis.workflow.step')
        if target.state != 'active':
            raise WorkflowMigrationError(gettext(
                    'ossis_application.msg_workflow_migration_target_inactive',
                    workflow=target.rec_name))
        stopped = [r for r in rows if r['state'] not in RUNNING]
        if stopped:
            raise WorkflowMigrationError(gettext(
                    'ossis_application.msg_workflow_migration_not_running',
                    count=len(stopped), applications=cls._numbers(stopped)))
        for source in Workflow.browse({r['workflow'] for r in rows}):
            if source == target:
                raise WorkflowMigrationError(gettext(
                        'ossis_application.msg_workflow_migration_same_version',
                        workflow=target.rec_name))
            if source.service_code != target.service_code:
                raise WorkflowMigrationError(gettext(
                        'ossis_application.msg_workflow_migration_other_service',
                        source=source.rec_name, workflow=target.rec_name))
        if target.company:
            elsewhere = [r for r in rows
                if r['company'] != target.company.id]
            if elsewhere:
                raise WorkflowMigrationError(gettext(
                        'ossis_application.msg_workflow_migration_target_lgu',
                        workflow=target.rec_name, count=len(elsewhere)))
        used = {r['step'] for r in rows}
        unmapped = Step.browse(sorted(
                s for s in used if not step_map.get(s)))
        if unmapped:
            raise WorkflowMigrationError(gettext(
                    'ossis_application.msg_workflow_migration_unmapped',
                    workflow=target.rec_name,
                    steps=', '.join(cls._step_name(s) for s in unmapped)))
        targets = {s.id for s in target.steps}
        foreign = Step.browse(sorted(
                s for s in used if step_map[s] not in targets))
        if foreign:
            raise WorkflowMigrationError(gettext(
                    'ossis_application.msg_workflow_migration_foreign_step',
                    workflow=target.rec_name,
                    steps=', '.join(cls._step_name(s) for s in foreign)))

    @classmethod
    def _numbers(cls, rows):
        numbers = [r['number'] or f"({r['id']})" for r in rows[:LISTED]]
        if len(rows) > LISTED:
            numbers.append('…')
        return ', '.join(numbers)

    @staticmethod
    def _step_name(step):
        return f'{step.name} ({step.workflow.rec_name})'

    @classmethod
    def _move(cls, rows, target, step_map):
        pool = Pool()
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        Step = pool.get('ossis.workflow.step')
        steps = {s.id: s for s in Step.browse(
                {r['step'] for r in rows} | set(step_map.values()))}
        unit_of = cls._unit_resolver()
        _, _, employee = Application._actor()
        now = dt.datetime.now()
        comments = {}
        groups = defaultdict(list)
        history = []
        report = Counter()
        for row in rows:
            old, new = steps[row['step']], steps[step_map[row['step']]]
            unit = unit_of(
                row['company'], row['lgu_service'], row['desk'], new)
            values = {
                'workflow': target.id,
                'step': new.id,
                'step_unit': unit,
                }
            if unit != row['step_unit'] and row['assignee']:
                # The assignee worked in the unit that no longer acts
                values['assignee'] = None
            groups[tuple(sorted(values.items()))].append(row['id'])
            if (old.id, new.id) not in comments:
                comments[old.id, new.id] = gettext(
                    'ossis_application.msg_workflow_migration_comment',
                    from_version=old.workflow.version,
                    to_version=target.version,
                    from_step=old.name, to_step=new.name)
            history.append({
                    'application': row['id'],
                    'company': row['company'],
                    'date': now,
                    'user': Transaction().user,
                    'employee': employee.id if employee else None,
                    'action': 'migrate',
                    'from_state': row['state'],
                    'to_state': row['state'],
                    'from_step': old.id,
                    'to_step': new.id,
                    'assignee': (
                        row['assignee'] if 'assignee' not in values
                        else None),
                    'comment': comments[old.id, new.id],
                    'public': False,
                    })
            report[row['company'], old.id, new.id] += 1
        to_write = []
        for values, ids in groups.items():
            to_write.extend((Application.browse(ids), dict(values)))
        Application.write(*to_write)
        History.create(history)
        return [{
                'company': company,
                'from_step': old,
                'to_step': new,
                'count': count,
                } for (company, old, new), count in sorted(report.items())]

    @classmethod
    def _unit_resolver(cls):
        """Return a function giving the id of the unit responsible for a
        step, resolved once per municipality, offer, desk and step"""
        pool = Pool()
        Company = pool.get('company.company')
        LGUService = pool.get('ossis.lgu.service')
        OrgUnit = pool.get('ossis.org_unit')
        cache = {}

        def unit_of(company, lgu_service, desk, step):
            key = (company, lgu_service, desk, step.id)
            if key not in cache:
                unit = step.unit_for(
                    Company(company),
                    LGUService(lgu_service) if lgu_service else None,
                    OrgUnit(desk) if desk else None)
                cache[key] = unit.id if unit else None
            return cache[key]
        return unit_of

    @classmethod
    def report_text(cls, report):
        "Return the report as translated lines"
        pool = Pool()
        Company = pool.get('company.company')
        Step = pool.get('ossis.workflow.step')
        lines = []
        for row in report:
            lines.append(gettext(
                    'ossis_application.msg_workflow_migration_report_line',
                    municipality=Company(row['company']).rec_name,
                    from_step=Step(row['from_step']).name,
                    to_step=Step(row['to_step']).name,
                    count=row['count']))
        return '\n'.join(lines)


class MigrateStart(ModelView):
    "Migrate Applications"
    __name__ = 'ossis.workflow.migrate.start'
    __string__ = "Migrate Applications"

    service_code = fields.Char("Service Code", readonly=True)
    sources = fields.Many2Many(
        'ossis.workflow', None, None, "From Versions", required=True,
        domain=[
            ('service_code', '=', Eval('service_code', '')),
            ('state', 'in', ['active', 'retired']),
            ],
        help="The versions whose running applications are moved.")
    target = fields.Many2One(
        'ossis.workflow', "To Version", required=True,
        domain=[
            ('service_code', '=', Eval('service_code', '')),
            ('state', '=', 'active'),
            ('id', 'not in', Eval('sources', [])),
            ])
    company = fields.Many2One(
        'company.company', "Municipality",
        help="Move only the applications of this municipality; leave "
        "empty for every municipality you administer.")
    applications = fields.Many2Many(
        'ossis.application', None, None, "Selected Applications",
        readonly=True,
        help="When empty, every running application of the versions is "
        "moved.")


class MigrateStep(ModelView):
    "Migrate Applications Step"
    __name__ = 'ossis.workflow.migrate.step'
    __string__ = "Migrate Applications Step"

    target = fields.Many2One('ossis.workflow', "To Version", readonly=True)
    from_step = fields.Many2One(
        'ossis.workflow.step', "From Step", readonly=True)
    count = fields.Integer(
        "Applications", readonly=True,
        help="The running applications at the step.")
    to_step = fields.Many2One(
        'ossis.workflow.step', "To Step",
        domain=[('workflow', '=', Eval('target', -1))])


class MigrateMapping(ModelView):
    "Migrate Applications Mapping"
    __name__ = 'ossis.workflow.migrate.mapping'
    __string__ = "Migrate Applications Mapping"

    count = fields.Integer("Applications", readonly=True)
    steps = fields.One2Many(
        'ossis.workflow.migrate.step', None, "Steps",
        help="The step of the new version each application goes to.")


class MigrateResult(ModelView):
    "Migrate Applications Result"
    __name__ = 'ossis.workflow.migrate.result'
    __string__ = "Migrate Applications Result"

    count = fields.Integer("Applications Moved", readonly=True)
    report = fields.Text("Report", readonly=True)


class Migrate(Wizard):
    "Migrate Applications"
    __name__ = 'ossis.workflow.migrate'

    start = StateView(
        'ossis.workflow.migrate.start',
        'ossis_application.workflow_migrate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Next", 'mapping', 'tryton-forward', default=True),
            ])
    mapping = StateView(
        'ossis.workflow.migrate.mapping',
        'ossis_application.workflow_migrate_mapping_view_form', [
            Button("Back", 'start', 'tryton-back'),
            Button("Migrate", 'migrate', 'tryton-ok', default=True),
            ])
    migrate = StateTransition()
    result = StateView(
        'ossis.workflow.migrate.result',
        'ossis_application.workflow_migrate_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        Application = pool.get('ossis.application')
        if self.model and self.model.__name__ == 'ossis.application':
            applications = [a for a in self.records if a.state in RUNNING]
            codes = {a.workflow.service_code for a in applications}
            if len(codes) != 1:
                raise WorkflowMigrationError(gettext(
                        'ossis_application.msg_workflow_migration_one_service'))
            code, = codes
            sources = {a.workflow for a in applications}
            target = None
            companies = {a.company for a in applications}
            active = Workflow.get_active(
                companies.pop(), [code]).get(code) if len(
                companies) == 1 else None
            if active and active not in sources:
                target = active
            return {
                'service_code': code,
                'sources': [w.id for w in sources],
                'target': target.id if target else None,
                'applications': [a.id for a in applications],
                }
        workflow = self.record
        if workflow.state == 'active':
            with check_access():
                running = Application.search([
                        ('workflow.service_code', '=',
                            workflow.service_code),
                        ('workflow.company', '=',
                            workflow.company.id if workflow.company
                            else None),
                        ('workflow', '!=', workflow.id),
                        ('state', 'in', RUNNING),
                        ])
            sources = {a.workflow.id for a in running}
            target = workflow.id
        else:
            sources = {workflow.id} if workflow.state == 'retired' else set()
            active = Workflow.search([
                    ('service_code', '=', workflow.service_code),
                    ('company', '=',
                        workflow.company.id if workflow.company else None),
                    ('state', '=', 'active'),
                    ], limit=1)
            target = active[0].id if active else None
        return {
            'service_code': workflow.service_code,
            'sources': sorted(sources),
            'target': target,
            'applications': [],
            }

    def _applications(self):
        "Return the running applications to move"
        pool = Pool()
        Application = pool.get('ossis.application')
        domain = [
            ('state', 'in', RUNNING),
            ('workflow', 'in', [w.id for w in self.start.sources]),
            ]
        if self.start.applications:
            domain.append(
                ('id', 'in', [a.id for a in self.start.applications]))
        if self.start.company:
            domain.append(('company', '=', self.start.company.id))
        with check_access():
            return Application.search(domain, order=[('id', 'ASC')])

    def default_mapping(self, fields):
        pool = Pool()
        Application = pool.get('ossis.application')
        applications = self._applications()
        counts = Counter()
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        size = backend.MAX_QUERY_PARAMS
        for sub_ids in grouped_slice([a.id for a in applications], size):
            cursor.execute(*table.select(
                    table.step, where=In(table.id, list(sub_ids))))
            counts.update(s for s, in cursor)
        target = self.start.target
        by_code = {s.code: s.id for s in target.steps}
        pool_step = pool.get('ossis.workflow.step')
        steps = []
        for step in pool_step.browse(sorted(counts)):
            steps.append({
                    'target': target.id,
                    'from_step': step.id,
                    'count': counts[step.id],
                    'to_step': by_code.get(step.code),
                    })
        steps.sort(key=lambda s: (
                pool_step(s['from_step']).workflow.version,
                pool_step(s['from_step']).sequence or 0,
                s['from_step']))
        return {
            'count': len(applications),
            'steps': steps,
            }

    def transition_migrate(self):
        pool = Pool()
        Migration = pool.get('ossis.workflow.migration')
        step_map = {s.from_step.id: s.to_step.id if s.to_step else None
            for s in self.mapping.steps}
        report = Migration.migrate(
            self._applications(), self.start.target, step_map)
        self.result.count = sum(r['count'] for r in report)
        self.result.report = Migration.report_text(report)
        return 'result'

    def default_result(self, fields):
        return {
            'count': self.result.count,
            'report': self.result.report,
            }
