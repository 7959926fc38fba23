# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user)
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.tools import (
    LGUModuleTestMixin, lgu, offers)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

MODULE = 'ossis_lgu_elbasan'


class OssisLguElbasanTestCase(
        LGUTestMixin, TranslationTestMixin, LGUModuleTestMixin,
        ModuleTestCase):
    "Test the module of the Municipality of Elbasan"
    module = MODULE
    lgu_code = 'elbasan'

    @with_transaction()
    def test_local_settings(self):
        "Test Elbasan's desks, fees, deadlines and permits sector"
        offer = offers(self.lgu_code)
        desks = self.front_desks()
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
        offer = offers('elbasan')['TAX-01']
        national = create_lgu_user(
            'national', lgu('elbasan'), 'group_national_admin')
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
        admin = create_lgu_user('admin.elbasan', lgu('elbasan'))
        offer = offers('elbasan')['BUS-01']

        with as_user(admin):
            Offer.write([Offer(offer.id)], {'fee': 2500, 'end_date': None})
        self.assertEqual(Offer(offer.id).fee, 2500)


del ModuleTestCase
