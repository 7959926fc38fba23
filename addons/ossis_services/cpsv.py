# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The offer of a municipality in CPSV-AP 3 (JSON-LD)

CPSV-AP is the European application profile for describing public
services (https://semiceu.github.io/CPSV-AP/).  Each offered service is a
cpsv:PublicService of the municipality, a cv:PublicOrganisation, with its
cost, evidence, channels, output, legal resources and processing time.
Only what is filled is written.
"""
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
    'skos': 'http://www.w3.org/2004/02/skos/core#',
    'xsd': 'http://www.w3.org/2001/XMLSchema#',
    }
# Named authority lists of the Publications Office of the EU
COUNTRY = 'http://publications.europa.eu/resource/authority/country/ALB'
CURRENCY = 'http://publications.europa.eu/resource/authority/currency/ALL'
BASE = 'urn:ossis:'


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
    def literals(text):
        """Return the language-tagged literals of a text; a translation that
        is only the source text is not repeated"""
        if not text:
            return []
        literals = [{'@value': text[SOURCE_LANGUAGE],
                '@language': SOURCE_LANGUAGE}]
        for language in LANGUAGES[1:]:
            if text[language] != text[SOURCE_LANGUAGE]:
                literals.append(
                    {'@value': text[language], '@language': language})
        return literals

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
        party_name = self.company.party.name
        name = text_of(names) or text_of({SOURCE_LANGUAGE: party_name})
        if name['sq'] == name[SOURCE_LANGUAGE]:
            # The name of the party is the Albanian legal name
            name['sq'] = party_name
        return {
            '@id': self.iri('lgu', self.company.code),
            '@type': 'cv:PublicOrganisation',
            'dct:identifier': self.company.code,
            'skos:prefLabel': self.literals(name),
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
            'dct:description': self.literals(self.description(offer, fiche)),
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
        if offer.days is not None:
            node['cv:processingTime'] = {
                '@value': f'P{offer.days}D',
                '@type': 'xsd:duration',
                }
        self.add({k: v for k, v in node.items() if v != []})

    def description(self, offer, fiche):
        "Return the purpose, or the name, followed by the processing time"
        if offer.days is None:
            time = None
        elif offer.days == 0:
            time = self.messages('ossis_services.msg_cpsv_on_the_spot')
        else:
            time = self.messages(
                f'ossis_services.msg_cpsv_days_{fiche["days_kind"]}',
                days=offer.days)
        parts = [t for t in [fiche['purpose'] or fiche['name'], time] if t]
        return {
            language: '\n\n'.join(p[language] for p in parts)
            for language in LANGUAGES}

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
            'cv:currency': {'@id': CURRENCY},
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
                    f'desk-{desk.id}', self.messages(
                        'ossis_services.msg_cpsv_desk', desk=desk.name,
                        unit=unit.name if unit else ''))
            if not desks:
                yield self.channel('desk', self.messages(
                        'ossis_services.msg_cpsv_desk_any'))
        if offer.online and service.channel_online:
            yield self.channel('online', self.messages(
                    'ossis_services.msg_cpsv_online'))

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
