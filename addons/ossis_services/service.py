# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.modules.ossis_base.rec_name import RecNameFieldsMixin
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import ServiceModificationError, ServiceValidationError

APPLICANT_TYPES = [
    ('citizen', "Citizen"),
    ('business', "Business"),
    ('both', "Citizen or Business"),
    ]
DAYS_KINDS = [
    ('working', "Working Days"),
    ('calendar', "Calendar Days"),
    ]
SILENCE_RULES = [
    ('none', "No Effect"),
    ('tacit_approval', "Tacit Approval"),
    ('tacit_rejection', "Tacit Rejection"),
    ]
# The national systems through which services are filed online instead
# of the portal of the municipality
ONLINE_SYSTEMS = [
    (None, ""),
    ('e_albania', "e-Albania"),
    ]
ONLINE_SYSTEM_URLS = {
    'e_albania': 'https://e-albania.al/',
    }
STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('retired', "Retired"),
    ]

_states = {
    'readonly': Eval('state') != 'draft',
    }


class Service(RecNameFieldsMixin, Workflow, ModelSQL, ModelView):
    """National Service

    One version of a service of the national catalogue.  A published
    version is never changed: a change makes a new version, and what was
    filed under a version keeps it.
    """
    __name__ = 'ossis.service'
    __string__ = "Service"
    _rec_name_fields = ('code', 'name')

    code = fields.Char(
        "Code", required=True, strip=True, states=_states,
        help="The code of the service, the same in every version.")
    version = fields.Integer(
        "Version", required=True, readonly=True,
        help="The version of the service, from 1.")
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    name = fields.Char("Name", required=True, translate=True, states=_states)
    purpose = fields.Text(
        "Purpose", translate=True, states=_states,
        help="What the service gives the applicant, in plain words.")
    category = fields.Many2One(
        'ossis.service.category', "Category", required=True,
        ondelete='RESTRICT', states=_states)
    applicant_type = fields.Selection(
        APPLICANT_TYPES, "Applicant", required=True, states=_states)
    legal_bases = fields.One2Many(
        'ossis.service.legal_basis', 'service', "Legal Basis",
        states=_states)
    documents = fields.One2Many(
        'ossis.service.document', 'service', "Required Documents",
        states=_states)
    fee = fields.Numeric(
        "Fee", digits=(16, 2), states=_states,
        domain=['OR', ('fee', '=', None), ('fee', '>=', 0)],
        help="The national fee in lek; empty when each municipal council "
        "sets it.")
    fee_minimum = fields.Numeric(
        "Minimum Local Fee", digits=(16, 2), states=_states,
        domain=['OR', ('fee_minimum', '=', None), ('fee_minimum', '>=', 0)],
        help="The lowest fee a municipality may charge; empty for no bound.")
    fee_maximum = fields.Numeric(
        "Maximum Local Fee", digits=(16, 2), states=_states,
        domain=['OR', ('fee_maximum', '=', None), ('fee_maximum', '>=', 0)],
        help="The highest fee a municipality may charge; empty for no "
        "bound.")
    fee_note = fields.Char("Fee Note", translate=True, states=_states)
    fee_exemptions = fields.One2Many(
        'ossis.service.fee_exemption', 'service', "Fee Exemptions",
        states=_states)
    legal_days = fields.Integer(
        "Legal Deadline",
        domain=['OR', ('legal_days', '=', None), ('legal_days', '>=', 0)],
        states=_states,
        help="The number of days the law gives the administration "
        "(0: on the spot); empty when the service has no individual "
        "deadline.")
    days_kind = fields.Selection(
        DAYS_KINDS, "Counted In", required=True, states=_states)
    promise_days = fields.Integer(
        "Service Promise",
        domain=[
            If(Eval('legal_days', None) == None,  # noqa: E711
                ('promise_days', '=', None),
                [
                    ('promise_days', '>=', 0),
                    ('promise_days', '<=', Eval('legal_days', 0)),
                    ]),
            ],
        states={
            'readonly': _states['readonly'],
            'required': Eval('legal_days', None) != None,  # noqa: E711
            },
        help="The number of days the municipalities promise; never more "
        "than the legal deadline.")
    suspendable = fields.Boolean(
        "Clock Suspended While Waiting", states=_states,
        help="Check if the deadline stops while the administration waits "
        "for the applicant.")
    silence_rule = fields.Selection(
        SILENCE_RULES, "If No Answer In Time", required=True,
        states=_states,
        help="What the law says when the administration does not answer "
        "within the legal deadline.")
    output_document = fields.Char(
        "Output Document", translate=True, states=_states,
        help="What the applicant receives.")
    channel_desk = fields.Boolean("At the Front Desk", states=_states)
    channel_online = fields.Boolean("Online", states=_states)
    online_system = fields.Selection(
        ONLINE_SYSTEMS, "Filed Online Through", states=_states,
        help="The national system through which the service is filed "
        "online: the municipalities do not offer it online themselves.")
    online_system_string = online_system.translated('online_system')
    unit_type = fields.Many2One(
        'ossis.unit_type', "Responsible Unit Type", required=True,
        ondelete='RESTRICT', states=_states)
    source = fields.Char(
        "Source", states=_states,
        help="Where the information of the fiche comes from.")
    estimated_fields = fields.Char(
        "Estimated Fields", states=_states,
        help="The fields whose values are estimates to be confirmed.")
    import_fingerprint = fields.Char(
        "Import Fingerprint", readonly=True,
        help="The digest of the fiche the version was imported with, to "
        "import the same fiche only once.")
    published_date = fields.Date("Published", readonly=True)
    retired_date = fields.Date("Retired", readonly=True)

    @property
    def offered_online(self):
        """Whether the municipalities may offer the service online: not
        when it is filed through another national system"""
        return bool(self.channel_online and not self.online_system)

    @property
    def online_system_url(self):
        "The address where the service is filed online elsewhere, or None"
        return ONLINE_SYSTEM_URLS.get(self.online_system)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_version_unique', Unique(t, t.code, t.version),
                'ossis_services.msg_service_code_version_unique'),
            ]
        cls._order = [
            ('code', 'ASC'),
            ('version', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'retired'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'retire': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_applicant_type(cls):
        return 'citizen'

    @classmethod
    def default_days_kind(cls):
        return 'working'

    @classmethod
    def default_silence_rule(cls):
        return 'none'

    @classmethod
    def default_channel_desk(cls):
        return True

    @classmethod
    def default_channel_online(cls):
        return False

    @classmethod
    def default_suspendable(cls):
        return True

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]

    @classmethod
    def check_modification(
            cls, mode, services, values=None, external=False):
        super().check_modification(
            mode, services, values=values, external=external)
        if mode == 'delete':
            for service in services:
                if service.state != 'draft':
                    raise ServiceModificationError(gettext(
                            'ossis_services.msg_service_delete_published',
                            service=service.rec_name))
        elif mode == 'write':
            allowed = {'state', 'published_date', 'retired_date'}
            if values and set(values) - allowed:
                for service in services:
                    if service.state != 'draft':
                        raise ServiceModificationError(gettext(
                                'ossis_services.msg_service_edit_published',
                                service=service.rec_name))

    @classmethod
    def validate_fields(cls, services, field_names):
        super().validate_fields(services, field_names)
        cls.check_channels(services, field_names)
        cls.check_fee_bounds(services, field_names)

    @classmethod
    def check_fee_bounds(cls, services, field_names=None):
        if field_names and not (
                field_names & {'fee', 'fee_minimum', 'fee_maximum'}):
            return
        for service in services:
            low, high = service.fee_minimum, service.fee_maximum
            if low is not None and high is not None and low > high:
                raise ServiceValidationError(gettext(
                        'ossis_services.msg_service_fee_bounds',
                        service=service.rec_name))
            if service.fee is not None and not service.fee_allowed(
                    service.fee):
                raise ServiceValidationError(gettext(
                        'ossis_services.msg_service_fee_out_of_bounds',
                        service=service.rec_name))

    def days_allowed(self, days):
        "Return whether a municipality may promise the number of days"
        if self.legal_days is None:
            return days is None
        return days is not None and 0 <= days <= self.legal_days

    def fee_allowed(self, fee):
        "Return whether a municipality may charge the fee"
        return (fee >= 0
            and (self.fee_minimum is None or fee >= self.fee_minimum)
            and (self.fee_maximum is None or fee <= self.fee_maximum))

    @classmethod
    def check_channels(cls, services, field_names=None):
        if field_names and not (
                field_names & {'channel_desk', 'channel_online'}):
            return
        for service in services:
            if not (service.channel_desk or service.channel_online):
                raise ServiceValidationError(gettext(
                        'ossis_services.msg_service_no_channel',
                        service=service.rec_name))

    @classmethod
    def get_published(cls, codes):
        "Return the published version of each code, by code"
        services = cls.search([
                ('code', 'in', list(codes)),
                ('state', '=', 'published'),
                ])
        return {s.code: s for s in services}

    @classmethod
    @ModelView.button
    def publish(cls, services):
        "Publish the versions, retire those they replace, move the offers"
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        previous = cls.search([
                ('code', 'in', [s.code for s in services]),
                ('state', '=', 'published'),
                ('id', 'not in', [s.id for s in services]),
                ])
        cls.retire(previous)
        cls._publish(services)
        Offer.follow_new_versions(services)

    @classmethod
    @Workflow.transition('published')
    def _publish(cls, services):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(services, {'published_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('retired')
    def retire(cls, services):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(services, {'retired_date': Date.today()})

    @classmethod
    @ModelView.button
    def new_version(cls, services):
        "Make a draft of the next version of each service"
        drafts = cls.search([
                ('code', 'in', [s.code for s in services]),
                ('state', '=', 'draft'),
                ])
        if drafts:
            raise ServiceValidationError(gettext(
                    'ossis_services.msg_service_draft_exists',
                    service=drafts[0].rec_name))
        latest = cls._latest_versions({s.code for s in services})
        for service in services:
            cls.copy([service], default={
                    'version': latest[service.code] + 1,
                    })

    @classmethod
    def _latest_versions(cls, codes):
        "Return the highest version of each code"
        if not codes:
            return {}
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.code, Max(table.version),
                where=table.code.in_(list(codes)),
                group_by=[table.code]))
        return dict(cursor)

    @classmethod
    def copy(cls, services, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('published_date', None)
        default.setdefault('retired_date', None)
        default.setdefault('import_fingerprint', None)
        return super().copy(services, default=default)


class LegalBasis(sequence_ordered(), ModelSQL, ModelView):
    "Legal Basis"
    __name__ = 'ossis.service.legal_basis'

    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='CASCADE')
    act = fields.Char(
        "Act", required=True, translate=True,
        help="The law or decision, e.g. \"Law 9632/2006 On the local "
        "taxes system\".")
    article = fields.Char("Article", help="e.g. \"art. 27\".")
    url = fields.Char("Link", help="Where the text of the act is published.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('service')

    def get_rec_name(self, name):
        return ', '.join(filter(None, [self.act, self.article]))


class ServiceDocument(sequence_ordered(), ModelSQL, ModelView):
    "Required Document"
    __name__ = 'ossis.service.document'

    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='CASCADE')
    document_type = fields.Many2One(
        'ossis.document.type', "Document", required=True,
        ondelete='RESTRICT')
    requirement = fields.Selection([
            ('mandatory', "Mandatory"),
            ('conditional', "Conditional"),
            ], "Requirement", required=True)
    condition = fields.Char(
        "Condition", translate=True,
        states={
            'required': Eval('requirement') == 'conditional',
            'invisible': Eval('requirement') != 'conditional',
            },
        help="When the document is needed, in words.")
    form = fields.Selection([
            ('original', "Original"),
            ('copy', "Copy"),
            ('any', "Original or Copy"),
            ], "Form", required=True)
    once_only = fields.Boolean(
        "Fetched from Registry",
        states={
            'readonly': ~Bool(Eval('registry')),
            },
        help="Check if OSSIS fetches the document from its registry "
        "instead of asking the applicant for it (once-only principle).")
    registry = fields.Function(
        fields.Selection('get_registries', "Registry"),
        'on_change_with_registry')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('service')

    @classmethod
    def default_requirement(cls):
        return 'mandatory'

    @classmethod
    def default_form(cls):
        return 'any'

    @classmethod
    def default_once_only(cls):
        return False

    @classmethod
    def get_registries(cls):
        return Pool().get('ossis.document.type').get_registries()

    @fields.depends('document_type')
    def on_change_with_registry(self, name=None):
        if self.document_type:
            return self.document_type.registry

    def get_rec_name(self, name):
        return self.document_type.rec_name

    @classmethod
    def validate_fields(cls, documents, field_names):
        super().validate_fields(documents, field_names)
        if field_names and not (field_names & {'once_only', 'document_type'}):
            return
        for document in documents:
            if document.once_only and not document.document_type.registry:
                raise ServiceValidationError(gettext(
                        'ossis_services.msg_document_once_only_registry',
                        document=document.document_type.rec_name))


class FeeExemption(ModelSQL, ModelView):
    "Fee Exemption"
    __name__ = 'ossis.service.fee_exemption'

    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='CASCADE')
    applicant_category = fields.Selection([
            ('social_aid', "Social Aid Beneficiary"),
            ('disability', "Person with Disabilities"),
            ('orphan', "Orphan"),
            ('veteran', "Veteran"),
            ('pensioner', "Pensioner"),
            ('other', "Other"),
            ], "Applicant Category", required=True)
    reduction = fields.Integer(
        "Reduction (%)", required=True,
        domain=[('reduction', '>', 0), ('reduction', '<=', 100)])
    note = fields.Char("Note", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('service')

    @classmethod
    def default_reduction(cls):
        return 100
