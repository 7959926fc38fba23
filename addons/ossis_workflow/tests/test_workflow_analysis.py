# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks, simulation and BPMN exchange of workflow graphs (no database)"""
import importlib.util
import os
import time
from collections import Counter

import pytest
from lxml import etree
from SpiffWorkflow.exceptions import WorkflowException

from trytond.modules.ossis_workflow.bpmn import (
    BPMN_NS, OSSIS_NS, BPMNError, domain_expression, export_bpmn, import_bpmn)
from trytond.modules.ossis_workflow.workflow_analysis import (
    PROBLEM_CODES, Problem, lint, simulate, step_levels)
from trytond.modules.ossis_workflow.workflow_graph import (
    Step, Transition, WorkflowGraph)
from trytond.tools.domain_inversion import eval_domain

from .bpmn_engine import Process, paths

NS = {
    'bpmn': BPMN_NS,
    'bpmndi': 'http://www.omg.org/spec/BPMN/20100524/DI',
    'dc': 'http://www.omg.org/spec/DD/20100524/DC',
    'di': 'http://www.omg.org/spec/DD/20100524/DI',
    'ossis': OSSIS_NS,
    }


def default_steps():
    return [
        Step('intake', "Intake", 'intake', 'front_office', 0, 'desk'),
        Step('review', "Review", 'review', 'back_office', 5, 'service'),
        Step('approval', "Approval", 'approval', 'unit_head', 2, 'service'),
        Step('decision', "Decision", 'decision', 'unit_head', 2, 'service'),
        Step('delivery', "Delivery", 'delivery', 'front_office', 1, 'desk'),
        ]


def default_transitions():
    return [
        Transition('intake', 'forward', 'review', role='front_office'),
        Transition('review', 'request_info', role='back_office'),
        Transition('review', 'forward', 'approval', role='back_office'),
        Transition('approval', 'return', 'review', role='unit_head'),
        Transition('approval', 'forward', 'decision', role='unit_head'),
        Transition('decision', 'approve', 'delivery', 'approved',
            role='unit_head'),
        Transition('decision', 'reject', 'delivery', 'rejected',
            role='unit_head'),
        ]


def default_graph(legal_days=15):
    "The national default workflow: 10 working days without the return"
    return WorkflowGraph(default_steps(), default_transitions(), legal_days,
        "Default")


def chain(*codes, days=1, last='delivery'):
    """Return the steps and forward transitions of a line of steps, the
    last of kind last, the others reviews"""
    steps = [Step(c, kind='review', days=days) for c in codes[:-1]]
    steps.append(Step(codes[-1], kind=last, days=days))
    transitions = [Transition(a, 'forward', b)
        for a, b in zip(codes, codes[1:])]
    return steps, transitions


def decided(*codes, days=1):
    """A line of steps whose before last decides (approve) into the last, a
    delivery step"""
    steps, transitions = chain(*codes, days=days)
    transitions[-1] = Transition(codes[-2], 'approve', codes[-1], 'approved')
    return steps, transitions


def codes(problems):
    return [(p.code, p.step) for p in problems]


# lint

def test_default_workflow_is_clean():
    calls = []

    def resolve_unit(step):
        calls.append(('unit', step.code))
        return 'unit of %s' % step.unit_source

    def roles_present(step, unit):
        calls.append(('role', step.code, unit))
        return True

    assert lint(default_graph(), resolve_unit, roles_present) == []
    assert ('role', 'review', 'unit of service') in calls
    assert len(calls) == 10


def test_default_workflow_without_deadline_or_units_is_clean():
    assert lint(default_graph(None)) == []


def test_no_steps():
    assert lint(WorkflowGraph([], [], 10)) == [Problem('no_steps')]


def test_duplicate_step():
    steps, transitions = decided('a', 'b', 'c')
    steps.append(Step('b', kind='review'))
    assert codes(lint(WorkflowGraph(steps, transitions))) == [
        ('duplicate_step', 'b')]


def test_unknown_step():
    steps, transitions = decided('a', 'b', 'c')
    transitions += [
        Transition('b', 'return', 'x'),
        Transition('y', 'forward', 'a'),
        ]
    assert lint(WorkflowGraph(steps, transitions)) == [
        Problem('unknown_step', 'x', {
                'action': 'return', 'from_step': 'b', 'to_step': 'x'}),
        Problem('unknown_step', 'y', {
                'action': 'forward', 'from_step': 'y', 'to_step': 'a'}),
        ]


def test_transition_without_target():
    steps, transitions = decided('a', 'b', 'c')
    transitions.append(Transition('a', 'ask_opinion'))
    assert lint(WorkflowGraph(steps, transitions)) == [
        Problem('no_target', 'a', {'action': 'ask_opinion'})]


def test_outcome_and_target():
    "An outcome must end the process or lead to delivery"
    steps, transitions = decided('a', 'b', 'c')
    transitions.append(Transition('b', 'reject', 'a', 'rejected'))
    assert lint(WorkflowGraph(steps, transitions)) == [
        Problem('outcome_and_target', 'b', {
                'action': 'reject', 'outcome': 'rejected', 'to_step': 'a'})]


def test_unreachable_step():
    steps, transitions = decided('a', 'b', 'c')
    steps.append(Step('lost', kind='review'))
    transitions.append(Transition('lost', 'forward', 'b'))
    assert codes(lint(WorkflowGraph(steps, transitions))) == [
        ('unreachable_step', 'lost')]


def test_dead_end():
    steps, transitions = decided('a', 'b', 'c')
    steps.append(Step('stuck', kind='opinion'))
    transitions += [
        Transition('a', 'ask_opinion', 'stuck'),
        Transition('stuck', 'request_info'),
        ]
    assert codes(lint(WorkflowGraph(steps, transitions))) == [
        ('dead_end', 'stuck')]


def test_delivery_step_needs_no_way_out():
    steps, transitions = decided('a', 'b', 'c')
    assert steps[-1].kind == 'delivery'
    assert lint(WorkflowGraph(steps, transitions)) == []


def test_no_outcome():
    "Going round between two steps never decides"
    steps, transitions = decided('a', 'b', 'c')
    steps += [Step('x', kind='review'), Step('y', kind='review')]
    transitions += [
        Transition('a', 'forward', 'x'),
        Transition('x', 'forward', 'y'),
        Transition('y', 'return', 'x'),
        ]
    assert codes(lint(WorkflowGraph(steps, transitions))) == [
        ('no_outcome', 'x'), ('no_outcome', 'y')]


def test_delivery_without_decision_is_no_outcome():
    steps, transitions = chain('a', 'b', 'c')
    assert codes(lint(WorkflowGraph(steps, transitions))) == [
        ('no_outcome', 'a'), ('no_outcome', 'b')]


def test_delivery_after_decision_step_is_an_outcome():
    steps, transitions = chain('a', 'b', 'c')
    steps[1] = Step('b', kind='decision', days=1)
    assert lint(WorkflowGraph(steps, transitions)) == []


def test_withdrawal_without_target_is_a_way_out_and_an_outcome():
    steps = [Step('a', kind='intake')]
    transitions = [Transition('a', 'withdraw', None, 'withdrawn')]
    assert lint(WorkflowGraph(steps, transitions, 3)) == []


def test_unit_missing():
    def resolve_unit(step):
        return step.unit_source != 'service' and 'desk unit'

    problems = lint(default_graph(), resolve_unit, lambda s, u: True)
    assert problems == [
        Problem('unit_missing', code, {
                'unit_source': 'service', 'unit_key': None})
        for code in ['review', 'approval', 'decision']]


def test_role_missing():
    steps = default_steps()
    steps[1] = Step('review', "Review", 'review', 'back_office', 5,
        'unit_type', 'urbanism')

    def roles_present(step, unit):
        return not (step.role == 'back_office' and unit == 'urbanism')

    problems = lint(
        WorkflowGraph(steps, default_transitions(), 15),
        lambda step: step.unit_key or step.unit_source, roles_present)
    assert problems == [Problem('role_missing', 'review', {
                'role': 'back_office', 'unit_source': 'unit_type',
                'unit_key': 'urbanism'})]


def test_roles_checked_without_unit_resolution():
    problems = lint(default_graph(), None,
        lambda step, unit: unit is None and step.role != 'unit_head')
    assert codes(problems) == [
        ('role_missing', 'approval'), ('role_missing', 'decision')]


def test_too_long():
    assert lint(default_graph(9)) == [Problem('too_long', None, {
                'days': 10, 'legal_days': 9,
                'path': 'intake → review → approval → decision → delivery',
                })]


def test_return_loop_does_not_count_for_the_deadline():
    "The longest path without loops (10 days) fits in 10 days"
    assert lint(default_graph(10)) == []
    assert simulate(default_graph(10)).worst_days == 17


def test_longest_path_takes_the_longest_branch():
    steps = [
        Step('a', kind='intake', days=1),
        Step('short', kind='review', days=2),
        Step('long', kind='review', days=7),
        Step('opinion', kind='opinion', days=3),
        Step('d', kind='decision', days=1),
        Step('e', kind='delivery', days=1),
        ]
    transitions = [
        Transition('a', 'forward', 'short'),
        Transition('a', 'forward', 'long'),
        Transition('short', 'forward', 'd'),
        Transition('long', 'ask_opinion', 'opinion'),
        Transition('opinion', 'return', 'long'),
        Transition('long', 'forward', 'd'),
        Transition('d', 'approve', 'e', 'approved'),
        ]
    # a → long → opinion (11 days) goes further than a → long → d → e (10)
    # before it loops: its days count
    assert lint(WorkflowGraph(steps, transitions, 11)) == []
    assert lint(WorkflowGraph(steps, transitions, 10)) == [
        Problem('too_long', None, {
                'days': 11, 'legal_days': 10,
                'path': 'a → long → opinion'})]


def test_on_the_spot_needs_steps_of_no_days():
    steps, transitions = decided('a', 'b', 'c', days=0)
    steps[1] = Step('b', kind='review', days=2)
    assert lint(WorkflowGraph(steps, transitions, 0)) == [
        Problem('not_on_the_spot', 'b', {'days': 2})]
    steps[1] = Step('b', kind='review', days=0)
    assert lint(WorkflowGraph(steps, transitions, 0)) == []


def test_no_deadline_allows_any_length():
    steps, transitions = decided('a', 'b', 'c', days=400)
    assert lint(WorkflowGraph(steps, transitions, None)) == []
    assert codes(lint(WorkflowGraph(steps, transitions, 1000))) == [
        ('too_long', None)]


def test_every_problem_code_is_documented():
    "The codes that lint can return, with the keys of their arguments"
    broken = [
        WorkflowGraph([], []),
        WorkflowGraph([Step('a'), Step('a')], [
                Transition('a', 'forward', 'x'),
                Transition('a', 'forward'),
                Transition('a', 'approve', 'a', 'approved')], 0),
        WorkflowGraph([Step('a', days=3), Step('b')], [
                Transition('a', 'forward', 'b'),
                Transition('b', 'return', 'a')], 0),
        WorkflowGraph([Step('a', days=3), Step('b')], [], 1),
        default_graph(1),
        ]
    seen = {}
    for graph in broken:
        for problem in lint(graph, lambda s: s.kind == 'x',
                lambda s, u: False):
            seen[problem.code] = set(problem.message_args)
        for problem in lint(graph, None, lambda s, u: False):
            seen[problem.code] = set(problem.message_args)
    assert set(seen) == set(PROBLEM_CODES)
    for code, keys in seen.items():
        assert keys == set(PROBLEM_CODES[code]), code


def test_step_levels():
    assert step_levels(default_graph()) == {
        'intake': 0, 'review': 1, 'approval': 2, 'decision': 3,
        'delivery': 4}
    steps, transitions = decided('a', 'b', 'c')
    steps.append(Step('lost'))
    assert step_levels(WorkflowGraph(steps, transitions))['lost'] == 3


# simulate

def test_simulate_default_workflow():
    """Return for completion and request for information each appear at
    most once per path: 5 ways through review and approval, two outcomes"""
    result = simulate(default_graph())
    assert not result.truncated
    assert result.stuck == 0
    assert len(result.paths) == 10
    assert Counter(p.outcome for p in result.paths) == {
        'approved': 5, 'rejected': 5}
    assert Counter(p.days for p in result.paths) == {10: 4, 17: 6}
    assert result.shortest_days == 10
    assert result.longest_days == 10
    assert result.worst_days == 17
    assert result.shortest.moves == [
        ('intake', 'forward'), ('review', 'forward'),
        ('approval', 'forward'), ('decision', 'approve')]
    assert result.shortest.length == 4
    assert result.shortest.end_step == 'delivery'
    assert result.worst.moves == [
        ('intake', 'forward'), ('review', 'request_info'),
        ('review', 'forward'), ('approval', 'return'),
        ('review', 'forward'), ('approval', 'forward'),
        ('decision', 'approve')]
    assert result.worst.length == 7
    assert result.worst.steps == [
        'intake', 'review', 'approval', 'review', 'approval', 'decision',
        'delivery']
    assert result.worst.has_loop


def test_simulate_line():
    steps, transitions = decided('a', 'b', 'c', 'd', days=2)
    result = simulate(WorkflowGraph(steps, transitions))
    path, = result.paths
    assert (path.length, path.days, path.outcome) == (3, 8, 'approved')
    assert result.shortest_days == result.longest_days == 8


def test_simulate_branches_and_withdrawal():
    steps = [
        Step('a', kind='intake', days=1),
        Step('b', kind='review', days=3),
        Step('c', kind='review', days=5),
        Step('d', kind='decision', days=2),
        Step('e', kind='delivery', days=1),
        ]
    transitions = [
        Transition('a', 'forward', 'b', condition='[["x", "=", 1]]'),
        Transition('a', 'forward', 'c'),
        Transition('a', 'withdraw', None, 'withdrawn'),
        Transition('b', 'forward', 'd'),
        Transition('c', 'forward', 'd'),
        Transition('d', 'approve', 'e', 'approved'),
        Transition('d', 'reject', None, 'rejected'),
        ]
    result = simulate(WorkflowGraph(steps, transitions))
    summary = sorted((p.outcome, p.days, p.length) for p in result.paths)
    assert summary == [
        ('approved', 7, 3), ('approved', 9, 3),
        ('rejected', 6, 3), ('rejected', 8, 3),
        ('withdrawn', 1, 1)]
    assert result.shortest.outcome == 'withdrawn'
    assert result.longest_days == result.worst_days == 9


def test_simulate_counts_repeated_steps_again():
    steps = [
        Step('a', kind='review', days=1),
        Step('b', kind='review', days=10),
        Step('c', kind='decision', days=100),
        Step('d', kind='delivery', days=1000),
        ]
    transitions = [
        Transition('a', 'forward', 'b'),
        Transition('b', 'return', 'a'),
        Transition('b', 'forward', 'c'),
        Transition('c', 'return', 'a'),
        Transition('c', 'approve', 'd', 'approved'),
        ]
    result = simulate(WorkflowGraph(steps, transitions))
    assert sorted(p.days for p in result.paths) == [
        1111, 1122, 1222, 1233, 1233]
    assert result.longest_days == 1111
    assert result.worst_days == 1233


def test_simulate_stuck_ways_are_not_paths():
    steps, transitions = decided('a', 'b', 'c')
    steps.append(Step('stuck', kind='opinion'))
    transitions.append(Transition('a', 'ask_opinion', 'stuck'))
    result = simulate(WorkflowGraph(steps, transitions))
    assert len(result.paths) == 1
    assert result.stuck == 1


def test_simulate_truncates_at_max_paths():
    "Six diamonds in a row: 2**6 paths"
    steps = [Step('s0', kind='intake')]
    transitions = []
    for n in range(6):
        steps += [Step(f'l{n}'), Step(f'r{n}'), Step(f's{n + 1}')]
        transitions += [
            Transition(f's{n}', 'forward', f'l{n}'),
            Transition(f's{n}', 'forward', f'r{n}'),
            Transition(f'l{n}', 'forward', f's{n + 1}'),
            Transition(f'r{n}', 'forward', f's{n + 1}'),
            ]
    steps.append(Step('end', kind='delivery'))
    transitions.append(Transition('s6', 'approve', 'end', 'approved'))
    graph = WorkflowGraph(steps, transitions)
    assert len(simulate(graph).paths) == 64
    exact = simulate(graph, max_paths=64)
    assert (len(exact.paths), exact.truncated) == (64, False)
    cut = simulate(graph, max_paths=10)
    assert (len(cut.paths), cut.truncated) == (10, True)


def test_simulate_nothing():
    result = simulate(WorkflowGraph([], []))
    assert result.paths == []
    assert result.shortest is result.worst is None
    assert result.longest_days is None


# BPMN

def schema():
    "The BPMN 2.0 XSD of the OMG, as shipped by SpiffWorkflow"
    spec = importlib.util.find_spec('SpiffWorkflow')
    folder, = spec.submodule_search_locations
    path = os.path.join(folder, 'bpmn', 'parser', 'schema', 'BPMN20.xsd')
    return etree.XMLSchema(etree.parse(path))


def rich_graph():
    "A graph with every feature of the export"
    steps = default_steps()
    steps[1] = Step('review', "Review", 'review', 'back_office', 5,
        'unit_type', 'urbanism')
    steps[2] = Step('approval', "Approval", 'approval', 'unit_head', 2,
        'org_unit', 42)
    steps.insert(3, Step('opinion', "", 'third_party', 'back_office', 10,
            'service'))
    transitions = default_transitions()
    transitions[2:2] = [
        Transition('review', 'ask_opinion', 'opinion', role='back_office',
            condition='[["applicant_kind", "=", "business"]]'),
        Transition('review', 'withdraw', None, 'withdrawn'),
        Transition('approval', 'withdraw', None, 'withdrawn'),
        ]
    transitions.append(Transition('opinion', 'forward', 'review'))
    return WorkflowGraph(steps, transitions, 30, "Building permit — ndërtim")


LANES = {
    'desk': "Front desk", 'service': "Responsible unit",
    'urbanism': "Urbanism", 42: "Mayor's office"}


def parse(data):
    return etree.fromstring(data)


@pytest.mark.parametrize('graph', [default_graph(), rich_graph()])
def test_export_is_valid_bpmn(graph):
    xsd = schema()
    document = parse(export_bpmn(graph, LANES))
    assert xsd.validate(document), xsd.error_log


@pytest.mark.parametrize('graph', [
        default_graph(), rich_graph(), default_graph(None),
        WorkflowGraph([Step('only', kind='delivery')], [], 0)])
def test_export_import_round_trip(graph):
    assert import_bpmn(export_bpmn(graph, LANES)) == graph


@pytest.mark.parametrize('graph,ends', [
        (default_graph(), ['delivery'] * 4),
        (rich_graph(), ['withdrawn'] * 5 + ['delivery'] * 2)])
def test_export_runs_in_an_engine(graph, ends):
    """SpiffWorkflow runs the export along a way through each transition,
    the user tasks setting the action, to the end the way leads to"""
    process = Process(export_bpmn(graph, LANES))
    ways = paths(graph)

    assert [end for _, end in ways] == ends
    for choices, end in ways:
        assert process.run(choices, {'applicant_kind': 'business'}) == end
    # a decision is taken only by an action of the step
    decision = next(list(c) for c, _ in ways if ('decision', 'approve') in c)
    decision[decision.index(('decision', 'approve'))] = (
        'decision', 'forward')
    with pytest.raises(WorkflowException, match="No conditions satisfied"):
        process.run(decision)


@pytest.mark.parametrize('domain,expression', [
        ([['applicant_kind', '=', 'business']],
            "applicant_kind == 'business'"),
        ([['fee', '>', 0], ['channel', 'in', ['portal', 'desk']]],
            "fee > 0 and channel in ['portal', 'desk']"),
        (['OR', ['representative', '=', True], ['fee', '<=', 100]],
            "representative == True or fee <= 100"),
        ([['fee_state', '!=', None], ['OR', ['fee', '=', 0],
                    ['channel', 'not in', ['portal']]]],
            "fee_state != None and (fee == 0 or channel not in ['portal'])"),
        ([], 'True'),
        ([['applicant.kind', '=', 'business']], None),
        ([['service_code', 'ilike', 'TAX%']], None),
        ([['fee', 'in', 5]], None),
        ([['fee', '=', {'__class__': 'Decimal'}]], None),
        ([['class', '=', 1]], None),
        ('[]', None),
        ])
def test_domain_expression(domain, expression):
    "A domain of plain fields is the same test in Python"
    assert domain_expression(domain) == expression
    if expression is not None:
        for values in [
                {'applicant_kind': 'business', 'fee': 0, 'channel': 'desk',
                    'representative': False, 'fee_state': None},
                {'applicant_kind': 'citizen', 'fee': 200,
                    'channel': 'portal', 'representative': True,
                    'fee_state': 'paid'}]:
            assert eval(expression, {}, values) == eval_domain(
                domain, values)


def test_import_condition_of_older_export():
    "A domain written as a condition without language is read back"
    data = export_bpmn(rich_graph(), LANES)
    document = parse(data)
    flow, = document.xpath(
        '//bpmn:sequenceFlow[@ossis:condition]', namespaces=NS)
    domain = flow.attrib.pop(f'{{{OSSIS_NS}}}condition')
    expression, = flow.findall('bpmn:conditionExpression', NS)
    del expression.attrib['language']
    expression.text = domain

    assert import_bpmn(etree.tostring(document)) == rich_graph()


def test_export_structure():
    graph = rich_graph()
    document = parse(export_bpmn(graph, LANES, labels={
                'forward': "Përcill", 'approved': "Miratuar"}))
    process, = document.findall('bpmn:process', NS)
    assert process.get('name') == "Building permit — ndërtim"
    lanes = process.findall('bpmn:laneSet/bpmn:lane', NS)
    assert [lane.get('name') for lane in lanes] == [
        "Front desk", "Urbanism", "Mayor's office", "Responsible unit"]
    tasks = process.findall('bpmn:userTask', NS)
    assert [t.get(f'{{{OSSIS_NS}}}code') for t in tasks] == [
        s.code for s in graph.steps]
    by_id = {t.get('id'): t.get(f'{{{OSSIS_NS}}}code') for t in tasks}
    lane_of = {ref.text: lane.get('name') for lane in lanes
        for ref in lane.findall('bpmn:flowNodeRef', NS)}
    assert {by_id[i]: lane_of[i] for i in by_id} == {
        'intake': "Front desk", 'review': "Urbanism",
        'approval': "Mayor's office", 'opinion': "Responsible unit",
        'decision': "Responsible unit", 'delivery': "Front desk"}
    flow_nodes = [e for e in process
        if etree.QName(e).localname not in {'laneSet', 'sequenceFlow'}]
    assert set(lane_of) == {e.get('id') for e in flow_nodes}

    # a gateway after review, approval and decision (several ways out)
    gateways = process.findall('bpmn:exclusiveGateway', NS)
    assert len(gateways) == 3
    assert len(process.findall('bpmn:startEvent', NS)) == 1
    ends = process.findall('bpmn:endEvent', NS)
    outcome_ends = [e for e in ends if e.get(f'{{{OSSIS_NS}}}outcome')]
    assert [e.get('name') for e in outcome_ends] == ['withdrawn']
    assert len(ends) == 2  # and one after the delivery step

    flows = process.findall('bpmn:sequenceFlow', NS)
    actions = [f for f in flows if f.get(f'{{{OSSIS_NS}}}action')]
    assert len(actions) == len(graph.transitions)
    assert {f.get('name') for f in actions} == {
        "Përcill", 'request_info', 'ask_opinion', 'withdraw', 'return',
        'approve', 'reject'}
    opinion, = [f for f in flows
        if f.get(f'{{{OSSIS_NS}}}action') == 'ask_opinion']
    assert opinion.get(f'{{{OSSIS_NS}}}condition') == (
        '[["applicant_kind", "=", "business"]]')

    # the process runs in an engine: the flows out of a gateway test the
    # action chosen in Python, but for the only forward, the default
    assert process.get('isExecutable') == 'true'
    by_flow = {f.get('id'): f for f in flows}
    for gateway in gateways:
        out = [by_flow[ref.text]
            for ref in gateway.findall('bpmn:outgoing', NS)]
        tests = {f.get(f'{{{OSSIS_NS}}}action'): [
                (e.get('language'), e.text)
                for e in f.findall('bpmn:conditionExpression', NS)]
            for f in out}
        default = by_flow.get(gateway.get('default'))
        if default is not None:
            assert default.get(f'{{{OSSIS_NS}}}action') == 'forward'
            assert tests.pop('forward') == []
        for action, expression in tests.items():
            if action == 'ask_opinion':
                assert expression == [('python', "action == 'ask_opinion' "
                        "and (applicant_kind == 'business')")]
            else:
                assert expression == [('python', f"action == '{action}'")]
    assert [g.get('default') is not None for g in gateways] == [
        True, True, False]
    wait, = [f for f in flows if f.get(f'{{{OSSIS_NS}}}waits') == 'true']
    assert wait.get('name') == 'request_info'

    # every element is drawn, and edges join their nodes
    plane = document.find('bpmndi:BPMNDiagram/bpmndi:BPMNPlane', NS)
    shapes = {s.get('bpmnElement'): s.find('dc:Bounds', NS)
        for s in plane.findall('bpmndi:BPMNShape', NS)}
    assert set(shapes) == (
        {e.get('id') for e in flow_nodes} | {l.get('id') for l in lanes}
        | {'Participant_1'})
    edges = {e.get('bpmnElement'): e.findall('di:waypoint', NS)
        for e in plane.findall('bpmndi:BPMNEdge', NS)}
    assert set(edges) == {f.get('id') for f in flows}
    assert all(len(points) >= 2 for points in edges.values())
    bounds = {key: tuple(float(box.get(a))
            for a in ('x', 'y', 'width', 'height'))
        for key, box in shapes.items()}
    lane_ids = {lane.get('name'): lane.get('id') for lane in lanes}
    for node_id, name in lane_of.items():
        x, y, w, h = bounds[node_id]
        lx, ly, lw, lh = bounds[lane_ids[name]]
        assert lx <= x and x + w <= lx + lw, node_id
        assert ly <= y and y + h <= ly + lh, node_id
    # left to right: each step's column is its distance from the start
    x_of = {by_id[i]: bounds[i][0] for i in by_id}
    assert (x_of['intake'] < x_of['review'] < x_of['opinion']
        == x_of['approval'] < x_of['decision'] < x_of['delivery'])


def test_import_other_tools_file():
    "A file drawn elsewhere: tasks and gateways without OSSIS attributes"
    data = f'''<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{BPMN_NS}" id="d" targetNamespace="urn:x">
  <process id="p" name="Drawn">
    <startEvent id="start"/>
    <task id="check" name="Check"/>
    <exclusiveGateway id="ok"/>
    <userTask id="sign" name="Sign"/>
    <endEvent id="no"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <sequenceFlow id="f2" sourceRef="check" targetRef="ok"/>
    <sequenceFlow id="f3" sourceRef="ok" targetRef="sign"/>
    <sequenceFlow id="f4" sourceRef="ok" targetRef="no"/>
    <sequenceFlow id="f5" sourceRef="sign" targetRef="no"/>
  </process>
</definitions>'''.encode()
    assert import_bpmn(data) == WorkflowGraph(
        [Step('check', "Check"), Step('sign', "Sign")],
        [Transition('check', 'forward', 'sign')], None, "Drawn")


def test_import_refuses_entity_expansion():
    "Billion laughs: refused at once, nothing expanded"
    data = b'''<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
<bpmn:process id="p" name="&lol9;"><bpmn:task id="t"/></bpmn:process>
</bpmn:definitions>'''
    started = time.perf_counter()
    with pytest.raises(BPMNError) as info:
        import_bpmn(data)
    assert info.value.key == 'bpmn_doctype'
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize('declaration', [
        '<!DOCTYPE d [<!ENTITY secret SYSTEM "file://{path}">]>',
        '<!DOCTYPE d SYSTEM "file://{path}">',
        '<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">',
        ])
def test_import_refuses_external_entities(declaration, tmp_path):
    secret = tmp_path / 'secret.txt'
    secret.write_text('s3cr3t-value')
    data = f'''<?xml version="1.0"?>
{declaration.format(path=secret)}
<bpmn:definitions xmlns:bpmn="{BPMN_NS}">
<bpmn:process id="p" name="&secret;"><bpmn:task id="t"/></bpmn:process>
</bpmn:definitions>'''.encode()
    with pytest.raises(BPMNError) as info:
        import_bpmn(data)
    assert info.value.key == 'bpmn_doctype'
    assert 's3cr3t' not in str(info.value)


def minimal(process):
    return f'''<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:ossis="{OSSIS_NS}">
{process}
</bpmn:definitions>'''.encode()


@pytest.mark.parametrize('data,key', [
        (b'', 'bpmn_malformed'),
        (b'<bpmn:definitions xmlns:bpmn="x">', 'bpmn_malformed'),
        (b'not xml at all', 'bpmn_malformed'),
        (b'<html><body/></html>', 'bpmn_not_bpmn'),
        (minimal(''), 'bpmn_no_process'),
        (minimal('<bpmn:process id="a"><bpmn:task id="t"/></bpmn:process>'
                '<bpmn:process id="b"><bpmn:task id="u"/></bpmn:process>'),
            'bpmn_several_processes'),
        (minimal('<bpmn:process id="a"><bpmn:task id="t" ossis:days="-1"/>'
                '</bpmn:process>'), 'bpmn_invalid_value'),
        (minimal('<bpmn:process id="a"><bpmn:task id="t" ossis:kind="x"/>'
                '</bpmn:process>'), 'bpmn_invalid_value'),
        (minimal('<bpmn:process id="a" ossis:legalDays="many">'
                '<bpmn:task id="t"/></bpmn:process>'), 'bpmn_invalid_value'),
        (minimal('<bpmn:process id="a"><bpmn:task id="t"/>'
                '<bpmn:sequenceFlow id="f" sourceRef="t" targetRef="z"/>'
                '</bpmn:process>'), 'bpmn_unknown_reference'),
        (minimal('<bpmn:process id="a"><bpmn:task id="t"/>'
                '<bpmn:task id="t"/></bpmn:process>'), 'bpmn_duplicate_id'),
        (minimal('<bpmn:process id="a"><bpmn:task id="t" ossis:code="c"/>'
                '<bpmn:task id="u" ossis:code="c"/></bpmn:process>'),
            'bpmn_duplicate_step'),
        (b'<a>' * 5000 + b'</a>' * 5000, 'bpmn_malformed'),
        ])
def test_import_refuses_bad_files(data, key):
    with pytest.raises(BPMNError) as info:
        import_bpmn(data)
    assert info.value.key == key
    assert isinstance(info.value, ValueError)


def test_import_refuses_too_large_files():
    data = export_bpmn(default_graph())
    with pytest.raises(BPMNError) as info:
        import_bpmn(data, max_bytes=len(data) - 1)
    assert info.value.key == 'bpmn_too_large'
    assert import_bpmn(data, max_bytes=len(data)) == default_graph()
