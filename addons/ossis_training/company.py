# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    training_required = fields.Boolean(
        "Role Groups Need the Training Certificate",
        help="Check to give the group of a role (front office, back office, "
        "unit head, administrator, help desk, auditor) only to the staff "
        "who hold a valid certificate of that role's learning path.")

    @classmethod
    def default_training_required(cls):
        return False
