# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A citizen's whole journey on the portal, in Chromium, in Albanian

She finds a service of Elbasan by a search typed without ë, applies online
with her documents, receives the email, follows the application while the
staff process it, answers their request for information with a document,
and rates the service once it is delivered."""
import uuid

import pytest
from a11y import assert_accessible
from portal import PDF
from portal_staff import APP, carry
from sao import TIMEOUT

from trytond.modules.ossis_services.tests.municipality import (
    PERSONAL_NUMBERS, valid_identifier)


@pytest.fixture
def offer(users, companies, connect):
    """An online service of Elbasan for citizens, free, with documents,
    processed in a unit where elbasan.back works; its name in Albanian"""
    national = connect('national.admin', language='sq')
    back = users['elbasan.back'].context['employee']
    units, = national.read('company.employee', [back], ['org_units'])
    for offer in national.search_read('ossis.lgu.service', [
                ('company', '=', companies['elbasan']),
                ('online', '=', True),
                ('fee', '=', 0),
                ('responsible_unit', 'in', units['org_units']),
                ], ['service_code', 'service'],
            order=[('service_code', 'ASC')]):
        service, = national.read('ossis.service', [offer['service']],
            ['applicant_type', 'documents', 'name'])
        if service['applicant_type'] != 'business' and service['documents']:
            return dict(offer, name=service['name'])
    pytest.fail("Elbasan offers no free online service to citizens")


@pytest.fixture
def citizen(browser):
    # The axe-core check of the pages needs its script in the page
    context = browser.new_context(
        viewport={'width': 390, 'height': 844}, locale='sq-AL',
        bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    yield page
    context.close()


def search_words(name):
    "Two words of the service's name, typed without ë and ç"
    words = [w for w in name.split() if len(w) > 4][:2] or name.split()[:1]
    return ' '.join(words).replace('ë', 'e').replace('ç', 'c').lower()


def test_apply_track_answer_rate(
        ossis_server, users, mailbox, citizen, offer):
    national = users['national.admin']
    portal = f'{ossis_server.url}/{ossis_server.database}/portal'
    email = f'mira.{uuid.uuid4().hex[:8]}@example.al'
    nid = valid_identifier(uuid.uuid4().int % PERSONAL_NUMBERS)

    # She finds the service in Albanian
    citizen.goto(f'{portal}/elbasan/')
    assert citizen.locator('html').get_attribute('lang') == 'sq'
    citizen.fill('#q', search_words(offer['name']))
    citizen.locator('form.search button').click()
    citizen.locator('ul.services a', has_text=offer['name']).first.click()
    citizen.locator('h1', has_text=offer['name']).wait_for()

    # She applies online with her documents
    citizen.locator('a.button[href$="/apply"]').click()
    citizen.fill('#name', "Mira Deda")
    citizen.fill('#identifier', nid)
    citizen.fill('#email', email)
    citizen.fill('#phone', '+355 69 123 4567')
    files = citizen.locator('input[type="file"]')
    for index in range(files.count()):
        files.nth(index).set_input_files({
                'name': f'dokument-{index + 1}.pdf',
                'mimeType': 'application/pdf', 'buffer': PDF})
    citizen.check('#consent')
    citizen.locator('button[value="review"]').click()
    citizen.locator('form button[type="submit"]').last.wait_for()
    assert "Mira Deda" in citizen.locator('main').inner_text()
    assert_accessible(citizen)
    citizen.locator('main form button[type="submit"]').last.click()
    number = citizen.locator('#application-number').inner_text().strip()
    code = citizen.locator('#tracking-code').inner_text().strip()
    assert number.startswith('ELB-')
    assert_accessible(citizen)
    messages = mailbox.wait(email)
    assert messages and number in messages[-1]['Subject']
    assert code in messages[-1].get_body(('plain',)).get_content()

    application, = national.search_read(APP, [('number', '=', number)],
        ['state', 'channel', 'step.code'])
    app_id = application['id']
    assert application['channel'] == 'online'
    assert application['state'] == 'submitted'

    # The back office asks her for a document, with a message
    back = users['elbasan.back']
    back.write(APP, [app_id], {
            'applicant_message': "Dërgoni edhe planin e nënshkruar."})
    back.call(APP, 'act', [app_id], 'request_info', "Plani mungon")
    assert national.read(APP, [app_id], ['state'])[0]['state'] == 'waiting'

    # She follows the application with its number and code, and answers
    citizen.goto(f'{portal}/track')
    citizen.fill('#number', number)
    citizen.fill('#code', code.lower())
    citizen.locator('main form button[type="submit"]').click()
    citizen.locator('blockquote.message', has_text="planin e nënshkruar"
        ).first.wait_for()
    assert "Plani mungon" not in citizen.locator('main').inner_text()
    assert_accessible(citizen)
    citizen.fill('#message', "Po ju dërgoj planin.")
    citizen.locator('#other').set_input_files({
            'name': 'plani.pdf', 'mimeType': 'application/pdf',
            'buffer': PDF})
    citizen.locator('form[enctype] button[type="submit"]').click()
    citizen.locator('[role="status"]').first.wait_for()
    answered, = national.read(APP, [app_id], ['state', 'suspended_date'])
    assert answered['state'] == 'in_progress'
    assert answered['suspended_date'] is None

    # The staff decide and deliver; she rates the service
    carry(users, app_id)
    assert national.read(APP, [app_id], ['state'])[0]['state'] == (
        'delivered')
    citizen.reload()
    citizen.check('#rating-5')
    citizen.fill('#comment', "Shërbim i shpejtë.")
    citizen.locator('#rating-5').locator(
        'xpath=ancestor::form//button[@type="submit"]').click()
    citizen.locator('[role="status"]').first.wait_for()
    feedback, = national.search_read('ossis.application.feedback', [
            ('application', '=', app_id),
            ], ['rating', 'comment', 'channel', 'flagged'])
    assert feedback['rating'] == 5
    assert feedback['channel'] == 'online'
    assert not feedback['flagged']
    assert not citizen.locator('#rating-5').count()
