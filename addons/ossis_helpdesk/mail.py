# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The emails between the help desk and the reporters

A reply goes out after the transaction commits (trytond's transactional
sendmail): a transaction retried after a conflict does not send it twice.
Its subject carries the ticket's number in brackets so that the answer of
the reporter finds the ticket again."""
import re
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

# "[HD-000042]" in the subject of an email names the ticket
NUMBER = re.compile(r'\[([A-Z]+-\d+)\]')


def number_in(subject):
    "Return the ticket number carried by the subject or None"
    match = NUMBER.search(subject or '')
    return match.group(1) if match else None


def subject_of(ticket):
    return f'[{ticket.number}] {ticket.subject}'


def send_replies(messages):
    "Send each reply to its reporter's email after the commit"
    for message in messages:
        ticket = message.ticket
        if not ticket.reporter_email:
            continue
        send_message_transactional(build_reply(message))


def build_reply(message):
    ticket = message.ticket
    language = _language(ticket)
    with Transaction().set_context(language=language):
        footer = gettext(
            'ossis_helpdesk.msg_reply_footer', number=ticket.number)
    email = EmailMessage()
    email['From'] = config.get('email', 'from')
    email['To'] = ticket.reporter_email
    email['Subject'] = subject_of(ticket)
    # RFC 3834: no out-of-office replies to the help desk's answers
    email['Auto-Submitted'] = 'auto-replied'
    email.set_content(f'{message.body}\n\n-- \n{footer}\n')
    return email


def _language(ticket):
    if ticket.reporter and ticket.reporter.language:
        return ticket.reporter.language.code
    return 'sq'
