# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class OssisBaseTestCase(CompanyTestMixin, ModuleTestCase):
    "Test OSSIS Base module"
    module = 'ossis_base'


del ModuleTestCase
