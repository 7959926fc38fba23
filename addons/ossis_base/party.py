# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    # The record rule hides the staff of other municipalities through it
    employees = fields.One2Many(
        'company.employee', 'party', "Employees", readonly=True)
