#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Build a large PostgreSQL database of applications for the benchmarks

A database with N applications (10k, 100k, 1m...) spread over the 61
municipalities and three years, made in three phases:

1. the seed (a database of its own, reused by every size): every OSSIS
   module activated (``ossis init``), the demo data (``ossis demo``: the
   pilot municipalities with their modules and a few hundred applications
   taken by the real process to every state, at the desk, online and from
   another system, by citizens of both genders and businesses, with their
   history, checklists and ratings), then the other municipalities
   organised through the ORM: live, a front desk and a back office unit
   offering the whole national catalogue, a user per role (the demo's
   password) and the numbering of the applications of the years;
2. the copy: the database of the size made from the seed with
   ``CREATE DATABASE ... TEMPLATE``;
3. the multiplication, in SQL: the seed's applications are the templates,
   copied with their history, checklist and rating (INSERT ... SELECT over
   generate_series) into the municipalities in proportion to their
   population, onto the municipality's offer, desk, units and staff of the
   same role, for new applicants (one for about three applications), with
   their dates moved back by whole weeks over three years (running ones
   stay recent), the numbers of the municipality's register in the order
   of submission, new tracking and verification codes; then ANALYZE and
   the summaries of the figures of monitoring are computed again
   (``Application.rebuild_summaries``).

N counts the templates too.  The database is named after its size
(bench_large_<size>) and reused when it has that size already; a smaller
one is extended.  The foreign keys, unique constraints and indexes of the
tables filled are dropped during the multiplication and made again before
it commits, so that PostgreSQL checks every row at once; --check checks
besides that nothing links two municipalities and that the staff of some
municipalities find only theirs through the ORM.

    python benchmarks/large_database.py 100k --check
    python benchmarks/large_database.py 1m --database bench_large_1m \\
        --postgresql postgresql://postgres@127.0.0.1:5432/ --rebuild

Other benchmarks import it::

    from large_database import large_database
    database = large_database('1m')
    database.name, database.users['tirane']['front_office']
"""
import argparse
import base64
import collections
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from bench_database import POSTGRESQL

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_URI = POSTGRESQL
PREFIX = 'bench_large_'
SEED_MARK = 'ossis large database seed'
# The password of the demo users, given to the staff made here too
PASSWORD = 'ossis-demo'
ROLES = ['front_office', 'back_office', 'unit_head']
YEARS = 3
# Share of the copies that are still running, submitted in the last weeks
RUNNING_SHARE = 8
RUNNING_WEEKS = 3
# The templates are up to about 4 months old
FINISHED_WEEKS = YEARS * 52 - 18
# Applications per applicant, about
PER_APPLICANT = 3
# Inhabitants per slot of the draw of the municipality of an application
INHABITANTS = 5000
RUNNING = ('draft', 'submitted', 'in_progress', 'waiting', 'decided', 'ready')
TABLES = [
    'ossis_applicant', 'ossis_application', 'ossis_application_history',
    'ossis_application_document', 'ossis_application_feedback']
# The symbols of base32 as those of ossis_application.verification
BASE32_TO_CODE = str.maketrans(
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', '0123456789ABCDEFGHJKMNPQRSTVWXYZ')

# ossis_base.identifier
CHECK_ALPHABET = 'WABCDEFGHIJKLMNOPQRSTUV'
WEIGHTS = (1, 1, 2, 3, 4, 5, 6, 7, 8)

LargeDatabase = collections.namedtuple('LargeDatabase', [
        'name', 'uri', 'applications', 'companies', 'users', 'password'])
LargeDatabase.__doc__ = """The database made: its name and server, its
number of applications, the municipalities' ids by code and the user ids by
code and role (front_office, back_office, unit_head), whose password is
password"""


def parse_size(text):
    "Return the number of applications of '10k', '1m' or '2500'"
    match = re.fullmatch(r'(\d+)([km]?)', text.strip().lower())
    if not match:
        raise ValueError(f"not a size: {text!r} (e.g. 10k, 100k, 1m)")
    return int(match.group(1)) * {'': 1, 'k': 1000, 'm': 10 ** 6}[
        match.group(2)]


def size_label(count):
    "Return the short name of the count: 10k, 1m..."
    for unit, factor in [('m', 10 ** 6), ('k', 1000)]:
        if count >= factor and count % factor == 0:
            return f'{count // factor}{unit}'
    return str(count)


class Phases:
    "Print each phase with the seconds it took"

    def __init__(self, indent=''):
        self.indent = indent
        self.times = {}

    @contextlib.contextmanager
    def __call__(self, name):
        if not self.indent:
            print(f"{name}...", flush=True)
        start = time.perf_counter()
        yield
        self.times[name] = time.perf_counter() - start
        print(f"{self.indent}{name}: {self.times[name]:.1f} s", flush=True)


def connect(uri, database, autocommit=False):
    import psycopg
    return psycopg.connect(uri + database, autocommit=autocommit)


def large_database(size, name=None, uri=DEFAULT_URI, rebuild=False,
        seed=None, rebuild_seed=False):
    """Return the LargeDatabase of size applications (a number or '100k'),
    building or extending it first when it has fewer; rebuild makes it
    again from the seed, rebuild_seed makes the seed again too"""
    count = parse_size(size) if isinstance(size, str) else size
    name = name or PREFIX + size_label(count)
    seed = seed or PREFIX + 'seed'
    phases = Phases()
    start = time.perf_counter()
    with connect(uri, 'postgres', autocommit=True) as server:
        if rebuild or rebuild_seed:
            drop(server, name)
        state = database_state(server, name)
        if state is None:
            if rebuild_seed:
                drop(server, seed)
            if database_state(server, seed) != SEED_MARK:
                with phases(f"seed {seed} (ossis init, ossis demo, "
                        "municipalities)"):
                    build_seed(server, uri, seed)
            with phases(f"copy of {seed} to {name}"):
                server.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE "{seed}"')
            state = {'applications': None, 'templates': None}
            comment(server, name, state)
        elif not isinstance(state, dict) or 'applications' not in state:
            raise RuntimeError(
                f"{name} is not a large database of applications: "
                "rebuild it (--rebuild) or name another")
    with connect(uri, name) as connection:
        templates = state.get('templates') or connection.execute(
            "SELECT MAX(id) FROM ossis_application").fetchone()[0]
        present = count_applications(connection)
        if present > count:
            raise RuntimeError(f"{name} has {present} applications, more "
                f"than {count}: rebuild it (--rebuild)")
        if present < count:
            with phases(f"{count - present} applications copied in SQL"):
                Multiplier(connection, templates).run(count - present)
            with phases("ANALYZE"):
                connection.commit()
                connection.autocommit = True
                connection.execute("ANALYZE")
                connection.autocommit = False
            with phases("summaries of the figures"):
                run_summaries(uri, name)
            comment(connection, name, {
                    'applications': count, 'templates': templates})
        else:
            print(f"{name} has its {count} applications already "
                "(--rebuild builds it again)")
        database = LargeDatabase(
            name, uri, count, companies(connection), users(connection),
            PASSWORD)
        report(connection, database)
    print(f"{name} ready in {time.perf_counter() - start:.1f} s")
    return database


def database_state(server, name):
    """Return None when the database does not exist, else its comment as
    JSON if it is, else as text"""
    row = server.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        "WHERE datname = %s", (name,)).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or '{}')
    except ValueError:
        return row[0]


def comment(connection, name, value):
    "Write the value (as JSON unless text) in the comment of the database"
    text = value if isinstance(value, str) else json.dumps(value)
    connection.execute(
        f'COMMENT ON DATABASE "{name}" IS '
        + "'" + text.replace("'", "''") + "'")
    if not connection.autocommit:
        connection.commit()


def drop(server, name):
    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_applications(connection):
    return connection.execute(
        "SELECT COUNT(*) FROM ossis_application").fetchone()[0]


# --- 1. the seed -------------------------------------------------------------

def build_seed(server, uri, seed):
    "Make the seed database with ossis init, ossis demo and organise"
    drop(server, seed)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['TRYTOND_DATABASE_URI'] = uri
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [os.path.join(ROOT, 'src'), env.get('PYTHONPATH')]))
    with tempfile.TemporaryDirectory(prefix='bench_large_') as folder:
        config = os.path.join(folder, 'ossis.conf')
        with open(config, 'w') as file:
            file.write(f"[database]\nuri = {uri}\nlanguage = en\n")
        password = os.path.join(folder, 'password')
        with open(password, 'w') as file:
            file.write(PASSWORD + '\n')
        os.chmod(password, 0o600)
        ossis = [sys.executable, '-m', 'ossis.cli', '-c', config]
        for command in [
                ossis + ['init', '-d', seed,
                    '--admin-password-file', password],
                ossis + ['demo', '-d', seed],
                [sys.executable, os.path.abspath(__file__),
                    '--organise', seed]]:
            subprocess.run(
                command, env=env, cwd=ROOT, check=True,
                stdout=subprocess.DEVNULL)
    comment(server, seed, SEED_MARK)


def organise(seed):
    """Make every municipality live with a desk, a back office unit and
    the whole catalogue where it has no offer, a user per role where it
    has none, and the numbering of the years; run in a process of its own
    with trytond configured for the seed's server"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(seed)
    with Transaction().start(seed, 0, readonly=True):
        pool.init()
    with Transaction().start(seed, 0, context={'active_test': False}):
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        Numbering = pool.get('ossis.numbering')
        User = pool.get('res.user')
        today = Date.today()
        # Hashed once: hashing is slow on purpose
        password_hash = User.hash_password(PASSWORD)
        for company in Company.search([], order=[('code', 'ASC')]):
            if company.ossis_status not in {'pilot', 'live'}:
                company.ossis_status = 'live'
                company.go_live_date = today.replace(year=today.year - YEARS)
                company.save()
            offer_catalogue(company)
            staff(company, password_hash)
            for year in range(today.year - YEARS, today.year + 1):
                Numbering._get(company, 'application', year)
        Transaction().commit()


def offer_catalogue(company):
    "Give the municipality without offer a desk, a unit and the catalogue"
    from bench_database import offer_catalogue
    from trytond.pool import Pool
    Offer = Pool().get('ossis.lgu.service')
    if Offer.search([('company', '=', company.id)], limit=1):
        return
    offer_catalogue(
        company, "Zyra me një ndalesë", "Drejtoria e Shërbimeve")


def staff(company, password_hash):
    """Give each role without user in the municipality one: the clerk at
    every desk, the specialist and the head in every responsible unit"""
    from trytond.modules.ossis_services.tests import municipality
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    OrgUnit = pool.get('ossis.org_unit')
    ModelData = pool.get('ir.model.data')
    Offer = pool.get('ossis.lgu.service')
    desks = OrgUnit.search([
            ('company', '=', company.id), ('type', '=', 'front_office')])
    units = sorted({o.responsible_unit for o in Offer.search([
                    ('company', '=', company.id)]) if o.responsible_unit},
        key=lambda u: u.id)
    for role in ROLES:
        group = ModelData.get_id('ossis_base', f'group_{role}')
        if User.search([
                    ('company', '=', company.id), ('groups', '=', group)],
                limit=1):
            continue
        org_units = desks if role == 'front_office' else units
        head_of = [u for u in units if not u.head] if role == 'unit_head' \
            else None
        employee = municipality.employee(
            company, f"{company.rec_name} {role}", org_units,
            head_of=head_of)
        user = municipality.staff_user(
            f'{company.code}.{role}', company, f'group_{role}', employee)
        User.write([user], {'password_hash': password_hash})


# --- 3. the multiplication ---------------------------------------------------

def create_check_letter(connection):
    "Create pg_temp.lg_check_letter: ossis_base.identifier.check_letter"
    connection.execute(f"""
        CREATE OR REPLACE FUNCTION pg_temp.lg_check_letter(body TEXT)
        RETURNS TEXT LANGUAGE SQL IMMUTABLE AS $$
        SELECT substr('{CHECK_ALPHABET}', (SUM(CASE WHEN c ~ '[0-9]'
                THEN c::INTEGER
                ELSE strpos('{CHECK_ALPHABET}', c) - 1 END * w)
                % {len(CHECK_ALPHABET)})::INTEGER + 1, 1)
        FROM unnest(string_to_array(body, NULL),
            ARRAY{list(WEIGHTS)}) AS t(c, w)
        $$""")


def random_codes(count):
    """Yield count pairs of a random tracking and verification code, in
    the format of ossis_application.verification (Python makes them many
    times faster than SQL)"""
    symbols = base64.b32encode(os.urandom(count * 25)).decode().translate(
        BASE32_TO_CODE)
    for start in range(0, 40 * count, 40):
        tracking = symbols[start:start + 20]
        verification = symbols[start + 20:start + 36]
        yield ('-'.join(tracking[i:i + 5] for i in range(0, 20, 5)),
            '-'.join(verification[i:i + 4] for i in range(0, 16, 4)))


def hash_sql(expression, salt, modulo):
    "Return the SQL of a pseudo-random number in [0, modulo) of expression"
    return f"mod(hashint8extended({expression}, {salt}) & 2147483647, " \
        f"{modulo})"


class Multiplier:
    """Copy the templates (the applications of id up to templates) into
    count new applications in one transaction"""

    def __init__(self, connection, templates):
        self.connection = connection
        self.templates = templates

    def execute(self, sql, params=None):
        return self.connection.execute(sql, params)

    def run(self, count):
        started = self.execute(
            "SELECT COALESCE(MAX(id), 0) FROM ossis_application").fetchone()[0]
        step = Phases('    ')
        # The indexes are made again at the end, on millions of rows
        self.execute("SET LOCAL maintenance_work_mem = '512MB'")
        self.execute("SET LOCAL work_mem = '128MB'")
        with step("offers, staff and templates"):
            self.prepare()
        with step("draw and numbers"):
            self.choose(count, started)
            self.number()
        constraints = self.drop_constraints()
        with step("applicants"):
            self.insert_applicants()
        with step("applications"):
            self.insert_applications()
        with step("history, checklists and ratings"):
            self.insert_lines()
        with step("constraints and indexes made again, every row checked"):
            for statement in constraints:
                self.execute(statement)
        for table in TABLES:
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))")
        with step("commit"):
            self.connection.commit()

    def prepare(self):
        """The offers of each municipality with their desk, unit, workflow
        and staff; the templates with what is mapped onto them"""
        create_check_letter(self.connection)
        self.execute("""
            CREATE TEMP TABLE lg_role ON COMMIT DROP AS
            SELECT DISTINCT ON (u.id) u.id AS "user", u.employee,
                u.company, substr(d.fs_id, 7) AS role
            FROM res_user u
            JOIN "res_user-res_group" ug ON ug."user" = u.id
            JOIN ir_model_data d ON d.model = 'res.group'
                AND d.module = 'ossis_base' AND d.db_id = ug."group"
                AND d.fs_id IN ('group_front_office', 'group_back_office',
                    'group_unit_head')
            WHERE u.employee IS NOT NULL
            ORDER BY u.id, d.fs_id DESC""")
        self.execute("""
            CREATE TEMP TABLE lg_offer ON COMMIT DROP AS
            SELECT o.id AS offer, o.company, o.service, o.service_code,
                o.online, o.responsible_unit AS unit, d.desk,
                COALESCE(w.id, n.id) AS workflow
            FROM ossis_lgu_service o
            JOIN (SELECT lgu_service, MIN(desk) AS desk
                FROM "ossis_lgu_service-ossis_org_unit"
                GROUP BY lgu_service) d ON d.lgu_service = o.id
            LEFT JOIN (SELECT DISTINCT ON (company, service_code) company,
                    service_code, id
                FROM ossis_workflow WHERE state = 'active'
                ORDER BY company, service_code, id DESC) w
                ON w.company = o.company AND w.service_code = o.service_code
            LEFT JOIN (SELECT DISTINCT ON (service_code) service_code, id
                FROM ossis_workflow
                WHERE state = 'active' AND company IS NULL
                ORDER BY service_code, id DESC) n
                ON n.service_code = o.service_code
            WHERE o.active AND o.responsible_unit IS NOT NULL""")
        self.execute("DELETE FROM lg_offer WHERE workflow IS NULL")
        # Who acts in each role for the offer: at its desk, in its unit
        for role, unit in [('front_office', 'desk'),
                ('back_office', 'unit'), ('unit_head', 'unit')]:
            self.execute(f"""
                ALTER TABLE lg_offer ADD COLUMN {role}_user INTEGER,
                    ADD COLUMN {role}_employee INTEGER""")
            self.execute(f"""
                UPDATE lg_offer o SET {role}_user = r."user",
                    {role}_employee = r.employee
                FROM (SELECT DISTINCT ON (o.offer) o.offer, r."user",
                        r.employee
                    FROM lg_offer o JOIN lg_role r ON r.company = o.company
                        AND r.role = '{role}'
                    LEFT JOIN "ossis_org_unit-company_employee" e
                        ON e.employee = r.employee AND e.org_unit = o.{unit}
                    LEFT JOIN ossis_org_unit h ON h.id = o.{unit}
                        AND h.head = r.employee
                    ORDER BY o.offer, {'h.id' if role == 'unit_head'
                        else 'e.id'} NULLS LAST, r."user") r
                WHERE r.offer = o.offer""")
        self.execute("""
            CREATE TEMP TABLE lg_step ON COMMIT DROP AS
            SELECT id, workflow, code FROM ossis_workflow_step""")
        self.execute("CREATE INDEX ON lg_step (workflow, code)")
        self.execute("""
            CREATE TEMP TABLE lg_template ON COMMIT DROP AS
            SELECT t.id, t.applicant, o.service_code, s.code AS step_code,
                t.state = ANY(%s) AS running, t.channel,
                su.type = 'front_office' AS step_at_desk,
                ra.role AS assignee_role, rd.role AS decided_by_role,
                rv.role AS delivered_by_role,
                rt.company IS NULL AS receipt_national,
                ot.company IS NULL AS output_national
            FROM ossis_application t
            LEFT JOIN ossis_document_template rt ON rt.id = t.receipt_template
            LEFT JOIN ossis_document_template ot ON ot.id = t.output_template
            JOIN ossis_lgu_service o ON o.id = t.lgu_service
            LEFT JOIN ossis_workflow_step s ON s.id = t.step
            LEFT JOIN ossis_org_unit su ON su.id = t.step_unit
            LEFT JOIN lg_role ra ON ra.employee = t.assignee
            LEFT JOIN lg_role rd ON rd.employee = t.decided_by
            LEFT JOIN lg_role rv ON rv.employee = t.delivered_by
            WHERE t.id <= %s""", (list(RUNNING), self.templates))
        # The templates that fit each offer: the same service, online only
        # where it is offered online, a step of the same code in its
        # workflow
        self.execute("""
            CREATE TEMP TABLE lg_eligible ON COMMIT DROP AS
            SELECT o.company, t.running, t.id AS template, o.offer,
                (ROW_NUMBER() OVER (PARTITION BY o.company, t.running
                    ORDER BY t.id, o.offer) - 1)::INTEGER AS rank,
                (SELECT s.id FROM lg_step s WHERE s.workflow = o.workflow
                    AND s.code = t.step_code) AS step
            FROM lg_template t
            JOIN lg_offer o ON o.service_code = t.service_code
            WHERE (t.channel != 'online' OR o.online)
                AND (t.step_code IS NULL OR EXISTS (SELECT 1 FROM lg_step s
                    WHERE s.workflow = o.workflow AND s.code = t.step_code))
            """)
        self.execute("CREATE INDEX ON lg_eligible (company, running, rank)")
        self.execute("ANALYZE lg_eligible")
        self.execute("""
            CREATE TEMP TABLE lg_kind ON COMMIT DROP AS
            SELECT company, running, COUNT(*)::INTEGER AS templates
            FROM lg_eligible GROUP BY company, running""")
        # The draw of the municipality: a slot per INHABITANTS inhabitants
        self.execute("""
            CREATE TEMP TABLE lg_slot ON COMMIT DROP AS
            SELECT (ROW_NUMBER() OVER (ORDER BY c.id, g) - 1)::INTEGER
                    AS slot, c.id AS company
            FROM company_company c
            JOIN lg_kind k ON k.company = c.id AND NOT k.running
            JOIN lg_kind r ON r.company = c.id AND r.running,
            generate_series(1, GREATEST(1, ROUND(COALESCE(c.population,
                (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY
                    population) FROM company_company)) / %s)::INTEGER)) g
            """, (INHABITANTS,))
        self.execute("""
            CREATE TEMP TABLE lg_admin ON COMMIT DROP AS
            SELECT company, id, (ROW_NUMBER() OVER (PARTITION BY company
                    ORDER BY id) - 1)::INTEGER AS rank,
                COUNT(*) OVER (PARTITION BY company)::INTEGER AS units
            FROM ossis_administrative_unit""")
        self.execute("CREATE INDEX ON lg_admin (company, rank)")

    def choose(self, count, started):
        """Draw the municipality, the age and the template of each copy;
        group the copies of a template in a municipality by applicant"""
        slots = self.execute("SELECT COUNT(*) FROM lg_slot").fetchone()[0]
        self.execute(f"""
            CREATE TEMP TABLE lg_draw ON COMMIT DROP AS
            SELECT k, s.company,
                {hash_sql('k', 2, 100)} < {RUNNING_SHARE} AS running,
                {hash_sql('k', 3, 1000003)} AS pick
            FROM generate_series(%s + 1, %s + %s) k
            JOIN lg_slot s ON s.slot = {hash_sql('k', 1, slots)}
            """, (started, started, count))
        self.execute("ANALYZE lg_draw")
        self.execute(f"""
            CREATE TEMP TABLE lg_copy ON COMMIT DROP AS
            SELECT d.k AS id, d.company, e.template, e.offer,
                e.step, o.service, o.workflow, o.unit, o.desk,
                o.front_office_user, o.front_office_employee,
                o.back_office_user, o.back_office_employee,
                o.unit_head_user, o.unit_head_employee,
                (7 * CASE WHEN d.running
                    THEN {hash_sql('d.k', 4, RUNNING_WEEKS)}
                    ELSE {hash_sql('d.k', 4, FINISHED_WEEKS)} END
                    ) * INTERVAL '1 day' AS shift,
                t.applicant AS template_applicant,
                ((ROW_NUMBER() OVER (PARTITION BY d.company, t.applicant
                    ORDER BY d.k) - 1) / {PER_APPLICANT})::INTEGER AS grp
            FROM lg_draw d
            JOIN lg_kind n ON n.company = d.company AND n.running = d.running
            JOIN lg_eligible e ON e.company = d.company
                AND e.running = d.running AND e.rank = mod(d.pick, n.templates)
            JOIN lg_template t ON t.id = e.template
            JOIN lg_offer o ON o.offer = e.offer
            """)
        self.execute("CREATE INDEX ON lg_copy (template)")
        self.execute("ANALYZE lg_copy")
        self.execute("""CREATE TEMP TABLE lg_code (
                id INTEGER, tracking TEXT, verification TEXT)
            ON COMMIT DROP""")
        with self.connection.cursor().copy("COPY lg_code FROM STDIN") as copy:
            for id_, (tracking, verification) in enumerate(
                    random_codes(count), started + 1):
                copy.write_row((id_, tracking, verification))
        self.execute("ANALYZE lg_code")
        copied = self.execute("SELECT COUNT(*) FROM lg_copy").fetchone()[0]
        if copied != count:
            raise RuntimeError(f"{copied} copies drawn instead of {count}")

    def drop_constraints(self):
        """Drop the foreign keys, unique constraints and indexes of the
        tables filled (but their primary keys) and return the statements
        that make them again, checking every row at once"""
        statements = []
        for table in TABLES:
            for name, definition in self.execute("""
                    SELECT conname, pg_get_constraintdef(oid)
                    FROM pg_constraint
                    WHERE conrelid = %s::regclass AND contype IN ('f', 'u')
                    """, (table,)).fetchall():
                self.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                statements.append(f'ALTER TABLE {table} ADD CONSTRAINT '
                    f'"{name}" {definition}')
            for name, definition in self.execute("""
                    SELECT i.relname, pg_get_indexdef(i.oid)
                    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                    WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                    """, (table,)).fetchall():
                self.execute(f'DROP INDEX "{name}"')
                statements.append(definition)
        return statements

    def insert(self, table, source, values):
        """Insert into the table a row per row of the source query (aliases
        c: the copy, t: the template row), the columns from values or else
        from the template, the dates and times moved back by c.shift"""
        columns = self.execute("""
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_name = %s ORDER BY ordinal_position""",
            (table,)).fetchall()
        names, expressions = [], []
        for name, data_type in columns:
            names.append(f'"{name}"')
            if name in values:
                expressions.append(values[name])
            elif data_type in {'date', 'timestamp without time zone'}:
                expressions.append(f't."{name}" - c.shift')
            else:
                expressions.append(f't."{name}"')
        self.execute(f"INSERT INTO {table} ({', '.join(names)}) "
            f"SELECT {', '.join(expressions)} {source}")

    def actor(self, role_column, kind):
        "Return the SQL of the user or employee of the copy in the role"
        return (f"CASE {role_column} " + ' '.join(
                f"WHEN '{role}' THEN c.{role}_{kind}" for role in ROLES)
            + " END")

    def insert_applicants(self):
        """A new applicant per group of copies of a template applicant, of
        the same kind and gender, with an identifier of its own in the
        municipality and a residence there"""
        self.execute("""
            CREATE TEMP TABLE lg_applicant ON COMMIT DROP AS
            SELECT (SELECT MAX(id) FROM ossis_applicant)
                    + ROW_NUMBER() OVER (ORDER BY c.company,
                        c.template_applicant, c.grp) AS id,
                c.company, c.template_applicant, c.grp,
                COALESCE(n.applicants, 0)
                    + ROW_NUMBER() OVER (PARTITION BY c.company
                        ORDER BY c.template_applicant, c.grp) AS serial
            FROM (SELECT DISTINCT company, template_applicant, grp
                FROM lg_copy) c
            LEFT JOIN (SELECT company, COUNT(*) AS applicants
                FROM ossis_applicant GROUP BY company) n
                ON n.company = c.company""")
        self.execute("CREATE INDEX ON lg_applicant "
            "(company, template_applicant, grp)")
        self.execute("ANALYZE lg_applicant")
        # Personal numbers of people born in 1910-1949 and business numbers
        # of the 2020s: the demo's applicants have none of them
        body = """CASE WHEN t.kind = 'business'
                THEN 'M' || lpad((c.serial % 100000000)::TEXT, 8, '0')
                ELSE substr('BCDE', (c.serial / 3360000 % 4)::INTEGER + 1, 1)
                    || (c.serial / 336000 % 10)::TEXT
                    || lpad((c.serial / 28000 % 12 + 1
                        + CASE WHEN t.gender = 'female' THEN 50 ELSE 0 END
                        )::TEXT, 2, '0')
                    || lpad((c.serial / 1000 % 28 + 1)::TEXT, 2, '0')
                    || lpad((c.serial % 1000)::TEXT, 3, '0') END"""
        self.insert('ossis_applicant', f"""
            FROM (SELECT c.*, {body} AS body, INTERVAL '0' AS shift
                FROM lg_applicant c
                JOIN ossis_applicant t ON t.id = c.template_applicant) c
            JOIN ossis_applicant t ON t.id = c.template_applicant
            JOIN lg_admin u ON u.company = c.company
                AND u.rank = mod(c.serial, u.units)""", {
                'id': 'c.id',
                'company': 'c.company',
                'identifier': 'c.body || pg_temp.lg_check_letter(c.body)',
                'administrative_unit': 'u.id',
                'create_uid': '0',
                'write_uid': 'NULL',
                })

    def insert_applications(self):
        self.insert('ossis_application', """
            FROM lg_copy c
            JOIN ossis_application t ON t.id = c.template
            JOIN lg_template m ON m.id = c.template
            JOIN lg_applicant a ON a.company = c.company
                AND a.template_applicant = c.template_applicant
                AND a.grp = c.grp
            JOIN ossis_applicant p ON p.id = a.id
            JOIN lg_code x ON x.id = c.id
            LEFT JOIN lg_number n ON n.id = c.id""", {
                'id': 'c.id',
                'company': 'c.company',
                'lgu_service': 'c.offer',
                'service': 'c.service',
                'workflow': 'c.workflow',
                'step': 'c.step',
                'step_unit': "CASE WHEN t.step_unit IS NULL THEN NULL "
                "WHEN m.step_at_desk THEN c.desk ELSE c.unit END",
                'desk': 'CASE WHEN t.desk IS NOT NULL THEN c.desk END',
                'delivery_desk':
                'CASE WHEN t.delivery_desk IS NOT NULL THEN c.desk END',
                'decision_unit':
                'CASE WHEN t.decision_unit IS NOT NULL THEN c.unit END',
                'administrative_unit': 'CASE WHEN t.administrative_unit '
                'IS NOT NULL THEN p.administrative_unit END',
                'applicant': 'a.id',
                'representative': 'NULL',
                'assignee': self.actor('m.assignee_role', 'employee'),
                'decided_by': self.actor('m.decided_by_role', 'employee'),
                'delivered_by': self.actor(
                    'm.delivered_by_role', 'employee'),
                'fee_exemption': 'CASE WHEN c.service = t.service '
                'THEN t.fee_exemption END',
                'receipt_template':
                'CASE WHEN m.receipt_national THEN t.receipt_template END',
                'output_template':
                'CASE WHEN m.output_national THEN t.output_template END',
                'tracking_code': 'x.tracking',
                'verification_code': 'CASE WHEN t.verification_code '
                'IS NOT NULL THEN x.verification END',
                'number': "n.prefix || lpad(n.serial::TEXT, n.padding, '0')",
                # The PDF names its application: none for the copies
                'output_document': 'NULL',
                'output_sha256': 'NULL',
                'create_uid': 'c.front_office_user',
                'write_uid': 'c.front_office_user',
                })

    def insert_lines(self):
        "The history, checklist and rating of the templates, copied"
        self.execute("""
            CREATE TEMP TABLE lg_history ON COMMIT DROP AS
            SELECT h.id, ru.role AS user_role, re.role AS employee_role,
                ra.role AS assignee_role, f.code AS from_code,
                s.code AS to_code
            FROM ossis_application_history h
            LEFT JOIN lg_role ru ON ru."user" = h."user"
            LEFT JOIN lg_role re ON re.employee = h.employee
            LEFT JOIN lg_role ra ON ra.employee = h.assignee
            LEFT JOIN ossis_workflow_step f ON f.id = h.from_step
            LEFT JOIN ossis_workflow_step s ON s.id = h.to_step
            WHERE h.application <= %s""", (self.templates,))
        base = "(SELECT COALESCE(MAX(id), 0) FROM {0}) + ROW_NUMBER() OVER ()"
        self.insert('ossis_application_history', """
            FROM lg_copy c
            JOIN ossis_application_history t ON t.application = c.template
            JOIN lg_history m ON m.id = t.id
            LEFT JOIN lg_step f ON f.workflow = c.workflow
                AND f.code = m.from_code
            LEFT JOIN lg_step s ON s.workflow = c.workflow
                AND s.code = m.to_code""", {
                'id': base.format('ossis_application_history'),
                'application': 'c.id',
                'company': 'c.company',
                'user': 'CASE WHEN t."user" IS NULL THEN NULL ELSE '
                f'COALESCE({self.actor("m.user_role", "user")}, 0) END',
                'employee': self.actor('m.employee_role', 'employee'),
                'assignee': self.actor('m.assignee_role', 'employee'),
                'from_step': 'f.id',
                'to_step': 's.id',
                'create_uid': '0',
                'write_uid': 'NULL',
                })
        self.insert('ossis_application_document', """
            FROM lg_copy c
            JOIN ossis_application_document t
                ON t.application = c.template""", {
                'id': base.format('ossis_application_document'),
                'application': 'c.id',
                'create_uid': 'c.front_office_user',
                'write_uid': 'NULL',
                })
        self.insert('ossis_application_feedback', """
            FROM lg_copy c
            JOIN ossis_application_feedback t
                ON t.application = c.template
            LEFT JOIN lg_role r ON r.employee = t.recorded_by""", {
                'id': base.format('ossis_application_feedback'),
                'application': 'c.id',
                'company': 'c.company',
                'unit': 'CASE WHEN t.unit IS NOT NULL THEN c.unit END',
                'recorded_by': self.actor('r.role', 'employee'),
                'create_uid': '0',
                'write_uid': 'NULL',
                })

    def number(self):
        """Number the submitted copies in the register of their
        municipality and year, in the order of submission, after the
        numbers given already"""
        self.execute("""
            CREATE TEMP TABLE lg_number ON COMMIT DROP AS
            SELECT c.id, q.id AS sequence, q.prefix, q.padding,
                q.number_next_internal - 1 + ROW_NUMBER() OVER (
                    PARTITION BY q.id
                    ORDER BY t.submitted_date - c.shift, c.id) AS serial
            FROM lg_copy c
            JOIN ossis_application t ON t.id = c.template
            JOIN ossis_numbering n ON n.company = c.company
                AND n.kind = 'application'
                AND n.year = EXTRACT(YEAR FROM t.submitted_date - c.shift)
            JOIN ir_sequence_strict q ON q.id = n.sequence
            WHERE t.number IS NOT NULL""")
        self.execute("CREATE INDEX ON lg_number (id)")
        self.execute("ANALYZE lg_number")
        self.execute("""
            UPDATE ir_sequence_strict q SET number_next_internal = n.last + 1
            FROM (SELECT sequence, MAX(serial) AS last FROM lg_number
                GROUP BY sequence) n
            WHERE n.sequence = q.id""")
        unnumbered = self.execute("""
            SELECT COUNT(*) FROM lg_copy c
            JOIN ossis_application t ON t.id = c.template
            LEFT JOIN lg_number n ON n.id = c.id
            WHERE t.number IS NOT NULL AND n.id IS NULL""").fetchone()[0]
        if unnumbered:
            raise RuntimeError(f"{unnumbered} submitted copies without a "
                "numbering of their year")


# --- what was made -----------------------------------------------------------

def companies(connection):
    "Return the ids of the municipalities by code"
    return dict(connection.execute(
            "SELECT code, id FROM company_company ORDER BY code").fetchall())


def users(connection):
    "Return the ids of the users of each municipality by code and role"
    result = collections.defaultdict(lambda: {r: [] for r in ROLES})
    for code, role, user in connection.execute("""
            SELECT c.code, substr(d.fs_id, 7), u.id
            FROM res_user u
            JOIN company_company c ON c.id = u.company
            JOIN "res_user-res_group" ug ON ug."user" = u.id
            JOIN ir_model_data d ON d.model = 'res.group'
                AND d.module = 'ossis_base' AND d.db_id = ug."group"
            WHERE u.active AND d.fs_id = ANY(%s)
            ORDER BY c.code, u.id""",
            ([f'group_{r}' for r in ROLES],)).fetchall():
        result[code][role].append(user)
    return dict(result)


def report(connection, database):
    "Print the rows made, by year and by municipality"
    counts = {table: connection.execute(
            f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in TABLES}
    print(', '.join(f"{counts[t]} {t.removeprefix('ossis_')}"
            for t in TABLES))
    years = connection.execute("""
        SELECT EXTRACT(YEAR FROM submitted_date)::INTEGER, COUNT(*)
        FROM ossis_application GROUP BY 1 ORDER BY 1 NULLS FIRST""")
    print("submitted by year: " + ', '.join(
            f"{year or 'draft'}: {count}" for year, count in years))
    states = connection.execute("""
        SELECT state, COUNT(*) FROM ossis_application
        GROUP BY 1 ORDER BY 2 DESC""")
    print("by state: " + ', '.join(f"{s} {c}" for s, c in states))
    municipalities = connection.execute("""
        SELECT c.code, COUNT(a.id) FROM company_company c
        LEFT JOIN ossis_application a ON a.company = c.id
        GROUP BY c.code ORDER BY 2 DESC""").fetchall()
    print(f"{len(municipalities)} municipalities, from "
        f"{municipalities[0][0]} {municipalities[0][1]} to "
        f"{municipalities[-1][0]} {municipalities[-1][1]}; staff of "
        f"{sum(1 for u in database.users.values() if all(u.values()))} "
        f"have a user in each role")


# --- the checks --------------------------------------------------------------

# What must not happen (PostgreSQL checks the foreign keys and the unique
# codes and numbers itself): each query counts the rows at fault
CHECKS = {
    "applications linked to another municipality's offer, applicant, "
    "desk, units or staff": """
        SELECT COUNT(*) FROM ossis_application a
        JOIN ossis_lgu_service o ON o.id = a.lgu_service
        JOIN ossis_applicant p ON p.id = a.applicant
        LEFT JOIN ossis_org_unit d ON d.id = a.desk
        LEFT JOIN ossis_org_unit s ON s.id = a.step_unit
        LEFT JOIN ossis_org_unit u ON u.id = a.decision_unit
        LEFT JOIN ossis_org_unit v ON v.id = a.delivery_desk
        LEFT JOIN ossis_administrative_unit r
            ON r.id = a.administrative_unit
        LEFT JOIN company_employee e ON e.id = a.assignee
        LEFT JOIN company_employee b ON b.id = a.decided_by
        LEFT JOIN company_employee l ON l.id = a.delivered_by
        WHERE a.company != o.company OR a.company != p.company
            OR a.company != d.company OR a.company != s.company
            OR a.company != u.company OR a.company != v.company
            OR a.company != r.company OR a.company != e.company
            OR a.company != b.company OR a.company != l.company""",
    "applications on a step of another workflow or a service of another "
    "offer": """
        SELECT COUNT(*) FROM ossis_application a
        JOIN ossis_lgu_service o ON o.id = a.lgu_service
        LEFT JOIN ossis_workflow_step s ON s.id = a.step
        WHERE s.workflow != a.workflow OR o.service != a.service""",
    "history lines, ratings of another municipality than their "
    "application's": """
        SELECT (SELECT COUNT(*) FROM ossis_application_history h
            JOIN ossis_application a ON a.id = h.application
            LEFT JOIN company_employee e ON e.id = h.employee
            LEFT JOIN ossis_workflow_step s ON s.id = h.to_step
            WHERE h.company != a.company OR e.company != a.company
                OR s.workflow != a.workflow)
        + (SELECT COUNT(*) FROM ossis_application_feedback f
            JOIN ossis_application a ON a.id = f.application
            LEFT JOIN ossis_org_unit u ON u.id = f.unit
            WHERE f.company != a.company OR u.company != a.company)""",
    "submitted applications without the number of their municipality "
    "and year": """
        SELECT COUNT(*) FROM ossis_application a
        JOIN company_company c ON c.id = a.company
        WHERE a.submitted_date IS NOT NULL AND (a.number IS NULL
            OR a.number NOT LIKE c.number_prefix || '-'
                || EXTRACT(YEAR FROM a.submitted_date) || '-%')""",
    "registers whose next number is given already": """
        SELECT COUNT(*) FROM ossis_numbering n
        JOIN ir_sequence_strict q ON q.id = n.sequence
        JOIN ossis_application a ON a.company = n.company
            AND a.number = q.prefix
                || lpad(q.number_next_internal::TEXT, q.padding, '0')""",
    "applicants with an invalid identifier": """
        SELECT COUNT(*) FROM ossis_applicant
        WHERE pg_temp.lg_check_letter(substr(identifier, 1, 9))
            != substr(identifier, 10, 1)""",
    "constraints not validated": """
        SELECT COUNT(*) FROM pg_constraint WHERE NOT convalidated""",
    }


def check(database):
    """Run the checks of CHECKS and the searches of the staff of the
    municipalities through the ORM; return whether all passed"""
    passed = True
    with connect(database.uri, database.name) as connection:
        create_check_letter(connection)
        for label, sql in CHECKS.items():
            faults = connection.execute(sql).fetchone()[0]
            passed &= not faults
            print(f"{'ok' if not faults else 'FAILED'}: {faults} {label}")
        rows = connection.execute("""
            SELECT c.code, EXTRACT(YEAR FROM a.submitted_date)::INTEGER,
                COUNT(*)
            FROM ossis_application a
            JOIN company_company c ON c.id = a.company
            WHERE a.submitted_date IS NOT NULL
            GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    table = collections.defaultdict(dict)
    for code, year, count in rows:
        table[code][year] = count
    years = sorted({year for _, year, _ in rows})
    print(f"submitted by municipality and year ({len(table)} "
        "municipalities, the largest three and the smallest):")
    print(f"  {'':<12}" + ''.join(f"{y:>9}" for y in years))
    ranked = sorted(table, key=lambda c: -sum(table[c].values()))
    for code in ranked[:3] + ranked[-1:]:
        print(f"  {code:<12}" + ''.join(
                f"{table[code].get(y, 0):>9}" for y in years))
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['TRYTOND_DATABASE_URI'] = database.uri
    codes = [ranked[0], 'elbasan', ranked[-1]]
    process = subprocess.run([
            sys.executable, os.path.abspath(__file__),
            '--check-staff', database.name, *codes], env=env, cwd=ROOT)
    return passed and not process.returncode


def run_summaries(uri, name):
    "Rebuild the summaries of the figures in a process of its own"
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_NAME', 'DB_CACHE'}}
    env['TRYTOND_DATABASE_URI'] = uri
    subprocess.run([
            sys.executable, os.path.abspath(__file__),
            '--summaries', name], env=env, cwd=ROOT, check=True)


def summaries(name):
    """Count the applications copied in SQL into the summaries of the
    figures and store their processing days, as the ORM does for each
    change"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    with Transaction().start(name, 0, readonly=True):
        pool.init()
    with Transaction().start(name, 0):
        pool.get('ossis.application').rebuild_summaries()


def check_staff(name, codes):
    """Search as the clerk, the specialist and the head of each municipality
    with their access rights, as the client does: each must find the
    applications, history lines, applicants and ratings of theirs, and
    none through a search on another municipality's"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(name)
    with Transaction().start(name, 0, readonly=True):
        pool.init()
    with connect(os.environ['TRYTOND_DATABASE_URI'], name) as connection:
        database = LargeDatabase(
            name, None, None, companies(connection), users(connection), None)
        expected = {code: dict(zip(TABLES, connection.execute(
                        "SELECT " + ", ".join(
                            f"(SELECT COUNT(*) FROM {table} "
                            f"WHERE company = %(company)s)"
                            if table != 'ossis_application_document' else
                            "(SELECT COUNT(*) FROM ossis_application_document "
                            "d JOIN ossis_application a "
                            "ON a.id = d.application "
                            "WHERE a.company = %(company)s)"
                            for table in TABLES),
                        {'company': database.companies[code]}).fetchone()))
            for code in codes}
    models = {table: table.replace('_', '.', 1).replace(
                'application_', 'application.') for table in TABLES}
    failed = False
    for code in codes:
        other = next(c for c in database.companies if c != code)
        for role in ROLES:
            user = database.users[code][role][0]
            with Transaction().start(name, user, readonly=True):
                User = pool.get('res.user')
                context = User.get_preferences(context_only=True)
            context['_check_access'] = True
            with Transaction().start(
                    name, user, readonly=True, context=context):
                found = {table: pool.get(models[table]).search_count([])
                    for table in TABLES}
                Application = pool.get('ossis.application')
                crossing = Application.search_count([
                        ('applicant.company.code', '=', other)])
                # The copies read as the ORM reads them in the forms
                for application in Application.search(
                        [], order=[('id', 'DESC')], limit=100):
                    (application.rec_name, application.applicant.rec_name,
                        application.lgu_service.rec_name,
                        application.step and application.step.rec_name,
                        application.documents_complete,
                        len(application.history))
            wrong = found != expected[code]
            failed |= wrong or bool(crossing)
            print(f"{'FAILED' if wrong or crossing else 'ok'}: {role} of "
                f"{code} finds " + ', '.join(
                    f"{found[t]} {t.removeprefix('ossis_')}"
                    for t in TABLES)
                + f" (of {expected[code]['ossis_application']} "
                f"applications in SQL), {crossing} of {other}'s")
    sys.exit(1 if failed else 0)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[2:]))
    parser.add_argument(
        'size', nargs='?', default='100k',
        help="applications: 10k, 100k, 1m or a number (default: "
        "%(default)s)")
    parser.add_argument(
        '--database', metavar='NAME',
        help=f"database name (default: {PREFIX}<size>)")
    parser.add_argument(
        '--seed', metavar='NAME', default=PREFIX + 'seed',
        help="the seed database, reused by every size "
        "(default: %(default)s)")
    parser.add_argument(
        '--postgresql', metavar='URI', default=DEFAULT_URI,
        help="PostgreSQL server, without database name "
        "(default: %(default)s)")
    parser.add_argument(
        '--rebuild', action='store_true',
        help="drop the database and make it again from the seed")
    parser.add_argument(
        '--rebuild-seed', action='store_true',
        help="make the seed again too (after the modules or the demo "
        "changed)")
    parser.add_argument(
        '--check', action='store_true',
        help="check the links between municipalities, the numbers and "
        "what the staff of some municipalities find with their rights")
    parser.add_argument('--organise', help=argparse.SUPPRESS)
    parser.add_argument('--check-staff', nargs='+', help=argparse.SUPPRESS)
    parser.add_argument('--summaries', help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.organise:
        organise(options.organise)
        return
    if options.check_staff:
        check_staff(options.check_staff[0], options.check_staff[1:])
        return
    if options.summaries:
        summaries(options.summaries)
        return
    database = large_database(
        options.size, name=options.database, uri=options.postgresql,
        rebuild=options.rebuild, seed=options.seed,
        rebuild_seed=options.rebuild_seed)
    if options.check and not check(database):
        sys.exit(1)


if __name__ == '__main__':
    main()
