# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from unittest import mock

from trytond import backend
from trytond.cache import LRUDict
from trytond.exceptions import UserError
from trytond.model.exceptions import (
    AccessError, SQLConstraintError, ValidationError)
from trytond.modules.ossis_base import cache as ossis_cache
from trytond.modules.ossis_base import identifier
from trytond.modules.ossis_base.exceptions import (
    CalendarError, ClosureValidationError, InvalidIdentifier, LGUMismatchError,
    UserCompanyError)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction, check_access


def lgu(code):
    "Return the municipality of the code"
    pool = Pool()
    Company = pool.get('company.company')
    return Company.get_by_code(code)


def create_lgu_user(login, company, group='group_lgu_admin'):
    "Create a user of the municipality in an OSSIS role"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login,
                'name': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'groups': [('add', [ModelData.get_id('ossis_base', group)])],
                }])
    return user


def as_user(user):
    "Act as the user, with access rights and record rules enforced"
    transaction = Transaction()
    context = {'company': user.company.id if user.company else None}
    return _Stack(
        transaction.set_user(user.id),
        transaction.set_context(context),
        check_access())


class _Stack:
    def __init__(self, *managers):
        self.managers = managers

    def __enter__(self):
        for manager in self.managers:
            manager.__enter__()

    def __exit__(self, *exc):
        for manager in reversed(self.managers):
            manager.__exit__(*exc)


class OssisBaseTestCase(LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Base module"
    module = 'ossis_base'

    # Reference data

    @with_transaction()
    def test_reference_data(self):
        "Test the 61 municipalities, 12 counties and 373 units are loaded"
        pool = Pool()
        Company = pool.get('company.company')
        Subdivision = pool.get('country.subdivision')
        AdministrativeUnit = pool.get('ossis.administrative_unit')

        self.assertEqual(Company.search_count([('code', '!=', None)]), 61)
        self.assertEqual(Subdivision.search_count([
                    ('country.code', '=', 'AL'),
                    ('type', '=', 'county'),
                    ]), 12)
        self.assertEqual(AdministrativeUnit.search_count([
                    ('kind', '=', 'statutory'),
                    ]), 373)
        # The sources name no seat unit for Dropull (seat Bulo) and Finiq
        self.assertEqual(AdministrativeUnit.search_count([
                    ('seat', '=', True),
                    ]), 59)
        elbasan = lgu('elbasan')
        self.assertEqual(elbasan.county.code, 'AL-03')
        self.assertEqual(elbasan.number_prefix, 'ELB')
        self.assertEqual(len(elbasan.administrative_units), 13)
        tirane = lgu('tirane')
        operational = [
            u for u in tirane.administrative_units
            if u.kind == 'operational']
        self.assertEqual(len(operational), 11)
        self.assertTrue(all(u.parent.code == 'tirane.tirane'
                for u in operational))
        self.assertIsNone(lgu('has').population)

    @with_transaction()
    def test_cursor_dict(self):
        "trytond's cursor_dict gives the rows by column name, batch by batch"
        from trytond.model import modelsql
        from trytond.modules.ossis_base import cursor as ossis_cursor
        from trytond.tools import cursor_dict
        cursor = Transaction().connection.cursor()
        cursor.execute(
            'SELECT 1 AS a, 2 AS b UNION ALL SELECT 3, 4 '
            'UNION ALL SELECT 5, 6 ORDER BY a')
        self.assertEqual(
            list(cursor_dict(cursor, size=2)),
            [{'a': 1, 'b': 2}, {'a': 3, 'b': 4}, {'a': 5, 'b': 6}])
        cursor.execute('SELECT 1 AS a WHERE 1 = 0')
        self.assertEqual(list(cursor_dict(cursor)), [])
        # Names as the database gives them, decoded
        cursor.execute('SELECT 1 AS "Çelësi", 2 AS "B"')
        self.assertEqual(list(cursor_dict(cursor)), [{'Çelësi': 1, 'B': 2}])
        # The modules that imported it by name run the same code
        self.assertEqual(
            modelsql.cursor_dict.__code__.co_filename,
            ossis_cursor.cursor_dict.__code__.co_filename)

    @with_transaction()
    def test_long_query_placeholders(self):
        """psycopg converts the placeholders of long queries as its own code
        does, and runs them"""
        from sql import Table

        from psycopg import _queries

        from trytond.modules.ossis_base import placeholders
        self.assertEqual(
            _queries._query2pg_nocache.__code__.co_filename,
            placeholders.query2pg.__code__.co_filename)
        table = Table('t')
        rows = [[i, f'{i}%', None] for i in range(60)]
        queries = [
            tuple(table.insert([table.a, table.b, table.c], rows)),
            tuple(table.select(table.a, where=table.a.in_(range(70)))),
            ('SELECT %s', (1,)),
            ("SELECT '100%%', %s", (1,)),
            ('SELECT %(a)s, %(a)s', {'a': 1}),
            ('SELECT %b, %t', (b'x', 'y')),
            ('SELECT 1', None),
            ]
        for query, params in queries:
            with self.subTest(query=query[:40]):
                query = query.encode()
                given = placeholders.query2pg(query, 'utf-8')
                expected = placeholders.psycopg_query2pg(query, 'utf-8')
                self.assertEqual(given[:3], expected[:3])
                self.assertEqual(len(given[3]), len(expected[3]))
                self.assertEqual(given[3][0].item, expected[3][0].item)
        if backend.name == 'postgresql':
            cursor = Transaction().connection.cursor()
            values = list(range(200))
            cursor.execute(
                'SELECT ' + ', '.join(['%s::integer'] * len(values)), values)
            self.assertEqual(list(cursor.fetchone()), values)

    @with_transaction()
    def test_cache_ignores_wizard_records(self):
        """trytond's caches keyed by the context find their values again
        when only the records of a wizard differ"""
        pool = Pool()
        Model = pool.get('ir.model')
        cache = Model._get_names_cache
        Model.get_name_items()
        hits = cache.hit
        for active_id in [1, 2]:
            with Transaction().set_context(
                    active_model='ossis.org_unit', active_id=active_id,
                    active_ids=[active_id, 3]):
                Model.get_name_items()
        self.assertEqual(cache.hit, hits + 2)
        # The rest of the context still keys the values
        misses = cache.miss
        with Transaction().set_context(language='sq'):
            Model.get_name_items()
        self.assertEqual(cache.miss, misses + 1)

    @with_transaction()
    def test_record_cache_made_once(self):
        """A transaction makes its cache of records once for a user and a
        context, and keeps those of other users and contexts apart"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        transaction = Transaction()
        get_cache = Transaction.get_cache
        self.assertEqual(
            get_cache.__code__.co_filename,
            ossis_cache.get_cache.__code__.co_filename)
        made = mock.Mock(wraps=LRUDict)
        with mock.patch.dict(get_cache.__globals__, LRUDict=made):
            cache = transaction.get_cache()
            self.assertIs(transaction.get_cache(), cache)
            OrgUnit(1), OrgUnit(2)
            self.assertIs(transaction.get_cache(), cache)
            once = made.call_count
            with transaction.set_user(transaction.user + 1):
                self.assertIsNot(transaction.get_cache(), cache)
            with transaction.set_context(language='sq'):
                self.assertIsNot(transaction.get_cache(), cache)
            self.assertEqual(made.call_count, once + 2)
            # The records of a model are kept in the cache of their model
            cache['ossis.org_unit'][1]['name'] = "Kept"
            self.assertEqual(
                transaction.get_cache()['ossis.org_unit'][1]['name'], "Kept")

    @with_transaction()
    def test_rollback_after_commit_of_cleared_cache(self):
        """What a transaction does after a commit that cleared a cache is
        still rolled back"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        transaction = Transaction()
        elbasan = lgu('elbasan')
        # A unit created clears the cache of the units users act for
        kept, = OrgUnit.create([{'company': elbasan.id, 'name': "Kept"}])
        transaction.commit()
        try:
            OrgUnit.create([{'company': elbasan.id, 'name': "Rolled Back"}])
            transaction.rollback()
            self.assertEqual(
                [u.name for u in OrgUnit.search([
                            ('name', 'in', ["Kept", "Rolled Back"])])],
                ["Kept"])
        finally:
            OrgUnit.delete([kept])
            transaction.commit()

    @with_transaction()
    def test_log_lines_stored_at_commit(self):
        """The lines of trytond's log of a call are stored at its commit as
        they were built; no user may make one"""
        pool = Pool()
        Log = pool.get('ir.model.log')
        Party = pool.get('party.party')
        transaction = Transaction()
        party, = Party.create([{'name': "Log"}])
        transaction.commit()
        try:
            with transaction.set_user(1), check_access():
                Party.write([Party(party.id)], {'name': "Log Again"})
            transaction.commit()
            line, = Log.search([('resource', '=', str(party))])
            self.assertEqual(
                (line.event, line.target, line.user.id), ('write', 'name', 1))
            self.assertEqual(line.action, "Name")
            # Stored with who made it and when, as a create stores a record
            self.assertEqual(line.create_uid.id, 1)
            self.assertIsNotNone(line.create_date)

            # Only trytond makes the lines
            with check_access(), self.assertRaises(AccessError):
                Log.create([{'event': 'write', 'resource': str(party)}])
            transaction.rollback()
            self.assertEqual(
                Log.search_count([('resource', '=', str(party))]), 1)
        finally:
            Log.delete(Log.search([('resource', '=', str(party))]))
            Party.delete([party])
            transaction.commit()

    @with_transaction()
    def test_selection_labels_built_once_per_read(self):
        "The labels of the values of a selection are built once per read"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        elbasan = lgu('elbasan')
        units = OrgUnit.create([{
                    'company': elbasan.id, 'name': name, 'type': type_,
                    } for name, type_ in [
                    ("Taxes", 'back_office'), ("Mayor", 'management'),
                    ("Archive", 'other')]])
        ids = [u.id for u in units]
        with mock.patch.object(
                OrgUnit, 'fields_get', wraps=OrgUnit.fields_get) as built:
            rows = OrgUnit.read(ids, ['type:string'])
            self.assertEqual(
                [r['type:string'] for r in rows],
                ["Back Office Unit", "Management", "Other"])
            self.assertEqual(built.call_count, 1)
            OrgUnit.read(ids * 10, ['type:string'])
            self.assertEqual(built.call_count, 2)

    def test_json_answer_pieces(self):
        "The tokens of a long JSON answer are joined into large pieces"
        from trytond.modules.ossis_base.jsonrpc import pieces
        # 7,000 characters in 5,000 tokens
        tokens = ['{', '"a"', ':', '1', '}'] * 1000
        joined = list(pieces(tokens, size=1000))
        self.assertEqual(''.join(joined), ''.join(tokens))
        self.assertEqual(len(joined), 7)
        self.assertTrue(all(len(p) >= 1000 for p in joined[:-1]))
        self.assertEqual(list(pieces([])), [])

    # Identifiers

    def test_identifier_valid(self):
        "Test the published NID and NIPT examples are valid"
        for number in ['J91402501L', 'K22218003V', ' j91402501l ']:
            with self.subTest(number=number):
                self.assertTrue(identifier.is_valid(number))

    def test_identifier_invalid(self):
        "Test malformed numbers and wrong check letters are refused"
        for number in [
                'J91402501M', 'K22218003A', 'J9140250L', '191402501L',
                'J9140250XL', '', None]:
            with self.subTest(number=number):
                self.assertFalse(identifier.is_valid(number))

    def test_identifier_birth_date(self):
        "Test the date of birth of a personal number"
        for number, date in [
                ('J00101999W', dt.date(1990, 1, 1)),
                ('J05512265E', dt.date(1990, 5, 12)),
                ('I55317084W', dt.date(1985, 3, 17)),
                ('J91402501L', None),
                ('K22218003V', None),
                ('J00230001A', None),
                ('J05600001A', None),
                ('J9140250L', None),
                ]:
            with self.subTest(number=number):
                self.assertEqual(identifier.birth_date(number), date)

    def test_identifier_sex(self):
        "Test the sex of a personal number"
        for number, sex in [
                ('J00101999W', 'male'),
                ('I55317084W', 'female'),
                ('K22218003V', None),
                ]:
            with self.subTest(number=number):
                self.assertEqual(identifier.sex(number), sex)

    @with_transaction()
    def test_lgu_nipt_valid(self):
        "Test a valid NIPT is stored compact"
        elbasan = lgu('elbasan')
        elbasan.nipt = 'k 22218003v'
        elbasan.save()
        self.assertEqual(elbasan.nipt, 'K22218003V')

    @with_transaction()
    def test_lgu_nipt_invalid(self):
        "Test a bad NIPT is refused and nothing is stored"
        pool = Pool()
        Company = pool.get('company.company')
        transaction = Transaction()
        elbasan = lgu('elbasan')

        with self.assertRaises(InvalidIdentifier) as cm:
            Company.write([elbasan], {'nipt': 'K22218003A'})
        self.assertIn('K22218003A', cm.exception.message)
        transaction.rollback()

        self.assertIsNone(Company(elbasan.id).nipt)

    @with_transaction()
    def test_lgu_code_unique(self):
        "Test a duplicate municipality code is refused and nothing is stored"
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        transaction = Transaction()
        elbasan = lgu('elbasan')
        count = Company.search_count([])

        party, = Party.create([{'name': "Another Elbasan"}])
        with self.assertRaises(SQLConstraintError) as cm:
            Company.create([{
                        'party': party.id,
                        'currency': elbasan.currency.id,
                        'code': 'elbasan',
                        'number_prefix': 'XEL',
                        }])
        self.assertIn('code', cm.exception.message)
        transaction.rollback()

        self.assertEqual(Company.search_count([]), count)
        self.assertFalse(Party.search([('name', '=', "Another Elbasan")]))

    # Organisation

    @with_transaction()
    def test_org_unit_tree(self):
        "Test an org unit tree inside a municipality"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        elbasan = lgu('elbasan')
        seat, = [u for u in elbasan.administrative_units if u.seat]

        directorate, = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': "Directorate",
                    'type': 'management',
                    }])
        desk, = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': "Desk",
                    'type': 'front_office',
                    'parent': directorate.id,
                    'administrative_unit': seat.id,
                    }])
        self.assertEqual(desk.rec_name, "Directorate / Desk")
        self.assertEqual(directorate.children, (desk,))

    @with_transaction()
    def test_org_unit_parent_other_lgu(self):
        "Test an org unit under another municipality's unit is refused"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        transaction = Transaction()
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        parent, = OrgUnit.create([{
                    'company': pogradec.id,
                    'name': "Pogradec Directorate",
                    'type': 'management',
                    }])

        with self.assertRaises(LGUMismatchError) as cm:
            OrgUnit.create([{
                        'company': elbasan.id,
                        'name': "Elbasan Sector",
                        'type': 'back_office',
                        'parent': parent.id,
                        }])
        # The other municipality's unit is not named: it may be secret
        self.assertNotIn("Pogradec Directorate", cm.exception.message)
        self.assertIn("Parent", cm.exception.message)
        transaction.rollback()

        self.assertFalse(OrgUnit.search([('name', '=', "Elbasan Sector")]))

    @with_transaction()
    def test_org_unit_administrative_unit_other_lgu(self):
        "Test a desk in another municipality's administrative unit is refused"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        AdministrativeUnit = pool.get('ossis.administrative_unit')
        unit, = AdministrativeUnit.search([('code', '=', 'pogradec.udenisht')])

        with self.assertRaises(LGUMismatchError):
            OrgUnit.create([{
                        'company': lgu('elbasan').id,
                        'name': "Desk",
                        'type': 'front_office',
                        'administrative_unit': unit.id,
                        }])

    @with_transaction()
    def test_front_office_needs_administrative_unit(self):
        "Test a front office desk must stand in an administrative unit"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')

        with self.assertRaises(UserError):
            OrgUnit.create([{
                        'company': lgu('elbasan').id,
                        'name': "Desk",
                        'type': 'front_office',
                        }])

    @with_transaction()
    def test_employee_org_unit(self):
        "Test staff work in org units of their own municipality only"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        unit_elbasan, unit_pogradec = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': "Taxes",
                    }, {
                    'company': pogradec.id,
                    'name': "Taxes",
                    }])
        party, = Party.create([{'name': "Arta"}])

        employee, = Employee.create([{
                    'company': elbasan.id,
                    'party': party.id,
                    'position': "Tax inspector",
                    'org_units': [('add', [unit_elbasan.id])],
                    }])
        self.assertEqual(unit_elbasan.employees, (employee,))
        with self.assertRaises(LGUMismatchError):
            Employee.write([employee], {
                    'org_units': [('add', [unit_pogradec.id])],
                    })

    @with_transaction()
    def test_user_units_follow_changes(self):
        """The units a user acts for, which are cached, follow the changes
        of memberships, heads, units and the user's employees"""
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        elbasan = lgu('elbasan')
        taxes, permits = OrgUnit.create([{
                    'company': elbasan.id, 'name': "Taxes",
                    }, {
                    'company': elbasan.id, 'name': "Permits",
                    }])
        party, = Party.create([{'name': "Arta"}])
        employee, = Employee.create([{
                    'company': elbasan.id, 'party': party.id,
                    }])
        user = create_lgu_user('arta', elbasan)

        def units():
            found = OrgUnit.user_units(user.id)
            return found.employees, set(found.members), set(found.headed)

        self.assertEqual(units(), ((), set(), set()))
        User.write([user], {'employees': [('add', [employee.id])]})
        self.assertEqual(units(), ((employee.id,), set(), set()))
        Employee.write([employee], {'org_units': [('add', [taxes.id])]})
        self.assertEqual(units(), ((employee.id,), {taxes.id}, set()))
        OrgUnit.write([permits], {'head': employee.id})
        self.assertEqual(
            units(), ((employee.id,), {taxes.id}, {permits.id}))
        # An inactive unit is headed by nobody
        OrgUnit.write([permits], {'active': False})
        self.assertEqual(units(), ((employee.id,), {taxes.id}, set()))
        Employee.write([employee], {'org_units': [('remove', [taxes.id])]})
        self.assertEqual(units(), ((employee.id,), set(), set()))
        Employee.write([employee], {'org_units': [('add', [taxes.id])]})
        User.write([user], {'employees': [('remove', [employee.id])]})
        self.assertEqual(units(), ((), set(), set()))
        User.write([user], {'employees': [('add', [employee.id])]})
        self.assertEqual(units(), ((employee.id,), {taxes.id}, set()))
        # The database removes the links of a deleted employee
        Employee.delete([employee])
        self.assertEqual(units(), ((), set(), set()))

    # Working-day calendar

    def assertWorkingDays(self, company, expected):
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        for date, working in expected.items():
            with self.subTest(date=date):
                self.assertEqual(
                    Calendar.is_working_day(company, date), working)

    @with_transaction()
    def test_calendar_easter(self):
        "Test Catholic and Orthodox Easter are observed on Monday"
        self.assertWorkingDays(lgu('elbasan'), {
                dt.date(2026, 4, 3): True,  # Friday
                dt.date(2026, 4, 6): False,  # Catholic Easter observed
                dt.date(2026, 4, 7): True,
                dt.date(2026, 4, 13): False,  # Orthodox Easter observed
                dt.date(2027, 3, 29): False,  # Catholic Easter 2027
                dt.date(2027, 5, 4): False,  # Orthodox Easter 2027 observed
                })

    @with_transaction()
    def test_calendar_eid_and_new_year(self):
        "Test Eid and New Year"
        self.assertWorkingDays(lgu('elbasan'), {
                dt.date(2026, 3, 20): False,  # Eid al-Fitr
                dt.date(2026, 5, 27): False,  # Eid al-Adha
                dt.date(2026, 1, 1): False,
                dt.date(2026, 1, 2): False,
                dt.date(2026, 1, 5): True,
                dt.date(2027, 1, 4): False,  # 2 January on a Saturday
                dt.date(2027, 1, 5): True,
                })

    @with_transaction()
    def test_calendar_weekend_holiday_moved_to_monday(self):
        "Test a holiday on a Saturday makes the Monday a holiday"
        self.assertWorkingDays(lgu('elbasan'), {
                dt.date(2026, 3, 13): True,  # Friday
                dt.date(2026, 3, 14): False,  # Summer Day, Saturday
                dt.date(2026, 3, 16): False,  # observed on Monday
                dt.date(2026, 3, 17): True,
                })

    @with_transaction()
    def test_calendar_add_working_days_over_year_boundary(self):
        "Test adding working days over Christmas and New Year"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        elbasan = lgu('elbasan')

        # 25 December is a Friday, 1 and 2 January 2027 a Friday and a
        # Saturday, so Monday 4 January is off too
        self.assertEqual(Calendar.add_working_days(
                elbasan, dt.date(2026, 12, 24), 3), dt.date(2026, 12, 30))
        self.assertEqual(Calendar.add_working_days(
                elbasan, dt.date(2026, 12, 30), 3), dt.date(2027, 1, 6))
        self.assertEqual(Calendar.add_working_days(
                elbasan, dt.date(2027, 1, 6), -3), dt.date(2026, 12, 30))
        self.assertEqual(Calendar.add_working_days(
                elbasan, dt.date(2027, 1, 2), 0), dt.date(2027, 1, 5))
        self.assertEqual(Calendar.working_days_between(
                elbasan, dt.date(2026, 12, 24), dt.date(2027, 1, 6)), 6)
        self.assertEqual(Calendar.working_days_between(
                elbasan, dt.date(2027, 1, 6), dt.date(2026, 12, 24)), -6)

    @with_transaction()
    def test_calendar_add_and_count_agree(self):
        "Test counting the working days gives back the number added"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        elbasan = lgu('elbasan')
        start = dt.date(2026, 3, 2)  # a Monday
        for days in range(0, 90, 7):
            with self.subTest(days=days):
                end = Calendar.add_working_days(elbasan, start, days)
                self.assertEqual(
                    Calendar.working_days_between(elbasan, start, end),
                    days)

    @with_transaction()
    def test_calendar_working_days_between_many(self):
        "Test counting many periods at once agrees with one at a time"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        Closure = pool.get('ossis.calendar.closure')
        elbasan = lgu('elbasan')
        Closure.create([{
                    'company': elbasan.id,
                    'date': dt.date(2026, 12, 17),
                    'name': "City day",
                    }])
        periods = [
            (dt.date(2026, 12, 24), dt.date(2027, 1, 6)),
            (dt.date(2027, 1, 6), dt.date(2026, 12, 24)),
            (dt.date(2026, 12, 14), dt.date(2026, 12, 18)),
            (dt.date(2026, 12, 19), dt.date(2026, 12, 20)),
            (dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
            ]
        self.assertEqual(
            Calendar.working_days_between_many(elbasan, periods),
            [Calendar.working_days_between(elbasan, s, e)
                for s, e in periods])
        self.assertEqual(
            Calendar.working_days_between_many(elbasan, periods)[:4],
            [6, -6, 3, 0])
        self.assertEqual(Calendar.working_days_between_many(elbasan, []), [])

    @with_transaction()
    def test_calendar_lgu_closure(self):
        "Test a closure day counts only for its municipality"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')
        Closure = pool.get('ossis.calendar.closure')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        day = dt.date(2026, 12, 17)  # a Thursday

        self.assertTrue(Calendar.is_working_day(elbasan, day))
        closure, = Closure.create([{
                    'company': elbasan.id,
                    'date': day,
                    'name': "City day",
                    }])
        self.assertFalse(Calendar.is_working_day(elbasan, day))
        self.assertTrue(Calendar.is_working_day(pogradec, day))
        self.assertEqual(Calendar.add_working_days(
                elbasan, dt.date(2026, 12, 16), 1), dt.date(2026, 12, 18))

        Closure.delete([closure])
        self.assertTrue(Calendar.is_working_day(elbasan, day))

    @with_transaction()
    def test_calendar_unknown_year(self):
        "Test a date outside the known years is refused"
        pool = Pool()
        Calendar = pool.get('ossis.calendar')

        with self.assertRaises(CalendarError):
            Calendar.add_working_days(
                lgu('elbasan'), dt.date(2100, 12, 20), 30)

    @with_transaction()
    def test_closure_unknown_year(self):
        "Test a closure outside the known years is refused, nothing stored"
        pool = Pool()
        Closure = pool.get('ossis.calendar.closure')
        transaction = Transaction()

        with self.assertRaises(ClosureValidationError) as cm:
            Closure.create([{
                        'company': lgu('elbasan').id,
                        'date': dt.date(2150, 1, 4),
                        'name': "Far away",
                        }])
        self.assertIn('2150', cm.exception.message)
        transaction.rollback()

        self.assertFalse(Closure.search([('name', '=', "Far away")]))

    @with_transaction()
    def test_closure_unique(self):
        "Test a municipality cannot be closed twice the same day"
        pool = Pool()
        Closure = pool.get('ossis.calendar.closure')
        values = {
            'company': lgu('elbasan').id,
            'date': dt.date(2026, 12, 17),
            'name': "City day",
            }
        Closure.create([values])

        with self.assertRaises(SQLConstraintError):
            Closure.create([values])

    # Numbering

    @with_transaction()
    def test_numbering_per_lgu_and_year(self):
        "Test numbers run per municipality and start again each year"
        pool = Pool()
        Numbering = pool.get('ossis.numbering')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        day_2026, day_2027 = dt.date(2026, 5, 4), dt.date(2027, 1, 5)

        self.assertEqual(
            Numbering.next_number(elbasan, 'protocol', day_2026),
            'ELB-2026-000001')
        self.assertEqual(
            Numbering.next_number(elbasan, 'protocol', day_2026),
            'ELB-2026-000002')
        self.assertEqual(
            Numbering.next_number(pogradec, 'protocol', day_2026),
            'POG-2026-000001')
        self.assertEqual(
            Numbering.next_number(elbasan, 'protocol', day_2027),
            'ELB-2027-000001')
        self.assertEqual(
            Numbering.next_number(elbasan, 'protocol', day_2026),
            'ELB-2026-000003')
        self.assertEqual(Numbering.search_count([]), 3)

    @with_transaction()
    def test_numbering_by_clerk(self):
        "Test a clerk without access to sequences gets numbers"
        pool = Pool()
        Numbering = pool.get('ossis.numbering')
        elbasan = lgu('elbasan')
        clerk = create_lgu_user('clerk', elbasan, 'group_front_office')

        with as_user(clerk):
            number = Numbering.next_number(
                elbasan, 'protocol', dt.date(2026, 5, 4))
        self.assertEqual(number, 'ELB-2026-000001')

    # Isolation

    @with_transaction()
    def test_isolation_between_lgus(self):
        "Test staff of one municipality cannot touch another's records"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        Closure = pool.get('ossis.calendar.closure')
        AdministrativeUnit = pool.get('ossis.administrative_unit')
        transaction = Transaction()
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        admin_elbasan = create_lgu_user('admin.elbasan', elbasan)
        admin_pogradec = create_lgu_user('admin.pogradec', pogradec)
        unit, = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': "Elbasan Taxes",
                    }])
        closure, = Closure.create([{
                    'company': elbasan.id,
                    'date': dt.date(2026, 12, 17),
                    'name': "City day",
                    }])
        elbasan_unit, = AdministrativeUnit.search([
                ('code', '=', 'elbasan.shirgjan'),
                ])

        with as_user(admin_elbasan):
            self.assertEqual(
                OrgUnit.search([('name', '=', "Elbasan Taxes")]), [unit])

        for Model, record in [
                (OrgUnit, unit),
                (Closure, closure),
                (AdministrativeUnit, elbasan_unit),
                ]:
            with self.subTest(model=Model.__name__), as_user(admin_pogradec):
                self.assertNotIn(record, Model.search([]))
                with self.assertRaises(AccessError):
                    Model.read([record.id], ['company'])
                with self.assertRaises(AccessError):
                    Model.write([Model(record.id)], {'company': pogradec.id})
                with self.assertRaises(AccessError):
                    Model.delete([Model(record.id)])
            self.assertEqual(Model(record.id).company, elbasan)
        self.assertEqual(OrgUnit(unit.id).name, "Elbasan Taxes")

        with self.assertRaises(AccessError), as_user(admin_pogradec):
            OrgUnit.create([{'company': elbasan.id, 'name': "Intruder"}])
        transaction.rollback()
        self.assertFalse(OrgUnit.search([('name', '=', "Intruder")]))

    @with_transaction()
    def test_forged_context_leaves_own_companies(self):
        "Test a call with another municipality does not stick to the user"
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        clerk = create_lgu_user('clerk', pogradec, 'group_front_office')
        with transaction.set_user(clerk.id), check_access():
            with transaction.set_context(company=elbasan.id):
                self.assertEqual(User.get_companies(), ())
            with transaction.set_context(company=pogradec.id):
                self.assertEqual(User.get_companies(), (pogradec.id,))

    @with_transaction()
    def test_user_cannot_switch_to_another_lgu(self):
        "Test a user cannot make another municipality their current one"
        pool = Pool()
        User = pool.get('res.user')
        OrgUnit = pool.get('ossis.org_unit')
        transaction = Transaction()
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        clerk = create_lgu_user('clerk', elbasan, 'group_front_office')
        unit, = OrgUnit.create([{'company': pogradec.id, 'name': "Taxes"}])

        with self.assertRaises(UserCompanyError):
            with as_user(clerk):
                User.set_preferences({'company': pogradec.id})
        with self.assertRaises(ValidationError):
            User.write([clerk], {'company': pogradec.id})
        transaction.rollback()

        clerk, = User.search([('login', '=', 'clerk')]) or [
            create_lgu_user('clerk', elbasan, 'group_front_office')]
        unit, = OrgUnit.create([{'company': pogradec.id, 'name': "Taxes"}])
        with transaction.set_user(clerk.id), check_access(), \
                transaction.set_context(company=pogradec.id):
            # A forged context does not open another municipality
            self.assertNotIn(pogradec.id, User.get_companies())
            self.assertNotIn(unit, OrgUnit.search([]))

    @with_transaction()
    def test_user_badge_names_municipality(self):
        "Test the user's badge names their municipality, not its currency"
        pool = Pool()
        User = pool.get('res.user')
        clerk = create_lgu_user('clerk', lgu('elbasan'), 'group_front_office')
        clerk = User(clerk.id)

        self.assertEqual(clerk.status_bar, "clerk — Municipality of Elbasan")

    @with_transaction()
    def test_isolation_of_municipality_record(self):
        "Test an LGU administrator changes only their own municipality"
        pool = Pool()
        Company = pool.get('company.company')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        admin_elbasan = create_lgu_user('admin.elbasan', elbasan)

        with as_user(admin_elbasan):
            # every municipality is listed
            self.assertEqual(Company.search_count([]), 61)
            Company.write([Company(elbasan.id)], {'population': 141714})
            with self.assertRaises(AccessError):
                Company.write([Company(pogradec.id)], {'population': 1})

        self.assertEqual(Company(pogradec.id).population, 46070)

    @with_transaction()
    def test_note_readings_stay_in_municipality(self):
        "Test staff mark notes read, and see their municipality's readings"
        pool = Pool()
        Note = pool.get('ir.note')
        NoteRead = pool.get('ir.note.read')
        OrgUnit = pool.get('ossis.org_unit')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        admin_elbasan = create_lgu_user('admin.elbasan', elbasan)
        admin_pogradec = create_lgu_user('admin.pogradec', pogradec)
        unit, = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': "Elbasan Taxes",
                    }])
        note, = Note.create([{'resource': str(unit), 'message': "Call"}])

        with as_user(admin_elbasan):
            self.assertTrue(Note(note.id).unread)
            Note.write([Note(note.id)], {'unread': False})
            self.assertFalse(Note(note.id).unread)
            reading, = NoteRead.search([('user', '=', admin_elbasan.id)])
        with as_user(admin_pogradec):
            self.assertEqual(
                NoteRead.search([('user', '=', admin_elbasan.id)]), [])
            with self.assertRaises(AccessError):
                NoteRead.read([reading.id], ['note'])

    @with_transaction()
    def test_national_admin_sees_all(self):
        "Test a national administrator sees the records of every LGU"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        User = pool.get('res.user')
        elbasan, pogradec = lgu('elbasan'), lgu('pogradec')
        national = create_lgu_user(
            'national', elbasan, 'group_national_admin')
        User.write([national], {'company_filter': 'all'})
        units = OrgUnit.create([{
                    'company': elbasan.id,
                    'name': "Elbasan Taxes",
                    }, {
                    'company': pogradec.id,
                    'name': "Pogradec Taxes",
                    }])

        with as_user(national):
            self.assertEqual(
                sorted(OrgUnit.search([('name', 'like', '% Taxes')])),
                sorted(units))
            OrgUnit.write(
                [OrgUnit(units[1].id)], {'name': "Pogradec Local Taxes"})


del ModuleTestCase
