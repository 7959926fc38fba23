# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import logging

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, Model, ModelSQL, ModelView, fields
from trytond.modules.ossis_application.applicant import email_address
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from . import channel, template
from .exceptions import NotificationError

logger = logging.getLogger(__name__)

CHANNELS = [
    ('email', "Email"),
    ('sms', "SMS"),
    ]
STATES = [
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ('cancelled', "Cancelled"),
    ]
# The wait after each failed attempt; the attempt after the last wait is
# the last one
BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
    ]
MAX_ATTEMPTS = len(BACKOFF) + 1
# The name of the task queue of the deliveries: "trytond-worker --name"
# may run them apart from the other tasks
QUEUE_NAME = 'ossis_notification'


class Notification(LGUOwnedMixin, ModelSQL, ModelView):
    """Notification

    An email or an SMS to an applicant.  Notifications are created by the
    process (never by hand) and sent after the transaction that created
    them commits, each in a task of its own, at most once; a failed
    delivery is tried again later."""
    __name__ = 'ossis.notification'
    __string__ = "Notification"

    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='RESTRICT')
    origin = fields.Reference(
        "Origin", selection='get_origin', readonly=True,
        help="The record the notification is about, "
        "such as an application.")
    event = fields.Char(
        "Event", readonly=True,
        help="What happened to the origin, such as \"submitted\".")
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        readonly=True)
    recipient = fields.Char(
        "Recipient", required=True, readonly=True,
        help="The email address or the phone number in international form.")
    language = fields.Char(
        "Language", readonly=True,
        help="The code of the language of the texts, such as \"sq\".")
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text("Body", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    state_string = state.translated('state')
    attempts = fields.Integer(
        "Attempts", required=True, readonly=True,
        help="How many times the delivery was tried.")
    next_attempt = fields.DateTime(
        "Next Attempt", readonly=True,
        help="When the delivery is tried (again).")
    last_error = fields.Text(
        "Last Error", readonly=True,
        help="Why the last delivery failed or was cancelled.")
    sent_date = fields.DateTime(
        "Sent Date", readonly=True,
        help="When the mail server or the SMS gateway accepted the message.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(
                t, (t.next_attempt, Index.Range()),
                where=t.state == 'queued'))
        cls._order = [
            ('create_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._buttons.update({
                'retry': {
                    'invisible': ~Eval('state').in_(['queued', 'failed']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_attempts(cls):
        return 0

    @classmethod
    def get_origin(cls):
        "Any record may be the origin of a notification"
        IrModel = Pool().get('ir.model')
        names = IrModel.get_names()
        return [(None, '')] + sorted(names.items(), key=lambda i: i[1])

    def get_rec_name(self, name):
        return f'{self.channel} #{self.id}'

    # Creation

    @classmethod
    def notify_applicants(cls, applications, event):
        """Queue the email and the SMS of the event to the applicant and the
        representative of each application, in their language

        An application is an object with company, number, tracking_code,
        service (with name), applicant and representative (None or with
        name, email, phone and language), due_date and decision.  The
        notifications are sent after the transaction commits."""
        values_list = []
        for application in applications:
            values_list.extend(cls._applicant_values(application, event))
        return cls.queue(values_list)

    @classmethod
    def _applicant_values(cls, application, event):
        "Return the values of the notifications of the event"
        origin = str(application) if isinstance(application, Model) else None
        values_list, seen = [], set()
        for person in template.recipients(application):
            # An address stored before it was checked is not mailed
            email = email_address(person.email)
            number = channel.sms_number(person.phone)
            if (email, number) == (None, None):
                continue
            language = template.language_of(person)
            texts = template.render(application, event, person, language)
            base = {
                'company': application.company.id,
                'origin': origin,
                'event': event,
                'language': language,
                }
            if email and ('email', email) not in seen:
                seen.add(('email', email))
                values_list.append({
                        **base,
                        'channel': 'email',
                        'recipient': email,
                        'subject': texts.subject,
                        'body': texts.body,
                        })
            if number and ('sms', number) not in seen:
                seen.add(('sms', number))
                values_list.append({
                        **base,
                        'channel': 'sms',
                        'recipient': number,
                        'body': texts.sms,
                        })
        return values_list

    @classmethod
    def queue(cls, values_list):
        """Create the notifications and send them after the transaction
        commits; SMS are not created when no gateway is configured"""
        now = dt.datetime.now()
        sms = channel.sms_configured()
        values_list = [{
                **values,
                'state': 'queued',
                'attempts': 0,
                'next_attempt': now,
                } for values in values_list
            if values['channel'] != 'sms' or sms]
        if not values_list:
            return []
        # No one creates notifications by hand: the process does
        with without_check_access():
            notifications = cls.create(values_list)
        cls._push(notifications)
        return notifications

    @classmethod
    def _push(cls, notifications):
        "Push a task per notification: a failure stops no other delivery"
        with Transaction().set_context(queue_name=QUEUE_NAME):
            for notification in notifications:
                cls.__queue__.send([notification])

    # Delivery

    @classmethod
    def send(cls, notifications):
        """Deliver the notifications that are queued and due

        The rows are locked first and their state is checked and set in
        the same transaction: a repeated or concurrent task finds them sent
        (or not yet due) and sends nothing."""
        cls.lock(notifications)
        now = dt.datetime.now()
        for notification in cls.browse(notifications):
            if notification.is_due(now):
                notification.deliver()

    def is_due(self, now):
        return (self.state == 'queued'
            and (self.next_attempt is None or self.next_attempt <= now))

    def deliver(self):
        "Try to send the notification once and record the result"
        try:
            getattr(self, f'_send_{self.channel}')()
        except channel.NotConfigured:
            # Only SMS need a configuration of their own
            self._cancelled(gettext(
                    'ossis_notification.msg_sms_not_configured'))
        except channel.DeliveryError as exception:
            self._failed(str(exception), exception.kind)
        except Exception as exception:
            # Never break the batch nor retry the task: record and go on
            self._failed(channel.describe(exception), type(exception).__name__)
        else:
            self._sent()

    def _send_email(self):
        Company = Pool().get('company.company')
        with Transaction().set_context(language=self.language):
            company = Company(self.company.id)
            sender = company.official_name or company.rec_name
        message = channel.build_email(
            self.recipient, self.subject, self.body, sender,
            self.language or template.LANGUAGES[0],
            channel.message_id(Transaction().database.name, self.id))
        channel.send_email(message)

    def _send_sms(self):
        channel.send_sms(self.recipient, self.body, channel.sms_sender())

    def _sent(self):
        self._store_result({
                'state': 'sent',
                'attempts': self.attempts + 1,
                'next_attempt': None,
                'sent_date': dt.datetime.now(),
                })

    def _failed(self, error, kind):
        attempts = self.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            state, next_attempt = 'failed', None
        else:
            state = 'queued'
            next_attempt = dt.datetime.now() + BACKOFF[attempts - 1]
        # The log names no person: the error may hold an address
        logger.warning(
            "notification %s: attempt %s of %s failed (%s), %s",
            self.id, attempts, MAX_ATTEMPTS, kind,
            f"next attempt at {next_attempt:%Y-%m-%d %H:%M:%S}"
            if next_attempt else "given up")
        self._store_result({
                'state': state,
                'attempts': attempts,
                'next_attempt': next_attempt,
                'last_error': error,
                })

    def _cancelled(self, reason):
        logger.warning(
            "notification %s: cancelled, its channel %s is not configured",
            self.id, self.channel)
        self._store_result({
                'state': 'cancelled',
                'next_attempt': None,
                'last_error': reason,
                })

    def _store_result(self, values):
        with without_check_access():
            self.__class__.write([self], values)

    # Retries

    @classmethod
    def retry_due(cls):
        "Queue again the notifications whose next attempt is due"
        now = dt.datetime.now()
        notifications = cls.search([
                ('state', '=', 'queued'),
                ('next_attempt', '<=', now),
                ], order=[('next_attempt', 'ASC'), ('id', 'ASC')])
        waiting = cls._waiting_in_queue()
        cls._push([n for n in notifications if n.id not in waiting])

    @classmethod
    def _waiting_in_queue(cls):
        """Return the ids of the notifications whose task waits for the
        worker, so that a worker that is late does not get them twice"""
        pool = Pool()
        Queue = pool.get('ir.queue')
        # Without a worker, a task runs when its transaction commits, or
        # never: one still in the queue is lost
        if not config.getboolean('queue', 'worker', default=False):
            return set()
        ids = set()
        with without_check_access():
            tasks = Queue.search([
                    ('name', '=', QUEUE_NAME),
                    ('dequeued_at', '=', None),
                    ])
        for task in tasks:
            if task.data.get('model') != cls.__name__:
                continue
            instances = task.data.get('instances')
            if isinstance(instances, int):
                ids.add(instances)
            else:
                ids.update(instances or [])
        return ids

    @classmethod
    @ModelView.button
    def retry(cls, notifications):
        """Send the notifications now; a failed one gets all its attempts
        again"""
        for notification in notifications:
            if notification.state not in {'queued', 'failed'}:
                raise NotificationError(gettext(
                        'ossis_notification.msg_notification_retry_state',
                        notification=notification.rec_name,
                        state=notification.state_string))
        now = dt.datetime.now()
        failed = [n for n in notifications if n.state == 'failed']
        with without_check_access():
            cls.write(notifications, {
                    'state': 'queued',
                    'next_attempt': now,
                    })
            if failed:
                cls.write(failed, {'attempts': 0})
        cls._push(notifications)
