# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .learner import learner_company


class LessonProgress(LGUOwnedMixin, ModelSQL, ModelView):
    """Lesson Progress

    A lesson a learner has read.  It belongs to the learner's
    municipality, whose trainers and administrators follow it."""
    __name__ = 'ossis.training.lesson.progress'
    __string__ = "Lesson Progress"

    user = fields.Many2One(
        'res.user', "Learner", required=True, readonly=True,
        ondelete='CASCADE')
    lesson = fields.Many2One(
        'ossis.training.lesson', "Lesson", required=True, readonly=True,
        ondelete='CASCADE')
    course = fields.Function(
        fields.Many2One('ossis.training.course', "Course"),
        'on_change_with_course')
    company = fields.Many2One(
        'company.company', "Municipality", required=True, readonly=True,
        ondelete='CASCADE')
    completed = fields.DateTime("Completed", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('user_lesson_unique', Unique(t, t.user, t.lesson),
                'ossis_training.msg_progress_unique'),
            ]
        cls._order.insert(0, ('completed', 'DESC'))

    @fields.depends('lesson', '_parent_lesson.course')
    def on_change_with_course(self, name=None):
        return self.lesson.course if self.lesson else None

    @classmethod
    def mark_read(cls, lessons, user):
        """Record that the user has read the lessons

        The learners do not create progress themselves: this is the only
        way, for the lessons they may read."""
        pool = Pool()
        Lesson = pool.get('ossis.training.lesson')
        company = learner_company(user)
        lessons = Lesson.browse(lessons)
        # Reading checks the user may see the lessons (record rules)
        Lesson.read([l.id for l in lessons], ['course'])
        now = dt.datetime.now()
        with without_check_access():
            existing = {p.lesson.id for p in cls.search([
                        ('user', '=', user.id),
                        ('lesson', 'in', [l.id for l in lessons]),
                        ])}
            cls.create([{
                        'user': user.id,
                        'lesson': l.id,
                        'company': company.id,
                        'completed': now,
                        } for l in lessons if l.id not in existing])

    @classmethod
    def read_lessons(cls, user, lessons):
        "Return the ids of the lessons the user has read"
        with without_check_access():
            return {p.lesson.id for p in cls.search([
                        ('user', '=', user.id),
                        ('lesson', 'in', [l.id for l in lessons]),
                        ])}
