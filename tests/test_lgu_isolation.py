# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""No user of a municipality reads the records of another one

One scan covers every model of every OSSIS module (all of them activated,
found among the installed modules as ``ossis init`` finds them), so that a
new model or a new module is checked without anyone adding a test.

Two municipalities are set up with users in every role and records of a
whole application life (applicants, applications submitted, assigned,
waiting, decided, delivered, with their checklist, history, feedback,
notices, files and notes, a portal draft, their own workflow, a closure
day...).  As the root user the scan finds the records that belong to every
municipality but the user's:

- the records whose Many2One field points to such a municipality
  (``company.company``) or to a record that belongs to it, followed to any
  depth (a checklist line belongs to the municipality of its application),
  and the records whose Reference field (``resource``, ``origin``) points
  to such a record;
- the records that carry the marker of the other municipality set up:
  every name the setup gives (staff, users, applicants, units, comments)
  contains it, so that records linked the other way round (the party of an
  employee) are found too.

Then, as each user (front office, back office, unit head, external system,
municipality administrator, auditor, help desk), it searches every model
the user may read (``ir.model.access``): all the records, the records
pointing to the records found, nested domains through the Many2One fields
(``('application.company', 'in', others)``,
``('application.applicant.identifier', 'in', numbers)``,
``('applicant.name', 'ilike', ...)``) and the marker in every text field;
then it reads them by id.  Any record of another municipality found fails
the test, named with the model, the domain (or "read by id") and the users.

A model linked to municipalities that has no record of another one in the
test data fails too, unless it is listed in ``EMPTY``: the scan cannot pass
for want of something to look at.  ``SHARED`` lists the models linked to
municipalities that every user reads on purpose, with the reason.
"""
import datetime as dt
import unittest
from collections import defaultdict

from ossis.cli import ossis_modules
from trytond.model import ModelSQL, fields
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_application_external.tests.test_application_external import (  # noqa: E501
    external_user, filing)
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

# Models linked to a municipality that every user reads on purpose.  A
# model without any link to a municipality (the national catalogue, its
# categories, document types, unit types, national workflows...) is not
# listed: it has nothing of a municipality to scan.
SHARED = {
    'company.company': (
        "the municipalities are listed to everyone, as on the portal"),
    'ir.cron-company.company': (
        "the municipalities each scheduled task runs for: configuration "
        "of the installation, not data of a municipality"),
    }

# Models linked to municipalities of which no municipality has records, so
# that the test data cannot have any either
EMPTY = {
    'ossis.helpdesk.article-ossis.workflow': (
        "the knowledge base links national workflows only"),
    'company.company.logo.cache': (
        "the logos of the municipalities, resized when first shown"),
    'company.company.tax_identifier': (
        "the company module's tax identifiers: OSSIS keeps the NIPT on the "
        "municipality"),
    'ir.sequence': (
        "OSSIS numbers the applications with ossis.numbering, not with "
        "sequences of a municipality"),
    'party.configuration.party_lang': (
        "the party module's default language by company: none is set"),
    'party.configuration.party_sequence': (
        "the party module's numbering of parties by company: none is set"),
    'party.contact_mechanism.language': (
        "the party module's languages of contact mechanisms by company: "
        "none is set"),
    }

# The municipalities set up: the users of each look for the records of every
# other one, these and those that the modules of the municipalities
# (ossis_lgu_*) load
CODES = ('berat', 'korce')
# Fields that say who wrote a record, not whose it is
AUDIT_FIELDS = {'create_uid', 'write_uid'}
# Depth of the nested domains through Many2One fields
DEPTH = 3


def marker(code):
    "The text that every name of the municipality's records contains"
    return f'isolation{code}'


def stored(field):
    return not isinstance(field, fields.Function)


def many2ones(Model):
    "Yield the stored Many2One fields of the model, by name"
    for name, field in Model._fields.items():
        if (field._type == 'many2one' and stored(field)
                and name not in AUDIT_FIELDS):
            yield name, field


def texts(Model):
    for name, field in Model._fields.items():
        if field._type in {'char', 'text'} and stored(field):
            yield name


def references(Model):
    for name, field in Model._fields.items():
        if field._type == 'reference' and stored(field):
            yield name


def scanned_models():
    "Yield the models stored in tables (or queries) by name"
    for name, Model in Pool().iterobject():
        if issubclass(Model, ModelSQL):
            yield name, Model


class Municipality:
    "A municipality with its staff and records of their whole life"

    def __init__(self, test, code, serial):
        self.code = code
        self.marker = marker(code)
        self.setup = scenario.municipality(code)
        self.company = self.setup.company
        self.system = external_user(f'{code}.system', self.company)
        self.users = [
            self.setup.front, self.setup.back, self.setup.head, self.system]
        self.users += [
            self.user(role) for role in ['lgu_admin', 'auditor', 'helpdesk']]
        self.build(test, serial)
        self.mark()

    def user(self, role):
        "Return a user of the municipality in the role, without employee"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user = create_lgu_user(
            f'{self.code}.{role}', self.company, f'group_{role}')
        User.write([user], {'groups': [('add', [
                            ModelData.get_id('ossis_base', 'group_staff')])]})
        return user

    def build(self, test, serial):
        "Create records of every kind for the municipality"
        self.applications(test, serial)
        self.portal_draft(serial + 4)
        self.learning()
        self.settings()
        self.monthly_report()
        self.helpdesk()
        self.training()
        self.exercise_result()
        self.change_request()

    def applications(self, test, serial):
        """Create applications delivered with feedback, assigned, waiting
        for the applicant and filed by another system, with a note"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Note = pool.get('ir.note')
        setup = self.setup
        as_staff = scenario.as_staff
        delivered = test.delivered(setup, serial)
        with as_staff(setup.front):
            Application.record_feedback(
                [delivered], 4, f"Quick {self.marker}", 'phone')
        assigned = test.submitted(setup, serial + 1)
        with as_staff(setup.back):
            Application.take([assigned])
            Note.create([{
                        'resource': str(assigned),
                        'message': f"Called the applicant {self.marker}",
                        }])
        waiting = test.submitted(setup, serial + 2)
        with as_staff(setup.back):
            Application.act([waiting], 'request_info')
        with as_user(self.system):
            Application.submit_external(filing(setup, serial=serial + 3))

    def exercise_result(self):
        """Record the check of a practice exercise by the front office
        operator"""
        pool = Pool()
        Exercise = pool.get('ossis.training.exercise')
        exercise, = Exercise.create([{
                    'name': "Register an appeal",
                    'kind': 'register',
                    'service_code': 'TAX-05',
                    }])
        Exercise.check_work([exercise], self.setup.front)

    def portal_draft(self, serial):
        "Create a draft of the portal with a file"
        pool = Pool()
        Draft = pool.get('ossis.portal.draft')
        offer = self.setup.offers['TAX-05']
        document = offer.service.documents[0]
        Draft.store(None, self.company, offer, 'en', {
                'applicant': {
                    'kind': 'person',
                    'name': f"Visitor {self.marker}",
                    'identifier': scenario.valid_identifier(serial),
                    },
                }, [(document, f'{self.marker}.pdf', b'%PDF-1.4\n')])

    def learning(self):
        """Create a course of the municipality with a lesson, a question
        bank and a quiz, that the front office operator has read and taken"""
        pool = Pool()
        Course = pool.get('ossis.training.course')
        Progress = pool.get('ossis.training.lesson.progress')
        Attempt = pool.get('ossis.training.quiz.attempt')
        answers = [
            {'text': f"Yes {self.marker}", 'correct': True},
            {'text': f"No {self.marker}"}]
        course, = Course.create([{
                    'code': f'LEARN-{self.code}',
                    'name': f"Learning {self.marker}",
                    'company': self.company.id,
                    'lessons': [('create', [{
                                    'name': f"Lesson {self.marker}",
                                    'body': f"<p>{self.marker}</p>",
                                    }])],
                    'questions': [('create', [{
                                    'text': f"Question {self.marker}",
                                    'answers': [('create', answers)],
                                    }])],
                    'quizzes': [('create', [{
                                    'name': f"Quiz {self.marker}",
                                    'question_count': 1,
                                    }])],
                    }])
        front = self.setup.front
        Progress.mark_read(course.lessons, front)
        attempt = Attempt.start(course.quizzes[0], front)
        line, = attempt.questions
        # Only the learner submits an attempt
        with Transaction().set_user(front.id):
            Attempt.submit(
                attempt, {line.id: [line.question.answers[0].id]})

    def settings(self):
        """Create a closure day, opening hours, a workflow and the wording of
        a document of its own"""
        pool = Pool()
        Closure = pool.get('ossis.calendar.closure')
        Date = pool.get('ir.date')
        Template = pool.get('ossis.document_template')
        OpeningHours = pool.get('ossis.org_unit.opening_hours')
        Workflow = pool.get('ossis.workflow')
        Closure.create([{
                    'company': self.company.id,
                    'date': Date.today().replace(month=12, day=24),
                    'name': f"Town day {self.marker}",
                    }])
        OpeningHours.create([{
                    'org_unit': self.setup.desk.id,
                    'weekday': '0', 'opens': dt.time(8), 'closes': dt.time(16),
                    }])
        national, = Workflow.search([
                ('service_code', '=', 'TAX-05'),
                ('company', '=', None),
                ('state', '=', 'active'),
                ])
        national.copy_as_draft(company=self.company)
        template, = Template.create([{
                    'company': self.company.id,
                    'kind': 'approval',
                    'lgu_service': self.setup.offers['TAX-05'].id,
                    'body': f"Approved for {{applicant_name}} {self.marker}",
                    }])
        Template.publish([template])

    def monthly_report(self):
        "Create a monthly report sent to the mayor's office"
        MonthlyReport = Pool().get('ossis.monitoring.monthly_report')
        MonthlyReport.create([{
                    'company': self.company.id,
                    'month': dt.date(2026, 1, 1),
                    'report': b'%PDF-1.4\n',
                    'recipients': f'mayor.{self.marker}@example.al',
                    }])

    def change_request(self):
        """Create a change request of a change ticket, with the new version
        of the workflow it opened, checked"""
        pool = Pool()
        Category = pool.get('ossis.helpdesk.category')
        Request = pool.get('ossis.helpdesk.change_request')
        Ticket = pool.get('ossis.helpdesk.ticket')
        offer = self.setup.offers['URB-09']
        category, = Category.search([('kind', '=', 'change')], limit=1) or (
            Category.create([{'name': "Workflow Change", 'kind': 'change'}]))
        ticket, = Ticket.create([{
                    'company': self.company.id,
                    'reporter': self.setup.front.id,
                    'subject': f"Legal check {self.marker}",
                    'category': category.id,
                    'services': [('add', [offer.service.id])],
                    }])
        request, = Request.create([{
                    'ticket': ticket.id,
                    'company': self.company.id,
                    'service': offer.service.id,
                    'description': f"A legal check {self.marker}",
                    }])
        Request.open_version([request])
        Request.check([request])

    def training(self):
        """Create a session of a course of the municipality given by its
        trainer, attended and rated by the front office operator, whose
        attendance completes a path and issues its certificate"""
        pool = Pool()
        Course = pool.get('ossis.training.course')
        Path = pool.get('ossis.training.path')
        Session = pool.get('ossis.training.session')
        Attendee = pool.get('ossis.training.session.attendee')
        trainer = self.user('trainer')
        # Before the help desk agent, whom the help desk's records take last
        self.users.insert(0, trainer)
        course, = Course.create([{
                    'code': f'INTAKE-{self.code}',
                    'name': f"Intake {self.marker}",
                    'company': self.company.id,
                    }])
        Path.create([{
                    'name': f"Front office {self.marker}",
                    'role': 'front_office',
                    'company': self.company.id,
                    'courses': [('create', [{
                                    'course': course.id,
                                    'attendance_required': True,
                                    }])],
                    }])
        start = dt.datetime(2026, 3, 2, 8)
        session, = Session.create([{
                    'course': course.id,
                    'company': self.company.id,
                    'trainers': [('add', [trainer.id])],
                    'place': f"Room {self.marker}",
                    'start_at': start,
                    'end_at': start + dt.timedelta(hours=3),
                    'capacity': 10,
                    }])
        Session.plan([session])
        attendee, = Session.enrol(session, [self.setup.front])
        Session.do([session])
        Attendee.write([attendee], {'attended': True})
        Attendee.rate(attendee, 5, f"Useful {self.marker}")

    def helpdesk(self):
        """Create a ticket raised from an application, with a reply that
        sends an article, an internal note and an answer with a file, and
        the call it came from"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Call = pool.get('ossis.helpdesk.call')
        Ticket = pool.get('ossis.helpdesk.ticket')
        application, = Application.search(
            [('company', '=', self.company.id)], limit=1)
        ticket, = Ticket.create([{
                    'company': self.company.id,
                    'reporter': self.setup.front.id,
                    'subject': f"Printer {self.marker}",
                    'description': f"No receipt {self.marker}",
                    'application': application.id,
                    # The load of the agent in the help desk's figures
                    'assignee': self.users[-1].id,
                    'services': [('add', [application.service.id])],
                    }])
        Ticket.reply(
            [ticket], f"Which printer? {self.marker}",
            articles=[self.printer_article()])
        Ticket.reply([ticket], f"Driver {self.marker}", 'note')
        Ticket.receive(
            [ticket], f"Desk 2 {self.marker}",
            [(f'{self.marker}.png', b'png')])
        Call.create([{
                    'company': self.company.id,
                    'agent': next(
                        u for u in self.users
                        if u.login.endswith('.helpdesk')).id,
                    'caller': self.setup.front.id,
                    'caller_name': f"Caller {self.marker}",
                    'duration': dt.timedelta(minutes=3),
                    'outcome': 'ticket',
                    'summary': f"Printer {self.marker}",
                    'ticket': ticket.id,
                    }])

    @staticmethod
    def printer_article():
        """Return the published article of the knowledge base, national,
        that the replies send"""
        Article = Pool().get('ossis.helpdesk.article')
        title = "Receipt printers"
        articles = Article.search([('title', '=', title)])
        if not articles:
            articles = Article.create([{
                        'title': title,
                        'body': "Choose the A4 printer in the preferences.",
                        }])
            Article.publish(articles)
        return articles[0]

    def mark(self):
        "Put the marker in the names of the staff, units and applicants"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        OrgUnit = pool.get('ossis.org_unit')
        User = pool.get('res.user')
        company = self.company.id
        employees = vars(self.setup.employees).values()
        for records in [
                [e.party for e in employees],
                User.browse(self.users),
                OrgUnit.browse([
                        self.setup.desk, self.setup.unit,
                        self.setup.other_unit]),
                Applicant.search([('company', '=', company)]),
                ]:
            args = []
            for record in records:
                args.extend(
                    ([record], {'name': f'{record.name} {self.marker}'}))
            records[0].__class__.write(*args)


class Ownership:
    """The records of each model that belong to the municipalities other
    than the viewer's, found as the root user"""

    def __init__(self, viewer, others):
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        Company = pool.get('company.company')
        self.viewer = viewer
        self.markers = [o.marker for o in others]
        self.companies = [
            c.id for c in Company.search([('id', '!=', viewer.company.id)])]
        self.records = defaultdict(set)
        self.find()
        self.identifiers = sorted(a.identifier for a in Applicant.browse(
                    self['ossis.applicant']))

    def __getitem__(self, model):
        return self.records.get(model, set())

    def find(self):
        for name, Model in scanned_models():
            domain = ['OR']
            for field_name, field in many2ones(Model):
                if field.model_name == 'company.company':
                    domain.append((field_name, 'in', self.companies))
            for field_name in texts(Model):
                domain.extend(
                    (field_name, 'ilike', f'%{m}%') for m in self.markers)
            if len(domain) > 1:
                self.add(name, Model.search(domain))
        self.records['company.company'] = set(self.companies)
        # Follow the links until nothing more is found
        changed = True
        while changed:
            changed = False
            strings = self.strings()
            for name, Model in scanned_models():
                domain = ['OR']
                for field_name, field in many2ones(Model):
                    target = field.model_name
                    if target in SHARED or not self[target]:
                        continue
                    domain.append((field_name, 'in', list(self[target])))
                for field_name in references(Model):
                    domain.append((field_name, 'in', strings))
                if len(domain) > 1:
                    changed |= self.add(name, Model.search(domain))

    def add(self, model, records):
        before = len(self.records[model])
        self.records[model].update(r.id for r in records)
        return len(self.records[model]) > before

    def strings(self):
        "The records as values of Reference fields"
        return [
            f'{model},{id_}' for model, ids in self.records.items()
            if model not in SHARED for id_ in ids]

    def domains(self, Model, depth=DEPTH):
        """Yield the domains that look for the records through the fields
        of the model"""
        pool = Pool()

        def walk(Model, path, seen):
            for name, field in many2ones(Model):
                target = field.model_name
                dotted = f'{path}{name}'
                if target == 'company.company':
                    yield (dotted, 'in', self.companies)
                    continue
                if target in SHARED or target in seen or not self[target]:
                    continue
                if not path:
                    yield (dotted, 'in', sorted(self[target]))
                if target == 'ossis.applicant':
                    yield (f'{dotted}.identifier', 'in', self.identifiers)
                    for marker in self.markers:
                        yield (f'{dotted}.name', 'ilike', f'%{marker}%')
                if len(seen) < depth:
                    yield from walk(
                        pool.get(target), dotted + '.', seen | {target})
        yield []
        yield from ([d] for d in walk(Model, '', {Model.__name__}))
        for name in texts(Model):
            for marker in self.markers:
                yield [(name, 'ilike', f'%{marker}%')]


def shorten(domain):
    "Return the domain as text, with its long lists of values counted"
    return repr([
            (c[0], c[1], f'<{len(c[2])} values>') if (
                isinstance(c, tuple) and isinstance(c[2], list)
                and len(c[2]) > 3) else c
            for c in domain])


def report(hits):
    "Return the lines of the report of the hits, by model and domain"
    lines = []
    for model in sorted(hits):
        lines.append(f"{model}:")
        for domain, logins in sorted(hits[model].items()):
            lines.append(f"    {domain} as {', '.join(sorted(logins))}")
    return '\n'.join(lines)


def linked(Model):
    """Whether the model holds records of municipalities: it points to a
    municipality or to a model that does (the framework's records of a
    user aside)"""
    pool = Pool()

    def company(Model):
        return any(
            f.model_name == 'company.company' for _, f in many2ones(Model))
    return any(
        f.model_name == 'company.company'
        or (f.model_name not in SHARED.keys() | {'res.user'}
            and company(pool.get(f.model_name)))
        for _, f in many2ones(Model))


class IsolationTestCase(
        scenario.ProcessTestMixin, ModuleDatabaseMixin, unittest.TestCase):
    "Test no user of a municipality reads another municipality's records"

    @classmethod
    def setUpClass(cls):
        cls.module = ossis_modules()
        super().setUpClass()

    @with_transaction()
    def test_no_records_of_another_municipality(self):
        "Test every model hides the records of other municipalities"
        municipalities = [
            Municipality(self, code, serial)
            for code, serial in zip(CODES, [100, 200])]
        hits, searches = defaultdict(lambda: defaultdict(list)), 0
        for viewer in municipalities:
            others = [m for m in municipalities if m is not viewer]
            ownership = Ownership(viewer, others)
            self.assertEqual(self.without_records(ownership), [], msg=(
                    "models linked to a municipality without a record of "
                    f"another one than {viewer.code} to scan: add some to "
                    "the setup or list them in EMPTY"))
            searches += self.scan(viewer, ownership, hits)
        if hits:
            self.fail(
                f"{len(hits)} models show records of another municipality "
                f"({searches} searches):\n" + report(hits))

    def without_records(self, ownership):
        "Return the linked models without a record of the municipality"
        return sorted(
            name for name, Model in scanned_models()
            if linked(Model) and name not in SHARED and name not in EMPTY
            and not ownership[name])

    def scan(self, viewer, ownership, hits):
        """Search as each user of the viewer, add to hits the users by
        domain by model that found records of other municipalities; return
        the number of searches"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        searches = 0
        for user in viewer.users:
            with scenario.as_staff(user):
                for name, Model in scanned_models():
                    owned = ownership[name]
                    if (name in SHARED or not owned
                            or not ModelAccess.check(
                                name, 'read', raise_exception=False)):
                        continue
                    for domain in ownership.domains(Model):
                        searches += 1
                        # Only the other municipality's rows matter: a
                        # search among them finds the same hits without
                        # building every record the user may read
                        try:
                            found = Model.search(
                                [domain, ('id', 'in', sorted(owned))])
                        except AccessError:
                            continue
                        if found:
                            hits[name][shorten(domain)].append(user.login)
                    searches += 1
                    try:
                        Model.read(sorted(owned), ['id'])
                    except AccessError:
                        continue
                    hits[name]["read by id"].append(user.login)
        return searches

