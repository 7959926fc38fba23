# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reading and checking a service catalogue in CSV

The reader turns each row into plain values and collects every error with
its row and column, so that a catalogue with any error is refused whole.
"""
import csv
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext

COLUMNS = [
    'code', 'category', 'name_sq', 'name_en', 'applicant_type',
    'legal_basis', 'required_documents', 'fee_all', 'fee_note',
    'processing_days', 'days_kind', 'responsible_unit', 'output_document',
    'channel', 'source', 'estimated_fields',
    ]
# The Albanian texts of the English columns; a file without them is
# imported with the English texts in both languages
TRANSLATIONS = {
    'legal_basis': 'legal_basis_sq',
    'required_documents': 'required_documents_sq',
    'fee_note': 'fee_note_sq',
    'output_document': 'output_document_sq',
    }
REQUIRED = {
    'code', 'category', 'name_sq', 'name_en', 'applicant_type',
    'responsible_unit',
    }
CODE_PATTERN = re.compile(r'^[A-Z]{2,5}-[0-9]{1,3}$')
APPLICANT_TYPES = {'citizen', 'business', 'both'}
DAYS_KINDS = {'working', 'calendar'}
ONLINE_WORDS = ('online', 'e-albania', 'e-leje')
# The national systems that a channel names, and the words naming them
ONLINE_SYSTEM_WORDS = {'e_albania': ('e-albania', 'e-leje')}
REGISTRY_WORDS = [
    ('business', ('qkb', 'nipt', 'business extract', 'business registration')),
    ('property', ('ashk', 'property certificate', 'ownership', 'cadastr')),
    ('civil', ('id card', 'birth certificate', 'family certificate',
            'death certificate', 'marriage certificate', 'civil status')),
    ('tax', ('tax clearance', 'tax office')),
    ]
_CONDITION = re.compile(r'\((if|when|for|where)\b([^)]*)\)', re.IGNORECASE)
_COPY = re.compile(r'\((copy|original)\)', re.IGNORECASE)
_LAST_PARENTHESES = re.compile(r'^(.*)\(([^()]*)\)\s*$')


def slug(text):
    "Return an ASCII code for the text"
    text = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore')
    return re.sub(r'[^a-z0-9]+', '_', text.decode().lower()).strip('_')


class CatalogueReader:
    "Read the rows of a catalogue and collect the errors"

    def __init__(self, content):
        self.content = content
        self.rows = []
        self.errors = []
        # The Albanian name of each document type and the row giving it
        self.document_names = {}

    def error(self, row, column, message, **kwargs):
        self.errors.append(gettext(
                'ossis_services.msg_import_error',
                row=row, column=column,
                error=gettext(f'ossis_services.{message}', **kwargs)))

    def read(self):
        "Return the rows as dictionaries of values; fill errors"
        if isinstance(self.content, bytes):
            try:
                self.content = self.content.decode('utf-8-sig')
            except UnicodeDecodeError:
                self.error(1, '-', 'msg_import_encoding')
                return []
        reader = csv.DictReader(io.StringIO(self.content))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            self.error(1, ', '.join(missing), 'msg_import_columns')
            return []
        codes = {}
        # Row 1 is the header, as a spreadsheet numbers it
        for number, raw in enumerate(reader, 2):
            row = self.read_row(number, raw)
            if row['code']:
                if row['code'] in codes:
                    self.error(
                        number, 'code', 'msg_import_duplicate',
                        code=row['code'], other=codes[row['code']])
                codes.setdefault(row['code'], number)
            self.rows.append(row)
        if not self.rows and not self.errors:
            self.error(2, '-', 'msg_import_empty')
        return self.rows

    def read_row(self, number, raw):
        values = {
            c: (raw.get(c) or '').strip()
            for c in COLUMNS + list(TRANSLATIONS.values())}
        for column in sorted(REQUIRED):
            if not values[column]:
                self.error(number, column, 'msg_import_required')
        code = values['code']
        if code and not CODE_PATTERN.match(code):
            self.error(number, 'code', 'msg_import_code', value=code)
        if (values['applicant_type']
                and values['applicant_type'] not in APPLICANT_TYPES):
            self.error(
                number, 'applicant_type', 'msg_import_choice',
                value=values['applicant_type'],
                choices=', '.join(sorted(APPLICANT_TYPES)))
        return {
            'row': number,
            'code': code,
            'category': values['category'],
            'name_sq': values['name_sq'],
            'name_en': values['name_en'],
            'applicant_type': values['applicant_type'],
            'legal_bases': [
                {'en': act, 'sq': act_sq}
                for act, act_sq in self.items(
                    number, values, 'legal_basis')],
            'documents': [
                self.read_document(number, d, d_sq)
                for d, d_sq in self.items(
                    number, values, 'required_documents')],
            'fee': self.read_fee(number, values['fee_all']),
            'fee_note': values['fee_note'],
            'fee_note_sq': values['fee_note_sq'],
            'legal_days': self.read_days(
                number, values['processing_days'], values['days_kind']),
            'days_kind': values['days_kind'] or 'working',
            'unit_type': self.read_unit_type(values['responsible_unit']),
            'output_document': values['output_document'],
            'output_document_sq': values['output_document_sq'],
            'channel_desk': not values['channel'].lower().startswith(
                'online only'),
            'channel_online': any(
                w in values['channel'].lower() for w in ONLINE_WORDS),
            'online_system': self.read_online_system(values['channel']),
            'source': values['source'],
            'estimated_fields': values['estimated_fields'],
            }

    @staticmethod
    def read_online_system(channel):
        """Return the national system through which the channel says the
        service is filed, online only"""
        channel = channel.lower()
        if not channel.startswith('online only'):
            return None
        for system, words in ONLINE_SYSTEM_WORDS.items():
            if any(w in channel for w in words):
                return system

    @staticmethod
    def split(text):
        return [p.strip() for p in text.split(';') if p.strip()]

    def items(self, number, values, column):
        """Return the items of the column paired with their Albanian text,
        None when the file does not translate them"""
        items = self.split(values[column])
        column_sq = TRANSLATIONS[column]
        items_sq = self.split(values[column_sq])
        if not items_sq:
            return [(i, None) for i in items]
        if len(items_sq) != len(items):
            self.error(
                number, column_sq, 'msg_import_translation_items',
                count=len(items_sq), expected=len(items))
            return [(i, None) for i in items]
        return list(zip(items, items_sq))

    def read_fee(self, number, text):
        if not text:
            return None
        try:
            fee = Decimal(text.replace(' ', ''))
        except InvalidOperation:
            fee = None
        if fee is None or not fee.is_finite() or fee < 0:
            self.error(number, 'fee_all', 'msg_import_amount', value=text)
            return None
        return fee

    def read_days(self, number, text, kind):
        if kind and kind not in DAYS_KINDS:
            self.error(
                number, 'days_kind', 'msg_import_choice', value=kind,
                choices=', '.join(sorted(DAYS_KINDS)))
        if not text:
            if kind:
                self.error(number, 'processing_days', 'msg_import_required')
            # A service without an individual deadline
            return None
        # 0 days: delivered on the spot
        if not text.isdigit():
            self.error(
                number, 'processing_days', 'msg_import_days', value=text)
            return None
        if not kind:
            self.error(number, 'days_kind', 'msg_import_required')
        return int(text)

    def read_document(self, number, text, text_sq=None):
        """Return the name, requirement, condition and form of a document,
        with the Albanian name and condition when given"""
        document = self.parse_document(text)
        name_sq = condition_sq = None
        if text_sq:
            name_sq = text_sq
            if document['condition']:
                match = _LAST_PARENTHESES.match(text_sq)
                if match:
                    name_sq, condition_sq = (
                        match.group(1).strip(), match.group(2).strip())
                else:
                    self.error(
                        number, TRANSLATIONS['required_documents'],
                        'msg_import_translation_condition', value=text_sq)
            name_sq = name_sq[:1].upper() + name_sq[1:]
            self.check_document_name(number, document['code'], name_sq)
        document['name_sq'] = name_sq
        document['condition_sq'] = condition_sq
        return document

    def check_document_name(self, number, code, name_sq):
        "Check that a document type has one Albanian name in the file"
        other = self.document_names.setdefault(code, (name_sq, number))
        if other[0] != name_sq:
            self.error(
                number, TRANSLATIONS['required_documents'],
                'msg_import_document_name', code=code, value=name_sq,
                other=other[0], other_row=other[1])

    @staticmethod
    def parse_document(text):
        "Return the name, requirement, condition and form of a document"
        condition = _CONDITION.search(text)
        form = _COPY.search(text)
        name = ' '.join(
            _COPY.sub('', _CONDITION.sub('', text)).split()).strip(' ,')
        return {
            'code': slug(name)[:60],
            'name': name[:1].upper() + name[1:],
            'requirement': 'conditional' if condition else 'mandatory',
            'condition': (
                (condition.group(1) + condition.group(2)).strip()
                if condition else None),
            'form': form.group(1).lower() if form else 'any',
            'registry': CatalogueReader.registry_of(name),
            }

    @staticmethod
    def registry_of(name):
        lower = name.lower()
        for registry, words in REGISTRY_WORDS:
            if any(w in lower for w in words):
                return registry

    @staticmethod
    def read_unit_type(text):
        "Return the code and the Albanian and English names of the unit"
        match = re.match(r'^(.*?)\s*\(([^()]*)\)\s*(.*)$', text)
        if match:
            name_sq = (match.group(1) + ' ' + match.group(3)).strip(' /')
            name_en = match.group(2).strip()
        else:
            name_sq = name_en = text
        return {
            'code': slug(name_en)[:60],
            'name_sq': name_sq,
            'name_en': name_en,
            }
