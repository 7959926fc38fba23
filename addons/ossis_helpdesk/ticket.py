# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from .category import KINDS
from .exceptions import TicketError
from .team import AgentLGUMixin

PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('urgent', "Urgent"),
    ]
STATES = [
    ('new', "New"),
    ('open', "Open"),
    ('waiting', "Waiting for the Reporter"),
    ('resolved', "Resolved"),
    ('closed', "Closed"),
    ('merged', "Merged"),
    ]
CHANNELS = [
    ('staff', "Staff Client"),
    ('email', "Email"),
    ('phone', "Phone"),
    ]
# The states in which the help desk still works on the ticket
ACTIVE_STATES = {'new', 'open', 'waiting'}

_done = Eval('state').in_(['resolved', 'closed', 'merged'])


class Ticket(Workflow, AgentLGUMixin, ModelSQL, ModelView):
    """Help Desk Ticket

    A question, an error or a request of the staff of a municipality to the
    national help desk, raised from the staff client, by email or by
    phone."""
    __name__ = 'ossis.helpdesk.ticket'
    __string__ = "Ticket"
    _rec_name = 'number'
    _lgu_links = ('application',)

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='RESTRICT', states={'readonly': Eval('id', -1) >= 0})
    reporter = fields.Many2One(
        'res.user', "Reporter", ondelete='SET NULL',
        states={'readonly': Eval('id', -1) >= 0},
        help="The user of the municipality who raised the ticket; "
        "empty for an email or a call from someone without an account.")
    reporter_name = fields.Char(
        "Reporter Name", states={'readonly': Eval('id', -1) >= 0})
    reporter_email = fields.Char(
        "Reporter Email",
        help="Where the replies to the reporter are sent.")
    subject = fields.Char(
        "Subject", required=True, states={'readonly': _done},
        depends=['state'])
    description = fields.Text(
        "Description", states={'readonly': Eval('id', -1) >= 0})
    category = fields.Many2One(
        'ossis.helpdesk.category', "Category", ondelete='RESTRICT',
        states={'readonly': _done}, depends=['state'])
    kind = fields.Function(
        fields.Selection([(None, '')] + KINDS, "Kind"),
        'on_change_with_kind', searcher='search_kind')
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False,
        states={'readonly': _done}, depends=['state'])
    team = fields.Many2One(
        'ossis.helpdesk.team', "Team", ondelete='RESTRICT',
        states={'readonly': _done}, depends=['state'])
    assignee = fields.Many2One(
        'res.user', "Assignee", ondelete='RESTRICT',
        domain=[If(Bool(Eval('team')),
                ('helpdesk_teams', '=', Eval('team', -1)),
                ())],
        states={'readonly': _done}, depends=['state'],
        help="The agent who handles the ticket.")
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    state_string = state.translated('state')
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, readonly=True)
    application = fields.Many2One(
        'ossis.application', "Application", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))],
        states={'readonly': Eval('id', -1) >= 0},
        help="The application the ticket was raised from.")
    roles = fields.Char(
        "Roles", readonly=True,
        help="The roles of the reporter when the ticket was raised.")
    service_name = fields.Char(
        "Service", readonly=True,
        help="The service of the application the ticket was raised from.")
    workflow_version = fields.Char(
        "Workflow Version", readonly=True,
        help="The workflow and its version that the application followed.")
    step_name = fields.Char(
        "Step", readonly=True,
        help="The step the application was at when the ticket was raised.")
    last_error = fields.Text(
        "Last Error", readonly=True,
        help="The last error the reporter was shown before raising the "
        "ticket.")
    services = fields.Many2Many(
        'ossis.helpdesk.ticket-ossis.service', 'ticket', 'service',
        "Services", states={'readonly': _done}, depends=['state'],
        help="The services a change request is about.")
    messages = fields.One2Many(
        'ossis.helpdesk.ticket.message', 'ticket', "Messages",
        readonly=True)
    merged_into = fields.Many2One(
        'ossis.helpdesk.ticket', "Merged Into", readonly=True,
        ondelete='RESTRICT',
        states={'invisible': ~Eval('merged_into')})
    rating = fields.Integer(
        "Rating", readonly=True,
        domain=['OR',
            ('rating', '=', None),
            [('rating', '>=', 1), ('rating', '<=', 5)],
            ],
        help="How the reporter rated the resolution, from 1 to 5.")
    rating_comment = fields.Text("Rating Comment", readonly=True)
    resolved_at = fields.DateTime("Resolved At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(list(ACTIVE_STATES))),
                })
        cls._order = [
            ('create_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('new', 'open'),
            ('new', 'waiting'),
            ('open', 'waiting'),
            ('waiting', 'open'),
            ('new', 'resolved'),
            ('open', 'resolved'),
            ('waiting', 'resolved'),
            ('resolved', 'closed'),
            ('resolved', 'open'),
            ('new', 'merged'),
            ('open', 'merged'),
            ('waiting', 'merged'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'new',
                    'depends': ['state'],
                    },
                'wait': {
                    'invisible': ~Eval('state').in_(['new', 'open']),
                    'depends': ['state'],
                    },
                'resolve': {
                    'invisible': ~Eval('state').in_(list(ACTIVE_STATES)),
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': ~Eval('state').in_(['waiting', 'resolved']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'new'

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_channel(cls):
        return 'staff'

    @classmethod
    def default_reporter(cls):
        return Transaction().user or None

    @fields.depends('category')
    def on_change_with_kind(self, name=None):
        return self.category.kind if self.category else None

    @classmethod
    def search_kind(cls, name, clause):
        return [('category.kind',) + tuple(clause[1:])]

    @fields.depends('category', 'team')
    def on_change_category(self):
        if self.category and self.category.team and not self.team:
            self.team = self.category.team

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Category = pool.get('ossis.helpdesk.category')
        User = pool.get('res.user')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('number'):
                values['number'] = cls._next_number()
            if values.get('reporter') and not values.get('reporter_name'):
                reporter = User(values['reporter'])
                values['reporter_name'] = reporter.name
                values.setdefault('reporter_email', reporter.email)
            if values.get('category') and not values.get('team'):
                category = Category(values['category'])
                if category.team:
                    values['team'] = category.team.id
        return values

    @classmethod
    def _next_number(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        # One national numbering: the help desk serves every municipality
        with without_check_access():
            return Sequence(ModelData.get_id(
                    'ossis_helpdesk', 'sequence_ticket')).get()

    @classmethod
    def validate_fields(cls, tickets, field_names):
        super().validate_fields(tickets, field_names)
        cls.check_reporter(tickets, field_names)

    @classmethod
    def check_reporter(cls, tickets, field_names=None):
        "Refuse a ticket that nobody could be answered on"
        if field_names and not (field_names & {
                    'reporter', 'reporter_name', 'reporter_email'}):
            return
        for ticket in tickets:
            if not (ticket.reporter or ticket.reporter_name
                    or ticket.reporter_email):
                raise TicketError(gettext(
                        'ossis_helpdesk.msg_ticket_reporter_required'))

    @classmethod
    def check_modification(cls, mode, tickets, values=None, external=False):
        super().check_modification(
            mode, tickets, values=values, external=external)
        if mode == 'delete':
            for ticket in tickets:
                if ticket.state != 'new' or ticket.messages:
                    raise TicketError(gettext(
                            'ossis_helpdesk.msg_ticket_delete_started',
                            ticket=ticket.rec_name))

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'number', 'messages', 'merged_into', 'rating',
                'rating_comment', 'resolved_at']:
            default.setdefault(name, None)
        default.setdefault('state', 'new')
        return super().copy(tickets, default=default)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('subject', operator, operand, *extra),
            ]

    def get_rec_name(self, name):
        return f'{self.number} {self.subject}' if self.number else (
            self.subject)

    # Transitions

    @classmethod
    def check_state(cls, tickets, states, action):
        """Refuse the tickets not in one of the states

        Workflow.transition skips them silently; the user must know."""
        for ticket in tickets:
            if ticket.state not in states:
                raise TicketError(gettext(
                        'ossis_helpdesk.msg_ticket_wrong_state',
                        ticket=ticket.rec_name,
                        state=ticket.state_string,
                        action=action))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, tickets):
        "Start working on the tickets"
        cls.check_state(tickets, {'new'}, 'open')

    @classmethod
    @ModelView.button
    @Workflow.transition('waiting')
    def wait(cls, tickets):
        "Wait for the reporter's answer"
        cls.check_state(tickets, {'new', 'open'}, 'wait')

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, tickets):
        cls.check_state(tickets, ACTIVE_STATES, 'resolve')
        cls.write(tickets, {'resolved_at': dt.datetime.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, tickets):
        cls.check_state(tickets, {'resolved'}, 'close')

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, tickets):
        "Work again on tickets waiting for the reporter or resolved"
        cls.check_state(tickets, {'waiting', 'resolved'}, 'reopen')
        cls.write(tickets, {'resolved_at': None})

    @classmethod
    def reply(cls, tickets, body, kind='reply', attachments=None):
        """Add a reply to the reporter (sent by email after the commit) or
        an internal note to each ticket; a reply opens a new ticket

        attachments is a list of (name, data)."""
        pool = Pool()
        Message = pool.get('ossis.helpdesk.ticket.message')
        if not (body or '').strip():
            raise TicketError(gettext('ossis_helpdesk.msg_message_empty'))
        cls.check_state(tickets, ACTIVE_STATES | {'resolved'}, kind)
        messages = Message.create([{
                    'ticket': t.id,
                    'kind': kind,
                    'body': body,
                    } for t in tickets])
        if attachments:
            Message.attach(messages, attachments)
        if kind == 'reply':
            cls.open([t for t in tickets if t.state == 'new'])
        return messages

    @classmethod
    def receive(cls, tickets, body, attachments=None):
        """Add the reporter's message to each ticket; a ticket waiting for
        the reporter or resolved is worked on again"""
        pool = Pool()
        Message = pool.get('ossis.helpdesk.ticket.message')
        messages = Message.create([{
                    'ticket': t.id,
                    'kind': 'incoming',
                    'body': body,
                    } for t in tickets])
        if attachments:
            Message.attach(messages, attachments)
        cls.reopen([t for t in tickets if t.state in {'waiting', 'resolved'}])
        return messages


class TicketService(ModelSQL):
    "Ticket - Service"
    __name__ = 'ossis.helpdesk.ticket-ossis.service'
    __string__ = "Ticket Service"

    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Ticket", required=True,
        ondelete='CASCADE')
    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
