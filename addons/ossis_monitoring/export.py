# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The export of the records of a report to Excel (.xlsx) and CSV

One implementation for every model: the columns are those of the model's
list view, headed with the labels of its fields in the user's language.
Dates, numbers and booleans are written typed, not as text; a relation is
written as the name of the record, a selection as its label.  A float field
shown as a percentage in the list (factor="100", or the progress bar of a
share from 0 to 1) is a percentage cell in Excel and the percentage in
CSV.

The Excel file is written with openpyxl: bold frozen headers, an auto
filter, column widths fitting their content and number formats following
the digits of each field.
"""
import csv
import datetime as dt
import io
from decimal import Decimal

from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from trytond.modules.ossis_services.fiche_report import PDFReport
from trytond.pool import Pool
from trytond.transaction import Transaction

NUMBERS = {'integer', 'float', 'numeric'}
RELATIONS = {'many2one', 'reference', 'one2one'}
MULTIPLE = {'one2many', 'many2many'}
# The widest column, in characters: a long comment wraps in the reader
MAX_WIDTH = 60
# strftime directives of the language's date and their Excel codes
EXCEL_DATE = [
    ('%d', 'dd'), ('%m', 'mm'), ('%Y', 'yyyy'), ('%y', 'yy'),
    ('%b', 'mmm'), ('%B', 'mmmm')]


class Column:
    "A column of the export: a field of the list view"

    def __init__(self, name, definition, factor=1):
        self.name = name
        self.type = definition['type']
        self.label = definition['string']
        self.factor = factor
        digits = definition.get('digits')
        # digits may be a PYSON expression: then the default of Tryton
        self.digits = (
            digits[1] if isinstance(digits, (list, tuple))
            and isinstance(digits[1], int) else 2)

    @property
    def read_name(self):
        "Return the name to read: the name of a relation, the label of a "
        "selection"
        if self.type in RELATIONS:
            return f'{self.name}.rec_name'
        if self.type in {'selection', 'multiselection'}:
            return f'{self.name}:string'
        return self.name

    def value(self, row):
        "Return the typed value of the column in the row read"
        if self.type in RELATIONS:
            target = row.get(f'{self.name}.')
            return target['rec_name'] if target else None
        if self.type in {'selection', 'multiselection'}:
            return row.get(f'{self.name}:string')
        value = row.get(self.name)
        if self.type in MULTIPLE:
            return len(value or [])
        if isinstance(value, Decimal):
            value = float(value)
        if self.type == 'boolean':
            # SQLite gives 0 and 1
            value = bool(value)
        if self.type == 'timedelta' and value is not None:
            value = value.total_seconds() / (24 * 60 * 60)
        return value

    def number_format(self, date_format):
        "Return the Excel number format of the column or None"
        if self.type in {'integer', 'one2many', 'many2many'}:
            return '#,##0'
        if self.type in {'float', 'numeric', 'timedelta'}:
            decimals = '.' + '0' * self.digits if self.digits else ''
            if self.factor == 100:
                decimals = decimals[:2] if decimals else ''
                return f'0{decimals}%'
            return f'#,##0{decimals}'
        if self.type == 'date':
            return date_format
        if self.type in {'datetime', 'timestamp'}:
            return f'{date_format} hh:mm'
        return None

    def text(self, value):
        "Return the value as written in the CSV"
        if value is None:
            return ''
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, float):
            return round(value * self.factor, 10)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat(sep=' ', timespec='minutes') \
                if isinstance(value, dt.datetime) else value.isoformat()
        return value


class ListExport(PDFReport):
    """The records as a table of the columns of the model's list view

    render_table writes the header and the rows in a format."""
    extension = None

    @classmethod
    def render_records(cls, records, language):
        with Transaction().set_context(language=language):
            if not records:
                columns, rows = cls.columns(None), []
            else:
                columns = cls.columns(records[0].__name__)
                rows = cls.rows(records, columns)
            return cls.extension, cls.render_table(columns, rows)

    @classmethod
    def columns(cls, model):
        "Return the Columns of the list view of the model"
        if model is None:
            return []
        Model = Pool().get(model)
        view = Model.fields_view_get(view_type='tree')
        tree = etree.fromstring(view['arch'])
        columns = []
        for element in tree.iter('field'):
            name = element.get('name')
            if (name not in view['fields']
                    or element.get('tree_invisible') in {'1', 'True'}):
                continue
            factor = element.get('factor')
            if element.get('widget') == 'progressbar':
                factor = 100
            columns.append(Column(
                    name, view['fields'][name],
                    factor=int(float(factor)) if factor else 1))
        return columns

    @classmethod
    def rows(cls, records, columns):
        "Return the typed values of the records, a list per record"
        Model = records[0].__class__
        # Read as the user: the export shows what the user may read
        read = Model.read(
            [r.id for r in records], [c.read_name for c in columns])
        by_id = {r['id']: r for r in read}
        return [[c.value(by_id[r.id]) for c in columns] for r in records]

    @classmethod
    def render_table(cls, columns, rows):
        raise NotImplementedError

    @classmethod
    def get_filename(cls, action, records):
        return f'{action.name}-{dt.date.today().isoformat()}'


class ExcelExport(ListExport):
    "Export to Excel"
    __name__ = 'ossis.monitoring.export.xlsx'
    extension = 'xlsx'

    @classmethod
    def date_format(cls):
        "Return the Excel format of the dates of the user's language"
        format_ = Pool().get('ir.lang').get().date
        for directive, code in EXCEL_DATE:
            format_ = format_.replace(directive, code)
        return format_

    @classmethod
    def render_table(cls, columns, rows):
        workbook = Workbook()
        sheet = workbook.active
        bold = Font(bold=True)
        sheet.append([c.label for c in columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        date_format = cls.date_format()
        for index, column in enumerate(columns, 1):
            letter = get_column_letter(index)
            number_format = column.number_format(date_format)
            if number_format:
                for (cell,) in sheet.iter_rows(
                        min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
            width = max(
                [len(column.label)]
                + [len(str(r[index - 1])) for r in rows
                    if r[index - 1] is not None])
            sheet.column_dimensions[letter].width = min(width + 2, MAX_WIDTH)
        sheet.freeze_panes = 'A2'
        if columns:
            sheet.auto_filter.ref = sheet.dimensions
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


class CSVExport(ListExport):
    "Export to CSV"
    __name__ = 'ossis.monitoring.export.csv'
    extension = 'csv'

    @classmethod
    def render_table(cls, columns, rows):
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow([c.label for c in columns])
        for row in rows:
            writer.writerow([c.text(v) for c, v in zip(columns, row)])
        # With a byte order mark, Excel reads the letters ë and ç right
        return output.getvalue().encode('utf-8-sig')
