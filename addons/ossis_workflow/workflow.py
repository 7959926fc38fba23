# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import json

from sql.aggregate import Max

from trytond.cache import Cache
from trytond.i18n import gettext, ngettext
from trytond.model import ModelSQL, ModelView, Unique
from trytond.model import Workflow as WorkflowMixin
from trytond.model import fields, sequence_ordered
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.modules.ossis_base.rec_name import RecNameFieldsMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import (
    WorkflowAccessError, WorkflowActivationError, WorkflowValidationError)
from .workflow_lint import lint_workflow

STATES = [
    ('draft', "Draft"),
    ('active', "Active"),
    ('retired', "Retired"),
    ]
STEP_KINDS = [
    ('intake', "Intake"),
    ('review', "Review"),
    ('opinion', "Opinion of Another Unit"),
    ('approval', "Approval"),
    ('decision', "Decision"),
    ('delivery', "Delivery"),
    ('third_party', "Waiting for a Third Party"),
    ]
UNIT_SOURCES = [
    ('desk', "Front Desk of the Application"),
    ('service', "Responsible Unit of the Service"),
    ('unit_type', "Unit of a Type"),
    ('org_unit', "Fixed Org Unit"),
    ]
ROLES = [
    ('front_office', "Front Office"),
    ('back_office', "Back Office"),
    ('unit_head', "Head of Unit"),
    ]
ACTIONS = [
    ('forward', "Forward"),
    ('return', "Return for Completion"),
    ('request_info', "Request Information"),
    ('ask_opinion', "Ask for an Opinion"),
    ('approve', "Approve"),
    ('reject', "Reject"),
    ('withdraw', "Withdraw"),
    ]
OUTCOMES = [
    (None, ""),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('withdrawn', "Withdrawn"),
    ]

_readonly = {
    'readonly': Eval('workflow_state', 'draft') != 'draft',
    }


class Workflow(
        RecNameFieldsMixin, LGUOwnedMixin, WorkflowMixin, ModelSQL, ModelView):
    """Workflow

    The steps of the procedure of a service and the transitions between
    them.  The national workflow of a service applies in every
    municipality that does not activate its own.
    """
    __name__ = 'ossis.workflow'
    __string__ = "Workflow"
    _rec_name_fields = ('name', 'version')

    name = fields.Char(
        "Name", required=True, translate=True,
        states={'readonly': Eval('state') != 'draft'})
    service_code = fields.Char(
        "Service Code", required=True, strip=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The code of the national service the workflow is for.")
    service = fields.Function(
        fields.Many2One('ossis.service', "Service"),
        'get_service', searcher='search_service')
    company = fields.Many2One(
        'company.company', "Municipality", ondelete='CASCADE',
        states={'readonly': Eval('state') != 'draft'},
        help="Leave empty for the national workflow of the service.")
    version = fields.Integer("Version", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    steps = fields.One2Many(
        'ossis.workflow.step', 'workflow', "Steps",
        states={'readonly': Eval('state') != 'draft'})
    transitions = fields.One2Many(
        'ossis.workflow.transition', 'workflow', "Transitions",
        states={'readonly': Eval('state') != 'draft'})
    activated_date = fields.Date("Activated", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_unique',
                Unique(t, t.company, t.service_code, t.version),
                'ossis_workflow.msg_workflow_version_unique'),
            ]
        cls._order = [
            ('service_code', 'ASC'),
            ('company', 'ASC NULLS FIRST'),
            ('version', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'retired'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                'lint_button': {
                    'depends': ['state'],
                    },
                'simulate': {},
                'export_bpmn': {},
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.name} v{self.version}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('name',) + tuple(clause[1:]),
            ('service_code',) + tuple(clause[1:]),
            ]

    @classmethod
    def get_service(cls, workflows, name):
        pool = Pool()
        Service = pool.get('ossis.service')
        services = Service.get_published({w.service_code for w in workflows})
        return {
            w.id: services[w.service_code].id
            if w.service_code in services else None
            for w in workflows}

    @classmethod
    def search_service(cls, name, clause):
        pool = Pool()
        Service = pool.get('ossis.service')
        _, operator, operand, *extra = clause
        nested = clause[0][len(name) + 1:] if '.' in clause[0] else 'id'
        services = Service.search([(nested, operator, operand, *extra)])
        return [('service_code', 'in', list({s.code for s in services}))]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('version'):
            values['version'] = cls._next_version(
                values.get('company'), values.get('service_code'))
        return values

    @classmethod
    def _next_version(cls, company, service_code):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = table.service_code == service_code
        if company:
            where &= table.company == company
        else:
            where &= table.company == None  # noqa: E711
        cursor.execute(*table.select(Max(table.version), where=where))
        version, = cursor.fetchone()
        return (version or 0) + 1

    @classmethod
    def validate_fields(cls, workflows, field_names):
        super().validate_fields(workflows, field_names)
        cls.check_service_code(workflows, field_names)

    @classmethod
    def check_service_code(cls, workflows, field_names=None):
        pool = Pool()
        Service = pool.get('ossis.service')
        if field_names and 'service_code' not in field_names:
            return
        codes = {w.service_code for w in workflows}
        known = {s.code for s in Service.search([('code', 'in', list(codes))])}
        for workflow in workflows:
            if workflow.service_code not in known:
                raise WorkflowValidationError(gettext(
                        'ossis_workflow.msg_workflow_unknown_service',
                        code=workflow.service_code))

    @classmethod
    def check_modification(
            cls, mode, workflows, values=None, external=False):
        super().check_modification(
            mode, workflows, values=values, external=external)
        if mode == 'delete':
            for workflow in workflows:
                if workflow.state != 'draft':
                    raise WorkflowValidationError(gettext(
                            'ossis_workflow.msg_workflow_delete_draft',
                            workflow=workflow.rec_name))

    @classmethod
    def get_active(cls, company, codes):
        """Return the workflow applying to each service code in the
        municipality: its own active one, else the national one"""
        workflows = cls.search([
                ('service_code', 'in', list(codes)),
                ('state', '=', 'active'),
                ['OR',
                    ('company', '=', None),
                    ('company', '=', company.id),
                    ],
                ])
        result = {}
        for workflow in workflows:
            if workflow.company or workflow.service_code not in result:
                result[workflow.service_code] = workflow
        return result

    @property
    def start_step(self):
        return self.steps[0] if self.steps else None

    def step_of_code(self, code):
        for step in self.steps:
            if step.code == code:
                return step

    def lint_problems(self, company=None):
        """Return the problems of the workflow (ConfigurationProblems): of
        its structure, and of its units and roles in the municipality (for
        a municipality's workflow, its own) when it offers the service"""
        return lint_workflow(self, company)

    def lint(self, company=None):
        """Return the errors of the workflow as translated texts (see
        lint_problems); warnings are left out"""
        return [p.message for p in self.lint_problems(company)
            if p.severity == 'error']

    @classmethod
    @ModelView.button
    def lint_button(cls, workflows):
        problems = []
        for workflow in workflows:
            problems.extend(
                gettext(f'ossis_workflow.msg_lint_{p.severity}')
                + ': ' + p.message
                for p in workflow.lint_problems())
        if problems:
            raise WorkflowActivationError(ngettext(
                    'ossis_workflow.msg_workflow_problems', len(problems),
                    count=len(problems), problems='\n'.join(problems)))

    @classmethod
    @ModelView.button_action('ossis_workflow.wizard_workflow_simulate')
    def simulate(cls, workflows):
        pass

    @classmethod
    @ModelView.button_action('ossis_workflow.wizard_workflow_export_bpmn')
    def export_bpmn(cls, workflows):
        pass

    @classmethod
    def check_administered(cls, workflows):
        """Refuse the workflows the user does not administer: a button runs
        without the record rules, and activating a national workflow
        changes the procedure of every municipality"""
        pool = Pool()
        User = pool.get('res.user')
        if Transaction().user == 0 or User.is_national_admin():
            return
        companies = set(User.get_companies())
        for workflow in workflows:
            if not workflow.company:
                raise WorkflowAccessError(gettext(
                        'ossis_workflow.msg_workflow_national_refused',
                        workflow=workflow.rec_name))
            if workflow.company.id not in companies:
                raise WorkflowAccessError(gettext(
                        'ossis_workflow.msg_workflow_other_municipality',
                        workflow=workflow.rec_name))

    @classmethod
    @ModelView.button
    def activate(cls, workflows):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.check_administered(workflows)
        problems = []
        for workflow in workflows:
            problems.extend(workflow.lint())
        if problems:
            raise WorkflowActivationError(ngettext(
                    'ossis_workflow.msg_workflow_activation_refused',
                    len(problems),
                    count=len(problems), problems='\n'.join(problems)))
        cls._activate(workflows)
        cls.write(workflows, {'activated_date': Date.today()})

    @classmethod
    @WorkflowMixin.transition('active')
    def _activate(cls, workflows):
        previous = []
        for workflow in workflows:
            previous.extend(cls.search([
                        ('company', '=',
                            workflow.company.id if workflow.company else None),
                        ('service_code', '=', workflow.service_code),
                        ('state', '=', 'active'),
                        ('id', 'not in', [w.id for w in workflows]),
                        ]))
        cls._retire(previous)

    @classmethod
    @WorkflowMixin.transition('retired')
    def _retire(cls, workflows):
        pass

    @classmethod
    @ModelView.button_action('ossis_workflow.act_workflow_form')
    def new_version(cls, workflows):
        """Make a draft of the next version of each workflow: of the
        national workflow for the national administrator, of the
        municipality's own for the administrator of a municipality"""
        pool = Pool()
        Company = pool.get('company.company')
        User = pool.get('res.user')
        company_id = Transaction().context.get('company')
        own = Company(company_id) if company_id is not None else None
        national = Transaction().user == 0 or User.is_national_admin()
        copies = []
        for workflow in workflows:
            company = workflow.company
            if not company and not national:
                company = own
            copies.append(workflow.copy_as_draft(company=company))
        # Refused copies are not stored: the transaction is rolled back
        cls.check_administered(copies)
        return {'res_id': [c.id for c in copies]}

    def copy_as_draft(self, company=None):
        """Return a new draft version with the same steps and transitions,
        of the municipality when one is given, else of the same one"""
        company = company or self.company
        workflow, = self.copy([self], default={
                'company': company.id if company else None,
                })
        return workflow

    @classmethod
    def copy(cls, workflows, default=None):
        """Copy as new drafts, with their steps and the transitions between
        the copied steps"""
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('version', None)
        default.setdefault('activated_date', None)
        default['steps'] = None
        default['transitions'] = None
        copies = super().copy(workflows, default=default)
        for workflow, copy in zip(workflows, copies):
            workflow._copy_lines(copy)
        return copies

    def _copy_lines(self, workflow):
        "Copy the steps and the transitions into the workflow"
        pool = Pool()
        Step = pool.get('ossis.workflow.step')
        Transition = pool.get('ossis.workflow.transition')
        steps = Step.copy(self.steps, default={'workflow': workflow.id})
        step_map = dict(zip(self.steps, steps))
        Transition.copy(self.transitions, default={
                'workflow': workflow.id,
                'from_step': lambda d: step_map[
                    Step(d['from_step'])].id,
                'to_step': lambda d: (
                    step_map[Step(d['to_step'])].id if d['to_step']
                    else None),
                })


class WorkflowLineMixin:
    """A step or a transition: part of a workflow, changed only while the
    workflow is a draft"""
    __slots__ = ()
    workflow = fields.Many2One(
        'ossis.workflow', "Workflow", required=True, ondelete='CASCADE')
    workflow_state = fields.Function(
        fields.Selection(STATES, "Workflow State"),
        'on_change_with_workflow_state')

    @fields.depends('workflow', '_parent_workflow.state')
    def on_change_with_workflow_state(self, name=None):
        return self.workflow.state if self.workflow else None

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        for line in lines:
            if line.workflow and line.workflow.state != 'draft':
                raise WorkflowValidationError(gettext(
                        'ossis_workflow.msg_workflow_not_draft',
                        workflow=line.workflow.rec_name))

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        Pool().get('ossis.workflow.step')._conditions_cache.clear()


class WorkflowStep(
        RecNameFieldsMixin, WorkflowLineMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "Workflow Step"
    __name__ = 'ossis.workflow.step'
    __string__ = "Workflow Step"
    _rec_name_fields = ('name',)

    code = fields.Char("Code", required=True, strip=True, states=_readonly)
    name = fields.Char("Name", required=True, translate=True, states=_readonly)
    citizen_name = fields.Char(
        "Name for the Applicant", translate=True, states=_readonly,
        help="The step in plain words, as the applicant reads it when "
        "tracking the application.")
    kind = fields.Selection(
        STEP_KINDS, "Kind", required=True, states=_readonly)
    unit_source = fields.Selection(
        UNIT_SOURCES, "Responsible Unit", required=True, states=_readonly,
        help="How the unit responsible for the step is found in the "
        "municipality.")
    unit_type = fields.Many2One(
        'ossis.unit_type', "Unit Type", ondelete='RESTRICT',
        states={
            'required': Eval('unit_source') == 'unit_type',
            'invisible': Eval('unit_source') != 'unit_type',
            'readonly': _readonly['readonly'],
            })
    org_unit = fields.Many2One(
        'ossis.org_unit', "Org Unit", ondelete='RESTRICT',
        states={
            'required': Eval('unit_source') == 'org_unit',
            'invisible': Eval('unit_source') != 'org_unit',
            'readonly': _readonly['readonly'],
            })
    role = fields.Selection(
        ROLES, "Role", required=True, states=_readonly,
        help="Who in the responsible unit acts at this step.")
    days = fields.Integer(
        "Deadline", required=True, states=_readonly,
        domain=[('days', '>=', 0)],
        help="The working days the step may take.")
    transitions = fields.One2Many(
        'ossis.workflow.transition', 'from_step', "Transitions",
        readonly=True)
    # Whether conditions read the application, by step: a workflow's lines
    # change only while it is a draft, and any change drops what is kept
    _conditions_cache = Cache(
        'ossis.workflow.step.conditions', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('workflow')
        t = cls.__table__()
        cls._sql_constraints += [
            ('workflow_code_unique', Unique(t, t.workflow, t.code),
                'ossis_workflow.msg_workflow_step_code_unique'),
            ]

    @classmethod
    def default_unit_source(cls):
        return 'service'

    @classmethod
    def default_role(cls):
        return 'back_office'

    @classmethod
    def default_days(cls):
        return 1

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        cls.check_org_unit(steps, field_names)

    @classmethod
    def check_org_unit(cls, steps, field_names=None):
        if field_names and not (field_names & {'org_unit', 'unit_source'}):
            return
        for step in steps:
            if step.unit_source != 'org_unit':
                continue
            if (not step.workflow.company
                    or step.org_unit.company != step.workflow.company):
                raise WorkflowValidationError(gettext(
                        'ossis_workflow.msg_workflow_step_org_unit',
                        step=step.rec_name))

    def conditions_read_application(self):
        """Return whether a condition of a transition out of the step, or
        out of a step it leads to, reads the application, kept per process
        """
        result = self._conditions_cache.get(self.id)
        if result is None:
            steps = [self] + [
                t.to_step for t in self.transitions if t.to_step]
            result = any(t.condition for s in steps for t in s.transitions)
            self._conditions_cache.set(self.id, result)
        return result

    def unit_for(self, company, lgu_service=None, desk=None):
        """Return the org unit responsible for the step in the municipality
        for an application of the offer filed at the desk"""
        if self.unit_source == 'desk':
            if desk:
                return desk
            if lgu_service and lgu_service.desks:
                return lgu_service.desks[0]
        # An offer without desk (online only) is handled by its unit
        if self.unit_source in {'desk', 'service'}:
            if lgu_service and lgu_service.responsible_unit:
                return lgu_service.responsible_unit
            unit_type = (
                lgu_service.service.unit_type if lgu_service else None)
            return unit_type.org_unit_of(company) if unit_type else None
        elif self.unit_source == 'unit_type':
            return self.unit_type.org_unit_of(company)
        elif self.unit_source == 'org_unit':
            return self.org_unit


class WorkflowTransition(
        WorkflowLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "Workflow Transition"
    __name__ = 'ossis.workflow.transition'
    __string__ = "Workflow Transition"

    from_step = fields.Many2One(
        'ossis.workflow.step', "From Step", required=True,
        ondelete='CASCADE', states=_readonly,
        domain=[('workflow', '=', Eval('workflow', -1))])
    action = fields.Selection(
        ACTIONS, "Action", required=True, states=_readonly)
    to_step = fields.Many2One(
        'ossis.workflow.step', "To Step", ondelete='CASCADE',
        states=_readonly,
        domain=[('workflow', '=', Eval('workflow', -1))],
        help="Leave empty to stay at the step (a request for information) "
        "or to end the procedure with the outcome.")
    outcome = fields.Selection(
        OUTCOMES, "Outcome", states=_readonly,
        help="The decision the transition records.")
    role = fields.Selection(
        ROLES, "Role", required=True, states=_readonly,
        help="Who may take the transition.")
    condition = fields.Char(
        "Condition", states=_readonly,
        help="A domain on the application that must hold, e.g. "
        "[[\"applicant_kind\", \"=\", \"business\"]].")
    check_documents = fields.Boolean(
        "Documents Complete", states=_readonly,
        help="Check if all mandatory documents must have been received.")
    check_fee = fields.Boolean(
        "Fee Settled", states=_readonly,
        help="Check if the fee must have been paid or exempted.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('workflow')

    @classmethod
    def default_role(cls):
        return 'back_office'

    def get_rec_name(self, name):
        pool = Pool()
        Transition = pool.get('ossis.workflow.transition')
        actions = dict(
            Transition.fields_get(['action'])['action']['selection'])
        target = self.to_step.rec_name if self.to_step else (
            self.outcome or '')
        return f'{self.from_step.rec_name} → {actions[self.action]} → {target}'

    @classmethod
    def validate_fields(cls, transitions, field_names):
        super().validate_fields(transitions, field_names)
        cls.check_condition(transitions, field_names)

    @classmethod
    def check_condition(cls, transitions, field_names=None):
        if field_names and 'condition' not in field_names:
            return
        for transition in transitions:
            if transition.condition and transition.parsed_condition is None:
                raise WorkflowValidationError(gettext(
                        'ossis_workflow.msg_workflow_condition_invalid',
                        condition=transition.condition))

    @property
    def parsed_condition(self):
        "The condition as a domain, [] if none, None if malformed"
        if not self.condition:
            return []
        try:
            domain = json.loads(self.condition)
        except ValueError:
            return None
        return domain if isinstance(domain, list) else None
