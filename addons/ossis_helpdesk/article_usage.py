# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The articles of the knowledge base that answered the most tickets, by
municipality

Read from the articles recorded on the tickets at each query: those sent in
a reply, made of the ticket or added by the agent.  Only the published
articles count, those every member of staff reads.  An article that answers
many tickets points at a screen or a rule worth making clearer."""
from sql.aggregate import Count

from trytond.model import fields
from trytond.pool import Pool

from .sla import DONE_STATES
from .ticket_backlog import TicketFigureMixin, count_where


class ArticleUsage(TicketFigureMixin):
    "Help Desk Top Articles"
    __name__ = 'ossis.helpdesk.article_usage'
    __string__ = "Help Desk Top Articles"

    article = fields.Many2One(
        'ossis.helpdesk.article', "Article", readonly=True)
    tickets = fields.Integer(
        "Tickets", readonly=True,
        help="The tickets the article answered.")
    resolved = fields.Integer(
        "Resolved", readonly=True,
        help="Those resolved or closed.")

    @classmethod
    def table_query(cls):
        pool = Pool()
        Article = pool.get('ossis.helpdesk.article')
        TicketArticle = pool.get(
            'ossis.helpdesk.ticket-ossis.helpdesk.article')
        ticket, _ = cls._tickets()
        used = TicketArticle.__table__()
        article = Article.__table__()
        keys = [ticket.company, used.article]
        return (used
            .join(ticket, condition=used.ticket == ticket.id)
            .join(article, condition=used.article == article.id)
            .select(
                *cls._meta_columns(used), *keys,
                Count(ticket.id).as_('tickets'),
                count_where(ticket, ticket.state.in_(list(DONE_STATES)))
                .as_('resolved'),
                where=(ticket.state != 'merged')
                & (article.state == 'published'),
                group_by=keys))
