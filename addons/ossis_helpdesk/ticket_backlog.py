# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tickets the help desk still works on, as they stand now

Read from the tickets at each query: the new, open and waiting tickets by
municipality, category, state and priority, with those at risk of missing a
target and those past one."""
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.model import fields
from trytond.modules.ossis_monitoring.figure import FigureMixin
from trytond.pool import Pool

from .ticket import ACTIVE_STATES, PRIORITIES, STATES


def count_where(table, condition):
    "Return the SQL aggregate that counts the rows meeting the condition"
    return Count(Case((condition, table.id)))


class TicketFigureMixin(FigureMixin):
    "Figures counted from the tickets, the largest counts first"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('company', 'ASC'), ('tickets', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _tickets(cls):
        "Return the table of the tickets and the conditions of each status"
        Ticket = Pool().get('ossis.helpdesk.ticket')
        ticket = Ticket.__table__()
        return ticket, Ticket.sla_conditions(ticket)


class TicketBacklog(TicketFigureMixin):
    "Help Desk Backlog"
    __name__ = 'ossis.helpdesk.backlog'
    __string__ = "Help Desk Backlog"

    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", readonly=True)
    state = fields.Selection(
        [s for s in STATES if s[0] in ACTIVE_STATES], "State",
        readonly=True, sort=False)
    priority = fields.Selection(
        PRIORITIES, "Priority", readonly=True, sort=False)
    tickets = fields.Integer("Tickets", readonly=True)
    at_risk = fields.Integer(
        "At Risk", readonly=True,
        help="The tickets in their last working hours before a target.")
    breached = fields.Integer(
        "Breached", readonly=True,
        help="The tickets that missed a target.")

    @classmethod
    def table_query(cls):
        ticket, status = cls._tickets()
        keys = [
            ticket.company, ticket.category, ticket.state, ticket.priority]
        return ticket.select(
            *cls._meta_columns(ticket), *keys,
            Count(ticket.id).as_('tickets'),
            count_where(ticket, status['at_risk']).as_('at_risk'),
            count_where(ticket, status['breached']).as_('breached'),
            where=ticket.state.in_(list(ACTIVE_STATES)),
            group_by=keys)
