# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A trainer runs a session over RPC, from the invitations by email to the
certificate that anyone checks on the portal's verification page"""
import datetime as dt
import io

import pytest
from ossis_testserver import DEMO_PASSWORD
from portal import Visitor
from pypdf import PdfReader

from ossis_client import Client, Error

SESSION = 'ossis.training.session'
ATTENDEE = 'ossis.training.session.attendee'
CERTIFICATE = 'ossis.training.certificate'
ADDRESS = 'arta.hoxha@elbasan.example.al'


@pytest.fixture(scope='module')
def held(users, companies, mailbox, ossis_server):
    """A session of Elbasan given by its trainer, planned with Arta Hoxha
    (elbasan.front) invited by email, and the path its attendance
    completes"""
    national = users['national.admin']
    trainer = users['elbasan.trainer']
    front, = national.search('res.user', [('login', '=', 'elbasan.front')])
    # The accounts are the server administrator's
    with Client(ossis_server.url, ossis_server.database, 'admin',
            ossis_server.admin_password) as admin:
        admin.write('res.user', [front], {'email': ADDRESS})
    course, = trainer.create('ossis.training.course', [{
                'code': 'RPC-SESSION',
                'name': "Receipts at the desk",
                'company': companies['elbasan'],
                }])
    path, = national.create('ossis.training.path', [{
                'name': "Desk receipts",
                'role': 'front_office',
                'certificate_validity': 24,
                'courses': [('create', [{
                                'course': course,
                                'attendance_required': True,
                                }])],
                }])
    start = dt.datetime.combine(
        dt.date.today() + dt.timedelta(days=7), dt.time(7, 30))
    session, = trainer.create(SESSION, [{
                'course': course,
                'company': companies['elbasan'],
                'place': "Town hall, room 12",
                'online_url': 'https://meet.example.al/receipts',
                'start_at': start,
                'end_at': start + dt.timedelta(hours=3),
                'capacity': 1,
                'attendees': [('create', [{'user': front}])],
                }])
    trainer.call(SESSION, 'plan', [session])
    trainer.call(SESSION, 'invite', [session])
    return dict(session=session, front=front, start=start, path=path)


def test_invitation_with_calendar_file(users, held, mailbox):
    """The invitation reaches the participant once, after the commit, with
    a calendar request of the session in UTC"""
    trainer = users['elbasan.trainer']
    message, = mailbox.wait(ADDRESS)
    assert "Receipts at the desk" in message['Subject']
    calendar, = [part for part in message.iter_attachments()
        if part.get_content_type() == 'text/calendar']
    assert calendar.get_param('method') == 'REQUEST'
    ics = calendar.get_content().replace('\r\n ', '')
    start = held['start'].strftime('%Y%m%dT%H%M%SZ')
    for line in ['METHOD:REQUEST', f'DTSTART:{start}',
            'LOCATION:Town hall\\, room 12',
            'URL:https://meet.example.al/receipts']:
        assert line + '\r\n' in ics
    assert f'UID:ossis-training-session-{held["session"]}.' in ics
    (attendee,) = trainer.search_read(
        ATTENDEE, [('session', '=', held['session'])], ['invitation'])
    assert attendee['invitation'] == 'sent'
    # Sending the invitations again sends none to who has one
    trainer.call(SESSION, 'invite', [held['session']])
    assert len(mailbox.received(ADDRESS)) == 1


def test_capacity_and_other_municipality(users, held):
    """The session is full: nobody else is added; a user of Pogradec
    neither reads nor finds it"""
    trainer = users['elbasan.trainer']
    back, = users['national.admin'].search(
        'res.user', [('login', '=', 'elbasan.back')])
    with pytest.raises(Error, match="no place left"):
        trainer.write(SESSION, [held['session']], {
                'attendees': [('create', [{'user': back}])]})
    assert trainer.search_count(
        ATTENDEE, [('session', '=', held['session'])]) == 1
    pogradec = users['pogradec.admin']
    assert pogradec.search(SESSION, []) == []
    assert pogradec.search(ATTENDEE, [('user', '=', held['front'])]) == []
    with pytest.raises(Error):
        pogradec.read(SESSION, [held['session']], ['place'])


def test_attendance_to_verified_certificate(users, held, ossis_server):
    """The trainer prints the sheet and marks the attendance, which issues
    the certificate; the portal verifies it, then shows it revoked"""
    trainer = users['elbasan.trainer']
    session = held['session']
    extension, content, _ = trainer.report(
        'ossis.training.session.attendance', [session])
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Arta Hoxha" in text and "Signature" in text

    trainer.call(SESSION, 'do', [session])
    attendee, = trainer.search(ATTENDEE, [('session', '=', session)])
    trainer.write(ATTENDEE, [attendee], {'attended': True})
    certificate, = trainer.search_read(CERTIFICATE, [
            ('user', '=', held['front']), ('path', '=', held['path'])],
        ['code', 'state', 'expiry_date'])
    assert certificate['state'] == 'valid' and certificate['expiry_date']

    visitor = Visitor(ossis_server)
    page = visitor.get(f"/verify/{certificate['code']}", lang='en')
    assert page.status == 200, page.text
    section, = page.html.cssselect('#other-result')
    text = section.text_content()
    assert "This training certificate is valid." in text
    assert "Arta Hoxha" in text and "Desk receipts" in text
    # The page wears the colours of the municipality
    assert page.html.cssselect('link[href$="/elbasan/theme.css"]')

    trainer.write(CERTIFICATE, [certificate['id']], {
            'revoke_reason': "Issued for the wrong course."})
    trainer.call(CERTIFICATE, 'revoke', [certificate['id']])
    page = visitor.get('/verify', code=certificate['code'].lower(),
        lang='en')
    assert page.status == 200
    text = page.html.cssselect('#other-result')[0].text_content()
    assert ("This training certificate was revoked: "
        "Issued for the wrong course.") in text


def test_learner_rates_and_downloads(held, ossis_server, users):
    """The participant, whose attendance the trainer marked, signs in on
    the learners' pages, rates the session once from 1 to 5 and downloads
    the certificate"""
    visitor = Visitor(ossis_server)
    page = visitor.get('/training/login', lang='en')
    page = visitor.submit(page, {
            'login': 'elbasan.front', 'password': DEMO_PASSWORD},
        selector='main form[method="post"]')
    page = visitor.get('/training/sessions', lang='en')
    assert page.status == 200, page.text
    rate = 'form[action$="/rate"]'
    refused = visitor.submit(page, {'rating': '9', 'comment': "Great"},
        selector=rate)
    assert refused.status == 400
    assert "Choose a rating from 1 to 5." in refused.text
    page = visitor.submit(refused, {'rating': '4', 'comment': "Clear."},
        selector=rate)
    assert "Your rating: 4 out of 5." in page.text
    assert not page.html.cssselect(rate)
    (attendee,) = users['elbasan.trainer'].search_read(
        ATTENDEE, [('session', '=', held['session'])], ['rating', 'comment'])
    assert (attendee['rating'], attendee['comment']) == (4, "Clear.")

    link, = page.html.cssselect('a[href$="/pdf"]')
    download = visitor.get(ossis_server.url + link.get('href'))
    assert download.status == 200
    assert download.headers['Content-Type'] == 'application/pdf'
    text = PdfReader(io.BytesIO(download.body)).pages[0].extract_text()
    assert "Arta Hoxha" in text and "Desk receipts" in text
