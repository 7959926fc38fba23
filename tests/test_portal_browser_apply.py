# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Saving an application online and resuming it later, in a browser

A citizen starts the form of a service of Elbasan in chromium, uploads a
document and saves; the email brings a link that, opened in another
browser, shows the form as it was left.  The citizen completes it, reviews
and submits it."""
import re
import uuid

import pytest
from portal import PDF
from trytond.modules.ossis_base.identifier import check_letter

URL = re.compile(r'https?://\S+')


@pytest.fixture(scope='module')
def service_code(users, companies):
    "A service that Elbasan offers online to citizens, with documents"
    national = users['national.admin']
    for offer in national.search_read('ossis.lgu.service', [
                ('company', '=', companies['elbasan']),
                ('online', '=', True),
                ], ['service_code', 'service'],
            order=[('service_code', 'ASC')]):
        service, = national.read('ossis.service', [offer['service']],
            ['applicant_type', 'documents'])
        if service['applicant_type'] != 'business' and service['documents']:
            return offer['service_code']
    pytest.fail("Elbasan offers no online service with documents")


def pdf(name):
    return {'name': name, 'mimeType': 'application/pdf', 'buffer': PDF}


def test_save_and_resume(ossis_server, browser, page, mailbox, service_code):
    email = f'drita.{uuid.uuid4().hex[:8]}@example.al'
    form_url = (f'{ossis_server.url}/{ossis_server.database}/portal/'
        f'elbasan/services/{service_code}/apply')
    page.goto(form_url + '?lang=en')
    page.get_by_label("Full name").fill("Drita Kola")
    page.get_by_label("Email").fill(email)
    files = page.locator('input[type="file"]')
    first = files.first.get_attribute('id')
    files.first.set_input_files(pdf('certificate.pdf'))
    page.get_by_role('button', name="Save and continue later").click()
    page.get_by_role(
        'heading', name="Your application is saved").wait_for()

    messages = mailbox.wait(email)
    assert messages, "no email with the resume link"
    body = messages[-1].get_body(('plain',)).get_content()
    link = URL.search(body)[0]

    # Another browser, as the next day on another computer
    context = browser.new_context(locale='en-US')
    try:
        later = context.new_page()
        later.goto(link)
        later.get_by_role('link', name='English').click()
        assert later.get_by_label("Full name").input_value() == "Drita Kola"
        assert later.get_by_label("Email").input_value() == email
        assert 'certificate.pdf' in later.locator(
            f'#{first}-hint').inner_text()
        later.get_by_label("Personal number (NID)").fill(
            'J05512345' + check_letter('J05512345'))
        for index in range(1, later.locator('input[type="file"]').count()):
            later.locator('input[type="file"]').nth(index).set_input_files(
                pdf(f'document-{index}.pdf'))
        later.get_by_label("I agree to the processing").check()
        later.get_by_role('button', name="Review the application").click()
        later.get_by_role(
            'heading', name="Check your application").wait_for()
        assert 'certificate.pdf' in later.locator('main').inner_text()
        later.get_by_role('button', name="Submit the application").click()
        later.get_by_role(
            'heading', name="Your application is submitted").wait_for()
        assert later.locator('#application-number').inner_text().strip()
        assert later.locator('#tracking-code').inner_text().strip()
    finally:
        context.close()
