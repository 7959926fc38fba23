# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the applicant thought of the service, after the delivery"""
import datetime as dt

from sql.operators import And

from trytond.i18n import gettext
from trytond.model import Check, ModelSQL, ModelView, Unique, fields
from trytond.modules.ossis_application.exceptions import (
    ApplicationAccessError, ApplicationActionError)
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

FEEDBACK_CHANNELS = [
    ('desk', "Front Desk"),
    ('online', "Online"),
    ('phone', "Phone"),
    ]
FEEDBACK_STATES = ['delivered', 'closed']
# Ratings up to this one are flagged for the head of the unit
LOW_RATING = 2
RATINGS = range(1, 6)
_rating_domain = [
    ('rating', '>=', 1),
    ('rating', '<=', 5),
    ]


class ApplicationFeedback(LGUOwnedMixin, ModelSQL, ModelView):
    """Application Feedback

    The rating and the comment of the applicant on an application that was
    delivered, recorded by staff."""
    __name__ = 'ossis.application.feedback'
    __string__ = "Application Feedback"
    _lgu_links = ('application', 'unit', 'recorded_by')

    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE')
    application = fields.Many2One(
        'ossis.application', "Application", required=True, readonly=True,
        ondelete='CASCADE')
    unit = fields.Many2One(
        'ossis.org_unit', "Unit", readonly=True, ondelete='RESTRICT',
        help="The unit that decided the application.")
    rating = fields.Integer(
        "Rating", required=True, readonly=True, domain=_rating_domain,
        help="From 1 (very dissatisfied) to 5 (very satisfied).")
    comment = fields.Text("Comment", readonly=True)
    channel = fields.Selection(
        FEEDBACK_CHANNELS, "Channel", required=True, readonly=True,
        help="How the applicant gave the feedback.")
    date = fields.Date("Date", required=True, readonly=True)
    recorded_by = fields.Many2One(
        'company.employee', "Recorded By", readonly=True,
        ondelete='RESTRICT')
    flagged = fields.Boolean(
        "Flagged", readonly=True,
        help="A low rating that the head of the unit looks into.")
    headed_by_me = fields.Function(
        fields.Boolean(
            "Headed by Me", help="Of a unit the user heads."),
        'get_headed_by_me', searcher='search_headed_by_me')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('application_unique', Unique(t, t.application),
                'ossis_monitoring.msg_feedback_application_unique'),
            ('rating_range', Check(t, And([t.rating >= 1, t.rating <= 5])),
                'ossis_monitoring.msg_feedback_rating_range'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_channel(cls):
        return 'desk'

    def get_rec_name(self, name):
        return self.application.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('application.rec_name',) + tuple(clause[1:])]

    @classmethod
    def default_flagged(cls):
        return False

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'rating' in values:
            values['flagged'] = cls.is_low(values['rating'])
        return values

    @classmethod
    def is_low(cls, rating):
        return rating is not None and rating <= LOW_RATING

    @classmethod
    def _headed_units(cls):
        pool = Pool()
        Application = pool.get('ossis.application')
        _, _, headed = Application._task_context()
        return headed

    @classmethod
    def get_headed_by_me(cls, feedbacks, name):
        headed = cls._headed_units()
        return {f.id: bool(f.unit and f.unit.id in headed) for f in feedbacks}

    @classmethod
    def search_headed_by_me(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [('unit', 'in', list(cls._headed_units()))]
        if (operator == '=') == bool(value):
            return domain
        return [('id', 'not in', cls.search(domain, order=[], query=True))]


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    feedback = fields.Function(
        fields.Many2One('ossis.application.feedback', "Feedback"),
        'get_feedback')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'record_feedback_wizard': {
                    'invisible': (
                        ~Eval('state').in_(FEEDBACK_STATES)
                        | Bool(Eval('feedback'))),
                    'depends': ['state', 'feedback'],
                    },
                })

    @classmethod
    def get_feedback(cls, applications, name):
        pool = Pool()
        Feedback = pool.get('ossis.application.feedback')
        result = {a.id: None for a in applications}
        for feedback in Feedback.search([
                    ('application', 'in', [a.id for a in applications]),
                    ]):
            result[feedback.application.id] = feedback.id
        return result

    @classmethod
    @ModelView.button_action(
        'ossis_monitoring.wizard_application_record_feedback')
    def record_feedback_wizard(cls, applications):
        pass

    @classmethod
    def record_feedback(
            cls, applications, rating, comment=None, channel='desk'):
        "Record the rating and the comment of the applicant, once"
        if Transaction().check_access:
            cls.read([a.id for a in applications], ['id'])
        with without_check_access():
            cls._record_feedback(
                cls.browse(applications), rating, comment, channel)

    @classmethod
    def _record_feedback(cls, applications, rating, comment, channel):
        pool = Pool()
        Feedback = pool.get('ossis.application.feedback')
        History = pool.get('ossis.application.history')
        Date = pool.get('ir.date')
        roles, _, employee = cls._actor()
        if roles is not None and not roles & {'front_office', 'back_office'}:
            raise ApplicationAccessError(gettext(
                    'ossis_monitoring.msg_feedback_refused'))
        if rating not in RATINGS:
            raise ApplicationActionError(gettext(
                    'ossis_monitoring.msg_feedback_rating_range'))
        now = dt.datetime.now()
        feedbacks, history = [], []
        for application in applications:
            if application.state not in FEEDBACK_STATES:
                raise ApplicationActionError(gettext(
                        'ossis_monitoring.msg_feedback_not_delivered',
                        application=application.rec_name))
            if application.feedback:
                raise ApplicationActionError(gettext(
                        'ossis_monitoring.msg_feedback_recorded',
                        application=application.rec_name))
            with Transaction().set_context(
                    company=application.company.id):
                today = Date.today()
            unit = application.decision_unit or application.step_unit
            feedbacks.append({
                    'company': application.company.id,
                    'application': application.id,
                    'unit': unit.id if unit else None,
                    'rating': rating,
                    'comment': comment,
                    'channel': channel,
                    'date': today,
                    'recorded_by': employee.id if employee else None,
                    })
            history.append(cls._history_values(
                    application, 'feedback', application.state,
                    application.state, application.step, application.step,
                    employee, now, public=True))
        Feedback.create(feedbacks)
        History.create(history)


class RecordFeedbackStart(ModelView):
    "Record Feedback"
    __name__ = 'ossis.application.feedback.record.start'
    __string__ = "Record Feedback"

    rating = fields.Integer(
        "Rating", required=True, domain=_rating_domain,
        help="From 1 (very dissatisfied) to 5 (very satisfied).")
    comment = fields.Text("Comment")
    channel = fields.Selection(
        FEEDBACK_CHANNELS, "Channel", required=True,
        help="How the applicant gave the feedback.")

    @classmethod
    def default_channel(cls):
        return 'desk'


class RecordFeedback(Wizard):
    "Record Feedback"
    __name__ = 'ossis.application.feedback.record'

    start = StateView(
        'ossis.application.feedback.record.start',
        'ossis_monitoring.application_feedback_record_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'record_feedback', 'tryton-ok', default=True),
            ])
    record_feedback = StateTransition()

    def transition_record_feedback(self):
        pool = Pool()
        Application = pool.get('ossis.application')
        Application.record_feedback(
            self.records, self.start.rating, self.start.comment,
            self.start.channel)
        return 'end'
