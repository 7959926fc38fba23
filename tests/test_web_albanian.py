# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff web client speaks Albanian to an Albanian clerk

A front desk clerk of Elbasan whose language is Albanian, in a browser set
to Albanian, meets no English on the login dialogs, the menu, the toolbar
and menus of a list and of a form, a question and the preferences dialog;
the badge names the municipality.  The words looked for are those of the
client and of Tryton's core modules that an Albanian clerk reported in
English.
"""
import re

from sao import menu_row, submit_login, wait_stable

ENGLISH = [
    "Login", "Database", "User name", "Password for", "Cancel",
    "Global search", "Parties", "Party", "Favorites", "Preferences",
    "Logout", "Action", "New", "Save", "Switch", "Reload", "Previous",
    "Next", "Attachment", "Note", "Relate", "Print", "Email", "Duplicate",
    "Delete", "View Logs", "Show revisions", "Export", "Import",
    "Close Tab", "Filters", "Search", "Clear Search", "Bookmarks",
    "Open the record", "Clear the field", "Search a record", "Create",
    "Add", "Remove", "Record saved", "Name", "Code", "Addresses",
    "Contact Mechanisms", "Identifiers", "Categories", "Language",
    "Active", "Current Company", "Company", "Employee", "Signature",
    ]
_WORDS = re.compile(
    r'(?<![\w-])(%s)(?![\w-])'
    % '|'.join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True)))
# The text a clerk reads or hears on the page: the text of the elements,
# shown or not yet (menus that drop down), and their tooltips and
# placeholders
_TEXT = """(selector) => {
    const parts = [];
    for (const root of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (!['SCRIPT', 'NOSCRIPT', 'STYLE'].includes(parent.tagName)) {
                parts.push(walker.currentNode.textContent);
            }
        }
        for (const element of root.querySelectorAll(
                '[title], [placeholder], [aria-label]')) {
            for (const name of ['title', 'placeholder', 'aria-label']) {
                if (element.getAttribute(name)) {
                    parts.push(element.getAttribute(name));
                }
            }
        }
    }
    return parts.join('\\n');
}"""


def english(page, selector='body'):
    "Return the English words on the elements of the selector"
    return sorted(set(_WORDS.findall(page.evaluate(_TEXT, selector))))


def test_albanian_clerk_reads_no_english(ossis_server, browser):
    context = browser.new_context(
        viewport={'width': 1400, 'height': 900}, locale='sq-AL')
    page = context.new_page()
    try:
        page.goto(f'{ossis_server.url}/#{ossis_server.database}')
        page.locator('.login-dialog #database:visible').wait_for()
        assert english(page, '.login-dialog') == []

        submit_login(page, ossis_server, 'elbasan.sportel')
        page.locator('#menu div.column-char[title="OSSIS"]').wait_for()
        badge = page.locator('#user-preferences > a')
        assert badge.inner_text().strip() == "Blerina Kola — Bashkia Elbasan"
        assert english(page) == []

        # "Subjektet" twice: the menu of the parties, then their list
        parties = menu_row(page, "Subjektet")
        parties.first.locator('.expander').click()
        parties.nth(1).locator('div.column-char').click()
        tab = page.locator('#tabcontent .tab-pane.active')
        rows = tab.locator('.treeview table tbody tr')
        rows.first.wait_for()
        wait_stable(page, rows)
        assert english(page) == []

        rows.first.dblclick()
        tab.locator('.form').first.wait_for()
        assert english(page) == []

        # The preferences close the tabs, once the clerk confirms
        badge.click()
        page.locator('#user-preferences a', has_text="Parapëlqimet").click()
        question = page.locator('.modal-dialog:visible')
        question.locator('.btn-primary').wait_for()
        assert english(page, '.modal-dialog') == []
        question.locator('.btn-primary').click()
        dialog = page.locator('.modal-dialog:visible')
        dialog.locator('.form').first.wait_for()
        assert dialog.locator('.modal-title').inner_text() == "Parapëlqimet"
        assert english(page, '.modal-dialog') == []
    finally:
        context.close()
