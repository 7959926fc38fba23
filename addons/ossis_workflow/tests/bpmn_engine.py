# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Exported workflows run by SpiffWorkflow, as an engine outside OSSIS
runs them"""
from collections import deque

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from trytond.modules.ossis_workflow.bpmn import (
    ACTION_VARIABLE, BPMN_NS, OSSIS_NS)

NS = {'bpmn': BPMN_NS}


class Process:
    """An exported BPMN process, parsed once, that runs along the actions
    chosen at its user tasks"""

    def __init__(self, data):
        document = etree.fromstring(data)
        parser = BpmnParser()
        parser.add_bpmn_xml(document, 'export.bpmn')
        self.spec = parser.get_spec('Process_1')
        self.steps = {t.get('id'): t.get(f'{{{OSSIS_NS}}}code')
            for t in document.iterfind('.//bpmn:userTask', NS)}
        # An end event is known by its outcome, else by the step before it
        self.ends = {}
        for end in document.iterfind('.//bpmn:endEvent', NS):
            self.ends[end.get('id')] = end.get(f'{{{OSSIS_NS}}}outcome')
        for flow in document.iterfind('.//bpmn:sequenceFlow', NS):
            target = flow.get('targetRef')
            if target in self.ends and self.ends[target] is None:
                self.ends[target] = self.steps[flow.get('sourceRef')]

    def run(self, choices, variables=None):
        """Complete the user tasks in the order of choices, (step code,
        action or None) pairs, setting the action variable and variables;
        return the end event reached, by its outcome or the step before"""
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        for code, action in choices:
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            assert task is not None, f"ended before {code}"
            reached = self.steps[task.task_spec.bpmn_id]
            assert reached == code, f"at {reached}, not {code}"
            task.data.update(variables or {})
            if action is not None:
                task.data[ACTION_VARIABLE] = action
            task.run()
            workflow.do_engine_steps()
        assert workflow.is_completed(), "still running"
        end, = {self.ends[t.task_spec.bpmn_id]
            for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id in self.ends}
        return end


def paths(graph):
    """Return the ways through the graph that take each of its transitions:
    (choices for Process.run, expected end) pairs, each the shortest way to
    the transition and then on to an end"""
    result = {}
    for transition in graph.transitions:
        choices, end = _shortest(graph, graph.start.code,
            lambda t: t == transition)
        if end is None:
            rest, end = _shortest(graph,
                transition.to_step or transition.from_step, _ends)
            choices += rest
        result.setdefault(tuple(choices), end)
    return list(result.items())


def _ends(transition):
    return transition.to_step is None and transition.outcome


def _shortest(graph, code, goal):
    """Return the choices of the shortest way from the step code to a
    transition for which goal is true, with the end that transition
    reaches (None if it goes on); a step without transitions ends the way
    when goal is _ends"""
    queue = deque([(code, [])])
    seen = {code}
    while queue:
        code, choices = queue.popleft()
        leaving = [t for t in graph.transitions if t.from_step == code]
        if not leaving and goal is _ends:
            return choices + [(code, None)], code
        for transition in leaving:
            if goal(transition):
                end = transition.outcome if _ends(transition) else None
                return choices + [(code, transition.action)], end
        for transition in leaving:
            if transition.to_step and transition.to_step not in seen:
                seen.add(transition.to_step)
                queue.append((transition.to_step,
                        choices + [(code, transition.action)]))
    raise ValueError(f"no way from {code}")
