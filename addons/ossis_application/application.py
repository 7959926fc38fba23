# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import contextlib
import contextvars
import datetime as dt
import hashlib
from collections import defaultdict

from sql import Expression, Flavor, Literal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.fields.field import get_eval_fields
from trytond.model.modelview import AccessButtonError
from trytond.modules.ossis_base.client_search import ClientSearchMixin
from trytond.modules.ossis_base.lock import lock_for_update, lock_unchanged
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.modules.ossis_base.workflow import state_transition
from trytond.modules.ossis_workflow.workflow_graph import ROLE_GROUPS
from trytond.pool import Pool
from trytond.pyson import Eval, Id, If
from trytond.rpc import RPC
from trytond.tools import grouped_slice, slugify
from trytond.tools.domain_inversion import eval_domain
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)

from .application_report import ISSUED
from .document_template import OUTPUT_KINDS
from .exceptions import (
    ApplicationAccessError, ApplicationActionError, ApplicationChangedError,
    ApplicationDecidedError, ApplicationValidationError)
from .seal import check_timestamper
from .seal import load_signer as load_seal_signer
from .seal import seal
from .verification import new_tracking_code, new_verification_code

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('in_progress', "In Progress"),
    ('waiting', "Waiting for the Applicant"),
    ('decided', "Decided"),
    ('ready', "Ready for Delivery"),
    ('delivered', "Delivered"),
    ('closed', "Closed"),
    ('withdrawn', "Withdrawn"),
    ('cancelled', "Cancelled"),
    ]
RUNNING = ['submitted', 'in_progress', 'waiting']
# The states of an application whose decision is taken
DECIDED = ['decided', 'ready', 'delivered', 'closed']
CHANNELS = [
    ('desk', "Front Desk"),
    ('online', "Online"),
    ('system', "Other System"),
    ]
DECISIONS = [
    (None, ""),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ]
FEE_STATES = [
    ('none', "No Fee"),
    ('due', "Due"),
    ('paid', "Paid"),
    ('exempted', "Exempted"),
    ]
# The buttons of the back office, by workflow action
ACTION_BUTTONS = {
    'forward': 'forward',
    'return': 'return_',
    'request_info': 'request_info',
    'ask_opinion': 'ask_opinion',
    'approve': 'approve',
    'reject': 'reject',
    }
# The actions that decide an application
DECIDING = {'approve', 'reject'}
# Fields of a submitted application that staff may still change
OPEN_FIELDS = {
    'action_comment', 'applicant_message', 'end_reason', 'fee_state',
    'fee_receipt', 'fee_paid_date', 'fee_exemption', 'fee_exemption_reason',
    'documents', 'decision_text', 'attachments', 'notes',
    }
# What the output document states: frozen once the application is decided
DECISION_FIELDS = {
    'decision', 'decision_text', 'decided_date', 'decision_unit', 'fee',
    'fee_state', 'fee_receipt', 'fee_paid_date', 'fee_exemption',
    'fee_exemption_reason', 'documents',
    }
# Fields the process sets once after the decision, then frozen
ISSUE_FIELDS = {
    'decided_by', 'verification_code', 'issued_date', 'output_document',
    'output_sha256', 'output_template',
    }
# Fields of a decided application that staff may still change: the comment
# is stored in the history with the next action
DECIDED_OPEN_FIELDS = {'action_comment'}

# Fields set by the process, empty in a new draft
PROCESS_FIELDS = [
    'number', 'workflow', 'decision', 'decision_text', 'step', 'step_unit',
    'assignee', 'submitted_date', 'step_date', 'step_due_date', 'due_date',
    'suspended_date', 'decided_date', 'decided_by', 'decision_unit',
    'verification_code', 'output_document', 'output_sha256',
    'receipt_template', 'output_template',
    'issued_date', 'delivered_date', 'delivery_desk', 'delivered_to',
    'delivered_by', 'closed_date', 'end_reason', 'action_comment',
    'applicant_message', 'history',
    ]

# Fields the actions compute from the workflow and the records in hand, and
# check before they write them: trytond need not read the applications back
# to validate them (see Application._validate)
COMPUTED_FIELDS = {
    'state', 'number', 'workflow', 'submitted_date', 'due_date',
    'receipt_template', 'step', 'step_unit', 'step_date', 'step_due_date',
    'assignee', 'overdue', 'decision', 'decision_unit', 'decided_date',
    'decided_by', 'suspended_date', 'suspended_days', 'closed_date',
    'action_comment', 'applicant_message', 'verification_code',
    'issued_date', 'output_template', 'output_document', 'output_sha256',
    'delivered_date', 'delivery_desk', 'delivered_to', 'delivered_by',
    }
# The computed fields checked in hand during an action
_checked_in_hand = contextvars.ContextVar(
    'ossis_application_checked_in_hand', default=frozenset())
# The service and fee of each offer, read once per call to create
_offers = contextvars.ContextVar('ossis_application_offers', default=None)

_draft = {
    'readonly': Eval('state') != 'draft',
    }
_open = {
    'readonly': ~Eval('state').in_(['draft'] + RUNNING),
    }


def groupby(records, key):
    "Return the records by key, in their order"
    groups = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return groups.items()


class _Batch:
    """What the applications of one call share, read once: today in each
    municipality, its offer, the workflows that apply, the published
    templates, the missing documents"""

    def __init__(self, applications=()):
        self._applications = applications
        self._today, self._offered, self._workflows = {}, {}, {}
        self._templates, self._missing = {}, {}
        self._conditional = {}
        # The transitions and values of an action, by Application._plan
        self.plans = {}
        self._once = {}

    def once(self, key, compute):
        "Return what compute returns, called once for the batch per key"
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def today(self, company):
        pool = Pool()
        Date = pool.get('ir.date')
        if company.id not in self._today:
            with Transaction().set_context(company=company.id):
                self._today[company.id] = Date.today()
        return self._today[company.id]

    def offered(self, company):
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        if company.id not in self._offered:
            self._offered[company.id] = set(
                LGUService.offered(company, self.today(company)))
        return self._offered[company.id]

    def workflow(self, application):
        pool = Pool()
        Workflow = pool.get('ossis.workflow')
        code = application.lgu_service.service_code
        key = (application.company.id, code)
        if key not in self._workflows:
            self._workflows[key] = Workflow.get_active(
                application.company, [code]).get(code)
        return self._workflows[key]

    def template(self, application, kind):
        "Return the id of the published template of the document, or None"
        pool = Pool()
        Application = pool.get('ossis.application')
        # The receipt is the same for every service
        key = (application.company.id, kind,
            application.lgu_service.id if kind != 'receipt' else None)
        if key not in self._templates:
            self._templates[key] = Application._template(application, kind)
        return self._templates[key]

    def conditional(self, step):
        """Return whether a condition of a transition out of the step, or
        out of a step it leads to, reads the application"""
        if step.id not in self._conditional:
            self._conditional[step.id] = step.conditions_read_application()
        return self._conditional[step.id]

    def missing_documents(self, application):
        """Return the names of the mandatory documents not received, read
        for all the applications of the batch at once"""
        pool = Pool()
        Document = pool.get('ossis.application.document')
        if application.id not in self._missing:
            ids = {a.id for a in self._applications} | {application.id}
            ids -= self._missing.keys()
            for id_ in ids:
                self._missing[id_] = []
            with without_check_access():
                documents = Document.search([
                        ('application', 'in', list(ids)),
                        ('mandatory', '=', True),
                        ('status', '=', 'missing'),
                        ])
            for document in documents:
                self._missing[document.application.id].append(
                    document.rec_name)
        return self._missing[application.id]


def _id(record):
    return record.id if record else None


def _pop_created(values, name):
    """Remove from the values the lines created in the One2Many and return
    them; None when the field is not given"""
    if name not in values:
        return None
    actions = values[name] or []
    created = [line for action in actions if action[0] == 'create'
        for line in action[1]]
    others = [action for action in actions if action[0] != 'create']
    if others:
        values[name] = others
    else:
        del values[name]
    return created


def grouped(to_write, each=()):
    """Merge the (records, values) pairs of Model.write with equal values

    The fields of each may differ between the records merged: each record
    gets its own value of them from the same statement."""
    groups = {}
    for records, values in zip(to_write[::2], to_write[1::2]):
        common = {k: v for k, v in values.items() if k not in each}
        own = sorted(k for k in values if k in each)
        key = (tuple(sorted(common.items())), tuple(own))
        _, merged, by_record = groups.setdefault(
            key, (common, [], defaultdict(dict)))
        merged.extend(records)
        for name in own:
            by_record[name].update((r.id, values[name]) for r in records)
    result = []
    for common, records, by_record in groups.values():
        size = _by_record_size(len(by_record)) if by_record else None
        for sub_records in (
                grouped_slice(records, size) if size else [records]):
            sub_records = list(sub_records)
            values = dict(common)
            for name, record_values in by_record.items():
                record_values = {
                    r.id: record_values[r.id] for r in sub_records}
                if len(set(record_values.values())) == 1:
                    values[name], = set(record_values.values())
                else:
                    values[name] = ByRecord(record_values)
            result.extend((sub_records, values))
    return result


def _by_record_size(fields):
    """Return how many records one statement writes with their own values
    of the fields: each takes two parameters per field, within a quarter of
    what the database takes, the rest for the ids and the other values"""
    return max(1, backend.MAX_QUERY_PARAMS // 4 // (2 * fields))


class ByRecord(Expression):
    """The value of a column of an UPDATE for each row, by its id: one
    statement writes rows that differ in a few values, where trytond's
    write sends one per row"""
    __slots__ = ('_values',)

    def __init__(self, values):
        super().__init__()
        self._values = values

    def __str__(self):
        param = Flavor.get().param
        cases = ' '.join(
            f'WHEN {param} THEN {param}' for _ in self._values)
        # The column of the updated table, which has no alias in SET
        return f'(CASE "id" {cases} END)'

    @property
    def params(self):
        return tuple(p for item in self._values.items() for p in item)


class Application(
        ClientSearchMixin, Workflow, LGUOwnedMixin, ModelSQL, ModelView):
    """Application

    The request of an applicant for a service of the municipality, from its
    registration to the delivery of the output.
    """
    __name__ = 'ossis.application'
    __string__ = "Application"
    _rec_name = 'number'
    _lgu_links = (
        'lgu_service', 'desk', 'administrative_unit', 'applicant',
        'representative')

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='RESTRICT', states=_draft)
    number = fields.Char(
        "Number", readonly=True,
        help="Given at submission from the yearly register of the "
        "municipality.")
    tracking_code = fields.Char(
        "Tracking Code", readonly=True,
        help="The code with which the applicant follows the application.")
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, states=_draft)
    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", required=True, ondelete='RESTRICT',
        states=_draft,
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Eval('state') == 'draft',
                If(Eval('channel') == 'desk',
                    ('desks', '=', Eval('desk', -1)),
                    ()),
                ()),
            ])
    service = fields.Many2One(
        'ossis.service', "Service Version", readonly=True,
        ondelete='RESTRICT',
        help="The version of the national service applied for.")
    service_code = fields.Function(
        fields.Char("Service Code"), 'get_service_code',
        searcher='search_service_code')
    workflow = fields.Many2One(
        'ossis.workflow', "Workflow", readonly=True, ondelete='RESTRICT')
    desk = fields.Many2One(
        'ossis.org_unit', "Front Desk", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '=', 'front_office'),
            ],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('channel') == 'desk',
            },
        help="Where the application was filed.")
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit",
        ondelete='RESTRICT', states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    applicant = fields.Many2One(
        'ossis.applicant', "Applicant", required=True, ondelete='RESTRICT',
        states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    applicant_kind = fields.Function(
        fields.Selection('get_applicant_kinds', "Applicant Kind"),
        'on_change_with_applicant_kind', searcher='search_applicant_kind')
    representative = fields.Many2One(
        'ossis.applicant', "Representative", ondelete='RESTRICT',
        states=_draft,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('kind', '=', 'person'),
            ('id', '!=', Eval('applicant', -1)),
            ],
        help="The person who files the application for the applicant, "
        "with a power of attorney.")
    documents = fields.One2Many(
        'ossis.application.document', 'application', "Documents",
        states={
            'readonly': _open['readonly'] | (
                (Eval('state') != 'draft')
                & ~Id('ossis_base', 'group_front_office').in_(
                    Eval('context', {}).get('groups', []))),
            },
        help="Once the application is submitted, only the front desk "
        "changes the checklist.")
    documents_complete = fields.Function(
        fields.Boolean("Documents Complete"), 'get_documents_complete')
    fee = fields.Numeric(
        "Fee Amount", digits=(16, 2), readonly=True,
        help="The fee of the municipality for the service.")
    fee_state = fields.Selection(
        FEE_STATES, "Fee Payment", required=True, states=_open,
        help="Whether the fee is due, paid or exempted.")
    fee_receipt = fields.Char(
        "Payment Receipt",
        states={
            **_open,
            'required': Eval('fee_state') == 'paid',
            'invisible': Eval('fee_state') != 'paid',
            },
        help="The number of the bank or treasury receipt.")
    fee_paid_date = fields.Date(
        "Paid On",
        states={
            **_open,
            'invisible': Eval('fee_state') != 'paid',
            })
    fee_exemption = fields.Many2One(
        'ossis.service.fee_exemption', "Exemption", ondelete='RESTRICT',
        domain=[('service', '=', Eval('service', -1))],
        states={
            **_open,
            'invisible': Eval('fee_state') != 'exempted',
            })
    fee_exemption_reason = fields.Char(
        "Exemption Reason",
        states={
            **_open,
            'required': Eval('fee_state') == 'exempted',
            'invisible': Eval('fee_state') != 'exempted',
            })
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    decision = fields.Selection(DECISIONS, "Decision", readonly=True)
    decision_text = fields.Text(
        "Decision Text",
        states={
            'readonly': ~Eval('state').in_(RUNNING),
            },
        help="The reasons of the decision, printed on the output.")
    step = fields.Many2One(
        'ossis.workflow.step', "Step", readonly=True, ondelete='RESTRICT')
    step_unit = fields.Many2One(
        'ossis.org_unit', "Responsible Unit", readonly=True,
        ondelete='RESTRICT',
        help="The org unit that acts at the current step.")
    assignee = fields.Many2One(
        'company.employee', "Assignee", readonly=True, ondelete='RESTRICT',
        help="Who in the responsible unit handles the current step; "
        "the head of the unit assigns it.")
    submitted_date = fields.DateTime("Submitted", readonly=True)
    step_date = fields.DateTime("Step Started", readonly=True)
    step_due_date = fields.Date("Step Due", readonly=True)
    due_date = fields.Date(
        "Due Date", readonly=True,
        help="When the municipality promised to complete the application, "
        "moved by the days waited for the applicant.")
    suspended_date = fields.Date(
        "Waiting Since", readonly=True,
        help="When the clock stopped to wait for the applicant.")
    suspended_days = fields.Integer("Days Waited", readonly=True)
    overdue = fields.Boolean(
        "Overdue", readonly=True,
        help="Set by the daily check when the step is late.")
    decided_date = fields.DateTime("Decided", readonly=True)
    decision_unit = fields.Many2One(
        'ossis.org_unit', "Decided In", readonly=True, ondelete='RESTRICT',
        help="The unit that decided and issues the output.")
    decided_by = fields.Many2One(
        'company.employee', "Decided By", readonly=True,
        ondelete='RESTRICT')
    verification_code = fields.Char(
        "Verification Code", readonly=True,
        help="The code printed on the output document to verify it.")
    issued_date = fields.DateTime("Issued", readonly=True)
    output_document = fields.Binary(
        "Output Document", filename='output_filename', readonly=True,
        help="The PDF of the output document as issued; every reprint "
        "gives it back.")
    output_filename = fields.Function(
        fields.Char("Output File Name"), 'get_output_filename')
    output_sha256 = fields.Char(
        "Output SHA-256", readonly=True,
        help="The SHA-256 hash of the output document as issued: a file "
        "with another hash is not the document the municipality issued.")
    receipt_template = fields.Many2One(
        'ossis.document_template', "Receipt Template", readonly=True,
        ondelete='RESTRICT',
        help="The version of the municipality's wording of the receipt "
        "when the application was submitted: every reprint uses it.")
    output_template = fields.Many2One(
        'ossis.document_template', "Output Template", readonly=True,
        ondelete='RESTRICT',
        help="The version of the municipality's wording of the output "
        "document when it was issued.")
    delivered_date = fields.DateTime("Delivered", readonly=True)
    delivery_desk = fields.Many2One(
        'ossis.org_unit', "Delivered At", readonly=True,
        ondelete='RESTRICT')
    delivered_to = fields.Char("Delivered To", readonly=True)
    delivered_by = fields.Many2One(
        'company.employee', "Delivered By", readonly=True,
        ondelete='RESTRICT')
    closed_date = fields.DateTime("Closed", readonly=True)
    end_reason = fields.Text(
        "Reason",
        states={
            'invisible': ~Eval('state').in_(
                RUNNING + ['withdrawn', 'cancelled', 'draft']),
            'readonly': ~Eval('state').in_(['draft'] + RUNNING),
            },
        help="Why the application is withdrawn or cancelled.")
    action_comment = fields.Text(
        "Comment for the Next Action",
        states={
            'invisible': ~Eval('state').in_(
                RUNNING + ['decided', 'ready', 'delivered']),
            },
        help="Stored in the history with the next action, then cleared.")
    applicant_message = fields.Text(
        "Message to the Applicant",
        states={
            'invisible': ~Eval('state').in_(RUNNING),
            },
        help="What the applicant reads with the next action, on the "
        "portal and in the email: e.g. the information or the documents "
        "asked for.  Stored in the history, then cleared.")
    history = fields.One2Many(
        'ossis.application.history', 'application', "History",
        readonly=True)
    at_my_desk = fields.Function(
        fields.Boolean(
            "At My Desk",
            help="Filed at a front desk where the user works."),
        'get_at_my_desk', searcher='search_at_my_desk')
    available_actions = fields.Function(
        fields.MultiSelection('get_action_selection', "Available Actions"),
        'get_available_actions')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.company, t.number),
                'ossis_application.msg_application_number_unique'),
            ('tracking_code_unique', Unique(t, t.tracking_code),
                'ossis_application.msg_application_tracking_code_unique'),
            ('verification_code_unique', Unique(t, t.verification_code),
                'ossis_application.msg_application_verification_code_unique'),
            ]
        # What the lists of the staff search on (see doc/design.rst): the
        # state with the unit at the step, the deciding unit or the
        # assignee, each with the municipality of the record rule, that
        # PostgreSQL would otherwise add from an index of its own; the state
        # in the municipality; its late applications
        cls._sql_indexes.update({
                Index(t,
                    (t.step_unit, Index.Equality()),
                    (t.state, Index.Equality()),
                    (t.company, Index.Equality())),
                Index(t,
                    (t.decision_unit, Index.Equality()),
                    (t.state, Index.Equality()),
                    (t.company, Index.Equality())),
                Index(t,
                    (t.assignee, Index.Equality()),
                    (t.state, Index.Equality()),
                    (t.company, Index.Equality())),
                Index(t,
                    (t.company, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t,
                    (t.company, Index.Equality()),
                    where=t.overdue == Literal(True)),
                })
        cls._order = [
            ('submitted_date', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls.__rpc__.update({
                'act': RPC(readonly=False, instantiate=0),
                'deliver_at': RPC(readonly=False, instantiate=0),
                })
        cls._transitions |= {
            ('draft', 'submitted'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            # The actions of the workflow steps (see _transition_values)
            *((source, target)
                for source in ['submitted', 'in_progress']
                for target in ['in_progress', 'waiting', 'decided']),
            ('waiting', 'in_progress'),
            *((source, 'withdrawn') for source in RUNNING),
            ('decided', 'ready'),
            ('ready', 'delivered'),
            ('delivered', 'closed'),
            }
        running = ~Eval('state').in_(RUNNING)
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'submitted']),
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': running,
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'waiting',
                    'depends': ['state'],
                    },
                'issue': {
                    'invisible': Eval('state') != 'decided',
                    'depends': ['state'],
                    },
                'deliver': {
                    'invisible': Eval('state') != 'ready',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'delivered',
                    'depends': ['state'],
                    },
                })
        for action, button in ACTION_BUTTONS.items():
            cls._buttons[button] = {
                'invisible': ~Eval('available_actions', []).contains(action),
                'depends': ['available_actions'],
                }
        # The form decides through a dialog that asks for the decision text
        for action in DECIDING:
            cls._buttons[f'decide_{action}'] = dict(cls._buttons[action])

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_channel(cls):
        return 'desk'

    @classmethod
    def default_fee_state(cls):
        return 'none'

    @classmethod
    def default_suspended_days(cls):
        return 0

    @classmethod
    def default_overdue(cls):
        return False

    @classmethod
    def default_desk(cls):
        "The desk of the clerk when the clerk works at a single one"
        desks = [u for u in cls._user_units() if u.type == 'front_office']
        return desks[0].id if len(desks) == 1 else None

    @classmethod
    def default_administrative_unit(cls):
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        desk = cls.default_desk()
        if desk:
            unit = OrgUnit(desk).administrative_unit
            return unit.id if unit else None

    @fields.depends('desk')
    def on_change_desk(self):
        if self.desk and self.desk.administrative_unit:
            self.administrative_unit = self.desk.administrative_unit

    @fields.depends('lgu_service', 'documents', 'fee_state')
    def on_change_lgu_service(self):
        pool = Pool()
        Document = pool.get('ossis.application.document')
        if not self.lgu_service:
            self.fee = None
            return
        self.service = self.lgu_service.service
        self.fee = self.lgu_service.fee
        self.fee_state = 'due' if self.fee else 'none'
        self.documents = [
            Document(**values)
            for values in Document.checklist(self.lgu_service.service)]

    @fields.depends('fee_state', 'fee_paid_date', 'company')
    def on_change_fee_state(self):
        if self.fee_state == 'paid' and not self.fee_paid_date:
            self.fee_paid_date = self._today(
                self.company.id if self.company else None)

    @classmethod
    def _today(cls, company_id=None):
        "Return today in the municipality"
        pool = Pool()
        Date = pool.get('ir.date')
        context = {'company': company_id} if company_id else {}
        with Transaction().set_context(**context):
            return Date.today()

    @fields.depends('applicant')
    def on_change_with_applicant_kind(self, name=None):
        return self.applicant.kind if self.applicant else None

    @classmethod
    def search_applicant_kind(cls, name, clause):
        return [('applicant.kind',) + tuple(clause[1:])]

    @classmethod
    def get_applicant_kinds(cls):
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        return Applicant.fields_get(['kind'])['kind']['selection']

    def get_service_code(self, name):
        return self.lgu_service.service_code if self.lgu_service else None

    @classmethod
    def search_service_code(cls, name, clause):
        return [('lgu_service.service_code',) + tuple(clause[1:])]

    @classmethod
    def get_action_selection(cls):
        pool = Pool()
        Transition = pool.get('ossis.workflow.transition')
        return [
            (a, n) for a, n in Transition.fields_get(
                ['action'])['action']['selection']
            if a in ACTION_BUTTONS]

    def get_rec_name(self, name):
        return self.number or f'({self.id})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('number',) + tuple(clause[1:]),
            ('applicant.rec_name',) + tuple(clause[1:]),
            ]

    def get_output_filename(self, name):
        if self.number:
            return f'{slugify(self.number)}.pdf'

    @classmethod
    def get_documents_complete(cls, applications, name):
        return {a.id: all(d.complete for d in a.documents)
            for a in applications}

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('tracking_code', new_tracking_code())
            if values.get('lgu_service') and not values.get('service'):
                cls._set_service_values(values, _offers.get())
        if values.get('fee_state') == 'paid' and not values.get(
                'fee_paid_date'):
            # A fee marked paid without its date was paid today
            values['fee_paid_date'] = cls._today(values.get('company'))
        return values

    @classmethod
    def _set_service_values(cls, values, offers=None):
        """Set the service and the fee of the offer, read once per offer
        kept in offers"""
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        offers = {} if offers is None else offers
        offer = values['lgu_service']
        if offer not in offers:
            with without_check_access():
                lgu_service = LGUService(offer)
                offers[offer] = (lgu_service.service.id, lgu_service.fee)
        values['service'], values['fee'] = offers[offer]
        if 'fee_state' not in values:
            values['fee_state'] = 'due' if values['fee'] else 'none'

    @classmethod
    def create(cls, vlist):
        """Create the applications, then the lines of all their checklists
        at once (the checklist of the service when none is given)"""
        pool = Pool()
        Document = pool.get('ossis.application.document')
        vlist = [v.copy() for v in vlist]
        lines = [_pop_created(values, 'documents') for values in vlist]
        token = _offers.set({})
        try:
            applications = super().create(vlist)
        finally:
            _offers.reset(token)
        checklists = {}
        to_create = []
        for application, created in zip(applications, lines):
            if created is None:
                service = application.service
                if service.id not in checklists:
                    with without_check_access():
                        checklists[service.id] = Document.checklist(service)
                created = checklists[service.id]
            to_create.extend(
                {**line, 'application': application.id} for line in created)
        if to_create:
            Document.create(to_create)
        return applications

    @classmethod
    def check_modification(
            cls, mode, applications, values=None, external=False):
        super().check_modification(
            mode, applications, values=values, external=external)
        if mode == 'delete':
            for application in applications:
                if application.state != 'draft':
                    raise ApplicationValidationError(gettext(
                            'ossis_application.msg_application_delete_draft',
                            application=application.rec_name))
        elif mode == 'write':
            if external:
                cls._check_open_fields(applications, values)
            cls._check_decided(applications, values)

    @classmethod
    def _check_open_fields(cls, applications, values):
        "Refuse staff the fields they may not change in the state"
        changed = set(values) - OPEN_FIELDS
        for application in applications:
            if application.state != 'draft' and changed:
                raise ApplicationValidationError(gettext(
                        'ossis_application.msg_application_not_draft',
                        application=application.rec_name))
            if application.state in DECIDED:
                # Nothing follows the closing to store a comment with
                frozen = set(values) - (
                    DECIDED_OPEN_FIELDS if application.state != 'closed'
                    else set())
                if frozen:
                    cls._raise_decided(application, frozen)

    @classmethod
    def _check_decided(cls, applications, values):
        """Refuse anybody, the process included, to change what the output
        of a decided application states"""
        for application in applications:
            if application.state not in DECIDED:
                continue
            frozen = DECISION_FIELDS.intersection(values)
            frozen.update(
                f for f in ISSUE_FIELDS.intersection(values)
                if getattr(application, f))
            if frozen:
                cls._raise_decided(application, frozen)

    @classmethod
    def _raise_decided(cls, application, fields):
        names = sorted({cls.__names__(f)['field'] for f in fields})
        raise ApplicationDecidedError(gettext(
                'ossis_application.msg_application_decided',
                application=application.rec_name,
                fields=', '.join(names)))

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        cls._in_hand = cls._fields_checked_in_hand()

    @classmethod
    def _fields_checked_in_hand(cls):
        """Return the computed fields whose values the actions check in hand

        Those that no domain nor required state of a field reads; and the
        state, which the service's domain reads only to drop its desk
        condition when the application leaves the draft: a move that
        cannot make a valid service invalid."""
        read = set()
        for name, field in cls._fields.items():
            names = (get_eval_fields(field.domain)
                | get_eval_fields(field.states.get('required')))
            if name == 'lgu_service':
                names.discard('state')
            if field.domain:
                names.add(name)
            read |= names
        return frozenset(cls._computed_fields() - read)

    @classmethod
    def _computed_fields(cls):
        "Return the fields the actions compute and check before writing"
        return set(COMPUTED_FIELDS)

    @classmethod
    @contextlib.contextmanager
    def _checked_by_action(cls):
        """Let the action write the values it computed and checked, the new
        state included: trytond validates only the other fields, without
        reading the computed ones back"""
        token = _checked_in_hand.set(cls._in_hand)
        try:
            yield
        finally:
            _checked_in_hand.reset(token)

    @classmethod
    def _validate(cls, records, field_names=None):
        checked = _checked_in_hand.get()
        if checked and field_names is not None:
            field_names = set(field_names) - checked
            if not field_names:
                # What trytond runs after the checks of the fields
                cls.validate(records)
                cls.validate_fields(records, field_names)
                return
        super()._validate(records, field_names=field_names)

    @classmethod
    def copy(cls, applications, default=None):
        "Copy as new drafts: the same request filed again"
        default = default.copy() if default is not None else {}
        for name in PROCESS_FIELDS:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('suspended_days', 0)
        default.setdefault('overdue', False)
        default.setdefault('tracking_code', lambda d: new_tracking_code())
        return super().copy(applications, default=default)

    # Users, roles and units

    @classmethod
    def _user_employees(cls):
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('ossis.org_unit')
        return Employee.browse(OrgUnit.user_units().employees)

    @classmethod
    def _user_units(cls):
        "Return the org units of the user's employees"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        return OrgUnit.browse(OrgUnit.user_units().members)

    @classmethod
    def _user_roles(cls):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = set(User.get_groups())
        return {role for role, xml_id in ROLE_GROUPS.items()
            if ModelData.get_id('ossis_base', xml_id) in groups}

    @classmethod
    def _actor(cls):
        """Return the roles of the user, the ids of the units the user acts
        for, and the employee recorded in the history"""
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('ossis.org_unit')
        transaction = Transaction()
        if transaction.user == 0:
            return None, None, None
        user_units = OrgUnit.user_units()
        # A head acts for the units headed
        units = set(user_units.members) | user_units.headed
        employees = user_units.employees
        employee_id = transaction.context.get('employee')
        if employee_id not in employees:
            employee_id = employees[0] if employees else None
        employee = Employee(employee_id) if employee_id else None
        return cls._user_roles(), units, employee

    @classmethod
    def _task_context(cls):
        """Return the ids of the user's employee, of the units the user acts
        for and of the units the user heads"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        roles, units, employee = cls._actor()
        if roles is None:
            return set(), set(), set()
        headed = set(OrgUnit.user_units().headed)
        return ({employee.id} if employee else set()), units, headed

    @classmethod
    def get_at_my_desk(cls, applications, name):
        roles, units, _ = cls._actor()
        return {a.id: roles is None or bool(a.desk and a.desk.id in units)
            for a in applications}

    @classmethod
    def search_at_my_desk(cls, name, clause):
        roles, units, _ = cls._actor()
        _, operator, value = clause[:3]
        if roles is None:
            return [('id', '!=' if value else '=', None)]
        mine = ('desk', 'in', list(units))
        if (operator == '=') == bool(value):
            return [mine]
        return ['OR', ('desk', '=', None), ('desk', 'not in', list(units))]

    @classmethod
    def get_available_actions(cls, applications, name):
        roles, units, _ = cls._actor()
        result = {}
        for application in applications:
            actions = set()
            if application.state in {'submitted', 'in_progress'}:
                for transition in application.step.transitions:
                    if (transition.action in ACTION_BUTTONS
                            and cls._may_act(
                                transition, application.step_unit,
                                roles, units)):
                        actions.add(transition.action)
                for action in DECIDING - actions:
                    if cls._decides_at_once(
                            application, action, roles, units):
                        actions.add(action)
            result[application.id] = sorted(actions)
        return result

    @classmethod
    def _may_act(cls, transition, unit, roles, units):
        "Return whether the user may take the transition in the unit"
        return roles is None or bool(
            transition.role in roles and unit and unit.id in units)

    @classmethod
    def _decision_after(cls, application, action):
        """Return the transitions of an approval step forwarded to the
        decision step, where the action decides, with the unit of that step

        None when the current step is no approval step followed by a
        decision step that has the action."""
        step = application.step
        if step.kind != 'approval' or action not in DECIDING:
            return None
        forward = next(
            (t for t in step.transitions if t.action == 'forward'), None)
        if not forward or not forward.to_step:
            return None
        decision = forward.to_step
        if decision.kind != 'decision' or not any(
                t.action == action for t in decision.transitions):
            return None
        try:
            forward = cls._transition(application, 'forward')
            decide = cls._transition(application, action, step=decision)
        except ApplicationActionError:
            return None
        if forward.to_step != decision:
            return None
        unit = decision.unit_for(
            application.company, application.lgu_service, application.desk)
        return forward, decide, unit

    @classmethod
    def _decides_at_once(cls, application, action, roles, units):
        """Return whether the user approves or rejects at the approval step
        as the one who acts at the decision step that follows"""
        if any(t.action == action for t in application.step.transitions):
            return False
        chain = cls._decision_after(application, action)
        if not chain:
            return False
        forward, decide, unit = chain
        return (cls._may_act(forward, application.step_unit, roles, units)
            and cls._may_act(decide, unit, roles, units))

    # The process

    @classmethod
    @ModelView.button_action('ossis_application.report_application_receipt')
    def submit(cls, applications):
        "Submit the drafts and print their receipts"
        cls._submit(applications)

    @classmethod
    def _submit(cls, applications):
        "Submit the drafts and tell their applicants"
        with cls._checked_by_action():
            submitted = cls._register(applications)
        cls.notify(cls.browse(submitted), 'submitted')

    @classmethod
    @state_transition('submitted')
    def _register(cls, applications):
        """Number the drafts, start their workflow and return them"""
        pool = Pool()
        Numbering = pool.get('ossis.numbering')
        History = pool.get('ossis.application.history')
        roles, units, employee = cls._actor()
        now = dt.datetime.now()
        batch = _Batch(applications)
        # Desks filing at once wait their turn for the numbers: first, so
        # that a desk that waited starts again with little to redo; a
        # refusal below gives the numbers back as it rolls back
        numbers = {}
        for (company, today), records in groupby(
                applications,
                key=lambda a: (a.company, batch.today(a.company))):
            numbers.update(zip(records, Numbering.next_numbers(
                        company, 'application', today, len(records))))
        intakes = {}
        for application in applications:
            cls._check_submit(application, roles, units, batch)
            workflow = batch.workflow(application)
            if not workflow:
                raise ApplicationActionError(gettext(
                        'ossis_application.msg_application_no_workflow',
                        service=application.lgu_service.rec_name))
            step = workflow.start_step
            if step.kind == 'intake' and cls._intake_at_submit(application):
                intake = cls._transition(application, 'forward', step=step)
                cls._check_transition(application, intake, batch)
                intakes[application] = intake
        to_write, history = [], []
        for application in applications:
            today = batch.today(application.company)
            workflow = batch.workflow(application)
            step = workflow.start_step
            history.append(cls._history_values(
                    application, 'submit', 'draft', 'submitted', None, step,
                    employee, now, public=True))
            intake = intakes.get(application)
            if intake:
                # The intake is done by submitting at the desk
                history.append(cls._history_values(
                        application, 'forward', 'submitted', 'submitted',
                        step, intake.to_step, employee, now))
                step = intake.to_step
            values = {
                'state': 'submitted',
                'number': numbers[application],
                'workflow': workflow.id,
                'submitted_date': now,
                'due_date': batch.once(
                    ('due date', application.company.id,
                        application.lgu_service.id),
                    lambda: cls._due_date(application, today)),
                'receipt_template': batch.template(application, 'receipt'),
                }
            values.update(cls._first_step_values(
                    application, step, today, now, batch))
            service = application.lgu_service.service
            if application.service != service:
                # Written when it changed only: the domain of the fee
                # exemption, which depends on it, is checked on the records
                values['service'] = service.id
            to_write.extend(([application], values))
        if to_write:
            cls.write(*grouped(to_write, each={'number'}))
            History.create(history)
        return applications

    @classmethod
    def _first_step_values(cls, application, step, today, now, batch):
        """Return the values of the step where the submitted application
        starts, computed once for the applications of the batch for the
        same offer at the same desk"""
        key = ('first step', step.id, application.company.id,
            application.lgu_service.id, _id(application.desk))
        return batch.once(key, lambda: cls._step_values(
                application, step, today, now))

    @classmethod
    def _intake_at_submit(cls, application):
        """Return whether submitting the application does its intake step

        At a desk and from another system it does; an application filed
        online with its fee unsettled waits at the intake step, where the
        front office checks the payment."""
        return (application.channel != 'online'
            or application.fee_state in {'none', 'paid', 'exempted'})

    @classmethod
    def _check_submit(cls, application, roles, units, batch):
        offered = batch.offered(application.company)
        if application.lgu_service not in offered:
            raise ApplicationActionError(gettext(
                    'ossis_application.msg_application_service_not_offered',
                    service=application.lgu_service.rec_name))
        if application.channel == 'desk':
            if application.desk not in application.lgu_service.desks:
                raise ApplicationActionError(gettext(
                        'ossis_application.msg_application_desk_not_offered',
                        service=application.lgu_service.rec_name,
                        desk=application.desk.rec_name))
            if roles is not None and application.desk.id not in units:
                raise ApplicationAccessError(gettext(
                        'ossis_application.msg_application_not_your_desk',
                        desk=application.desk.rec_name))
        elif (application.channel == 'online'
                and not application.lgu_service.online):
            raise ApplicationActionError(gettext(
                    'ossis_application.msg_application_not_online',
                    service=application.lgu_service.rec_name))
        if application.fee and application.fee_state == 'none':
            raise ApplicationActionError(gettext(
                    'ossis_application.msg_application_fee_state',
                    application=application.rec_name))

    @classmethod
    def _due_date(cls, application, date):
        """Return the legal deadline of the application filed at the date:
        it depends on its municipality and offer only"""
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        lgu_service = application.lgu_service
        service = lgu_service.service
        days = lgu_service.days
        if days is None:
            days = service.legal_days
        if days is None:
            return None
        if service.days_kind == 'calendar':
            return date + dt.timedelta(days=days)
        return Calendar.add_working_days(application.company, date, days)

    @classmethod
    def _step_values(cls, application, step, today, now):
        """Return the values of the application at the step: they depend on
        its municipality, offer and desk only"""
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        unit = step.unit_for(
            application.company, application.lgu_service, application.desk)
        return {
            'step': step.id,
            'step_unit': unit.id if unit else None,
            'step_date': now,
            'step_due_date': Calendar.add_working_days(
                application.company, today, step.days),
            'assignee': None,
            'overdue': False,
            }

    @classmethod
    def _history_values(
            cls, application, action, from_state, to_state, from_step,
            to_step, employee, now, comment=None, public=True,
            message=None):
        return {
            'application': application.id,
            'company': application.company.id,
            'date': now,
            'user': Transaction().user,
            'employee': employee.id if employee else None,
            'action': action,
            'from_state': from_state,
            'to_state': to_state,
            'from_step': from_step.id if from_step else None,
            'to_step': to_step.id if to_step else None,
            'comment': comment,
            'message': message,
            'public': public,
            }

    @classmethod
    def act(cls, applications, action, comment=None):
        """Take the transition of the action out of the current step of
        each application, as the current user"""
        if Transaction().check_access:
            # Refuse records the user may not read, as buttons do
            cls.read([a.id for a in applications], ['id'])
        with without_check_access():
            cls._act(cls.browse(applications), action, comment)

    @classmethod
    def _lock_unchanged(cls, applications):
        """Lock the applications until the end of the action and refuse
        those that moved on since the user saw them

        Of clicks sent at once, one moves the file; the others, and a click
        on a form opened before the file moved, would move it once more,
        past a step nobody looked at."""
        changed = lock_unchanged(applications, ['state', 'step'])
        if changed:
            raise ApplicationChangedError(gettext(
                    'ossis_application.msg_application_changed',
                    application=', '.join(a.rec_name for a in changed)))

    @classmethod
    def _act(cls, applications, action, comment):
        pool = Pool()
        History = pool.get('ossis.application.history')
        cls._lock_unchanged(applications)
        roles, units, employee = cls._actor()
        now = dt.datetime.now()
        to_write, history = [], []
        events = defaultdict(list)
        moved = defaultdict(list)
        batch = _Batch(applications)
        decided = {}
        for application in applications:
            if application.state not in {'submitted', 'in_progress'}:
                raise ApplicationActionError(gettext(
                        'ossis_application.msg_application_not_running',
                        application=application.rec_name))
            chain, outcomes = cls._plan(
                application, action, roles, units, now, employee, batch)
            for transition in chain:
                cls._check_transition(application, transition, batch)
            values, event, rows = {}, None, []
            state, step = application.state, application.step
            for transition, (done, event) in zip(chain, outcomes):
                rows.append(cls._history_values(
                        application, transition.action, state,
                        done['state'], step, transition.to_step or step,
                        employee, now))
                values.update(done)
                state, step = done['state'], transition.to_step or step
            if (application.state, values['state']) not in cls._transitions:
                raise ApplicationActionError(gettext(
                        'ossis_application.msg_application_not_running',
                        application=application.rec_name))
            moved[values['state']].append(application)
            if values['state'] == 'decided':
                decided[application] = values
            values['action_comment'] = None
            values['applicant_message'] = None
            to_write.extend(([application], values))
            rows[-1].update(
                comment=(comment or application.action_comment
                    or cls._decision_comment(application, chain[-1])),
                message=application.applicant_message)
            history.extend(rows)
            if event:
                events[event].append(application)
        for application, recorded in cls._employee_values(
                'decided_by', list(decided)).items():
            decided[application].update(recorded)
        if to_write:
            with cls._checked_by_action():
                cls.write(*grouped(to_write))
            History.create(history)
            # The target state depends on the step: logged as
            # state_transition logs the fixed ones
            for state, records in moved.items():
                cls.log(records, 'transition', f'state:{state}')
        for event, records in events.items():
            cls.notify(cls.browse(records), event)

    @classmethod
    def _plan(cls, application, action, roles, units, now, employee, batch):
        """Return the transitions the action takes from the current step of
        the application, checked for the user, with the values and the
        event of each

        The applications of the batch at the same step, in the same unit,
        for the same offer and desk share them, unless a condition of the
        transitions reads the application: they are found and computed once
        for all of them."""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        key = None
        if not batch.conditional(application.step):
            key = (action, application.step.id, application.company.id,
                application.lgu_service.id, application.service.id,
                _id(application.step_unit), _id(application.desk))
            if key in batch.plans:
                return batch.plans[key]
        chain = cls._action_transitions(application, action, roles, units)
        today = batch.today(application.company)
        outcomes, unit = [], application.step_unit
        for transition in chain:
            done, event = cls._transition_values(
                application, transition, today, now, employee, unit=unit)
            outcomes.append((done, event))
            if 'step_unit' in done:
                unit = OrgUnit(done['step_unit'])
        if key is not None:
            batch.plans[key] = chain, outcomes
        return chain, outcomes

    @classmethod
    def _action_transitions(cls, application, action, roles, units):
        """Return the transitions the action takes from the current step,
        checked for the user

        A unit head who holds both the approval and the decision steps
        approves or rejects at the approval step: the action forwards to
        the decision step and decides there at once."""
        if cls._decides_at_once(application, action, None, None):
            forward, decide, unit = cls._decision_after(application, action)
            cls._check_actor(application, forward, roles, units)
            if not cls._may_act(decide, unit, roles, units):
                raise ApplicationAccessError(gettext(
                        'ossis_application.msg_application_role_refused',
                        application=application.rec_name,
                        step=forward.to_step.rec_name))
            return [forward, decide]
        transition = cls._transition(application, action)
        cls._check_actor(application, transition, roles, units)
        return [transition]

    @classmethod
    def _decision_comment(cls, application, transition):
        "Return the decision text the history keeps with the decision"
        if transition.outcome in {'approved', 'rejected'}:
            return application.decision_text

    @classmethod
    def _transition(cls, application, action, step=None):
        "Return the transition of the action that applies to the application"
        step = step or application.step
        for transition in step.transitions:
            if transition.action != action:
                continue
            condition = transition.parsed_condition
            if not condition or eval_domain(
                    condition, application._condition_values()):
                return transition
        raise ApplicationActionError(gettext(
                'ossis_application.msg_application_no_transition',
                application=application.rec_name,
                step=step.rec_name))

    def _condition_values(self):
        "The values of the application that conditions can test"
        return {
            'applicant_kind': self.applicant.kind,
            'channel': self.channel,
            'fee': self.fee,
            'fee_state': self.fee_state,
            'service_code': self.lgu_service.service_code,
            'representative': bool(self.representative),
            }

    @classmethod
    def _check_actor(cls, application, transition, roles, units):
        if roles is None:
            return
        if transition.role not in roles:
            raise ApplicationAccessError(gettext(
                    'ossis_application.msg_application_role_refused',
                    application=application.rec_name,
                    step=application.step.rec_name))
        if not application.step_unit or application.step_unit.id not in units:
            raise ApplicationAccessError(gettext(
                    'ossis_application.msg_application_unit_refused',
                    application=application.rec_name,
                    step=application.step.rec_name))

    @classmethod
    def _check_transition(cls, application, transition, batch):
        missing = (
            batch.missing_documents(application)
            if transition.check_documents else None)
        if missing:
            raise ApplicationActionError(gettext(
                    'ossis_application.msg_application_documents_missing',
                    application=application.rec_name,
                    documents=', '.join(missing)))
        if (transition.check_fee
                and application.fee_state not in {'none', 'paid', 'exempted'}):
            raise ApplicationActionError(gettext(
                    'ossis_application.msg_application_fee_unsettled',
                    application=application.rec_name))
        if (transition.outcome == 'rejected'
                and not (application.decision_text or '').strip()):
            raise ApplicationActionError(gettext(
                    'ossis_application.msg_application_reasons_required',
                    application=application.rec_name))

    @classmethod
    def _transition_values(
            cls, application, transition, today, now, employee, unit=None):
        """Return the values the transition writes and the event it raises,
        from the step of the unit (by default the current one)"""
        if unit is None:
            unit = application.step_unit
        values, event = {}, None
        if transition.action == 'request_info':
            values['state'] = 'waiting'
            if application.service.suspendable:
                values['suspended_date'] = today
            event = 'information_requested'
        elif transition.outcome in {'approved', 'rejected'}:
            values.update({
                    'state': 'decided',
                    'decision': transition.outcome,
                    'decision_unit': unit.id if unit else None,
                    'decided_date': now,
                    })
            event = 'decided'
        elif transition.outcome == 'withdrawn':
            values.update({
                    'state': 'withdrawn',
                    'closed_date': now,
                    })
        else:
            values['state'] = 'in_progress'
        if transition.to_step:
            values.update(cls._step_values(
                    application, transition.to_step, today, now))
        return values, event

    @classmethod
    def _employee_values(cls, field, applications):
        """Return by application the value of the field that records the
        employee who acted, the one of the history rows, with the rule of
        company's set_employee: only in a field not set yet, and for an
        employee of the application's municipality

        The actions write it with their other values: set_employee writes
        it after them, reading the user's employees and the applications
        once more."""
        _, _, employee = cls._actor()
        if not employee:
            return {}
        return {a: {field: employee.id} for a in applications
            if not getattr(a, field) and a.company == employee.company}

    @classmethod
    @ModelView.button
    def forward(cls, applications):
        cls._act(applications, 'forward', None)

    @classmethod
    @ModelView.button
    def return_(cls, applications):
        cls._act(applications, 'return', None)

    @classmethod
    @ModelView.button
    def request_info(cls, applications):
        cls._act(applications, 'request_info', None)

    @classmethod
    @ModelView.button
    def ask_opinion(cls, applications):
        cls._act(applications, 'ask_opinion', None)

    @classmethod
    @ModelView.button
    def approve(cls, applications):
        cls._act(applications, 'approve', None)

    @classmethod
    @ModelView.button
    def reject(cls, applications):
        cls._act(applications, 'reject', None)

    @classmethod
    @ModelView.button_action('ossis_application.wizard_application_approve')
    def decide_approve(cls, applications):
        pass

    @classmethod
    @ModelView.button_action('ossis_application.wizard_application_reject')
    def decide_reject(cls, applications):
        pass

    @classmethod
    @ModelView.button
    @state_transition('in_progress')
    def resume(cls, applications):
        "Restart the clock when the applicant answers"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        Date = pool.get('ir.date')
        cls._check_resume(applications)
        to_write = []
        for application in applications:
            with Transaction().set_context(company=application.company.id):
                today = Date.today()
            values = {'suspended_date': None}
            if application.suspended_date:
                waited = Calendar.working_days_between(
                    application.company, application.suspended_date, today)
                values['suspended_days'] = (
                    application.suspended_days or 0) + waited
                for field in ['due_date', 'step_due_date']:
                    date = getattr(application, field)
                    if date:
                        values[field] = Calendar.add_working_days(
                            application.company, date, waited)
            to_write.extend(([application], values))
        cls._store_step(applications, 'resume', 'in_progress', to_write)

    @classmethod
    def _check_resume(cls, applications):
        roles, units, _ = cls._actor()
        if roles is None:
            return
        for application in applications:
            if not ({'front_office', 'back_office'} & roles
                    and application.step_unit
                    and application.step_unit.id in units
                    or application.desk and application.desk.id in units):
                raise ApplicationAccessError(gettext(
                        'ossis_application.msg_application_unit_refused',
                        application=application.rec_name,
                        step=application.step.rec_name))

    @classmethod
    def _store_step(
            cls, applications, action, state, to_write, public=True,
            each=()):
        """Write the values with the state and store the history of a
        transition to the state, whose method is decorated with
        state_transition"""
        pool = Pool()
        History = pool.get('ossis.application.history')
        if not to_write:
            return
        cls._lock_unchanged(applications)
        _, _, employee = cls._actor()
        now = dt.datetime.now()
        history = []
        for records, values in zip(to_write[::2], to_write[1::2]):
            values['state'] = state
            values.setdefault('action_comment', None)
            values.setdefault('applicant_message', None)
            for application in records:
                history.append(cls._history_values(
                        application, action, application.state, state,
                        application.step, application.step, employee, now,
                        comment=application.action_comment or (
                            application.end_reason
                            if action in {'withdraw', 'cancel'} else None),
                        public=public,
                        message=application.applicant_message))
        cls.write(*grouped(to_write, each=each))
        History.create(history)

    @classmethod
    @ModelView.button_action('ossis_application.report_application_output')
    def issue(cls, applications):
        "Issue the output document with its verification code and print it"
        with cls._checked_by_action():
            issued = cls._issue(applications)
        cls.notify(cls.browse(issued), 'ready')

    @classmethod
    @state_transition('ready')
    def _issue(cls, applications):
        "Give the decided applications their verification code"
        cls._check_step_actor(applications)
        # A seal that cannot be used refuses the issue before any change
        if any(cls._seal_signers(applications).values()):
            check_timestamper()
        now = dt.datetime.now()
        batch = _Batch()
        to_write = []
        for application in applications:
            to_write.extend(([application], {
                        'verification_code': new_verification_code(),
                        'issued_date': now,
                        'output_template': batch.template(
                            application,
                            OUTPUT_KINDS.get(application.decision)),
                        }))
        cls._store_step(
            applications, 'issue', 'ready', to_write,
            each={'verification_code'})
        # The documents are rendered and sealed after the commit, by the
        # task queue, one task for the batch; whoever needs one sooner
        # gets it from issued_documents
        cls.__queue__.store_issued_documents(applications)
        return applications

    @classmethod
    def _seal_signers(cls, applications):
        """Return the signer of the electronic seal of each municipality of
        the applications, None for those without a seal"""
        companies = {a.company for a in applications}
        return {c.id: load_seal_signer(c) for c in companies}

    @classmethod
    def issued_documents(cls, applications):
        """Return the output document of the applications by id, as
        stored: those of issued applications not stored yet (the task
        queued at issue has not run) are rendered, sealed and stored first,
        once"""
        documents = {a.id: a.output_document
            for a in applications if a.output_sha256}
        missing = [a for a in applications
            if a.state in ISSUED and not a.output_sha256]
        if missing and Transaction().readonly:
            # A print is a read-only request: it stores what it renders in
            # a transaction of its own
            documents.update(cls._store_in_own_transaction(missing))
        elif missing:
            documents.update(cls.store_issued_documents(missing))
        return documents

    @classmethod
    def _store_in_own_transaction(cls, applications):
        ids = [a.id for a in applications]
        extras = {}
        while True:
            with Transaction().new_transaction(**extras) as transaction:
                try:
                    return cls.store_issued_documents(cls.browse(ids))
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)

    @classmethod
    def store_issued_documents(cls, applications):
        """Render, seal and store the output documents of the issued
        applications that have none yet and return all their documents by
        id: the task queued at issue, harmless when run again"""
        issued = [a for a in applications if a.state in ISSUED]
        # Of two transactions storing the same document, the second waits
        # and finds it stored
        lock_for_update(issued)
        with without_check_access():
            stored = {row['id']: row['output_document']
                for row in cls.read(
                    [a.id for a in issued],
                    ['output_document', 'output_sha256'])
                if row['output_sha256']}
        missing = cls.browse([a.id for a in issued if a.id not in stored])
        stored.update(cls._store_output(missing))
        return stored

    @classmethod
    def _store_output(cls, applications):
        """Store the output documents as issued, sealed by their
        municipality, with their SHA-256 hash and return them by id:
        reprints give back these files"""
        pool = Pool()
        Output = pool.get('ossis.application.output', type='report')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        signers = cls._seal_signers(applications)
        documents = {}
        for application in applications:
            content = Output.render_issued(application)
            signer = signers.get(application.company.id)
            if signer:
                content = seal(content, signer)
            documents[application.id] = content
            # Written as is: storing what was issued is no change of the
            # application (its timestamp stays what the clerks saw)
            cursor.execute(*table.update(
                    [table.output_document, table.output_sha256],
                    [cls.output_document.sql_format(content),
                        hashlib.sha256(content).hexdigest()],
                    where=table.id == application.id))
        # As trytond's write does: the records read before see the change
        transaction.counter += 1
        for cache in transaction.cache.values():
            for id_ in documents:
                cache.get(cls.__name__, {}).pop(id_, None)
        return documents

    @classmethod
    def _template(cls, application, kind):
        "Return the id of the published template of the document, or None"
        pool = Pool()
        Template = pool.get('ossis.document_template')
        template = Template.current(
            application.company, kind, application.lgu_service)
        return template.id if template else None

    @classmethod
    def _check_step_actor(cls, applications):
        "Refuse users who do not work in the unit that decided"
        roles, units, _ = cls._actor()
        if roles is None:
            return
        for application in applications:
            unit = application.decision_unit or application.step_unit
            if not unit or unit.id not in units:
                raise ApplicationAccessError(gettext(
                        'ossis_application.msg_application_unit_refused',
                        application=application.rec_name,
                        step=application.step.rec_name))

    @classmethod
    @ModelView.button_action('ossis_application.wizard_application_deliver')
    def deliver(cls, applications):
        pass

    @classmethod
    def deliver_at(cls, applications, desk, recipient=None):
        """Record the delivery of the outputs at the desk, each to the
        recipient or else to its holder: the Deliver button for many
        applications in one call"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        cls._check_button_groups('deliver')
        cls.record_delivery(applications, OrgUnit(int(desk)), recipient)

    @classmethod
    def _check_button_groups(cls, button):
        "Refuse users outside the groups of the button, as a click does"
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user == 0 or not transaction.check_access:
            return
        groups = Button.get_groups(cls.__name__, button)
        if groups and not groups & set(User.get_groups()):
            raise AccessButtonError(gettext(
                    'ir.msg_access_button_error', button=button,
                    **cls.__names__()))

    @classmethod
    def record_delivery(cls, applications, desk, recipient=None, date=None):
        """Record that the outputs were handed over at the desk to the
        recipient, by default to the holder of each"""
        if Transaction().check_access:
            cls.read([a.id for a in applications], ['id'])
        with without_check_access(), cls._checked_by_action():
            cls._record_delivery(
                cls.browse(applications), desk, recipient, date)

    def holder_name(self):
        "Return who receives the output: the representative or the applicant"
        return (self.representative or self.applicant).rec_name

    @classmethod
    @state_transition('delivered')
    def _record_delivery(cls, applications, desk, recipient, date):
        roles, units, _ = cls._actor()
        for application in applications:
            if roles is not None and desk.id not in units:
                raise ApplicationAccessError(gettext(
                        'ossis_application.msg_application_not_your_desk',
                        desk=desk.rec_name))
            if desk.company != application.company:
                raise ApplicationAccessError(gettext(
                        'ossis_application.msg_application_not_your_desk',
                        desk=desk.rec_name))
        date = date or dt.datetime.now()
        deliverers = cls._employee_values('delivered_by', applications)
        to_write = []
        for application in applications:
            to_write.extend(([application], {
                        'delivered_date': date,
                        'delivery_desk': desk.id,
                        'delivered_to': recipient or application.holder_name(),
                        **deliverers.get(application, {}),
                        }))
        cls._store_step(
            applications, 'deliver', 'delivered', to_write,
            each={'delivered_to'})

    @classmethod
    @ModelView.button
    @state_transition('closed')
    def close(cls, applications):
        now = dt.datetime.now()
        to_write = []
        for application in applications:
            to_write.extend(([application], {
                        'closed_date': now,
                        }))
        cls._store_step(applications, 'close', 'closed', to_write)

    @classmethod
    @ModelView.button
    @state_transition('withdrawn')
    def withdraw(cls, applications):
        "End the application at the request of the applicant"
        cls._end(applications, 'withdrawn', 'withdraw')

    @classmethod
    @ModelView.button
    @state_transition('cancelled')
    def cancel(cls, applications):
        "End the application registered by mistake"
        cls._end(applications, 'cancelled', 'cancel')

    @classmethod
    def _end(cls, applications, state, action):
        now = dt.datetime.now()
        to_write = []
        for application in applications:
            if not application.end_reason:
                raise ApplicationActionError(gettext(
                        'ossis_application.msg_application_reason_required',
                        application=application.rec_name))
            to_write.extend(([application], {
                        'closed_date': now,
                        }))
        cls._store_step(applications, action, state, to_write)

    @classmethod
    def notify(cls, applications, event):
        """Tell the applicants of the event; modules send the notices

        Events are 'submitted', 'information_requested', 'decided' and
        'ready'."""
        pass
