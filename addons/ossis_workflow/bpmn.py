# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export and import of workflows as BPMN 2.0 XML

The export draws a pool with a lane per responsible unit, a user task per
step, an exclusive gateway after a step with several ways out, a sequence
flow per transition (named by its action) and an end event per outcome,
laid out left to right so that BPMN tools display it.

The process is executable: the user task of a step leaves the code of the
action chosen in the process variable ``action`` (ACTION_VARIABLE), and
each flow out of a gateway tests it with a Python expression, e.g.
``action == 'approve'``, which SpiffWorkflow evaluates as it is; the only
``forward`` of a step, without condition, is the gateway's default flow.
A transition's condition (a Tryton domain on the application) is added
to the test when it only compares plain fields, which then are process
variables too.

What BPMN cannot say (kind, role, days, unit of a step, action, outcome,
role and condition of a transition, legal deadline) is written as
attributes of the ``ossis:`` namespace, from which the import reads the
workflow back.

Files are parsed without network access, entity expansion or document type
declaration (refused), within size limits: they may come from anywhere.
"""
import json
import keyword
from xml.parsers import expat

from lxml import etree

from .workflow_analysis import step_levels
from .workflow_graph import (
    ACTIONS, KINDS, OUTCOMES, ROLES, UNIT_SOURCES, Step, Transition,
    WorkflowGraph)

__all__ = ['BPMNError', 'export_bpmn', 'import_bpmn', 'lane_key',
    'domain_expression', 'BPMN_NS', 'OSSIS_NS', 'ACTION_VARIABLE',
    'EXPRESSION_LANGUAGE']

BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL'
BPMNDI_NS = 'http://www.omg.org/spec/BPMN/20100524/DI'
DC_NS = 'http://www.omg.org/spec/DD/20100524/DC'
DI_NS = 'http://www.omg.org/spec/DD/20100524/DI'
XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance'
OSSIS_NS = 'urn:ossis:bpmn'
NSMAP = {
    'bpmn': BPMN_NS,
    'bpmndi': BPMNDI_NS,
    'dc': DC_NS,
    'di': DI_NS,
    'xsi': XSI_NS,
    'ossis': OSSIS_NS,
    }
MAX_BYTES = 5 * 1024 * 1024
# The process variable where a step's user task leaves the code of the
# action chosen, and the language of the conditions that test it
ACTION_VARIABLE = 'action'
EXPRESSION_LANGUAGE = 'python'
# The domain operators that have the same meaning in Python
PYTHON_OPERATORS = {
    '=': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
    'in': 'in', 'not in': 'not in'}

TASKS = {
    'task', 'userTask', 'manualTask', 'serviceTask', 'sendTask',
    'receiveTask', 'scriptTask', 'businessRuleTask', 'callActivity',
    'subProcess'}
# Nodes that a path crosses without a step: their flows are followed
CONNECTORS = {
    'exclusiveGateway', 'inclusiveGateway', 'parallelGateway',
    'eventBasedGateway', 'complexGateway', 'intermediateCatchEvent',
    'intermediateThrowEvent'}
DEFAULT_ACTIONS = {
    'approved': 'approve',
    'rejected': 'reject',
    'withdrawn': 'withdraw',
    }

# Layout, in pixels
TASK_WIDTH, TASK_HEIGHT = 100, 80
GATEWAY_SIZE = 50
EVENT_SIZE = 36
ROW_HEIGHT = 120
COLUMN_WIDTH = 240
POOL_X, POOL_Y = 160, 80
POOL_HEADER = 30
FIRST_COLUMN_X = POOL_X + 160


class BPMNError(ValueError):
    """A BPMN file that cannot be read

    ``key`` names the problem (for the caller's translated message) and
    ``values`` holds its details."""

    def __init__(self, key, **values):
        super().__init__(key, values)
        self.key = key
        self.values = values

    def __str__(self):
        details = ', '.join(f'{k}={v!r}' for k, v in self.values.items())
        return f'{self.key} ({details})' if details else self.key


def _bpmn(tag):
    return f'{{{BPMN_NS}}}{tag}'


def _ossis(name):
    return f'{{{OSSIS_NS}}}{name}'


def lane_key(step):
    """Return the key of the lane of step in ``export_bpmn``'s ``lanes``:
    its unit key, or its unit source (``desk``, ``service``) without one"""
    return step.unit_key if step.unit_key is not None else step.unit_source


class _Ids:
    def __init__(self):
        self.counts = {}

    def __call__(self, prefix):
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f'{prefix}_{self.counts[prefix]}'


def export_bpmn(graph, lanes=None, labels=None):
    """Return graph as the bytes of a BPMN 2.0 XML document

    ``lanes`` maps the lane keys (see ``lane_key``) to lane names;
    ``labels`` maps action and outcome codes to the names written on flows
    and end events (the codes by default).  Duplicate steps and transitions
    between unknown steps are left out (``lint`` reports them)."""
    lanes = lanes or {}
    labels = labels or {}
    ids = _Ids()
    steps = {}
    for step in graph.steps:
        steps.setdefault(step.code, step)
    transitions = [t for t in graph.transitions
        if t.from_step in steps and (t.to_step is None or t.to_step in steps)]
    outgoing = {code: [] for code in steps}
    for transition in transitions:
        outgoing[transition.from_step].append(transition)

    root = etree.Element(_bpmn('definitions'), nsmap=NSMAP)
    root.set('id', 'Definitions_1')
    root.set('targetNamespace', 'urn:ossis:workflow')
    root.set('exporter', 'OSSIS')
    root.set('exporterVersion', '1')
    collaboration = etree.SubElement(root, _bpmn('collaboration'))
    collaboration.set('id', 'Collaboration_1')
    participant = etree.SubElement(collaboration, _bpmn('participant'))
    participant.set('id', 'Participant_1')
    if graph.name:
        participant.set('name', graph.name)
    participant.set('processRef', 'Process_1')
    process = etree.SubElement(root, _bpmn('process'))
    process.set('id', 'Process_1')
    if graph.name:
        process.set('name', graph.name)
    process.set('isExecutable', 'true')
    if graph.legal_days is not None:
        process.set(_ossis('legalDays'), str(graph.legal_days))
    lane_set = etree.SubElement(process, _bpmn('laneSet'))
    lane_set.set('id', 'LaneSet_1')

    nodes = _Nodes(process)
    start = nodes.add('startEvent', ids('StartEvent'), None) if steps else None
    task_ids = {}
    for code, step in steps.items():
        task = nodes.add('userTask', ids('Task'), step.name or None)
        _set(task, 'code', code)
        _set(task, 'kind', step.kind)
        _set(task, 'role', step.role)
        _set(task, 'days', step.days)
        _set(task, 'unitSource', step.unit_source)
        _set(task, 'unitKey', step.unit_key)
        task_ids[code] = task.get('id')

    flows = []  # (id, source id, target id, transition or None)
    exits = {}  # step code -> node id its transitions leave from
    if start is not None:
        flows.append(
            (ids('Flow'), start.get('id'), task_ids[graph.steps[0].code],
                None))
    gateways = {}
    ends = {}  # step code -> id of the end event after a step without exit
    for code in steps:
        if len(outgoing[code]) > 1:
            gateway = nodes.add('exclusiveGateway', ids('Gateway'), None)
            gateways[code] = gateway.get('id')
            flows.append(
                (ids('Flow'), task_ids[code], gateway.get('id'), None))
            exits[code] = gateway.get('id')
        else:
            exits[code] = task_ids[code]
    outcome_ends = {}  # outcome -> (end event id, code of first step)
    defaults = {}  # gateway id -> id of its default flow
    for transition in transitions:
        if transition.to_step is None and transition.outcome:
            if transition.outcome not in outcome_ends:
                end = nodes.add('endEvent', ids('EndEvent'),
                    labels.get(transition.outcome, transition.outcome))
                end.set(_ossis('outcome'), transition.outcome)
                outcome_ends[transition.outcome] = (
                    end.get('id'), transition.from_step)
            target = outcome_ends[transition.outcome][0]
        elif transition.to_step is None:
            target = task_ids[transition.from_step]
        else:
            target = task_ids[transition.to_step]
        flow_id = ids('Flow')
        flows.append((flow_id, exits[transition.from_step], target,
                transition))
        if _is_default(transition, outgoing[transition.from_step]):
            defaults[exits[transition.from_step]] = flow_id
    for code in steps:
        if not outgoing[code]:
            end = nodes.add('endEvent', ids('EndEvent'), None)
            ends[code] = end.get('id')
            flows.append((ids('Flow'), task_ids[code], end.get('id'), None))

    for flow_id, source, target, transition in flows:
        flow = etree.SubElement(process, _bpmn('sequenceFlow'))
        flow.set('id', flow_id)
        if transition is not None:
            flow.set('name', labels.get(transition.action, transition.action))
        flow.set('sourceRef', source)
        flow.set('targetRef', target)
        nodes.link(flow_id, source, target)
        if transition is None:
            continue
        flow.set(_ossis('action'), transition.action)
        if transition.outcome:
            flow.set(_ossis('outcome'), transition.outcome)
        if transition.role:
            flow.set(_ossis('role'), transition.role)
        if transition.to_step is None and not transition.outcome:
            flow.set(_ossis('waits'), 'true')
        if transition.condition:
            flow.set(_ossis('condition'), transition.condition)
        if source in gateways.values() and flow_id != defaults.get(source):
            expression = etree.SubElement(
                flow, _bpmn('conditionExpression'))
            expression.set(f'{{{XSI_NS}}}type', 'bpmn:tFormalExpression')
            expression.set('language', EXPRESSION_LANGUAGE)
            expression.text = flow_expression(transition)
    for gateway_id, flow_id in defaults.items():
        nodes.elements[gateway_id].set('default', flow_id)
    nodes.write_links()

    layout = _Layout(graph, steps, lanes)
    lane_nodes = layout.place(task_ids, start, gateways, ends, outcome_ends)
    for key, members in lane_nodes.items():
        lane = etree.SubElement(lane_set, _bpmn('lane'))
        lane.set('id', layout.lane_ids[key])
        lane.set('name', layout.lane_names[key])
        for node_id in members:
            etree.SubElement(lane, _bpmn('flowNodeRef')).text = node_id
    _write_diagram(root, layout, flows, gateways)
    return etree.tostring(root, xml_declaration=True, encoding='UTF-8',
        pretty_print=True)


def _is_default(transition, transitions):
    """Tell if transition is the default way out of a step with the
    transitions: its only forward, without condition"""
    forwards = [t for t in transitions if t.action == 'forward']
    return (len(transitions) > 1 and forwards == [transition]
        and not transition.condition)


def flow_expression(transition):
    """Return the Python expression that is true when the user chose the
    transition: its action, and its condition when Python can say it"""
    expression = f'{ACTION_VARIABLE} == {transition.action!r}'
    if transition.condition:
        try:
            domain = json.loads(transition.condition)
        except ValueError:
            domain = None
        condition = domain_expression(domain)
        if condition not in {None, 'True'}:
            expression += f' and ({condition})'
    return expression


def domain_expression(domain):
    """Return the Python expression of the Tryton domain over variables of
    the same names as its fields, or None when it uses more than plain
    fields compared with constants"""
    if not isinstance(domain, list):
        return None
    joint, clauses = ' and ', domain
    if clauses and clauses[0] in ('AND', 'OR'):
        joint, clauses = f' {clauses[0].lower()} ', clauses[1:]
    parts = []
    for clause in clauses:
        if _is_leaf(clause):
            name, operator, value = clause
            if (not _is_constant(value)
                    or operator in {'in', 'not in'}
                    and not isinstance(value, list)):
                return None
            parts.append(f'{name} {PYTHON_OPERATORS[operator]} {value!r}')
        else:
            part = domain_expression(clause)
            if part is None:
                return None
            parts.append(f'({part})')
    return joint.join(parts) or 'True'


def _is_leaf(clause):
    return (isinstance(clause, list) and len(clause) == 3
        and isinstance(clause[0], str) and clause[0].isidentifier()
        and not keyword.iskeyword(clause[0])
        and isinstance(clause[1], str) and clause[1] in PYTHON_OPERATORS)


def _is_constant(value):
    if isinstance(value, list):
        return all(_is_constant(v) and not isinstance(v, list)
            for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _set(element, name, value):
    "Set the ossis attribute name of element unless value is None"
    if value is not None:
        element.set(_ossis(name), str(value))


class _Nodes:
    "The flow nodes of a process and their incoming and outgoing flows"

    def __init__(self, process):
        self.process = process
        self.elements = {}
        self.incoming = {}
        self.outgoing = {}

    def add(self, tag, node_id, name):
        element = etree.SubElement(self.process, _bpmn(tag))
        element.set('id', node_id)
        if name:
            element.set('name', name)
        self.elements[node_id] = element
        return element

    def link(self, flow_id, source, target):
        self.outgoing.setdefault(source, []).append(flow_id)
        self.incoming.setdefault(target, []).append(flow_id)

    def write_links(self):
        for node_id, element in self.elements.items():
            for flow_id in self.incoming.get(node_id, []):
                etree.SubElement(element, _bpmn('incoming')).text = flow_id
            for flow_id in self.outgoing.get(node_id, []):
                etree.SubElement(element, _bpmn('outgoing')).text = flow_id


class _Layout:
    """Columns by the longest distance from the first step, lanes as
    horizontal bands, steps of a lane in the same column one below the
    other"""

    def __init__(self, graph, steps, lanes):
        self.steps = steps
        self.levels = step_levels(graph)
        self.lane_of = {}
        self.lane_ids = {}
        self.lane_names = {}
        for code, step in steps.items():
            key = lane_key(step)
            if key not in self.lane_ids:
                self.lane_ids[key] = f'Lane_{len(self.lane_ids) + 1}'
                name = lanes.get(key)
                if name is None:
                    name = str(key) if key is not None else ''
                self.lane_names[key] = name
            self.lane_of[code] = key
        self.bounds = {}
        self.pool = None
        self.lane_bounds = {}

    def place(self, task_ids, start, gateways, ends, outcome_ends):
        "Compute the bounds of every node; return the nodes of each lane"
        last = max(self.levels.values(), default=-1) + 1
        rows = {}  # (lane, column) -> rows used
        cells = {}  # node id -> (lane, column, row)
        members = {key: [] for key in self.lane_ids}

        def cell(node_id, lane, column):
            row = rows.get((lane, column), 0)
            rows[(lane, column)] = row + 1
            cells[node_id] = (lane, column, row)
            members[lane].append(node_id)

        for code in self.steps:
            cell(task_ids[code], self.lane_of[code], self.levels[code])
        for end_id, code in outcome_ends.values():
            cell(end_id, self.lane_of[code], last)
        heights = {}
        for (lane, _), count in rows.items():
            heights[lane] = max(heights.get(lane, 1), count)
        width = FIRST_COLUMN_X + (last + 1) * COLUMN_WIDTH - POOL_X
        top = POOL_Y
        lane_tops = {}
        for key in self.lane_ids:
            height = heights.get(key, 1) * ROW_HEIGHT
            lane_tops[key] = top
            self.lane_bounds[key] = (
                POOL_X + POOL_HEADER, top, width - POOL_HEADER, height)
            top += height
        self.pool = (POOL_X, POOL_Y, width, max(top - POOL_Y, ROW_HEIGHT))

        for node_id, (lane, column, row) in cells.items():
            x = FIRST_COLUMN_X + column * COLUMN_WIDTH
            middle = lane_tops[lane] + row * ROW_HEIGHT + ROW_HEIGHT // 2
            if column == last:
                self.bounds[node_id] = _centred(
                    x + TASK_WIDTH // 2, middle, EVENT_SIZE, EVENT_SIZE)
            else:
                self.bounds[node_id] = (
                    x, middle - TASK_HEIGHT // 2, TASK_WIDTH, TASK_HEIGHT)
        for nodes, size in ((gateways, GATEWAY_SIZE), (ends, EVENT_SIZE)):
            for code, node_id in nodes.items():
                # Right of the step, where the next column leaves room
                x, y, w, h = self.bounds[task_ids[code]]
                self.bounds[node_id] = _centred(
                    x + w + 35 + size // 2, y + h // 2, size, size)
                members[self.lane_of[code]].append(node_id)
        if start is not None:
            first = next(iter(self.steps))
            x, y, w, h = self.bounds[task_ids[first]]
            self.bounds[start.get('id')] = _centred(
                POOL_X + POOL_HEADER + 50, y + h // 2, EVENT_SIZE,
                EVENT_SIZE)
            members[self.lane_of[first]].insert(0, start.get('id'))
        return members


def _centred(cx, cy, width, height):
    return (cx - width // 2, cy - height // 2, width, height)


def _waypoints(source, target, own_step):
    "Return the points of an edge between the bounds source and target"
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    if own_step:
        if source == target:
            left, right, above = sx + 20, sx + sw - 20, sy - 20
            return [(right, sy), (right, above), (left, above), (left, sy)]
        above = ty - 20
        return [(sx + sw // 2, sy), (sx + sw // 2, above),
            (tx + tw // 2, above), (tx + tw // 2, ty)]
    start_y, end_y = sy + sh // 2, ty + th // 2
    if tx >= sx + sw:
        if start_y == end_y:
            return [(sx + sw, start_y), (tx, end_y)]
        bend = tx - 25
        return [(sx + sw, start_y), (bend, start_y), (bend, end_y),
            (tx, end_y)]
    below = max(sy + sh, ty + th) + 15
    return [(sx + sw // 2, sy + sh), (sx + sw // 2, below),
        (tx + tw // 2, below), (tx + tw // 2, ty + th)]


def _write_diagram(root, layout, flows, gateways):
    diagram = etree.SubElement(root, f'{{{BPMNDI_NS}}}BPMNDiagram')
    diagram.set('id', 'BPMNDiagram_1')
    plane = etree.SubElement(diagram, f'{{{BPMNDI_NS}}}BPMNPlane')
    plane.set('id', 'BPMNPlane_1')
    plane.set('bpmnElement', 'Collaboration_1')

    def shape(element_id, bounds, **attributes):
        node = etree.SubElement(plane, f'{{{BPMNDI_NS}}}BPMNShape')
        node.set('id', f'{element_id}_di')
        node.set('bpmnElement', element_id)
        for name, value in attributes.items():
            node.set(name, value)
        box = etree.SubElement(node, f'{{{DC_NS}}}Bounds')
        for name, value in zip(('x', 'y', 'width', 'height'), bounds):
            box.set(name, str(value))

    shape('Participant_1', layout.pool, isHorizontal='true')
    for key, bounds in layout.lane_bounds.items():
        shape(layout.lane_ids[key], bounds, isHorizontal='true')
    gateway_ids = set(gateways.values())
    for node_id, bounds in layout.bounds.items():
        if node_id in gateway_ids:
            shape(node_id, bounds, isMarkerVisible='true')
        else:
            shape(node_id, bounds)
    parallel = {}
    for flow_id, source, target, transition in flows:
        own_step = (transition is not None and transition.to_step is None
            and not transition.outcome)
        # Flows between the same nodes (approve and reject to delivery)
        # are drawn apart so that each can be seen and its name read
        shift = parallel.get((source, target), 0)
        parallel[(source, target)] = shift + 10
        edge = etree.SubElement(plane, f'{{{BPMNDI_NS}}}BPMNEdge')
        edge.set('id', f'{flow_id}_di')
        edge.set('bpmnElement', flow_id)
        points = _waypoints(
            layout.bounds[source], layout.bounds[target], own_step)
        for i, (x, y) in enumerate(points):
            if 0 < i < len(points) - 1:
                x -= shift
            point = etree.SubElement(edge, f'{{{DI_NS}}}waypoint')
            point.set('x', str(x))
            point.set('y', str(y + shift))


class _Stop(Exception):
    pass


def _refuse_doctype(data):
    """Raise BPMNError if data declares a document type

    Entities could blow up or leak data, and BPMN files never need them.
    Expat reads only up to the root element here and fetches nothing."""
    found = []

    def doctype(*args):
        found.append(True)
        raise _Stop

    def element(*args):
        raise _Stop

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = element
    try:
        parser.Parse(data, True)
    except (_Stop, expat.ExpatError):
        pass  # lxml reports the syntax errors
    if found:
        raise BPMNError('bpmn_doctype')


def _parse(data, max_bytes):
    if isinstance(data, str):
        data = data.encode('utf-8')
    if len(data) > max_bytes:
        raise BPMNError('bpmn_too_large', size=len(data), limit=max_bytes)
    _refuse_doctype(data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True,
        load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exception:
        raise BPMNError('bpmn_malformed', line=exception.lineno,
            detail=str(exception)) from exception
    if root is None:
        raise BPMNError('bpmn_malformed', line=None, detail='')
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise BPMNError('bpmn_doctype')
    if root.tag != _bpmn('definitions'):
        raise BPMNError('bpmn_not_bpmn', root=str(root.tag))
    return root


def import_bpmn(data, max_bytes=MAX_BYTES):
    """Return the WorkflowGraph read from the BPMN 2.0 XML bytes data

    Reads back what ``export_bpmn`` writes.  From other tools' files, every
    task is a step (code: the ossis:code or the id) and every sequence flow
    into a task or an end event is a transition from the tasks before it
    (through gateways); attributes that are missing take Step's and
    Transition's defaults.  Raises BPMNError."""
    root = _parse(data, max_bytes)
    processes = [p for p in root.iterchildren(_bpmn('process'))
        if any(_local(c) in TASKS for c in p.iterchildren())]
    if not processes:
        raise BPMNError('bpmn_no_process')
    if len(processes) > 1:
        raise BPMNError('bpmn_several_processes', count=len(processes))
    process, = processes
    return _Reader(process).graph()


def _local(element):
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(f'{{{BPMN_NS}}}'):
        return None
    return etree.QName(tag).localname


class _Reader:
    def __init__(self, process):
        self.process = process
        self.nodes = {}  # id -> (local name, element)
        self.flows = []
        for element in process.iterchildren():
            local = _local(element)
            if local is None:
                continue
            element_id = element.get('id')
            if local == 'sequenceFlow':
                self.flows.append(element)
            elif local in TASKS or local in CONNECTORS or local in {
                    'startEvent', 'endEvent'}:
                if not element_id:
                    raise BPMNError('bpmn_missing_id', element=local)
                if element_id in self.nodes:
                    raise BPMNError('bpmn_duplicate_id', element=element_id)
                self.nodes[element_id] = (local, element)
        self.rank = {node_id: i for i, node_id in enumerate(self.nodes)}
        self.before = {}
        self.incoming = {}
        for flow in self.flows:
            for reference in ('sourceRef', 'targetRef'):
                if flow.get(reference) not in self.nodes:
                    raise BPMNError('bpmn_unknown_reference',
                        element=flow.get('id'),
                        reference=flow.get(reference))
            self.incoming.setdefault(flow.get('targetRef'), []).append(flow)

    def graph(self):
        steps = {}
        codes = set()
        for node_id, (local, element) in self.nodes.items():
            if local in TASKS:
                step = self.step(element)
                if step.code in codes:
                    raise BPMNError('bpmn_duplicate_step', code=step.code)
                codes.add(step.code)
                steps[node_id] = step
        transitions = []
        first = None
        for flow in self.flows:
            source = flow.get('sourceRef')
            target = flow.get('targetRef')
            target_kind = self.nodes[target][0]
            if self.nodes[source][0] == 'startEvent':
                if first is None and target in steps:
                    first = target
                continue
            if target_kind not in TASKS and target_kind != 'endEvent':
                continue
            for origin in self.tasks_before(source):
                transition = self.transition(
                    flow, steps[origin], steps.get(target))
                if transition is not None:
                    transitions.append(transition)
        ordered = list(steps.values())
        if first is not None:
            ordered.remove(steps[first])
            ordered.insert(0, steps[first])
        legal_days = self.process.get(_ossis('legalDays'))
        if legal_days is not None:
            legal_days = _integer(self.process, 'legalDays', legal_days)
        return WorkflowGraph(ordered, transitions, legal_days,
            self.process.get('name') or '')

    def tasks_before(self, node_id):
        "Return the ids of the tasks a flow from node_id leaves, in order"
        if node_id not in self.before:
            self.before[node_id] = self._tasks_before(node_id)
        return self.before[node_id]

    def _tasks_before(self, node_id):
        found = []
        seen = set()
        stack = [node_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            local = self.nodes[current][0]
            if local in TASKS:
                found.append(current)
            elif local in CONNECTORS:
                stack.extend(reversed([f.get('sourceRef')
                            for f in self.incoming.get(current, [])]))
        return sorted(found, key=self.rank.get)

    def step(self, element):
        defaults = Step('')
        unit_source = _choice(element, 'unitSource', UNIT_SOURCES,
            defaults.unit_source)
        unit_key = element.get(_ossis('unitKey'))
        if unit_source == 'org_unit' and unit_key is not None:
            unit_key = _integer(element, 'unitKey', unit_key)
        days = element.get(_ossis('days'))
        return Step(
            code=element.get(_ossis('code')) or element.get('id'),
            name=element.get('name') or '',
            kind=_choice(element, 'kind', KINDS, defaults.kind),
            role=_choice(element, 'role', ROLES, defaults.role),
            days=(_integer(element, 'days', days) if days is not None
                else defaults.days),
            unit_source=unit_source,
            unit_key=unit_key)

    def transition(self, flow, origin, target):
        """Return the Transition of flow from the step origin to the step
        target (None for an end event), or None for a flow that only ends
        a step without a transition"""
        outcome = _choice(flow, 'outcome', OUTCOMES, None)
        if target is None:
            end = self.nodes[flow.get('targetRef')][1]
            outcome = outcome or _choice(end, 'outcome', OUTCOMES, None)
            if not outcome and flow.get(_ossis('action')) is None:
                return None
        action = _choice(flow, 'action', ACTIONS,
            DEFAULT_ACTIONS.get(outcome, 'forward'))
        to_step = target.code if target is not None else None
        if flow.get(_ossis('waits')) == 'true':
            if to_step != origin.code:
                raise BPMNError('bpmn_invalid_value',
                    element=flow.get('id'), attribute='waits', value='true')
            to_step = None
        return Transition(origin.code, action, to_step, outcome,
            _choice(flow, 'role', ROLES, None), _condition(flow))


def _condition(flow):
    """Return the domain of the flow: its ossis:condition, else the text of
    a condition without language (as files exported before the process was
    executable, and other tools', write it)"""
    condition = flow.get(_ossis('condition'))
    if condition is None:
        for expression in flow.iterchildren(_bpmn('conditionExpression')):
            if expression.get('language') is None:
                condition = expression.text
    return condition or None


def _choice(element, attribute, values, default):
    value = element.get(_ossis(attribute))
    if value is None:
        return default
    if value not in values:
        raise BPMNError('bpmn_invalid_value', element=element.get('id'),
            attribute=attribute, value=value)
    return value


def _integer(element, attribute, value):
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise BPMNError('bpmn_invalid_value', element=element.get('id'),
            attribute=attribute, value=value)
    return int(value)
