# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields

from .exceptions import QuizValidationError


class Quiz(ModelSQL, ModelView):
    """Training Quiz

    A quiz draws its questions at random from the bank of its course."""
    __name__ = 'ossis.training.quiz'
    __string__ = "Quiz"

    course = fields.Many2One(
        'ossis.training.course', "Course", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    pass_mark = fields.Integer(
        "Pass Mark", required=True,
        help="The share of right answers, in percent, needed to pass.")
    max_attempts = fields.Integer(
        "Maximum Attempts",
        help="How many times a learner may take the quiz; "
        "leave empty for no limit.")
    time_limit = fields.Integer(
        "Time Limit",
        help="The minutes a learner has to submit an attempt; "
        "leave empty for no limit.")
    question_count = fields.Integer(
        "Questions", required=True,
        help="How many questions of the course's bank each attempt draws.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('course')

    @classmethod
    def default_pass_mark(cls):
        return 80

    @classmethod
    def default_max_attempts(cls):
        return 3

    @classmethod
    def default_question_count(cls):
        return 10

    @classmethod
    def validate_fields(cls, quizzes, field_names):
        super().validate_fields(quizzes, field_names)
        for quiz in quizzes:
            if not 0 < quiz.pass_mark <= 100:
                raise QuizValidationError(gettext(
                        'ossis_training.msg_quiz_pass_mark',
                        quiz=quiz.rec_name))
            for name in ['max_attempts', 'time_limit', 'question_count']:
                value = getattr(quiz, name)
                if value is not None and value < 1:
                    raise QuizValidationError(gettext(
                            'ossis_training.msg_quiz_positive',
                            quiz=quiz.rec_name,
                            field=cls.__names__(name)['field']))
