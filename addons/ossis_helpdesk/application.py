# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView
from trytond.pool import PoolMeta


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'raise_ticket': {
                    'invisible': False,
                    'depends': [],
                    },
                })

    @classmethod
    @ModelView.button_action('ossis_helpdesk.wizard_ticket_raise')
    def raise_ticket(cls, applications):
        "Ask the help desk about the application"
        pass
