# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The checks of workflows against the municipalities they apply in

A *configuration* is a municipality's offer of a service with the workflow
that applies to it there.  ``lint_configurations`` checks every one of
them: the organisation of each municipality (units, their staff, the
groups of the staff's users) is read once for all in a few queries and
the graph of each workflow is built once, so that the 61 municipalities
and the whole catalogue are checked in seconds.
"""
import datetime as dt
from dataclasses import dataclass

from sql import Literal, Null

from trytond.i18n import gettext, ngettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

from .workflow_analysis import lint
from .workflow_graph import ROLE_GROUPS, Step, Transition, WorkflowGraph

# Problems that do not refuse an activation: staff come and go
WARNINGS = {'role_missing'}


@dataclass(frozen=True)
class ConfigurationProblem:
    """A problem of a workflow in a municipality (company None: wherever
    it applies), with its translated message"""
    company: object
    service_code: str
    workflow: object
    step: object
    code: str
    severity: str
    message: str

    def text(self):
        "Return the problem on one line, with where it is"
        parts = []
        if self.company is not None:
            parts.append(self.company.rec_name)
        parts.append(self.service_code)
        parts.append(self.workflow.rec_name)
        if self.step is not None:
            parts.append(self.step.rec_name)
        return ' – '.join(parts) + ': ' + self.message


class LintResult(list):
    "The problems found, and the number of configurations checked"
    configurations = 0

    @property
    def errors(self):
        return [p for p in self if p.severity == 'error']

    @property
    def warnings(self):
        return [p for p in self if p.severity == 'warning']


def severity(code):
    return 'warning' if code in WARNINGS else 'error'


def workflow_graph(workflow, legal_days=None):
    "Return the WorkflowGraph of the ossis.workflow record"
    steps = []
    for step in workflow.steps:
        unit_key = None
        if step.unit_source == 'unit_type' and step.unit_type:
            unit_key = step.unit_type.code
        elif step.unit_source == 'org_unit' and step.org_unit:
            unit_key = step.org_unit.id
        steps.append(Step(
                code=step.code, name=step.name, kind=step.kind,
                role=step.role, days=step.days or 0,
                unit_source=step.unit_source, unit_key=unit_key))
    transitions = [Transition(
            from_step=t.from_step.code, action=t.action,
            to_step=t.to_step.code if t.to_step else None,
            outcome=t.outcome or None, role=t.role,
            condition=t.condition or None)
        for t in workflow.transitions]
    return WorkflowGraph(steps, transitions, legal_days, workflow.name)


def legal_days_of(codes):
    "Return the legal deadline of the published service of each code"
    pool = Pool()
    Service = pool.get('ossis.service')
    return {code: service.legal_days
        for code, service in Service.get_published(codes).items()}


@dataclass
class Offer:
    "What the checks need of a municipal service"
    company: int
    service_code: str
    responsible_unit: int | None
    desks: tuple
    unit_type: str | None


class Organisation:
    """The units, their staff's roles and the offers of municipalities,
    read in a few queries"""

    def __init__(self, company_ids, service_codes=None, date=None):
        self.company_ids = list(company_ids)
        self.service_codes = service_codes
        self.date = date
        self.units = {}  # id -> company id (active units)
        self.unit_names = {}
        self.units_of_type = {}  # (company id, unit type code) -> unit id
        self.roles = {}  # unit id -> roles held by someone working there
        self.offers = {}  # company id -> [Offer]
        if self.company_ids:
            with without_check_access():
                self._read_units()
                self._read_roles()
                self._read_offers()

    def _read_units(self):
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        OrgUnitType = pool.get('ossis.org_unit-ossis.unit_type')
        UnitType = pool.get('ossis.unit_type')
        cursor = Transaction().connection.cursor()
        unit = OrgUnit.__table__()
        cursor.execute(*unit.select(
                unit.id, unit.company, unit.name,
                where=unit.company.in_(self.company_ids)
                & (unit.active == Literal(True)),
                order_by=[unit.sequence.asc.nulls_first, unit.id.asc]))
        order = {}
        for unit_id, company, name in cursor:
            order[unit_id] = len(order)
            self.units[unit_id] = company
            self.unit_names[unit_id] = name
        link = OrgUnitType.__table__()
        type_ = UnitType.__table__()
        cursor.execute(*link.join(type_, condition=link.unit_type == type_.id)
            .select(link.org_unit, type_.code))
        for unit_id, code in sorted(
                (r for r in cursor if r[0] in self.units),
                key=lambda r: order[r[0]]):
            self.units_of_type.setdefault(
                (self.units[unit_id], code), unit_id)

    def _read_roles(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        UserEmployee = pool.get('res.user-company.employee')
        UserGroup = pool.get('res.user-res.group')
        Group = pool.get('res.group')
        OrgUnit = pool.get('ossis.org_unit')
        OrgUnitEmployee = pool.get('ossis.org_unit-company.employee')
        cursor = Transaction().connection.cursor()
        role_of_group = {
            ModelData.get_id('ossis_base', xml_id): role
            for role, xml_id in ROLE_GROUPS.items()}

        user = User.__table__()
        user_group = UserGroup.user_group_all_table()
        group = Group.__table__()
        cursor.execute(*user_group
            .join(group, condition=user_group.group == group.id)
            .join(user, condition=user_group.user == user.id)
            .select(user_group.user, user_group.group,
                where=(group.active == Literal(True))
                & (user.active == Literal(True))
                & user_group.group.in_(list(role_of_group))))
        user_roles = {}
        for user_id, group_id in cursor:
            user_roles.setdefault(user_id, set()).add(role_of_group[group_id])

        user_employee = UserEmployee.__table__()
        cursor.execute(*user_employee.select(
                user_employee.user, user_employee.employee))
        employee_roles = {}
        for user_id, employee in cursor:
            employee_roles.setdefault(employee, set()).update(
                user_roles.get(user_id, ()))

        member = OrgUnitEmployee.__table__()
        cursor.execute(*member.select(member.org_unit, member.employee))
        works = list(cursor)
        unit = OrgUnit.__table__()
        cursor.execute(*unit.select(unit.id, unit.head,
                where=unit.head != Null))
        works.extend(cursor)
        for unit_id, employee in works:
            if unit_id in self.units:
                self.roles.setdefault(unit_id, set()).update(
                    employee_roles.get(employee, ()))

    def _read_offers(self):
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        LGUServiceDesk = pool.get('ossis.lgu.service-ossis.org_unit')
        Service = pool.get('ossis.service')
        UnitType = pool.get('ossis.unit_type')
        Date = pool.get('ir.date')
        date = self.date or Date.today()
        cursor = Transaction().connection.cursor()
        offer = LGUService.__table__()
        service = Service.__table__()
        type_ = UnitType.__table__()
        where = (offer.company.in_(self.company_ids)
            & (offer.active == Literal(True))
            & ((offer.start_date == Null) | (offer.start_date <= date))
            & ((offer.end_date == Null) | (offer.end_date >= date)))
        if self.service_codes is not None:
            where &= offer.service_code.in_(list(self.service_codes) or [''])
        cursor.execute(*offer
            .join(service, condition=offer.service == service.id)
            .join(type_, 'LEFT', condition=service.unit_type == type_.id)
            .select(offer.id, offer.company, offer.service_code,
                offer.responsible_unit, type_.code,
                where=where, order_by=[offer.service_code.asc]))
        offers = {}
        for offer_id, company, code, responsible, unit_type in cursor:
            offers[offer_id] = Offer(company, code, responsible, (), unit_type)
        desk = LGUServiceDesk.__table__()
        cursor.execute(*desk.select(desk.lgu_service, desk.desk,
                order_by=[desk.id.asc]))
        for offer_id, desk_id in cursor:
            if offer_id in offers and desk_id in self.units:
                offers[offer_id].desks += (desk_id,)
        for record in offers.values():
            self.offers.setdefault(record.company, []).append(record)

    def units_for(self, company, step, offer):
        """Return the ids of the units that may be responsible for the step
        of the offer in the municipality (every desk of the offer)"""
        if step.unit_source == 'desk' and offer and offer.desks:
            return offer.desks
        # An offer without desk (online only) is handled by its unit
        if step.unit_source in {'desk', 'service'}:
            if offer and offer.responsible_unit in self.units:
                return (offer.responsible_unit,)
            unit = self.units_of_type.get((company, offer.unit_type)) \
                if offer else None
            return (unit,) if unit else ()
        elif step.unit_source == 'unit_type':
            unit = self.units_of_type.get((company, step.unit_key))
            return (unit,) if unit else ()
        elif step.unit_source == 'org_unit':
            if self.units.get(step.unit_key) == company:
                return (step.unit_key,)
        return ()

    def lint(self, graph, company, offer):
        "Return the Problems of the graph for the offer in the municipality"
        def resolve_unit(step):
            return self.units_for(company, step, offer)

        def roles_present(step, units):
            return any(step.role in self.roles.get(u, ()) for u in units)
        return lint(graph, resolve_unit, roles_present)


class Messages:
    "Translate the Problems of the workflows, with step names"

    def __init__(self):
        pool = Pool()
        WorkflowStep = pool.get('ossis.workflow.step')
        WorkflowTransition = pool.get('ossis.workflow.transition')
        UnitType = pool.get('ossis.unit_type')
        self.cache = {}
        self.steps = {}
        selection = WorkflowStep.fields_get(['unit_source', 'role'])
        self.unit_sources = dict(selection['unit_source']['selection'])
        self.roles = dict(selection['role']['selection'])
        selection = WorkflowTransition.fields_get(['action', 'outcome'])
        self.actions = dict(selection['action']['selection'])
        self.outcomes = dict(selection['outcome']['selection'])
        self.unit_types = {
            t.code: t.rec_name for t in UnitType.search([
                    ('active', 'in', [True, False])])}
        self.org_units = {}

    def steps_of(self, workflow):
        """Return the steps of the workflow and their names by code, and
        its service code"""
        if workflow.id not in self.steps:
            steps = {s.code: s for s in workflow.steps}
            self.steps[workflow.id] = (
                steps, {c: s.name for c, s in steps.items()},
                workflow.service_code)
        return self.steps[workflow.id]

    def unit_name(self, source, key):
        if key is None:
            return ''
        if source == 'unit_type':
            return ': ' + self.unit_types.get(key, str(key))
        if source == 'org_unit':
            if key not in self.org_units:
                pool = Pool()
                OrgUnit = pool.get('ossis.org_unit')
                with without_check_access():
                    units = OrgUnit.search([
                            ('id', '=', key),
                            ('active', 'in', [True, False]),
                            ])
                self.org_units[key] = units[0].rec_name if units else key
            return ': ' + str(self.org_units[key])
        return ''

    def message(self, problem, names):
        "Return the translated message of the problem"
        key = (problem.code, problem.step,
            tuple(sorted(problem.message_args.items(), key=str)),
            tuple(sorted(names.items())))
        if key not in self.cache:
            self.cache[key] = self._message(problem, names)
        return self.cache[key]

    def _message(self, problem, names):
        args = dict(problem.message_args)
        for name in ('from_step', 'to_step'):
            if name in args:
                args[name] = names.get(args[name], args[name] or '')
        if 'path' in args:
            args['path'] = ' → '.join(
                names.get(c, c) for c in args['path'].split(' → '))
        if 'unit_key' in args:
            args['unit_key'] = self.unit_name(
                args['unit_source'], args['unit_key'])
        if 'unit_source' in args:
            args['unit_source'] = self.unit_sources.get(
                args['unit_source'], args['unit_source'])
        if 'role' in args:
            args['role'] = self.roles.get(args['role'], args['role'])
        if 'outcome' in args:
            args['outcome'] = self.outcomes.get(
                args['outcome'], args['outcome'])
        if 'action' in args:
            args['action'] = self.actions.get(args['action'], args['action'])
        args['step'] = names.get(problem.step, problem.step or '')
        message = f'ossis_workflow.msg_lint_{problem.code}'
        if 'days' in args:
            return ngettext(message, args['days'], **args)
        return gettext(message, **args)


def configuration_problems(problems, company, workflow, messages):
    "Return the ConfigurationProblems of the Problems of the workflow"
    if not problems:
        return []
    steps, names, service_code = messages.steps_of(workflow)
    return [ConfigurationProblem(
            company=company, service_code=service_code,
            workflow=workflow, step=steps.get(p.step), code=p.code,
            severity=severity(p.code),
            message=messages.message(p, names))
        for p in problems]


def active_workflows(service_codes=None):
    """Return the active workflows by (company id or None, service
    code)"""
    pool = Pool()
    Workflow = pool.get('ossis.workflow')
    domain = [('state', '=', 'active')]
    if service_codes is not None:
        domain.append(('service_code', 'in', list(service_codes)))
    with without_check_access():
        workflows = Workflow.search(domain)
    return {(w.company.id if w.company else None, w.service_code): w
        for w in workflows}


def lint_configurations(companies=None, service_codes=None, date=None):
    """Return the LintResult of every offer of the municipalities (all
    when None) for the service codes (all when None) with the workflow
    that applies to it"""
    pool = Pool()
    Company = pool.get('company.company')
    if companies is None:
        with without_check_access():
            companies = Company.search([])
    companies = list(companies)
    organisation = Organisation(
        [c.id for c in companies], service_codes, date)
    workflows = active_workflows(service_codes)
    legal_days = legal_days_of({code for _, code in workflows})
    messages = Messages()
    graphs = {}
    result = LintResult()
    for company in companies:
        for offer in organisation.offers.get(company.id, []):
            code = offer.service_code
            workflow = (workflows.get((company.id, code))
                or workflows.get((None, code)))
            if workflow is None:
                continue
            result.configurations += 1
            if workflow.id not in graphs:
                graphs[workflow.id] = workflow_graph(
                    workflow, legal_days.get(code))
            problems = organisation.lint(graphs[workflow.id], company.id,
                offer)
            result.extend(configuration_problems(
                    problems, company, workflow, messages))
    return result


def lint_workflow(workflow, company=None):
    """Return the ConfigurationProblems of the workflow: its structure, and
    its units and roles in the municipality (for a municipality's workflow,
    its own) when the municipality offers the service"""
    company = workflow.company or company
    legal_days = legal_days_of([workflow.service_code]).get(
        workflow.service_code)
    graph = workflow_graph(workflow, legal_days)
    offer = None
    organisation = None
    if company:
        organisation = Organisation(
            [company.id], [workflow.service_code])
        offers = organisation.offers.get(company.id)
        offer = offers[0] if offers else None
    if offer:
        problems = organisation.lint(graph, company.id, offer)
    else:
        company = None
        problems = lint(graph)
    return configuration_problems(
        problems, company, workflow, Messages())


def count(message, number):
    "Return the message of the module that counts number, in its plural"
    return ngettext(f'ossis_workflow.{message}', number, count=number)


def summary(result):
    "Return the line that counts the configurations, errors and warnings"
    return gettext('ossis_workflow.msg_lint_summary',
        configurations=count(
            'msg_lint_configurations', result.configurations),
        errors=count('msg_lint_errors', len(result.errors)),
        warnings=count('msg_lint_warnings', len(result.warnings)))


def report(result, seconds=None):
    "Return the text of the LintResult: counts, then a problem per line"
    lines = [summary(result)]
    if seconds is not None:
        lines[0] += ' ' + gettext('ossis_workflow.msg_lint_time',
            seconds=f'{seconds:.2f}')
    for problem in result:
        label = gettext(f'ossis_workflow.msg_lint_{problem.severity}')
        lines.append(f'{label}: {problem.text()}')
    return '\n'.join(lines)


class CheckResult(ModelView):
    "Check Workflows"
    __name__ = 'ossis.workflow.check.result'
    __string__ = "Check Workflows"

    report = fields.Text("Report", readonly=True)


class Check(Wizard):
    """Check Workflows

    Check the workflow of every service offered by the municipalities the
    user works for."""
    __name__ = 'ossis.workflow.check'

    start = StateView(
        'ossis.workflow.check.result',
        'ossis_workflow.workflow_check_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Company = pool.get('company.company')
        User = pool.get('res.user')
        companies = None
        if Transaction().user:
            companies = Company.browse(User.get_companies())
        start = dt.datetime.now()
        result = lint_configurations(companies)
        seconds = (dt.datetime.now() - start).total_seconds()
        return {'report': report(result, seconds)}
