# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change requests: a ticket asking a municipality's procedure to change,
carried out as a new version of its workflow

The configuration team opens the version and checks it (lint and
simulation, stored on the request); the administrator of the municipality
approves the version as checked, activates it and moves the running
applications to it.  Each step is recorded with who did it and when.
"""
import datetime as dt
import hashlib

from trytond.i18n import gettext, ngettext
from trytond.model import ModelSQL, ModelView
from trytond.model import Workflow as WorkflowMixin
from trytond.model import fields
from trytond.modules.ossis_application.application import RUNNING
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.modules.ossis_workflow.workflow_analysis import simulate
from trytond.modules.ossis_workflow.workflow_lint import (
    legal_days_of, workflow_graph)
from trytond.modules.ossis_workflow.workflow_simulate import (
    MAX_PATHS, simulation_report)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ChangeRequestAccessError, ChangeRequestError

STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('activated', "Activated"),
    ('migrated', "Applications Migrated"),
    ('cancelled', "Cancelled"),
    ]

_readonly = {'readonly': Eval('state') != 'draft'}
# The languages of the step names that an approval covers
NAME_LANGUAGES = ('sq', 'en')


class ChangeRequest(LGUOwnedMixin, WorkflowMixin, ModelSQL, ModelView):
    """Change Request

    The change of a municipality's procedure for a service that a ticket
    asks for, from the new workflow version to the running applications
    moved to it."""
    __name__ = 'ossis.helpdesk.change_request'
    __string__ = "Change Request"
    _lgu_links = ('ticket', 'version')

    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Ticket", required=True,
        ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('kind', '=', 'change'),
            ],
        states=_readonly)
    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='RESTRICT', states=_readonly)
    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='RESTRICT',
        states=_readonly,
        help="One of the services the ticket names.")
    description = fields.Text("Description", states=_readonly)
    source = fields.Many2One(
        'ossis.workflow', "From Version", readonly=True,
        help="The workflow that applied in the municipality when the "
        "version was opened.")
    version = fields.Many2One(
        'ossis.workflow', "New Version", readonly=True,
        help="The draft workflow of the municipality carrying the change.")
    state = fields.Selection(STATES, "State", required=True, readonly=True)

    checked_at = fields.DateTime("Checked At", readonly=True)
    checked_by = fields.Many2One('res.user', "Checked By", readonly=True)
    lint_errors = fields.Integer("Errors", readonly=True,
        help="The errors found in the version: any of them blocks the "
        "approval.")
    lint_warnings = fields.Integer("Warnings", readonly=True)
    lint_report = fields.Text("Check Report", readonly=True)
    simulation_paths = fields.Integer("Paths", readonly=True)
    longest_days = fields.Integer("Longest", readonly=True,
        help="The working days of the slowest path without loops.")
    legal_days = fields.Integer("Legal Deadline", readonly=True)
    simulation_report = fields.Text("Simulation", readonly=True)
    checked_fingerprint = fields.Char("Checked Fingerprint", readonly=True)

    approved_at = fields.DateTime("Approved At", readonly=True)
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    activated_at = fields.DateTime("Activated At", readonly=True)
    activated_by = fields.Many2One('res.user', "Activated By", readonly=True)
    migrated_at = fields.DateTime("Migrated At", readonly=True)
    migrated_by = fields.Many2One('res.user', "Migrated By", readonly=True)
    migrated_count = fields.Integer("Applications Migrated", readonly=True)
    migration_report = fields.Text("Migration Report", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'activated'),
            ('activated', 'migrated'),
            ('approved', 'draft'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'open_version': {
                    'invisible': ((Eval('state') != 'draft')
                        | Eval('version')),
                    'depends': ['state', 'version'],
                    },
                'check': {
                    'invisible': (~Eval('state').in_(['draft', 'approved'])
                        | ~Eval('version')),
                    'depends': ['state', 'version'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'activate': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'migrate': {
                    'invisible': Eval('state') != 'activated',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def check_lgu_allowed(cls, mode, company_ids, records=None):
        # The configuration team works for every municipality
        pool = Pool()
        Team = pool.get('ossis.helpdesk.team')
        if Team.is_agent():
            return
        super().check_lgu_allowed(mode, company_ids, records=records)

    @fields.depends('ticket', 'company', 'service')
    def on_change_ticket(self):
        if self.ticket:
            self.company = self.ticket.company
            if not self.service and len(self.ticket.services) == 1:
                self.service, = self.ticket.services

    def get_rec_name(self, name):
        return f'{self.ticket.rec_name} – {self.service.code}'

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        cls.check_service(requests, field_names)

    @classmethod
    def check_service(cls, requests, field_names=None):
        "Refuse a service that the ticket does not name"
        if field_names and not (field_names & {'service', 'ticket'}):
            return
        for request in requests:
            services = request.ticket.services
            if services and request.service not in services:
                raise ChangeRequestError(gettext(
                        'ossis_helpdesk.msg_change_request_service',
                        service=request.service.rec_name,
                        ticket=request.ticket.rec_name))

    @classmethod
    def check_state(cls, requests, states, action):
        """Refuse the requests that are not in one of the states: a
        transition would skip them without a word"""
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        names = dict(Request.fields_get(['state'])['state']['selection'])
        for request in requests:
            if request.state not in states:
                raise ChangeRequestError(gettext(
                        f'ossis_helpdesk.msg_change_request_{action}_state',
                        request=request.rec_name,
                        state=names[request.state]))

    @classmethod
    @ModelView.button
    def open_version(cls, requests):
        """Open a draft of the next version of the workflow that applies in
        the municipality, as the municipality's own"""
        pool = Pool()
        Version = pool.get('ossis.workflow')
        cls.check_state(requests, {'draft'}, 'open')
        for request in requests:
            if request.version:
                raise ChangeRequestError(gettext(
                        'ossis_helpdesk.msg_change_request_version_open',
                        request=request.rec_name,
                        version=request.version.rec_name))
            code = request.service.code
            # The configuration team works for every municipality
            with without_check_access():
                source = Version.get_active(
                    request.company, [code]).get(code)
                if not source:
                    raise ChangeRequestError(gettext(
                            'ossis_helpdesk.msg_change_request_no_workflow',
                            service=request.service.rec_name,
                            municipality=request.company.rec_name))
                request.source = source
                request.version = source.copy_as_draft(
                    company=request.company)
        cls.save(requests)

    @classmethod
    @ModelView.button
    def check(cls, requests):
        """Lint and simulate the version in the municipality and store the
        results"""
        cls.check_state(requests, {'draft', 'approved'}, 'check')
        for request in requests:
            version = cls._version(request)
            # The units and staff of the municipality are checked too,
            # which the configuration team does not read otherwise
            with without_check_access():
                problems = version.lint_problems(request.company)
            errors = [p for p in problems if p.severity == 'error']
            legal_days = legal_days_of([version.service_code]).get(
                version.service_code)
            simulation = simulate(
                workflow_graph(version, legal_days), max_paths=MAX_PATHS)
            request.lint_errors = len(errors)
            request.lint_warnings = len(problems) - len(errors)
            request.lint_report = '\n'.join(
                gettext(f'ossis_workflow.msg_lint_{p.severity}')
                + ': ' + p.message for p in problems) or gettext(
                'ossis_helpdesk.msg_change_request_lint_clean')
            request.simulation_paths = len(simulation.paths)
            request.longest_days = simulation.longest_days
            request.legal_days = legal_days
            request.simulation_report = simulation_report(
                version, simulation)
            request.checked_fingerprint = fingerprint(version)
        cls.record_check(requests)

    @classmethod
    def record_check(cls, requests):
        """Record who checked the requests and when, and store them: a new
        check voids the approval of what the previous one saw"""
        pool = Pool()
        User = pool.get('res.user')
        now = dt.datetime.now()
        for request in requests:
            request.checked_at = now
            request.checked_by = User(Transaction().user)
            request.approved_at = request.approved_by = None
        cls.save(requests)
        cls._draft(requests)

    @classmethod
    def _version(cls, request):
        if not request.version:
            raise ChangeRequestError(gettext(
                    'ossis_helpdesk.msg_change_request_no_version',
                    request=request.rec_name))
        return request.version

    @classmethod
    def check_administrator(cls, requests):
        """Refuse the users who do not administer the municipality of each
        request (a button runs without the record rules)"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user_id = Transaction().user
        if not user_id:
            return
        admin = ModelData.get_id('ossis_base', 'group_lgu_admin')
        companies = User._account_companies(user_id)
        for request in requests:
            if (admin not in User.get_groups()
                    or request.company.id not in companies):
                raise ChangeRequestAccessError(gettext(
                        'ossis_helpdesk.msg_change_request_not_administrator',
                        request=request.rec_name))

    @classmethod
    def check_as_checked(cls, requests):
        """Refuse the versions changed since they were checked, or never
        checked: the administrator approves what the checks saw"""
        for request in requests:
            version = cls._version(request)
            if (not request.checked_at
                    or request.checked_fingerprint != fingerprint(version)):
                raise ChangeRequestError(gettext(
                        'ossis_helpdesk.msg_change_request_not_checked',
                        request=request.rec_name,
                        version=version.rec_name))

    @classmethod
    @ModelView.button
    def approve(cls, requests):
        pool = Pool()
        User = pool.get('res.user')
        cls.check_state(requests, {'draft'}, 'approve')
        cls.check_administrator(requests)
        cls.check_as_checked(requests)
        for request in requests:
            if request.lint_errors:
                raise ChangeRequestError(ngettext(
                        'ossis_helpdesk.msg_change_request_lint_blocks',
                        request.lint_errors,
                        request=request.rec_name,
                        count=request.lint_errors,
                        report=request.lint_report))
        cls._approved(requests)
        cls.write(requests, {
                'approved_at': dt.datetime.now(),
                'approved_by': User(Transaction().user),
                })

    @classmethod
    @ModelView.button
    def activate(cls, requests):
        """Activate the approved versions with the workflow's own checks;
        the previous version retires"""
        pool = Pool()
        User = pool.get('res.user')
        Version = pool.get('ossis.workflow')
        cls.check_state(requests, {'approved'}, 'activate')
        cls.check_administrator(requests)
        cls.check_as_checked(requests)
        Version.activate([r.version for r in requests])
        cls._activated(requests)
        cls.write(requests, {
                'activated_at': dt.datetime.now(),
                'activated_by': User(Transaction().user),
                })

    @classmethod
    @ModelView.button
    def migrate(cls, requests):
        """Move the running applications of the municipality's other
        versions to the activated one, each to the step of the same code"""
        pool = Pool()
        Migration = pool.get('ossis.workflow.migration')
        cls.check_state(requests, {'activated'}, 'migrate')
        cls.check_administrator(requests)
        for request in requests:
            applications = cls.running_applications(request)
            step_map = same_code_steps(
                {a.step for a in applications}, request.version)
            report = Migration.migrate(
                applications, request.version, step_map)
            cls.record_migration(
                [request], sum(r['count'] for r in report),
                Migration.report_text(report))

    @classmethod
    def record_migration(cls, requests, count, report):
        "Record on the activated requests the applications moved"
        pool = Pool()
        User = pool.get('res.user')
        cls.write(requests, {
                'migrated_count': count,
                'migration_report': report,
                'migrated_at': dt.datetime.now(),
                'migrated_by': User(Transaction().user),
                })
        cls._migrated(requests)

    @classmethod
    def running_applications(cls, request):
        """Return the running applications of the municipality on another
        version of the workflow of the service"""
        pool = Pool()
        Application = pool.get('ossis.application')
        return Application.search([
                ('company', '=', request.company.id),
                ('workflow.service_code', '=', request.version.service_code),
                ('workflow', '!=', request.version.id),
                ('state', 'in', RUNNING),
                ], order=[('id', 'ASC')])

    @classmethod
    @ModelView.button
    def cancel(cls, requests):
        cls.check_state(requests, {'draft', 'approved'}, 'cancel')
        cls._cancelled(requests)

    @classmethod
    @WorkflowMixin.transition('draft')
    def _draft(cls, requests):
        pass

    @classmethod
    @WorkflowMixin.transition('approved')
    def _approved(cls, requests):
        pass

    @classmethod
    @WorkflowMixin.transition('activated')
    def _activated(cls, requests):
        pass

    @classmethod
    @WorkflowMixin.transition('migrated')
    def _migrated(cls, requests):
        pass

    @classmethod
    @WorkflowMixin.transition('cancelled')
    def _cancelled(cls, requests):
        pass


def same_code_steps(steps, target):
    """Map each step to the step of the target workflow with its code; a
    step without one is left out, and the migration names it"""
    by_code = {s.code: s.id for s in target.steps}
    return {s.id: by_code[s.code] for s in steps if s.code in by_code}


def fingerprint(workflow):
    """Return a digest of the steps and transitions of the workflow, with
    the names of the steps in every language, which the applicants read"""
    Step = Pool().get('ossis.workflow.step')
    graph = workflow_graph(workflow)
    steps = [(s.code, s.kind, s.role, s.days, s.unit_source, s.unit_key)
        for s in graph.steps]
    names = []
    for language in NAME_LANGUAGES:
        with Transaction().set_context(language=language):
            names.append(sorted(
                    (s.code, s.name) for s in Step.browse(workflow.steps)))
    text = repr((steps, graph.transitions, names))
    return hashlib.sha256(text.encode('utf-8')).hexdigest()
