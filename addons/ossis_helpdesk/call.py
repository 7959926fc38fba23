# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import CallError
from .team import AgentLGUMixin

OUTCOMES = [
    ('answered', "Answered on the Phone"),
    ('ticket', "Ticket Raised or Added To"),
    ('call_back', "To Call Back"),
    ('dropped', "Dropped"),
    ]


class Call(AgentLGUMixin, ModelSQL, ModelView):
    """Help Desk Call

    A phone call of the staff of a municipality to the call centre, logged
    by the agent who took it."""
    __name__ = 'ossis.helpdesk.call'
    __string__ = "Help Desk Call"
    _lgu_links = ('ticket',)

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='RESTRICT')
    agent = fields.Many2One(
        'res.user', "Agent", required=True, readonly=True,
        ondelete='RESTRICT')
    caller = fields.Many2One(
        'res.user', "Caller", ondelete='SET NULL',
        domain=[('companies', '=', Eval('company', -1))],
        help="The user of the municipality who called, if known.")
    caller_name = fields.Char("Caller Name", required=True)
    phone = fields.Char("Phone")
    started_at = fields.DateTime("Started At", required=True)
    duration = fields.TimeDelta(
        "Duration", required=True,
        domain=[('duration', '>=', dt.timedelta(0))])
    outcome = fields.Selection(OUTCOMES, "Outcome", required=True)
    summary = fields.Text("Summary", required=True)
    ticket = fields.Many2One(
        'ossis.helpdesk.ticket', "Ticket", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The ticket the call raised or added to; "
        "needed when the outcome is a ticket.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('started_at', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._buttons.update({
                'create_ticket': {
                    'invisible': Bool(Eval('ticket')),
                    'depends': ['ticket'],
                    },
                })

    @classmethod
    def default_agent(cls):
        return Transaction().user or None

    @classmethod
    def default_started_at(cls):
        return dt.datetime.now()

    @classmethod
    def default_duration(cls):
        return dt.timedelta(0)

    @classmethod
    def default_outcome(cls):
        return 'answered'

    @fields.depends('caller', 'caller_name', 'company')
    def on_change_caller(self):
        if self.caller:
            self.caller_name = self.caller.name
            if not self.company and self.caller.company:
                self.company = self.caller.company

    def get_rec_name(self, name):
        return f'{self.caller_name} {self.started_at:%Y-%m-%d %H:%M}'

    @classmethod
    def validate_fields(cls, calls, field_names):
        super().validate_fields(calls, field_names)
        for call in calls:
            if call.outcome == 'ticket' and not call.ticket:
                raise CallError(gettext(
                        'ossis_helpdesk.msg_call_ticket_required',
                        call=call.rec_name))

    @classmethod
    @ModelView.button
    def create_ticket(cls, calls):
        "Raise a ticket of each call, with the caller as its reporter"
        pool = Pool()
        Ticket = pool.get('ossis.helpdesk.ticket')
        calls = [c for c in calls if not c.ticket]
        tickets = Ticket.create([c._ticket_values() for c in calls])
        for call, ticket in zip(calls, tickets):
            call.ticket = ticket
            call.outcome = 'ticket'
        cls.save(calls)
        return tickets

    def _ticket_values(self):
        summary = self.summary.strip()
        return {
            'company': self.company.id,
            'reporter': self.caller.id if self.caller else None,
            'reporter_name': self.caller_name,
            'reporter_email': self.caller.email if self.caller else None,
            'subject': summary.splitlines()[0][:100],
            'description': summary,
            'channel': 'phone',
            }
