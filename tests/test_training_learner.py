# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A member of the staff takes lessons and quizzes in the browser with
their own OSSIS login, over HTTP as a browser without JavaScript, and the
pages meet WCAG 2.1 AA on a phone and a desktop"""
import base64
import re

import pytest
from a11y import assert_accessible
from ossis_testserver import DEMO_PASSWORD
from portal import PDF, Visitor, png
from sao import TIMEOUT

from ossis_client import Error

LOGIN = 'elbasan.front'
IMAGE = 'data:image/png;base64,' + base64.b64encode(png()).decode()


@pytest.fixture(scope='module')
def training(users):
    """A national course of two lessons, the first with an image, a PDF
    and a video, and a quiz of two questions that needs both right, on the
    path of the front office"""
    national = users['national.admin']
    code = f'WEB-{national.search_count("ossis.training.course", [])}'
    course_id, = national.create('ossis.training.course', [{
                'code': code,
                'name': "Intake at the desk",
                'lessons': [('create', [{
                                'name': "The checklist",
                                'body': (
                                    f'<h2>Documents</h2><p>Check them.</p>'
                                    f'<img src="{IMAGE}" alt="The checklist"/>'
                                    '<script>alert(1)</script>'),
                                'pdf': PDF,
                                'pdf_name': 'checklist.pdf',
                                'video_url': 'https://video.example.al/1',
                                }, {
                                'name': "The receipt",
                                'body': '<p>Print it.</p>',
                                }])],
                'questions': [('create', [{
                                'text': f"Question {i}",
                                'kind': 'single',
                                'answers': [('create', [
                                            {'text': "Right", 'correct': True},
                                            {'text': "Wrong"}])],
                                } for i in (1, 2)])],
                'quizzes': [('create', [{
                                'name': "Intake quiz",
                                'question_count': 2,
                                'pass_mark': 100,
                                'max_attempts': 3,
                                }])],
                }])
    course, = national.read(
        'ossis.training.course', [course_id], ['lessons', 'quizzes'])
    national.create('ossis.training.path', [{
                'name': "Front office operator",
                'role': 'front_office',
                'courses': [('create', [{'course': course_id}])],
                }])
    return course


@pytest.fixture
def learner(ossis_server):
    return Visitor(ossis_server)


def sign_in(visitor, login=LOGIN, password=DEMO_PASSWORD):
    page = visitor.get('/training/login', lang='en')
    return visitor.submit(page, {'login': login, 'password': password})


def answer(visitor, page, label):
    "Submit the attempt of the page choosing the answers of the label"
    action, fields = page.form('main form[method="post"]')
    for fieldset in page.html.cssselect('fieldset.question'):
        for choice in fieldset.cssselect('.choice'):
            if choice.cssselect('label')[0].text_content() == label:
                radio = choice.cssselect('input')[0]
                fields[radio.get('name')] = radio.get('value')
    return visitor.post(action, fields)


def trail(page):
    "Return the addresses of the page's breadcrumb under the portal"
    return [a.get('href').split('/portal', 1)[1]
        for a in page.html.cssselect('nav.breadcrumb a')]


def test_sign_in_with_the_ossis_login(learner, training):
    "Test the pages need the staff's own login, and signing out ends it"
    page = learner.get('/training/')
    assert page.status == 200
    assert '/training/login' in page.url
    assert page.headers['Cache-Control'] == 'no-store'
    assert "Hyni në trajnim" in page.text

    page = sign_in(learner, password='not the password')
    assert page.status == 200
    assert "The login or the password is wrong" in page.text
    assert '/training/login?next=' in learner.get('/training/courses/1').url

    page = sign_in(learner)
    assert page.url.endswith('/training/')
    assert "Front office operator" in page.text
    assert page.html.cssselect('html')[0].get('lang') == 'en'

    page = learner.submit(page, selector='form.inline')
    assert '/training/login' in page.url
    assert '/training/login' in learner.get('/training/').url


def test_lesson_and_quiz(learner, training, users):
    """Test a learner reads the lessons, fails the quiz, sees the wrong
    answers, cannot submit twice, then passes"""
    national = users['national.admin']
    sign_in(learner)
    first, second = training['lessons']
    page = learner.get(f'/training/lessons/{first}')
    assert page.status == 200
    # The trail leads back to the training's home and to the course
    assert trail(page) == ['/training', f"/training/courses/{training['id']}"]
    body = page.html.cssselect('article.lesson-body')[0]
    assert body.cssselect('img')[0].get('src').startswith('data:image/png')
    assert not page.html.cssselect('script')
    pdf = learner.get(f'/training/lessons/{first}/pdf')
    assert pdf.body == PDF
    assert pdf.headers['Content-Type'] == 'application/pdf'
    assert page.html.cssselect('a[href="https://video.example.al/1"]')

    # Marking as read goes on to the next lesson
    page = learner.submit(page, selector='main form[method="post"]')
    assert page.url.endswith(f'/training/lessons/{second}')
    user, = national.search('res.user', [('login', '=', LOGIN)])
    assert national.search_count('ossis.training.lesson.progress', [
            ('user', '=', user), ('lesson', '=', first)]) == 1

    quiz, = training['quizzes']
    page = learner.submit(
        learner.get(f'/training/quizzes/{quiz}'),
        selector='main form[method="post"]')
    attempt_url = page.url
    assert re.search(r'/training/attempts/\d+$', attempt_url)
    assert trail(page) == [
        '/training', f"/training/courses/{training['id']}",
        f'/training/quizzes/{quiz}']
    assert len(page.html.cssselect('fieldset.question')) == 2
    results = answer(learner, page, "Wrong")
    assert "You did not pass: 0% of right answers" in results.text
    assert len(results.html.cssselect('.results li.wrong')) == 2

    # The same form sent again is refused and changes nothing
    again = answer(learner, page, "Right")
    assert again.status == 400
    assert "was already submitted" in again.text
    assert "0%" in learner.get(attempt_url).text

    page = learner.submit(
        learner.get(f'/training/quizzes/{quiz}'),
        selector='main form[method="post"]')
    assert page.url != attempt_url
    results = answer(learner, page, "Right")
    assert "You passed with 100%" in results.text
    home = learner.get('/training/')
    assert 'Read the lesson "The receipt"' in home.html.text_content()


def test_another_municipality_course_not_found(learner, training, users):
    "Test a learner does not reach a course of another municipality"
    pogradec = users['pogradec.admin']
    company, = users['national.admin'].search(
        'company.company', [('code', '=', 'pogradec')])
    course_id, = pogradec.create('ossis.training.course', [{
                'code': 'WEB-POGRADEC', 'name': "Pogradec only",
                'company': company}])
    sign_in(learner)
    assert learner.get(f'/training/courses/{course_id}').status == 404
    assert "Pogradec only" not in learner.get('/training/').text


def test_question_refused(users, training):
    "Test a question whose answers do not fit its kind is refused"
    national = users['national.admin']
    with pytest.raises(Error, match="only one right answer"):
        national.create('ossis.training.question', [{
                    'course': training['id'],
                    'text': "Two right answers",
                    'kind': 'single',
                    'answers': [('create', [
                                {'text': "A", 'correct': True},
                                {'text': "B", 'correct': True}])],
                    }])
    assert not national.search_count('ossis.training.question', [
            ('text', '=', "Two right answers")])


PHONE = {'width': 390, 'height': 844}
DESKTOP = {'width': 1280, 'height': 900}


@pytest.mark.parametrize('viewport, language', [
        (PHONE, 'sq'), (DESKTOP, 'en')], ids=['phone-sq', 'desktop-en'])
def test_pages_accessible(browser, ossis_server, training, viewport,
        language):
    "Test every page of the learner meets WCAG 2.1 AA"
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    root = f'{ossis_server.url}/{ossis_server.database}/portal/training'
    try:
        page.goto(f'{root}/login?lang={language}')
        assert_accessible(page)
        page.fill('#login', 'elbasan.back')
        page.fill('#password', DEMO_PASSWORD)
        page.locator('main button[type="submit"]').click()
        page.wait_for_load_state()
        assert page.url.endswith('/training/')
        assert_accessible(page)
        first = training['lessons'][0]
        quiz, = training['quizzes']
        for path in [
                f"/courses/{training['id']}", f'/lessons/{first}',
                f'/quizzes/{quiz}']:
            page.goto(root + path)
            assert_accessible(page)
        page.locator('main form button[type="submit"]').click()
        page.wait_for_load_state()
        assert_accessible(page)
        page.locator('fieldset.question input').first.check()
        page.locator('main form button[type="submit"]').click()
        page.wait_for_load_state()
        assert page.locator('.results').count() == 1
        assert_accessible(page)
    finally:
        context.close()
