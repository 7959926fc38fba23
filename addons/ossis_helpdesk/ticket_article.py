# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The knowledge base seen from a ticket: articles suggested while it is
written, articles sent in a reply, and an article made of a resolved ticket

The articles that answered a ticket are kept on it: the figures count how
often each one answered a ticket."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
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
    articles = fields.Many2Many(
        'ossis.helpdesk.ticket-ossis.helpdesk.article', 'ticket', 'article',
        "Articles Used",
        help="The articles of the knowledge base that answered the ticket: "
        "sent in a reply, made of it, or added by the agent.")

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
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('articles', None)
        return super().copy(tickets, default=default)

    @classmethod
    def reply(
            cls, tickets, body, kind='reply', attachments=None,
            articles=None):
        """Add the reply, with the title and text of each article at its
        end, and record that the articles answered the tickets"""
        if articles and kind == 'reply':
            body = '\n\n'.join(filter(None, [
                        (body or '').strip(),
                        *(a.reply_text() for a in articles)]))
        messages = super().reply(tickets, body, kind, attachments)
        if articles and kind == 'reply':
            cls.use_articles(tickets, articles)
        return messages

    @classmethod
    def use_articles(cls, tickets, articles):
        "Record that the articles answered the tickets"
        cls.write(list(tickets), {
                'articles': [('add', [a.id for a in articles])],
                })

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
        for ticket, article in zip(tickets, articles):
            cls.use_articles([ticket], [article])
        return {'res_id': [a.id for a in articles]}


class TicketArticle(ModelSQL):
    "Ticket - Article"
    __name__ = 'ossis.helpdesk.ticket-ossis.helpdesk.article'
    __string__ = "Ticket - Article"

    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Ticket", required=True,
        ondelete='CASCADE')
    article = fields.Many2One(
        'ossis.helpdesk.article', "Article", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.update({'ticket', 'article'})
        t = cls.__table__()
        cls._sql_constraints += [
            ('ticket_article_unique', Unique(t, t.ticket, t.article),
                'ossis_helpdesk.msg_ticket_article_unique'),
            ]


class TicketReplyStart(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket.reply.start'

    articles = fields.Many2Many(
        'ossis.helpdesk.article', None, None, "Articles",
        domain=[('state', '=', 'published')],
        states={'invisible': Eval('kind') != 'reply'},
        help="Articles of the knowledge base sent at the end of the reply: "
        "they are counted as having answered the ticket.")


class TicketReply(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket.reply'

    def reply_options(self):
        options = super().reply_options()
        if self.start.kind == 'reply' and self.start.articles:
            options['articles'] = list(self.start.articles)
        return options
