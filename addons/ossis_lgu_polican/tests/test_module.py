# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.modules.ossis_services.tests.tools import (
    LGUModuleTestMixin, offers)
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

MODULE = 'ossis_lgu_polican'


class OssisLguPolicanTestCase(
        LGUTestMixin, TranslationTestMixin, LGUModuleTestMixin,
        ModuleTestCase):
    "Test the module of the Municipality of Poliçan"
    module = MODULE
    lgu_code = 'polican'

    @with_transaction()
    def test_local_settings(self):
        "Test Poliçan's desks, merged units and smaller offer"
        offer = offers(self.lgu_code)
        desks = self.front_desks()
        self.assertEqual(
            sorted(d.administrative_unit.code for d in desks),
            ['polican.polican', 'polican.terpan'])
        # No urban bus line, no paid parking, no beach
        for code in ['TRN-02', 'TRN-07', 'BUS-04']:
            self.assertNotIn(code, offer)
        self.assertLess(len(offer), 103)
        # Applied for at the desk only, although the service allows online
        self.assertTrue(offer['EDU-01'].service.channel_online)
        self.assertFalse(offer['EDU-01'].online)
        # One directorate handles social services, economic aid and child
        # protection
        social = offer['SOC-01'].responsible_unit
        self.assertEqual(social, offer['SOC-05'].responsible_unit)
        self.assertEqual(social, offer['SOC-04'].responsible_unit)
        self.assertEqual(len(social.unit_types), 3)


del ModuleTestCase
