# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The practice municipality and its reset to the initial state

Its organisation and offer are records of practice.xml; its applicants and
applications are defined here and made by the reset, which a trainer runs
before a session: everything the trainees did (applications, their history,
documents, feedback, attachments, notes and logs, applicants) is deleted
with a few SQL statements per table and the initial applications are taken
again through the real process to their states, in batches of the same
action."""
from collections import defaultdict

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base import identifier
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

# kind, name, gender, personal number (NID) or NIPT without its check
# letter, administrative unit, address
APPLICANTS = [
    ('person', "Anila Bregu", 'female', 'H65204101', 'center',
        "Rruga Qemal Stafa, nr. 12"),
    ('person', "Besnik Kodra", 'male', 'G10715102', 'kodra',
        "Lagjja Kodra, nr. 4"),
    ('person', "Dorina Hysa", 'female', 'J05528103', 'center',
        "Rruga Rinia, nr. 30"),
    ('person', "Edmond Lika", 'male', 'H30409104', 'center',
        "Bulevardi Aqif Pasha, nr. 7"),
    ('person', "Gresa Tahiri", 'female', 'I25611105', 'kodra',
        "Lagjja Kodra, nr. 18"),
    ('person', "Luan Zeqiri", 'male', 'G81120106', 'center',
        "Rruga Ismail Qemali, nr. 55"),
    ('business', "Furra Kodra sh.p.k.", None, 'L61234567', 'kodra',
        "Lagjja Kodra, nr. 2"),
    ]
# The applicants the trainees register applications for: none of theirs is
# made by the reset
FREE_APPLICANTS = 2
# service, applicant (index in APPLICANTS), desk, the step to reach
APPLICATIONS = [
    ('CIV-02', 2, 'center', 'draft'),
    ('CIV-02', 3, 'center', 'review'),
    ('TAX-02', 4, 'center', 'review'),
    ('URB-09', 5, 'center', 'review'),
    ('TAX-02', 6, 'center', 'review'),
    ('URB-09', 3, 'center', 'waiting'),
    ('TAX-02', 5, 'center', 'approval'),
    ('CIV-02', 4, 'kodra', 'decision'),
    ('URB-09', 6, 'center', 'approved'),
    ('CIV-02', 5, 'center', 'rejected'),
    ]
# The actions that take a submitted application to each step
ROUTES = {
    'draft': [],
    'review': [],
    'waiting': ['request_info'],
    'approval': ['forward'],
    'decision': ['forward', 'forward'],
    'approved': ['forward', 'forward', 'approve'],
    'rejected': ['forward', 'forward', 'reject'],
    }
TEXTS = {
    'request_info': ('action_comment',
        "Ju lutem sillni planimetrinë e nënshkruar nga inxhinieri."),
    'approve': ('decision_text',
        "Dokumentacioni është i plotë dhe i saktë."),
    'reject': ('decision_text',
        "Aplikuesi ka detyrime të papaguara ndaj bashkisë."),
    }
# Models of the practice municipality that the reset keeps: those of its
# organisation and of the people who train in it
KEPT = {'ossis.lgu.service', 'ossis.org_unit', 'company.employee'}
# The ids in a statement at a time
IN_MAX = 1000


def practice_company():
    "Return the practice municipality of the training"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Company = pool.get('company.company')
    return Company(ModelData.get_id(
            'ossis_training', 'practice_municipality'))


def practice_identifier(body):
    "Return the identifier of an applicant of the practice municipality"
    return body + identifier.check_letter(body)


def _ref(name):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    return ModelData.get_id('ossis_training', name)


def reset(company=None):
    """Bring the practice municipality back to its initial state; return
    the applications made"""
    company = company or practice_company()
    with without_check_access(), Transaction().set_user(0), \
            Transaction().set_context(
                company=company.id, active_test=False):
        delete_activity(company)
        applicants = create_applicants(company)
        return create_applications(company, applicants)


def delete_activity(company):
    """Delete the applicants and applications of the municipality and every
    record about them, with SQL"""
    pool = Pool()
    Application = pool.get('ossis.application')
    Applicant = pool.get('ossis.applicant')
    links = _links()
    for Model in [Application, Applicant]:
        table = Model.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id, where=table.company == company.id))
        ids = [i for i, in cursor]
        _delete(Model, ids, set(), links)
    Transaction().counter += 1


def _delete(Model, ids, seen, links):
    "Delete the records and, first, those that refer to them"
    if not ids or Model.__name__ in seen:
        return
    seen = seen | {Model.__name__}
    many2ones, references = links
    cursor = Transaction().connection.cursor()
    for Referring, field in many2ones[Model.__name__]:
        table = Referring.__table__()
        column = getattr(table, field.name)
        for sub_ids in grouped_slice(ids, IN_MAX):
            where = column.in_(list(sub_ids))
            if field.ondelete == 'SET NULL':
                cursor.execute(*table.update([column], [None], where=where))
                continue
            cursor.execute(*table.select(table.id, where=where))
            _delete(Referring, [i for i, in cursor], seen, links)
    for Referring, field in references:
        table = Referring.__table__()
        column = getattr(table, field.name)
        for sub_ids in grouped_slice(ids, IN_MAX):
            cursor.execute(*table.delete(where=column.in_(
                        [f'{Model.__name__},{i}' for i in sub_ids])))
    table = Model.__table__()
    for sub_ids in grouped_slice(ids, IN_MAX):
        cursor.execute(*table.delete(where=table.id.in_(list(sub_ids))))


def _stored(Model):
    if not issubclass(Model, ModelSQL) or Model.__name__ in KEPT:
        return False
    table_query = getattr(Model, 'table_query', None)
    return not (callable(table_query) and table_query())


def _links():
    """Return the stored Many2One fields by the model they point to and the
    stored Reference fields, each with its model"""
    pool = Pool()
    many2ones, references = defaultdict(list), []
    for _, Model in pool.iterobject():
        if not _stored(Model):
            continue
        for field in Model._fields.values():
            if isinstance(field, fields.Function):
                continue
            if isinstance(field, fields.Many2One):
                many2ones[field.model_name].append((Model, field))
            elif isinstance(field, fields.Reference):
                references.append((Model, field))
    return many2ones, references


def create_applicants(company):
    pool = Pool()
    Applicant = pool.get('ossis.applicant')
    units = {
        'center': _ref('practice_unit_center'),
        'kodra': _ref('practice_unit_kodra'),
        }
    return Applicant.create([{
                'company': company.id,
                'kind': kind,
                'name': name,
                'gender': gender,
                'identifier': practice_identifier(body),
                'language': 'sq',
                'administrative_unit': units[unit],
                'address': address,
                } for kind, name, gender, body, unit, address
            in APPLICANTS])


def create_applications(company, applicants):
    """Create the applications at their desks and take them to their steps
    through the process, one batch per action"""
    pool = Pool()
    Application = pool.get('ossis.application')
    Offer = pool.get('ossis.lgu.service')
    Date = pool.get('ir.date')
    offers = {o.service_code: o for o in Offer.search([
                ('company', '=', company.id)])}
    desks = {
        'center': _ref('practice_org_desk_center'),
        'kodra': _ref('practice_org_desk_kodra'),
        }
    values = []
    for code, applicant, desk, _ in APPLICATIONS:
        offer = offers[code]
        values.append({
                'company': company.id,
                'channel': 'desk',
                'desk': desks[desk],
                'lgu_service': offer.id,
                'applicant': applicants[applicant].id,
                'administrative_unit': (
                    applicants[applicant].administrative_unit.id),
                })
    applications = Application.create(values)
    submitted = [a for a, (*_, step) in zip(applications, APPLICATIONS)
        if step != 'draft']
    complete(submitted, Date.today())
    Application._submit(Application.browse(submitted))
    for index in range(max(len(r) for r in ROUTES.values())):
        by_action = {}
        for application, (*_, step) in zip(applications, APPLICATIONS):
            route = ROUTES[step]
            if index < len(route):
                by_action.setdefault(route[index], []).append(application)
        for action, records in by_action.items():
            _act(Application.browse(records), action)
    return Application.browse(applications)


def complete(applications, today):
    "Receive every document and take the fees"
    pool = Pool()
    Application = pool.get('ossis.application')
    Document = pool.get('ossis.application.document')
    documents = [d for a in applications for d in a.documents]
    if documents:
        Document.write(documents, {
                'status': 'received',
                'received_date': today,
                })
    due = [a for a in applications if a.fee_state == 'due']
    if due:
        Application.write(due, {
                'fee_state': 'paid',
                'fee_receipt': 'PRK-000001',
                })


def _act(applications, action):
    pool = Pool()
    Application = pool.get('ossis.application')
    if action in TEXTS:
        name, text = TEXTS[action]
        Application.write(applications, {name: text})
    if action == 'request_info':
        Application.request_info(applications)
    else:
        Application.act(applications, action)


class ResetStart(ModelView):
    "Reset the Practice Municipality"
    __name__ = 'ossis.training.practice.reset.start'
    __string__ = "Reset the Practice Municipality"

    company = fields.Many2One(
        'company.company', "Practice Municipality", readonly=True)
    applications = fields.Integer(
        "Applications", readonly=True,
        help="The applications in the practice municipality now, "
        "those the trainees made included.")


class Reset(Wizard):
    """Reset the Practice Municipality

    Deletes what the trainees did there and makes its applicants and
    applications again, as they were at the start."""
    __name__ = 'ossis.training.practice.reset'

    start = StateView(
        'ossis.training.practice.reset.start',
        'ossis_training.practice_reset_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reset", 'reset', 'tryton-ok', default=True),
            ])
    reset = StateTransition()
    done = StateView(
        'ossis.training.practice.reset.start',
        'ossis_training.practice_reset_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return self._figures()

    def _figures(self):
        pool = Pool()
        Application = pool.get('ossis.application')
        company = practice_company()
        with without_check_access():
            count = Application.search_count([
                    ('company', '=', company.id)])
        return {'company': company.id, 'applications': count}

    def transition_reset(self):
        reset()
        return 'done'

    def default_done(self, fields):
        return self._figures()
