# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import random

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import QuizAttemptError
from .learner import learner_company

STATES = [
    ('open', "Open"),
    ('submitted', "Submitted"),
    ]


class Attempt(LGUOwnedMixin, ModelSQL, ModelView):
    """Quiz Attempt

    The questions drawn for a learner and, once submitted, their answers
    and score.  It belongs to the learner's municipality."""
    __name__ = 'ossis.training.quiz.attempt'
    __string__ = "Quiz Attempt"

    user = fields.Many2One(
        'res.user', "Learner", required=True, readonly=True,
        ondelete='CASCADE')
    quiz = fields.Many2One(
        'ossis.training.quiz', "Quiz", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE')
    started = fields.DateTime("Started", required=True, readonly=True)
    deadline = fields.DateTime(
        "Deadline", readonly=True,
        help="The time by which the attempt must be submitted.")
    submitted = fields.DateTime("Submitted", readonly=True)
    score = fields.Integer(
        "Score", readonly=True, help="The share of right answers in percent.")
    passed = fields.Boolean("Passed", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    questions = fields.One2Many(
        'ossis.training.quiz.attempt.question', 'attempt', "Questions",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('started', 'DESC'))

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_passed(cls):
        return False

    @property
    def expired(self):
        return bool(self.deadline and dt.datetime.now() > self.deadline)

    @property
    def minutes_left(self):
        "Return the whole minutes left to submit, None without a limit"
        if not self.deadline:
            return None
        seconds = (self.deadline - dt.datetime.now()).total_seconds()
        return max(int(seconds // 60), 0)

    @classmethod
    def start(cls, quiz, user):
        """Start an attempt of the quiz for the user and return it

        The learner's open attempt still in time is returned instead: a
        reload of the page does not use up an attempt."""
        pool = Pool()
        Quiz = pool.get('ossis.training.quiz')
        Question = pool.get('ossis.training.question')
        company = learner_company(user)
        # Reading checks the user may see the quiz (record rules)
        Quiz.read([quiz.id], ['course'])
        with without_check_access():
            attempts = cls.search([
                    ('user', '=', user.id), ('quiz', '=', quiz.id)])
            for attempt in attempts:
                if attempt.state == 'open' and not attempt.expired:
                    return attempt
            if quiz.max_attempts and len(attempts) >= quiz.max_attempts:
                raise QuizAttemptError(gettext(
                        'ossis_training.msg_attempt_limit',
                        quiz=quiz.rec_name, count=quiz.max_attempts))
            bank = [
                q for q in Question.search([('course', '=', quiz.course.id)])
                if q.ready]
            if not bank:
                raise QuizAttemptError(gettext(
                        'ossis_training.msg_attempt_no_questions',
                        quiz=quiz.rec_name))
            drawn = random.SystemRandom().sample(
                bank, min(quiz.question_count, len(bank)))
            now = dt.datetime.now()
            attempt, = cls.create([{
                        'user': user.id,
                        'quiz': quiz.id,
                        'company': company.id,
                        'started': now,
                        'deadline': (
                            now + dt.timedelta(minutes=quiz.time_limit)
                            if quiz.time_limit else None),
                        'questions': [('create', [{
                                        'sequence': i,
                                        'question': q.id,
                                        } for i, q in enumerate(drawn)])],
                        }])
        return attempt

    @classmethod
    def submit(cls, attempt, choices):
        """Score the answers chosen {attempt question id: [answer ids]}

        Refused, storing nothing, when the attempt was already submitted or
        its time is over, or when it is not the user's."""
        pool = Pool()
        Line = pool.get('ossis.training.quiz.attempt.question')
        Answer = pool.get('ossis.training.answer')
        transaction = Transaction()
        # Lock the attempt so that two submissions at once score only once
        cls.lock([attempt])
        with without_check_access():
            attempt = cls(attempt.id)
            if transaction.user and attempt.user.id != transaction.user:
                raise QuizAttemptError(gettext(
                        'ossis_training.msg_attempt_not_yours'))
            if attempt.state != 'open':
                raise QuizAttemptError(gettext(
                        'ossis_training.msg_attempt_submitted',
                        quiz=attempt.quiz.rec_name))
            if attempt.expired:
                raise QuizAttemptError(gettext(
                        'ossis_training.msg_attempt_expired',
                        quiz=attempt.quiz.rec_name,
                        minutes=attempt.quiz.time_limit))
            to_save = []
            right = 0
            for line in attempt.questions:
                offered = {a.id for a in line.question.answers}
                chosen = [
                    a for a in map(int, choices.get(line.id, []))
                    if a in offered]
                if line.question.kind != 'multiple' and len(chosen) > 1:
                    raise QuizAttemptError(gettext(
                            'ossis_training.msg_attempt_one_answer',
                            question=line.question.rec_name))
                line.chosen = Answer.browse(chosen)
                line.right = line.question.is_right(line.chosen)
                right += line.right
                to_save.append(line)
            Line.save(to_save)
            total = len(attempt.questions) or 1
            attempt.score = round(100 * right / total)
            attempt.passed = attempt.score >= attempt.quiz.pass_mark
            attempt.submitted = dt.datetime.now()
            attempt.state = 'submitted'
            attempt.save()
        return attempt

    @classmethod
    def results(cls, quizzes, user):
        """Return {quiz id: {'attempts', 'best', 'passed', 'left'}} of the
        user, 'left' being None without a limit of attempts"""
        with without_check_access():
            attempts = cls.search([
                    ('user', '=', user.id),
                    ('quiz', 'in', [q.id for q in quizzes]),
                    ])
        result = {}
        for quiz in quizzes:
            own = [a for a in attempts if a.quiz == quiz]
            scores = [a.score for a in own if a.state == 'submitted']
            result[quiz.id] = {
                'attempts': len(own),
                'best': max(scores) if scores else None,
                'passed': any(a.passed for a in own),
                'left': (max(quiz.max_attempts - len(own), 0)
                    if quiz.max_attempts else None),
                }
        return result


class AttemptQuestion(ModelSQL, ModelView):
    "Quiz Attempt Question"
    __name__ = 'ossis.training.quiz.attempt.question'
    __string__ = "Quiz Attempt Question"

    attempt = fields.Many2One(
        'ossis.training.quiz.attempt', "Attempt", required=True,
        ondelete='CASCADE', readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)
    question = fields.Many2One(
        'ossis.training.question', "Question", required=True,
        ondelete='CASCADE', readonly=True)
    chosen = fields.Many2Many(
        'ossis.training.quiz.attempt.choice', 'line', 'answer',
        "Answers Chosen", readonly=True)
    right = fields.Boolean("Right", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('attempt')
        cls._order = [
            ('attempt', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]

    def answers_shuffled(self):
        """Return the answers in an order of their own for the attempt

        True comes before false as everywhere."""
        answers = list(self.question.answers)
        if self.question.kind != 'true_false':
            random.Random(self.id).shuffle(answers)
        return answers


class AttemptChoice(ModelSQL):
    "Quiz Attempt Choice"
    __name__ = 'ossis.training.quiz.attempt.choice'
    __string__ = "Quiz Attempt Choice"

    line = fields.Many2One(
        'ossis.training.quiz.attempt.question', "Question", required=True,
        ondelete='CASCADE')
    answer = fields.Many2One(
        'ossis.training.answer', "Answer", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')
