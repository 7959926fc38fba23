# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data: a user per role in Elbasan, Pogradec beside it

The organisation of the municipalities (org units, desks, offer) comes from
their modules ossis_lgu_<code>; the demo adds the people: users and their
employees in those org units, and the pilot statuses and closure days.

Loading is idempotent: records are found by their natural keys (codes,
names, logins, XML ids) and updated, so the demo can be loaded again after
an update.  The demo users have known passwords: never load this into
production.
"""
import datetime as dt
import glob
import os
import time

from . import demo_applications, demo_portal, demo_seal, fingerprint
from .errors import CommandError

DEMO_PASSWORD = 'ossis-demo'
# Valid identifiers that no demo applicant has, for trying the intake of a
# new applicant: a woman born on 12 March 1985, and a business
TEST_NID = 'I55312345R'
TEST_NIPT = 'L21015501N'
# The key of the fingerprint of the last loading of the demo data
DEMO = 'demo'

# login, name, municipality (None: all), groups, language, position,
# org units (keys: the XML id org_<key> of the module
# ossis_lgu_<municipality>; RESPONSIBLE: every unit responsible for an offer
# of the municipality, less the units given with a leading "-"),
# heads its units
RESPONSIBLE = '*'
USERS = [
    ('elbasan.front', "Arta Hoxha", 'elbasan', ['group_front_office'], 'en',
        "Front office operator", ['desk_center'], False),
    ('elbasan.sportel', "Blerina Kola", 'elbasan', ['group_front_office'],
        'sq', "Operatore sporteli", ['desk_shirgjan'], False),
    ('elbasan.back', "Dritan Shehu", 'elbasan', ['group_back_office'], 'en',
        "Back office specialist",
        [RESPONSIBLE, '-territory', '-agriculture'], False),
    ('elbasan.urban', "Erion Cani", 'elbasan', ['group_back_office'], 'en',
        "Territory and land specialist", ['territory', 'agriculture'],
        False),
    ('elbasan.head', "Elona Basha", 'elbasan', ['group_unit_head'], 'en',
        "Head of the back office units", [RESPONSIBLE], True),
    ('elbasan.admin', "Fatmir Leka", 'elbasan', ['group_lgu_admin'], 'en',
        "IT administrator", ['oss'], False),
    ('elbasan.auditor', "Gentiana Muça", 'elbasan', ['group_auditor'], 'en',
        "Internal auditor", ['mayor'], False),
    ('elbasan.trainer', "Ilir Dervishi", 'elbasan', ['group_trainer'], 'en',
        "Trainer", ['oss'], False),
    ('elbasan.helpdesk', "Jonida Prifti", 'elbasan', ['group_helpdesk'], 'en',
        "Help desk agent", ['oss'], False),
    ('pogradec.front', "Klodiana Gjoni", 'pogradec', ['group_front_office'],
        'en', "Front office operator", ['desk_center'], False),
    ('pogradec.back', "Nertil Sula", 'pogradec', ['group_back_office'],
        'en', "Back office specialist", [RESPONSIBLE], False),
    ('pogradec.head', "Ornela Meta", 'pogradec', ['group_unit_head'],
        'en', "Head of the back office units", [RESPONSIBLE], True),
    ('pogradec.admin', "Luan Rama", 'pogradec', ['group_lgu_admin'], 'en',
        "IT administrator", ['oss'], False),
    ('national.admin', "Mirela Daci", None, ['group_national_admin'], 'en',
        "National administrator", [], False),
    ]

STATUSES = {
    'elbasan': ('pilot', None),
    'pogradec': ('pilot', None),
    'polican': ('pilot', None),
    }

CLOSURES = {
    'elbasan': [
        (dt.date(2026, 12, 18), "Ditë trajnimi e stafit"),
        ],
    }


def load(database_name, force=False):
    """Load the demo data into the database and print the logins

    Nothing is loaded when the demo data is there already and neither the
    modules nor the demo changed since (unless forced)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    wanted = _fingerprint(database_name)
    if (not force and wanted
            and fingerprint.read(database_name, DEMO) == wanted):
        print("The demo data is already loaded and nothing changed since "
            "('ossis demo --force' loads it again)")
        print_logins()
        print_identifiers()
        return
    fingerprint.write(database_name, DEMO, None)
    report = Report()
    report(f"Loading the demo data into {database_name!r}")
    pool = Pool(database_name)
    with Transaction().start(database_name, 0, readonly=True):
        pool.init()
    with Transaction().start(
            database_name, 0, context={'active_test': False}):
        companies = _setup_companies(pool)
        # Before the applications, so that their outputs are sealed
        demo_seal.setup(
            {code: companies[code] for code in STATUSES}, report)
        units = _find_organisation(pool, database_name)
        _setup_closures(pool, companies)
        demo_portal.setup(pool, companies)
        _setup_users(pool, companies, units)
        _setup_admin(pool, companies)
    _setup_external_system(pool, database_name)
    report(f"Pilot municipalities: {', '.join(STATUSES)}; "
        f"{len(USERS) + 1} demo users")
    print_logins()
    print_identifiers()
    started = time.monotonic()
    counts = _load_applications(pool, database_name, report)
    print_applications(counts, time.monotonic() - started)
    report("Running the scheduled jobs that are due")
    _run_due_jobs(pool, database_name)
    print_escalated(_count_escalated(pool, database_name))
    if wanted:
        fingerprint.write(database_name, DEMO, wanted)


def _fingerprint(database_name):
    """Return the fingerprint of the demo data: the one of the modules of
    the last "ossis init" and the code of the demo, or None without the
    former"""
    modules = fingerprint.read(database_name, fingerprint.INIT)
    if not modules:
        return None
    folder = os.path.dirname(__file__)
    sources = sorted(glob.glob(os.path.join(folder, 'demo*.py')))
    return fingerprint.of_files(
        [(os.path.basename(p), p) for p in sources], [modules])


class Report:
    "Print a line of progress with the seconds since the start"

    def __init__(self):
        self.started = time.monotonic()

    def __call__(self, text):
        elapsed = time.monotonic() - self.started
        print(f"{elapsed:5.0f}s  {text}", flush=True)


def _load_applications(pool, database_name, report):
    "Make the demo applications in a transaction, tried again on a lock"
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for attempt in range(5):
        try:
            with Transaction().start(database_name, 0, **extras):
                Company = pool.get('company.company')
                companies = {c.code: c for c in Company.search([])}
                counts = demo_applications.load(pool, companies, report)
                if any(c is not None for c in counts.values()):
                    _settle_notifications(pool)
                return counts
        except TransactionError as exception:
            exception.fix(extras)
    raise RuntimeError("the demo applications could not be made")


def _settle_notifications(pool):
    """Record the notifications of the demo applications as sent: they
    tell of the past, and their tasks would run after the commit of a
    request, never here (the first scheduled job would then email hundreds
    of demo applicants)"""
    from trytond.transaction import Transaction
    Queue = pool.get('ir.queue')
    transaction = Transaction()
    tasks = Queue.browse(transaction.tasks)
    ids = set()
    for task in tasks:
        if task.data.get('model') == 'ossis.notification':
            instances = task.data.get('instances')
            ids.update([instances] if isinstance(instances, int)
                else instances or [])
    now = dt.datetime.now()
    if ids:
        Notification = pool.get('ossis.notification')
        Notification.write(Notification.browse(sorted(ids)), {
                'state': 'sent',
                'attempts': 1,
                'next_attempt': None,
                'sent_date': now,
                })
    Queue.write(tasks, {'dequeued_at': now, 'finished_at': now})
    transaction.tasks.clear()


def _run_due_jobs(pool, database_name):
    """Run the scheduled jobs that are due, as "ossis cron" does every
    minute (e.g. the daily check of late applications)"""
    Cron = pool.get('ir.cron')
    Cron.run(database_name)


def _count_escalated(pool, database_name):
    "Return the number of escalated applications by municipality"
    from trytond.transaction import Transaction
    with Transaction().start(database_name, 0, readonly=True):
        Application = pool.get('ossis.application')
        Company = pool.get('company.company')
        codes = list(demo_applications.COUNTS)
        companies = {c.code: c for c in Company.search([
                    ('code', 'in', codes),
                    ])}
        return {code: Application.search_count([
                    ('company', '=', companies[code].id),
                    ('escalated', '=', True),
                    ]) for code in codes if code in companies}


def _setup_companies(pool):
    Company = pool.get('company.company')
    companies = {c.code: c for c in Company.search([])}
    for code, (status, go_live) in STATUSES.items():
        company = companies[code]
        company.ossis_status = status
        company.go_live_date = go_live
        company.save()
    return companies


def _find_organisation(pool, database_name):
    "Return the org units of each demo user by login"
    ModelData = pool.get('ir.model.data')
    OrgUnit = pool.get('ossis.org_unit')
    LGUService = pool.get('ossis.lgu.service')
    units = {}
    for login, _, code, _, _, _, keys, _ in USERS:
        if not code:
            continue
        module = f'ossis_lgu_{code}'
        user_units, excluded = [], set()
        for key in keys:
            if key == RESPONSIBLE:
                user_units.extend(sorted({
                            o.responsible_unit for o in LGUService.search([
                                    ('company.code', '=', code),
                                    ('responsible_unit', '!=', None),
                                    ])}, key=lambda u: u.id))
                continue
            name = key.lstrip('-')
            try:
                unit = OrgUnit(ModelData.get_id(module, f'org_{name}'))
            except KeyError:
                raise CommandError(
                    f"the org unit org_{name} of {module} is missing: run "
                    f"'ossis init -d {database_name} -m {module}'")
            if key.startswith('-'):
                excluded.add(unit)
            else:
                user_units.append(unit)
        units[login] = [u for u in user_units if u not in excluded]
    return units


def _setup_closures(pool, companies):
    Closure = pool.get('ossis.calendar.closure')
    for code, closures in CLOSURES.items():
        company = companies[code]
        for date, name in closures:
            if not Closure.search([
                        ('company', '=', company.id),
                        ('date', '=', date),
                        ]):
                Closure(company=company, date=date, name=name).save()


def _setup_users(pool, companies, units):
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    Lang = pool.get('ir.lang')
    OrgUnit = pool.get('ossis.org_unit')
    langs = {l.code: l for l in Lang.search([('code', 'in', ['en', 'sq'])])}
    all_companies = list(companies.values())
    for (login, name, code, groups, language, position, _,
            head) in USERS:
        company = companies[code] if code else companies['elbasan']
        users = User.search([('login', '=', login)], limit=1)
        user = users[0] if users else User(login=login)
        user.name = name
        user.password = DEMO_PASSWORD
        user.language = langs[language]
        user.companies = [company] if code else all_companies
        user.company = company
        user.company_filter = 'one' if code else 'all'
        user.groups = Group.browse([
                ModelData.get_id('ossis_base', g) for g in groups])
        user.active = True
        if code:
            employee = _get_employee(
                pool, company, name, position, units[login])
            user.employees = [employee]
            user.employee = employee
            if head:
                OrgUnit.write(units[login], {'head': employee.id})
        user.save()


def _get_employee(pool, company, name, position, org_units):
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    employees = Employee.search([
            ('company', '=', company.id),
            ('party.name', '=', name),
            ], limit=1)
    if employees:
        employee, = employees
    else:
        party = Party(name=name)
        party.save()
        employee = Employee(company=company, party=party)
    employee.position = position
    employee.org_units = org_units
    employee.save()
    return employee


def _setup_admin(pool, companies):
    "Let the admin user work for every municipality"
    User = pool.get('res.user')
    admin, = User.search([('login', '=', 'admin')])
    admin.companies = list(companies.values())
    admin.company = companies['elbasan']
    admin.company_filter = 'all'
    admin.save()


def print_logins():
    print("Demo logins (password %r for all; admin has the password of the "
        "database):" % DEMO_PASSWORD)
    for login, name, code, groups, language, *_ in USERS:
        role = ', '.join(g.replace('group_', '') for g in groups)
        print(f"  {login:18} {role:15} {code or 'all municipalities':20}"
            f" {language}")
    print(f"  {EXTERNAL_SYSTEM_LOGIN:18} {'external_system':15} "
        f"{'elbasan':20} en")


def print_identifiers():
    print(f"Identifiers for a new applicant (valid, no demo applicant has "
        f"them): NID {TEST_NID} (a citizen), NIPT {TEST_NIPT} (a business)")


def print_escalated(counts):
    print("Late applications reported to the head of their unit: "
        + ', '.join(f'{code} {count}' for code, count in counts.items()))


def print_applications(counts, seconds):
    states = [s for s, _ in demo_applications.TARGETS] + ['overdue']
    for code, count in counts.items():
        if count is None:
            print(f"Applications of {code}: already there, none added")
            continue
        total = sum(v for k, v in count.items() if k != 'overdue')
        print(f"Applications of {code}: {total} "
            f"({', '.join(f'{s} {count[s]}' for s in states)})")
    if any(c is not None for c in counts.values()):
        print(f"Applications made by the process in {seconds:.1f}s")


# The technical user of another system (e.g. a national portal) that files
# applications to Elbasan over XML-RPC/JSON-RPC
EXTERNAL_SYSTEM_LOGIN = 'elbasan.system'


def _setup_external_system(pool, database_name):
    "Create the technical user that files applications from another system"
    from trytond.transaction import Transaction
    with Transaction().start(
            database_name, 0, context={'active_test': False}):
        User = pool.get('res.user')
        Company = pool.get('company.company')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        Lang = pool.get('ir.lang')
        elbasan, = Company.search([('code', '=', 'elbasan')])
        users = User.search([('login', '=', EXTERNAL_SYSTEM_LOGIN)], limit=1)
        user = users[0] if users else User(login=EXTERNAL_SYSTEM_LOGIN)
        user.name = "Elbasan external system"
        user.password = DEMO_PASSWORD
        user.language, = Lang.search([('code', '=', 'en')])
        user.companies = [elbasan]
        user.company = elbasan
        user.company_filter = 'one'
        user.groups = [Group(ModelData.get_id(
                    'ossis_application_external', 'group_external_system'))]
        user.active = True
        user.save()
