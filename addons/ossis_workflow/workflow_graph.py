# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The shape of a workflow as plain values, apart from the database

The analysis (``workflow_analysis``) and the BPMN exchange (``bpmn``) work
on these values, so that they can check thousands of workflows quickly and
be tested without a database.  The codes are those of ``ossis.workflow``
(see doc/workflow.rst).
"""
from dataclasses import dataclass

__all__ = [
    'KINDS', 'ROLES', 'ROLE_GROUPS', 'UNIT_SOURCES', 'ACTIONS', 'OUTCOMES',
    'Step', 'Transition', 'WorkflowGraph']

KINDS = (
    'intake', 'review', 'opinion', 'approval', 'decision', 'delivery',
    'third_party')
ROLES = ('front_office', 'back_office', 'unit_head')
# The group of ossis_base that acts in each role
ROLE_GROUPS = {
    'front_office': 'group_front_office',
    'back_office': 'group_back_office',
    'unit_head': 'group_unit_head',
    }
UNIT_SOURCES = ('desk', 'service', 'unit_type', 'org_unit')
ACTIONS = (
    'forward', 'return', 'request_info', 'ask_opinion', 'approve', 'reject',
    'withdraw')
OUTCOMES = ('approved', 'rejected', 'withdrawn')


@dataclass(frozen=True)
class Step:
    """A step of a workflow

    ``days`` is the deadline of the step in working days.  ``unit_key``
    names the responsible unit within its ``unit_source``: the unit type
    code (a string) for ``unit_type``, the org unit id (an integer) for
    ``org_unit``, None for ``desk`` and ``service``.
    """
    code: str
    name: str = ''
    kind: str = 'review'
    role: str = 'back_office'
    days: int = 0
    unit_source: str = 'service'
    unit_key: object = None


@dataclass(frozen=True)
class Transition:
    """A way from one step to another, by step codes

    ``to_step`` is None when the application stays at the step (waiting
    for information) or, with an ``outcome``, when the process ends there.
    ``condition`` is the text of a Tryton domain or None.
    """
    from_step: str
    action: str
    to_step: str | None = None
    outcome: str | None = None
    role: str | None = None
    condition: str | None = None


@dataclass(frozen=True)
class WorkflowGraph:
    """Steps (in order, the first is where an application starts) and
    transitions of a workflow, with the legal deadline of the service in
    working days (None: no deadline, 0: on the spot)"""
    steps: tuple = ()
    transitions: tuple = ()
    legal_days: int | None = None
    name: str = ''

    def __post_init__(self):
        # Tuples whatever sequences were given, so that graphs compare
        # equal by content and can be shared safely
        object.__setattr__(self, 'steps', tuple(self.steps))
        object.__setattr__(self, 'transitions', tuple(self.transitions))

    @property
    def start(self):
        "The step where an application starts, or None"
        return self.steps[0] if self.steps else None
