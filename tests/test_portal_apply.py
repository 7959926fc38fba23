# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applying online on the citizen portal, over HTTP

A citizen fills in the form of a service that Elbasan offers online,
uploads the documents of its checklist, reviews and submits: the
application enters the same workflow as at a desk, the confirmation email
arrives and the receipt downloads.  A citizen may also save the
application and resume it from the link received by email.  Bad input is
refused field by field and stores nothing: every such test counts the
records before and after, as the national administrator."""
import hashlib
import re
import uuid

import pytest
from portal import PDF, Visitor, png
from trytond.modules.ossis_application.tests.files import (
    PDF_HTML, pdf_embedded_file, pdf_open_javascript)
from trytond.modules.ossis_base.identifier import check_letter

COUNTED = [
    'ossis.application', 'ossis.applicant', 'ossis.portal.draft',
    'ir.attachment']
EXE = b'MZ\x90\x00\x03\x00\x00\x00' + b'\x00' * 120
URL = re.compile(r'https?://\S+')


def new_identifier(kind='person'):
    """Return a new NID (person, with a date of birth) or NIPT (business)
    with its check letter"""
    number = uuid.uuid4().int
    if kind == 'person':
        body = 'J' + (f'{number % 10}{number // 10 % 12 + 1:02d}'
            f'{number // 1000 % 28 + 1:02d}{number // 10 ** 5 % 1000:03d}')
    else:
        body = 'L' + f'{number % 10 ** 8:08d}'
    return body + check_letter(body)


def new_email():
    return f'arta.{uuid.uuid4().hex[:8]}@example.al'


@pytest.fixture(scope='module')
def national(users):
    return users['national.admin']


@pytest.fixture
def counts(national):
    "Return a function that counts the records that a form could store"
    def counts():
        return {m: national.search_count(m, []) for m in COUNTED}
    return counts


@pytest.fixture(scope='module')
def offer(national, companies):
    """A service that Elbasan offers online to citizens, with a mandatory
    document, a fee when one exists"""
    offers = national.search_read('ossis.lgu.service', [
            ('company', '=', companies['elbasan']),
            ('online', '=', True),
            ], ['service_code', 'fee', 'service'], order=[
            ('service_code', 'ASC')])
    services = {s['id']: s for s in national.read(
            'ossis.service', [o['service'] for o in offers],
            ['applicant_type', 'documents'])}
    candidates = []
    for offer in offers:
        service = services[offer['service']]
        if service['applicant_type'] == 'business':
            continue
        lines = national.read('ossis.service.document',
            service['documents'], ['requirement'])
        if any(line['requirement'] == 'mandatory' for line in lines):
            candidates.append(offer)
    assert candidates, "Elbasan offers no online service with documents"
    candidates.sort(key=lambda o: not o['fee'])
    return candidates[0]


@pytest.fixture(scope='module')
def business_offer(national, companies):
    "A service that Elbasan offers online to businesses, if any"
    offers = national.search_read('ossis.lgu.service', [
            ('company', '=', companies['elbasan']),
            ('online', '=', True),
            ], ['service_code', 'service'], order=[('service_code', 'ASC')])
    for offer in offers:
        service, = national.read(
            'ossis.service', [offer['service']], ['applicant_type'])
        if service['applicant_type'] in {'business', 'both'}:
            return dict(offer, applicant_type=service['applicant_type'])
    pytest.skip("Elbasan offers no online service to businesses")


@pytest.fixture
def visitor(ossis_server):
    visitor = Visitor(ossis_server)
    visitor.get('/', lang='en')
    return visitor


def apply_path(offer, *parts):
    return '/'.join(
        ['/elbasan/services', offer['service_code'], 'apply', *parts])


def file_fields(page):
    return [i.get('name') for i in page.html.cssselect('input[type="file"]')]


def valid_values(email=None, identifier=None):
    return {
        'name': "Arta Hoxha",
        'identifier': identifier or new_identifier(),
        'email': email or new_email(),
        'phone': '069 123 4567',
        'address': "Rruga Qemal Stafa 12",
        'gender': 'female',
        'consent': 'yes',
        }


def test_form(visitor, offer):
    "Test the form: labelled fields, the legal basis, no cache"
    page = visitor.get(apply_path(offer))
    assert page.status == 200, page.text
    assert page.headers['Cache-Control'] == 'no-store'
    html = page.html
    assert len(html.cssselect('h1')) == 1
    assert html.cssselect('input[name="csrf_token"]')
    for element in html.cssselect('form input, form select'):
        if element.get('type') in {'hidden', 'submit'}:
            continue
        assert html.cssselect(f'label[for="{element.get("id")}"]'), (
            element.get('name'))
    assert file_fields(page)
    consent = html.cssselect('#consent-hint')[0].text_content()
    assert '124/2024' in consent and '44/2015' in consent
    # Only the administrative units of Elbasan
    units = [o.text for o in html.cssselect(
            'select#administrative_unit option')][1:]
    assert units


def test_administrative_units_of_the_municipality(
        visitor, offer, national, companies):
    "Test the form lists the administrative units of Elbasan only"
    page = visitor.get(apply_path(offer))
    listed = {int(o.get('value')) for o in page.html.cssselect(
            'select#administrative_unit option') if o.get('value')}
    elbasan = set(national.search('ossis.administrative_unit', [
                ('company', '=', companies['elbasan'])]))
    assert listed == elbasan


def test_service_not_online(visitor, national, companies):
    "Test a service not offered online has no form"
    offline = national.search_read('ossis.lgu.service', [
            ('company', '=', companies['elbasan']),
            ('online', '=', False),
            ], ['service_code'], limit=1)
    for code in [o['service_code'] for o in offline]:
        page = visitor.get(f'/elbasan/services/{code}/apply')
        assert page.status == 404
        assert 'apply at a front desk' in page.text
    page = visitor.get('/elbasan/services/NOPE-1/apply')
    assert page.status == 404
    assert 'Traceback' not in page.text


def test_invalid_input_stores_nothing(visitor, offer, counts):
    "Test wrong values are shown by field and nothing is stored"
    page = visitor.get(apply_path(offer))
    fields = file_fields(page)
    before = counts()
    identifier = new_identifier()
    wrong = identifier[:-1] + ('A' if identifier[-1] != 'A' else 'B')
    result = visitor.submit(page, {
            'name': "",
            'identifier': wrong,
            'email': 'arta@',
            'phone': 'call me',
            'administrative_unit': '999999',
            }, files={fields[0]: ('scan.pdf', EXE)},
        button={'action': 'review'})
    assert result.status == 400
    assert counts() == before
    html = result.html
    summary, = html.cssselect('[role="alert"]')
    assert len(summary.cssselect('li a')) >= 6
    for name in ['name', 'identifier', 'email', 'phone',
            'administrative_unit', 'consent', fields[0]]:
        element, = html.cssselect(f'#{name}')
        assert element.get('aria-invalid') == 'true', name
        assert f'{name}-error' in element.get('aria-describedby'), name
        assert html.cssselect(f'#{name}-error')[0].text_content().strip()
    assert 'not a PDF, JPEG or PNG' in html.cssselect(
        f'#{fields[0]}-error')[0].text_content()
    assert wrong in html.cssselect('#identifier-error')[0].text_content()
    # What was typed is kept to be corrected
    assert html.cssselect('#identifier')[0].get('value') == wrong


def test_mandatory_documents(visitor, offer, counts):
    "Test a mandatory document must be uploaded"
    page = visitor.get(apply_path(offer))
    before = counts()
    result = visitor.submit(
        page, valid_values(), button={'action': 'review'})
    assert result.status == 400
    assert counts() == before
    errors = [e.text_content() for e in result.html.cssselect(
            '.field-error')]
    assert any('mandatory' in e for e in errors), errors
    # In Albanian, the error names the document in Albanian
    page = visitor.get(apply_path(offer), lang='sq')
    result = visitor.submit(
        page, valid_values(), button={'action': 'review'})
    albanian = [e.text_content() for e in result.html.cssselect(
            '.field-error') if 'Ngarkoni dokumentin' in e.text_content()]
    assert albanian, errors
    assert not set(quoted(albanian)) & set(quoted(errors)) - {'NIPT'}


def quoted(texts):
    "The texts in quotation marks of the texts"
    return [q for t in texts for q in re.findall(r'"([^"]+)"', t)]


def test_files_recognised_by_content(visitor, offer, counts):
    "Test files are checked by their content, not their name"
    page = visitor.get(apply_path(offer))
    fields = file_fields(page)
    before = counts()
    broken_png = png()[:40]
    for name, data, message in [
            ('photo.png', broken_png, 'not a PDF, JPEG or PNG'),
            ('letter.pdf', b'Dear municipality', 'not a PDF, JPEG or PNG'),
            ('empty.pdf', b'', None),
            ('big.pdf', PDF + b'0' * (5 * 1024 * 1024), 'larger than 5 MB'),
            ]:
        result = visitor.submit(page, valid_values(),
            files={fields[0]: (name, data)}, button={'action': 'review'})
        assert result.status == 400, name
        if message:
            error, = result.html.cssselect(f'#{fields[0]}-error')
            assert message in error.text_content(), name
        assert counts() == before, name


def test_request_too_large(visitor, offer, counts):
    "Test a request larger than the route allows is refused"
    page = visitor.get(apply_path(offer))
    fields = file_fields(page)
    before = counts()
    result = visitor.submit(page, valid_values(),
        files={fields[0]: ('huge.pdf', PDF + b'0' * (41 * 1024 * 1024))},
        button={'action': 'review'})
    assert result.status == 413
    assert 'Traceback' not in result.text
    assert counts() == before


def test_csrf_required(visitor, offer, counts):
    "Test a form without the token of the session is refused"
    page = visitor.get(apply_path(offer))
    before = counts()
    _, fields = page.form()
    fields.update(valid_values(), csrf_token='forged', action='save')
    result = visitor.post(apply_path(offer), fields)
    assert result.status == 400
    assert counts() == before


def fill(visitor, offer, values, button='review', files=None):
    page = visitor.get(apply_path(offer))
    if files is None:
        files = {name: (f'{name}.pdf', PDF) for name in file_fields(page)}
    return visitor.submit(
        page, values, files=files, button={'action': button})


def test_apply_and_submit(visitor, offer, national, counts, mailbox):
    "Test a complete application enters the workflow as at a desk"
    values = valid_values()
    before = counts()
    page = visitor.get(apply_path(offer))
    uploads = {name: (f'scan {i}.png', png())
        for i, name in enumerate(file_fields(page))}
    review = fill(visitor, offer, values, files=uploads)
    assert review.status == 200, review.text
    assert review.url.endswith('/apply/review')
    assert review.headers['Cache-Control'] == 'no-store'
    text = review.html.cssselect('main')[0].text_content()
    for value in [values['name'], values['identifier'], values['email']]:
        assert value in text
    # The draft holds the files until the submission
    middle = counts()
    assert middle['ossis.portal.draft'] == before['ossis.portal.draft'] + 1
    assert middle['ir.attachment'] == before['ir.attachment'] + len(uploads)
    assert middle['ossis.application'] == before['ossis.application']

    done = visitor.submit(review, selector='main form[method="post"]')
    assert done.status == 200, done.text
    number = done.html.cssselect('#application-number')[0].text
    tracking_code = done.html.cssselect('#tracking-code')[0].text
    after = counts()
    assert after['ossis.portal.draft'] == before['ossis.portal.draft']
    assert after['ossis.application'] == before['ossis.application'] + 1
    assert after['ir.attachment'] == before['ir.attachment'] + len(uploads)

    application, = national.search_read('ossis.application', [
            ('number', '=', number),
            ], ['channel', 'state', 'tracking_code', 'fee', 'fee_state',
            'applicant', 'documents', 'company', 'workflow', 'step'])
    assert application['channel'] == 'online'
    assert application['state'] in {'submitted', 'in_progress'}
    assert application['tracking_code'] == tracking_code
    assert application['workflow'] and application['step']
    assert application['fee_state'] == (
        'due' if application['fee'] else 'none')
    applicant, = national.read('ossis.applicant',
        [application['applicant']],
        ['name', 'identifier', 'email', 'kind', 'gender', 'company'])
    assert applicant['identifier'] == values['identifier']
    assert applicant['email'] == values['email']
    assert applicant['kind'] == 'person'
    assert applicant['gender'] == 'female'
    assert applicant['company'] == application['company']
    lines = national.read('ossis.application.document',
        application['documents'], ['status'])
    assert sum(line['status'] == 'received' for line in lines) == len(
        uploads)
    attachments = national.search_read('ir.attachment', [
            ('resource', '=', f'ossis.application,{application["id"]}'),
            ], ['name'])
    assert len(attachments) == len(uploads)

    # The receipt, for this visitor only
    link, = done.html.cssselect('a[href$="/receipt"]')
    receipt = visitor.get(visitor.server.url + link.get('href'))
    assert receipt.status == 200
    assert receipt.headers['Content-Type'] == 'application/pdf'
    assert receipt.body.startswith(b'%PDF')
    assert receipt.headers['Cache-Control'] == 'no-store'
    stranger = Visitor(visitor.server)
    assert stranger.get(visitor.server.url + link.get('href')).status == 404

    # The confirmation of ossis_notification arrives
    messages = mailbox.wait(values['email'])
    assert messages, "no confirmation email"
    body = messages[0].get_body(('plain',)).get_content()
    assert tracking_code in body

    # The draft is gone: submitting again stores nothing
    before = counts()
    again = visitor.post(apply_path(offer, 'submit'), {
            'csrf_token': review.form('main form[method="post"]')[1][
                'csrf_token']})
    assert again.status == 400
    assert counts() == before


def submit(visitor, review, national):
    """Submit the reviewed application; return the confirmation page and
    the names of the files of the application"""
    assert review.status == 200, review.text
    done = visitor.submit(review, selector='main form[method="post"]')
    assert done.status == 200, done.text
    number = done.html.cssselect('#application-number')[0].text
    application, = national.search('ossis.application', [
            ('number', '=', number)])
    return done, [a['name'] for a in national.search_read('ir.attachment', [
                ('resource', '=', f'ossis.application,{application}'),
                ], ['name'])]


def resume_link(mailbox, email):
    messages = mailbox.wait(email)
    assert messages, "no email with the resume link"
    body = messages[-1].get_body(('plain',)).get_content()
    return messages[-1], URL.search(body)[0]


def test_save_and_resume(ossis_server, visitor, offer, national, counts,
        mailbox):
    "Test an application saved with a file is resumed from the email link"
    email = new_email()
    page = visitor.get(apply_path(offer))
    fields = file_fields(page)
    before = counts()
    saved = visitor.submit(page, {'name': "Arta Hoxha", 'email': email},
        files={fields[0]: ('plan.pdf', PDF)}, button={'action': 'save'})
    assert saved.status == 200, saved.text
    assert saved.url.endswith('/apply/saved')
    after = counts()
    assert after['ossis.portal.draft'] == before['ossis.portal.draft'] + 1
    assert after['ir.attachment'] == before['ir.attachment'] + 1
    assert after['ossis.applicant'] == before['ossis.applicant']

    message, link = resume_link(mailbox, email)
    assert 'Elbasan' in message['Subject']
    assert '/elbasan/resume/' in link
    token = link.rsplit('/', 1)[1]
    assert len(token) >= 40
    # Only a hash of the secret is stored
    draft, = national.search_read('ossis.portal.draft', [
            ('token_hash', '=', hashlib.sha256(token.encode()).hexdigest()),
            ], ['expires_at', 'data'])
    assert token not in draft['data']

    # Later, in another browser
    later = Visitor(ossis_server)
    later.get('/', lang='en')
    form = later.get(link)
    assert form.status == 200, form.text
    assert form.url.endswith(apply_path(offer))
    assert form.html.cssselect('#name')[0].get('value') == "Arta Hoxha"
    assert form.html.cssselect('#email')[0].get('value') == email
    assert 'plan.pdf' in form.html.cssselect(
        f'#{fields[0]}-hint')[0].text_content()
    # The file kept counts: only the other mandatory documents are needed
    values = valid_values(email=email)
    review = later.submit(form, values, files={
            name: (f'{name}.pdf', PDF) for name in fields[1:]},
        button={'action': 'review'})
    _, names = submit(later, review, national)
    assert any('plan.pdf' in n for n in names)
    assert counts()['ossis.portal.draft'] == before['ossis.portal.draft']
    # The link is spent
    assert Visitor(ossis_server).get(link).status == 404


def test_saved_draft_of_another_municipality(
        ossis_server, visitor, offer, national, counts, mailbox):
    "Test a draft of Elbasan cannot be resumed nor submitted on Pogradec"
    email = new_email()
    saved = fill(visitor, offer, valid_values(email=email), button='save')
    assert saved.status == 200, saved.text
    _, link = resume_link(mailbox, email)
    before = counts()
    other = Visitor(ossis_server)
    page = other.get(link.replace('/elbasan/', '/pogradec/'))
    assert page.status == 404
    assert 'Traceback' not in page.text
    # Submitting the draft of the session on Pogradec's address
    _, fields = visitor.get(apply_path(offer)).form()
    result = visitor.post(
        apply_path(offer, 'submit').replace('/elbasan/', '/pogradec/'),
        {'csrf_token': fields['csrf_token']})
    assert result.status in {400, 404}
    assert counts() == before


def test_business_applicant(visitor, business_offer, national, counts):
    "Test a business applies with its NIPT, checked as at a desk"
    page = visitor.get(apply_path(business_offer))
    assert page.status == 200, page.text
    kinds = [i.get('value') for i in page.html.cssselect(
            'input[name="kind"]')]
    if business_offer['applicant_type'] == 'both':
        assert kinds == ['person', 'business']
    else:
        assert kinds == []
    nipt = new_identifier('business')
    wrong = nipt[:-1] + ('A' if nipt[-1] != 'A' else 'B')
    values = dict(valid_values(identifier=wrong), kind='business',
        name="Fruta Elbasani shpk")
    files = {name: ('extract.pdf', PDF) for name in file_fields(page)}
    before = counts()
    result = visitor.submit(
        page, values, files=files, button={'action': 'review'})
    assert result.status == 400
    assert 'NIPT' in result.html.cssselect(
        '#identifier-error')[0].text_content()
    # Only the files wait in the draft
    after = counts()
    for model in ['ossis.application', 'ossis.applicant']:
        assert after[model] == before[model]
    assert after['ir.attachment'] == before['ir.attachment'] + len(files)
    values['identifier'] = nipt
    review = visitor.submit(
        result, values, files=files, button={'action': 'review'})
    assert review.status == 200, review.text
    done = visitor.submit(review, selector='main form[method="post"]')
    number = done.html.cssselect('#application-number')[0].text
    application, = national.search_read('ossis.application', [
            ('number', '=', number)], ['applicant'])
    applicant, = national.read(
        'ossis.applicant', [application['applicant']],
        ['kind', 'identifier', 'gender'])
    assert applicant == dict(
        applicant, kind='business', identifier=nipt, gender=None)


def test_resume_rate_limited(ossis_server, offer, counts):
    "Test guessing resume links is slowed down for the guessing network"
    # A network of its own: the block lasts for the rest of the session
    guesser = Visitor(ossis_server, forwarded_for='203.0.113.45')
    before = counts()
    statuses = [guesser.get(f'/elbasan/resume/{uuid.uuid4().hex}').status
        for _ in range(11)]
    assert statuses[0] == 404
    assert statuses[-1] == 429
    assert 'Traceback' not in guesser.get('/elbasan/resume/x').text
    assert counts() == before
    # Other networks are not blocked
    other = Visitor(ossis_server, forwarded_for='198.51.100.7')
    assert other.get(f'/elbasan/resume/{uuid.uuid4().hex}').status == 404


# Addresses that would inject markup into a page or another recipient into
# an email
BAD_EMAILS = [
    'a@b.c"><script>alert(1)</script>',
    '<x@evil.example>',
    'Arta <x@evil.example>',
    'arta@example.al,x@evil.example',
    ]


def test_email_addresses_checked(visitor, offer, counts, mailbox):
    "Test an address that is not one plain address is refused, unsent"
    for email in BAD_EMAILS:
        for button in ['review', 'save']:
            before = counts()
            result = fill(visitor, offer, valid_values(email=email),
                button=button, files={})
            assert result.status == 400, (email, button)
            element, = result.html.cssselect('#email')
            assert element.get('aria-invalid') == 'true', email
            assert '<script>' not in result.text
            assert counts() == before, (email, button)
    assert not mailbox.received('x@evil.example')
    assert not any('script' in ''.join(to) for to, _ in mailbox.messages)


def test_pdf_checked(visitor, offer, counts):
    "Test a PDF that is a web page or that runs something is refused"
    page = visitor.get(apply_path(offer))
    fields = file_fields(page)
    for name, data, message in [
            ('page.pdf', PDF_HTML, 'not a PDF, JPEG or PNG'),
            ('script.pdf', pdf_open_javascript(), 'active content'),
            ('setup.pdf', pdf_embedded_file(), 'active content'),
            ]:
        for button in ['review', 'save']:
            before = counts()
            result = visitor.submit(page, valid_values(),
                files={fields[0]: (name, data)}, button={'action': button})
            assert result.status == 400, (name, button)
            error, = result.html.cssselect(f'#{fields[0]}-error')
            assert message in error.text_content(), name
            assert counts() == before, (name, button)


def saved_text(page):
    "The text of the page that tells the link was sent"
    main, = page.html.cssselect('main')
    return ' '.join(main.text_content().split())


def test_resume_emails_throttled(ossis_server, offer, mailbox):
    """Test one client cannot send the municipality's emails to an address
    again and again, nor to many addresses; it is told the same"""
    # A network of its own: its counts last for the rest of the session
    network = '203.0.113.77'
    victim = new_email()
    pages = []
    for _ in range(5):
        visitor = Visitor(ossis_server, forwarded_for=network)
        visitor.get('/', lang='en')
        pages.append(fill(visitor, offer, {'email': victim}, button='save',
                files={}))
    assert {p.status for p in pages} == {200}
    assert all(p.url.endswith('/apply/saved') for p in pages)
    assert len({saved_text(p) for p in pages}) == 1
    # The emails are sent before the page answers; wait for a fourth
    assert len(mailbox.wait(victim, count=4, timeout=3)) == 3

    # Other addresses from the same network: 10 emails in all
    others = [new_email() for _ in range(8)]
    for email in others:
        visitor = Visitor(ossis_server, forwarded_for=network)
        visitor.get('/', lang='en')
        page = fill(visitor, offer, {'email': email}, button='save',
            files={})
        assert page.status == 200
        assert saved_text(page) == saved_text(pages[0])
    assert sum(len(mailbox.received(e)) for e in others) == 10 - 5

    # Another network still gets its link
    email = new_email()
    visitor = Visitor(ossis_server, forwarded_for='203.0.113.78')
    visitor.get('/', lang='en')
    assert fill(visitor, offer, {'email': email}, button='save',
        files={}).status == 200
    assert len(mailbox.wait(email)) == 1


def hint(page, name):
    "The text that tells the file attached to a document, or None"
    hints = page.html.cssselect(f'#{name}-hint')
    return hints[0].text_content() if hints else None


def test_files_kept_when_the_form_has_errors(
        visitor, offer, national, counts):
    """Test the files accepted wait in the draft while the applicant
    corrects the form, and can be replaced or removed; a refused file is
    not kept"""
    page = visitor.get(apply_path(offer))
    fields = file_fields(page)
    identifier = new_identifier()
    wrong = dict(valid_values(identifier=identifier[:-1] + (
                'A' if identifier[-1] != 'A' else 'B')), phone='call me')
    files = {name: (f'scan-{i}.pdf', PDF) for i, name in enumerate(fields)}
    files[fields[-1]] = ('setup.exe', EXE)
    before = counts()
    result = visitor.submit(
        page, wrong, files=files, button={'action': 'review'})
    assert result.status == 400
    after = counts()
    kept = len(fields) - 1
    assert after['ir.attachment'] == before['ir.attachment'] + kept
    assert after['ossis.portal.draft'] == before['ossis.portal.draft'] + 1
    for model in ['ossis.application', 'ossis.applicant']:
        assert after[model] == before[model]
    summary, = result.html.cssselect('#error-summary')
    assert 'files that were accepted are kept' in summary.text_content()
    for i, name in enumerate(fields[:-1]):
        assert f'scan-{i}.pdf' in hint(result, name)
        assert result.html.cssselect(f'#remove_{name}')
    assert hint(result, fields[-1]) is None
    assert 'not a PDF, JPEG or PNG' in result.html.cssselect(
        f'#{fields[-1]}-error')[0].text_content()

    # Still wrong: one file replaced, one removed, the refused one sent
    replaced = {fields[0]: ('new-scan.png', png()),
        fields[-1]: ('last.pdf', PDF)}
    removed = {f'remove_{fields[1]}': 'yes'} if kept > 1 else {}
    again = visitor.submit(result, dict(wrong, **removed),
        files=replaced, button={'action': 'review'})
    assert again.status == 400
    assert 'new-scan.png' in hint(again, fields[0])
    assert 'last.pdf' in hint(again, fields[-1])
    if removed:
        assert hint(again, fields[1]) is None
    assert counts()['ir.attachment'] == (
        before['ir.attachment'] + len(fields) - len(removed))

    # Corrected: no file chosen again but the removed one
    review = visitor.submit(again, valid_values(identifier=identifier),
        files={fields[1]: ('back.pdf', PDF)} if removed else None,
        button={'action': 'review'})
    done, names = submit(visitor, review, national)
    number = done.html.cssselect('#application-number')[0].text
    assert len(names) == len(fields)
    assert any(n.endswith('new-scan.png') for n in names)
    assert not any(n.endswith('scan-0.pdf') for n in names)
    assert counts()['ir.attachment'] == before['ir.attachment'] + len(fields)

    # The online application is said received online, not at a desk
    status = visitor.submit(visitor.get('/track'), {
            'number': number,
            'code': done.html.cssselect('#tracking-code')[0].text})
    assert status.status == 200, status.text
    history = [li.text_content() for li in status.html.cssselect(
            'ol.history li')]
    assert 'Received online' in history[0]
    assert 'front desk' not in status.html.cssselect(
        'dl.summary')[0].text_content()


def test_saved_with_errors_checked_on_submit(
        ossis_server, visitor, offer, national, counts, mailbox):
    """Test a form with wrong values is saved as typed, and checked when
    it is reviewed or submitted"""
    email = new_email()
    identifier = new_identifier()
    wrong = identifier[:-1] + ('A' if identifier[-1] != 'A' else 'B')
    before = counts()
    saved = fill(visitor, offer, {
            'name': "Arta Hoxha", 'email': email, 'identifier': wrong,
            'phone': 'call me', 'administrative_unit': '999999',
            }, button='save', files={})
    assert saved.status == 200, saved.text
    assert saved.url.endswith('/apply/saved')
    after = counts()
    assert after['ossis.portal.draft'] == before['ossis.portal.draft'] + 1
    assert after['ossis.applicant'] == before['ossis.applicant']
    _, link = resume_link(mailbox, email)

    later = Visitor(ossis_server)
    later.get('/', lang='en')
    form = later.get(link)
    assert form.status == 200
    assert form.html.cssselect('#identifier')[0].get('value') == wrong
    assert form.html.cssselect('#phone')[0].get('value') == 'call me'
    # Checked before the review and the submission
    review = later.get(apply_path(offer, 'review'))
    for name in ['identifier', 'phone', 'administrative_unit', 'consent']:
        assert review.html.cssselect(f'#{name}-error'), name
    submitted = later.post(apply_path(offer, 'submit'), {
            'csrf_token': form.form()[1]['csrf_token']})
    assert submitted.status == 400
    assert submitted.html.cssselect('#identifier-error')
    assert counts() == after

