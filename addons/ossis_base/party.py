# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta

from .rec_name import RecNameFieldsMixin


class Party(RecNameFieldsMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _rec_name_fields = ('name', 'code')

    # The record rule hides the staff of other municipalities through it
    employees = fields.One2Many(
        'company.employee', 'party', "Employees", readonly=True)
    # and the municipality it is changes it
    municipalities = fields.One2Many(
        'company.company', 'party', "Municipalities", readonly=True)


class PartyLang(metaclass=PoolMeta):
    __name__ = 'party.party.lang'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The language of a member of staff is as private as the party; a
        # value of a party always has its party
        cls.party.required = True
        cls.__access__.add('party')


class PartyCategory(metaclass=PoolMeta):
    __name__ = 'party.party-party.category'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('party')
