# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The knowledge base seen from a ticket: articles suggested while it is
written, and an article made of a resolved ticket"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import ArticleError


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    suggested_articles = fields.Function(fields.Many2Many(
            'ossis.helpdesk.article', None, None, "Suggested Articles",
            help="The published articles that answer tickets with these "
            "words, the most relevant first: read them before sending."),
        'on_change_with_suggested_articles')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'create_article': {
                    'invisible': ~Eval('state').in_(['resolved', 'closed']),
                    'depends': ['state'],
                    },
                })

    @fields.depends('subject', 'description')
    def on_change_with_suggested_articles(self, name=None):
        pool = Pool()
        Article = pool.get('ossis.helpdesk.article')
        text = ' '.join(filter(None, [self.subject, self.description]))
        return [a.id for a in Article.suggest(text)]

    def article_body(self):
        "Return the question of the ticket and the replies that resolved it"
        parts = [self.description or '']
        parts.extend(
            m.body for m in self.messages if m.kind == 'reply')
        return '\n\n'.join(p for p in parts if p)

    @classmethod
    @ModelView.button_action('ossis_helpdesk.act_article_form')
    def create_article(cls, tickets):
        pool = Pool()
        Article = pool.get('ossis.helpdesk.article')
        for ticket in tickets:
            if ticket.state not in {'resolved', 'closed'}:
                raise ArticleError(gettext(
                        'ossis_helpdesk.msg_article_ticket_not_resolved',
                        ticket=ticket.rec_name))
        articles = Article.from_tickets(tickets)
        return {'res_id': [a.id for a in articles]}
