# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.tools import LGUDocumentsTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

MODULE = 'ossis_lgu_elbasan'
MODELS = {
    'ossis.org_unit', 'ossis.org_unit-ossis.unit_type', 'ossis.lgu.service',
    'ossis.lgu.service-ossis.org_unit'}


def lgu():
    "Return the municipality of the module"
    Company = Pool().get('company.company')
    return Company.get_by_code('elbasan')


def module_records():
    "Return the records that the module created, by model"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    records = {}
    for data in ModelData.search([('module', '=', MODULE)]):
        Model = pool.get(data.model)
        records.setdefault(data.model, []).append(Model(data.db_id))
    return records


def offers():
    "Return the offer of the municipality by service code"
    Offer = Pool().get('ossis.lgu.service')
    return {o.service_code: o for o in Offer.search([
                ('company', '=', lgu().id),
                ])}


class OssisLguElbasanTestCase(
        LGUTestMixin, TranslationTestMixin, LGUDocumentsTestMixin,
        ModuleTestCase):
    "Test the module of the Municipality of Elbasan"
    module = MODULE
    lgu_code = 'elbasan'

    def test_translation_complete(self):
        "Test every string of the module has an Albanian translation"
        # Org unit names are not translatable: as long as the module has no
        # string of its own, Tryton exports no file to compare with
        if self.has_strings():
            super().test_translation_complete()

    @with_transaction()
    def has_strings(self):
        Translation = Pool().get('ir.translation')
        return bool(Translation.search([('module', '=', MODULE)], limit=1))

    @with_transaction()
    def test_records_of_the_municipality_only(self):
        "Test every record of the module belongs to Elbasan"
        records = module_records()
        municipality = lgu()

        self.assertLessEqual(set(records), MODELS)
        for org_unit in records.get('ossis.org_unit', []):
            self.assertEqual(org_unit.company, municipality)
        for link in records.get('ossis.org_unit-ossis.unit_type', []):
            self.assertEqual(link.org_unit.company, municipality)
        for offer in records.get('ossis.lgu.service', []):
            self.assertEqual(offer.company, municipality)
        for link in records.get('ossis.lgu.service-ossis.org_unit', []):
            self.assertEqual(link.lgu_service.company, municipality)
            self.assertEqual(link.desk.company, municipality)

    @with_transaction()
    def test_organisation(self):
        "Test the One Stop Shop directorate and its desks"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        municipality = lgu()

        directorate, = OrgUnit.search([
                ('company', '=', municipality.id),
                ('type', '=', 'management'),
                ('name', 'ilike', '%Një Ndalesë%'),
                ])
        desks = OrgUnit.search([
                ('company', '=', municipality.id),
                ('type', '=', 'front_office'),
                ])
        self.assertTrue(desks)
        for desk in desks:
            with self.subTest(desk=desk.name):
                self.assertEqual(desk.parent, directorate)
                self.assertEqual(
                    desk.administrative_unit.company, municipality)

    @with_transaction()
    def test_offer(self):
        "Test each service offered has its unit and a way to apply"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        municipality = lgu()

        offers = Offer.search([('company', '=', municipality.id)])
        self.assertTrue(offers)
        for offer in offers:
            service = offer.service
            with self.subTest(service=offer.service_code):
                self.assertEqual(service.state, 'published')
                # The unit of the service's kind or one of its sectors
                unit = offer.responsible_unit
                while unit and service.unit_type not in unit.unit_types:
                    unit = unit.parent
                self.assertTrue(unit, msg=(
                        f"{offer.responsible_unit.rec_name} does not "
                        f"handle {service.unit_type.rec_name}"))
                self.assertTrue(service.fee_allowed(offer.fee))
                self.assertTrue(service.days_allowed(offer.days))
                self.assertTrue(offer.online or offer.desks)
                if not service.channel_desk:
                    self.assertFalse(offer.desks)

    @with_transaction()
    def test_local_settings(self):
        "Test Elbasan's desks, fees, deadlines and permits sector"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        offer = offers()

        desks = OrgUnit.search([
                ('company', '=', lgu().id),
                ('type', '=', 'front_office'),
                ])
        self.assertEqual(
            sorted(d.administrative_unit.code for d in desks), [
                'elbasan.bradashesh', 'elbasan.elbasan', 'elbasan.gjinar',
                'elbasan.shirgjan'])
        self.assertEqual(len(offer), 103)
        # Transport licences are filed at the seat only
        self.assertEqual(
            [d.name for d in offer['TRN-01'].desks],
            ["Sporteli OSS Elbasan Qendër"])
        self.assertEqual(len(offer['TAX-01'].desks), 4)
        # Fees of the municipal council where the catalogue sets none
        self.assertIsNone(offer['BUS-01'].service.fee)
        self.assertEqual(offer['BUS-01'].fee, 3000)
        self.assertEqual(offer['URB-09'].fee, offer['URB-09'].service.fee)
        # Promised faster than the law requires
        self.assertEqual(offer['URB-08'].days, 10)
        self.assertEqual(offer['URB-08'].service.legal_days, 15)
        # Building permits are handled by the permits sector of the
        # territory directorate; other planning services by the directorate
        permits = offer['URB-01'].responsible_unit
        self.assertEqual(
            permits.name, "Sektori i Lejeve të Ndërtimit - Elbasan")
        self.assertEqual(permits.parent, offer['URB-08'].responsible_unit)


    @with_transaction()
    def test_new_national_version(self):
        "Test a new national version moves the offer of the module"
        pool = Pool()
        Service = pool.get('ossis.service')
        User = pool.get('res.user')
        offer = offers()['TAX-01']
        national = create_lgu_user('national', lgu(), 'group_national_admin')
        User.write([national], {'company_filter': 'all'})

        with as_user(national):
            Service.new_version([Service(offer.service.id)])
            draft, = Service.search([
                    ('code', '=', 'TAX-01'), ('state', '=', 'draft')])
            Service.publish([draft])
        self.assertEqual(offer.__class__(offer.id).service, draft)

    @with_transaction()
    def test_administrator_changes_local_settings(self):
        "Test the administrator keeps the settings of the module current"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        admin = create_lgu_user('admin.elbasan', lgu())
        offer = offers()['BUS-01']

        with as_user(admin):
            Offer.write([Offer(offer.id)], {'fee': 2500, 'end_date': None})
        self.assertEqual(Offer(offer.id).fee, 2500)


del ModuleTestCase
