# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A clerk asks the help desk from an application's form in the staff web
client

The clerk has just been shown an error by the server; on the form of an
application they press "Ask the Help Desk", describe the problem and raise
the ticket: the ticket opens with the application, its service, workflow
version and step, the clerk's roles and the error they were shown attached
by themselves.
"""
import secrets

from playwright.sync_api import expect
from sao import TIMEOUT, login, settle
from test_web_application import open_record, pick

CLERK = 'elbasan.front'


def show_server_error(page):
    """Make the web client call the server with a ticket without subject,
    and close the error it shows"""
    page.evaluate("""() => {
        Sao.rpc({
            'method': 'model.ossis.helpdesk.ticket.create',
            'params': [[{}], {}],
        }, Sao.Session.current_session);
    }""")
    dialog = page.locator('.modal-dialog:visible').filter(
        has=page.locator('.alert-warning'))
    dialog.first.wait_for()
    text = dialog.first.inner_text()
    dialog.first.locator('button').filter(has_text="OK").first.click()
    settle(page)
    return text


def test_ticket_from_application_form(ossis_server, users, page):
    clerk = users[CLERK]
    application, = clerk.search_read('ossis.application', [
            ('company.code', '=', 'elbasan'),
            ('step', '!=', None),
            ], ['number', 'lgu_service.rec_name', 'workflow.rec_name',
            'step.rec_name'], limit=1)
    subject = f"Cannot forward {secrets.token_hex(3)}"

    login(page, ossis_server, CLERK)
    shown = show_server_error(page)
    tab = open_record(page, ossis_server, application['id'])
    # The button checks the form's fields before it calls the server:
    # press it once the record is shown
    expect(tab.locator('input[name="number"]').first).to_have_value(
        application['number'], timeout=TIMEOUT)
    settle(page)
    tab.locator('button[name="raise_ticket"]').first.click()
    dialog = page.locator('.modal-dialog:visible').filter(
        has=page.locator('input[name="subject"]')).last
    dialog.locator('input[name="subject"]').wait_for()
    settle(page)
    dialog.locator('input[name="subject"]').fill(subject)
    dialog.locator('textarea[name="description"]').fill(
        "The forward button does nothing.")
    pick(page, dialog.locator('input[name="category"]'), "Error", "Error")
    dialog.locator('button').filter(has_text="Raise").click()
    dialog.wait_for(state='detached')

    # The ticket opens in its form, with the context attached
    ticket_tab = page.locator('#tabcontent .tab-pane.active')
    ticket_tab.locator('input[name="subject"]').first.wait_for()
    settle(page)
    assert ticket_tab.locator(
        'input[name="subject"]').first.input_value() == subject
    ticket_tab.locator('a[role="tab"]').filter(has_text="Context").click()
    step = ticket_tab.locator('input[name="step_name"]').first
    step.wait_for()
    assert step.input_value() == application['step.']['rec_name']
    ticket, = clerk.search_read('ossis.helpdesk.ticket', [
            ('subject', '=', subject)], [
            'application', 'company.code', 'reporter.login', 'channel',
            'service_name', 'workflow_version', 'step_name', 'roles',
            'last_error'])
    assert ticket['application'] == application['id']
    assert ticket['company.']['code'] == 'elbasan'
    assert ticket['reporter.']['login'] == CLERK
    assert ticket['channel'] == 'staff'
    assert ticket['service_name'] == application['lgu_service.']['rec_name']
    assert ticket['workflow_version'] == application['workflow.']['rec_name']
    assert "Front Office" in ticket['roles']
    assert ticket['last_error'].splitlines()[0] in shown
