# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The fiche of a service as plain data, and storing fiches as versions

A fiche holds the values of one version of a service: its texts in every
language as {'en': ..., 'sq': ...}, its amounts as strings with two
decimals and its links by code.  The catalogue imports (CSV and JSON) turn
their rows into fiches, the JSON export writes them, and an import compares
the fiche of a file with the fiche read back from the published version to
know whether the service changed.
"""
import hashlib
import json
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

from .csv_import import slug

# The languages of the texts of a fiche; the first is the language the
# values are stored in, the others are translations
LANGUAGES = ('en', 'sq')
SOURCE_LANGUAGE = LANGUAGES[0]
# The translatable texts of a service, besides those of its lines
TEXTS = ['name', 'purpose', 'fee_note', 'output_document']


class Importer:
    """Store the fiches of a catalogue as versions of services

    A fiche holds the values of one version as plain data: its texts as
    {'en': ..., 'sq': ...} and its links by code.  The fiche read back from
    a version equals the fiche it was stored from, so a service is changed
    only when its fiche is, whatever the format of the catalogue.
    """

    def __init__(self, update=False):
        # Whether existing categories, unit types and document types take
        # the values of the catalogue, or only missing ones are created
        self.update = update

    def store(
            self, fiches, categories=(), unit_types=(), document_types=()):
        "Store the references and the fiches; return the counts"
        # Imported records are data, not a module's: translations tagged
        # with the module being activated would be replaced by its PO file
        with Transaction().set_context(module=None):
            self.categories(categories)
            self.unit_types(unit_types)
            self.document_types(document_types)
            return self.apply(fiches)

    def apply(self, fiches):
        pool = Pool()
        Service = pool.get('ossis.service')
        counts = {'created': 0, 'updated': 0, 'unchanged': 0}
        if not fiches:
            return counts
        codes = [f['code'] for f in fiches]
        published = Service.get_published(codes)
        current = {
            f['code']: f for f in self.fiches(list(published.values()))}
        drafts = {s.code: s for s in Service.search([
                    ('code', 'in', codes),
                    ('state', '=', 'draft'),
                    ])}
        latest = Service._latest_versions(codes)
        links = self.links(fiches)
        to_save, by_code = [], {}
        with Transaction().set_context(language=SOURCE_LANGUAGE):
            for fiche in fiches:
                code = fiche['code']
                if code in published and current[code] == fiche:
                    counts['unchanged'] += 1
                    continue
                counts['updated' if code in published else 'created'] += 1
                service = drafts.get(code)
                if service:
                    service = Service(service.id)
                else:
                    service = Service(
                        code=code, version=latest.get(code, 0) + 1)
                self.fill(service, fiche, links)
                service.import_fingerprint = fingerprint(fiche)
                to_save.append(service)
                by_code[code] = fiche
            Service.save(to_save)
        self.translate(to_save, by_code)
        Service.publish(Service.browse(to_save))
        return counts

    def links(self, fiches):
        "Return the records the fiches link to, by model and code"
        pool = Pool()
        codes = {
            'ossis.service.category': {f['category'] for f in fiches},
            'ossis.unit_type': {f['unit_type'] for f in fiches},
            'ossis.document.type': {
                d['document_type'] for f in fiches for d in f['documents']},
            }
        links = {}
        with Transaction().set_context(active_test=False):
            for model, model_codes in codes.items():
                Model = pool.get(model)
                links[model] = {r.code: r for r in Model.search([
                            ('code', 'in', list(model_codes)),
                            ])}
        return links

    def fill(self, service, fiche, links):
        "Set the values of the fiche in the source language"
        pool = Pool()
        LegalBasis = pool.get('ossis.service.legal_basis')
        Document = pool.get('ossis.service.document')
        FeeExemption = pool.get('ossis.service.fee_exemption')

        def source(text):
            return text[SOURCE_LANGUAGE] if text else None

        service.name = source(fiche['name'])
        service.purpose = source(fiche['purpose'])
        service.category = links['ossis.service.category'][fiche['category']]
        service.applicant_type = fiche['applicant_type']
        service.legal_bases = [
            LegalBasis(
                sequence=sequence,
                act=source(b['act']),
                article=b['article'],
                url=b['url'])
            for sequence, b in enumerate(fiche['legal_bases'], 1)]
        document_types = links['ossis.document.type']
        service.documents = [
            Document(
                sequence=sequence,
                document_type=document_types[d['document_type']],
                requirement=d['requirement'],
                condition=source(d['condition']),
                form=d['form'],
                once_only=d['once_only'])
            for sequence, d in enumerate(fiche['documents'], 1)]
        for name in ['fee', 'fee_minimum', 'fee_maximum']:
            setattr(service, name, Decimal(fiche[name])
                if fiche[name] is not None else None)
        service.fee_note = source(fiche['fee_note'])
        service.fee_exemptions = [
            FeeExemption(
                applicant_category=e['applicant_category'],
                reduction=e['reduction'],
                note=source(e['note']))
            for e in fiche['fee_exemptions']]
        for name in [
                'legal_days', 'days_kind', 'promise_days', 'suspendable',
                'silence_rule', 'channel_desk', 'channel_online',
                'online_system', 'source', 'estimated_fields']:
            setattr(service, name, fiche[name])
        service.output_document = source(fiche['output_document'])
        service.unit_type = links['ossis.unit_type'][fiche['unit_type']]

    def translate(self, services, fiches):
        "Store the texts of the fiches in the other languages"
        pool = Pool()
        Service = pool.get('ossis.service')
        lines = [
            ('legal_bases', 'act', pool.get('ossis.service.legal_basis')),
            ('documents', 'condition', pool.get('ossis.service.document')),
            ('fee_exemptions', 'note',
                pool.get('ossis.service.fee_exemption')),
            ]
        for language in LANGUAGES[1:]:
            with Transaction().set_context(language=language):
                services = Service.browse(services)
                to_save = {Model: [] for _, _, Model in lines}
                for service in services:
                    fiche = fiches[service.code]
                    for name in TEXTS:
                        set_text(service, name, fiche[name], language)
                    for field, name, Model in lines:
                        for record, value in zip(
                                getattr(service, field), fiche[field]):
                            if set_text(record, name, value[name], language):
                                to_save[Model].append(record)
                Service.save(services)
                for Model, records in to_save.items():
                    Model.save(records)

    @classmethod
    def fiches(cls, services):
        "Return the fiches of the services, in the same order"
        pool = Pool()
        Service = pool.get('ossis.service')
        ids = [s.id for s in services]
        records = []
        for language in LANGUAGES:
            with Transaction().set_context(language=language):
                records.append(Service.browse(ids))
        return [
            cls.fiche(dict(zip(LANGUAGES, versions)))
            for versions in zip(*records)]

    @staticmethod
    def fiche(versions):
        """Return the fiche of a version given as a record in each
        language"""
        service = versions[SOURCE_LANGUAGE]

        def text(name, records=versions):
            return text_of({
                    l: getattr(r, name) for l, r in records.items()})

        def children(name):
            return [dict(zip(LANGUAGES, r)) for r in zip(*(
                        getattr(versions[l], name) for l in LANGUAGES))]

        return {
            'code': service.code,
            'name': text('name'),
            'purpose': text('purpose'),
            'category': service.category.code,
            'applicant_type': service.applicant_type,
            'legal_bases': [{
                    'act': text('act', b),
                    'article': b[SOURCE_LANGUAGE].article or None,
                    'url': b[SOURCE_LANGUAGE].url or None,
                    } for b in children('legal_bases')],
            'documents': [{
                    'document_type': d[SOURCE_LANGUAGE].document_type.code,
                    'requirement': d[SOURCE_LANGUAGE].requirement,
                    'condition': text('condition', d),
                    'form': d[SOURCE_LANGUAGE].form,
                    'once_only': bool(d[SOURCE_LANGUAGE].once_only),
                    } for d in children('documents')],
            'fee': amount_of(service.fee),
            'fee_minimum': amount_of(service.fee_minimum),
            'fee_maximum': amount_of(service.fee_maximum),
            'fee_note': text('fee_note'),
            'fee_exemptions': [{
                    'applicant_category': (
                        e[SOURCE_LANGUAGE].applicant_category),
                    'reduction': e[SOURCE_LANGUAGE].reduction,
                    'note': text('note', e),
                    } for e in children('fee_exemptions')],
            'legal_days': service.legal_days,
            'days_kind': service.days_kind,
            'promise_days': service.promise_days,
            'suspendable': bool(service.suspendable),
            'silence_rule': service.silence_rule,
            'output_document': text('output_document'),
            'channel_desk': bool(service.channel_desk),
            'channel_online': bool(service.channel_online),
            'online_system': service.online_system,
            'unit_type': service.unit_type.code,
            'source': service.source or None,
            'estimated_fields': service.estimated_fields or None,
            }

    def categories(self, entries):
        """Create the missing categories, update the others if asked, then
        set the parents"""
        pool = Pool()
        Category = pool.get('ossis.service.category')
        records, updated = self.references(
            Category, entries, ['name'], ['sequence'])
        parents = {e['code']: e['parent'] for e in entries
            if 'parent' in e and e['code'] in updated}
        if parents:
            with Transaction().set_context(active_test=False):
                records.update({c.code: c for c in Category.search([
                                ('code', 'in', list(filter(
                                            None, parents.values()))),
                                ])})
            to_save = []
            for code, parent in parents.items():
                category = records[code]
                parent = records[parent] if parent else None
                if category.parent != parent:
                    category.parent = parent
                    to_save.append(category)
            Category.save(to_save)
        return records

    def unit_types(self, entries):
        pool = Pool()
        UnitType = pool.get('ossis.unit_type')
        return self.references(UnitType, entries, ['name'])[0]

    def document_types(self, entries):
        pool = Pool()
        DocumentType = pool.get('ossis.document.type')
        return self.references(
            DocumentType, entries, ['name', 'issuing_authority'],
            ['registry'])[0]

    def references(self, Model, entries, texts, others=()):
        """Create the records of the entries that are missing and, when
        updating, write the values that changed

        Return the records by code and the codes created or updated."""
        by_code = {e['code']: e for e in entries}
        with Transaction().set_context(active_test=False):
            found = {r.code: r for r in Model.search([
                        ('code', 'in', list(by_code)),
                        ])}
        created = [c for c in by_code if c not in found]
        codes = created
        # The records of modules are updated and translated by the modules
        protected = self.module_records(Model, found.values())
        if self.update:
            codes += [c for c, r in found.items() if r not in protected]
        with Transaction().set_context(language=SOURCE_LANGUAGE):
            records = [
                Model(found[c].id) if c in found else Model(code=c)
                for c in codes]
            to_save = []
            for record in records:
                entry = by_code[record.code]
                changed = record.id is None
                for name in texts:
                    if name in entry:
                        changed |= set_text(
                            record, name, entry[name], SOURCE_LANGUAGE)
                for name in others:
                    if (name in entry
                            and getattr(record, name, None) != entry[name]):
                        setattr(record, name, entry[name])
                        changed = True
                if changed:
                    to_save.append(record)
            Model.save(to_save)
        kept = [
            r for c, r in found.items()
            if c not in codes and r not in protected]
        for language in LANGUAGES[1:]:
            # The records kept as they are still take the translations
            # they lack
            to_translate = records + untranslated(kept, texts, language)
            with Transaction().set_context(language=language):
                to_translate = Model.browse(to_translate)
                Model.save([r for r in to_translate if any([
                                set_text(
                                    r, n, by_code[r.code][n], language)
                                for n in texts if n in by_code[r.code]])])
        found.update({r.code: r for r in records})
        return found, set(codes)

    @staticmethod
    def module_records(Model, records):
        "Return the records that a module defines"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ids = {r.id for r in records}
        data = ModelData.search([
                ('model', '=', Model.__name__),
                ('db_id', 'in', list(ids)),
                ('noupdate', '=', False),
                ])
        return set(Model.browse([d.db_id for d in data if d.db_id in ids]))


def set_text(record, name, text, language):
    """Set the text of the language on the record if it differs; return
    whether it did"""
    value = text[language] if text else None
    if getattr(record, name, None) != value and (
            value or language == SOURCE_LANGUAGE):
        setattr(record, name, value)
        return True
    return False


def untranslated(records, names, language):
    "Return the records with a text that reads the same in the language"
    if not records:
        return []
    Model = records[0].__class__
    ids = [r.id for r in records]
    versions = []
    for context_language in [SOURCE_LANGUAGE, language]:
        with Transaction().set_context(language=context_language):
            versions.append(Model.browse(ids))
    return [
        source for source, translated in zip(*versions)
        if any(getattr(source, n) == getattr(translated, n)
            for n in names)]


def text_of(values):
    """Return the text in each language or None when there is none in the
    source language; a missing translation is the source text"""
    source = values.get(SOURCE_LANGUAGE)
    if isinstance(source, str):
        source = source.strip()
    if not source:
        return None
    text = {}
    for language in LANGUAGES:
        value = values.get(language)
        if isinstance(value, str):
            value = value.strip()
        text[language] = value or source
    return text


def amount_of(value):
    "Return the amount as a string with two decimals or None"
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal('0.01')))


def fingerprint(fiche):
    "Return the digest of the fiche"
    data = json.dumps(fiche, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def fiche_of_row(row):
    "Return the fiche of a row read from a CSV catalogue"
    seen, documents = set(), []
    for document in row['documents']:
        if document['code'] not in seen:
            seen.add(document['code'])
            documents.append({
                    'document_type': document['code'],
                    'requirement': document['requirement'],
                    'condition': text_of({
                            'en': document['condition'],
                            'sq': document['condition_sq'],
                            }),
                    'form': document['form'],
                    'once_only': False,
                    })
    return {
        'code': row['code'],
        'name': text_of({'en': row['name_en'], 'sq': row['name_sq']}),
        'purpose': None,
        'category': slug(row['category']),
        'applicant_type': row['applicant_type'],
        'legal_bases': [
            {'act': text_of(act), 'article': None, 'url': None}
            for act in row['legal_bases']],
        'documents': documents,
        'fee': amount_of(row['fee']),
        'fee_minimum': None,
        'fee_maximum': None,
        'fee_note': text_of(
            {'en': row['fee_note'], 'sq': row['fee_note_sq']}),
        'fee_exemptions': [],
        'legal_days': row['legal_days'],
        'days_kind': row['days_kind'],
        'promise_days': row['legal_days'],
        'suspendable': True,
        'silence_rule': 'none',
        'output_document': text_of({
                'en': row['output_document'],
                'sq': row['output_document_sq'],
                }),
        'channel_desk': row['channel_desk'],
        'channel_online': row['channel_online'],
        'online_system': row['online_system'],
        'unit_type': row['unit_type']['code'],
        'source': row['source'] or None,
        'estimated_fields': row['estimated_fields'] or None,
        }


def references_of_rows(rows):
    """Return the categories, unit types and document types that the rows
    of a CSV catalogue name"""
    categories = {slug(r['category']): {
            'code': slug(r['category']),
            'name': text_of({SOURCE_LANGUAGE: r['category']}),
            } for r in rows}
    unit_types = {r['unit_type']['code']: {
            'code': r['unit_type']['code'],
            'name': text_of({
                    'en': r['unit_type']['name_en'],
                    'sq': r['unit_type']['name_sq'],
                    }),
            } for r in rows}
    document_types = {d['code']: {
            'code': d['code'],
            'name': text_of({'en': d['name'], 'sq': d['name_sq']}),
            'registry': d['registry'],
            } for r in rows for d in r['documents']}
    return (
        list(categories.values()), list(unit_types.values()),
        list(document_types.values()))
