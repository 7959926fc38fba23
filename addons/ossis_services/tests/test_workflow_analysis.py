# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks and simulation of workflow graphs (no database)"""
from collections import Counter

from trytond.modules.ossis_services.workflow_analysis import (
    PROBLEM_CODES, Problem, lint, simulate, step_levels)
from trytond.modules.ossis_services.workflow_graph import (
    Step, Transition, WorkflowGraph)

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
