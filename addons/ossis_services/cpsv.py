# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The offer of a municipality in CPSV-AP 3 (JSON-LD)

CPSV-AP is the European application profile for describing public
services (https://semiceu.github.io/CPSV-AP/).  Each offered service is a
cpsv:PublicService of the municipality, a cv:PublicOrganisation, with its
cost, evidence, channels, output, legal resources and processing time.
Only what is filled is written.  The document conforms to the SHACL shapes
of CPSV-AP 3.2.0: the nodes that the shapes require to be of a class (the
organisation, the country, the currency) say so.
"""
import re
import unicodedata
from collections import Counter
from urllib.parse import quote

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard

from .exchange import Exporter, dumps
from .importer import LANGUAGES, SOURCE_LANGUAGE, Importer, text_of

CONTEXT = {
    'cpsv': 'http://purl.org/vocab/cpsv#',
    'cv': 'http://data.europa.eu/m8g/',
    'dct': 'http://purl.org/dc/terms/',
    'eli': 'http://data.europa.eu/eli/ontology#',
    'org': 'http://www.w3.org/ns/org#',
    'skos': 'http://www.w3.org/2004/02/skos/core#',
    'xsd': 'http://www.w3.org/2001/XMLSchema#',
    }
# Named authority lists of the Publications Office of the EU
COUNTRY = 'http://publications.europa.eu/resource/authority/country/ALB'
CURRENCIES = 'http://publications.europa.eu/resource/authority/currency'
CURRENCY = CURRENCIES + '/ALL'
BASE = 'urn:ossis:'


def slug(name):
    "Return the words of the name in lower case ASCII joined by hyphens"
    ascii = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore')
    return '-'.join(re.findall(r'[a-z0-9]+', ascii.decode().lower()))


class LGUService(metaclass=PoolMeta):
    __name__ = 'ossis.lgu.service'

    @classmethod
    def cpsv_ap(cls, company, date=None, base=BASE):
        """Return the services the municipality offers on the date as a
        CPSV-AP 3 JSON-LD document (a dictionary with @context and @graph)

        The identifiers of the nodes start with the base IRI."""
        return CPSVWriter(company, base).write(cls.offered(company, date))


class CPSVWriter:
    "Write the offer of a municipality in CPSV-AP"

    def __init__(self, company, base=BASE):
        self.company = company
        self.separator = ':' if base.startswith('urn:') else '/'
        if not base.endswith((':', '/', '#')):
            base += self.separator
        self.base = base
        self.nodes = {}
        # The texts of the categories and document types, by code
        self.categories = self.document_types = {}
        self.organisation = None
        self._desks_by_unit = None

    def iri(self, *parts):
        return self.base + self.child(*parts)

    def child(self, *parts):
        return self.separator.join(quote(str(p), safe='') for p in parts)

    def within(self, iri, *parts):
        "Return the IRI of a node that belongs to the node of the IRI"
        return iri + self.separator + self.child(*parts)

    def add(self, node):
        "Add the node to the graph once and return a reference to it"
        self.nodes.setdefault(node['@id'], node)
        return {'@id': node['@id']}

    @staticmethod
    def languages(text):
        """Return the languages the text is written in: a translation that
        is only the source text is missing, not written in that language"""
        return [
            l for l in LANGUAGES
            if l == SOURCE_LANGUAGE or text[l] != text[SOURCE_LANGUAGE]]

    @classmethod
    def literals(cls, text, languages=None):
        """Return the literals of the text tagged with their language, in
        the languages it is written in or in those given"""
        if not text:
            return []
        if languages is None:
            languages = cls.languages(text)
        return [{'@value': text[l], '@language': l} for l in languages]

    @staticmethod
    def messages(message, **kwargs):
        "Return the message in each language"
        text = {}
        for language in LANGUAGES:
            with Transaction().set_context(language=language):
                text[language] = gettext(message, **kwargs)
        return text

    def write(self, offers):
        offers = sorted(offers, key=lambda o: o.service_code)
        services = [o.service for o in offers]
        fiches = Importer.fiches(services)
        self.categories = {
            c.code: t['name'] for c, t in self.texts(
                [s.category for s in services], ['name'])}
        self.document_types = {
            d.code: t['name'] for d, t in self.texts(
                [d.document_type for s in services for d in s.documents],
                ['name'])}
        self.organisation = self.add(self.public_organisation())
        self.add({'@id': COUNTRY, '@type': 'dct:Location'})
        for offer, fiche in zip(offers, fiches):
            self.public_service(offer, fiche)
        return {
            '@context': dict(CONTEXT),
            '@graph': list(self.nodes.values()),
            }

    @staticmethod
    def texts(records, names):
        records = list({r.id: r for r in records}.values())
        if not records:
            return []
        return zip(records, Exporter.texts(records, names))

    def public_organisation(self):
        pool = Pool()
        Company = pool.get('company.company')
        names = {}
        for language in LANGUAGES:
            with Transaction().set_context(language=language):
                names[language] = Company(self.company.id).official_name
        # The name of the party is the Albanian legal name
        name = text_of(names) or {}
        if not name or name['sq'] == name[SOURCE_LANGUAGE]:
            name['sq'] = self.company.party.name
        return {
            '@id': self.iri('lgu', self.company.code),
            # The channels are owned by an org:Organization, of which a
            # public organisation is one
            '@type': ['cv:PublicOrganisation', 'org:Organization'],
            'dct:identifier': self.company.code,
            'skos:prefLabel': self.literals(
                name, [l for l in LANGUAGES if name.get(l)]),
            'dct:spatial': {'@id': COUNTRY},
            }

    def public_service(self, offer, fiche):
        code = fiche['code']
        iri = self.iri('lgu', self.company.code, 'service', code)
        node = {
            '@id': iri,
            '@type': 'cpsv:PublicService',
            'dct:identifier': code,
            'dct:title': self.literals(fiche['name']),
            'dct:description': self.description(offer, fiche),
            'cv:hasCompetentAuthority': self.organisation,
            'cv:thematicArea': self.add(self.concept(fiche['category'])),
            'cv:hasCost': self.add(self.cost(iri, offer, fiche)),
            }
        node['cpsv:hasInput'] = [
            self.add(self.evidence(iri, d)) for d in fiche['documents']]
        node['cv:hasChannel'] = [self.add(c) for c in self.channels(offer)]
        if fiche['output_document']:
            node['cpsv:produces'] = self.add({
                    '@id': self.within(iri, 'output'),
                    '@type': 'cv:Output',
                    'dct:identifier': f'{code}-output',
                    'dct:title': self.literals(fiche['output_document']),
                    })
        node['cv:hasLegalResource'] = [
            self.add(self.legal_resource(iri, i, b))
            for i, b in enumerate(fiche['legal_bases'], 1)]
        if offer.days is not None and (
                offer.days == 0 or fiche['days_kind'] == 'calendar'):
            # An xsd:duration counts calendar days: working days are only
            # said in the description
            node['cv:processingTime'] = {
                '@value': f'P{offer.days}D',
                '@type': 'xsd:duration',
                }
        self.add({k: v for k, v in node.items() if v != []})

    def description(self, offer, fiche):
        """Return the literals of the purpose, or the name, followed by the
        processing time, in the languages the purpose or name is written
        in"""
        if offer.days is None:
            time = None
        elif offer.days == 0:
            time = self.messages('ossis_services.msg_cpsv_on_the_spot')
        else:
            time = self.messages(
                f'ossis_services.msg_cpsv_days_{fiche["days_kind"]}',
                days=offer.days)
        subject = fiche['purpose'] or fiche['name']
        parts = [t for t in [subject, time] if t]
        return self.literals({
                language: '\n\n'.join(p[language] for p in parts)
                for language in LANGUAGES}, self.languages(subject))

    def concept(self, code):
        return {
            '@id': self.iri('category', code),
            '@type': 'skos:Concept',
            'skos:prefLabel': self.literals(self.categories[code]),
            }

    def cost(self, iri, offer, fiche):
        node = {
            '@id': self.within(iri, 'cost'),
            '@type': 'cv:Cost',
            'dct:identifier': f'{fiche["code"]}-cost',
            'cv:hasValue': {'@value': float(offer.fee), '@type': 'xsd:double'},
            'cv:currency': self.add({
                    '@id': CURRENCY,
                    '@type': 'skos:Concept',
                    'skos:inScheme': {'@id': CURRENCIES},
                    }),
            }
        if fiche['fee_note']:
            node['dct:description'] = self.literals(fiche['fee_note'])
        return node

    def evidence(self, iri, document):
        code = document['document_type']
        node = {
            '@id': self.within(iri, 'evidence', code),
            '@type': 'cv:Evidence',
            'dct:identifier': code,
            'dct:title': self.literals(self.document_types[code]),
            }
        if document['condition']:
            node['dct:description'] = self.literals(document['condition'])
        return node

    def channels(self, offer):
        "Yield a channel per front desk and the online channel"
        service = offer.service
        if service.channel_desk:
            desks = [d for d in offer.desks if d.active]
            for desk in desks:
                unit = desk.administrative_unit
                yield self.channel(
                    self.desk_identifier(desk), self.messages(
                        'ossis_services.msg_cpsv_desk', desk=desk.name,
                        unit=unit.name if unit else ''))
            if not desks:
                yield self.channel('desk', self.messages(
                        'ossis_services.msg_cpsv_desk_any'))
        if offer.online and service.channel_online:
            yield self.channel('online', self.messages(
                    'ossis_services.msg_cpsv_online'))

    def desk_identifier(self, desk):
        """Return the identifier of the desk: the code of its administrative
        unit, and the words of its name when the unit has other desks"""
        identifier = f'desk-{desk.administrative_unit.code}'
        if self.desks_by_unit()[desk.administrative_unit.id] > 1:
            identifier += '-' + slug(desk.name)
        return identifier

    def desks_by_unit(self):
        "Return the number of active front desks of each administrative unit"
        if self._desks_by_unit is None:
            pool = Pool()
            OrgUnit = pool.get('ossis.org_unit')
            self._desks_by_unit = Counter(
                d.administrative_unit.id for d in OrgUnit.search([
                        ('company', '=', self.company.id),
                        ('type', '=', 'front_office'),
                        ]))
        return self._desks_by_unit

    def channel(self, identifier, description):
        return {
            '@id': self.iri('lgu', self.company.code, 'channel', identifier),
            '@type': 'cv:Channel',
            'dct:identifier': identifier,
            'dct:description': self.literals(description),
            'cv:ownedBy': self.organisation,
            }

    def legal_resource(self, iri, number, basis):
        """Return the act, identified by its link when it has one; an
        article is a resource of the service"""
        title, url = basis['act'], basis['url']
        if basis['article']:
            title = {l: f'{t}, {basis["article"]}' for l, t in title.items()}
        if url and url.startswith(('http://', 'https://')) and (
                not basis['article']):
            identifier = url
        else:
            identifier = self.within(iri, 'legal-resource', number)
        return {
            '@id': identifier,
            '@type': 'eli:LegalResource',
            'dct:title': self.literals(title),
            }


class ExportCPSVStart(ModelView):
    "Export Municipal Services to CPSV-AP"
    __name__ = 'ossis.lgu.service.export_cpsv.start'

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        domain=[
            ('id', 'in', Eval('context', {}).get('companies', [])),
            ])
    date = fields.Date(
        "Date", required=True,
        help="The day whose offer is exported.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()


class ExportCPSVResult(ModelView):
    "Export Municipal Services to CPSV-AP"
    __name__ = 'ossis.lgu.service.export_cpsv.result'

    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class ExportCPSV(Wizard):
    "Export Municipal Services to CPSV-AP"
    __name__ = 'ossis.lgu.service.export_cpsv'

    start = StateView(
        'ossis.lgu.service.export_cpsv.start',
        'ossis_services.lgu_service_export_cpsv_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'result', 'tryton-ok', default=True),
            ])
    result = StateView(
        'ossis.lgu.service.export_cpsv.result',
        'ossis_services.lgu_service_export_cpsv_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        company, date = self.start.company, self.start.date
        document = LGUService.cpsv_ap(company, date)
        return {
            'file': dumps(document),
            'filename': f'cpsv-ap-{company.code}-{date.isoformat()}.jsonld',
            }
