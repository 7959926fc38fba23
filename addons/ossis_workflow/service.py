# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView
from trytond.pool import PoolMeta

from .workflow_default import create_defaults


class Service(metaclass=PoolMeta):
    __name__ = 'ossis.service'

    @classmethod
    @ModelView.button
    def publish(cls, services):
        super().publish(services)
        # A service is never published without a procedure to follow
        create_defaults(services)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module == 'ossis_workflow':
            # The services published before this module was activated (the
            # national catalogue) get their default workflow now; the class
            # is registered after the workflow models, whose tables exist
            create_defaults(cls.search([('state', '=', 'published')]))
