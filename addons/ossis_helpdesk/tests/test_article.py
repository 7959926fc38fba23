# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The knowledge base: search, suggestions and articles from tickets"
import unittest

from trytond.model.exceptions import AccessError
from trytond.modules.ossis_base.tests.test_module import (
    as_user, create_lgu_user, lgu)
from trytond.modules.ossis_base.tests.tools import ModuleDatabaseMixin
from trytond.modules.ossis_helpdesk.exceptions import ArticleError, TicketError
from trytond.modules.ossis_helpdesk.tests.test_change_request import (
    create_agent)
from trytond.modules.ossis_helpdesk.tests.tools import staff, ticket
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


def create_articles():
    """Create published articles in Albanian and English, and a draft"""
    pool = Pool()
    Article = pool.get('ossis.helpdesk.article')
    with Transaction().set_context(language='sq'):
        seal, permit, draft = Article.create([{
                    'title': "Vula elektronike nuk pranohet",
                    'body': "Kur lëshimi refuzon vulën, kërkoni çertifikatën "
                    "e re të bashkisë.",
                    }, {
                    'title': "Leje ndërtimi: dokumentet që mungojnë",
                    'body': "Kthejeni aplikimin për plotësim.",
                    }, {
                    'title': "Vula e re, ende në hartim",
                    }])
    with Transaction().set_context(language='en'):
        Article.write([seal], {
                'title': "The electronic seal is refused",
                'body': "When the issue refuses the seal, ask for the "
                "municipality's new certificate.",
                })
    Article.publish([seal, permit])
    return seal, permit, draft


class ArticleTestCase(ModuleDatabaseMixin, unittest.TestCase):
    "Test the knowledge base"
    module = 'ossis_helpdesk'

    @with_transaction()
    def test_search_with_and_without_accents(self):
        "Test articles are found with or without ë and ç, in both languages"
        pool = Pool()
        Article = pool.get('ossis.helpdesk.article')
        seal, permit, draft = create_articles()
        for text in ["certifikaten", "çertifikatën", "CERTIFICATE", "vula"]:
            with self.subTest(text=text):
                self.assertIn(
                    seal, Article.search([('text', 'ilike', f'%{text}%')]))
        self.assertEqual(
            Article.search([('rec_name', 'ilike', '%ndertimi%')]), [permit])
        # Every word must be found
        self.assertEqual(
            Article.search([('text', 'ilike', 'vula ndertimi')]), [])
        self.assertEqual(
            set(Article.search([('text', 'not ilike', '%ndertimi%')])),
            {seal, draft})

    @with_transaction()
    def test_staff_read_published_agents_write(self):
        "Test staff read only the published articles and cannot write them"
        pool = Pool()
        Article = pool.get('ossis.helpdesk.article')
        seal, permit, draft = create_articles()
        clerk = create_lgu_user('elbasan.clerk', lgu('elbasan'), 'group_staff')
        agent = create_agent('support.agent')
        with as_user(clerk):
            self.assertEqual(
                set(Article.search([])), {seal, permit})
            with self.assertRaises(AccessError):
                Article.write([Article(seal.id)], {'title': "Changed"})
        with as_user(agent):
            self.assertIn(draft, Article.search([]))
            Article.write([Article(draft.id)], {'title': "Vula e re"})
        with Transaction().set_context(language='en'):
            self.assertEqual(
                Article(seal.id).title, "The electronic seal is refused")

    @with_transaction()
    def test_suggestions_from_ticket_words(self):
        """Test the published articles are suggested from the words of a
        ticket being written, the title counting most"""
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        seal, permit, draft = create_articles()
        ticket = Ticket(
            subject="Vula nuk pranohet",
            description="Çertifikata e bashkisë ka skaduar, leje ndërtimi")
        self.assertEqual(
            ticket.on_change_with_suggested_articles(), [seal.id, permit.id])
        ticket.subject = "leje ndertimi"
        ticket.description = None
        self.assertEqual(
            ticket.on_change_with_suggested_articles(), [permit.id])
        ticket.subject = "dhe per"
        self.assertEqual(ticket.on_change_with_suggested_articles(), [])

    @with_transaction()
    def test_article_from_resolved_ticket(self):
        """Test an article is made of a resolved ticket only, with its
        question and replies"""
        pool = Pool()
        Article = pool.get('ossis.helpdesk.article')
        Ticket = pool.get('ossis.helpdesk.ticket')
        ticket, = Ticket.create([{
                    'company': lgu('elbasan').id,
                    'subject': "Printer of receipts",
                    'description': "The receipt prints blank.",
                    'reporter_name': "Arta Dervishi",
                    }])
        with self.assertRaisesRegex(ArticleError, "is not resolved"):
            Ticket.create_article([ticket])
        self.assertEqual(Article.search([]), [])
        Ticket.reply([ticket], "Choose the A4 printer in the preferences.")
        Ticket.resolve([ticket])
        action = Ticket.create_article([ticket])
        article, = Article.browse(action['res_id'])
        self.assertEqual(article.title, "Printer of receipts")
        self.assertEqual(article.state, 'draft')
        self.assertEqual(
            article.body, "The receipt prints blank.\n\n"
            "Choose the A4 printer in the preferences.")

    def reply_with_wizard(self, agent, ticket, body, articles, kind='reply'):
        "Send a reply with the articles through the agent's wizard"
        pool = Pool()
        Reply = pool.get('ossis.helpdesk.ticket.reply', type='wizard')
        with as_user(agent), Transaction().set_context(
                active_model='ossis.helpdesk.ticket', active_id=ticket.id,
                active_ids=[ticket.id]):
            session_id, _, _ = Reply.create()
            Reply.execute(session_id, {
                    'start': {
                        'ticket': ticket.id,
                        'kind': kind,
                        'body': body,
                        'articles': [a.id for a in articles],
                        },
                    }, 'send')
            Reply.delete(session_id)

    @with_transaction()
    def test_reply_sends_articles_and_records_them(self):
        """Test the articles chosen in a reply end its text and are recorded
        as having answered the ticket; a note records none"""
        pool = Pool()
        Message = pool.get('ossis.helpdesk.ticket.message')
        Ticket = pool.get('ossis.helpdesk.ticket')
        seal, permit, draft = create_articles()
        agent = create_agent('support.agent')
        clerk = staff('elbasan.clerk', lgu('elbasan'))
        question = ticket(lgu('elbasan'), clerk, "The seal is refused")

        self.reply_with_wizard(
            agent, question, "Only a note.", [permit], kind='note')
        self.assertEqual(Ticket(question.id).articles, ())

        self.reply_with_wizard(agent, question, "Read this:", [seal])
        question = Ticket(question.id)
        self.assertEqual(question.articles, (seal,))
        reply, = [m for m in question.messages if m.kind == 'reply']
        self.assertEqual(
            reply.body, "Read this:\n\n"
            "« The electronic seal is refused »\n"
            "When the issue refuses the seal, ask for the municipality's "
            "new certificate.")

        # Sent again, the article is recorded once
        Ticket.reply([question], "Again", articles=[seal])
        self.assertEqual(Ticket(question.id).articles, (seal,))
        self.assertEqual(len(Message.search([
                        ('ticket', '=', question.id),
                        ('kind', '=', 'reply')])), 2)

    @with_transaction()
    def test_empty_reply_with_no_article_refused(self):
        "Test an empty reply is refused with nothing recorded"
        pool = Pool()
        Message = pool.get('ossis.helpdesk.ticket.message')
        Ticket = pool.get('ossis.helpdesk.ticket')
        create_articles()
        agent = create_agent('support.agent')
        elbasan = lgu('elbasan')
        question = ticket(elbasan, staff('elbasan.clerk', elbasan))
        with self.assertRaisesRegex(TicketError, "Write the text"):
            self.reply_with_wizard(agent, question, " ", [])
        self.assertEqual(
            Message.search([('ticket', '=', question.id)]), [])
        self.assertEqual(Ticket(question.id).articles, ())

    @with_transaction()
    def test_article_from_ticket_answers_it(self):
        "Test the article made of a resolved ticket is recorded on it"
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        question = ticket(lgu('elbasan'), None, reporter_name="Arta")
        Ticket.reply([question], "Choose the A4 printer.")
        Ticket.resolve([question])
        article_id, = Ticket.create_article([question])['res_id']
        self.assertEqual(
            [a.id for a in Ticket(question.id).articles], [article_id])

    @with_transaction()
    def test_top_articles_by_municipality(self):
        """Test the top articles count the tickets each published article
        answered in each municipality, and that the staff of one
        municipality see neither the figures nor the tickets of another"""
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Usage = pool.get('ossis.helpdesk.article_usage')
        seal, permit, draft = create_articles()
        elbasan, berat = lgu('elbasan'), lgu('berat')
        first = ticket(elbasan, None, "Seal", reporter_name="Arta")
        second = ticket(elbasan, None, "Seal again", reporter_name="Besa")
        third = ticket(berat, None, "Permit", reporter_name="Drita")
        Ticket.reply([first, second], "See:", articles=[seal])
        Ticket.reply([third], "See:", articles=[seal, permit])
        Ticket.resolve([first])
        # A draft does not count
        Ticket.use_articles([third], [draft])

        figures = {
            (f.company, f.article): (f.tickets, f.resolved)
            for f in Usage.search([])}
        self.assertEqual(figures, {
                (elbasan, seal): (2, 1),
                (berat, seal): (1, 0),
                (berat, permit): (1, 0),
                })

        admin = create_lgu_user('elbasan.admin', elbasan)
        with as_user(admin):
            self.assertEqual(
                {(f.company.id, f.article.id, f.tickets)
                    for f in Usage.search([])},
                {(elbasan.id, seal.id, 2)})
            self.assertEqual(
                set(Ticket.search([('articles', '=', seal.id)])),
                {first, second})
            self.assertEqual(
                Ticket.search([('articles.title', '=', permit.title)]), [])
