# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Migrate(metaclass=PoolMeta):
    """Applications moved with the wizard (when steps are renamed, a
    mapping by code is not enough) are recorded on the change request
    whose version they moved to"""
    __name__ = 'ossis.workflow.migrate'

    def transition_migrate(self):
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        state = super().transition_migrate()
        requests = Request.search([
                ('version', '=', self.start.target.id),
                ('state', '=', 'activated'),
                ])
        if requests:
            Request.record_migration(
                requests, self.result.count, self.result.report)
        return state
