# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.tests.test_tryton import ModuleTestCase


class OssisHelpdeskTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Help Desk module"
    module = 'ossis_helpdesk'


del ModuleTestCase
