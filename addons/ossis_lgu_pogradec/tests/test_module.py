# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.tools import (
    LGUModuleTestMixin, offers)
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

MODULE = 'ossis_lgu_pogradec'


class OssisLguPogradecTestCase(
        LGUTestMixin, TranslationTestMixin, LGUModuleTestMixin,
        ModuleTestCase):
    "Test the module of the Municipality of Pogradec"
    module = MODULE
    lgu_code = 'pogradec'

    @with_transaction()
    def test_local_settings(self):
        "Test Pogradec's desks, fees and deadlines"
        offer = offers(self.lgu_code)
        desks = self.front_desks()
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
