# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data: Elbasan fully set up, Pogradec beside it, a user per role

Loading is idempotent: records are found by their natural keys (codes,
names, logins) and updated, so the demo can be loaded again after an update.
The demo users have known passwords: never load this into production.
"""
import datetime as dt

DEMO_PASSWORD = 'ossis-demo'

# key, name, type, parent key, administrative unit code
ORGANISATION = {
    'elbasan': [
        ('mayor', "Kabineti i Kryetarit - Elbasan", 'management', None,
            'elbasan.elbasan'),
        ('oss', "Drejtoria e Shërbimeve me Një Ndalesë - Elbasan",
            'management', None, 'elbasan.elbasan'),
        ('desk_center', "Sporteli OSS Elbasan Qendër", 'front_office', 'oss',
            'elbasan.elbasan'),
        ('desk_shirgjan', "Sporteli OSS Shirgjan - Elbasan", 'front_office',
            'oss', 'elbasan.shirgjan'),
        ('desk_gjinar', "Sporteli OSS Gjinar - Elbasan", 'front_office',
            'oss', 'elbasan.gjinar'),
        ('desk_bradashesh', "Sporteli OSS Bradashesh - Elbasan",
            'front_office', 'oss', 'elbasan.bradashesh'),
        ('territory', "Drejtoria e Planifikimit të Territorit - Elbasan",
            'back_office', None, 'elbasan.elbasan'),
        ('permits', "Sektori i Lejeve të Ndërtimit - Elbasan", 'back_office',
            'territory', 'elbasan.elbasan'),
        ('taxes', "Drejtoria e Taksave Vendore - Elbasan", 'back_office',
            None, 'elbasan.elbasan'),
        ('social', "Drejtoria e Shërbimeve Sociale - Elbasan",
            'back_office', None, 'elbasan.elbasan'),
        ('registry', "Sektori i Protokoll-Arkivës - Elbasan", 'other', None,
            'elbasan.elbasan'),
        ],
    'pogradec': [
        ('oss', "Drejtoria e Shërbimeve me Një Ndalesë - Pogradec",
            'management', None, 'pogradec.pogradec'),
        ('desk_center', "Sporteli OSS Pogradec Qendër", 'front_office',
            'oss', 'pogradec.pogradec'),
        ('desk_udenisht', "Sporteli OSS Udenisht - Pogradec",
            'front_office', 'oss', 'pogradec.udenisht'),
        ('taxes', "Drejtoria e Taksave Vendore - Pogradec", 'back_office',
            None, 'pogradec.pogradec'),
        ],
    }

# login, name, municipality (None: all), groups, language, position,
# org unit key, heads the unit
USERS = [
    ('elbasan.front', "Arta Hoxha", 'elbasan', ['group_front_office'], 'en',
        "Front office operator", 'desk_center', False),
    ('elbasan.sportel', "Blerina Kola", 'elbasan', ['group_front_office'],
        'sq', "Operatore sporteli", 'desk_shirgjan', False),
    ('elbasan.back', "Dritan Shehu", 'elbasan', ['group_back_office'], 'en',
        "Urban planning specialist", 'permits', False),
    ('elbasan.head', "Elona Basha", 'elbasan', ['group_unit_head'], 'en',
        "Head of territory planning", 'territory', True),
    ('elbasan.admin', "Fatmir Leka", 'elbasan', ['group_lgu_admin'], 'en',
        "IT administrator", 'oss', False),
    ('elbasan.auditor', "Gentiana Muça", 'elbasan', ['group_auditor'], 'en',
        "Internal auditor", 'mayor', False),
    ('elbasan.trainer', "Ilir Dervishi", 'elbasan', ['group_trainer'], 'en',
        "Trainer", 'oss', False),
    ('elbasan.helpdesk', "Jonida Prifti", 'elbasan', ['group_helpdesk'], 'en',
        "Help desk agent", 'oss', False),
    ('pogradec.front', "Klodiana Gjoni", 'pogradec', ['group_front_office'],
        'en', "Front office operator", 'desk_center', False),
    ('pogradec.admin', "Luan Rama", 'pogradec', ['group_lgu_admin'], 'en',
        "IT administrator", 'oss', False),
    ('national.admin', "Mirela Daci", None, ['group_national_admin'], 'en',
        "National administrator", None, False),
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


def load(database_name):
    "Load the demo data into the database and print the logins"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(database_name)
    with Transaction().start(database_name, 0, readonly=True):
        pool.init()
    with Transaction().start(
            database_name, 0, context={'active_test': False}):
        companies = _setup_companies(pool)
        units = _setup_organisation(pool, companies)
        _setup_closures(pool, companies)
        _setup_users(pool, companies, units)
        _setup_admin(pool, companies)
    print_logins()


def _setup_companies(pool):
    Company = pool.get('company.company')
    companies = {c.code: c for c in Company.search([])}
    for code, (status, go_live) in STATUSES.items():
        company = companies[code]
        company.ossis_status = status
        company.go_live_date = go_live
        company.save()
    return companies


def _setup_organisation(pool, companies):
    OrgUnit = pool.get('ossis.org_unit')
    AdministrativeUnit = pool.get('ossis.administrative_unit')
    administrative_units = {
        u.code: u for u in AdministrativeUnit.search([
                ('company.code', 'in', list(ORGANISATION)),
                ])}
    units = {}
    for code, rows in ORGANISATION.items():
        company = companies[code]
        for sequence, (key, name, type_, parent, unit_code) in enumerate(
                rows, 1):
            org_units = OrgUnit.search([
                    ('company', '=', company.id),
                    ('name', '=', name),
                    ], limit=1)
            org_unit = org_units[0] if org_units else OrgUnit(
                company=company, name=name)
            org_unit.type = type_
            org_unit.sequence = sequence
            org_unit.parent = units[code, parent] if parent else None
            org_unit.administrative_unit = administrative_units[unit_code]
            org_unit.active = True
            org_unit.save()
            units[code, key] = org_unit
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
    langs = {l.code: l for l in Lang.search([('code', 'in', ['en', 'sq'])])}
    all_companies = list(companies.values())
    for (login, name, code, groups, language, position, unit_key,
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
                pool, company, name, position, units[code, unit_key])
            user.employees = [employee]
            user.employee = employee
            if head:
                org_unit = units[code, unit_key]
                org_unit.head = employee
                org_unit.save()
        user.save()


def _get_employee(pool, company, name, position, org_unit):
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
    employee.org_units = [org_unit]
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
