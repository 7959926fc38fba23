# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Anyone checks on the citizen portal that a municipality issued an output
document, with the verification code printed on it, over HTTP"""
import hashlib
import io

import pytest
from ossis_testserver import DEMO_PASSWORD, free_port
from portal import Visitor
from portal_staff import APP, TO_DELIVERY, carry, file_application
from pypdf import PdfReader
from test_rpc_applications import head_acting_for

from ossis_client import Client, Error
from trytond.modules.ossis_application.tests.files import pdf

ISSUE = TO_DELIVERY[:TO_DELIVERY.index('issue') + 1]


@pytest.fixture
def visitor(ossis_server):
    return Visitor(ossis_server)


@pytest.fixture(scope='module')
def issued(users):
    "An application whose output the staff issued, with its code"
    national = users['national.admin']
    application = file_application(users)
    carry(users, application['id'], ISSUE)
    values, = national.read(APP, [application['id']], [
            'verification_code', 'state', 'applicant'])
    assert values['state'] == 'ready'
    applicant, = national.read('ossis.applicant', [values['applicant']],
        ['name', 'identifier', 'email', 'phone'])
    return dict(application, code=values['verification_code'],
        applicant=applicant, municipality="Elbasan")


@pytest.fixture(scope='module')
def refused(users):
    "An application whose refusal the staff issued, with its code"
    application = file_application(users)
    carry(users, application['id'], ['forward', 'head.forward'])
    with head_acting_for(users):
        users['elbasan.head'].run_wizard(
            'ossis.application.reject', APP, [application['id']], 'decide',
            {'decision_text': "The parcel is outside the urban zone."})
    carry(users, application['id'], ['issue'])
    values, = users['national.admin'].read(
        APP, [application['id']], ['verification_code', 'decision'])
    assert values['decision'] == 'rejected'
    return dict(application, code=values['verification_code'])


def check_document(page, issued):
    assert page.status == 200, page.text
    assert page.headers['Cache-Control'] == 'no-store'
    main, = page.html.cssselect('main')
    text = main.text_content()
    assert "This document was issued by the municipality and is valid." \
        in text
    assert issued['number'] in text
    assert "Approved" in text
    terms = [dt.text_content() for dt in main.cssselect('dl dt')]
    assert terms[:3] == ["Issued by", "Date issued", "Document"]
    issuer = main.cssselect('dl dd')[0].text_content()
    assert issued['municipality'] in issuer
    for secret in issued['applicant'].values():
        if isinstance(secret, str) and len(secret) > 3:
            assert secret not in page.text
    # The page wears the colours of the issuer
    assert page.html.cssselect('link[href$="/elbasan/theme.css"]')
    # The demo seals the outputs with the certificate of the municipality
    seal = main.cssselect('#document-seal')[0].text_content()
    assert seal.startswith("Valid: sealed by ") and "Elbasan" in seal


def test_verify_form(visitor):
    page = visitor.get('/verify', lang='en')
    assert page.status == 200
    assert page.html.cssselect('h1')[0].text == "Verify a document"
    assert page.html.cssselect('label[for="code"]')
    assert not page.html.cssselect('[role="alert"]')


def test_verify_from_the_qr_code(visitor, issued):
    "The address of the QR code shows the document at once"
    check_document(visitor.get(f"/verify/{issued['code']}", lang='en'),
        issued)
    check_document(visitor.get('/verify', code=issued['code']), issued)


def test_verify_names_the_document_issued(visitor, users, issued, refused):
    """The page names the document as its PDF does: the service's document
    for an approval, the decision of refusal for a refusal"""
    front = users['elbasan.front']

    def shown(application, lang):
        page = visitor.get(f"/verify/{application['code']}", lang=lang)
        assert page.status == 200, page.text
        main, = page.html.cssselect('main')
        return [dd.text_content() for dd in main.cssselect('dl dd')]

    for application in [issued, refused]:
        _, issued_file, _ = front.report(
            'ossis.application.output', [application['id']])
        # The applicants of these tests read Albanian
        title = PdfReader(io.BytesIO(issued_file)).metadata.title
        assert shown(application, 'sq')[2] == title
    assert title == "Vendim refuzimi"
    document, _, decision = shown(refused, 'en')[2:5]
    assert (document, decision) == ("Decision of refusal", "Rejected")
    document, _, decision = shown(issued, 'en')[2:5]
    assert document != "Decision of refusal" and decision == "Approved"


def test_verify_typed_code(visitor, issued):
    "A code typed in lower case without dashes is found"
    form = visitor.get('/verify', lang='en')
    page = visitor.submit(
        form, {'code': issued['code'].replace('-', '').lower()})
    check_document(page, issued)


def test_issued_file_cannot_be_rewritten(visitor, users, issued):
    """The page shows the fingerprint of the file issued; the desk cannot
    rewrite the decision and a reprint is that very file"""
    national, front = users['national.admin'], users['elbasan.front']
    app_id = issued['id']
    _, issued_file, _ = front.report('ossis.application.output', [app_id])
    digest = hashlib.sha256(issued_file).hexdigest()
    page = visitor.get(f"/verify/{issued['code']}", lang='en')
    main, = page.html.cssselect('main')
    assert "Fingerprint of the file (SHA-256)" in main.text_content()
    assert digest in [dd.text_content() for dd in main.cssselect('dl dd')]

    fields = ['decision_text', 'fee_state', 'output_sha256']
    before, = national.read(APP, [app_id], fields)
    for values in [{'decision_text': "Approved in full"},
            {'fee_state': 'exempted', 'fee_exemption_reason': "Approved"}]:
        with pytest.raises(Error) as info:
            front.write(APP, [app_id], values)
        assert "is decided" in info.value.message
    assert national.read(APP, [app_id], fields) == [before]
    assert before['output_sha256'] == digest
    _, reprint, _ = front.report(
        'ossis.application.output', [app_id], {'language': 'sq'})
    assert reprint == issued_file


def test_verify_held_file(visitor, users, issued):
    """Whoever holds the file learns whether it is exactly the document
    issued and whether its seal is valid: a byte changed breaks both"""
    _, issued_file, _ = users['elbasan.front'].report(
        'ossis.application.output', [issued['id']])
    byte = issued_file.index(b'stream') + 20
    tampered = (
        issued_file[:byte] + bytes([issued_file[byte] ^ 1])
        + issued_file[byte + 1:])
    form = visitor.get(f"/verify/{issued['code']}", lang='en')
    for code, content, answer, seal in [
            (issued['code'], issued_file,
                "This file is exactly the document", "Valid: sealed by"),
            # Without the code the file is found by its fingerprint
            ('', issued_file,
                "This file is exactly the document", "Valid: sealed by"),
            (issued['code'], tampered,
                "This file is not the document", "Not valid: the file was"),
            ('', tampered, "No municipality issued", "Not valid"),
            ('', pdf(), "No municipality issued", "None: the document"),
            ]:
        page = visitor.submit(
            form, {'code': code}, {'document': ('output.pdf', content)})
        assert page.status == 200, page.text
        held, = page.html.cssselect('section[aria-labelledby="held-title"]')
        assert answer in held.text_content()
        assert page.html.cssselect(
            '#file-seal')[0].text_content().startswith(seal)
        assert hashlib.sha256(content).hexdigest() in held.text_content()
        assert bool(page.html.cssselect('#result-title')) == (
            content == issued_file or bool(code))
    # A file larger than the portal takes is an error of its field
    page = visitor.submit(form, {'code': issued['code']}, {
            'document': ('large.pdf', b'%PDF-1.7\n' + b' ' * 5 * 2 ** 20)})
    assert page.status == 400
    assert page.html.cssselect('[role="alert"] a[href="#document"]')
    assert not page.html.cssselect('#held-title')


def test_issue_refused_without_timestamp(ossis_server, users):
    """A server whose timestamp authority does not answer refuses to issue
    an output, and nothing of the issue is stored"""
    national = users['national.admin']
    application = file_application(users)
    carry(users, application['id'], ISSUE[:-1])
    config = ossis_server.write_config('no-timestamp.conf', {'ossis_seal': {
                'timestamp_url': f'http://127.0.0.1:{free_port()}/'}})
    server = ossis_server.serve('no-timestamp', config=config)
    back = Client(
        server.url, ossis_server.database, 'elbasan.back', DEMO_PASSWORD)
    try:
        with pytest.raises(Error) as info:
            back.call(APP, 'issue', [application['id']])
    finally:
        back.logout()
        server.stop()
    assert "timestamp authority did not answer" in info.value.message
    values, = national.read(APP, [application['id']], [
            'state', 'verification_code', 'output_sha256', 'history'])
    assert values['state'] == 'decided'
    assert values['verification_code'] is values['output_sha256'] is None
    history = national.read(
        'ossis.application.history', values['history'], ['action'])
    assert 'issue' not in {h['action'] for h in history}


def test_unknown_codes_same_answer(visitor, issued):
    "Unknown and malformed codes give the same answer"
    form = visitor.get('/verify', lang='en')
    answers = set()
    for code in ['ZZZZ-ZZZZ-ZZZZ-ZZZZ', issued['code'][:-1], 'not a code',
            issued['code'] + 'A']:
        page = visitor.submit(form, {'code': code})
        assert page.status == 400
        alert, = page.html.cssselect('[role="alert"]')
        answers.add(alert.text_content().strip())
        assert issued['number'] not in page.text
        element, = page.html.cssselect('#code')
        assert element.get('aria-invalid') == 'true'
    assert len(answers) == 1
    page = visitor.get('/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ')
    assert page.status == 400
    # An empty code is an error of the field
    page = visitor.submit(form, {'code': ''})
    assert page.status == 400
    assert page.html.cssselect('[role="alert"] a[href="#code"]')


def test_missing_csrf_token(visitor, issued):
    page = visitor.post('/verify', {'code': issued['code']})
    assert page.status == 400
    assert issued['number'] not in page.text


def test_rate_limit(ossis_server, issued):
    "After 10 unknown codes a network is refused, even with a right code"
    guesser = Visitor(ossis_server, forwarded_for='198.51.100.9')
    for number in range(10):
        page = guesser.get(f'/verify/ZZZZ-ZZZZ-ZZZZ-{number:04d}')
        assert page.status == 400
    page = guesser.get(f"/verify/{issued['code']}", lang='en')
    assert page.status == 429
    assert "Too many attempts" in page.text
    assert issued['number'] not in page.text
    # Tracking is counted apart
    assert guesser.get('/track').status == 200
    assert Visitor(ossis_server).get(
        f"/verify/{issued['code']}").status == 200
