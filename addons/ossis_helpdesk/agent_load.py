# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tickets each agent works on now, by municipality"""
from sql import Null
from sql.aggregate import Count

from trytond.model import fields

from .ticket import ACTIVE_STATES
from .ticket_backlog import TicketFigureMixin, count_where


class AgentLoad(TicketFigureMixin):
    "Help Desk Agent Load"
    __name__ = 'ossis.helpdesk.agent_load'
    __string__ = "Help Desk Agent Load"

    assignee = fields.Many2One('res.user', "Agent", readonly=True)
    team = fields.Many2One('ossis.helpdesk.team', "Team", readonly=True)
    tickets = fields.Integer(
        "Tickets", readonly=True,
        help="The new, open and waiting tickets assigned to the agent.")
    waiting = fields.Integer(
        "Waiting", readonly=True,
        help="Those waiting for the reporter.")
    breached = fields.Integer(
        "Breached", readonly=True,
        help="Those that missed a target.")

    @classmethod
    def table_query(cls):
        ticket, status = cls._tickets()
        keys = [ticket.company, ticket.assignee, ticket.team]
        return ticket.select(
            *cls._meta_columns(ticket), *keys,
            Count(ticket.id).as_('tickets'),
            count_where(ticket, ticket.state == 'waiting').as_('waiting'),
            count_where(ticket, status['breached']).as_('breached'),
            where=ticket.state.in_(list(ACTIVE_STATES))
            & (ticket.assignee != Null),
            group_by=keys)
