# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Exercises done in the practice municipality and checked automatically

An exercise asks the learner to do something with a training account in
the practice municipality (register an application at a desk, forward it
with a comment, request a missing document, decide); its checker, one
small classmethod per kind, reads what the learner's training accounts did
and tells what is right and what is missing.  A passed exercise counts
towards the learner's path."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .learner import learner_company
from .practice import practice_company

KINDS = [
    ('register', "Register an Application at the Desk"),
    ('forward', "Forward an Application with a Comment"),
    ('request_info', "Request a Missing Document"),
    ('approve', "Approve an Application"),
    ('reject', "Reject an Application"),
    ]
# The desks of the practice municipality, by the XML ids of its org units
DESKS = [
    (None, ""),
    ('practice_org_desk_center', "Central Desk"),
    ('practice_org_desk_kodra', "Kodra Desk"),
    ]
# The actions whose comment the exercise asks for
COMMENTED = {'forward', 'request_info', 'reject'}


class Exercise(ModelSQL, ModelView):
    "Training Exercise"
    __name__ = 'ossis.training.exercise'
    __string__ = "Exercise"

    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(
        KINDS, "Kind", required=True,
        help="What the learner does in the practice municipality, "
        "which the check looks for.")
    service_code = fields.Char(
        "Service Code", required=True, strip=True,
        help="The code of the service of the application, offered by the "
        "practice municipality (e.g. CIV-02).")
    applicant_identifier = fields.Char(
        "Applicant Identifier", strip=True,
        help="The personal number or NIPT of the applicant in the practice "
        "municipality; empty for any applicant.")
    desk = fields.Selection(
        DESKS, "Desk",
        states={
            'invisible': Eval('kind') != 'register',
            },
        help="The desk of the practice municipality where the application "
        "is registered; empty for any desk.")
    instructions = fields.Text(
        "Instructions", translate=True,
        help="What the learner is asked to do, shown on the exercise page.")
    lessons = fields.One2Many(
        'ossis.training.lesson', 'exercise', "Lessons", readonly=True)

    @classmethod
    def default_kind(cls):
        return 'register'

    @classmethod
    def learner_of(cls, user):
        "Return the learner whose work the user does"
        return user.training_learner or user

    @classmethod
    def check_work(cls, exercises, user):
        """Check the learner's work on the exercises, store and return the
        results; a pass may complete the learner's paths"""
        pool = Pool()
        User = pool.get('res.user')
        Result = pool.get('ossis.training.exercise.result')
        learner = cls.learner_of(user)
        company = learner_company(learner)
        accounts = User.training_accounts([learner])[learner.id]
        now = dt.datetime.now()
        results = []
        for exercise in exercises:
            right, missing = exercise.check(accounts)
            results.append(Result(
                    learner=learner, exercise=exercise, company=company,
                    passed=not missing, date=now,
                    feedback='\n'.join(right + missing)))
        with without_check_access():
            Result.save(results)
        if any(r.passed for r in results):
            cls._completed(learner)
        return results

    @classmethod
    def _completed(cls, learner):
        pool = Pool()
        try:
            Certificate = pool.get('ossis.training.certificate')
        except KeyError:
            return
        if hasattr(Certificate, 'issue_completed'):
            with without_check_access():
                Certificate.issue_completed([learner])

    def check(self, accounts):
        """Return the texts of what is right and of what is missing in the
        work done with the training accounts"""
        if not accounts:
            return [], [gettext('ossis_training.msg_exercise_no_account')]
        with without_check_access():
            return getattr(self, f'_check_{self.kind}')(accounts)

    def _applications(self, **domain):
        "Return the applications of the exercise in the practice municipality"
        pool = Pool()
        Application = pool.get('ossis.application')
        clauses = [
            ('company', '=', practice_company().id),
            ('lgu_service.service_code', '=', self.service_code),
            ]
        if self.applicant_identifier:
            clauses.append(
                ('applicant.identifier', '=', self.applicant_identifier))
        clauses.extend((k, 'in' if isinstance(v, list) else '=', v)
            for k, v in domain.items())
        return Application.search(clauses, order=[('id', 'ASC')])

    @property
    def _texts(self):
        "The values the messages of the checks name"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        applicant = gettext('ossis_training.msg_exercise_any_applicant')
        if self.applicant_identifier:
            applicants = Applicant.search([
                    ('company', '=', practice_company().id),
                    ('identifier', '=', self.applicant_identifier),
                    ], limit=1)
            applicant = (applicants[0].name if applicants
                else self.applicant_identifier)
        return {
            'service': self.service_code,
            'applicant': applicant,
            'action': dict(self.fields_get(['kind'])['kind']['selection'])[
                self.kind],
            }

    def _desk_id(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if self.desk:
            return ModelData.get_id('ossis_training', self.desk)

    def _check_register(self, accounts):
        texts = self._texts
        mine = self._applications(create_uid=[a.id for a in accounts])
        submitted = [a for a in mine if a.state != 'draft']
        desk = self._desk_id()
        at_desk = [a for a in submitted
            if a.channel == 'desk' and a.desk
            and (not desk or a.desk.id == desk)]
        if at_desk:
            return [gettext('ossis_training.msg_exercise_registered',
                    number=at_desk[0].number, desk=at_desk[0].desk.rec_name,
                    **texts)], []
        if submitted:
            return [], [gettext(
                    'ossis_training.msg_exercise_registered_elsewhere',
                    number=submitted[0].number, **texts)]
        if mine:
            return [], [gettext(
                    'ossis_training.msg_exercise_still_draft', **texts)]
        return [], [gettext(
                'ossis_training.msg_exercise_not_registered',
                login=accounts[0].login, **texts)]

    def _check_action(self, accounts):
        "Check the action of the kind was taken, with a comment if asked"
        pool = Pool()
        History = pool.get('ossis.application.history')
        texts = self._texts
        rows = History.search([
                ('application', 'in', [a.id for a in self._applications()]),
                ('action', '=', self.kind),
                ('create_uid', 'in', [a.id for a in accounts]),
                ], order=[('date', 'DESC'), ('id', 'DESC')])
        if not rows:
            return [], [gettext(
                    'ossis_training.msg_exercise_action_missing',
                    login=accounts[0].login, **texts)]
        right = [gettext('ossis_training.msg_exercise_action_taken',
                number=rows[0].application.number, **texts)]
        if self.kind not in COMMENTED:
            return right, []
        commented = [r for r in rows if (r.comment or '').strip()]
        if commented:
            return right + [gettext(
                    'ossis_training.msg_exercise_comment_written',
                    comment=commented[0].comment.strip())], []
        return right, [gettext(
                'ossis_training.msg_exercise_comment_missing',
                number=rows[0].application.number, **texts)]

    _check_forward = _check_action
    _check_request_info = _check_action
    _check_approve = _check_action
    _check_reject = _check_action


class ExerciseResult(LGUOwnedMixin, ModelSQL, ModelView):
    "Training Exercise Result"
    __name__ = 'ossis.training.exercise.result'
    __string__ = "Exercise Result"

    learner = fields.Many2One(
        'res.user', "Learner", required=True, readonly=True,
        ondelete='CASCADE')
    exercise = fields.Many2One(
        'ossis.training.exercise', "Exercise", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE',
        help="The municipality of the learner.")
    passed = fields.Boolean("Passed", readonly=True)
    feedback = fields.Text(
        "Feedback", readonly=True,
        help="What the check found right and what it found missing.")
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def passed_by(cls, learners, exercises):
        "Return {learner id: ids of the exercises passed}"
        result = defaultdict(set)
        with without_check_access():
            for record in cls.search([
                        ('learner', 'in', [u.id for u in learners]),
                        ('exercise', 'in', [e.id for e in exercises]),
                        ('passed', '=', True),
                        ]):
                result[record.learner.id].add(record.exercise.id)
        return result


class Lesson(metaclass=PoolMeta):
    __name__ = 'ossis.training.lesson'

    exercise = fields.Many2One(
        'ossis.training.exercise', "Exercise", ondelete='SET NULL',
        help="The exercise the learner does in the practice municipality "
        "after the lesson.")


class Course(metaclass=PoolMeta):
    __name__ = 'ossis.training.course'

    @classmethod
    def _missing_checks(cls):
        return super()._missing_checks() + [cls._missing_exercises]

    @classmethod
    def _missing_exercises(cls, courses, user):
        pool = Pool()
        Lesson = pool.get('ossis.training.lesson')
        Result = pool.get('ossis.training.exercise.result')
        with without_check_access():
            lessons = Lesson.search([
                    ('course', 'in', [c.id for c in courses]),
                    ('exercise', '!=', None),
                    ])
        passed = Result.passed_by(
            [user], [l.exercise for l in lessons])[user.id]
        result = defaultdict(list)
        for lesson in lessons:
            if lesson.exercise.id not in passed:
                result[lesson.course.id].append(gettext(
                        'ossis_training.msg_missing_exercise',
                        exercise=lesson.exercise.name, lesson=lesson.name))
        return result


def current_user():
    pool = Pool()
    User = pool.get('res.user')
    return User(Transaction().user)
