# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tickets from the emails of the staff

The mail server posts each email of the help desk's address to the inbox of
the inbound email module; its rule runs ``Ticket.from_inbound_email``.  An
email whose subject carries the number of a ticket of its sender adds to
that ticket; any other email of a known sender becomes a new ticket.  The
sender is known by the email of a user, or else by the email domain of a
municipality."""
import email
import email.policy
from email.utils import parseaddr

from trytond.pool import Pool, PoolMeta

from . import mail

ACTION = 'ossis.helpdesk.ticket|from_inbound_email'


class Rule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append((ACTION, "Help Desk Ticket"))


class Ticket(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.ticket'

    @classmethod
    def from_inbound_email(cls, email_, rule):
        """Return the ticket the email created or added to, or None for a
        sender who is neither a user nor of a municipality"""
        values = email_.as_dict()
        sender = (values.get('from') or '').strip().lower()
        subject = (values.get('subject') or '').strip()
        body = (_text(email_) or values.get('text') or values.get('html')
            or '').strip()
        files = [
            (a.get('filename') or 'attachment', a['data'])
            for a in values.get('attachments', []) if a.get('data')]
        name = parseaddr(values.get('headers', {}).get('From', ''))[0]
        user, company = cls._email_sender(sender)
        ticket = cls._email_ticket(subject, sender, user)
        if ticket:
            cls.receive([ticket], body or subject, files)
            return ticket
        if not company:
            return None
        ticket, = cls.create([{
                    'company': company.id,
                    'reporter': user.id if user else None,
                    'reporter_name': (user.name if user else name) or sender,
                    'reporter_email': sender,
                    'subject': subject[:200] or sender,
                    'description': body,
                    'channel': 'email',
                    }])
        if files:
            cls._attach([ticket], files)
        return ticket

    @classmethod
    def _email_sender(cls, address):
        "Return the user and the municipality of the address"
        pool = Pool()
        User = pool.get('res.user')
        if not address:
            return None, None
        users = User.search([('email', 'ilike', address)], limit=1)
        if users:
            user, = users
            return user, user.company
        return None, cls._email_municipality(address)

    @classmethod
    def _email_municipality(cls, address):
        "Return the municipality whose email shares the address's domain"
        pool = Pool()
        Company = pool.get('company.company')
        domain = address.rpartition('@')[2]
        if not domain:
            return None
        companies = Company.search([
                ('party.contact_mechanisms', 'where', [
                        ('type', '=', 'email'),
                        ('value', 'ilike', f'%@{domain}'),
                        ]),
                ], limit=2)
        return companies[0] if len(companies) == 1 else None

    @classmethod
    def _email_ticket(cls, subject, sender, user):
        """Return the ticket named in the subject, if the sender reported it
        or works for its municipality; a merged ticket gives the ticket it
        was merged into"""
        number = mail.number_in(subject)
        if not number:
            return None
        tickets = cls.search([('number', '=', number)], limit=1)
        if not tickets:
            return None
        ticket, = tickets
        while ticket.merged_into:
            ticket = ticket.merged_into
        if ticket.state == 'closed':
            return None
        if ((ticket.reporter_email or '').lower() == sender
                or (user and ticket.company in user.companies)):
            return ticket
        return None

    @classmethod
    def _attach(cls, tickets, files):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Attachment.create([{
                    'resource': str(ticket),
                    'name': name,
                    'type': 'data',
                    'data': data,
                    } for ticket in tickets for name, data in files])


def _text(email_):
    """Return the text of a raw email, decoded

    The inbound email module gives the text part as it is transferred:
    Albanian text comes quoted-printable or in base64."""
    if email_.data_type != 'raw':
        return None
    message = email.message_from_bytes(
        bytes(email_.data), policy=email.policy.default)
    part = message.get_body(preferencelist=('plain', 'html'))
    return part.get_content() if part else None
