# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The scheduled check of the service levels: a warning before a target is
missed, an escalation after

Each is done once per ticket (the warning once per target) and recorded on
the ticket with a note; the warning's email goes to the assignee, or to the
members of the team without one, after the transaction commits."""
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .sla import DONE_STATES
from .working_time import UTC

PRIORITY_UP = {'low': 'normal', 'normal': 'high', 'high': 'urgent'}


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    first_reply_warned_at = fields.DateTime(
        "First Reply Warning Sent", readonly=True)
    resolution_warned_at = fields.DateTime(
        "Resolution Warning Sent", readonly=True)
    escalated_at = fields.DateTime(
        "Escalated At", readonly=True,
        help="When the ticket was escalated for a missed target: its "
        "priority was raised and the configuration team took it.")

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'first_reply_warned_at', 'resolution_warned_at',
                'escalated_at']:
            default.setdefault(name, None)
        return super().copy(tickets, default=default)

    @classmethod
    def check_service_levels(cls):
        "Warn about the tickets at risk and escalate the breached ones"
        tickets = cls.search([
                ('sla_policy', '!=', None),
                ('state', 'in', ['new', 'open']),
                ['OR',
                    ('escalated_at', '=', None),
                    ('first_reply_warned_at', '=', None),
                    ('resolution_warned_at', '=', None),
                    ],
                ])
        cls.escalate([
                t for t in tickets
                if t.sla_status == 'breached' and not t.escalated_at])
        cls.warn(tickets)

    def _targets_at_risk(self, now):
        "Return the targets at risk and not missed yet, not warned about"
        targets = []
        if (not self.first_replied_at and not self.first_reply_warned_at
                and self.first_reply_warn_at <= now < self.first_reply_due):
            targets.append('first_reply')
        if (self.state not in DONE_STATES and not self.resolution_warned_at
                and self.resolution_warn_at <= now < self.resolution_due):
            targets.append('resolution')
        return targets

    @classmethod
    def warn(cls, tickets):
        "Warn the agents once about each target at risk of the tickets"
        now = cls.sla_now()
        to_write, notes = [], []
        for ticket in tickets:
            for target in ticket._targets_at_risk(now):
                due = getattr(ticket, f'{target}_due')
                to_write.extend([[ticket], {f'{target}_warned_at': now}])
                text = ticket._sla_text(
                    f'ossis_helpdesk.msg_sla_warning_{target}', due=due)
                notes.append((ticket, text))
                ticket._send_warning(text)
        if to_write:
            cls.write(*to_write)
        cls._add_notes(notes)

    @classmethod
    def escalate(cls, tickets):
        """Raise the priority of the tickets, give them to the configuration
        team and record it"""
        pool = Pool()
        Team = pool.get('ossis.helpdesk.team')
        tier_2 = Team.search([('tier', '=', '2')], limit=1)
        now = cls.sla_now()
        to_write = []
        for ticket in tickets:
            values = {
                'escalated_at': now,
                'priority': PRIORITY_UP.get(ticket.priority, ticket.priority),
                }
            if tier_2 and ticket.team != tier_2[0]:
                values['team'] = tier_2[0].id
                values['assignee'] = None
            to_write.extend([[ticket], values])
        if to_write:
            cls.write(*to_write)
        cls._add_notes([(t, t._sla_text(
                        'ossis_helpdesk.msg_sla_escalated',
                        priority=t.priority_string_value(),
                        team=t.team.rec_name if t.team else ''))
                for t in tickets])

    def priority_string_value(self):
        return dict(self.fields_get(['priority'])['priority']['selection'])[
            self.priority]

    def _sla_text(self, message, **variables):
        "Return the text of the message in the help desk's language"
        with Transaction().set_context(language='sq'):
            return gettext(message, ticket=self.rec_name, **{
                    n: _moment(v) for n, v in variables.items()})

    @classmethod
    def _add_notes(cls, notes):
        "Record the notes, a list of (ticket, text), on their tickets"
        Message = Pool().get('ossis.helpdesk.ticket.message')
        Message.create([{
                    'ticket': t.id,
                    'kind': 'note',
                    'body': text,
                    } for t, text in notes])

    def _warning_recipients(self):
        if self.assignee:
            users = [self.assignee]
        elif self.team:
            users = self.team.members
        else:
            users = []
        return sorted({u.email for u in users if u.email})

    def _send_warning(self, text):
        "Send the warning to the agents after the commit"
        recipients = self._warning_recipients()
        if not recipients:
            return
        email = EmailMessage()
        email['From'] = config.get('email', 'from')
        email['To'] = ', '.join(recipients)
        email['Subject'] = f'[{self.number}] {self.subject}'
        email['Auto-Submitted'] = 'auto-generated'
        email.set_content(text)
        send_message_transactional(email)


def _moment(value):
    "Return the value to show; a moment in the help desk's time zone"
    if hasattr(value, 'hour'):
        WorkingHours = Pool().get('ossis.helpdesk.working_hours')
        zone = WorkingHours.working_time().zone
        local = value.replace(tzinfo=UTC).astimezone(zone)
        return local.strftime('%d.%m.%Y %H:%M')
    return value

