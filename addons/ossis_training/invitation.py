# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The email that invites a participant to a session, with its calendar
file

Sent through trytond's mail settings ([email] uri and from) in the
participant's language, by the task that Attendee.queue_invitations
pushes after the transaction commits."""
from email.utils import parseaddr

from trytond import config
from trytond.i18n import gettext
from trytond.modules.ossis_application.application_report import local
from trytond.modules.ossis_notification import channel
from trytond.transaction import Transaction
from trytond.url import host

from . import calendar_file

LANGUAGES = ('sq', 'en')


def language_of(user):
    code = user.language.code if user.language else None
    return code if code in LANGUAGES else LANGUAGES[0]


def event_uid(session):
    "The same UID for every participant: it is one event"
    database = Transaction().database.name
    return f'ossis-training-session-{session.id}.{database}@{host()}'


def message_id(attendee):
    """The same Message-ID for every attempt, so that a receiving system
    can tell a repeated message"""
    database = Transaction().database.name
    return f'<ossis.training.invitation.{attendee.id}.{database}@{host()}>'


def texts(session, user):
    "Return the subject and the body of the invitation"
    start = local(session.company, session.start_at)
    end = local(session.company, session.end_at)
    values = {
        'name': user.name,
        'course': session.course.name,
        'date': start.strftime('%d.%m.%Y'),
        'start': start.strftime('%H:%M'),
        'end': end.strftime('%H:%M'),
        'municipality': session.company.rec_name,
        }
    subject = gettext(
        'ossis_training.msg_invitation_subject', **values)
    lines = [gettext('ossis_training.msg_invitation_body', **values)]
    if session.place:
        lines.append(gettext(
                'ossis_training.msg_invitation_place', place=session.place))
    if session.online_url:
        lines.append(gettext(
                'ossis_training.msg_invitation_online',
                url=session.online_url))
    return subject, '\n\n'.join(lines)


def build(attendee):
    "Return the email of the invitation of the participant"
    session, user = attendee.session, attendee.user
    language = language_of(user)
    with Transaction().set_context(language=language):
        session = session.__class__(session.id)
        sender = session.company.rec_name
        subject, body = texts(session, user)
    message = channel.build_email(
        user.email, subject, body, sender, language, message_id(attendee))
    organizer = config.get('email', 'from')
    ics = calendar_file.request(
        event_uid(session), session.start_at, session.end_at,
        summary=session.course.name, description=body,
        location=session.place, url=session.online_url,
        organizer=(sender, parseaddr(organizer)[1])
        if organizer else None,
        attendee=(user.name, user.email))
    message.add_attachment(
        ics, maintype='text', subtype='calendar', filename='invitation.ics',
        params={'method': 'REQUEST'})
    return message


def send_invitation(attendee):
    """Send the invitation once; raise channel.DeliveryError when the mail
    server refuses it, ValueError when the participant has no address"""
    if not attendee.user.email:
        raise ValueError("no email address")
    channel.send_email(build(attendee))
