# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks and simulation of workflows (pure functions over WorkflowGraph)

``lint`` finds what would stop or delay an application: steps that cannot
be reached or left, steps from which no decision can be reached, units or
roles missing in the municipality and a longest path beyond the legal
deadline.  It runs on every workflow of every municipality, so it visits
each graph a constant number of times and never enumerates paths.

``simulate`` enumerates the paths from the first step to the end, each
transition taken at most once per path, with their durations.
"""
from dataclasses import dataclass, field

__all__ = [
    'Problem', 'lint', 'Path', 'Simulation', 'simulate', 'step_levels',
    'PROBLEM_CODES']

# code: the keys of Problem.message_args
PROBLEM_CODES = {
    'no_steps': (),
    'duplicate_step': (),
    'unknown_step': ('action', 'from_step', 'to_step'),
    'no_target': ('action',),
    'outcome_and_target': ('action', 'outcome', 'to_step'),
    'unreachable_step': (),
    'dead_end': (),
    'no_outcome': (),
    'unit_missing': ('unit_source', 'unit_key'),
    'role_missing': ('role', 'unit_source', 'unit_key'),
    'not_on_the_spot': ('days',),
    'too_long': ('days', 'legal_days', 'path'),
    }


@dataclass(frozen=True)
class Problem:
    """A problem found by ``lint``

    ``code`` is one of PROBLEM_CODES, ``step`` the code of the step
    concerned (None for the whole workflow) and ``message_args`` the
    values for the caller's translated message.
    """
    code: str
    step: str | None = None
    message_args: dict = field(default_factory=dict)


def _index(steps):
    "Return the steps by code (the first of duplicates) and the duplicates"
    index = {}
    duplicates = []
    for step in steps:
        if step.code in index:
            duplicates.append(step)
        else:
            index[step.code] = step
    return index, duplicates


def _depth_first(start, successors):
    """Return the post-order of the codes reachable from start

    Iterative, so that a long imported chain cannot exhaust the stack."""
    seen = {start}
    order = []
    stack = [(start, iter(successors[start]))]
    while stack:
        code, children = stack[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(successors[child])))
                break
        else:
            stack.pop()
            order.append(code)
    return order


def _longest(order, successors, weight):
    """Return the longest distances and the predecessors on the graph
    without the back edges of the depth-first search that gave ``order``

    ``weight(code)`` is added for every step entered, the first included.
    An edge u -> v is a back edge (or a self loop) exactly when v does not
    come before u in the post-order."""
    rank = {code: i for i, code in enumerate(order)}
    start = order[-1]
    distance = {start: weight(start)}
    previous = {start: None}
    for code in reversed(order):
        base = distance[code]
        position = rank[code]
        for child in successors[code]:
            if rank[child] < position:
                value = base + weight(child)
                if value > distance.get(child, -1):
                    distance[child] = value
                    previous[child] = code
    return distance, previous


def _path_to(code, previous):
    path = []
    while code is not None:
        path.append(code)
        code = previous[code]
    path.reverse()
    return path


def lint(graph, resolve_unit=None, roles_present=None):
    """Return the list of Problems of graph (empty when it is sound)

    ``resolve_unit(step)`` returns the unit responsible for step in the
    municipality, or something false when there is none; ``roles_present(
    step, unit)`` tells whether someone holds the step's role there (unit
    is None without ``resolve_unit``).  Each check is skipped when its
    function is not given.

    An outcome is reached by a transition with an outcome or by a
    transition from a decision step to a delivery step.  The days of the
    longest path without loops are those of the steps entered on it, the
    first included; it is found on the graph without the edges that go
    back in a depth-first search from the first step, so a way into a step
    that only returns (e.g. an opinion) counts up to that step."""
    steps = graph.steps
    if not steps:
        return [Problem('no_steps')]
    index, duplicates = _index(steps)
    problems = [Problem('duplicate_step', s.code) for s in duplicates]

    successors = {code: [] for code in index}
    exits = set()
    finishing = set()
    for transition in graph.transitions:
        origin, target = transition.from_step, transition.to_step
        if origin not in index or (
                target is not None and target not in index):
            unknown = target if origin in index else origin
            problems.append(Problem('unknown_step', unknown, {
                        'action': transition.action,
                        'from_step': origin,
                        'to_step': target,
                        }))
            continue
        if target is None:
            if transition.outcome:
                exits.add(origin)
                finishing.add(origin)
            elif transition.action != 'request_info':
                problems.append(Problem('no_target', origin, {
                            'action': transition.action,
                            }))
            continue
        exits.add(origin)
        successors[origin].append(target)
        target_kind = index[target].kind
        if transition.outcome:
            finishing.add(origin)
            if target_kind != 'delivery':
                problems.append(Problem('outcome_and_target', origin, {
                            'action': transition.action,
                            'outcome': transition.outcome,
                            'to_step': target,
                            }))
        elif (target_kind == 'delivery'
                and index[origin].kind == 'decision'):
            finishing.add(origin)

    order = _depth_first(steps[0].code, successors)
    reachable = set(order)
    can_finish = _reaching(finishing, successors)

    legal_days = graph.legal_days
    for code, step in index.items():
        if code not in reachable:
            problems.append(Problem('unreachable_step', code))
        if step.kind != 'delivery':
            if code not in exits:
                problems.append(Problem('dead_end', code))
            elif code not in can_finish:
                problems.append(Problem('no_outcome', code))
        problems.extend(_unit_problems(step, resolve_unit, roles_present))
        if legal_days == 0 and step.days:
            problems.append(Problem('not_on_the_spot', code, {
                        'days': step.days,
                        }))

    if legal_days:
        distance, previous = _longest(
            order, successors, lambda c: index[c].days or 0)
        last = max(distance, key=distance.get)
        if distance[last] > legal_days:
            problems.append(Problem('too_long', None, {
                        'days': distance[last],
                        'legal_days': legal_days,
                        'path': ' → '.join(_path_to(last, previous)),
                        }))
    return problems


def _reaching(targets, successors):
    "Return the codes from which one of targets can be reached"
    predecessors = {code: [] for code in successors}
    for code, children in successors.items():
        for child in children:
            predecessors[child].append(code)
    found = set(targets)
    stack = list(targets)
    while stack:
        for parent in predecessors[stack.pop()]:
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def _unit_problems(step, resolve_unit, roles_present):
    unit = None
    if resolve_unit is not None:
        unit = resolve_unit(step)
        if not unit:
            return [Problem('unit_missing', step.code, {
                        'unit_source': step.unit_source,
                        'unit_key': step.unit_key,
                        })]
    if roles_present is not None and not roles_present(step, unit):
        return [Problem('role_missing', step.code, {
                    'role': step.role,
                    'unit_source': step.unit_source,
                    'unit_key': step.unit_key,
                    })]
    return []


def step_levels(graph):
    """Return the column of each step code: the number of transitions of
    the longest path without loops from the first step; steps that cannot
    be reached from it come after the others"""
    index, _ = _index(graph.steps)
    if not index:
        return {}
    successors = {code: [] for code in index}
    for transition in graph.transitions:
        if (transition.from_step in index
                and transition.to_step in index):
            successors[transition.from_step].append(transition.to_step)
    levels = {}
    offset = 0
    for step in graph.steps:
        if step.code in levels:
            continue
        order = [c for c in _depth_first(step.code, successors)
            if c not in levels]
        graph_part = {c: [s for s in successors[c] if s not in levels]
            for c in order}
        distance, _ = _longest(order, graph_part, lambda c: 1)
        for code in order:
            levels[code] = offset + distance[code] - 1
        offset = max(levels.values()) + 1
    return levels


@dataclass(frozen=True)
class Path:
    """A way through a workflow: the transitions taken, the working days of
    the steps entered (the first included, a step entered again counted
    again) and the last outcome recorded (None if none was)"""
    start: str
    transitions: tuple
    days: int
    outcome: str | None

    @property
    def moves(self):
        "The (step code, action) of each transition taken"
        return [(t.from_step, t.action) for t in self.transitions]

    @property
    def length(self):
        "The number of transitions taken"
        return len(self.transitions)

    @property
    def steps(self):
        "The codes of the steps entered, in order"
        return [self.start] + [
            t.to_step for t in self.transitions if t.to_step is not None]

    @property
    def end_step(self):
        "The code of the step where the path ends"
        return self.steps[-1]

    @property
    def has_loop(self):
        "Whether a step is entered more than once"
        steps = self.steps
        return len(set(steps)) != len(steps)


@dataclass(frozen=True)
class Simulation:
    """The result of ``simulate``

    ``stuck`` counts the ways that stopped at a step which is neither a
    delivery step nor after an outcome; ``truncated`` says that more paths
    (or stuck ways) existed than ``max_paths``."""
    paths: list
    truncated: bool = False
    stuck: int = 0

    @property
    def shortest(self):
        "The path of fewest days (then fewest transitions), or None"
        return min(self.paths, key=_duration_key, default=None)

    @property
    def longest(self):
        "The path without loops of most days, or None"
        return max((p for p in self.paths if not p.has_loop),
            key=_duration_key, default=None)

    @property
    def worst(self):
        "The path of most days, loops included, or None"
        return max(self.paths, key=_duration_key, default=None)

    @property
    def shortest_days(self):
        return _days(self.shortest)

    @property
    def longest_days(self):
        return _days(self.longest)

    @property
    def worst_days(self):
        return _days(self.worst)


def _duration_key(path):
    return path.days, path.length


def _days(path):
    return path.days if path is not None else None


def simulate(graph, max_paths=10000):
    """Return the Simulation of every path from the first step to an end

    A path ends by a transition with an outcome and no target, or at a step
    where no transition is left that is a delivery step or comes after an
    outcome.  Loops are taken at most once: a transition that goes back
    (to a step on the way to its own step in a depth-first search from the
    first step that follows the transitions in order, or to its own step)
    is taken at most once per path, so a return for completion appears once
    and the steps in between are taken again after it.  A request for
    information keeps the application at its step: it adds no days (the
    step is not entered again; the legal clock stops while waiting).
    Transitions to unknown steps are ignored (``lint`` reports them)."""
    index, _ = _index(graph.steps)
    if not index:
        return Simulation([])
    transitions = []
    outgoing = {code: [] for code in index}
    for transition in graph.transitions:
        if transition.from_step in index and (
                transition.to_step is None or transition.to_step in index):
            outgoing[transition.from_step].append(len(transitions))
            transitions.append(transition)

    start = graph.steps[0]
    limited = _going_back(start.code, index, transitions)
    used = [False] * len(transitions)
    taken = []
    paths = []
    stuck = 0

    def options(code):
        return [i for i in outgoing[code] if not used[i]]

    def outcome():
        for i in reversed(taken):
            if transitions[i].outcome:
                return transitions[i].outcome

    def end(code, days):
        "Record the way that stops at code; False when over max_paths"
        nonlocal stuck
        result = outcome()
        if index[code].kind == 'delivery' or result:
            if len(paths) >= max_paths:
                return False
            paths.append(Path(start.code,
                    tuple(transitions[i] for i in taken), days, result))
        else:
            stuck += 1
            if stuck > max_paths:
                return False
        return True

    days = start.days or 0
    first = options(start.code)
    if not first:
        end(start.code, days)
        return Simulation(paths, False, stuck)
    # Frames of [code, options, next position, days added on entering]
    frames = [[start.code, first, 0, 0]]
    while frames:
        frame = frames[-1]
        code, choices, position, added = frame
        if position == len(choices):
            frames.pop()
            days -= added
            if taken:
                used[taken.pop()] = False
            continue
        frame[2] = position + 1
        i = choices[position]
        transition = transitions[i]
        taken.append(i)
        used[i] = limited[i]
        target = transition.to_step
        if target is None and transition.outcome:
            more = end(code, days)
        else:
            target = target if target is not None else code
            gain = 0
            if transition.to_step is not None:
                gain = index[target].days or 0
            following = options(target)
            if following:
                frames.append([target, following, 0, gain])
                days += gain
                continue
            more = end(target, days + gain)
        taken.pop()
        used[i] = False
        if not more:
            return Simulation(paths, True, stuck)
    return Simulation(paths, False, stuck)


def _going_back(start, index, transitions):
    """Return for each transition whether it goes back: to its own step or
    to a step that a depth-first search from start was still exploring"""
    successors = {code: [] for code in index}
    for transition in transitions:
        if transition.to_step is not None:
            successors[transition.from_step].append(transition.to_step)
    rank = {c: i for i, c in enumerate(_depth_first(start, successors))}
    limited = []
    for transition in transitions:
        origin, target = transition.from_step, transition.to_step
        if target is None:
            limited.append(not transition.outcome)
        elif origin in rank:
            limited.append(rank[target] >= rank[origin])
        else:
            limited.append(False)
    return limited
