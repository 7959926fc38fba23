# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Delivery of a message by email or SMS

Email goes through trytond's mail settings ([email] uri and from), SMS
through an HTTP gateway ([ossis_sms] uri).  A failure that may succeed
later raises DeliveryError, whose text never holds the gateway's address
(it may hold a secret token)."""
import http.client
import json
import re
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from html import escape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import trytond.config as config
from trytond.sendmail import get_smtp_server, send_message
from trytond.url import host

SMTP_TIMEOUT = 30
SMS_TIMEOUT = 10
SMS_SENDER = 'OSSIS'
_URL = re.compile(r'https?://[^\s<>"]+')
_PHONE_SEPARATORS = re.compile(r'[\s.\-/()]')
_PHONE = re.compile(r'^\+[1-9]\d{7,14}$')


class DeliveryError(Exception):
    """The message was not delivered; trying again later may succeed

    kind names the failure without personal data, for the logs."""

    def __init__(self, text, kind=None):
        super().__init__(text)
        self.kind = kind or type(self).__name__


def failure(exception):
    "Return the DeliveryError of an exception raised while delivering"
    return DeliveryError(describe(exception), type(exception).__name__)


class NotConfigured(Exception):
    "The channel is not configured in this installation"


def describe(exception):
    "Return the text of a delivery failure to store with the notification"
    text = str(exception).strip()
    name = type(exception).__name__
    return f'{name}: {text}' if text else name


# Email

def email_sender(name):
    "Return the From header: the address of [email] from shown as name"
    configured = config.get('email', 'from')
    _, address = parseaddr(configured)
    if not name or not address:
        return configured
    return formataddr((name, address))


def build_email(to, subject, text, sender_name, language, message_id):
    "Return the email of the plain text, with a simple HTML version"
    message = EmailMessage()
    message['From'] = email_sender(sender_name)
    message['To'] = to
    message['Subject'] = subject
    message['Message-ID'] = message_id
    # RFC 3834: no out-of-office replies to automatic messages
    message['Auto-Submitted'] = 'auto-generated'
    message.set_content(text)
    message.add_alternative(html_of(text, language), subtype='html')
    # After the content, which moves the Content- headers to its parts
    message['Content-Language'] = language
    return message


def message_id(database, notification_id):
    """Return the Message-ID of a notification: the same for every attempt,
    so that a receiving system can tell a repeated message"""
    return f'<ossis.notification.{notification_id}.{database}@{host()}>'


def html_of(text, language):
    "Return the text as an HTML page: a paragraph per block, links live"
    paragraphs = []
    for block in re.split(r'\n\s*\n', text.strip()):
        lines = [_link(escape(line)) for line in block.splitlines()]
        paragraphs.append('<p>%s</p>' % '<br>\n'.join(lines))
    return (
        '<!DOCTYPE html>\n'
        f'<html lang="{escape(language)}"><head><meta charset="utf-8">'
        '</head>\n<body>\n' + '\n'.join(paragraphs) + '\n</body></html>\n')


def _link(line):
    return _URL.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', line)


def smtp_uri():
    "Return [email] uri, with a timeout when it sets none"
    parts = urlsplit(config.get('email', 'uri'))
    query = dict(parse_qsl(parts.query))
    query.setdefault('timeout', str(SMTP_TIMEOUT))
    return urlunsplit(parts._replace(query=urlencode(query)))


def send_email(message):
    "Send the email once through the SMTP server of [email] uri"
    try:
        server = get_smtp_server(smtp_uri(), strict=True)
    except (OSError, smtplib.SMTPException) as exception:
        raise failure(exception) from exception
    try:
        server = send_message(message, server=server, strict=True) or server
    except (OSError, smtplib.SMTPException) as exception:
        server.close()
        raise failure(exception) from exception
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        # The server accepted the message: it is sent
        server.close()


# SMS

def sms_configured():
    return bool(config.get('ossis_sms', 'uri'))


def sms_number(phone):
    """Return the phone number in international form (+355...), or None
    when it is not one; an Albanian number may be written 06x..."""
    if not phone:
        return None
    number = _PHONE_SEPARATORS.sub('', phone)
    if number.startswith('00'):
        number = '+' + number[2:]
    elif number.startswith('355'):
        number = '+' + number
    elif number.startswith('0'):
        number = '+355' + number[1:]
    return number if _PHONE.match(number) else None


def sms_sender():
    return config.get('ossis_sms', 'sender') or SMS_SENDER


class _RefuseRedirect(urllib.request.HTTPRedirectHandler):
    "A gateway that redirects is misconfigured: never post elsewhere"

    def redirect_request(self, *args, **kwargs):
        return None


def send_sms(to, text, sender):
    """Post {to, text, sender} as JSON to the gateway of [ossis_sms] uri;
    any answer but 2xx is a failure"""
    uri = config.get('ossis_sms', 'uri')
    if not uri:
        raise NotConfigured()
    if urlsplit(uri).scheme not in {'http', 'https'}:
        raise DeliveryError(
            "the SMS gateway is not an http(s) address", 'configuration')
    timeout = config.getfloat('ossis_sms', 'timeout', default=SMS_TIMEOUT)
    request = urllib.request.Request(
        uri, method='POST',
        data=json.dumps({'to': to, 'text': text, 'sender': sender}).encode(),
        headers={
            'Content-Type': 'application/json; charset=utf-8',
            'Accept': 'application/json',
            })
    opener = urllib.request.build_opener(_RefuseRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            status = response.status
            response.read(64 * 1024)
    except urllib.error.HTTPError as exception:
        exception.close()
        raise DeliveryError(
            f'HTTP {exception.code} {exception.reason}',
            f'HTTP {exception.code}') from exception
    except urllib.error.URLError as exception:
        # Its text names the address, which may hold a token: not the reason
        reason = exception.reason
        if isinstance(reason, BaseException):
            raise failure(reason) from exception
        raise DeliveryError(str(reason), 'URLError') from exception
    except (OSError, http.client.HTTPException) as exception:
        raise failure(exception) from exception
    if not 200 <= status < 300:
        raise DeliveryError(f'HTTP {status}', f'HTTP {status}')
