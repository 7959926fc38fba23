# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The knowledge base of the help desk

Articles are national: every member of staff reads the published ones, the
agents and the configuration team write them.  They are found with or
without ë and ç, in Albanian and in English, as the portal's catalogue is.
"""
from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.ossis_base.text import fold
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ]
# The languages an article is written and searched in
LANGUAGES = ('sq', 'en')
# Words too common to tell articles apart, folded
STOP_WORDS = {
    'dhe', 'per', 'nje', 'nuk', 'qe', 'te', 'me', 'ne', 'se', 'si', 'ka',
    'eshte', 'jane', 'nga', 'the', 'and', 'for', 'not', 'with', 'can', 'how',
    'what', 'when', 'does', 'this', 'that',
    }
# How many articles are suggested to the reporter of a ticket
SUGGESTIONS = 5
# A word of the title counts for this many words of the body
TITLE_WEIGHT = 3

# The folded texts of every article in every language, by id; cleared when
# an article or its translation changes
_texts = Cache(f'{__name__}.texts')


def search_words(text):
    "Return the words of the text worth looking for, folded, in order"
    words = []
    for word in fold(text).split():
        word = word.strip('.,;:!?()[]"\'«»“”')
        if len(word) >= 2 and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words


class Article(Workflow, ModelSQL, ModelView):
    """Knowledge Base Article

    How to do something in OSSIS or what to do about a known problem, for
    the staff of every municipality."""
    __name__ = 'ossis.helpdesk.article'
    __string__ = "Knowledge Base Article"

    title = fields.Char(
        "Title", required=True, translate=True,
        states={'readonly': Eval('state') != 'draft'})
    body = fields.Text(
        "Body", translate=True,
        states={'readonly': Eval('state') != 'draft'})
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    services = fields.Many2Many(
        'ossis.helpdesk.article-ossis.service', 'article', 'service',
        "Services", help="The services the article is about.")
    workflows = fields.Many2Many(
        'ossis.helpdesk.article-ossis.workflow', 'article', 'workflow',
        "Workflows", domain=[('company', '=', None)],
        help="The national workflows the article is about.")
    screens = fields.Many2Many(
        'ossis.helpdesk.article-ir.action.act_window', 'article', 'screen',
        "Screens", help="The screens of the staff client the article "
        "explains.")
    text = fields.Function(
        fields.Char("Text"), 'get_text', searcher='search_text')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('title', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'draft'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_text(self, name):
        return None

    @classmethod
    def search_text(cls, name, clause):
        "Find the articles with every word, with or without ë and ç"
        _, operator, value = clause[:3]
        value = (value or '').strip('%')
        ids = [a.id for a in cls.find(value)]
        return [('id', 'not in' if operator.startswith('not') else 'in', ids)]

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('title',) + tuple(clause[1:]),
            ('text',) + tuple(clause[1:]),
            ]

    @classmethod
    def folded_texts(cls):
        """Return the folded title and body of every article, in Albanian
        and in English, by id"""
        texts = _texts.get(None)
        if texts is None:
            texts = {}
            with without_check_access():
                for language in LANGUAGES:
                    with Transaction().set_context(language=language):
                        for article in cls.search([]):
                            title, body = texts.get(article.id, ('', ''))
                            texts[article.id] = (
                                f'{title} {fold(article.title)}',
                                f'{body} {fold(article.body)}')
            _texts.set(None, texts)
        return texts

    @classmethod
    def on_modification(cls, mode, articles, field_names=None):
        super().on_modification(mode, articles, field_names=field_names)
        _texts.clear()

    @classmethod
    def rank(cls, words, domain=None, all_words=False):
        """Return the articles the user reads that have the words, most
        relevant first: a word of the title counts more than one of the
        body"""
        texts = cls.folded_texts()
        scores = {}
        for article_id, (title, body) in texts.items():
            score = 0
            found = 0
            for word in words:
                if word in title:
                    score += TITLE_WEIGHT
                elif word in body:
                    score += 1
                else:
                    continue
                found += 1
            if score and (not all_words or found == len(words)):
                scores[article_id] = score
        if not scores:
            return []
        # The record rules keep the drafts from the staff
        articles = cls.search(
            (domain or []) + [('id', 'in', list(scores))])
        return sorted(
            articles, key=lambda a: (-scores[a.id], a.title, a.id))

    @classmethod
    def find(cls, text):
        "Return the articles with every word of the text"
        words = search_words(text)
        if not words:
            return cls.search([])
        return cls.rank(words, all_words=True)

    @classmethod
    def suggest(cls, text, limit=SUGGESTIONS):
        "Return the published articles most relevant to the text"
        words = search_words(text)
        if not words:
            return []
        return cls.rank(words, [('state', '=', 'published')])[:limit]

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, articles):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, articles):
        pass

    def reply_text(self):
        "Return the article as it ends a reply to a reporter"
        return '\n'.join(filter(None, [f'« {self.title} »', self.body]))

    @classmethod
    def from_tickets(cls, tickets):
        """Create draft articles from the resolved tickets: their subject
        and what was asked and answered, for an agent to rewrite without
        the names of the people"""
        return cls.create([{
                    'title': ticket.subject,
                    'body': ticket.article_body(),
                    } for ticket in tickets])


class ArticleService(ModelSQL):
    "Knowledge Base Article - Service"
    __name__ = 'ossis.helpdesk.article-ossis.service'
    __string__ = "Knowledge Base Article - Service"

    article = fields.Many2One(
        'ossis.helpdesk.article', "Article", required=True,
        ondelete='CASCADE')
    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('article')


class ArticleWorkflow(ModelSQL):
    "Knowledge Base Article - Workflow"
    __name__ = 'ossis.helpdesk.article-ossis.workflow'
    __string__ = "Knowledge Base Article - Workflow"

    article = fields.Many2One(
        'ossis.helpdesk.article', "Article", required=True,
        ondelete='CASCADE')
    workflow = fields.Many2One(
        'ossis.workflow', "Workflow", required=True, ondelete='CASCADE',
        domain=[('company', '=', None)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.update({'article', 'workflow'})


class ArticleScreen(ModelSQL):
    "Knowledge Base Article - Screen"
    __name__ = 'ossis.helpdesk.article-ir.action.act_window'
    __string__ = "Knowledge Base Article - Screen"

    article = fields.Many2One(
        'ossis.helpdesk.article', "Article", required=True,
        ondelete='CASCADE')
    screen = fields.Many2One(
        'ir.action.act_window', "Screen", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('article')
