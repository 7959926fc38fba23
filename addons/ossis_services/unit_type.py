# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool


class UnitType(DeactivableMixin, ModelSQL, ModelView):
    """Responsible Unit Type

    The kind of back office unit that handles a service (local taxes, urban
    planning...).  Each municipality says which of its org units is of which
    type, so that a national service finds its unit in every municipality.
    """
    __name__ = 'ossis.unit_type'
    __string__ = "Responsible Unit Type"

    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, translate=True)
    org_units = fields.Many2Many(
        'ossis.org_unit-ossis.unit_type', 'unit_type', 'org_unit',
        "Org Units")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_services.msg_unit_type_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    def org_unit_of(self, company):
        "Return the org unit of this type in the municipality or None"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        org_units = OrgUnit.search([
                ('company', '=', company.id),
                ('unit_types', '=', self.id),
                ], limit=1)
        return org_units[0] if org_units else None
