# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Classroom and online sessions of a course

A session belongs to the municipality that runs it; its trainers see it,
the municipality's administrators see every session of their municipality
and the national team every session."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

from .exceptions import SessionError, SessionValidationError

STATES = [
    ('draft', "Draft"),
    ('planned', "Planned"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
_states = {
    'readonly': Eval('state') != 'draft',
    }


class Session(LGUOwnedMixin, Workflow, ModelSQL, ModelView):
    """Training Session

    A course given in a room or online, at a date, to a limited number of
    participants."""
    __name__ = 'ossis.training.session'
    __string__ = "Training Session"
    _lgu_links = ('unit',)

    course = fields.Many2One(
        'ossis.training.course', "Course", required=True,
        ondelete='RESTRICT', states=_states,
        domain=['OR',
            ('company', '=', None),
            ('company', '=', Eval('company', -1)),
            ])
    trainers = fields.Many2Many(
        'ossis.training.session-res.user', 'session', 'user', "Trainers",
        states=_states,
        domain=[('groups', '=', Id('ossis_base', 'group_trainer'))],
        help="The trainers who give the session and mark the attendance.")
    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE', states=_states)
    unit = fields.Many2One(
        'ossis.administrative_unit', "Administrative Unit",
        ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="The unit whose staff the session is for, if only one.")
    place = fields.Char(
        "Place", states=_states,
        help="The address and the room of a classroom session.")
    online_url = fields.Char(
        "Online Link", states=_states,
        help="The address where the participants join an online session.")
    start_at = fields.DateTime("Start", required=True, states=_states)
    end_at = fields.DateTime(
        "End", required=True, states=_states,
        domain=[('end_at', '>', Eval('start_at', None))])
    capacity = fields.Integer(
        "Capacity", required=True, states=_states,
        domain=[('capacity', '>', 0)],
        help="The number of participants the session takes, invited or "
        "enrolled.")
    attendees = fields.One2Many(
        'ossis.training.session.attendee', 'session', "Participants",
        states={
            'readonly': Eval('state').in_(['done', 'cancelled']),
            })
    participant_count = fields.Function(
        fields.Integer("Participants"), 'get_participant_count')
    rating = fields.Function(
        fields.Float("Rating", digits=(1, 1),
            help="The average rating the participants gave."),
        'get_rating')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('start_at', 'DESC'))
        cls._transitions |= {
            ('draft', 'planned'),
            ('planned', 'done'),
            ('draft', 'cancelled'),
            ('planned', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'plan': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'planned']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                'invite': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'issue_certificates': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_trainers(cls):
        "The trainer who plans a session gives it, unless told otherwise"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user_id = Transaction().user
        if user_id and ModelData.get_id(
                'ossis_base', 'group_trainer') in User.get_groups():
            return [user_id]
        return []

    def get_rec_name(self, name):
        return f'{self.course.rec_name} ({self.start_at:%Y-%m-%d %H:%M})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('course.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_participant_count(cls, sessions, name):
        return {s.id: len(s.attendees) for s in sessions}

    @classmethod
    def get_rating(cls, sessions, name):
        result = {}
        for session in sessions:
            ratings = [a.rating for a in session.attendees if a.rating]
            result[session.id] = (
                sum(ratings) / len(ratings) if ratings else None)
        return result

    @classmethod
    def validate_fields(cls, sessions, field_names):
        super().validate_fields(sessions, field_names)
        cls.check_capacity(sessions)

    @classmethod
    def check_capacity(cls, sessions, adding=None):
        """Refuse a session with more participants than its capacity

        adding is {session id: the number of participants about to be
        added}, checked before they are stored."""
        adding = adding or {}
        for session in sessions:
            count = len(session.attendees) + adding.get(session.id, 0)
            if count > session.capacity:
                raise SessionValidationError(gettext(
                        'ossis_training.msg_session_full',
                        session=session.rec_name,
                        capacity=session.capacity))

    @classmethod
    def enrol(cls, session, users, status='enrolled'):
        """Add the users to the session, refused over its capacity

        The session is locked, so that two enrolments at the same time
        cannot both take its last place."""
        pool = Pool()
        Attendee = pool.get('ossis.training.session.attendee')
        cls.lock([session])
        session = cls(session.id)
        if session.state not in {'draft', 'planned'}:
            raise SessionError(gettext(
                    'ossis_training.msg_session_closed',
                    session=session.rec_name))
        present = {a.user for a in session.attendees}
        users = [u for u in users if u not in present]
        cls.check_capacity([session], {session.id: len(users)})
        return Attendee.create([{
                    'session': session.id,
                    'user': u.id,
                    'status': status,
                    } for u in users])

    @classmethod
    def check_modification(cls, mode, sessions, values=None, external=False):
        super().check_modification(
            mode, sessions, values=values, external=external)
        if mode == 'delete':
            for session in sessions:
                if session.state != 'draft' and session.attendees:
                    raise SessionError(gettext(
                            'ossis_training.msg_session_delete',
                            session=session.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, sessions):
        for session in sessions:
            if not session.place and not session.online_url:
                raise SessionError(gettext(
                        'ossis_training.msg_session_no_place',
                        session=session.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, sessions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, sessions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, sessions):
        pass

    @classmethod
    @ModelView.button
    def invite(cls, sessions):
        "Email the calendar invitation to the participants not yet invited"
        pool = Pool()
        Attendee = pool.get('ossis.training.session.attendee')
        for session in sessions:
            if session.state != 'planned':
                raise SessionError(gettext(
                        'ossis_training.msg_session_not_planned',
                        session=session.rec_name))
        attendees = [
            a for s in sessions for a in s.attendees
            if a.invitation in {None, 'failed'}]
        without_email = [a for a in attendees if not a.user.email]
        if without_email:
            raise SessionError(gettext(
                    'ossis_training.msg_invitation_no_email',
                    participants=', '.join(
                        a.rec_name for a in without_email)))
        Attendee.queue_invitations(attendees)

    @classmethod
    @ModelView.button
    def issue_certificates(cls, sessions):
        """Issue the certificates of the paths that the participants who
        attended have completed"""
        pool = Pool()
        Certificate = pool.get('ossis.training.certificate')
        Certificate.issue_completed(list({
                    a.user for s in sessions for a in s.attendees
                    if a.attended}))


class SessionTrainer(ModelSQL):
    "Training Session Trainer"
    __name__ = 'ossis.training.session-res.user'
    __string__ = "Training Session Trainer"

    session = fields.Many2One(
        'ossis.training.session', "Session", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "Trainer", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('session')
