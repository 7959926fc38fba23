# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Numbering(metaclass=PoolMeta):
    __name__ = 'ossis.numbering'

    @classmethod
    def get_kinds(cls):
        return super().get_kinds() + [
            ('application', "Application"),
            ]
