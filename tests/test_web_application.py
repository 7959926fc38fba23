# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The life of an application in the staff web client

The front office of Elbasan registers a new applicant and an application at
the desk, ticks the documents, records the fee (paid today unless told
otherwise) and submits it; the back office asks the applicant for
information, the desk records the answer, the back office forwards, the head
of the unit approves at once, with the decision text written in its dialog,
for the approval and the decision, the back office issues the output and the
desk delivers it and closes the application.  Each user sees only the
buttons of the actions they may take: the desk neither takes nor assigns,
and only the desk changes the checklist once submitted.  The lists show the
due dates and the history its times, with nothing to add or delete.
The receipt printed by the submission and the output document printed by
the issue are read from the web client's calls and checked as PDF files.
"""
import base64
import io
import json
import re
import secrets

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader
from sao import TIMEOUT, login, menu_row, settle

SERVICE = 'TAX-10'
MODEL = 'ossis.application'
ACTION_BUTTONS = [
    'submit', 'cancel', 'withdraw', 'forward', 'return_', 'request_info',
    'resume', 'decide_approve', 'decide_reject', 'issue', 'deliver',
    'close']


def valid_nid():
    "Return a new personal number of a woman born in 1990, with its letter"
    from trytond.modules.ossis_base import identifier
    month, day = 51 + secrets.randbelow(12), 1 + secrets.randbelow(28)
    body = f'J0{month:02d}{day:02d}{secrets.randbelow(1000):03d}'
    return body + identifier.check_letter(body)


class Reports:
    "The reports the web client asked the server for, from its RPC calls"

    def __init__(self, page):
        self.files = []
        page.on('response', self._response)

    def _response(self, response):
        request = response.request
        if request.method != 'POST':
            return
        try:
            method = json.loads(request.post_data or '{}').get('method', '')
        except ValueError:
            return
        if not method.startswith('report.'):
            return
        try:
            result = response.json().get('result')
        except Exception:
            return
        if result:
            kind, data = result[0], result[1]
            if isinstance(data, dict) and 'base64' in data:
                data = base64.b64decode(data['base64'])
            self.files.append((method.split('.', 1)[1].rsplit('.', 1)[0],
                    kind, data))

    def wait(self, page, name, timeout=TIMEOUT):
        "Return the text of the PDF of the report once received"
        for _ in range(timeout // 250):
            for report, kind, data in self.files:
                if report == name:
                    assert kind == 'pdf'
                    assert bytes(data[:5]) == b'%PDF-'
                    reader = PdfReader(io.BytesIO(bytes(data)))
                    return '\n'.join(p.extract_text() for p in reader.pages)
            page.wait_for_timeout(250)
        raise AssertionError(f"the web client did not print {name}")


def has_report(client, name):
    return bool(client.search('ir.action.report', [
                ('report_name', '=', name)]))


def open_record(page, server, record_id):
    "Open the form of the application through the URL of the web client"
    close_tabs(page)
    page.evaluate(
        "hash => { window.location.hash = hash; }",
        f'#{server.database}/model/{MODEL}/{record_id}')
    tab = page.locator('#tabcontent .tab-pane.active')
    tab.locator('input[name="number"], span[name="number"]').first.wait_for()
    # A tab already open shows the record as it was: read it again
    tab.locator('button[title="Reload/Undo"]').first.click()
    settle(page)
    discard_changes(page)
    return tab


def close_tabs(page):
    """Close the tabs left open without saving, as a clerk does: a form left
    open on an application that others moved on holds stale values, which
    the web client would try to save with the next button"""
    for _ in range(20):
        if not page.evaluate("() => Sao.Tab.tabs.length"):
            return
        page.evaluate("() => { Sao.Tab.tabs.close_current(); }")
        page.wait_for_timeout(200)
        discard_changes(page)
        settle(page)
    raise AssertionError("the tabs of the web client do not close")


def discard_changes(page):
    "Answer No when the web client asks to save a record left modified"
    question = page.locator('.modal-dialog:visible').filter(
        has_text="has been modified")
    if question.count():
        question.last.locator('button').filter(has_text="No").click()
        page.wait_for_timeout(300)


def session(browser, server, user):
    context = browser.new_context(
        viewport={'width': 1400, 'height': 900}, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    login(page, server, user)
    return page


def shown(tab, names):
    "Return the names of the buttons shown on the form"
    return {n for n in names
        if tab.locator(f'button[name="{n}"]').first.is_visible()}


def visible_buttons(tab):
    return shown(tab, ACTION_BUTTONS)


def click_button(page, tab, name):
    settle(page)
    discard_changes(page)
    button = tab.locator(f'button[name="{name}"]').first
    button.wait_for(state='visible')
    button.click()


def read(client, record_id, names, model=MODEL):
    "Return the values of the record, with the dotted names flattened"
    record, = client.read(model, [record_id], names)
    return flatten(record, names)


def flatten(record, names):
    values = dict(record)
    for name in names:
        if '.' in name:
            first, rest = name.split('.', 1)
            linked = record.get(first + '.') or {}
            values[name] = linked.get(rest)
    return values


def wait_state(page, client, record_id, state, timeout=TIMEOUT):
    "Wait until the server has the application in the state"
    for _ in range(timeout // 250):
        record, = client.read(MODEL, [record_id], ['state'])
        if record['state'] == state:
            return
        page.wait_for_timeout(250)
    record, = client.read(MODEL, [record_id], ['state'])
    assert record['state'] == state


def pick(page, entry, text, option):
    "Type in a many2one entry and choose an option of its completion"
    entry.click()
    entry.fill(text)
    item = page.locator('.dropdown-completion:visible li a').filter(
        has_text=option).first
    item.wait_for()
    item.click()


def create_applicant(page, tab, name, nid, save):
    """Create the citizen who applies as a clerk does: the name typed in
    the applicant's field, then "Create...", the NID typed key by key and
    the dialog saved by save(dialog, entry) with the cursor still in the
    NID's entry"""
    applicant = tab.locator('input[name="applicant"]').first
    applicant.click()
    applicant.fill(name)
    create = page.locator(
        '.dropdown-completion:visible li.action-create a').first
    create.wait_for()
    create.click()
    dialog = page.locator('.modal-dialog:visible').last
    entry = dialog.locator('input[name="identifier"]')
    entry.wait_for()
    # The form shows the default values once the server gave them
    settle(page)
    kind = dialog.locator('select[name="kind"] option:checked')
    assert kind.inner_text() == "Citizen"
    dialog.locator('input[name="name"]').fill(name)
    entry.press_sequentially(nid)
    save(dialog, entry)
    dialog.wait_for(state='detached')
    settle(page)


def test_application_life(ossis_server, users, browser, page):
    national = users['national.admin']
    offer, = national.search_read('ossis.lgu.service', [
            ('company.code', '=', 'elbasan'),
            ('service_code', '=', SERVICE),
            ], ['fee', 'rec_name', 'service'])
    assert offer['fee'], "the service must have a fee"
    checklist = national.search_count('ossis.service.document', [
            ('service', '=', offer['service']),
            ])
    assert checklist
    nid = valid_nid()
    name = f"Teuta Lika {nid[-4:]}"
    receipt_number = f'BKT-{secrets.randbelow(10 ** 6):06d}'

    # The front office registers the application at the desk
    login(page, ossis_server, 'elbasan.front')
    reports = Reports(page)
    menu_row(page, "OSSIS").first.locator('.expander').click()
    menu_row(page, "Applications").first.locator('.expander').click()
    # The folder, then its entry
    entry = menu_row(page, "Applications").nth(1)
    entry.wait_for()
    entry.locator('div.column-char').click()
    tab = page.locator('#tabcontent .tab-pane.active')
    tab.locator('.treeview').first.wait_for()
    for column in ["Due Date", "Step Due"]:
        assert tab.locator('.treeview th').filter(
            has_text=column).first.is_visible(), column
    tab.locator('button[title="New"]').first.click()
    service = tab.locator('input[name="lgu_service"]').first
    service.wait_for()
    pick(page, service, SERVICE, SERVICE)
    # Citizens are saved as citizens, not as the kind listed first
    # (Business), when the clerk saves the dialog with the cursor still in
    # the NID: by the keyboard, then, after a wrong name, by the mouse
    typed_nid = valid_nid()
    create_applicant(
        page, tab, f"Teuta Lik {typed_nid[-4:]}", typed_nid,
        lambda dialog, entry: entry.press('Enter'))
    create_applicant(
        page, tab, name, nid,
        lambda dialog, entry: dialog.locator(
            '.modal-footer button.btn-primary').click())
    kinds = national.search_read('ossis.applicant', [
            ('identifier', 'in', [typed_nid, nid]),
            ], ['identifier', 'kind'])
    assert {a['identifier']: a['kind'] for a in kinds} == {
        typed_nid: 'person', nid: 'person'}

    lines = tab.locator('.form-one2many').first.locator('.treeview tbody tr')
    missing = re.compile(r'^\s*Missing\s*$')
    lines.filter(has_text="Missing").first.wait_for()
    status = tab.locator('.form-one2many .treeview select:visible').first
    for _ in range(checklist):
        cell = lines.locator('td').filter(has_text=missing).first
        # The first click selects the line, the next one edits the cell
        for _ in range(3):
            cell.click()
            try:
                status.wait_for(timeout=2_000)
                break
            except PlaywrightTimeoutError:
                continue
        status.select_option(label="Received")
        status.press('Tab')
    page.wait_for_timeout(300)
    tab.locator('select[name="fee_state"]').select_option(label="Paid")
    paid_on = tab.locator('input[name="fee_paid_date"]').first
    paid_on.wait_for()
    for _ in range(TIMEOUT // 250):
        if paid_on.input_value():
            break
        page.wait_for_timeout(250)
    assert paid_on.input_value(), "Paid On is not filled in with today"
    receipt = tab.locator('input[name="fee_receipt"]')
    receipt.wait_for()
    receipt.fill(receipt_number)
    receipt.press('Tab')
    page.keyboard.press('Control+s')

    created = []
    for _ in range(TIMEOUT // 250):
        created = national.search(MODEL, [
                ('applicant.identifier', '=', nid)])
        if created:
            break
        page.wait_for_timeout(250)
    assert len(created) == 1, "the draft is not saved"
    record_id, = created
    draft = read(national, record_id, [
            'state', 'fee_state', 'fee_receipt', 'documents_complete',
            'desk.rec_name', 'channel', 'fee_paid_date'])
    assert draft['state'] == 'draft'
    assert draft['fee_state'] == 'paid'
    assert draft['fee_paid_date']
    assert draft['fee_receipt'] == receipt_number
    assert draft['documents_complete']
    assert draft['channel'] == 'desk'

    front_buttons = visible_buttons(tab)
    assert 'submit' in front_buttons
    assert 'forward' not in front_buttons
    click_button(page, tab, 'submit')
    wait_state(page, national, record_id, 'submitted')
    submitted = read(national, record_id, [
            'number', 'tracking_code', 'step.code', 'step_unit'])
    assert submitted['number'].startswith('ELB-')
    assert submitted['step.code'] == 'review'
    assert has_report(national, 'ossis.application.receipt')
    text = reports.wait(page, 'ossis.application.receipt')
    assert submitted['number'] in text
    assert submitted['tracking_code'] in text.replace('\n', ' ')
    # The citizen's number is a personal number, not a NIPT
    words = ' '.join(text.split())
    assert re.search(rf'(personal number|numri personal) \(NID\) {nid}', words)
    assert f'NIPT {nid}' not in words
    tab = open_record(page, ossis_server, record_id)
    assert not shown(tab, ['take', 'assign_wizard'])

    # The back office asks the applicant for information
    back = session(browser, ossis_server, 'elbasan.back')
    back_tab = open_record(back, ossis_server, record_id)
    back_buttons = visible_buttons(back_tab)
    assert {'forward', 'request_info'} <= back_buttons, back_buttons
    assert 'submit' not in back_buttons
    assert shown(back_tab, ['take']) == {'take'}
    checklist = back_tab.locator('.form-one2many').first
    assert checklist.locator('button[title="New"]').first.is_disabled()
    assert checklist.locator('button[title="Delete"]').first.is_disabled()
    assert back_buttons != visible_buttons(
        open_record(page, ossis_server, record_id))
    click_button(back, back_tab, 'request_info')
    wait_state(back, national, record_id, 'waiting')

    # The applicant answers at the desk
    tab = open_record(page, ossis_server, record_id)
    click_button(page, tab, 'resume')
    wait_state(page, national, record_id, 'in_progress')

    # The back office forwards to the head of the unit
    back_tab = open_record(back, ossis_server, record_id)
    click_button(back, back_tab, 'forward')
    for _ in range(TIMEOUT // 250):
        step = read(national, record_id, ['step.code'])
        if step['step.code'] == 'approval':
            break
        back.wait_for_timeout(250)
    assert step['step.code'] == 'approval'

    # The head, who holds the approval and the decision, approves at once
    head = session(browser, ossis_server, 'elbasan.head')
    head_tab = open_record(head, ossis_server, record_id)
    head.locator('button[name="decide_approve"]').first.wait_for(
        state='visible')
    assert {'forward', 'decide_approve', 'decide_reject'} <= visible_buttons(
        head_tab)
    click_button(head, head_tab, 'decide_approve')
    dialog = head.locator('.modal-dialog:visible').last
    text = dialog.locator('textarea[name="decision_text"]')
    text.wait_for()
    text.fill("The documents are complete.")
    dialog.locator('.modal-footer button').filter(has_text="Approve").click()
    wait_state(head, national, record_id, 'decided')
    assert read(national, record_id, ['decision_text'])[
        'decision_text'] == "The documents are complete."

    # The back office issues the output
    back_reports = Reports(back)
    back_tab = open_record(back, ossis_server, record_id)
    click_button(back, back_tab, 'issue')
    wait_state(back, national, record_id, 'ready')
    ready = read(national, record_id, ['verification_code'])
    assert ready['verification_code']
    assert has_report(national, 'ossis.application.output')
    text = back_reports.wait(back, 'ossis.application.output')
    assert ready['verification_code'] in text.replace('\n', ' ')

    # The desk delivers the output with the wizard and closes
    tab = open_record(page, ossis_server, record_id)
    click_button(page, tab, 'deliver')
    dialog = page.locator('.modal-dialog:visible').last
    recipient = dialog.locator('input[name="recipient"]')
    recipient.wait_for()
    assert name in recipient.input_value()
    dialog.locator('.modal-footer button').filter(has_text="Deliver").click()
    wait_state(page, national, record_id, 'delivered')
    tab = open_record(page, ossis_server, record_id)
    click_button(page, tab, 'close')
    wait_state(page, national, record_id, 'closed')

    closed = read(national, record_id, [
            'delivered_to', 'delivery_desk.rec_name', 'decision'])
    assert closed['decision'] == 'approved'
    assert name in closed['delivered_to']
    history = [flatten(h, ['user.login']) for h in national.search_read(
            'ossis.application.history', [('application', '=', record_id)],
            ['action', 'user.login'], order=[('id', 'ASC')])]
    assert [h['action'] for h in history] == [
        'submit', 'forward', 'request_info', 'resume', 'forward',
        'forward', 'approve', 'issue', 'deliver', 'close']
    logins = {h['user.login'] for h in history}
    assert {'elbasan.front', 'elbasan.back', 'elbasan.head'} <= logins

    # The history is shown on the form
    tab = open_record(page, ossis_server, record_id)
    tab.locator('.nav-tabs a, .nav-tabs li').filter(
        has_text="History").first.click()
    rows = tab.locator('.tab-pane.active .treeview tbody tr')
    rows.first.wait_for()
    # The list of the page fills in after it is shown
    for _ in range(TIMEOUT // 250):
        if rows.count() >= len(history) - 1:
            break
        page.wait_for_timeout(250)
    assert rows.count() >= len(history) - 1
    # With the time of each action, and no line to add or delete
    assert re.search(r'\d{1,2}:\d{2}', rows.first.inner_text())
    history_list = tab.locator('.tab-pane.active .form-one2many').first
    for title in ["New", "Delete"]:
        assert history_list.locator(
            f'button[title="{title}"]').first.is_disabled(), title
    for context in {back.context, head.context}:
        context.close()

