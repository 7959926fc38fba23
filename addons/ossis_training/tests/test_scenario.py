# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The scenarios of the module (scenario_*.rst), each a pytest test"
from trytond.modules.ossis_base.tests.scenario import scenario_test

test_scenario = scenario_test(__file__)
