# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The municipality's wording of the receipt and of the output documents

A template gives the title, the body and the closing of a document in every
language, with placeholders ({applicant_name}, {number}...) filled with the
data of the application.  The frame of the document (the facts, the
checklist, the signature, the verification block) stays as the module
prints it.  A published version is never changed: a change is published as
a new version, and a document keeps the version it was issued with.
"""
import datetime as dt
import string
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.modules.ossis_services.fiche_report import (
    PDFReport, selection_label)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from .application_pdf import amount_text, date_text
from .exceptions import (
    DocumentTemplateError, DocumentTemplateModificationError)

KINDS = [
    ('receipt', "Receipt"),
    ('approval', "Output Document"),
    ('refusal', "Decision of Refusal"),
    ]
# The kind of the output document of each decision, and the other way
OUTPUT_KINDS = {'approved': 'approval', 'rejected': 'refusal'}
DECISIONS = {k: d for d, k in OUTPUT_KINDS.items()}
# The placeholders of every document, then those of the output documents
PLACEHOLDERS = (
    'municipality', 'number', 'applicant_name', 'applicant_identifier',
    'service', 'service_code', 'submitted_date', 'deadline', 'fee',
    'tracking_code',
    )
OUTPUT_PLACEHOLDERS = PLACEHOLDERS + (
    'document', 'decision_date', 'reasons', 'verification_code',
    )
# The worded parts of a document
PARTS = ('title', 'body', 'closing')

_states = {
    'readonly': Eval('state') != 'draft',
    }


def placeholders(kind):
    "Return the names of the placeholders of the kind of document"
    return PLACEHOLDERS if kind == 'receipt' else OUTPUT_PLACEHOLDERS


def bad_placeholder(text, names):
    """Return the first placeholder of the text that is not one of the
    names, as written; '{' for a brace without its pair; None if all are
    valid

    A placeholder has no format, conversion, attribute nor index: the
    values are texts, and the wording must not reach into the data."""
    try:
        parsed = list(string.Formatter().parse(text or ''))
    except ValueError:
        return '{'
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in names or spec or conversion:
            written = name + (f'!{conversion}' if conversion else '')
            written += f':{spec}' if spec else ''
            return '{' + written + '}'
    return None


def fill(text, values):
    "Return the text with its placeholders replaced by the values"
    return (text or '').format_map(values)


def placeholder_values(data, decision_text=None):
    """Return the text of each placeholder for the data of a document
    (see render_receipt and render_output), in the language of the
    transaction"""
    applicant = data['applicant']
    submitted = data.get('submitted_at') or data.get('submitted_date')
    if isinstance(submitted, dt.datetime):
        submitted = submitted.date()
    return {
        'municipality': data['municipality'],
        'number': data.get('application_number') or data['number'],
        'applicant_name': applicant['name'],
        'applicant_identifier': applicant.get('identifier') or '',
        'service': data['service_name'],
        'service_code': data['service_code'],
        'submitted_date': date_text(submitted),
        'deadline': date_text(data.get('due_date')),
        'fee': amount_text(data.get('fee') or Decimal(0)),
        'tracking_code': data.get('tracking_code') or '',
        'document': data.get('title') or '',
        'decision_date': date_text(data.get('decision_date')),
        'reasons': decision_text or '',
        'verification_code': data.get('verification_code') or '',
        }


class DocumentTemplate(LGUOwnedMixin, Workflow, ModelSQL, ModelView):
    """Document Template

    The municipality's wording of its receipt, or of the output document
    or the decision of refusal of one of its services."""
    __name__ = 'ossis.document_template'
    __string__ = "Document Template"
    _lgu_links = ('lgu_service',)

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE', states=_states)
    kind = fields.Selection(
        KINDS, "Document", required=True, states=_states,
        help="The receipt of the applications, the output document of an "
        "approved one or the decision of refusal of a rejected one.")
    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", ondelete='RESTRICT',
        domain=[
            If(Eval('kind') == 'receipt',
                ('id', '=', None),
                ('company', '=', Eval('company', -1))),
            ],
        states={
            'readonly': _states['readonly'],
            'required': Eval('kind') != 'receipt',
            'invisible': Eval('kind') == 'receipt',
            },
        help="The service of the municipality whose document it words.")
    version = fields.Integer(
        "Version", readonly=True,
        help="Numbered from 1 when published.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('superseded', "Superseded"),
            ], "State", readonly=True, required=True, sort=False,
        help="The published version is printed on the documents issued "
        "from then on; a superseded one stays on those issued before.")
    published_date = fields.Date("Published", readonly=True)
    title = fields.Char(
        "Title", translate=True, states=_states,
        help="The title of the document.  Placeholders between braces, "
        "e.g. {document}: see the body.")
    body = fields.Text(
        "Body", translate=True, states=_states,
        help="What the municipality confirms or decides, in paragraphs "
        "separated by a blank line.  Placeholders between braces are "
        "replaced with the data of the application: {municipality}, "
        "{number}, {applicant_name}, {applicant_identifier}, {service}, "
        "{service_code}, {submitted_date}, {deadline}, {fee}, "
        "{tracking_code}; on an output document also {document}, "
        "{decision_date}, {reasons}, {verification_code}.  Write {{ and }} "
        "for a brace.")
    closing = fields.Text(
        "Closing", translate=True, states=_states,
        help="The last paragraphs: the notes of the receipt, the right of "
        "appeal of a refusal.  Placeholders as in the body.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('company', 'ASC'),
            ('kind', 'ASC'),
            ('lgu_service', 'ASC'),
            ('version', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'superseded'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                'preview': {},
                })

    @classmethod
    def default_kind(cls):
        if cls.default_lgu_service():
            return 'approval'
        return 'receipt'

    @classmethod
    def default_lgu_service(cls):
        # Given by the templates of a municipal service
        return Transaction().context.get('lgu_service')

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        name = selection_label(self, 'kind')
        if self.lgu_service:
            name = f'{name} – {self.lgu_service.rec_name}'
        if self.version:
            name = f'{name} v{self.version}'
        return name

    @classmethod
    def current(cls, company, kind, lgu_service=None):
        "Return the published template of the document, or None"
        with without_check_access():
            templates = cls.search([
                    ('company', '=', company.id),
                    ('kind', '=', kind),
                    ('lgu_service', '=',
                        lgu_service.id if kind != 'receipt' and lgu_service
                        else None),
                    ('state', '=', 'published'),
                    ], order=[('version', 'DESC')], limit=1)
        return templates[0] if templates else None

    @classmethod
    def check_modification(
            cls, mode, templates, values=None, external=False):
        super().check_modification(
            mode, templates, values=values, external=external)
        if mode == 'write' and values and set(values) - {
                'state', 'version', 'published_date'}:
            cls._check_draft(templates, 'msg_document_template_published')
        elif mode == 'delete':
            cls._check_draft(
                templates, 'msg_document_template_delete_published')

    @classmethod
    def _check_draft(cls, templates, message):
        for template in templates:
            if template.state != 'draft':
                raise DocumentTemplateModificationError(gettext(
                        f'ossis_application.{message}',
                        template=template.rec_name))

    @classmethod
    def write(cls, *args):
        # Each language is worded on its own: Tryton would mark the other
        # languages' texts as to review ("fuzzy") when the English one
        # changes, and print the English text in their place
        with Transaction().set_context(fuzzy_translation=False):
            super().write(*args)

    @classmethod
    def on_modification(cls, mode, templates, field_names=None):
        super().on_modification(mode, templates, field_names=field_names)
        if mode == 'create':
            cls.fill_standard_wording(templates)

    @classmethod
    def fill_standard_wording(cls, templates):
        """Give the parts left empty the wording printed without a template,
        in every language"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        Config = pool.get('ir.configuration')
        # A template given a text (or copied) keeps its wording
        empty = [t for t in templates
            if not any(getattr(t, p) for p in PARTS)]
        if not empty:
            return
        # The default language first: it writes the texts themselves, the
        # others their translations
        default = Config.get_language()
        languages = [default] + [
            c for c in Lang.get_translatable_languages() if c != default]
        for language in languages:
            with Transaction().set_context(language=language):
                to_write = []
                for template in empty:
                    to_write.extend(
                        ([template], cls.standard_wording(template.kind)))
                cls.write(*to_write)

    @classmethod
    def standard_wording(cls, kind):
        """Return the parts of the document of the kind as printed without
        a template, in the language of the transaction"""
        def message(id_, **variables):
            return gettext(f'ossis_application.{id_}', **variables)
        if kind == 'receipt':
            return {
                'title': message('msg_receipt_title'),
                'body': message('msg_receipt_legal'),
                'closing': '\n\n'.join([
                        message('msg_receipt_secret'),
                        message('msg_receipt_complain')]),
                }
        elif kind == 'refusal':
            return {
                'title': message('msg_output_refusal'),
                'body': message(
                    'msg_output_rejected_text', service='{service}'),
                'closing': message('msg_output_appeal_law'),
                }
        return {
            'title': '{document}',
            'body': message('msg_output_approved_text', service='{service}'),
            'closing': '',
            }

    def uses(self, name):
        "Return whether a part of the template has the placeholder"
        return any(
            name in {n for _, n, _, _ in string.Formatter().parse(
                        getattr(self, p) or '')}
            for p in PARTS)

    def wording(self, values):
        "Return the parts of the template filled with the values"
        self.check_placeholders([self], [Transaction().language])
        return {p: fill(getattr(self, p), values) for p in PARTS}

    def apply(self, data, decision_text=None):
        """Put the wording of the template in the data of its document (see
        render_receipt and render_output) and return the data

        The text written by who decided is printed where the template
        places {reasons}, else as without a template: under the reasons of
        a refusal, after the body of an approval."""
        wording = self.wording(placeholder_values(data, decision_text))
        if self.kind != 'receipt':
            data['decision'] = DECISIONS[self.kind]
            reasons = None if self.uses('reasons') else decision_text
            if reasons and self.kind == 'approval':
                wording['body'] = '\n\n'.join(
                    filter(None, [wording['body'], reasons]))
                reasons = None
            data['reasons'] = reasons
        data['wording'] = wording
        return data

    @classmethod
    def check_placeholders(cls, templates, languages=None):
        """Refuse the templates with a placeholder that is not valid in one
        of the languages"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        if languages is None:
            languages = Lang.get_translatable_languages()
        for template in templates:
            for language in languages:
                with Transaction().set_context(language=language):
                    part, bad = cls._bad_placeholder(template.id)
                if bad:
                    # The error in the language of the user
                    cls._raise_bad_placeholder(
                        template, part, bad, Lang.get(language))

    @classmethod
    def _bad_placeholder(cls, template_id):
        "Return the first part with a bad placeholder and that placeholder"
        template = cls(template_id)
        names = placeholders(template.kind)
        for part in PARTS:
            bad = bad_placeholder(getattr(template, part), names)
            if bad:
                return part, bad
        return None, None

    @classmethod
    def _raise_bad_placeholder(cls, template, part, bad, lang):
        message = ('msg_document_template_braces' if bad == '{'
            else 'msg_document_template_placeholder')
        raise DocumentTemplateError(gettext(
                f'ossis_application.{message}',
                template=template.rec_name,
                part=cls.__names__(part)['field'],
                language=lang.name,
                placeholder=bad,
                placeholders=', '.join(
                    '{' + n + '}' for n in placeholders(template.kind))))

    @classmethod
    @ModelView.button
    def publish(cls, templates):
        """Publish the templates as the next version of their document and
        supersede the version they replace"""
        cls.check_placeholders(templates)
        # One publication at a time numbers the versions
        cls.lock()
        cls._publish(templates)

    @classmethod
    @Workflow.transition('published')
    def _publish(cls, templates):
        pool = Pool()
        Date = pool.get('ir.date')
        for template in templates:
            same = cls.search([
                    ('company', '=', template.company.id),
                    ('kind', '=', template.kind),
                    ('lgu_service', '=',
                        template.lgu_service.id
                        if template.lgu_service else None),
                    ('version', '!=', None),
                    ], order=[('version', 'DESC')])
            cls.supersede([t for t in same if t.state == 'published'])
            cls.write([template], {
                    'version': (same[0].version if same else 0) + 1,
                    'published_date': Date.today(),
                    })

    @classmethod
    @Workflow.transition('superseded')
    def supersede(cls, templates):
        pass

    @classmethod
    @ModelView.button
    def new_version(cls, templates):
        "Make a draft of the next version of the templates"
        cls.copy(templates)

    @classmethod
    @ModelView.button_action(
        'ossis_application.wizard_document_template_preview')
    def preview(cls, templates):
        pass

    @classmethod
    def copy(cls, templates, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('version', None)
        default.setdefault('published_date', None)
        return super().copy(templates, default=default)


class PreviewStart(ModelView):
    "Preview Document Template"
    __name__ = 'ossis.document_template.preview.start'
    __string__ = "Preview Document Template"

    company = fields.Many2One('company.company', "Municipality")
    lgu_service = fields.Many2One('ossis.lgu.service', "Service")
    application = fields.Many2One(
        'ossis.application', "Application",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', '!=', 'draft'),
            If(Eval('lgu_service'),
                ('lgu_service', '=', Eval('lgu_service', -1)),
                ()),
            ],
        help="The application whose data fill the document; without one, "
        "sample data do.  Nothing is issued.")
    language = fields.Selection(
        'get_languages', "Language", required=True,
        help="The language of the document.")

    @classmethod
    def get_languages(cls):
        pool = Pool()
        Lang = pool.get('ir.lang')
        return [(lang.code, lang.name) for lang in Lang.search([
                    ('translatable', '=', True),
                    ])]


class Preview(Wizard):
    """Preview Document Template

    Print the document in the wording of the template, with the data of an
    application or sample data, without issuing anything."""
    __name__ = 'ossis.document_template.preview'

    start = StateView(
        'ossis.document_template.preview.start',
        'ossis_application.document_template_preview_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('ossis.document_template.preview')

    def default_start(self, fields):
        template = self.record
        return {
            'company': template.company.id,
            'lgu_service': (
                template.lgu_service.id if template.lgu_service else None),
            'language': Transaction().language,
            }

    def do_print_(self, action):
        application = self.start.application
        return action, {
            'model': self.model.__name__,
            'id': self.record.id,
            'ids': [self.record.id],
            'application': application.id if application else None,
            'language': self.start.language,
            }

    def transition_print_(self):
        return 'end'


class PreviewReport(PDFReport):
    """Document Template Preview

    The document in the wording of the template, with the data of an
    application ("application" in the data of the report) or sample data,
    as it would be issued."""
    __name__ = 'ossis.document_template.preview'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        Template = pool.get('ossis.document_template')
        Application = pool.get('ossis.application')
        Lang = pool.get('ir.lang')
        action = cls.get_action(data)
        template, = Template.browse(list(map(int, ids)))
        cls.check_access(action, Template.__name__, [template.id])
        application = data.get('application')
        if application:
            cls.check_access(action, Application.__name__, [application])
            application = Application(application)
        language = Lang.get(data.get('language')).code
        with without_check_access():
            content = cls.render_preview(template, application, language)
        return (
            'pdf', content, bool(action.direct_print),
            f'{action.name}-{template.rec_name}')

    @classmethod
    def render_preview(cls, template, application, language):
        pool = Pool()
        Report = pool.get(
            'ossis.application.receipt' if template.kind == 'receipt'
            else 'ossis.application.output', type='report')
        if application:
            return Report.render_pdf(application, language, template)
        with Transaction().set_context(
                language=language, company=template.company.id):
            template = template.__class__(template.id)
            data = template.apply(
                cls.sample_data(template), cls.sample_reasons())
            return Report.render(data, language)

    @classmethod
    def sample_data(cls, template):
        """Return the data of a document of the template for a sample
        application, filed and decided today"""
        pool = Pool()
        Date = pool.get('ir.date')
        Fiche = pool.get('ossis.service.fiche', type='report')
        today = Date.today()
        service = cls.sample_service(template)
        sample = gettext('ossis_application.msg_document_template_sample')
        number = f'{today.year}-000000'
        data = {
            'municipality': Fiche.municipality_name(template.company),
            'number': number,
            'application_number': number,
            'submitted_at': dt.datetime.combine(today, dt.time(9)),
            'submitted_date': today,
            'decision_date': today,
            'date': today,
            'due_date': today,
            'service_name': sample,
            'service_code': sample,
            'title': sample,
            'applicant': {
                'name': "Arben Hoxha",
                'identifier': 'J00101999W',
                'kind': 'person',
                },
            'documents': [],
            'fee': template.lgu_service.fee if template.lgu_service else None,
            'tracking_code': sample,
            'verification_code': sample,
            'signed_by': {'name': sample, 'position': None},
            }
        if service:
            data.update({
                    'service_name': service.name,
                    'service_code': service.code,
                    'title': service.output_document or service.name,
                    'due_date': today + dt.timedelta(
                        days=service.promise_days or 0),
                    'documents': [
                        {'name': d.document_type.name, 'status': 'received'}
                        for d in service.documents],
                    })
        return data

    @classmethod
    def sample_service(cls, template):
        "Return the national service of the template, or one the LGU offers"
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        if template.lgu_service:
            return template.lgu_service.service
        offers = LGUService.search([
                ('company', '=', template.company.id),
                ], limit=1)
        return offers[0].service if offers else None

    @classmethod
    def sample_reasons(cls):
        return gettext('ossis_application.msg_document_template_sample')
