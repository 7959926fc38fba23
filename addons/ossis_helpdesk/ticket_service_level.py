# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""How the help desk kept its promises, by municipality and category

Read from the tickets at each query.  A resolved (or closed) ticket with a
policy met its service level when it missed no target; the compliance is
the share of them.  The times are in working hours, without the time
waited for the reporter: median and 90th percentile (nearest rank)."""
from sql import Literal
from sql.aggregate import Count

from trytond.model import fields
from trytond.modules.ossis_monitoring.application_statistics import percentile
from trytond.modules.ossis_monitoring.figure import share
from trytond.pool import Pool
from trytond.transaction import Transaction

from .sla import DONE_STATES
from .ticket_backlog import TicketFigureMixin, count_where

TIMES = ['first_reply', 'resolution']


class TicketServiceLevel(TicketFigureMixin):
    "Help Desk Service Level"
    __name__ = 'ossis.helpdesk.service_level'
    __string__ = "Help Desk Service Level"

    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", readonly=True)
    tickets = fields.Integer("Tickets", readonly=True)
    resolved = fields.Integer(
        "Resolved", readonly=True,
        help="The tickets resolved or closed with a service level policy.")
    met = fields.Integer(
        "Met", readonly=True,
        help="The resolved tickets that missed no target.")
    compliance = fields.Function(fields.Float(
            "Compliance", digits=(1, 4),
            help="The share of the resolved tickets that missed no "
            "target."),
        'get_compliance')
    first_reply_median = fields.Function(fields.Float(
            "First Reply (median)", digits=(16, 1),
            help="In working hours."), 'get_times')
    first_reply_p90 = fields.Function(fields.Float(
            "First Reply (90%)", digits=(16, 1),
            help="In working hours: 9 first replies in 10 came within "
            "it."), 'get_times')
    resolution_median = fields.Function(fields.Float(
            "Resolution (median)", digits=(16, 1),
            help="In working hours."), 'get_times')
    resolution_p90 = fields.Function(fields.Float(
            "Resolution (90%)", digits=(16, 1),
            help="In working hours: 9 resolutions in 10 came within it."),
        'get_times')

    @classmethod
    def table_query(cls):
        ticket, status = cls._tickets()
        done = ticket.state.in_(list(DONE_STATES))
        keys = [ticket.company]
        if cls._by_category():
            keys.append(ticket.category)
            category = ticket.category
        else:
            category = Literal(None)
        return ticket.select(
            *cls._meta_columns(ticket), ticket.company,
            category.as_('category'),
            Count(ticket.id).as_('tickets'),
            count_where(ticket, done & ~status[None]).as_('resolved'),
            count_where(
                ticket, done & status['on_track']).as_('met'),
            where=ticket.state != 'merged',
            group_by=keys)

    @classmethod
    def _by_category(cls):
        """Return whether the figures are by category: a chart by
        municipality asks for them without (a share or a median is not
        summed)"""
        return Transaction().context.get(
            'helpdesk_figures_by_category', True)

    def get_compliance(self, name):
        return share(self.met, self.resolved)

    @classmethod
    def get_times(cls, figures, names):
        "Return the median and 90th percentile of the times of each group"
        Ticket = Pool().get('ossis.helpdesk.ticket')
        ticket = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        companies = list({f.company.id for f in figures if f.company})
        values = {}
        if companies:
            cursor.execute(*ticket.select(
                    ticket.company, ticket.category,
                    ticket.first_reply_hours, ticket.resolution_hours,
                    where=ticket.company.in_(companies)
                    & (ticket.state != 'merged')))
            for company, category, *hours in cursor:
                if not cls._by_category():
                    category = None
                group = values.setdefault((company, category), {})
                for name, value in zip(TIMES, hours):
                    if value is not None:
                        group.setdefault(name, []).append(value)
        result = {n: {} for n in names}
        for figure in figures:
            group = values.get((
                    figure.company.id if figure.company else None,
                    figure.category.id if figure.category else None), {})
            for name in names:
                time, statistic = name.rsplit('_', 1)
                result[name][figure.id] = percentile(
                    group.get(time, []),
                    0.5 if statistic == 'median' else 0.9)
        return result
