# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pyson import Eval


class Lesson(sequence_ordered(), ModelSQL, ModelView):
    "Training Lesson"
    __name__ = 'ossis.training.lesson'
    __string__ = "Lesson"

    course = fields.Many2One(
        'ossis.training.course', "Course", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    body = fields.Text(
        "Body", translate=True,
        help="The text of the lesson in HTML, with its images embedded.")
    pdf = fields.Binary("PDF", filename='pdf_name')
    pdf_name = fields.Char("PDF Name")
    video_url = fields.Char(
        "Video Link", strip=True,
        help="The address of a video that goes with the lesson.")
    quiz = fields.Many2One(
        'ossis.training.quiz', "Quiz", ondelete='SET NULL',
        domain=[('course', '=', Eval('course', -1))],
        help="The quiz the learner takes after the lesson.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('course')
