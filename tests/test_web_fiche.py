# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A municipality administrator changes a local fee in the web client

The new fee appears on the fiche of that municipality's service, and not
on the fiche of the same service in another municipality.
"""
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sao import login, open_menu

SERVICE = 'BUS-01'
NEW_FEE = Decimal('4321.00')


def fiche_text(client, offer_id, language='en'):
    "Return the text of the fiche of the offer, printed over RPC"
    file_type, content, _ = client.report(
        'ossis.service.fiche', [offer_id], {
            'model': 'ossis.lgu.service',
            'language': language,
            })
    assert file_type == 'pdf'
    reader = PdfReader(io.BytesIO(content))
    return '\n'.join(page.extract_text() for page in reader.pages)


def offer_of(client, code):
    offer, = client.search_read('ossis.lgu.service', [
            ('company.code', '=', code),
            ('service_code', '=', SERVICE),
            ], ['fee'])
    return offer


@pytest.fixture
def restore_fee(users):
    national = users['national.admin']
    offer = offer_of(national, 'elbasan')
    yield
    national.write('ossis.lgu.service', [offer['id']], {'fee': offer['fee']})


def test_local_fee_on_own_fiche_only(ossis_server, users, page, restore_fee):
    elbasan = users['elbasan.admin']
    pogradec = users['pogradec.admin']
    offer_elbasan = offer_of(elbasan, 'elbasan')
    offer_pogradec = offer_of(pogradec, 'pogradec')
    assert offer_elbasan['fee'] != NEW_FEE
    assert offer_pogradec['fee'] != NEW_FEE

    login(page, ossis_server, 'elbasan.admin')
    tab = open_menu(page, "OSSIS", "Municipal Services")
    rows = tab.locator('.treeview table tbody tr')
    rows.first.wait_for()
    search = tab.locator('.filter-box input').first
    search.fill(SERVICE)
    search.press('Enter')
    rows.filter(has_text=SERVICE).first.wait_for()
    page.wait_for_timeout(500)
    assert rows.count() == 1
    # Select the row by its fee, not by the link to the service
    rows.first.locator('td').nth(4).click()
    tab.locator('button[title="Switch"]').first.click()
    # Edit only once the form shows the stored fee: under load the record
    # may arrive after the field is drawn and overwrite what was typed
    fee = tab.locator('input[name="fee"]:visible')
    fee.wait_for()
    stored = str(int(offer_elbasan['fee']))
    page.wait_for_function(
        "([input, stored]) => "
        "input.value.replace(/[^0-9]/g, '').startsWith(stored)",
        arg=[fee.element_handle(), stored])
    # sao swaps the displayed amount for a number entry on focus
    fee.click()
    fee.fill('4321')
    fee.press('Tab')
    tab.locator('button[title="Save"]').first.click()
    tab.get_by_text("Record saved.").wait_for()

    assert Decimal(str(offer_of(elbasan, 'elbasan')['fee'])) == NEW_FEE

    text = fiche_text(elbasan, offer_elbasan['id'])
    assert "4,321" in text, text[:2000]
    assert "Elbasan" in text
    other = fiche_text(pogradec, offer_pogradec['id'])
    assert "4,321" not in other
    assert "Pogradec" in other
    assert Decimal(str(offer_of(pogradec, 'pogradec')['fee'])) == Decimal(
        str(offer_pogradec['fee']))
