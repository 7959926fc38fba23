# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The PDF of the monthly report, with its charts

Built with reportlab's platypus and graphics from MonthFigures
(monthly_figures.py), with the fonts, tables and archival conversion of
the project's documents (ossis_services/pdf.py): the report is kept as
PDF/A-2b.  Labels come from the module's messages in the language of the
transaction.
"""
import textwrap

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from trytond.i18n import gettext
from trytond.modules.ossis_services import pdf
from trytond.pool import Pool

SERIES = [pdf.ACCENT, colors.HexColor('#8fb4d9'), colors.HexColor('#c9a227'),
    colors.HexColor('#7a9a3a'), pdf.GREY]
CHART_HEIGHT = 55 * mm
# The figures compared month by month, in the order of the table
FIGURES = [
    'received', 'completed', 'on_time', 'median', 'backlog', 'overdue',
    'satisfaction', 'online_share']


def label(name, **variables):
    return gettext(f'ossis_monitoring.msg_monthly_{name}', **variables)


def month_text(month):
    "Return the month and its year in the language"
    return Pool().get('ir.lang').get().strftime(month, '%B %Y')


def number(value, digits=0):
    "Return the number in the language, a dash when there is none"
    if value is None:
        return '–'
    return Pool().get('ir.lang').get().format('%.*f', (digits, value),
        grouping=True)


def share(value):
    return '–' if value is None else number(value * 100, 1) + ' %'


def values(figures):
    "Return the texts of FIGURES of the MonthFigures"
    row = figures.summary
    return {
        'received': number(row.received),
        'completed': number(row.completed),
        'on_time': share(row.on_time),
        'median': number(row.median),
        'backlog': number(figures.backlog),
        'overdue': number(figures.overdue),
        'satisfaction': number(row.satisfaction, 2),
        'online_share': share(figures.online_share),
        }


def _chart_title(drawing, text):
    drawing.add(String(
            0, CHART_HEIGHT - 4 * mm, text, fontName=pdf.BOLD, fontSize=9,
            fillColor=pdf.ACCENT))


def _legend(x, y, names):
    "Return the legend of the names in the colours of SERIES"
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = pdf.FONT
    legend.fontSize = 7
    legend.alignment = 'right'
    legend.colorNamePairs = [
        (SERIES[i % len(SERIES)], name) for i, name in enumerate(names)]
    return legend


def bar_chart(title, categories, series, names, width=pdf.WIDTH):
    """Return a drawing of vertical bars: a group per category, a bar per
    series (lists of numbers), with a legend of the names of the series"""
    drawing = Drawing(width, CHART_HEIGHT, initialFontName=pdf.FONT)
    _chart_title(drawing, title)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 16 * mm
    chart.width = width - 16 * mm - (40 * mm if len(series) > 1 else 0)
    chart.height = CHART_HEIGHT - 26 * mm
    chart.data = [[v or 0 for v in s] for s in series]
    # Long names on two lines or more, so that they do not overlap
    chart.categoryAxis.categoryNames = [
        '\n'.join(textwrap.wrap(c, 18)) for c in categories]
    chart.categoryAxis.labels.fontName = pdf.FONT
    chart.categoryAxis.labels.fontSize = 7
    if len(categories) > 12:
        chart.categoryAxis.labels.angle = 60
        chart.categoryAxis.labels.boxAnchor = 'ne'
        chart.categoryAxis.labels.fontSize = 5
    chart.valueAxis.labels.fontName = pdf.FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for index, _ in enumerate(series):
        chart.bars[index].fillColor = SERIES[index % len(SERIES)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        drawing.add(_legend(width - 38 * mm, CHART_HEIGHT - 12 * mm, names))
    return drawing


def pie_chart(title, pairs, width=pdf.WIDTH / 2):
    "Return a drawing of a pie of the (name, value) pairs with a legend"
    drawing = Drawing(width, CHART_HEIGHT, initialFontName=pdf.FONT)
    _chart_title(drawing, title)
    pairs = [(n, v) for n, v in pairs if v]
    if not pairs:
        return drawing
    pie = Pie()
    pie.x, pie.y = 4 * mm, 4 * mm
    pie.width = pie.height = CHART_HEIGHT - 14 * mm
    pie.data = [v for _, v in pairs]
    pie.simpleLabels = True
    pie.labels = None
    for index, _ in enumerate(pairs):
        pie.slices[index].fillColor = SERIES[index % len(SERIES)]
        pie.slices[index].strokeColor = colors.white
    drawing.add(pie)
    drawing.add(_legend(CHART_HEIGHT - 4 * mm, CHART_HEIGHT - 14 * mm,
            [f'{n}: {number(v)}' for n, v in pairs]))
    return drawing


def breakdown_table(rows):
    "Return a table of the TransparencyRows by unit or gender"
    header = [label('name'), label('received'), label('completed'),
        label('on_time'), label('median'), label('satisfaction')]
    body = [[r.name, number(r.received), number(r.completed),
            share(r.on_time), number(r.median), number(r.satisfaction, 2)]
        for r in rows]
    width = (pdf.WIDTH - 60 * mm) / 5
    return pdf.grid(header, body, [60 * mm] + [width] * 5)


def channel_labels():
    Application = Pool().get('ossis.application')
    return dict(Application.fields_get(['channel'])['channel']['selection'])


def render_municipality(company, figures, unit_rows, gender_rows):
    """Return the PDF of the monthly report of the municipality

    figures are the MonthFigures of compared_months (the month first);
    unit_rows and gender_rows the month's TransparencyRows by
    administrative unit and by gender."""
    months = [month_text(f.month) for f in figures]
    texts = [values(f) for f in figures]
    story = [
        pdf.para(company.rec_name, 'lgu'),
        pdf.para(label('title', month=months[0]), 'title'),
        pdf.para(label('subtitle'), 'subtitle'),
        pdf.facts([(label(n), texts[0][n]) for n in FIGURES[:4]]),
        Spacer(0, 2 * mm),
        pdf.facts([(label(n), texts[0][n]) for n in FIGURES[4:]]),
        pdf.heading(label('comparison')),
        pdf.grid(
            [label('figure')] + months,
            [[label(n)] + [t[n] for t in texts] for n in FIGURES],
            [pdf.WIDTH - 3 * 38 * mm] + [38 * mm] * 3),
        bar_chart(
            label('volume_chart'),
            [label('received'), label('completed'), label('backlog'),
                label('overdue')],
            [[f.summary.received, f.summary.completed, f.backlog, f.overdue]
                for f in figures],
            months),
        ]
    channels = channel_labels()
    story.append(pie_chart(label('channel_chart'), [
                (channels.get(c, c), n)
                for c, n in sorted(figures[0].channels.items())]))
    story += [
        pdf.heading(label('administrative_units')),
        breakdown_table(unit_rows),
        pdf.heading(label('genders')),
        breakdown_table(gender_rows),
        ]
    return pdf.archival(pdf.build(
            story, title=label('title', month=months[0]),
            author=company.rec_name,
            footer=f'{company.rec_name} · {months[0]}'))


def render_national(companies, figures, month):
    """Return the PDF of the national report: the municipalities side by
    side for the month

    figures are the MonthFigures of the month by municipality id."""
    month_name = month_text(month)
    header = [label('municipality'), label('received'), label('per_1000'),
        label('completed'), label('on_time'), label('median'),
        label('backlog'), label('overdue'), label('satisfaction'),
        label('online_share'), label('status')]
    Company = Pool().get('company.company')
    statuses = dict(
        Company.fields_get(['ossis_status'])['ossis_status']['selection'])
    rows, names, received, on_time = [], [], [], []
    for company in companies:
        month_figures = figures[company.id]
        row = month_figures.summary
        per_1000 = (row.received * 1000 / company.population
            if company.population else None)
        text = values(month_figures)
        rows.append([company.rec_name, text['received'], number(per_1000, 2),
                text['completed'], text['on_time'], text['median'],
                text['backlog'], text['overdue'], text['satisfaction'],
                text['online_share'],
                statuses.get(company.ossis_status, '')])
        names.append(company.code or company.rec_name)
        received.append(per_1000 or 0)
        on_time.append((row.on_time or 0) * 100)
    first = 30 * mm
    width = (pdf.WIDTH - first) / (len(header) - 1)
    story = [
        pdf.para(label('national_title', month=month_name), 'title'),
        pdf.para(label('subtitle'), 'subtitle'),
        bar_chart(label('per_1000_chart'), names, [received], [
                label('per_1000')]),
        bar_chart(label('on_time_chart'), names, [on_time], [
                label('on_time')]),
        pdf.heading(label('municipalities')),
        pdf.grid(header, rows, [first] + [width] * (len(header) - 1)),
        ]
    return pdf.archival(pdf.build(
            story, title=label('national_title', month=month_name),
            author='OSSIS', footer=label('national_title', month=month_name)))

