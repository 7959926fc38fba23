# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase

from .tools import LGUTestMixin, TranslationTestMixin


class OssisBaseTestCase(LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Base module"
    module = 'ossis_base'


del ModuleTestCase
