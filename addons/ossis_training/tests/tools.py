# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Records of the training for the tests: a course, a path, a session in
a municipality, created as the national administrator would"""
import datetime as dt

from trytond.modules.ossis_base.tests.test_module import create_lgu_user, lgu
from trytond.pool import Pool

START = dt.datetime(2031, 3, 4, 7, 0)


def course(code, lessons=1, company=None):
    "Return a new course with the lessons"
    pool = Pool()
    Course = pool.get('ossis.training.course')
    record, = Course.create([{
                'code': code,
                'name': f"Course {code}",
                'company': company.id if company else None,
                'lessons': [('create', [{
                                'name': f"Lesson {i + 1}",
                                'body': "<p>Read me.</p>",
                                } for i in range(lessons)])],
                }])
    return record


def path(courses, role='front_office', attendance=(), validity=None):
    """Return a new national path of the role with the courses; those in
    attendance need a session attended"""
    pool = Pool()
    Path = pool.get('ossis.training.path')
    record, = Path.create([{
                'name': f"Path {role}",
                'role': role,
                'certificate_validity': validity,
                'courses': [('create', [{
                                'course': c.id,
                                'sequence': i,
                                'attendance_required': c in attendance,
                                } for i, c in enumerate(courses)])],
                }])
    return record


def trainer(login, company):
    return create_lgu_user(login, company, 'group_trainer')


def learner(login, company, email=None):
    pool = Pool()
    User = pool.get('res.user')
    user = create_lgu_user(login, company, 'group_staff')
    if email:
        User.write([user], {'email': email})
    return user


def session(course, company, trainers, capacity=2, state='draft',
        **values):
    "Return a new session of the course given by the trainers"
    pool = Pool()
    Session = pool.get('ossis.training.session')
    record, = Session.create([{
                'course': course.id,
                'company': company.id,
                'trainers': [('add', [t.id for t in trainers])],
                'place': "Town hall, room 12",
                'start_at': START,
                'end_at': START + dt.timedelta(hours=4),
                'capacity': capacity,
                **values,
                }])
    if state != 'draft':
        Session.plan([record])
    if state == 'done':
        Session.do([record])
    return record


def municipalities():
    return lgu('elbasan'), lgu('pogradec')
