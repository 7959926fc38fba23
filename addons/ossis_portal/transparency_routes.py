# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The figures a municipality publishes on its applications, as a page
and as CSV"""
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.transaction import Transaction

from .web import route

# The years a visitor may choose: OSSIS holds no older applications
FIRST_YEAR = 2015


def _today(pool, company):
    Date = pool.get('ir.date')
    with Transaction().set_context(company=company.id):
        return Date.today()


def _year(portal, company):
    "Return the year asked in the address, the current one by default"
    current = _today(portal.pool, company).year
    text = portal.request.args.get('year', '')
    if not text:
        return current, current
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= current:
        raise NotFound()
    return int(text), current


@route('/<lgu>/transparency')
def transparency(portal, lgu):
    pool = portal.pool
    Application = pool.get('ossis.application')
    company = portal.set_lgu(lgu)
    year, current = _year(portal, company)
    figures = Application.transparency(company, year)
    return portal.render(
        'transparency.html', figures=figures, year=year,
        years=range(current, max(FIRST_YEAR, current - 4) - 1, -1),
        share=_share, days=_days, rating=_rating(portal))


def _share(value):
    return '' if value is None else f'{value * 100:.0f}%'


def _days(value):
    return '' if value is None else str(value)


def _rating(portal):
    def rating(row):
        if row.satisfaction is None:
            return ''
        return portal.gettext(
            'rating_average', rating=portal.format_number(
                row.satisfaction, 1), count=row.ratings)
    return rating


@route('/<lgu>/transparency.csv')
def transparency_csv(portal, lgu):
    pool = portal.pool
    Application = pool.get('ossis.application')
    company = portal.set_lgu(lgu)
    year, _ = _year(portal, company)
    text = Application.transparency_csv(company, year)
    # A byte order mark, so that spreadsheets read the accents right
    response = Response(
        '\ufeff' + text, content_type='text/csv; charset=utf-8')
    response.headers['Content-Disposition'] = (
        f'attachment; filename="{company.code}-{year}.csv"')
    return response
