# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The help desk's email, through the real paths of a running server

The mail server posts each email of the help desk's address to the inbox's
URL (trytond's inbound email module): an email of a clerk becomes a ticket
of their municipality, their answer to a reply (the ticket's number in the
subject) adds to the same ticket, and an email of a stranger makes none.
The reply of an agent reaches the clerk's mailbox; an internal note does
not.
"""
import secrets
import urllib.error
import urllib.request
from email.message import EmailMessage

from ossis_client import Client

CLERK = 'elbasan.front'
AGENT = 'elbasan.helpdesk'


def post(server, identifier, message):
    "Post the raw email to the inbox as the mail server does; return status"
    request = urllib.request.Request(
        f'{server.url}/{server.database}/inbound_email/inbox/{identifier}',
        data=message.as_bytes(), method='POST',
        headers={'Content-Type': 'message/rfc822'})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def email(sender, subject, text, attachment=None):
    message = EmailMessage()
    message['From'] = sender
    message['To'] = 'helpdesk@ossis.example.al'
    message['Subject'] = subject
    message.set_content(text)
    if attachment:
        message.add_attachment(
            attachment, maintype='application', subtype='pdf',
            filename='receipt.pdf')
    return message


def test_email_to_ticket_and_replies(ossis_server, users, mailbox):
    token = secrets.token_hex(3)
    address = f'arta.{token}@elbasan.example.al'
    admin = Client(ossis_server.url, ossis_server.database, 'admin',
        ossis_server.admin_password)
    try:
        inbox, = admin.search('inbound.email.inbox', [
                ('name', '=', "Help Desk")])
        admin.call('inbound.email.inbox', 'new_identifier', [inbox])
        identifier, = (r['identifier'] for r in admin.read(
                'inbound.email.inbox', [inbox], ['identifier']))
        clerk, = admin.search('res.user', [('login', '=', CLERK)])
        admin.write('res.user', [clerk], {'email': address})
    finally:
        admin.logout()
    agent = users[AGENT]
    subject = f"Fatura nuk printohet {token}"

    # An email of a clerk becomes a ticket of their municipality
    assert post(ossis_server, identifier, email(
            f"Arta Hoxha <{address}>", subject,
            "Printeri nuk nxjerr faturën.", b'%PDF-1.4\n')) == 204
    ticket, = agent.search_read('ossis.helpdesk.ticket', [
            ('subject', '=', subject)], [
            'number', 'channel', 'reporter', 'reporter_email',
            'company.code', 'state', 'description'])
    assert ticket['channel'] == 'email'
    assert ticket['reporter'] == clerk
    assert ticket['reporter_email'] == address
    assert ticket['company.']['code'] == 'elbasan'
    assert ticket['description'].strip() == "Printeri nuk nxjerr faturën."
    assert agent.search_count('ir.attachment', [
            ('resource', '=', f"ossis.helpdesk.ticket,{ticket['id']}")]) == 1

    # An internal note stays inside; the reply goes to the clerk by email
    agent.run_wizard(
        'ossis.helpdesk.ticket.reply', 'ossis.helpdesk.ticket',
        [ticket['id']], 'send', {
            'kind': 'note', 'body': f"Printer driver {token}"})
    agent.run_wizard(
        'ossis.helpdesk.ticket.reply', 'ossis.helpdesk.ticket',
        [ticket['id']], 'send', {
            'kind': 'reply', 'wait': True,
            'body': f"Which printer is it? {token}"})
    reply, = mailbox.wait(address)
    assert reply['Subject'] == f"[{ticket['number']}] {subject}"
    text = reply.get_content()
    assert f"Which printer is it? {token}" in text
    assert "Printer driver" not in text
    assert ticket['number'] in text

    # The clerk's answer adds to the same ticket, which goes on
    assert post(ossis_server, identifier, email(
            address, f"Re: {reply['Subject']}", "The one at desk 2.")) == 204
    ticket, = agent.read(
        'ossis.helpdesk.ticket', [ticket['id']], ['state', 'messages'])
    assert ticket['state'] == 'open'
    messages = agent.read(
        'ossis.helpdesk.ticket.message', ticket['messages'], ['kind', 'body'])
    assert [m['kind'] for m in messages] == ['note', 'reply', 'incoming']
    assert messages[-1]['body'].strip() == "The one at desk 2."
    assert agent.search_count('ossis.helpdesk.ticket', [
            ('subject', 'ilike', f'%{token}%')]) == 1

    # A stranger's email makes no ticket
    assert post(ossis_server, identifier, email(
            f'someone.{token}@example.com', f"Hello {token}", "Hi")) == 204
    assert users['national.admin'].search_count('ossis.helpdesk.ticket', [
            ('subject', '=', f"Hello {token}")]) == 0
    assert len(mailbox.received(address)) == 1


def test_unknown_inbox_refused(ossis_server):
    "An email posted to an inbox that does not exist is refused"
    try:
        post(ossis_server, secrets.token_hex(16), email(
                'a@example.com', "Spam", "Buy"))
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        raise AssertionError("the email was accepted")
