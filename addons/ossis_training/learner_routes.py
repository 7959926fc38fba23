# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Signing in and out, the learner's paths and courses"""
from werkzeug.wrappers import Response

from trytond.exceptions import RateLimitException

from .web import HERE, find, learner_route

STATIC = {'training.css': 'text/css; charset=utf-8'}


@learner_route('/login', methods=('GET', 'POST'), readonly=False,
    public=True)
def login(learning):
    "Sign in with the OSSIS login and password"
    form = learning.request.form
    next_url = learning.next_url(
        form.get('next') or learning.request.args.get('next'))
    failed = False
    if learning.request.method == 'POST':
        try:
            user = learning.sign_in(
                form.get('login', '').strip()[:100],
                form.get('password', '')[:1000])
        except RateLimitException:
            return learning.error(429, learning.gettext('login_too_many'))
        if user:
            return learning.redirect(next_url)
        failed = True
    return learning.render(
        'login.html', failed=failed, next_url=next_url,
        login=form.get('login', ''))


@learner_route('/logout', methods=('POST',))
def logout(learning):
    learning.sign_out()
    return learning.redirect(learning.training_url('login'))


@learner_route('/')
def home(learning):
    "The learner's paths with what each still lacks, and the courses"
    pool = learning.pool
    Path = pool.get('ossis.training.path')
    Course = pool.get('ossis.training.course')
    user = learning.learner
    paths = Path.search([])
    roles = set(Path.learner_roles(user))
    paths.sort(key=lambda p: p.role not in roles)
    courses = Course.search([])
    return learning.render(
        'home.html', paths=paths, roles=roles,
        path_missing=Path.missing(paths, user),
        courses=courses, course_missing=Course.missing(courses, user))


@learner_route('/courses/<int:course_id>')
def course(learning, course_id):
    pool = learning.pool
    Course = pool.get('ossis.training.course')
    Progress = pool.get('ossis.training.lesson.progress')
    Attempt = pool.get('ossis.training.quiz.attempt')
    course = find(learning, 'ossis.training.course', course_id)
    user = learning.learner
    return learning.render(
        'course.html', course=course,
        read=Progress.read_lessons(user, course.lessons),
        results=Attempt.results(course.quizzes, user),
        missing=Course.missing([course], user)[course.id])


@learner_route('/static/<name>', public=True)
def static(learning, name):
    if name not in STATIC:
        return learning.error(404)
    body = (HERE / 'static' / name).read_bytes()
    response = Response(body, content_type=STATIC[name])
    response.headers['Cache-Control'] = 'public, max-age=3600'
    learning.private = False
    return response
