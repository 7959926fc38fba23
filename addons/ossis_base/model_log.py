# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class ModelLog(metaclass=PoolMeta):
    "The lines of trytond's log of modifications, clicks and transitions"
    __name__ = 'ir.model.log'

    @classmethod
    def _validate(cls, records, field_names=None):
        # Only trytond makes the lines, from the records it logs, and stores
        # those of a transaction at its commit; no user may create or modify
        # one (ir.model.access).  Validating them read every line back:
        # about a quarter of the CPU of a back-office action.
        pass
