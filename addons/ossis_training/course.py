# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from sql import Null

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import without_check_access


class Course(LGUOwnedMixin, DeactivableMixin, ModelSQL, ModelView):
    """Training Course

    A course of lessons, its question bank and quizzes.  A course without
    a municipality is national: every member of the staff reads it."""
    __name__ = 'ossis.training.course'
    __string__ = "Course"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The short unique name of the course.")
    description = fields.Text("Description", translate=True)
    company = fields.Many2One(
        'company.company', "Municipality", ondelete='CASCADE',
        help="Leave empty for a national course, read by the staff of "
        "every municipality.")
    lessons = fields.One2Many('ossis.training.lesson', 'course', "Lessons")
    questions = fields.One2Many(
        'ossis.training.question', 'course', "Questions",
        help="The bank the quizzes of the course draw their questions from.")
    quizzes = fields.One2Many('ossis.training.quiz', 'course', "Quizzes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ossis_training.msg_course_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_company(cls):
        # A course is national unless its author puts it in a municipality
        return None

    @classmethod
    def missing(cls, courses, user):
        """Return {course id: [texts of what the user still lacks]}

        A course is complete for the user when its list is empty.  Each
        check of _missing_checks returns the texts it finds per course."""
        result = {c.id: [] for c in courses}
        for check in cls._missing_checks():
            for course_id, texts in check(courses, user).items():
                result[course_id].extend(texts)
        return result

    @classmethod
    def _missing_checks(cls):
        "Return the checks of completion; other modules add theirs"
        return [cls._missing_lessons, cls._missing_quizzes]

    @classmethod
    def _missing_lessons(cls, courses, user):
        pool = Pool()
        Lesson = pool.get('ossis.training.lesson')
        Progress = pool.get('ossis.training.lesson.progress')
        with without_check_access():
            lessons = Lesson.search([
                    ('course', 'in', [c.id for c in courses])])
            read = {p.lesson.id for p in Progress.search([
                        ('user', '=', user.id),
                        ('lesson', 'in', [l.id for l in lessons]),
                        ('completed', '!=', Null),
                        ])}
        result = defaultdict(list)
        for lesson in lessons:
            if lesson.id not in read:
                result[lesson.course.id].append(gettext(
                        'ossis_training.msg_missing_lesson',
                        lesson=lesson.rec_name, course=lesson.course.rec_name))
        return result

    @classmethod
    def _missing_quizzes(cls, courses, user):
        pool = Pool()
        Quiz = pool.get('ossis.training.quiz')
        Attempt = pool.get('ossis.training.quiz.attempt')
        with without_check_access():
            quizzes = Quiz.search([('course', 'in', [c.id for c in courses])])
            passed = {a.quiz.id for a in Attempt.search([
                        ('user', '=', user.id),
                        ('quiz', 'in', [q.id for q in quizzes]),
                        ('passed', '=', True),
                        ])}
        result = defaultdict(list)
        for quiz in quizzes:
            if quiz.id not in passed:
                result[quiz.course.id].append(gettext(
                        'ossis_training.msg_missing_quiz',
                        quiz=quiz.rec_name, course=quiz.course.rec_name))
        return result
