# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The rules of these figures may test the units the user heads
# ("headed_units"): a unit head reads only the figures of those units
UNIT_RULE_MODELS = {'ossis.monitoring.backlog', 'ossis.monitoring.workload'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in UNIT_RULE_MODELS:
            context['headed_units'] = cls._headed_units()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & UNIT_RULE_MODELS:
            key = (*key, Transaction().user)
        return key

    @classmethod
    def _headed_units(cls):
        "Return the ids of the org units headed by an employee of the user"
        pool = Pool()
        OrgUnit = pool.get('ossis.org_unit')
        return sorted(OrgUnit.user_units().headed)
