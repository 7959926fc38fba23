# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The national default workflow of a service.

Five steps: the front desk registers the application, the responsible
unit reviews it, its head approves the proposal and decides, and the front
desk delivers the output.  The step deadlines share the legal deadline.
"""
from trytond.pool import Pool
from trytond.transaction import Transaction

# code, kind, unit source, role, share of the legal deadline, names
STEPS = [
    ('intake', 'intake', 'desk', 'front_office', 0,
        ("Registration", "Regjistrimi"),
        ("Registered at the front desk", "Regjistruar në sportel")),
    ('review', 'review', 'service', 'back_office', 6,
        ("Review", "Shqyrtimi"),
        ("Being reviewed", "Në shqyrtim")),
    ('approval', 'approval', 'service', 'unit_head', 2,
        ("Approval", "Miratimi"),
        ("Being approved", "Në miratim")),
    ('decision', 'decision', 'service', 'unit_head', 2,
        ("Decision", "Vendimi"),
        ("Being decided", "Në vendimmarrje")),
    ('delivery', 'delivery', 'desk', 'front_office', 0,
        ("Delivery", "Dorëzimi"),
        ("Ready at the front desk", "Gati për t'u tërhequr në sportel")),
    ]
# from, action, to, outcome, role, documents, fee
TRANSITIONS = [
    ('intake', 'forward', 'review', None, 'front_office', True, True),
    ('review', 'forward', 'approval', None, 'back_office', True, False),
    ('review', 'request_info', None, None, 'back_office', False, False),
    ('approval', 'forward', 'decision', None, 'unit_head', False, False),
    ('approval', 'return', 'review', None, 'unit_head', False, False),
    ('decision', 'approve', 'delivery', 'approved', 'unit_head',
        False, False),
    ('decision', 'reject', 'delivery', 'rejected', 'unit_head',
        False, False),
    ]
# Without a legal deadline each step has these working days
DAYS_WITHOUT_DEADLINE = {'review': 5, 'approval': 2, 'decision': 2}
NAME = ("Procedure of %s", "Procedura e %s")


def step_days(legal_days):
    "Return the days of each step so that their sum is the legal deadline"
    if legal_days is None:
        return {code: DAYS_WITHOUT_DEADLINE.get(code, 0)
            for code, *_ in STEPS}
    total = sum(s[4] for s in STEPS)
    days = {code: legal_days * share // total
        for code, _, _, _, share, *_ in STEPS}
    days['review'] += legal_days - sum(days.values())
    return days


def create_defaults(services):
    """Create and activate the national workflow of the services that have
    none, and return them"""
    pool = Pool()
    Workflow = pool.get('ossis.workflow')
    existing = {w.service_code for w in Workflow.search([
                ('company', '=', None),
                ('service_code', 'in', [s.code for s in services]),
                ])}
    services = [s for s in services if s.code not in existing]
    if not services:
        return []
    with Transaction().set_context(language='en', module=None):
        workflows = Workflow.create([_values(s) for s in services])
    _translate(workflows, services)
    Workflow._activate(workflows)
    return workflows


def _values(service):
    days = step_days(service.legal_days)
    return {
        'name': NAME[0] % service.code,
        'service_code': service.code,
        'company': None,
        'steps': [('create', [{
                        'sequence': i * 10,
                        'code': code,
                        'kind': kind,
                        'unit_source': source,
                        'role': role,
                        'days': days[code],
                        'name': name[0],
                        'citizen_name': citizen[0],
                        } for i, (code, kind, source, role, _, name, citizen)
                    in enumerate(STEPS)])],
        }


def _translate(workflows, services):
    pool = Pool()
    Workflow = pool.get('ossis.workflow')
    Step = pool.get('ossis.workflow.step')
    Transition = pool.get('ossis.workflow.transition')
    names = {code: (name, citizen)
        for code, _, _, _, _, name, citizen in STEPS}
    transitions = []
    for workflow in workflows:
        steps = {s.code: s for s in workflow.steps}
        transitions.extend({
                'workflow': workflow.id,
                'sequence': i * 10,
                'from_step': steps[from_].id,
                'action': action,
                'to_step': steps[to].id if to else None,
                'outcome': outcome,
                'role': role,
                'check_documents': documents,
                'check_fee': fee,
                } for i, (from_, action, to, outcome, role, documents, fee)
            in enumerate(TRANSITIONS))
    Transition.create(transitions)
    with Transaction().set_context(language='sq', module=None):
        steps = Step.browse([s for w in workflows for s in w.steps])
        for step in steps:
            step.name, step.citizen_name = (n[1] for n in names[step.code])
        Step.save(steps)
        for workflow in workflows:
            Workflow.write([workflow], {
                    'name': NAME[1] % workflow.service_code,
                    })
