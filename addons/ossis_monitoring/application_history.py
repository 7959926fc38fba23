# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class ApplicationHistory(metaclass=PoolMeta):
    __name__ = 'ossis.application.history'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection += [
            ('feedback', "Feedback Recorded"),
            ]
