# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A front-desk clerk at the quick intake of the staff web client (sao)

The clerk drives the keyboard as a trained clerk does and the ``Clerk``
counts the interactions:

- a mouse click is one interaction;
- a key press is one interaction (Tab to the next field, Space on a check
  box, Enter on the default button);
- typing a value into one field is one interaction, however many
  characters it has: the clerk types a word in one go.

Nothing else is counted: the web client's own work (completions, the
changes the server sends back, the receipt opening) is waiting, not an
interaction.  The clerk may type at a human pace (``char_delay`` seconds
per character, ``pause`` seconds before each interaction); tests leave
both at 0.
"""
import time

from sao import TIMEOUT, menu_row, settle


class Clerk:
    "Count the interactions of the clerk with the page"

    def __init__(self, page, char_delay=0, pause=0):
        self.page = page
        self.char_delay = char_delay
        self.pause = pause
        self.interactions = []

    def _wait(self):
        if self.pause:
            self.page.wait_for_timeout(self.pause * 1000)

    def click(self, locator, what):
        self._wait()
        locator.click()
        self.interactions.append(f"click {what}")

    def type(self, text, what):
        "Type the text into the field that has the focus"
        self._wait()
        self.page.keyboard.type(text, delay=self.char_delay * 1000)
        self.interactions.append(f"type {what}")

    def press(self, key, what):
        self._wait()
        self.page.keyboard.press(key)
        self.interactions.append(f"press {key} ({what})")

    @property
    def count(self):
        return len(self.interactions)


def intake_dialog(page):
    return page.locator('.wizard-dialog:visible').last


def open_intake(page):
    """Open the quick intake from the menu (OSSIS > Applications > Quick
    Intake) and wait for its empty screen; return the clicks it took: the
    web client keeps the folders the user opened before"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    clicks = 0
    path = ["OSSIS", "Applications", "Quick Intake"]
    for folder, child in zip(path, path[1:]):
        row = menu_row(page, folder).first
        row.wait_for()
        try:
            menu_row(page, child).first.wait_for(timeout=3_000)
        except PlaywrightTimeoutError:
            row.locator('.expander').click()
            clicks += 1
    entry = menu_row(page, path[-1]).last
    entry.wait_for()
    entry.locator('div.column-char').click()
    clicks += 1
    wait_ready(page)
    return clicks


def wait_ready(page):
    "Wait until the empty screen has the focus in the service field"
    dialog = intake_dialog(page)
    service = dialog.locator('input[name="service_code"]').first
    service.wait_for()
    page.wait_for_function(
        "() => document.activeElement"
        " && document.activeElement.name === 'service_code'",
        timeout=TIMEOUT)
    settle(page)


def intake(clerk, service, identifier, receipt, name=None, phone=None):
    """Do the intake of an applicant on the empty screen: the service by
    its code, the applicant by the identifier (a new one with the name and
    phone), every document received, the fee paid with its receipt, then
    Submit and Print with Enter"""
    page = clerk.page
    clerk.type(service, "the service code")
    clerk.press('Tab', "select the service")
    settle(page)
    clerk.type(identifier, "the NID")
    clerk.press('Tab', "look the applicant up")
    settle(page)
    # A registered applicant's name and phone are shown, not typed
    if name:
        clerk.type(name, "the name")
    clerk.press('Tab', "next field")
    if phone:
        clerk.type(phone, "the phone")
    clerk.press('Tab', "next field")
    clerk.press('Space', "all documents received")
    settle(page)
    clerk.press('Tab', "next field")
    clerk.type(receipt, "the receipt number")
    clerk.press('Enter', "Submit and Print")


def timed_intake(clerk, *args, **kwargs):
    """Do the intake and wait for the receipt and the next empty screen;
    return the seconds from the first interaction"""
    printed = Receipts(clerk.page)
    started = time.monotonic()
    intake(clerk, *args, **kwargs)
    wait_submitted(clerk.page, printed)
    return time.monotonic() - started


def screen_text(page):
    "The texts of the dialogs on screen and the values of their fields"
    return page.evaluate("""() => jQuery('.modal:visible').map(
        (i, dialog) => [dialog.innerText.trim()].concat(
            jQuery(dialog).find('input:visible, select:visible').map(
                (j, field) => `${field.name}=${field.value}`).get()
            ).join('\\n')).get().join('\\n---\\n')""")


class Receipts:
    "Count the files the web client gave the clerk: the receipts"

    def __init__(self, page):
        self.count = 0
        page.on('download', self._download)

    def _download(self, download):
        self.count += 1


def wait_submitted(page, printed, count=1):
    """Wait until the receipt is downloaded and the screen is empty again,
    with the focus in its first field"""
    for _ in range(TIMEOUT // 100):
        if printed.count >= count:
            break
        page.wait_for_timeout(100)
    assert printed.count >= count, (
        "the receipt is not printed; on screen:\n" + screen_text(page))
    # The download shows a dialog until the file is given
    page.wait_for_function(
        "() => jQuery('.modal:visible').length === 1", timeout=TIMEOUT)
    wait_ready(page)
