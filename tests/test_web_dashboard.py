# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A unit head opens the dashboard of the unit and drills down

A click on the bar of the backlog of the unit opens the running
applications at the steps of the unit: the same ones as a search of the
unit head over RPC.
"""
from playwright.sync_api import Error as PlaywrightError
from sao import TIMEOUT, load_all, login, open_menu

RUNNING = ['submitted', 'in_progress', 'waiting']


def test_unit_head_drills_down_from_a_bar(ossis_server, users, page):
    head = users['elbasan.head']
    backlog = head.search_read(
        'ossis.monitoring.backlog', [], ['step_unit', 'applications'])
    assert backlog, "the demo gives the unit head a backlog"
    units = {r['step_unit'] for r in backlog}
    # The bars follow the order of the records: the unit with the most
    # running applications has the widest bar
    units_in_order = list(dict.fromkeys(r['step_unit'] for r in backlog))
    totals = {u: sum(r['applications'] for r in backlog
            if r['step_unit'] == u) for u in units_in_order}
    unit = max(units_in_order, key=totals.get)
    expected = {a['number'] for a in head.search_read('ossis.application', [
                ('step_unit', '=', unit),
                ('state', 'in', RUNNING),
                ], ['number'])}
    running = {a['number'] for a in head.search_read('ossis.application', [
                ('state', 'in', RUNNING),
                ], ['number'])}
    assert sum(r['applications'] for r in backlog
        if r['step_unit'] == unit) == len(expected)
    # Only the units the head heads
    headed = head.search('ossis.org_unit', [
            ('head.party.name', '=', "Elona Basha")])
    assert units <= set(headed)

    login(page, ossis_server, 'elbasan.head')
    board = open_menu(page, "OSSIS", "Monitoring", "Unit Dashboard")
    chart = board.locator('.board-action').filter(has_text="Backlog by Unit")
    bar = chart.locator(
        f'.bb-target-applications path.bb-bar-{units_in_order.index(unit)}')
    # Drawn once the records of the graph are read
    bar.wait_for()
    applications = page.locator('#tablist li').filter(has_text="Applications")
    # The board draws its charts again as their records arrive (the bar is
    # gone for a moment), and the chart takes the click on the area of the
    # bar: click again until the applications open, within the step's time
    for attempt in range(TIMEOUT // 5_000):
        try:
            bar.click(force=True, timeout=5_000)
            applications.wait_for(timeout=5_000)
            break
        except PlaywrightError:
            continue
    applications.wait_for()
    tab = page.locator('#tabcontent .tab-pane.active')
    rows = tab.locator('.treeview table tbody tr')
    rows.first.wait_for()
    load_all(page, rows)
    texts = rows.all_inner_texts()
    assert len(texts) == len(expected)
    assert {n for n in running if any(n in t for t in texts)} == expected
