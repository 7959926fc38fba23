# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo applications: a few hundred, in every state, made by the process

Applicants with Albanian names and valid personal numbers file applications
for the services of the municipality at its desks and online.  Each
application is given the state it should reach, and the real process takes
it there: the desk clerks submit, the back office forwards or asks for
information, the unit head approves or rejects, the back office issues the
output and the desk delivers it, each as the demo user in the right unit,
by batches of the same action and user.

The process stamps everything with the present moment; the demo then moves
each application's history into the past, along the working days of the
municipality's calendar, and recomputes the dates the process derives from
them (step and due dates, waiting days, overdue).  Everything is drawn from
a seeded random generator, so that every demo database is the same.
"""
import datetime as dt
import random
from collections import Counter, defaultdict

SEED = 20261127
# Applications by municipality and the share of each target state
COUNTS = {'elbasan': 300, 'pogradec': 50}
TARGETS = [
    ('draft', 6),
    ('submitted', 10),
    ('in_progress', 18),
    ('waiting', 8),
    ('decided', 8),
    ('ready', 8),
    ('delivered', 8),
    ('closed', 20),
    ('withdrawn', 6),
    ('cancelled', 6),
    ]
# How applicants rate the service after delivery
RATINGS = [1, 2, 3, 4, 5]
RATING_WEIGHTS = [5, 8, 17, 35, 35]
# Working days since submission, by target state
AGES = {
    'draft': (0, 4),
    'submitted': (1, 12),
    'in_progress': (2, 30),
    'waiting': (3, 40),
    'decided': (4, 30),
    'ready': (5, 40),
    'delivered': (8, 60),
    'closed': (12, 84),
    'withdrawn': (3, 84),
    'cancelled': (1, 84),
    }
# Working days an action waits after the previous one
GAPS = {
    'forward': (0, 4),
    'return': (0, 2),
    'request_info': (0, 3),
    'resume': (1, 8),
    'approve': (0, 3),
    'reject': (0, 3),
    'issue': (0, 2),
    'deliver': (1, 8),
    'close': (0, 2),
    'withdraw': (1, 6),
    'cancel': (0, 1),
    }
BATCH = 40
ONLINE_SHARE = 0.15
SYSTEM_SHARE = 0.03

FEMALE = [
    "Anila", "Arta", "Blerta", "Dorina", "Elira", "Entela", "Eriona",
    "Fjona", "Gresa", "Jonida", "Klea", "Lindita", "Mimoza", "Nertila",
    "Ornela", "Rudina", "Suela", "Teuta", "Valbona", "Xhensila",
    ]
MALE = [
    "Altin", "Ardit", "Arben", "Besnik", "Dritan", "Edmond", "Erion",
    "Fatos", "Gentian", "Ilir", "Klodian", "Luan", "Mirel", "Olsi",
    "Petrit", "Rexhep", "Sokol", "Taulant", "Ylli", "Xhevdet",
    ]
SURNAMES = [
    "Basha", "Bregu", "Bici", "Cani", "Çela", "Daci", "Dervishi", "Duka",
    "Gjika", "Gjoni", "Hoxha", "Hysa", "Kodra", "Kola", "Leka", "Lika",
    "Mema", "Meta", "Muça", "Noka", "Pepa", "Prifti", "Qose", "Rama",
    "Shehu", "Sula", "Tahiri", "Vata", "Xhafa", "Zeqiri",
    ]
BUSINESSES = [
    "Agro Shkumbini sh.p.k.", "Ndërtimi Elbasani sh.p.k.",
    "Kafe Skampa sh.p.k.", "Transport Cërriku sh.p.k.",
    "Furra Labinoti sh.p.k.", "Hotel Guri i Kuq sh.p.k.",
    "Farmacia Shpresa sh.p.k.", "Autoservis Gjinari sh.p.k.",
    "Ferma Bradashesh sh.p.k.", "Peshkimi Liqeni sh.p.k.",
    ]
STREETS = [
    "Rruga Qemal Stafa", "Rruga Rinia", "Bulevardi Aqif Pasha",
    "Rruga Ismail Qemali", "Lagjja Kala", "Rruga Sotir Kolea",
    "Lagjja 5 Maji", "Rruga Nënë Tereza",
    ]
REQUESTS = [
    "Ju lutem sillni kopjen e noterizuar të aktit të pronësisë.",
    "Mungon vërtetimi i gjendjes civile; ju lutem dorëzojeni.",
    "Ju lutem sqaroni adresën e saktë të objektit.",
    "Nevojitet planimetria e nënshkruar nga inxhinieri.",
    ]
RETURNS = [
    "Plotësoni relacionin me arsyet e propozimit.",
    "Kontrolloni sërish llogaritjen e tarifës.",
    ]
APPROVALS = [
    "Kërkesa plotëson kushtet e parashikuara në ligj.",
    "Dokumentacioni është i plotë dhe i saktë.",
    ]
REJECTIONS = [
    "Kërkesa nuk plotëson kushtet ligjore: mungon titulli i pronësisë.",
    "Aplikuesi ka detyrime të papaguara ndaj bashkisë.",
    ]
WITHDRAWALS = [
    "Aplikuesi e tërhoqi kërkesën me shkrim.",
    "Aplikuesi nuk e ka më të nevojshëm shërbimin.",
    ]
CANCELLATIONS = [
    "Regjistruar gabimisht dy herë.",
    "Zgjedhur shërbim i gabuar në sportel.",
    ]
EXEMPTIONS = [
    "Familje që përfiton ndihmë ekonomike.",
    "Person me aftësi të kufizuara.",
    ]
DECIDING = {'approve', 'reject'}
# Actions after which the application is on a new step
STEP_ACTIONS = {'submit', 'forward', 'return', 'ask_opinion'} | DECIDING


class Staff:
    """The demo users of a municipality by the units they act for: the
    clerk of each desk, the back office specialist and the head of each
    unit"""

    def __init__(self, pool, company):
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        OrgUnit = pool.get('ossis.org_unit')
        groups = {
            ModelData.get_id('ossis_base', f'group_{role}'): role
            for role in ['front_office', 'back_office', 'unit_head']}
        self.users = {'front_office': {}, 'back_office': {}, 'unit_head': {}}
        for user in User.search(
                [('company', '=', company.id)], order=[('id', 'ASC')]):
            if not user.employee:
                continue
            for group in user.groups:
                role = groups.get(group.id)
                if not role:
                    continue
                for unit in user.employee.org_units:
                    if role == 'unit_head' and unit.head != user.employee:
                        continue
                    self.users[role].setdefault(unit.id, user)
        desks = sorted(self.users['front_office'])
        self.main_desk = OrgUnit(desks[0]) if desks else None

    def user(self, role, unit):
        "Return the demo user who acts in the role for the unit, or None"
        return self.users[role].get(unit.id) if unit else None


class Plan:
    "The state an application must reach and the way it goes there"

    def __init__(self, target, complete, rng):
        self.target = target
        self.complete = complete
        self.decision = 'reject' if rng.random() < 0.2 else 'approve'
        self.request_info = target == 'waiting' or rng.random() < 0.15
        self.returned = rng.random() < 0.1
        self.stop_step = rng.choice(['review', 'approval', 'decision'])
        if target == 'in_progress' and self.stop_step == 'review':
            self.request_info = True
        self.cancel_draft = rng.random() < 0.5
        self.withdraw_after = rng.randrange(3)
        self.info_done = self.return_done = False
        self.steps_done = 0
        # (action, user id) in the order they were taken
        self.events = []

    def next_action(self, application):
        "Return the next action to take, or None when the plan is done"
        state, target = application.state, self.target
        if state == 'draft':
            if target == 'draft':
                return None
            if target == 'cancelled' and self.cancel_draft:
                return 'cancel'
            return 'submit'
        if state in {'submitted', 'in_progress', 'waiting'}:
            if target == 'cancelled' and state == 'submitted':
                return 'cancel'
            if (target == 'withdrawn'
                    and self.steps_done >= self.withdraw_after):
                return 'withdraw'
            if state == 'waiting':
                return None if target == 'waiting' else 'resume'
            if target == 'submitted':
                return None
            actions = {t.action for t in application.step.transitions}
            if (self.request_info and not self.info_done
                    and 'request_info' in actions):
                return 'request_info'
            if (target == 'in_progress' and state == 'in_progress'
                    and application.step.code == self.stop_step):
                return None
            if (self.returned and not self.return_done
                    and 'return' in actions):
                return 'return'
            if actions & DECIDING:
                return (self.decision if self.decision in actions
                    else sorted(actions & DECIDING)[0])
            if 'forward' in actions:
                return 'forward'
            return None
        next_ = {'decided': 'issue', 'ready': 'deliver', 'delivered': 'close'}
        if state in next_ and target != state:
            return next_[state]
        return None

    def done(self, action, user_id):
        self.events.append((action, user_id))
        if action == 'request_info':
            self.info_done = True
        elif action == 'return':
            self.return_done = True
        if action not in {'submit', 'cancel', 'withdraw'}:
            self.steps_done += 1


class _Acting:
    "Act as the user in the context"

    def __init__(self, transaction, user_id, context):
        self.managers = [
            transaction.set_user(user_id),
            transaction.set_context(context),
            ]

    def __enter__(self):
        for manager in self.managers:
            manager.__enter__()

    def __exit__(self, *exc):
        for manager in reversed(self.managers):
            manager.__exit__(*exc)


def load(pool, companies, report=print):
    """Create the demo applications of the municipalities that have none;
    return their numbers by state (None where some existed)

    report is called with a line of text at each stage."""
    Application = pool.get('ossis.application')
    counts = {}
    for code, number in COUNTS.items():
        company = companies.get(code)
        if not company:
            continue
        if Application.search_count([('company', '=', company.id)]):
            counts[code] = None
            continue
        rng = random.Random(f'{SEED}-{code}')
        report(f"Applications of {code}: making {number} by the process")
        Generator(pool, company, rng, report).run(number)
        counts[code] = Counter(a.state for a in Application.search([
                    ('company', '=', company.id)]))
        counts[code]['overdue'] = Application.search_count([
                ('company', '=', company.id),
                ('overdue', '=', True),
                ])
    return counts


def ascii_name(name):
    "Return the name in lower-case ASCII letters, for an email address"
    name = name.lower().replace('ë', 'e').replace('ç', 'c')
    return ''.join(c for c in name if c.isalnum())


def personal_number(rng, gender):
    """Return the first 9 characters of the personal number (NID) of a
    person born between 1950 and 2006"""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20800))
    decade = chr(ord('A') + (birth.year - 1900) // 10)
    month = birth.month + (50 if gender == 'female' else 0)
    return (f'{decade}{birth.year % 10}{month:02d}{birth.day:02d}'
        f'{rng.randrange(1000):03d}')


class Generator:
    "Applications of one municipality taken by the process to their states"

    def __init__(self, pool, company, rng, report=print):
        from trytond.transaction import Transaction
        Date = pool.get('ir.date')
        self.pool = pool
        self.company = company
        self.rng = rng
        self.staff = Staff(pool, company)
        self.now = dt.datetime.now().replace(microsecond=0)
        with Transaction().set_context(company=company.id):
            self.today = Date.today()
        self.plans = {}
        self.report = report

    def run(self, number):
        code = self.company.code
        offers = self._offers()
        if not offers:
            return
        applicants = self._applicants(max(number * 2 // 3, 1))
        applications = self._drafts(number, offers, applicants)
        self.report(f"  {code}: {len(applicants)} applicants, "
            f"{len(applications)} drafts at the desks and online")
        self._drive([a.id for a in applications])
        self._move_into_past([a.id for a in applications])
        self._count_figures()
        self._feedback([a.id for a in applications])
        self.report(f"  {code}: dated back along the calendar of "
            f"{self.company.rec_name}")

    def _as(self, user):
        "Act as the demo user, or as the system (online and other systems)"
        from trytond.transaction import Transaction
        context = {'company': self.company.id}
        if user:
            context['employee'] = user.employee.id
        return _Acting(Transaction(), user.id if user else 0, context)

    # Applicants and drafts

    def _offers(self):
        "Return the offers that the demo users can take to the end"
        pool = self.pool
        LGUService = pool.get('ossis.lgu.service')
        Workflow = pool.get('ossis.workflow')
        offers = LGUService.offered(self.company, self.today)
        workflows = Workflow.get_active(
            self.company, sorted({o.service_code for o in offers}))
        return [o for o in offers
            if workflows.get(o.service_code)
            and self.staff.user('back_office', o.responsible_unit)
            and self.staff.user('unit_head', o.responsible_unit)
            and (o.online or any(
                    self.staff.user('front_office', d) for d in o.desks))]

    def _applicants(self, number):
        from trytond.modules.ossis_base import identifier
        pool = self.pool
        Applicant = pool.get('ossis.applicant')
        AdministrativeUnit = pool.get('ossis.administrative_unit')
        rng = self.rng
        residences = AdministrativeUnit.search(
            [('company', '=', self.company.id)], order=[('id', 'ASC')])
        values, identifiers = [], set()
        while len(values) < number:
            if rng.random() < 0.1:
                name = rng.choice(BUSINESSES)
                body = rng.choice('JKL') + f'{rng.randrange(10 ** 8):08d}'
                kind, gender = 'business', None
                email = ascii_name(name.split(' sh.')[0]) + '@example.com'
            else:
                gender = rng.choice(['female', 'male'])
                first = rng.choice(FEMALE if gender == 'female' else MALE)
                last = rng.choice(SURNAMES)
                name = f"{first} {last}"
                body = personal_number(rng, gender)
                kind = 'person'
                email = (f'{ascii_name(first)}.{ascii_name(last)}'
                    f'{rng.randrange(10, 99)}@example.com')
            code = body + identifier.check_letter(body)
            if code in identifiers:
                continue
            identifiers.add(code)
            values.append({
                    'company': self.company.id,
                    'kind': kind,
                    'name': name,
                    'identifier': code,
                    'gender': gender,
                    'email': email if rng.random() < 0.7 else None,
                    'phone': (f'+35569{rng.randrange(10 ** 7):07d}'
                        if rng.random() < 0.8 else None),
                    'language': 'en' if rng.random() < 0.05 else 'sq',
                    'administrative_unit': rng.choice(residences).id,
                    'address': (f"{rng.choice(STREETS)}, "
                        f"nr. {rng.randrange(1, 80)}"),
                    })
        return Applicant.create(values)

    def _drafts(self, number, offers, applicants):
        "Create the drafts, each by the clerk of its desk"
        pool = self.pool
        Application = pool.get('ossis.application')
        rng = self.rng
        targets = [t for t, _ in TARGETS]
        weights = [w for _, w in TARGETS]
        online = [o for o in offers if o.online]
        by_clerk = defaultdict(list)
        for _ in range(number):
            target = rng.choices(targets, weights)[0]
            applicant = rng.choice(applicants)
            draw = rng.random()
            if draw < ONLINE_SHARE and online:
                channel, offer = 'online', self._popular(online)
            elif draw < ONLINE_SHARE + SYSTEM_SHARE:
                channel, offer = 'system', self._popular(offers)
            else:
                channel, offer = 'desk', self._popular(offers)
            desks = [d for d in offer.desks
                if self.staff.user('front_office', d)]
            if channel == 'desk' and not desks:
                channel = 'online'
            desk = clerk = None
            if channel == 'desk':
                desk = rng.choice(desks)
                clerk = self.staff.user('front_office', desk)
            values = {
                'company': self.company.id,
                'channel': channel,
                'desk': desk.id if desk else None,
                'lgu_service': offer.id,
                'applicant': applicant.id,
                'administrative_unit': (
                    desk.administrative_unit.id
                    if desk and desk.administrative_unit
                    else applicant.administrative_unit.id),
                }
            complete = target != 'draft' or rng.random() < 0.4
            if offer.fee:
                values['fee_state'] = 'due'
                if complete and rng.random() < 0.1:
                    values['fee_state'] = 'exempted'
                    values['fee_exemption_reason'] = rng.choice(EXEMPTIONS)
                elif complete:
                    values['fee_state'] = 'paid'
                    values['fee_receipt'] = (
                        f'BKT-{rng.randrange(10 ** 6):06d}')
            by_clerk[clerk].append((values, Plan(target, complete, rng)))
        applications = []
        for clerk, drafts in by_clerk.items():
            with self._as(clerk):
                records = Application.create([v for v, _ in drafts])
            for record, (_, plan) in zip(records, drafts):
                self.plans[record.id] = plan
            applications.extend(records)
        self._receive_documents(applications)
        return applications

    def _popular(self, offers):
        """Pick an offer as citizens do: a few services (certificates,
        taxes) make most of the applications"""
        weights = [1 / (rank + 1) for rank in range(len(offers))]
        return self.rng.choices(offers, weights)[0]

    def _receive_documents(self, applications):
        "Tick the documents the applicants brought"
        pool = self.pool
        Document = pool.get('ossis.application.document')
        received = [d for a in applications for d in a.documents
            if self.plans[a.id].complete or self.rng.random() < 0.5]
        if received:
            Document.write(received, {
                    'status': 'received',
                    'received_date': self.today,
                    })

    # The process

    def _drive(self, ids):
        "Take every application to its target, a round of actions at a time"
        pool = self.pool
        Application = pool.get('ossis.application')
        pending = list(ids)
        for round_ in range(30):
            steps = []
            for application in Application.browse(pending):
                action = self.plans[application.id].next_action(application)
                if action:
                    steps.append((application, action))
            if not steps:
                break
            self._prepare(steps)
            batches = defaultdict(list)
            for application, action in steps:
                key = (action,) + self._actor(application, action)
                batches[key].append(application.id)
            for (action, user, desk), batch in batches.items():
                # Tryton checks the ids of a browsed list for each record:
                # smaller batches cost less
                for i in range(0, len(batch), BATCH):
                    self._take(action, user, desk, batch[i:i + BATCH])
                for id_ in batch:
                    self.plans[id_].done(action, user.id if user else 0)
            pending = [a.id for a, _ in steps]
            self.report(f"  {self.company.code}: round {round_ + 1} of the "
                f"process, actions taken: {len(steps)}")

    def _actor(self, application, action):
        """Return the demo user who takes the action on the application and
        the desk where a delivery happens"""
        pool = self.pool
        Application = pool.get('ossis.application')
        staff = self.staff
        desk = application.desk
        if action in {'submit', 'cancel', 'withdraw'}:
            return staff.user('front_office', desk), None
        if action == 'resume':
            return staff.user('back_office', application.step_unit), None
        if action == 'issue':
            unit = application.decision_unit or application.step_unit
            return (staff.user('back_office', unit)
                or staff.user('unit_head', unit)), None
        if action in {'deliver', 'close'}:
            desk = application.delivery_desk or application.step_unit
            if not staff.user('front_office', desk):
                desks = [d for d in application.lgu_service.desks
                    if staff.user('front_office', d)]
                desk = desks[0] if desks else staff.main_desk
            return staff.user('front_office', desk), desk
        transition = Application._transition(application, action)
        return staff.user(transition.role, application.step_unit), None

    def _prepare(self, steps):
        "Write the comments, reasons and decision texts the actions need"
        pool = self.pool
        Application = pool.get('ossis.application')
        rng = self.rng
        texts = {
            'request_info': ('action_comment', REQUESTS),
            'return': ('action_comment', RETURNS),
            'approve': ('decision_text', APPROVALS),
            'reject': ('decision_text', REJECTIONS),
            'withdraw': ('end_reason', WITHDRAWALS),
            'cancel': ('end_reason', CANCELLATIONS),
            }
        to_write = []
        for application, action in steps:
            if action in texts:
                field, choices = texts[action]
                to_write.extend(([application], {field: rng.choice(choices)}))
        if to_write:
            Application.write(*to_write)

    def _take(self, action, user, desk, ids):
        "Take the action on the applications as the user"
        pool = self.pool
        Application = pool.get('ossis.application')
        with self._as(user):
            applications = Application.browse(ids)
            if action == 'submit':
                Application._submit(applications)
            elif action == 'deliver':
                for application in applications:
                    recipient = (application.representative
                        or application.applicant)
                    Application.record_delivery(
                        [application], desk, recipient.rec_name)
            elif action in {'resume', 'issue', 'close', 'withdraw',
                    'cancel'}:
                getattr(Application, action)(applications)
            else:
                Application.act(applications, action)

    # Into the past

    def _feedback(self, ids):
        "Record the ratings that most applicants give after delivery"
        pool = self.pool
        Application = pool.get('ossis.application')
        by_rating = defaultdict(list)
        for application in Application.browse(ids):
            if (application.state in {'delivered', 'closed'}
                    and self.rng.random() < 0.6):
                rating = self.rng.choices(RATINGS, RATING_WEIGHTS)[0]
                by_rating[rating].append(application)
        for rating, applications in sorted(by_rating.items()):
            Application.record_feedback(applications, rating)

    def _count_figures(self):
        "Count the applications dated back in SQL into the figures"
        Application = self.pool.get('ossis.application')
        if hasattr(Application, 'rebuild_summaries'):
            Application.rebuild_summaries([self.company.id])

    def _move_into_past(self, ids):
        """Date each application's history along the working days before
        today and derive the dates of the application from it"""
        from sql import Literal

        from trytond.tools import grouped_slice, reduce_ids
        from trytond.transaction import Transaction
        pool = self.pool
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        Document = pool.get('ossis.application.document')
        cursor = Transaction().connection.cursor()
        application = Application.__table__()
        history = History.__table__()
        document = Document.__table__()
        times = {id_: self._times(self.plans[id_]) for id_ in ids}
        numbers = self._numbers_by_date(Application.browse(ids), times)
        # Free the numbers before they are given again
        for sub_ids in grouped_slice(list(numbers)):
            cursor.execute(*application.update(
                    [application.number], [None],
                    where=reduce_ids(application.id, sub_ids)))
        rows = defaultdict(list)
        cursor.execute(*history.select(
                history.id, history.application, history.action,
                history.from_state, history.to_state,
                where=history.company == self.company.id,
                order_by=history.id.asc))
        for history_id, application_id, action, from_, to in cursor:
            if action == 'forward' and from_ == to == 'submitted':
                # The intake, taken by the submission
                action = None
            rows[application_id].append((history_id, action))
        for record in Application.browse(ids):
            created, events = times[record.id]
            values = self._dates(record, created, events)
            values['number'] = numbers.get(record.id, record.number)
            columns = [getattr(application, c) for c in values]
            cursor.execute(*application.update(
                    columns, list(values.values()),
                    where=application.id == record.id))
            cursor.execute(*document.update(
                    [document.received_date], [created.date()],
                    where=(document.application == record.id)
                    & (document.status != Literal('missing'))))
            for history_id, date in self._history_dates(
                    rows[record.id], events):
                cursor.execute(*history.update(
                        [history.date, history.create_date], [date, date],
                        where=history.id == history_id))

    def _times(self, plan):
        """Return when the draft was created and the (action, time) of each
        event, the last one at least a working day before today"""
        pool = self.pool
        Calendar = pool.get('ossis.calendar')
        rng = self.rng
        gaps = [0 if action == 'submit' else rng.randint(*GAPS[action])
            for action, _ in plan.events]
        if plan.events and plan.events[0][0] == 'submit':
            # Some are late: the step took longer than its days
            gaps = [g + (rng.randint(3, 12) if rng.random() < 0.1 else 0)
                for g in gaps]
        low, high = AGES[plan.target]
        age = rng.randint(low, high)
        if plan.events:
            age = max(age, sum(gaps) + 1)
        date = Calendar.add_working_days(self.company, self.today, -age)
        time = self._time_of_day(date)
        created = time - dt.timedelta(minutes=rng.randint(3, 25))
        if plan.target == 'draft':
            created = min(time, self.now - dt.timedelta(minutes=5))
        events = []
        for (action, _), gap in zip(plan.events, gaps):
            if gap:
                date = Calendar.add_working_days(self.company, date, gap)
                time = self._time_of_day(date)
            elif events:
                time += dt.timedelta(minutes=rng.randint(5, 90))
            events.append((action, min(time, self.now)))
        return created, events

    def _time_of_day(self, date):
        minutes = self.rng.randint(8 * 60, 15 * 60 + 30)
        return dt.datetime.combine(date, dt.time(minutes // 60, minutes % 60))

    @staticmethod
    def _numbers_by_date(applications, times):
        "Return the numbers given again in the order of submission"
        submitted = sorted(
            (a for a in applications if a.number),
            key=lambda a: (times[a.id][1][0][1], a.id))
        numbers = sorted(a.number for a in submitted)
        return {a.id: n for a, n in zip(submitted, numbers)}

    @staticmethod
    def _history_dates(rows, events):
        """Return the date of each history row: the time of its event; the
        intake taken at submission shares the time of the submission"""
        events = list(events)
        time = events[0][1] if events else None
        for history_id, action in rows:
            if events and events[0][0] == action:
                _, time = events.pop(0)
            yield history_id, time

    def _dates(self, record, created, events):
        "Return the dates of the application derived from its events"
        pool = self.pool
        Application = pool.get('ossis.application')
        Calendar = pool.get('ossis.calendar')
        company = self.company
        values = {'create_date': created}
        if not events:
            return values
        suspendable = record.service.suspendable if record.service else False
        step_time = suspended = None
        waited = step_waited = 0
        for action, time in events:
            if action in STEP_ACTIONS:
                step_time, step_waited = time, 0
            if action == 'submit':
                values['submitted_date'] = time
            elif action == 'request_info' and suspendable:
                suspended = time.date()
            elif action == 'resume' and suspended:
                days = Calendar.working_days_between(
                    company, suspended, time.date())
                waited += days
                step_waited += days
                suspended = None
            elif action in DECIDING:
                values['decided_date'] = time
            elif action == 'issue':
                values['issued_date'] = time
            elif action == 'deliver':
                values['delivered_date'] = time
            elif action in {'close', 'withdraw', 'cancel'}:
                values['closed_date'] = time
        if 'submitted_date' not in values:
            return values
        submitted = values['submitted_date'].date()
        due_date = Application._due_date(record, submitted)
        if due_date and waited:
            due_date = Calendar.add_working_days(company, due_date, waited)
        step_due_date = None
        if record.step and step_time:
            step_due_date = Calendar.add_working_days(
                company, step_time.date(), record.step.days)
            if step_waited:
                step_due_date = Calendar.add_working_days(
                    company, step_due_date, step_waited)
        values.update({
                'step_date': step_time,
                'step_due_date': step_due_date,
                'due_date': due_date,
                'suspended_date': (
                    suspended if record.state == 'waiting' else None),
                'suspended_days': waited,
                # As the daily check of late steps counts them
                'overdue': bool(
                    record.state in {'submitted', 'in_progress'}
                    and step_due_date
                    and Calendar.working_days_between(
                        company, step_due_date, self.today) >= 1),
                })
        if record.fee_state == 'paid':
            values['fee_paid_date'] = submitted
        return values
