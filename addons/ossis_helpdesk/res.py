# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    helpdesk_teams = fields.Many2Many(
        'ossis.helpdesk.team-res.user', 'user', 'team', "Help Desk Teams",
        help="The help desk teams the user works in as an agent.")
