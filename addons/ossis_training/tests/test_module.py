# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.ossis_base.tests.tools import (
    LGUTestMixin, TranslationTestMixin)
from trytond.tests.test_tryton import ModuleTestCase


class OssisTrainingTestCase(
        LGUTestMixin, TranslationTestMixin, ModuleTestCase):
    "Test OSSIS Training module"
    module = 'ossis_training'

    @property
    def _skip_company_rule(self):
        # National courses and paths have no municipality and are read by
        # all
        return super()._skip_company_rule | {
            ('ossis.training.course', 'company'),
            ('ossis.training.path', 'company'),
            }


del ModuleTestCase
