# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The quick intake of the front desk in the staff web client

A clerk of Elbasan does a new citizen's intake with the keyboard alone in
at most 12 interactions (see desk_clerk.py for what counts): the
application is submitted with the documents received and the fee paid
today, and the receipt prints.  A personal number with a wrong check letter
is refused and stores nothing.  The time is measured by
benchmarks/desk_intake.py, not here.
"""
import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from desk_clerk import (
    Clerk, Receipts, intake, open_intake, wait_submitted)
from sao import login, settle
from test_web_application import Reports, read, valid_nid

SERVICE = 'TAX-10'
MODEL = 'ossis.application'


def test_quick_intake(ossis_server, users, page):
    national = users['national.admin']
    nid = valid_nid()
    receipt = f'BKT-{secrets.randbelow(10 ** 6):06d}'
    login(page, ossis_server, 'elbasan.front')
    reports = Reports(page)
    printed = Receipts(page)
    open_intake(page)

    clerk = Clerk(page)
    intake(clerk, SERVICE, nid, receipt, name=f"Teuta Lika {nid[-4:]}",
        phone='+355 69 222 3344')
    wait_submitted(page, printed)

    assert clerk.count <= 12, clerk.interactions
    record_id, = national.search(MODEL, [('applicant.identifier', '=', nid)])
    application = read(national, record_id, [
            'state', 'number', 'tracking_code', 'channel', 'fee_state',
            'fee_receipt', 'fee_paid_date', 'documents_complete',
            'applicant.kind', 'applicant.phone'])
    assert application['state'] == 'submitted'
    assert application['channel'] == 'desk'
    assert application['documents_complete']
    assert (application['fee_state'], application['fee_receipt']) == (
        'paid', receipt)
    # The day in Albania, where the municipalities count their days
    assert application['fee_paid_date'] == (
        dt.datetime.now(ZoneInfo('Europe/Tirane')).date())
    assert application['applicant.kind'] == 'person'
    assert application['applicant.phone']
    text = reports.wait(page, 'ossis.application.receipt')
    assert application['number'] in text
    assert application['tracking_code'] in text.replace('\n', ' ')

    # A personal number with a wrong check letter stores nothing
    wrong = nid[:9] + ('A' if nid[9] != 'A' else 'B')
    intake(Clerk(page), SERVICE, wrong, receipt, name="Arben Hoxha")
    error = page.locator('.modal-dialog:visible').filter(has_text=wrong)
    error.first.wait_for()
    settle(page)
    assert not national.search('ossis.applicant', [
            ('identifier', '=', wrong)])
    assert national.search(MODEL, [
            ('fee_receipt', '=', receipt)]) == [record_id]
