# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import mail

KINDS = [
    ('reply', "Reply to the Reporter"),
    ('note', "Internal Note"),
    ('incoming', "From the Reporter"),
    ]


class Message(ModelSQL, ModelView):
    """Ticket Message

    A reply of the help desk to the reporter (sent by email), an internal
    note that the reporter never sees, or a message of the reporter."""
    __name__ = 'ossis.helpdesk.ticket.message'
    __string__ = "Ticket Message"

    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Ticket", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    author = fields.Many2One(
        'res.user', "Author", readonly=True, ondelete='SET NULL',
        help="The user who wrote the message; empty for an email.")
    author_name = fields.Char("Author Name", readonly=True)
    body = fields.Text("Body", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order = [
            ('date', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        User = pool.get('res.user')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('date', dt.datetime.now())
            # No author for an email, received as the root user
            values.setdefault('author', Transaction().user or None)
            if values.get('author') and not values.get('author_name'):
                values['author_name'] = User(values['author']).name
        return values

    @classmethod
    def on_modification(cls, mode, messages, field_names=None):
        super().on_modification(mode, messages, field_names=field_names)
        if mode == 'create':
            mail.send_replies([m for m in messages if m.kind == 'reply'])

    @classmethod
    def attach(cls, messages, files):
        "Attach the files, a list of (name, data), to each message"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Attachment.create([{
                    'resource': str(message),
                    'name': name,
                    'type': 'data',
                    'data': data,
                    } for message in messages for name, data in files])

    def get_rec_name(self, name):
        return f'{self.ticket.rec_name} {self.kind_string}'
