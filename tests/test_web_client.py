# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff web client (sao), served by the OSSIS server, in a real browser

A front office operator of Elbasan logs in and opens OSSIS > Organisation >
Org Units: the org units of Elbasan are listed, those of Pogradec are not.
It runs the Debian chromium (/usr/bin/chromium, or OSSIS_CHROMIUM) through
Playwright; "make setup" installs the web client and "make setup-test" the
browser.  A screenshot is saved when the test fails.
"""
from sao import load_all, login, menu_row


def test_front_office_lists_only_own_org_units(ossis_server, users, page):
    national = users['national.admin']
    units = {}
    for code in ['elbasan', 'pogradec']:
        units[code] = [u['rec_name'] for u in national.search_read(
                'ossis.org_unit', [('company.code', '=', code)],
                ['rec_name'])]
    assert units['elbasan'] and units['pogradec']

    login(page, ossis_server, 'elbasan.front')
    menu_row(page, "OSSIS").locator('.expander').click()
    menu_row(page, "Organisation").locator('.expander').click()
    # "Org Units" twice: the tree of the top units, then the list of all
    org_units = menu_row(page, "Org Units")
    org_units.nth(1).wait_for()
    org_units.nth(1).locator('div.column-char').click()

    tab = page.locator('#tabcontent .tab-pane.active')
    tab.locator('.title', has_text="Org Units").first.wait_for()
    rows = tab.locator('.treeview table tbody tr')
    rows.first.wait_for()
    load_all(page, rows)
    texts = [t.strip() for t in rows.all_inner_texts()]
    assert len(texts) == len(units['elbasan']), texts
    listed = '\n'.join(texts)
    for name in units['elbasan']:
        assert name in listed, f"{name!r} of Elbasan is not listed"
    for name in units['pogradec']:
        assert name not in listed, f"{name!r} of Pogradec is listed"
    assert 'Pogradec' not in listed
