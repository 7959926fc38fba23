# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, fields
from trytond.pool import PoolMeta


class OrgUnit(metaclass=PoolMeta):
    __name__ = 'ossis.org_unit'

    unit_types = fields.Many2Many(
        'ossis.org_unit-ossis.unit_type', 'org_unit', 'unit_type',
        "Responsible For",
        help="The kinds of services the unit is responsible for.")


class OrgUnitUnitType(ModelSQL):
    "Org Unit - Responsible Unit Type"
    __name__ = 'ossis.org_unit-ossis.unit_type'

    org_unit = fields.Many2One(
        'ossis.org_unit', "Org Unit", required=True, ondelete='CASCADE')
    unit_type = fields.Many2One(
        'ossis.unit_type', "Unit Type", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('org_unit')
