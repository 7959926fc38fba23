# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Saving an application online and resuming it later, in a browser

A citizen starts the form of a service of Elbasan in chromium, uploads a
document and saves; the email brings a link that, opened in another
browser, shows the form as it was left.  The citizen completes it, reviews
and submits it.  On a phone 320 px wide, a form with a typing error keeps
the files chosen, and no page scrolls sideways."""
import re
import uuid

import pytest
from a11y import assert_accessible
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


# The narrowest phone that WCAG 1.4.10 asks a page to reflow for
NARROW = {'width': 320, 'height': 640}


def scrolls_sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth"
        " > document.documentElement.clientWidth")


def test_narrow_phone(ossis_server, browser, service_code):
    """On a phone 320 px wide in Albanian: the form, with its errors and
    the files kept, and the transparency tables reflow or scroll in a
    region of their own; the pages pass axe-core and an unknown page
    answers in Albanian"""
    context = browser.new_context(
        viewport=NARROW, bypass_csp=True, locale='sq-AL')
    root = f'{ossis_server.url}/{ossis_server.database}/portal/elbasan'
    try:
        page = context.new_page()
        page.goto(f'{root}/services/{service_code}/apply?lang=sq')
        assert not scrolls_sideways(page)
        assert_accessible(page)

        # A typing error in the personal number, with every file chosen
        page.fill('#name', "Drita Kola")
        page.fill('#identifier', 'J05512345A' if check_letter(
                'J05512345') != 'A' else 'J05512345B')
        page.fill('#email', f'drita.{uuid.uuid4().hex[:8]}@example.al')
        files = page.locator('input[type="file"]')
        names = [files.nth(i).get_attribute('id')
            for i in range(files.count())]
        for index, name in enumerate(names):
            page.set_input_files(f'#{name}', pdf(f'document-{index}.pdf'))
        page.check('#consent')
        page.click('button[value="review"]')
        page.locator('#error-summary').wait_for()
        assert page.locator('#identifier-error').is_visible()
        for index, name in enumerate(names):
            assert f'document-{index}.pdf' in page.locator(
                f'#{name}-hint').inner_text()
        assert not scrolls_sideways(page)
        assert_accessible(page)

        # Corrected, one file replaced, the others not chosen again
        page.fill('#identifier', 'J05512345' + check_letter('J05512345'))
        page.set_input_files(f'#{names[0]}', pdf('replaced.pdf'))
        page.click('button[value="review"]')
        page.locator('form[action$="/submit"]').wait_for()
        main = page.locator('main').inner_text()
        assert 'replaced.pdf' in main and 'document-0.pdf' not in main
        assert all(f'document-{i}.pdf' in main
            for i in range(1, len(names)))
        assert not scrolls_sideways(page)

        # The tables of figures scroll in a labelled region, said so
        page.goto(f'{root}/transparency')
        assert not scrolls_sideways(page)
        region = page.get_by_role('region').first
        assert region.get_attribute('aria-label')
        hint = page.locator(
            '#' + region.get_attribute('aria-describedby'))
        assert hint.is_visible()
        assert region.evaluate('e => e.scrollWidth > e.clientWidth')
        region.focus()
        assert region.evaluate('e => e === document.activeElement')
        assert_accessible(page)

        response = page.goto(f'{root}/services/NONE-0')
        assert response.status == 404
        assert page.locator('html').get_attribute('lang') == 'sq'
        assert page.locator('h1').inner_text() == "Faqja nuk u gjet"
        assert not scrolls_sideways(page)
    finally:
        context.close()
