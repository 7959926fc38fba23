# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The records of an application are isolated between municipalities

Its checklist lines have no municipality of their own: they follow the
application, for the staff as for the systems of other municipalities."""
from trytond.model.exceptions import AccessError
from trytond.modules.ossis_application.tests import scenario
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import LGUDelegationTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def lines_state(application):
    "Return the checklist lines of the application as stored"
    pool = Pool()
    Document = pool.get('ossis.application.document')
    return sorted(
        (d.id, d.document_type.id, d.status, d.received_date)
        for d in Document.search([('application', '=', application.id)]))


def searches(application):
    """Domains on checklist lines that tell whether the application (and its
    applicant) exists"""
    applicant = application.applicant
    return [
        [],
        [('application', '=', application.id)],
        [('application.applicant.identifier', '=', applicant.identifier)],
        [('application.applicant.name', 'ilike', applicant.name[:4] + '%')],
        [('application.tracking_code', '=', application.tracking_code)],
        [('application.number', '=', application.number)],
        [('application.company', '=', application.company.id)],
        ]


class ChecklistIsolationMixin:
    "Check a user of another municipality neither sees nor changes lines"

    def assert_lines_hidden(self, user, application):
        pool = Pool()
        Document = pool.get('ossis.application.document')
        lines = [d.id for d in application.documents]
        self.assertTrue(lines)
        with scenario.as_staff(user):
            for domain in searches(application):
                with self.subTest(user=user.login, domain=domain):
                    self.assertFalse(
                        set(lines) & set(map(int, Document.search(domain))))
                    if domain:
                        self.assertEqual(Document.search_count(domain), 0)
            with self.assertRaises(AccessError):
                Document.read(lines[:1], ['status'])
            with self.assertRaises(AccessError):
                Document.read(lines, ['id'])

    def assert_lines_unchanged(self, user, application):
        "Check the user neither changes nor deletes a line"
        pool = Pool()
        Document = pool.get('ossis.application.document')
        before = lines_state(application)
        line = application.documents[0]
        with scenario.as_staff(user):
            for values in [
                    {'status': 'missing', 'received_date': None},
                    {'note': "Changed by another municipality"},
                    ]:
                with self.assertRaises(AccessError):
                    Document.write([Document(line.id)], values)
            with self.assertRaises(AccessError):
                Document.delete([Document(line.id)])
        self.assertEqual(lines_state(application), before)

    def assert_no_line_added(self, user, application):
        """Check the user cannot add a line

        The rows inserted before the refusal go with the rolled back
        request: the tests over RPC check nothing is left."""
        pool = Pool()
        Document = pool.get('ossis.application.document')
        Date = pool.get('ir.date')
        line = application.documents[0]
        with scenario.as_staff(user):
            with self.assertRaises(AccessError):
                Document.create([{
                            'application': application.id,
                            'document_type': line.document_type.id,
                            'status': 'received',
                            'received_date': Date.today(),
                            }])
            with self.assertRaises(AccessError):
                Document.copy([Document(line.id)])


class ApplicationIsolationTestCase(
        ChecklistIsolationMixin, scenario.ProcessTestMixin,
        LGUDelegationTestMixin, ModuleTestCase):
    "Test the records of an application stay in its municipality"
    module = 'ossis_application'
    extras = []

    @with_transaction()
    def test_checklist_of_another_municipality_hidden(self):
        "Test staff of another municipality find no checklist line"
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = self.submitted(elbasan)

        for user in [pogradec.front, pogradec.back, pogradec.head]:
            self.assert_lines_hidden(user, application)

    @with_transaction()
    def test_client_search(self):
        """Test the client's search finds the applications the server's
        search finds, in their order, within the user's municipality,
        without reading their columns"""
        pool = Pool()
        Application = pool.get('ossis.application')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        submitted = [self.submitted(elbasan, serial=s) for s in range(3)]
        other = self.submitted(pogradec)
        client_search = Application.__rpc__['search'].decorate(
            Application.search)
        domains = [
            [],
            [('state', '=', 'submitted')],
            [('applicant.identifier', '=', other.applicant.identifier)],
            [('company', '=', pogradec.company.id)],
            [('number', '=', other.number)],
            ]

        def cached(applications):
            "Return the ids of the applications whose state is cached"
            cache = Transaction().get_cache()[Application.__name__]
            return {a.id for a in applications
                if a.id in cache and 'state' in cache[a.id]}

        users = [(elbasan.front, submitted), (pogradec.head, [other])]
        for user, own in users:
            for domain in domains:
                with self.subTest(user=user.login, domain=domain), \
                        scenario.as_staff(user):
                    Transaction().cache.clear()
                    found = client_search(
                        domain, 0, None, [('number', 'DESC')])
                    self.assertFalse(cached(found))
                    self.assertEqual(found, Application.search(
                            domain, order=[('number', 'DESC')]))
                    self.assertLessEqual(set(found), set(own))
                    self.assertEqual(
                        client_search(domain, 1, 1, [('number', 'ASC')]),
                        Application.search(
                            domain, offset=1, limit=1,
                            order=[('number', 'ASC')]))
            with scenario.as_staff(user):
                Transaction().cache.clear()
                self.assertEqual(
                    set(client_search([], 0, None, None)), set(own))
                # The server's search keeps the columns for what reads next
                self.assertEqual(
                    cached(Application.search([])), {a.id for a in own})

    @with_transaction()
    def test_rec_name_read_with_fields(self):
        """Test the names of an application's records are read with the
        fields they are made of, as each record makes them, within the
        user's municipality and the fields they may read"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Applicant = pool.get('ossis.applicant')
        FieldAccess = pool.get('ir.model.field.access')
        ModelData = pool.get('ir.model.data')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = scenario.draft(
            elbasan, administrative_unit=elbasan.admin_unit.id)
        with scenario.as_staff(elbasan.front):
            Application.submit([Application(application.id)])
        application = Application(application.id)
        links = [
            'company', 'lgu_service', 'service', 'workflow', 'desk',
            'administrative_unit', 'applicant', 'step', 'step_unit']
        applicant = application.applicant
        # What each record makes of the fields it loads
        expected = {link: getattr(application, link).get_rec_name(None)
            for link in links}
        self.assertEqual(
            expected['applicant'],
            f'{applicant.name} ({applicant.identifier})')

        def names(user):
            with scenario.as_staff(user):
                Transaction().cache.clear()
                row, = Application.read(
                    [application.id], [f'{link}.rec_name' for link in links])
            return {link: row[f'{link}.'] for link in links}

        def cached(record):
            "Return the fields of the record in the transaction's cache"
            cache = Transaction().get_cache()[record.__name__]
            return set(cache[record.id]._keys() if record.id in cache else [])

        for link, value in names(elbasan.back).items():
            with self.subTest(link=link):
                self.assertEqual(value, {
                        'id': getattr(application, link).id,
                        'rec_name': expected[link],
                        })
        with scenario.as_staff(elbasan.back):
            Transaction().cache.clear()
            self.assertEqual(
                Applicant.read([applicant.id], ['rec_name']),
                [{'id': applicant.id, 'rec_name': expected['applicant']}])
            # Not the other fields of the applicant (trytond keeps the
            # date of the last change with every row it reads)
            self.assertEqual(
                cached(applicant) - {'write_date'}, {'name', 'identifier'})

        # A user who may not read the identifier still reads the name
        back_office = ModelData.get_id('ossis_base', 'group_back_office')
        FieldAccess.create([{
                    'model': 'ossis.applicant',
                    'field': 'identifier',
                    'group': back_office,
                    'perm_read': False,
                    }])
        self.assertEqual(
            names(elbasan.back)['applicant']['rec_name'],
            expected['applicant'])
        with scenario.as_staff(elbasan.back), \
                self.assertRaises(AccessError):
            Applicant.read([applicant.id], ['identifier'])

        # Nor the names of another municipality's applicant
        with scenario.as_staff(pogradec.back):
            for names_ in [['rec_name'], ['rec_name', 'name']]:
                with self.subTest(names=names_), \
                        self.assertRaises(AccessError):
                    Applicant.read([applicant.id], names_)

    @with_transaction()
    def test_checklist_of_another_municipality_unchanged(self):
        "Test staff of another municipality change no checklist line"
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = scenario.draft(elbasan)

        for user in [pogradec.front, pogradec.back]:
            with self.subTest(user=user.login):
                self.assert_lines_unchanged(user, application)
        for user in [pogradec.front, pogradec.back]:
            with self.subTest(user=user.login):
                self.assert_no_line_added(user, application)

    @with_transaction()
    def test_refusal_names_nothing_of_another_municipality(self):
        """Test the changes of another municipality's records are refused by
        the record rule before any check that names them"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Document = pool.get('ossis.application.document')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        application = self.submitted(elbasan)
        line = application.documents[0]
        before = lines_state(application)

        with scenario.as_staff(pogradec.front):
            for refused in [
                    lambda: Application.write(
                        [Application(application.id)],
                        {'fee_receipt': "R-0"}),
                    lambda: Application.delete(
                        [Application(application.id)]),
                    lambda: Document.delete([Document(line.id)]),
                    ]:
                with self.assertRaises(AccessError) as cm:
                    refused()
                self.assertNotIn(application.number, cm.exception.message)
        self.assertEqual(lines_state(application), before)
        self.assertEqual(
            Application(application.id).fee_receipt, application.fee_receipt)

    @with_transaction()
    def test_checklist_of_own_municipality(self):
        "Test the staff of the municipality keep working on its checklist"
        pool = Pool()
        Document = pool.get('ossis.application.document')
        elbasan = scenario.municipality('elbasan')
        scenario.municipality('pogradec')
        application = scenario.draft(elbasan)
        lines = [d.id for d in application.documents]

        with scenario.as_staff(elbasan.front):
            self.assertEqual(
                {d.id for d in Document.search(
                        searches(application)[2])}, set(lines))
            Document.write(Document.browse(lines[:1]), {
                    'status': 'missing', 'received_date': None})
        self.assertEqual(Document(lines[0]).status, 'missing')
        with scenario.as_staff(elbasan.back):
            self.assertEqual(
                len(Document.read(lines, ['status', 'document_type'])),
                len(lines))

    @with_transaction()
    def test_applicant_of_another_municipality_no_oracle(self):
        """Test registering an applicant in another municipality is refused
        alike whether that municipality knows the NID or not"""
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        known = scenario.applicant(elbasan.company, serial=1)
        unknown = scenario.valid_identifier(2)
        before = sorted(
            (a.id, a.company.id, a.identifier, a.name)
            for a in Applicant.search([]))

        errors = []
        for identifier in [known.identifier, unknown]:
            with scenario.as_staff(pogradec.front):
                with self.assertRaises(AccessError) as cm:
                    Applicant.create([{
                                'company': elbasan.company.id,
                                'kind': 'person',
                                'name': "Probe",
                                'identifier': identifier,
                                }])
            errors.append((type(cm.exception), cm.exception.message))
        own = scenario.applicant(pogradec.company, serial=3)
        for identifier in [known.identifier, unknown]:
            with scenario.as_staff(pogradec.front):
                with self.assertRaises(AccessError) as cm:
                    Applicant.write([Applicant(own.id)], {
                            'company': elbasan.company.id,
                            'identifier': identifier,
                            })
            errors.append((type(cm.exception), cm.exception.message))

        # The same answer for a NID known there or not, creating or moving
        created, moved = errors[:2], errors[2:]
        self.assertEqual(created[0], created[1])
        self.assertEqual(moved[0], moved[1])
        for _, message in errors:
            self.assertNotIn(known.identifier, message)
        self.assertEqual(sorted(
                (a.id, a.company.id, a.identifier, a.name)
                for a in Applicant.search([('id', '!=', own.id)])), before)
        self.assertEqual(Applicant(own.id).company, pogradec.company)


class StaffIsolationTestCase(scenario.ProcessTestMixin, ModuleTestCase):
    "Test the staff of a municipality are not shown to the others"
    module = 'ossis_application'
    extras = []

    def national_admin(self, *setups):
        pool = Pool()
        User = pool.get('res.user')
        user = create_lgu_user(
            'national.admin', setups[0].company, 'group_national_admin')
        User.write([user], {
                'companies': [('add', [s.company.id for s in setups])],
                'company_filter': 'all',
                })
        return user

    def staff(self, setup):
        "Return the users and the parties of the staff of the municipality"
        users = [setup.front, setup.back, setup.head, setup.other]
        parties = [e.party for e in vars(setup.employees).values()]
        return users, parties

    @with_transaction()
    def test_staff_of_another_municipality_hidden(self):
        "Test staff of another municipality neither list nor read staff"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        users, parties = self.staff(elbasan)

        for user in [pogradec.front, pogradec.back, pogradec.head]:
            with self.subTest(user=user.login), scenario.as_staff(user):
                self.assertFalse(set(users) & set(User.search([])))
                for domain in [
                        [('login', '=', elbasan.front.login)],
                        [('login', 'like', 'elbasan.%')],
                        [('companies', '=', elbasan.company.id)],
                        [('employee.company', '=', elbasan.company.id)],
                        ]:
                    self.assertEqual(User.search(domain), [])
                self.assertFalse(set(parties) & set(Party.search([])))
                self.assertEqual(Party.search([
                            ('employees.company', '=', elbasan.company.id),
                            ]), [])
                with self.assertRaises(AccessError):
                    User.read([elbasan.front.id], ['login'])
                with self.assertRaises(AccessError):
                    Party.read([parties[0].id], ['name'])

    @with_transaction()
    def test_staff_of_another_municipality_unchanged(self):
        "Test staff of another municipality change no staff party"
        pool = Pool()
        Party = pool.get('party.party')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        _, parties = self.staff(elbasan)
        before = sorted((p.id, p.name) for p in parties)

        with scenario.as_staff(pogradec.front):
            with self.assertRaises(AccessError):
                Party.write([Party(parties[0].id)], {'name': "Renamed"})
            with self.assertRaises(AccessError):
                Party.delete([Party(parties[0].id)])
        self.assertEqual(
            sorted((p.id, p.name) for p in Party.browse(parties)), before)

    @with_transaction()
    def test_parties_changed_by_their_municipality_only(self):
        """Test only the administrators of a municipality change its name
        and its staff; nobody else adds a party; nothing is stored"""
        pool = Pool()
        Party = pool.get('party.party')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        admin = create_lgu_user(
            'pogradec.lgu_admin', pogradec.company, 'group_lgu_admin')
        _, elbasan_staff = self.staff(elbasan)
        _, pogradec_staff = self.staff(pogradec)
        elbasan_party = elbasan.company.party
        pogradec_party = pogradec.company.party
        names = {p.id: p.name for p in [
                elbasan_party, pogradec_party, *elbasan_staff,
                *pogradec_staff]}
        count = Party.search_count([])

        for user in [pogradec.front, pogradec.back, pogradec.head, admin]:
            with self.subTest(user=user.login), scenario.as_staff(user):
                # The municipality of the others, named on its documents
                with self.assertRaises(AccessError):
                    Party.write([Party(elbasan_party.id)], {'name': "X"})
                with self.assertRaises(AccessError):
                    Party.delete([Party(elbasan_party.id)])
        for user in [pogradec.front, pogradec.back, pogradec.head]:
            with self.subTest(user=user.login), scenario.as_staff(user):
                with self.assertRaises(AccessError):
                    Party.write([Party(pogradec_party.id)], {'name': "X"})
                with self.assertRaises(AccessError):
                    Party.write(
                        [Party(pogradec_staff[0].id)], {'name': "X"})
                with self.assertRaises(AccessError):
                    Party.create([{'name': "Somebody"}])
        self.assertEqual(
            {p.id: p.name for p in Party.browse(list(names))}, names)
        self.assertEqual(Party.search_count([]), count)

        # The control: the administrator changes its own and adds staff
        with scenario.as_staff(admin):
            Party.write([Party(pogradec_staff[0].id)], {'name': "Renamed"})
            Party.write([Party(pogradec_party.id)], {'name': "Pogradec"})
            Party.create([{'name': "A new clerk"}])
        self.assertEqual(Party(pogradec_staff[0].id).name, "Renamed")

        # Deleting the party of a municipality would delete it
        national = self.national_admin(elbasan, pogradec)
        scenario.reset_user_cache()
        with as_user(national):
            with self.assertRaises(AccessError):
                Party.delete([Party(elbasan_party.id)])
        self.assertEqual(Party(elbasan_party.id).name, names[elbasan_party.id])

    @with_transaction()
    def test_staff_of_own_municipality(self):
        """Test the staff of a municipality read its staff and the names of
        who did what in its applications"""
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        Application = pool.get('ossis.application')
        History = pool.get('ossis.application.history')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        users, parties = self.staff(pogradec)
        application = self.submitted(pogradec)
        history = History.search([('application', '=', application.id)])

        with scenario.as_staff(pogradec.back):
            self.assertGreaterEqual(set(User.search([])), set(users))
            self.assertGreaterEqual(set(Party.search([])), set(parties))
            # The municipalities stay listed to all, with their names
            self.assertEqual(
                {c['rec_name'] for c in Company.read(
                        [elbasan.company.id, pogradec.company.id],
                        ['rec_name', 'party.name'])},
                {elbasan.company.rec_name, pogradec.company.rec_name})
            rows = History.read([h.id for h in history], [
                    'user.rec_name', 'employee.rec_name',
                    'create_uid.rec_name', 'write_uid.rec_name'])
            self.assertIn(
                pogradec.front.rec_name,
                {r['user.']['rec_name'] for r in rows if r['user.']})
            Application.read([application.id], [
                    'create_uid.rec_name', 'write_uid.rec_name',
                    'decided_by.rec_name'])
            User.read([u.id for u in users], ['rec_name', 'login'])
            Party.read([p.id for p in parties], ['rec_name'])

    @with_transaction()
    def test_national_administrator_sees_all_staff(self):
        "Test the national administrator reads the staff of all"
        pool = Pool()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        elbasan = scenario.municipality('elbasan')
        pogradec = scenario.municipality('pogradec')
        national = self.national_admin(elbasan, pogradec)
        scenario.reset_user_cache()

        with as_user(national):
            for setup in [elbasan, pogradec]:
                users, parties = self.staff(setup)
                self.assertGreaterEqual(set(User.search([])), set(users))
                self.assertGreaterEqual(
                    set(Party.search([])), set(parties))
                User.read([u.id for u in users], ['login'])


del ModuleTestCase
