# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The transparency page of a municipality and its CSV, over HTTP"""
import csv
import datetime as dt
import io

import pytest
from portal import Visitor


@pytest.fixture
def visitor(ossis_server):
    return Visitor(ossis_server)


def summary(page):
    "Return the figures of the summary of the page by their label"
    return {
        div.cssselect('dt')[0].text_content(): div.cssselect(
            'dd')[0].text_content()
        for div in page.html.cssselect('dl.summary div')}


def received(client, code, year):
    return client.search_count('ossis.application', [
            ('company.code', '=', code),
            ('state', '!=', 'draft'),
            ('submitted_date', '>=', dt.datetime(year, 1, 1)),
            ('submitted_date', '<', dt.datetime(year + 1, 1, 1)),
            ])


def test_figures_of_the_year(visitor, users):
    year = dt.date.today().year
    page = visitor.get('/elbasan/transparency', lang='en')
    assert page.status == 200
    figures = summary(page)
    national = users['national.admin']
    assert int(figures['Received']) == received(national, 'elbasan', year)
    assert int(figures['Received']) > 0
    assert page.html.cssselect('table th[scope="row"]')

    pogradec = summary(visitor.get('/pogradec/transparency', lang='en'))
    assert int(pogradec['Received']) == received(
        national, 'pogradec', year)
    assert pogradec['Received'] != figures['Received']


def test_csv(visitor, users):
    page = visitor.get('/elbasan/transparency.csv', lang='en')
    assert page.status == 200
    assert page.headers['Content-Type'].startswith('text/csv')
    assert 'attachment' in page.headers['Content-Disposition']
    rows = list(csv.reader(io.StringIO(page.body.decode('utf-8-sig'))))
    assert rows[0][:3] == ['Breakdown', 'Code', 'Name']
    total, = [r for r in rows if r[0] == 'Total']
    html = summary(visitor.get('/elbasan/transparency', lang='en'))
    assert total[3] == html['Received']
    assert total[4] == html['Completed']
    assert {r[0] for r in rows[1:]} >= {'Total', 'Service', 'Gender'}


def test_csv_albanian(visitor):
    page = visitor.get('/elbasan/transparency.csv')
    rows = list(csv.reader(io.StringIO(page.body.decode('utf-8-sig'))))
    assert rows[1][0] == 'Gjithsej'


def test_other_year(visitor):
    year = dt.date.today().year
    page = visitor.get('/elbasan/transparency', year=str(year - 1))
    assert page.status == 200
    for bad in ['1990', str(year + 1), 'abc', '2026; drop']:
        page = visitor.get('/elbasan/transparency', year=bad)
        assert page.status == 404, bad
        assert 'Traceback' not in page.text
