# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The participants of a session: invitation, attendance and rating"""
import datetime as dt
import logging
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import RatingError, SessionError
from .invitation import send_invitation

logger = logging.getLogger(__name__)

RATINGS = range(1, 6)
# The name of the task queue of the invitations: "trytond-worker --name"
QUEUE_NAME = 'ossis_training_invitation'


class Attendee(LGUOwnedMixin, ModelSQL, ModelView):
    """Training Session Participant

    A member of the staff invited to or enrolled in a session, whether
    they attended, and the rating they gave."""
    __name__ = 'ossis.training.session.attendee'
    __string__ = "Training Session Participant"

    session = fields.Many2One(
        'ossis.training.session', "Session", required=True,
        ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    user = fields.Many2One(
        'res.user', "Participant", required=True, ondelete='CASCADE',
        states={
            'readonly': Eval('id', -1) >= 0,
            })
    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE',
        help="The municipality of the session.")
    status = fields.Selection([
            ('invited', "Invited"),
            ('enrolled', "Enrolled"),
            ], "Status", required=True)
    attended = fields.Boolean(
        "Attended",
        states={
            'readonly': Eval('session_state') != 'done',
            },
        help="Marked by the trainer once the session has taken place.")
    rating = fields.Integer(
        "Rating", readonly=True,
        help="From 1 (poor) to 5 (excellent), given by the participant.")
    comment = fields.Text("Comment", readonly=True)
    invitation = fields.Selection([
            (None, ""),
            ('queued', "Queued"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "Invitation", readonly=True)
    invited_at = fields.DateTime("Invited at", readonly=True)
    session_state = fields.Function(
        fields.Selection('get_session_states', "Session State"),
        'on_change_with_session_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('session_user_unique', Unique(t, t.session, t.user),
                'ossis_training.msg_attendee_unique'),
            ]
        cls.__access__.add('session')

    @classmethod
    def default_status(cls):
        return 'enrolled'

    @classmethod
    def default_attended(cls):
        return False

    @classmethod
    def get_session_states(cls):
        pool = Pool()
        Session = pool.get('ossis.training.session')
        return Session.fields_get(['state'])['state']['selection']

    @fields.depends('session', '_parent_session.state')
    def on_change_with_session_state(self, name=None):
        return self.session.state if self.session else None

    def get_rec_name(self, name):
        return self.user.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('user.rec_name',) + tuple(clause[1:])]

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Session = pool.get('ossis.training.session')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('session'):
            # A participant belongs to the municipality of the session
            with without_check_access():
                values['company'] = Session(values['session']).company.id
        return values

    @classmethod
    def validate_fields(cls, attendees, field_names):
        pool = Pool()
        Session = pool.get('ossis.training.session')
        super().validate_fields(attendees, field_names)
        with without_check_access():
            Session.check_capacity(
                Session.browse(list({a.session.id for a in attendees})))

    @classmethod
    def check_modification(cls, mode, attendees, values=None, external=False):
        super().check_modification(
            mode, attendees, values=values, external=external)
        if mode == 'write' and {'rating', 'comment'} & set(values):
            cls.check_rating(attendees, values)
        if mode == 'write' and 'attended' in values:
            for attendee in attendees:
                if attendee.session.state != 'done':
                    raise SessionError(gettext(
                            'ossis_training.msg_attendance_not_done',
                            session=attendee.session.rec_name))

    @classmethod
    def on_modification(cls, mode, attendees, field_names=None):
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        super().on_modification(mode, attendees, field_names=field_names)
        if mode == 'write' and 'attended' in field_names:
            # The attendance may complete a path
            Certificate.issue_completed(
                list({a.user for a in attendees if a.attended}))

    @classmethod
    def check_rating(cls, attendees, values):
        """Refuse a rating but from a participant who attended, once,
        from 1 to 5"""
        rating = values.get('rating')
        for attendee in attendees:
            if not attendee.attended:
                raise RatingError(gettext(
                        'ossis_training.msg_rating_not_attended',
                        session=attendee.session.rec_name))
            if attendee.rating:
                raise RatingError(gettext(
                        'ossis_training.msg_rating_once',
                        session=attendee.session.rec_name))
        if rating not in RATINGS:
            raise RatingError(gettext('ossis_training.msg_rating_range'))

    @classmethod
    def rate(cls, attendee, rating, comment=None):
        "Record the rating of the session by its participant"
        cls.write([attendee], {
                'rating': rating,
                'comment': (comment or '').strip() or None,
                })

    @classmethod
    def attended_courses(cls, user, courses):
        "Return the ids of the courses of which the user attended a session"
        with without_check_access():
            return {a.session.course.id for a in cls.search([
                        ('user', '=', user.id),
                        ('attended', '=', True),
                        ('session.course', 'in', [c.id for c in courses]),
                        ])}

    # Invitations

    @classmethod
    def queue_invitations(cls, attendees):
        """Send the invitations after the transaction commits, one task per
        participant, so that a transaction tried again sends nothing twice
        and a failure stops no other invitation"""
        if not attendees:
            return
        with without_check_access():
            cls.write(attendees, {'invitation': 'queued'})
        with Transaction().set_context(queue_name=QUEUE_NAME):
            for attendee in attendees:
                cls.__queue__.send_invitations([attendee])

    @classmethod
    def send_invitations(cls, attendees):
        """Email the invitations still queued

        The rows are locked and their state checked and set in the same
        transaction: a repeated task finds them sent and sends nothing."""
        cls.lock(attendees)
        for attendee in cls.browse(attendees):
            if attendee.invitation != 'queued':
                continue
            try:
                send_invitation(attendee)
            except Exception as exception:
                # The log names no person: the error may hold an address
                logger.warning(
                    "invitation of participant %s failed (%s)",
                    attendee.id, type(exception).__name__)
                values = {'invitation': 'failed'}
            else:
                values = {
                    'invitation': 'sent',
                    'invited_at': dt.datetime.now(),
                    }
            with without_check_access():
                cls.write([attendee], values)


class Path(metaclass=PoolMeta):
    __name__ = 'ossis.training.path'

    @classmethod
    def _missing_checks(cls):
        return super()._missing_checks() + [cls._missing_attendance]

    @classmethod
    def _missing_attendance(cls, paths, user):
        """Return {path id: [texts]} of the courses whose lines ask for a
        session the user has not attended"""
        pool = Pool()
        Attendee = pool.get('ossis.training.session.attendee')
        lines = [l for p in paths for l in p.courses
            if l.attendance_required]
        if not lines:
            return {}
        attended = Attendee.attended_courses(
            user, list({l.course for l in lines}))
        result = defaultdict(list)
        for line in lines:
            if line.course.id not in attended:
                result[line.path.id].append(gettext(
                        'ossis_training.msg_missing_attendance',
                        course=line.course.rec_name))
        return result
