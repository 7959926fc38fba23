# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Workflows to and from BPMN 2.0 files (see bpmn.py)"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .bpmn import BPMNError, export_bpmn, import_bpmn
from .exceptions import WorkflowImportError
from .workflow_lint import legal_days_of, workflow_graph


def workflow_to_bpmn(workflow):
    "Return the BPMN document of the workflow as bytes"
    pool = Pool()
    Transition = pool.get('ossis.workflow.transition')
    legal_days = legal_days_of([workflow.service_code]).get(
        workflow.service_code)
    graph = workflow_graph(workflow, legal_days)
    lanes = {
        'desk': gettext('ossis_workflow.msg_bpmn_lane_desk'),
        'service': gettext('ossis_workflow.msg_bpmn_lane_service'),
        }
    for step in workflow.steps:
        if step.unit_source == 'unit_type' and step.unit_type:
            lanes[step.unit_type.code] = step.unit_type.rec_name
        elif step.unit_source == 'org_unit' and step.org_unit:
            lanes[step.org_unit.id] = step.org_unit.rec_name
    selection = Transition.fields_get(['action', 'outcome'])
    labels = dict(selection['action']['selection'])
    labels.update(
        (k, v) for k, v in selection['outcome']['selection'] if k)
    return export_bpmn(graph, lanes, labels)


def bpmn_filename(workflow):
    return f'{workflow.service_code}-v{workflow.version}.bpmn'


def workflow_from_bpmn(data, service_code, company=None):
    """Create and return a draft workflow of the service code (and the
    municipality) from the BPMN document; raise WorkflowImportError"""
    pool = Pool()
    Workflow = pool.get('ossis.workflow')
    Step = pool.get('ossis.workflow.step')
    Transition = pool.get('ossis.workflow.transition')
    try:
        graph = import_bpmn(data)
    except BPMNError as exception:
        raise WorkflowImportError(gettext(
                f'ossis_workflow.msg_{exception.key}',
                **exception.values)) from exception
    if not graph.steps:
        raise WorkflowImportError(gettext('ossis_workflow.msg_bpmn_no_step'))
    units = _units(graph, company)
    workflow, = Workflow.create([{
                'name': graph.name or service_code,
                'service_code': service_code,
                'company': company.id if company else None,
                }])
    roles = {}
    step_values = []
    for i, step in enumerate(graph.steps):
        values = {
            'workflow': workflow.id,
            'sequence': (i + 1) * 10,
            'code': step.code,
            'name': step.name or step.code,
            'kind': step.kind,
            'unit_source': step.unit_source,
            'role': step.role,
            'days': step.days,
            }
        if step.unit_source == 'unit_type':
            values['unit_type'] = units[step.unit_source, step.unit_key]
        elif step.unit_source == 'org_unit':
            values['org_unit'] = units[step.unit_source, step.unit_key]
        roles[step.code] = step.role
        step_values.append(values)
    steps = {s.code: s for s in Step.create(step_values)}
    Transition.create([{
                'workflow': workflow.id,
                'sequence': (i + 1) * 10,
                'from_step': steps[t.from_step].id,
                'action': t.action,
                'to_step': steps[t.to_step].id if t.to_step else None,
                'outcome': t.outcome,
                'role': t.role or roles[t.from_step],
                'condition': t.condition,
                } for i, t in enumerate(graph.transitions)
            if t.from_step in steps and (
                t.to_step is None or t.to_step in steps)])
    return workflow


def _units(graph, company):
    "Return the ids of the unit types and org units the steps name"
    pool = Pool()
    UnitType = pool.get('ossis.unit_type')
    OrgUnit = pool.get('ossis.org_unit')
    units = {}
    for step in graph.steps:
        key = (step.unit_source, step.unit_key)
        if key in units:
            continue
        if step.unit_source == 'unit_type':
            types = UnitType.search([('code', '=', step.unit_key)], limit=1)
            if not types:
                raise WorkflowImportError(gettext(
                        'ossis_workflow.msg_bpmn_unknown_unit_type',
                        step=step.name or step.code, code=step.unit_key))
            units[key] = types[0].id
        elif step.unit_source == 'org_unit':
            org_units = OrgUnit.search([
                    ('id', '=', step.unit_key),
                    ('company', '=', company.id if company else -1),
                    ]) if step.unit_key is not None else []
            if not org_units:
                raise WorkflowImportError(gettext(
                        'ossis_workflow.msg_bpmn_unknown_org_unit',
                        step=step.name or step.code, unit=step.unit_key))
            units[key] = org_units[0].id
    return units


class ExportBPMNResult(ModelView):
    "Export Workflow to BPMN"
    __name__ = 'ossis.workflow.export_bpmn.result'
    __string__ = "Export Workflow to BPMN"

    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class ExportBPMN(Wizard):
    "Export Workflow to BPMN"
    __name__ = 'ossis.workflow.export_bpmn'

    start = StateView(
        'ossis.workflow.export_bpmn.result',
        'ossis_workflow.workflow_export_bpmn_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {
            'file': workflow_to_bpmn(self.record),
            'filename': bpmn_filename(self.record),
            }


class ImportBPMNStart(ModelView):
    "Import Workflow from BPMN"
    __name__ = 'ossis.workflow.import_bpmn.start'
    __string__ = "Import Workflow from BPMN"

    file = fields.Binary(
        "File", required=True,
        help="A BPMN 2.0 file, as exported by OSSIS or drawn in a BPMN "
        "tool.")
    service = fields.Many2One(
        'ossis.service', "Service", required=True,
        domain=[('state', '=', 'published')],
        help="The service the new workflow is for.")
    company = fields.Many2One(
        'company.company', "Municipality",
        domain=[
            ('id', 'in', Eval('context', {}).get('companies', [])),
            ],
        help="Leave empty for a national workflow.")

    @classmethod
    def default_company(cls):
        pool = Pool()
        User = pool.get('res.user')
        if Transaction().user and User.is_national_admin():
            return None
        return Transaction().context.get('company')


class ImportBPMN(Wizard):
    """Import Workflow from BPMN

    Create a draft workflow from a BPMN file."""
    __name__ = 'ossis.workflow.import_bpmn'

    start = StateView(
        'ossis.workflow.import_bpmn.start',
        'ossis_workflow.workflow_import_bpmn_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('ossis_workflow.act_workflow_form')

    def do_open_(self, action):
        workflow = workflow_from_bpmn(
            self.start.file, self.start.service.code, self.start.company)
        return action, {'res_id': [workflow.id]}

    def transition_open_(self):
        return 'end'
