# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A lesson: its text with images, its PDF and video, "mark as read\""""
from genshi.filters import HTMLSanitizer
from genshi.input import HTML, ParseError
from markupsafe import Markup
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from .web import find, learner_route


class LessonSanitizer(HTMLSanitizer):
    "Keep the HTML of a lesson and its embedded images, nothing active"

    def is_safe_uri(self, uri):
        if uri.startswith('data:image/') and 'svg' not in uri[:20]:
            return True
        return super().is_safe_uri(uri)


SANITIZER = LessonSanitizer()


def lesson_body(text):
    """Return the body of a lesson as safe markup: its HTML once sanitized,
    or its text escaped when it is not HTML"""
    try:
        return Markup((HTML(text or '', encoding='utf-8') | SANITIZER).render(
                'html', encoding=None))
    except ParseError:
        return Markup.escape(text or '')


def video_url(lesson):
    url = lesson.video_url or ''
    return url if url.startswith(('https://', 'http://')) else None


@learner_route('/lessons/<int:lesson_id>')
def lesson(learning, lesson_id):
    pool = learning.pool
    Progress = pool.get('ossis.training.lesson.progress')
    lesson = find(learning, 'ossis.training.lesson', lesson_id)
    lessons = list(lesson.course.lessons)
    position = lessons.index(lesson)
    following = lessons[position + 1] if position + 1 < len(lessons) else None
    return learning.render(
        'lesson.html', lesson=lesson, body=lesson_body(lesson.body),
        video_url=video_url(lesson), following=following,
        position=position + 1, count=len(lessons),
        read=lesson.id in Progress.read_lessons(learning.learner, [lesson]))


@learner_route('/lessons/<int:lesson_id>/read', methods=('POST',))
def mark_read(learning, lesson_id):
    pool = learning.pool
    Progress = pool.get('ossis.training.lesson.progress')
    lesson = find(learning, 'ossis.training.lesson', lesson_id)
    Progress.mark_read([lesson], learning.learner)
    lessons = list(lesson.course.lessons)
    position = lessons.index(lesson)
    if position + 1 < len(lessons):
        return learning.redirect(
            learning.training_url('lessons', lessons[position + 1].id))
    return learning.redirect(
        learning.training_url('courses', lesson.course.id))


@learner_route('/lessons/<int:lesson_id>/pdf')
def pdf(learning, lesson_id):
    lesson = find(learning, 'ossis.training.lesson', lesson_id)
    if not lesson.pdf:
        raise NotFound()
    response = Response(bytes(lesson.pdf), content_type='application/pdf')
    name = (lesson.pdf_name or 'lesson.pdf').replace('"', '')
    response.headers.set('Content-Disposition', 'inline', filename=name)
    return response
