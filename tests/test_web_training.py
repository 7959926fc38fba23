# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A learner's training from the first lesson to the certificate, in
Chromium

A front office operator of Elbasan signs in on the learner's pages with
their own OSSIS login, reads the lesson of the course of their path, fails
its quiz and passes it at the second attempt.  With the training account
that their trainer made them for the session, they register an application
at the central desk of the practice municipality (over RPC, the calls of
the staff client's intake) and check the exercise on the learner's pages:
the path is complete, the certificate is issued, and the portal's
verification page verifies its code."""
import datetime as dt
import re
import secrets

from test_rpc_applications import new_identifier

from ossis_client import Client

APP = 'ossis.application'
# The questions of the quiz: (text, right answer)
QUESTIONS = [
    ("A receipt is printed for every application submitted at the desk.",
        "True"),
    ("The clerk may submit an application whose fee is still due.",
        "False"),
    ]
# The exercise: a certificate of birth (CIV-02) at the central desk
SERVICE, DESK = 'CIV-02', 'practice_org_desk_center'


def create_user(admin, company, login, password, *groups):
    "Create the user of the groups (their names) working for the municipality"
    group_ids = admin.search('res.group', [('name', 'in', groups)])
    user_id, = admin.create('res.user', [{
                'login': login,
                'name': f"Drita Leka {login[-6:]}",
                'password': password,
                'company': company,
                'companies': [('add', [company])],
                'groups': [('add', group_ids)],
                }])
    return user_id


def create_path(trainer, company, token):
    """Create the municipality's path of the front office with a course of
    one lesson, its quiz and its exercise; return the ids of the course, of
    its exercise and of the path"""
    course_id, = trainer.create('ossis.training.course', [{
                'code': f'WEB-{token}',
                'name': f"Receipts at the desk {token}",
                'company': company,
                'lessons': [('create', [{
                                'name': "The receipt",
                                'body': "<p>Every application submitted "
                                "at the desk gets a <strong>receipt</strong>"
                                ".</p>",
                                }])],
                'questions': [('create', [{
                                'text': text,
                                'kind': 'true_false',
                                'answers': [('create', [
                                            {'text': "True",
                                                'correct': right == "True"},
                                            {'text': "False",
                                                'correct': right == "False"},
                                            ])],
                                } for text, right in QUESTIONS])],
                }])
    quiz_id, = trainer.create('ossis.training.quiz', [{
                'course': course_id,
                'name': "The receipt quiz",
                'pass_mark': 100,
                'max_attempts': 3,
                'question_count': len(QUESTIONS),
                }])
    exercise_id, = trainer.create('ossis.training.exercise', [{
                'name': f"A certificate of birth at the desk {token}",
                'kind': 'register',
                'service_code': SERVICE,
                'desk': DESK,
                'instructions': "Register an application for a certificate "
                "of birth at the central desk.",
                }])
    lesson_id, = trainer.search('ossis.training.lesson', [
            ('course', '=', course_id)])
    trainer.write('ossis.training.lesson', [lesson_id], {
            'quiz': quiz_id, 'exercise': exercise_id})
    path_id, = trainer.create('ossis.training.path', [{
                'name': f"Front desk {token}",
                'role': 'front_office',
                'company': company,
                'courses': [('create', [{'course': course_id}])],
                }])
    return course_id, exercise_id, path_id


def training_account(trainer, company, course_id, path_id, learner_id,
        password):
    """Plan a session of the course with the learner and make the
    learner's training account in the practice municipality"""
    start = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=1)
    session_id, = trainer.create('ossis.training.session', [{
                'course': course_id,
                'company': company,
                'place': "Town hall, room 12",
                'start_at': start,
                'end_at': start + dt.timedelta(hours=3),
                'capacity': 10,
                'attendees': [('create', [{'user': learner_id}])],
                }])
    trainer.run_wizard(
        'ossis.training.account.create', 'ossis.training.session',
        [session_id], 'create_', {'path': path_id, 'password': password})


def register_at_desk(account):
    """Register an application of SERVICE for a new applicant at the
    central desk of the practice municipality with every document received,
    as the training account"""
    desk, = account.search('ossis.org_unit', [
            ('type', '=', 'front_office'),
            ('name', 'ilike', 'Sporteli Qendror%'),
            ])
    offer, = account.search('ossis.lgu.service', [
            ('service_code', '=', SERVICE)])
    applicant_id, = account.create('ossis.applicant', [{
                'kind': 'person', 'name': "Besnik Duka",
                'identifier': new_identifier(),
                }])
    app_id, = account.create(APP, [{
                'channel': 'desk', 'desk': desk, 'lgu_service': offer,
                'applicant': applicant_id,
                }])
    application, = account.read(APP, [app_id], ['documents', 'fee_state'])
    values = {'documents': [('write', application['documents'], {
                    'status': 'received', 'received_date': dt.date.today()})]}
    if application['fee_state'] == 'due':
        values.update(fee_state='paid', fee_receipt='P-1')
    account.write(APP, [app_id], values)
    account.call(APP, 'submit', [app_id])


def answer(page, answers):
    "Answer the questions of the attempt shown, {question text: answer}"
    for text, choice in answers.items():
        page.get_by_role('group', name=re.compile(re.escape(text))) \
            .get_by_label(choice, exact=True).check()
    page.get_by_role('button', name="Submit my answers").click()
    return page.get_by_role('main').get_by_role('status')


def test_learner_path_to_certificate(ossis_server, users, companies, page):
    national = users['national.admin']
    token = secrets.token_hex(3)
    login, password = f'elbasan.learner{token}', secrets.token_urlsafe(12)
    elbasan = companies['elbasan']
    admin = Client(ossis_server.url, ossis_server.database, 'admin',
        ossis_server.admin_password)
    try:
        learner_id = create_user(admin, elbasan, login, password,
            "OSSIS Front Office Operator")
        create_user(admin, elbasan, f'national.trainer{token}', password,
            "OSSIS Trainer", "OSSIS National Training Team")
    finally:
        admin.logout()
    trainer = Client(ossis_server.url, ossis_server.database,
        f'national.trainer{token}', password)
    course_id, exercise_id, path_id = create_path(trainer, elbasan, token)
    root = f'{ossis_server.url}/{ossis_server.database}/portal'

    # Signing in with the OSSIS login
    page.goto(f'{root}/training/login?lang=en')
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role('button', name="Sign in").click()
    page.get_by_role('heading', name="My training", level=1).wait_for()

    # The lesson, from the course of the path
    page.get_by_role('link', name=f"Receipts at the desk {token}").first \
        .click()
    page.get_by_role('link', name="The receipt", exact=True).click()
    assert page.locator('main strong').inner_text() == "receipt"
    page.get_by_role('button', name="Mark as read").click()
    page.wait_for_url(re.compile(rf'/training/courses/{course_id}$'))
    assert page.locator('ol.lessons .badge').inner_text() == "Read"

    # The quiz: failed, then passed
    page.get_by_role('link', name="The receipt quiz").click()
    page.get_by_role('button', name="Start the quiz").click()
    status = answer(page, {text: "True" for text, _ in QUESTIONS})
    assert status.inner_text() == (
        "You did not pass: 50% of right answers, 100% needed.")
    assert page.locator('ol.results > li.wrong').count() == 1
    page.get_by_role('link', name="Back to the quiz").click()
    page.get_by_role('button', name="Start the quiz").click()
    status = answer(page, dict(QUESTIONS))
    assert status.inner_text() == (
        "You passed with 100% of right answers (pass mark 100%).")

    # The exercise in the practice municipality: nothing done yet, then
    # the application registered with the training account
    training_account(
        trainer, elbasan, course_id, path_id, learner_id, password)
    page.goto(f'{root}/training/exercises/{exercise_id}?lang=en')
    page.get_by_role('button', name="Check my work").click()
    assert page.get_by_role('main').get_by_role('status').inner_text() == (
        "Not passed yet: do what is missing and check again.")
    assert not national.search('ossis.training.certificate', [
            ('user', '=', learner_id)])
    account = Client(ossis_server.url, ossis_server.database,
        f'praktike.{login}', password)
    try:
        register_at_desk(account)
    finally:
        account.logout()
    page.get_by_role('button', name="Check my work").click()
    assert page.get_by_role('main').get_by_role('status').inner_text() == (
        "Well done: the exercise is passed.")

    # The path is complete: its certificate, verified on the portal
    page.goto(f'{root}/training/?lang=en')
    assert page.locator('li.card').filter(has_text=f"Front desk {token}") \
        .get_by_text("You have completed this path.").is_visible()
    certificate, = national.search_read('ossis.training.certificate', [
            ('user', '=', learner_id), ('path', '=', path_id),
            ], ['code', 'state'])
    assert certificate['state'] == 'valid'
    page.goto(f"{root}/verify/{certificate['code']}?lang=en")
    result = page.locator('#other-result')
    assert result.get_by_role('status').inner_text() == (
        "This training certificate is valid.")
    assert certificate['code'] in result.inner_text()
    trainer.logout()
