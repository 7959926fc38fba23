# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.tools import LGUDocumentsTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

MODULE = 'ossis_lgu_pogradec'
MODELS = {
    'ossis.org_unit', 'ossis.org_unit-ossis.unit_type', 'ossis.lgu.service',
    'ossis.lgu.service-ossis.org_unit'}


def lgu():
    "Return the municipality of the module"
    Company = Pool().get('company.company')
    return Company.get_by_code('pogradec')


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


class OssisLguPogradecTestCase(
        LGUTestMixin, TranslationTestMixin, LGUDocumentsTestMixin,
        ModuleTestCase):
    "Test the module of the Municipality of Pogradec"
    module = MODULE
    lgu_code = 'pogradec'

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
        "Test every record of the module belongs to Pogradec"
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
        "Test Pogradec's desks, fees and deadlines"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        offer = offers()

        desks = OrgUnit.search([
                ('company', '=', lgu().id),
                ('type', '=', 'front_office'),
                ])
        self.assertEqual(
            sorted(d.name for d in desks), [
                "Sporteli OSS Pogradec Qendër",
                "Sporteli OSS Udenisht - Pogradec"])
        self.assertEqual(len(offer), 103)
        # A lake resort: seasonal tourism permits are dearer and faster
        self.assertEqual(offer['BUS-04'].fee, 4000)
        self.assertEqual(offer['BUS-04'].days, 10)
        self.assertEqual(offer['BUS-04'].service.legal_days, 20)
        self.assertEqual(
            offer['TAX-01'].responsible_unit.name,
            "Drejtoria e Taksave Vendore - Pogradec")


del ModuleTestCase
