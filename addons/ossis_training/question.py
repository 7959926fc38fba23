# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool

from .exceptions import QuestionValidationError

KINDS = [
    ('single', "Single Choice"),
    ('multiple', "Multiple Choice"),
    ('true_false', "True or False"),
    ]


class Question(ModelSQL, ModelView):
    """Training Question

    A question of the bank of a course, with its answers."""
    __name__ = 'ossis.training.question'
    __string__ = "Question"
    _rec_name = 'text'

    course = fields.Many2One(
        'ossis.training.course', "Course", required=True, ondelete='CASCADE')
    text = fields.Text("Question", required=True, translate=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    answers = fields.One2Many(
        'ossis.training.answer', 'question', "Answers")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('course')

    @classmethod
    def default_kind(cls):
        return 'single'

    def get_rec_name(self, name):
        return (self.text or '').splitlines()[0] if self.text else ''

    @classmethod
    def validate_fields(cls, questions, field_names):
        super().validate_fields(questions, field_names)
        cls.check_answers(questions)

    @classmethod
    def check_answers(cls, questions):
        """Refuse more right answers than the kind allows

        Fewer answers than needed are not refused, as the answers are
        added one by one: the question is just not drawn (ready)."""
        for question in questions:
            correct = [a for a in question.answers if a.correct]
            if question.kind in {'single', 'true_false'} and len(correct) > 1:
                valid = False
            elif question.kind == 'true_false':
                valid = len(question.answers) <= 2
            else:
                valid = True
            if not valid:
                raise QuestionValidationError(gettext(
                        f'ossis_training.msg_question_answers_{question.kind}',
                        question=question.rec_name))

    @property
    def ready(self):
        "Whether the answers fit the kind, so that quizzes may draw it"
        correct = [a for a in self.answers if a.correct]
        if self.kind == 'true_false':
            return len(self.answers) == 2 and len(correct) == 1
        if self.kind == 'single':
            return len(self.answers) >= 2 and len(correct) == 1
        return len(self.answers) >= 2 and len(correct) >= 1

    def is_right(self, answers):
        "Return whether the answers chosen are exactly the correct ones"
        return ({a.id for a in answers}
            == {a.id for a in self.answers if a.correct})


class Answer(sequence_ordered(), ModelSQL, ModelView):
    "Training Answer"
    __name__ = 'ossis.training.answer'
    __string__ = "Answer"

    question = fields.Many2One(
        'ossis.training.question', "Question", required=True,
        ondelete='CASCADE')
    text = fields.Char("Answer", required=True, translate=True)
    correct = fields.Boolean("Correct")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('question')

    @classmethod
    def default_correct(cls):
        return False

    def get_rec_name(self, name):
        return self.text

    @classmethod
    def validate_fields(cls, answers, field_names):
        super().validate_fields(answers, field_names)
        if field_names is None or field_names & {'correct', 'question'}:
            pool = Pool()
            Question = pool.get('ossis.training.question')
            Question.check_answers(list({a.question for a in answers}))
