#!/usr/bin/env python3
# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Take the screenshots of the starter courses of ossis_training

The lessons of the starter content (addons/ossis_training/content.xml)
show the screens of OSSIS as they are.  This script logs in to a running
demo server as the demo user of each role, opens the screens in headless
Chromium (Debian's chromium, driven by Playwright) and saves them as PNG
files into addons/ossis_training/content/screenshots/, so that the
lessons follow the screens when they change.

Usage (with "make demo" running in another terminal):

    .venv/bin/python scripts/training_screenshots.py \
        [--url http://127.0.0.1:8000] [--database demo] [--only NAME...]

The images are 1280x800, reduced to 256 colours: a few tens of kB each.
Commit them with the change of the screens that they show.
"""
import argparse
import io
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests'))

from sao import (  # noqa: E402
    CHROMIUM, CHROMIUM_ARGS, TIMEOUT, login, menu_row, open_menu, settle,
    wait_stable)

OUTPUT = ROOT / 'addons' / 'ossis_training' / 'content' / 'screenshots'
VIEWPORT = {'width': 1280, 'height': 800}
# A valid personal number that no demo applicant has (src/ossis/demo.py)
NEW_NID = 'I55312345R'


def active_tab(page):
    return page.locator('#tabcontent .tab-pane.active')


def list_rows(page):
    rows = active_tab(page).locator('.treeview table tbody tr')
    # A long list takes a moment on a loaded demo server
    rows.first.wait_for(timeout=4 * TIMEOUT)
    wait_stable(page, rows, quiet=500)
    return rows


def open_first_row(page):
    "Open the form of the first record of the list"
    # A double click on a link would open the record it links to
    list_rows(page).first.locator(
        'td .widget > div:not(:has(a)):not(:has(input))').first.dblclick()
    active_tab(page).locator('.form:visible').first.wait_for(
        timeout=4 * TIMEOUT)
    settle(page)


def open_list_tab(page, title):
    "Choose the tab of the list's domains with the title"
    active_tab(page).locator('.nav-tabs a').filter(
        has_text=title).first.click()
    settle(page)


def quick_intake(page):
    open_menu(page, "OSSIS", "Applications", "Quick Intake")
    dialog = page.locator('.wizard-dialog:visible').last
    dialog.wait_for()
    settle(page)
    page.keyboard.type("TAX-10")
    page.keyboard.press('Tab')
    settle(page)
    page.keyboard.type(NEW_NID)
    page.keyboard.press('Tab')
    settle(page)
    page.keyboard.type("Besa Kraja")
    settle(page)


def applications(page):
    # The entry has the name of its folder: click it once it is shown
    open_menu(page, "OSSIS", "Applications", "My Tasks")
    entry = menu_row(page, "Applications").nth(1)
    entry.wait_for()
    entry.locator('div.column-char').click()
    active_tab(page).filter(has_text="Applicant").wait_for()
    open_list_tab(page, "All")
    list_rows(page)


def application_form(page):
    applications(page)
    open_first_row(page)


def municipal_services(page):
    open_menu(page, "OSSIS", "Municipal Services")
    list_rows(page)


def municipal_service_form(page):
    municipal_services(page)
    open_first_row(page)


def my_tasks(page):
    open_menu(page, "OSSIS", "Applications", "My Tasks")
    open_list_tab(page, "My Units")
    list_rows(page)


def my_task_form(page):
    my_tasks(page)
    open_first_row(page)


def units_i_head(page):
    open_menu(page, "OSSIS", "Applications", "Units I Head")
    open_list_tab(page, "Running")
    list_rows(page)


def head_form(page):
    units_i_head(page)
    open_first_row(page)


def dashboard(name):
    def open_dashboard(page):
        open_menu(page, "OSSIS", "Monitoring", name)
        charts = active_tab(page).locator('.board-action svg')
        # The charts draw as their figures arrive
        charts.first.wait_for(timeout=4 * TIMEOUT)
        settle(page, quiet=2000)
        charts.first.scroll_into_view_if_needed()
    return open_dashboard


def monitoring_list(name):
    def open_list(page):
        open_menu(page, "OSSIS", "Monitoring", name)
        list_rows(page)
    return open_list


def portal_fiche(page, server):
    page.goto(f'{server.url}/{server.database}/portal/elbasan/?lang=en')
    page.locator('main a[href*="/services/"]').first.click()
    page.locator('main h1').wait_for()


# name: (login or None for the citizen portal, what to open)
SCREENS = {
    'front_quick_intake': ('elbasan.front', quick_intake),
    'front_applications': ('elbasan.front', applications),
    'front_application_form': ('elbasan.front', application_form),
    'front_municipal_services': ('elbasan.front', municipal_services),
    'back_my_tasks': ('elbasan.back', my_tasks),
    'back_application_form': ('elbasan.back', my_task_form),
    'head_units_i_head': ('elbasan.head', units_i_head),
    'head_application_form': ('elbasan.head', head_form),
    'head_unit_dashboard': ('elbasan.head', dashboard("Unit Dashboard")),
    'admin_municipal_services': ('elbasan.admin', municipal_service_form),
    # The municipality's dashboard draws too many charts to be taken
    # reliably: its figures by week, in the list behind them
    'admin_volume': ('elbasan.admin', monitoring_list("Volume")),
    'helpdesk_applications': ('elbasan.helpdesk', applications),
    'helpdesk_portal': (None, portal_fiche),
    'auditor_service_time': (
        'elbasan.auditor', monitoring_list("Processing Times")),
    }


def hide_menu(page):
    "Give the whole width to the screen, as the menu button does"
    page.locator('a.navbar-brand[data-toggle="menu"]').click()
    page.locator('#menu').wait_for(state='hidden')
    settle(page)


def save(page, path):
    "Save the page as a PNG of 256 colours"
    from PIL import Image
    image = Image.open(io.BytesIO(page.screenshot()))
    image = image.convert('RGB').quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)


def take(browser, server, name, output):
    user, show = SCREENS[name]
    context = browser.new_context(viewport=VIEWPORT, locale='en-US')
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        if user:
            login(page, server, user)
            show(page)
            # A dialog covers the menu and the screen behind it
            if not page.locator('.modal-dialog:visible').count():
                hide_menu(page)
        else:
            show(page, server)
        path = output / f'{name}.png'
        save(page, path)
    except Exception:
        page.screenshot(path=str(output / f'{name}-failed.png'))
        raise
        print(f"{path}: {path.stat().st_size // 1024} kB",
            flush=True)
    finally:
        context.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://127.0.0.1:8000',
        help="the address of the demo server (default: %(default)s)")
    parser.add_argument('--database', default='demo',
        help="the demo database (default: %(default)s)")
    parser.add_argument('--output', type=Path, default=OUTPUT,
        help="the folder of the PNG files (default: the module's)")
    parser.add_argument('--only', nargs='+', choices=sorted(SCREENS),
        metavar='NAME', help="take only these screenshots")
    options = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    server = types.SimpleNamespace(
        url=options.url.rstrip('/'), database=options.database)
    options.output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=TIMEOUT)
        try:
            for name in options.only or SCREENS:
                take(browser, server, name, options.output)
        finally:
            browser.close()


if __name__ == '__main__':
    sys.exit(main())
