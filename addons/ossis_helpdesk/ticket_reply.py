# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .ticket import ACTIVE_STATES

KINDS = [
    ('reply', "Reply to the Reporter"),
    ('note', "Internal Note"),
    ]


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'reply_wizard': {
                    'invisible': ~Eval('state').in_(
                        list(ACTIVE_STATES | {'resolved'})),
                    'depends': ['state'],
                    },
                'add_information': {
                    'invisible': ~Eval('state').in_(
                        list(ACTIVE_STATES | {'resolved'})),
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('ossis_helpdesk.wizard_ticket_reply')
    def reply_wizard(cls, tickets):
        "Reply to the reporter or write an internal note"
        pass

    @classmethod
    @ModelView.button_action('ossis_helpdesk.wizard_ticket_add_information')
    def add_information(cls, tickets):
        "The reporter adds to their ticket"
        pass

    @classmethod
    def add_from_reporter(cls, tickets, body, attachments=None):
        """Add the message of the reporter, a user of the municipality who
        reads the tickets but does not change them, to each ticket"""
        # The record rules check the user reads the tickets
        cls.read([t.id for t in tickets], ['id'])
        with without_check_access():
            return cls.receive(cls.browse(tickets), body, attachments)


class TicketReplyStart(ModelView):
    "Reply to a Ticket"
    __name__ = 'ossis.helpdesk.ticket.reply.start'
    __string__ = "Reply to a Ticket"

    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Ticket", readonly=True)
    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    canned_answer = fields.Many2One(
        'ossis.helpdesk.canned_answer', "Canned Answer",
        domain=[If(Bool(Eval('category')),
                ['OR',
                    ('category', '=', None),
                    ('category', '=', Eval('category', -1)),
                    ],
                [])],
        states={'invisible': Eval('kind') != 'reply'})
    body = fields.Text("Text", required=True)
    wait = fields.Boolean(
        "Wait for the Reporter",
        states={'invisible': Eval('kind') != 'reply'},
        help="The reply asks the reporter something: "
        "the service level waits for the answer.")
    attachment = fields.Binary("Attachment", filename='attachment_name')
    attachment_name = fields.Char("Attachment Name")

    @fields.depends('canned_answer', 'body')
    def on_change_canned_answer(self):
        if self.canned_answer:
            self.body = self.canned_answer.body


class TicketReply(Wizard):
    "Reply to a Ticket"
    __name__ = 'ossis.helpdesk.ticket.reply'

    start = StateView(
        'ossis.helpdesk.ticket.reply.start',
        'ossis_helpdesk.ticket_reply_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()

    def default_start(self, fields):
        return {
            'ticket': self.record.id,
            'category': (
                self.record.category.id if self.record.category else None),
            'kind': 'reply',
            }

    def transition_send(self):
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        files = _files(self.start)
        Ticket.reply(
            [self.record], self.start.body, self.start.kind, files,
            **self.reply_options())
        if self.start.kind == 'reply' and self.start.wait:
            Ticket.wait([self.record])
        return 'end'

    def reply_options(self):
        "Return the further keyword arguments of Ticket.reply"
        return {}

    def end(self):
        return 'reload'


class TicketAddInformationStart(ModelView):
    "Add Information to a Ticket"
    __name__ = 'ossis.helpdesk.ticket.add_information.start'
    __string__ = "Add Information to a Ticket"

    body = fields.Text("Text", required=True)
    attachment = fields.Binary("Attachment", filename='attachment_name')
    attachment_name = fields.Char("Attachment Name")


class TicketAddInformation(Wizard):
    "Add Information to a Ticket"
    __name__ = 'ossis.helpdesk.ticket.add_information'

    start = StateView(
        'ossis.helpdesk.ticket.add_information.start',
        'ossis_helpdesk.ticket_add_information_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()

    def transition_send(self):
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        Ticket.add_from_reporter(
            [self.record], self.start.body, _files(self.start))
        return 'end'

    def end(self):
        return 'reload'


def _files(start):
    if start.attachment:
        return [(start.attachment_name or 'attachment', start.attachment)]
    return []
