# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applicants follow their application on the citizen portal, over HTTP

The staff of Elbasan carry applications over RPC; a visitor opens them with
the number and the tracking code of the receipt, answers a request for
information, withdraws, gives feedback.  Every bad input is refused with a
friendly page and stores nothing."""
import datetime as dt
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from portal import Visitor, png
from portal_staff import (
    APP, carry, counts, file_application, request_information)
from trytond.modules.ossis_application.tests.files import pdf

PDF = pdf("The missing document")
PNG = png()
# The applications of the demo that a test took
TAKEN = set()

@pytest.fixture
def visitor(ossis_server):
    return Visitor(ossis_server)


@pytest.fixture
def national(users):
    return users['national.admin']


def track(visitor, number, code, language='en'):
    form = visitor.get('/track', lang=language)
    return visitor.submit(form, {'number': number, 'code': code})


def opened(visitor, application):
    "Open the application of file_application and return its status page"
    page = track(visitor, application['number'], application['tracking_code'])
    assert page.status == 200, page.text
    return page


def field(page, name):
    element, = page.html.cssselect(f'#{name}')
    return element


def csrf_token(visitor):
    "The token of the session, from the tracking form"
    _, fields = visitor.get('/track').form()
    return fields['csrf_token']


def read(national, app_id, names):
    application, = national.read(APP, [app_id], names)
    return application


def test_track_form(visitor):
    "The form has labels and is prefilled from the QR code of the receipt"
    page = visitor.get('/track', lang='en')
    assert page.status == 200
    assert page.html.cssselect('h1')[0].text == "Follow your application"
    for name in ['number', 'code']:
        assert page.html.cssselect(f'label[for="{name}"]')
    assert page.headers['Cache-Control'] == 'no-store'
    page = visitor.get('/track', code='ABCDE-FGHJK-MNPQR-STVWX')
    assert field(page, 'code').get('value') == 'ABCDE-FGHJK-MNPQR-STVWX'
    page = visitor.get('/track/ABCDE-FGHJK-MNPQR-STVWX')
    assert field(page, 'code').get('value') == 'ABCDE-FGHJK-MNPQR-STVWX'


def test_codes_not_logged(ossis_server, visitor, users):
    "The codes of the QR links never reach the server's log"
    application = file_application(users)
    code = application['tracking_code']
    offset = ossis_server.log_size()
    visitor.get(f'/track/{code}')
    visitor.get('/track', code=code)
    visitor.get('/verify/ABCD-EFGH-JKMN-PQRS')
    page = track(visitor, application['number'], code)
    assert page.status == 200
    time.sleep(0.5)
    log = ossis_server.log_since(offset)
    assert '/portal/track/***' in log
    assert code not in log
    assert 'ABCD-EFGH-JKMN-PQRS' not in log


def test_track_opens_the_status_page(visitor, users, national):
    "The number and the code open the status page, without personal data"
    application = file_application(users)
    applicant, = national.read('ossis.applicant', [
            read(national, application['id'], ['applicant'])['applicant']],
        ['name', 'identifier', 'email', 'phone'])
    # Typed in lower case without dashes, as from paper
    code = application['tracking_code'].replace('-', '').lower()
    page = track(visitor, application['number'].lower(), code)
    assert page.status == 200, page.text
    path = page.url.split('/portal', 1)[1]
    assert path == f"/elbasan/applications/{application['number']}"
    assert page.headers['Cache-Control'] == 'no-store'
    assert application['number'] in page.html.cssselect('h1')[0].text
    text = page.text
    assert "Received, waiting for the review" in text
    assert "Being reviewed" in text
    due = application['due_date']
    assert due.strftime('%d.%m.%Y') in text or due.strftime(
        '%m/%d/%Y') in text
    assert [li.text_content() for li in page.html.cssselect(
            'ol.history li')]
    # The actions of the history are named in the language of the page
    for language, name in [('sq', "Paraqitje"), ('en', "Submitted")]:
        lines = visitor.get(page.url, lang=language).html.cssselect(
            'ol.history li')
        assert f"· {name}" in lines[0].text_content()
    for secret in applicant.values():
        if isinstance(secret, str) and len(secret) > 3:
            assert secret not in text
    assert application['tracking_code'] not in text

    receipt = page.html.cssselect('a[href$="/receipt"]')[0].get('href')
    pdf = visitor.get(visitor.server.url + receipt)
    assert pdf.status == 200
    assert pdf.headers['Content-Type'] == 'application/pdf'
    assert pdf.body.startswith(b'%PDF')

    # The tracking form lists it for this visitor
    form = visitor.get('/track')
    links = [a.get('href') for a in form.html.cssselect('main li a')]
    assert any(link.endswith(path) for link in links)

    # Another visitor without the code sees nothing
    stranger = Visitor(visitor.server)
    assert stranger.get(path).status == 404
    assert not stranger.get('/track').html.cssselect('main li a')
    assert stranger.get(path + '/receipt').status == 404


def test_wrong_code_or_number_same_answer(visitor, users, national):
    "A wrong number, a wrong code or both give the same answer"
    application = file_application(users)
    other = file_application(users)
    number, code = application['number'], application['tracking_code']
    before = counts(users)
    answers = set()
    for values in [
            (number, other['tracking_code']),
            (other['number'], code),
            ('ELB-1999-000001', 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ'),
            (number, 'not a code'),
            (number, code[:-1]),
            ]:
        page = track(visitor, *values)
        assert page.status == 400
        alert, = page.html.cssselect('[role="alert"]')
        answers.add(alert.text_content().strip())
        assert field(page, 'code').get('aria-invalid') == 'true'
        assert page.url.endswith('/portal/track')
    assert len(answers) == 1
    assert "no application with this number and this tracking code" \
        in answers.pop()
    # Nothing opened
    assert visitor.get(
        f"/elbasan/applications/{number}").status == 404
    assert counts(users) == before

    # Empty fields are errors of the fields
    page = track(visitor, '', '')
    assert page.status == 400
    for name in ['number', 'code']:
        assert field(page, name).get('aria-invalid') == 'true'
        assert f'{name}-error' in field(page, name).get('aria-describedby')


def test_missing_csrf_token(visitor, users):
    "A form without the token of the session is refused"
    application = file_application(users)
    page = visitor.post('/track', {
            'number': application['number'],
            'code': application['tracking_code']})
    assert page.status == 400
    assert visitor.get(
        f"/elbasan/applications/{application['number']}").status == 404

    # With an opened application: its forms need the token too
    opened(visitor, application)
    before = counts(users, application['id'])
    path = f"/elbasan/applications/{application['number']}"
    for action in ['withdraw', 'feedback', 'answer']:
        page = visitor.post(f'{path}/{action}', {'rating': '5'})
        assert page.status == 400
    assert counts(users, application['id']) == before


def test_other_municipality_branding(visitor, users):
    "An Elbasan application is not shown under the address of Pogradec"
    application = file_application(users)
    opened(visitor, application)
    for suffix in ['', '/receipt', '/withdraw']:
        page = visitor.get(
            f"/pogradec/applications/{application['number']}{suffix}")
        assert page.status == 404
        main, = page.html.cssselect('main')
        assert application['number'] not in main.text_content()


@pytest.fixture
def waiting(national, users, companies):
    """An application of the demo in Elbasan that waits for its applicant
    since an earlier day, with a due date"""
    today = dt.date.today()
    found = national.search_read(APP, [
            ('company', '=', companies['elbasan']),
            ('state', '=', 'waiting'),
            ('suspended_date', '<', today),
            ('due_date', '!=', None),
            ('service.suspendable', '=', True),
            ], ['number', 'tracking_code', 'due_date', 'suspended_date',
            'documents'], order=[('suspended_date', 'ASC')])
    assert found, "the demo has no application waiting since an earlier day"
    # Each test takes another one
    application = next(a for a in found if a['id'] not in TAKEN)
    TAKEN.add(application['id'])
    # The front desk found that the first document is not valid: only it
    # changes the checklist of a submitted application
    line = application['documents'][0]
    users['elbasan.front'].write(APP, [application['id']], {
            'documents': [('write', [line], {'status': 'missing'})]})
    return application


def test_answer_restarts_the_clock(visitor, users, national, waiting):
    "The applicant sends a document: the clock restarts, the due date moves"
    page = opened(visitor, waiting)
    assert "Waiting for information from you" in page.text
    form, = page.html.cssselect('form[enctype="multipart/form-data"]')
    inputs = form.cssselect('input[type="file"]')
    for element in inputs:
        assert page.html.cssselect(f'label[for="{element.get("id")}"]')
    missing = national.search_read('ossis.application.document', [
            ('application', '=', waiting['id']),
            ('status', '=', 'missing'),
            ], ['id'])
    names = [f"document-{d['id']}" for d in missing]
    assert names, "the application misses no document"

    page = visitor.submit(
        page, {'message': "Here is the certificate."},
        files={names[0]: ('certificate.pdf', PDF), 'other': ('p.png', PNG)},
        selector='form[enctype="multipart/form-data"]')
    assert page.status == 200, page.text
    assert 'done=answered' in page.url
    assert page.html.cssselect('[role="status"]')
    after = read(national, waiting['id'], [
            'state', 'due_date', 'suspended_date', 'suspended_days'])
    assert after['state'] == 'in_progress'
    assert after['suspended_date'] is None
    assert after['due_date'] > waiting['due_date']
    history = national.search_read('ossis.application.history', [
            ('application', '=', waiting['id']),
            ], ['action', 'comment', 'public'], order=[('id', 'DESC')])
    assert history[0]['action'] == 'resume'
    assert "Here is the certificate." in history[0]['comment']
    document, = national.read('ossis.application.document', [
            missing[0]['id']], ['status', 'received_date'])
    assert document['status'] == 'received'
    attachments = national.search_read('ir.attachment', [
            ('resource', '=', f"{APP},{waiting['id']}"),
            ], ['name', 'data'], order=[('id', 'DESC')])
    assert {bytes(a['data']) for a in attachments[:2]} == {PDF, PNG}
    # No form to answer any more
    assert not page.html.cssselect('form[enctype="multipart/form-data"]')


def test_bad_answers_store_nothing(visitor, users, national, waiting):
    "A bad file, an empty answer or a too long message store nothing"
    page = opened(visitor, waiting)
    names = [e.get('name') for e in page.html.cssselect(
            'form[enctype="multipart/form-data"] input[type="file"]')]
    before = counts(users, waiting['id'])
    selector = 'form[enctype="multipart/form-data"]'
    cases = [
        ({'message': ''}, {}, 'message'),
        ({'message': 'x' * 2001}, {}, 'message'),
        ({'message': "see file"},
            {names[0]: ('virus.pdf', b'MZ\x90\x00 not a pdf')}, names[0]),
        ({'message': "see file"}, {names[0]: ('empty.pdf', b'')}, names[0]),
        ({'message': "see file"},
            {'other': ('big.pdf', b'%PDF-' + b'0' * (5 * 1024 * 1024))},
            'other'),
        ]
    for values, files, error in cases:
        answer = visitor.submit(page, values, files=files, selector=selector)
        assert answer.status == 400, (values, files)
        summary = answer.html.cssselect('[role="alert"]')
        assert summary
        element, = answer.html.cssselect(f'#{error}')
        assert element.get('aria-invalid') == 'true'
        assert f'{error}-error' in element.get('aria-describedby')
        assert counts(users, waiting['id']) == before
        assert read(national, waiting['id'], ['state'])['state'] == 'waiting'


def test_answer_when_not_waiting(visitor, users):
    "An application that waits for nothing takes no answer"
    application = file_application(users)
    opened(visitor, application)
    before = counts(users, application['id'])
    form = visitor.get(f"/elbasan/applications/{application['number']}")
    assert not form.html.cssselect('form[enctype="multipart/form-data"]')
    page = visitor.post(
        f"/elbasan/applications/{application['number']}/answer",
        {'csrf_token': csrf_token(visitor), 'message': "hello"})
    assert page.status == 400
    assert "not waiting for an answer" in page.text
    assert counts(users, application['id']) == before


def test_withdraw(visitor, users, national):
    "The applicant confirms, the application is withdrawn with a reason"
    application = file_application(users)
    request_information(users, application['id'])
    page = opened(visitor, application)
    link, = page.html.cssselect('a[href$="/withdraw"]')
    confirm = visitor.get(visitor.server.url + link.get('href'))
    assert confirm.status == 200
    assert read(national, application['id'], ['state'])['state'] == 'waiting'
    done = visitor.submit(confirm)
    assert done.status == 200, done.text
    assert 'done=withdrawn' in done.url
    assert "Withdrawn" in done.text
    after = read(national, application['id'], ['state', 'end_reason'])
    assert after['state'] == 'withdrawn'
    assert after['end_reason'] == "Withdrawn online by the applicant."
    assert not done.html.cssselect('a[href$="/withdraw"]')

    # Not twice
    before = counts(users, application['id'])
    again = visitor.submit(confirm)
    assert again.status == 400
    assert "can no longer be withdrawn" in again.text
    assert counts(users, application['id']) == before


@pytest.fixture(scope='module')
def delivered(users):
    "An application carried by the staff to its delivery"
    application = file_application(users)
    carry(users, application['id'])
    return application


def test_withdraw_after_the_decision(visitor, users, delivered):
    "A decided application can no longer be withdrawn"
    page = opened(visitor, delivered)
    assert not page.html.cssselect('a[href$="/withdraw"]')
    before = counts(users, delivered['id'])
    path = f"/elbasan/applications/{delivered['number']}/withdraw"
    assert visitor.get(path).status == 400
    refused = visitor.post(path, {'csrf_token': csrf_token(visitor)})
    assert refused.status == 400
    assert counts(users, delivered['id']) == before


def test_history_says_what_happened(visitor, delivered):
    """The lines of the history say where the application came in and
    when its document was ready, not "ready at the desk" on every line
    after the decision"""
    page = opened(visitor, delivered)
    lines = [' '.join(li.text_content().split())
        for li in page.html.cssselect('ol.history li')]
    assert 'Received from another public system' in lines[0], lines
    ready = [line for line in lines if 'Ready to collect' in line]
    assert len(ready) == 1 and 'Output Issued' in ready[0], lines
    assert not any('front desk' in line for line in lines
        if line not in ready), lines
    summary = page.html.cssselect('dl.summary')[0].text_content()
    assert 'Ready' not in summary and 'Delivered' in summary


def test_feedback_once_flagged(visitor, users, national, delivered):
    "A low rating is recorded once, online, and flagged to the unit head"
    page = opened(visitor, delivered)
    assert "Delivered" in page.text
    fieldset, = page.html.cssselect('fieldset')
    assert fieldset.cssselect('legend')
    assert len(fieldset.cssselect('input[type="radio"]')) == 5
    selector = 'form[action$="/feedback"]'
    before = counts(users, delivered['id'])

    # No rating
    refused = visitor.submit(page, {'comment': "slow"}, selector=selector)
    assert refused.status == 400
    assert refused.html.cssselect('[role="alert"]')
    assert counts(users, delivered['id']) == before

    done = visitor.submit(page, {'rating': '2', 'comment': "Too slow"},
        selector=selector)
    assert done.status == 200, done.text
    assert 'done=feedback' in done.url
    feedback, = national.search_read('ossis.application.feedback', [
            ('application', '=', delivered['id']),
            ], ['rating', 'comment', 'channel', 'flagged'])
    assert (feedback['rating'], feedback['comment'], feedback['channel'],
        feedback['flagged']) == (2, "Too slow", 'online', True)
    assert not done.html.cssselect(selector)

    # Once only
    stored = counts(users, delivered['id'])
    again = visitor.submit(page, {'rating': '5'}, selector=selector)
    assert again.status == 400
    assert "only once" in again.text
    assert counts(users, delivered['id']) == stored


def test_feedback_before_delivery(visitor, users):
    "No feedback on a running application"
    application = file_application(users)
    page = opened(visitor, application)
    assert not page.html.cssselect('form[action$="/feedback"]')
    before = counts(users, application['id'])
    refused = visitor.post(
        f"/elbasan/applications/{application['number']}/feedback",
        {'csrf_token': csrf_token(visitor), 'rating': '5'})
    assert refused.status == 400
    assert counts(users, application['id']) == before


def test_rate_limit(ossis_server, users):
    "After 10 failures a network is refused, even with the right code"
    application = file_application(users)
    guesser = Visitor(ossis_server, forwarded_for='198.51.100.7')
    for _ in range(10):
        page = track(guesser, application['number'], 'ZZZZZ' * 4)
        assert page.status == 400
    page = track(guesser, application['number'],
        application['tracking_code'])
    assert page.status == 429
    assert "Too many attempts" in page.text
    assert re.search(r'<h1>', page.text)
    # Other clients are not blocked
    assert opened(Visitor(ossis_server), application).status == 200


def test_rate_limit_parallel(ossis_server, users):
    """Parallel lookups from one network cannot pass the limit: each is
    counted before it is made"""
    application = file_application(users)
    tries, limit = 40, 10
    guessers = [Visitor(ossis_server, forwarded_for='198.51.100.66')
        for _ in range(tries)]
    forms = [g.get('/track', lang='en') for g in guessers]
    start = threading.Barrier(tries, timeout=60)

    def guess(index):
        start.wait()
        page = guessers[index].submit(forms[index], {
                'number': application['number'], 'code': 'ZZZZZ' * 4})
        return page.status

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=tries) as executor:
        statuses = list(executor.map(guess, range(tries), timeout=120))
    elapsed = time.monotonic() - started
    through = statuses.count(400)
    print(f"{tries} parallel tries: {through} looked up, "
        f"{statuses.count(429)} refused, in {elapsed:.1f}s")
    assert set(statuses) <= {400, 429}, statuses
    assert 1 <= through <= limit, statuses
    # The network stays refused, even with the right code
    page = track(guessers[0], application['number'],
        application['tracking_code'])
    assert page.status == 429


def test_message_of_the_request(visitor, users, mailbox):
    """The applicant reads what the municipality wrote with its request,
    on the page and in the email, never the staff's internal comment"""
    application = file_application(users)
    back = users['elbasan.back']
    back.write(APP, [application['id']], {
            'applicant_message': "Please send the plan signed by the "
            "engineer.",
            })
    request_information(users, application['id'], "Unsigned plan")

    page = opened(visitor, application)
    messages = [q.text_content() for q in page.html.cssselect(
            'blockquote.message')]
    assert "Please send the plan signed by the engineer." in messages
    assert "Unsigned plan" not in page.text
    body = email_with(mailbox, application['number'], "signed by the")
    assert "Please send the plan signed by the engineer." in body
    assert "Unsigned plan" not in body


def email_with(mailbox, number, text, timeout=30):
    "Return the body of the email about the number that holds the text"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mailbox.received('besnik.duka@example.com'):
            body = message.get_body(('plain',)).get_content()
            if number in message['Subject'] and text in body:
                return body
        time.sleep(0.2)
    raise AssertionError(f"no email about {number} says {text!r}")
