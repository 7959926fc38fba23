# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The texts that tell an applicant about their application

Every text is a message of message.xml, rendered with gettext in the
language of the applicant; a part whose value is missing (no expected date,
no portal) is left out."""
import re
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import Model
from trytond.modules.ossis_application.portal import tracking_url
from trytond.pool import Pool
from trytond.transaction import Transaction

EVENTS = ('submitted', 'information_requested', 'decided', 'ready')
# The languages of the texts; the first is used for any other
LANGUAGES = ('sq', 'en')
# Events whose texts tell the expected date of the decision
WITH_EXPECTED_DATE = {'submitted', 'information_requested'}
DECISIONS = ('approved', 'rejected')
# One SMS of the GSM 03.38 alphabet
SMS_LENGTH = 160
# Albanian letters and signs outside the GSM alphabet: with them an SMS
# would hold 70 characters instead of 160
_GSM = str.maketrans({
        'ë': 'e', 'Ë': 'E', 'ç': 'c', 'Ç': 'C',
        '„': '"', '“': '"', '”': '"', '‘': "'", '’': "'", '–': '-',
        })

Texts = namedtuple('Texts', ['subject', 'body', 'sms'])


def message(key, language, /, **values):
    return gettext(f"ossis_notification.msg_{key}", language, **values)


def language_of(person):
    language = getattr(person, 'language', None)
    return language if language in LANGUAGES else LANGUAGES[0]


def recipients(application):
    "Return the people to tell: the applicant and the representative"
    people = [application.applicant,
        getattr(application, 'representative', None)]
    return [p for p in people if p is not None]


def localized(record, language):
    "Return the record read in the language (other objects as they are)"
    if not isinstance(record, Model) or record.id is None:
        return record
    with Transaction().set_context(language=language):
        return Pool().get(record.__name__)(record.id)


def values(application, language):
    "Return the values of the placeholders of the texts in the language"
    pool = Pool()
    Lang = pool.get('ir.lang')
    application = localized(application, language)
    company = localized(application.company, language)
    due_date = getattr(application, 'due_date', None)
    decision = getattr(application, 'decision', None)
    return {
        'number': application.number,
        'service': application.service.name,
        'tracking_code': application.tracking_code,
        'expected_date': (
            Lang.get(language).strftime(due_date) if due_date else None),
        'municipality': company.official_name or company.rec_name,
        'decision': (
            message(f'decision_{decision}', language)
            if decision in DECISIONS else ''),
        'url': tracking_url(application.tracking_code),
        'message': applicant_message(application),
        }


def applicant_message(application):
    "Return what the staff wrote to the applicant with the last action"
    history = getattr(application, 'history', None) or []
    if not history:
        return None
    last = max(history, key=lambda h: (h.date, h.id))
    return getattr(last, 'message', None)


def render(application, event, person, language):
    "Return the texts of the event for the person"
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    data = values(application, language)
    data['name'] = person.name
    return Texts(
        subject=message(f'email_subject_{event}', language, **data),
        body=email_body(event, language, data),
        sms=sms_text(event, language, data))


def email_body(event, language, data):
    paragraphs = [
        message('email_greeting', language, **data),
        message(f'email_{event}', language, **data),
        ]
    if data.get('message'):
        paragraphs.append(message('email_message', language, **data))
    if data['expected_date'] and event in WITH_EXPECTED_DATE:
        paragraphs.append(message('email_expected_date', language, **data))
    paragraphs.append(message('email_tracking_code', language, **data))
    if data['url']:
        paragraphs.append(message('email_tracking_url', language, **data))
    paragraphs.append(message('email_closing', language, **data))
    return '\n\n'.join(paragraphs) + '\n'


def sms_text(event, language, data):
    """Return the SMS: what happened, then the expected date and the link
    while they fit in one SMS"""
    text = gsm(message(f'sms_{event}', language, **data))
    extras = []
    if data['expected_date'] and event in WITH_EXPECTED_DATE:
        extras.append(message('sms_expected_date', language, **data))
    if data['url']:
        extras.append(data['url'])
    for extra in extras:
        longer = f'{text} {gsm(extra)}'
        if len(longer) <= SMS_LENGTH:
            text = longer
    return text


def gsm(text):
    "Return the text in the GSM alphabet where Albanian needs it"
    return re.sub(r'\s+', ' ', text.translate(_GSM)).strip()
