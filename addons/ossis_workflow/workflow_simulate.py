# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateView, Wizard

from .workflow_analysis import simulate
from .workflow_lint import count, legal_days_of, workflow_graph

# More paths than a person reads
MAX_PATHS = 1000


class SimulateResult(ModelView):
    "Simulate Workflow"
    __name__ = 'ossis.workflow.simulate.result'
    __string__ = "Simulate Workflow"

    paths = fields.Integer("Paths", readonly=True,
        help="The ways from the first step to an end, each loop taken at "
        "most once.")
    shortest_days = fields.Integer("Shortest", readonly=True,
        help="The working days of the quickest path.")
    longest_days = fields.Integer("Longest", readonly=True,
        help="The working days of the slowest path without loops.")
    worst_days = fields.Integer("Worst Case", readonly=True,
        help="The working days of the slowest path, loops included.")
    legal_days = fields.Integer("Legal Deadline", readonly=True,
        help="The legal deadline of the service in working days.")
    report = fields.Text("Report", readonly=True)


class Simulate(Wizard):
    """Simulate Workflow

    Show every path through the workflow with its length and its
    duration."""
    __name__ = 'ossis.workflow.simulate'

    start = StateView(
        'ossis.workflow.simulate.result',
        'ossis_workflow.workflow_simulate_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        workflow = self.record
        legal_days = legal_days_of([workflow.service_code]).get(
            workflow.service_code)
        graph = workflow_graph(workflow, legal_days)
        simulation = simulate(graph, max_paths=MAX_PATHS)
        return {
            'paths': len(simulation.paths),
            'shortest_days': simulation.shortest_days,
            'longest_days': simulation.longest_days,
            'worst_days': simulation.worst_days,
            'legal_days': legal_days,
            'report': simulation_report(workflow, simulation),
            }


def simulation_report(workflow, simulation):
    "Return the text of the Simulation of the workflow"
    pool = Pool()
    Transition = pool.get('ossis.workflow.transition')
    names = {s.code: s.name for s in workflow.steps}
    outcomes = dict(
        Transition.fields_get(['outcome'])['outcome']['selection'])

    def describe(path):
        return {
            'steps': ' → '.join(names.get(c, c) for c in path.steps),
            'length': count('msg_simulation_transitions', path.length),
            'days': count('msg_simulation_days', path.days),
            'outcome': (outcomes.get(path.outcome) if path.outcome
                else gettext('ossis_workflow.msg_simulation_no_outcome')),
            }
    if not simulation.paths:
        lines = [gettext('ossis_workflow.msg_simulation_no_path')]
    else:
        lines = [count('msg_simulation_summary', len(simulation.paths))]
        for name, path in [
                ('shortest', simulation.shortest),
                ('longest', simulation.longest),
                ('worst', simulation.worst),
                ]:
            if path is not None:
                lines.append(gettext(
                        f'ossis_workflow.msg_simulation_{name}',
                        **describe(path)))
        lines.append('')
    if simulation.stuck:
        lines.append(count('msg_simulation_stuck', simulation.stuck))
    if simulation.truncated:
        lines.append(count('msg_simulation_truncated', len(simulation.paths)))
    for number, path in enumerate(simulation.paths, 1):
        lines.append(gettext('ossis_workflow.msg_simulation_path',
                number=number, **describe(path)))
    return '\n'.join(lines)
