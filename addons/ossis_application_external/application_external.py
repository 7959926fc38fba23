# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applications filed and followed by other systems over XML-RPC/JSON-RPC

A technical user of the group "OSSIS External System" files an application
in one call (``submit_external``) and reads where its applications stand
(``get_status``), with the history the applicant may read.
"""
import base64
import binascii

from trytond.i18n import gettext
from trytond.modules.ossis_application.exceptions import (
    ApplicantValidationError, ApplicationAccessError)
from trytond.modules.ossis_application.upload import (
    check_file, check_file_name)
from trytond.modules.ossis_base import identifier
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from .exceptions import ExternalApplicationError

# The keys submit_external reads
APPLICATION_KEYS = {
    'service', 'applicant', 'documents', 'attachments', 'fee_state',
    'fee_receipt', 'fee_paid_date', 'fee_exemption_reason',
    }
APPLICANT_KEYS = {
    'kind', 'name', 'identifier', 'email', 'phone', 'language', 'gender',
    'address',
    }
FEE_KEYS = ['fee_state', 'fee_receipt', 'fee_paid_date',
    'fee_exemption_reason']
DOCUMENT_STATUSES = {'received', 'fetched'}
# No step is shown once the application has ended
ENDED = {'closed', 'withdrawn', 'cancelled'}


class Application(metaclass=PoolMeta):
    __name__ = 'ossis.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'submit_external': RPC(readonly=False),
                'get_status': RPC(readonly=True),
                })

    @classmethod
    def default_channel(cls):
        if cls._is_external_system():
            return 'system'
        return super().default_channel()

    @classmethod
    def _is_external_system(cls):
        "Return whether the user is a technical user of another system"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if Transaction().user == 0:
            return False
        group = ModelData.get_id(
            'ossis_application_external', 'group_external_system')
        return group in User.get_groups()

    @classmethod
    def _check_submit(cls, application, roles, units, batch):
        super()._check_submit(application, roles, units, batch)
        if roles is None:
            return
        external = batch.once('external system', cls._is_external_system)
        if application.channel == 'system' and not external:
            raise ApplicationAccessError(gettext(
                    'ossis_application_external.msg_external_channel_refused',
                    application=application.rec_name))
        if external and application.channel != 'system':
            raise ApplicationAccessError(gettext(
                    'ossis_application_external.msg_external_channel_only',
                    application=application.rec_name))

    # Filing in one call

    @classmethod
    def submit_external(cls, values):
        """Create the application of values for the municipality of the
        user, with its applicant, documents and attachments, and submit it

        values: ``service`` (national service code), ``applicant`` (kind,
        name, identifier, email, phone, language...; found by identifier),
        ``documents`` (list of document type code and status ``received``
        or ``fetched``), ``attachments`` (list of name, data in base64 and
        an optional document type code, marked received), and the fee
        fields.  Return the number, tracking code, state and due date.
        Bad values raise an error and store nothing."""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        values = cls._external_check_keys(values, APPLICATION_KEYS)
        company = cls._external_company()
        lgu_service = cls._external_service(company, values.get('service'))
        attachments = cls._external_attachments(values.get('attachments'))
        documents = cls._external_documents(
            lgu_service, values.get('documents'), attachments)
        applicant = cls._external_applicant(company, values.get('applicant'))
        # The municipality comes from the context, as for a clerk: the
        # field is protected from every user
        application, = cls.create([{
                    'channel': 'system',
                    'lgu_service': lgu_service.id,
                    'applicant': applicant.id,
                    **{k: values[k] for k in FEE_KEYS if k in values},
                    }])
        cls._external_receive(application, documents)
        if attachments:
            Attachment.create([{
                        'resource': str(application),
                        'name': name,
                        'type': 'data',
                        'data': data,
                        } for name, data, _ in attachments])
        cls.submit([application])
        application = cls(application.id)
        return {
            'id': application.id,
            'number': application.number,
            'tracking_code': application.tracking_code,
            'state': application.state,
            'due_date': application.due_date,
            }

    @classmethod
    def _external_check_keys(cls, values, keys):
        if not isinstance(values, dict):
            values = {}
        unknown = sorted(str(k) for k in set(values) - keys)
        if unknown:
            raise ExternalApplicationError(gettext(
                    'ossis_application_external.msg_external_keys_unknown',
                    keys=', '.join(unknown),
                    known=', '.join(sorted(keys))))
        return values

    @classmethod
    def _external_company(cls):
        pool = Pool()
        Company = pool.get('company.company')
        User = pool.get('res.user')
        company = Transaction().context.get('company')
        if not company or company not in User.get_companies():
            raise ExternalApplicationError(gettext(
                    'ossis_application_external.msg_external_no_company'))
        return Company(company)

    @classmethod
    def _external_service(cls, company, code):
        "Return the offer of the service code that the municipality gives"
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        Service = pool.get('ossis.service')
        Date = pool.get('ir.date')
        code = (code or '').strip() if isinstance(code, str) else ''
        with without_check_access():
            if not code or not Service.get_published([code]):
                raise ExternalApplicationError(gettext(
                        'ossis_application_external.msg_external_service_unknown',
                        code=code))
            with Transaction().set_context(company=company.id):
                today = Date.today()
            offers = [o for o in LGUService.offered(company, today)
                if o.service_code == code]
        if not offers:
            raise ExternalApplicationError(gettext(
                    'ossis_application_external.msg_external_service_not_offered',
                    code=code, municipality=company.rec_name))
        return LGUService(offers[0].id)

    @classmethod
    def _external_attachments(cls, attachments):
        """Return the name, the data and the document type code of each
        file, checked as the files sent from the portal"""
        result = []
        for attachment in attachments or []:
            if not isinstance(attachment, dict):
                attachment = {}
            name = attachment.get('name')
            data = attachment.get('data')
            try:
                if isinstance(data, str):
                    data = base64.b64decode(data, validate=True)
                elif not isinstance(data, bytes):
                    raise ValueError
            except (ValueError, binascii.Error):
                data = None
            if isinstance(name, str) and name:
                check_file_name(name)
            if not name or not isinstance(name, str) or not data:
                raise ExternalApplicationError(gettext(
                        'ossis_application_external.msg_external_attachment_invalid',
                        name=name if isinstance(name, str) else ''))
            check_file(name, data)
            result.append((name, data, attachment.get('document_type')))
        return result

    @classmethod
    def _external_documents(cls, lgu_service, documents, attachments):
        """Return the status of each document type of the checklist that
        the values give, by document type id"""
        checklist = {d.document_type.code: d.document_type
            for d in lgu_service.service.documents}
        given = [(d.get('document_type'), d.get('status', 'received'))
            if isinstance(d, dict) else (None, None)
            for d in documents or []]
        given.extend(
            (code, 'received') for _, _, code in attachments if code)
        result = {}
        for code, status in given:
            if code not in checklist:
                raise ExternalApplicationError(gettext(
                        'ossis_application_external.msg_external_document_type_unknown',
                        code=code or '', service=lgu_service.service_code,
                        codes=', '.join(sorted(checklist))))
            if status not in DOCUMENT_STATUSES:
                raise ExternalApplicationError(gettext(
                        'ossis_application_external.msg_external_document_status',
                        status=status, code=code))
            result.setdefault(checklist[code].id, status)
        return result

    @classmethod
    def _external_applicant(cls, company, values):
        "Return the applicant of the identifier, created when new"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        values = cls._external_check_keys(values, APPLICANT_KEYS)
        if not values.get('identifier') or not values.get('name'):
            raise ExternalApplicationError(gettext(
                    'ossis_application_external.msg_external_applicant_missing'))
        number = identifier.compact(str(values['identifier']))
        if not identifier.is_valid(number):
            message = ('ossis_application.msg_applicant_nipt_invalid'
                if values.get('kind') == 'business'
                else 'ossis_application.msg_applicant_nid_invalid')
            raise ApplicantValidationError(gettext(
                    message, identifier=values['identifier']))
        # The system may file for an applicant registered at a desk
        with without_check_access(), Transaction().set_context(
                active_test=False):
            applicants = Applicant.search([
                    ('company', '=', company.id),
                    ('identifier', '=', number),
                    ], limit=1)
        if applicants:
            return applicants[0]
        applicant, = Applicant.create([
                dict(values, identifier=number, company=company.id)])
        return applicant

    @classmethod
    def _external_receive(cls, application, statuses):
        "Mark the documents of the checklist received or fetched"
        pool = Pool()
        Date = pool.get('ir.date')
        with Transaction().set_context(company=application.company.id):
            today = Date.today()
        to_write = []
        for document in application.documents:
            status = statuses.get(document.document_type.id)
            if status:
                to_write.extend(([document.id], {
                            'status': status,
                            'received_date': today,
                            }))
        if not to_write:
            return
        cls.write([application], {
                'documents': [('write', *to_write)],
                })

    # Status

    @classmethod
    def get_status(cls, numbers):
        """Return where each application of the numbers stands: state,
        decision, current step and due date, with the history the
        applicant may read (no staff, no comments)"""
        pool = Pool()
        History = pool.get('ossis.application.history')
        numbers = [n for n in (numbers or []) if isinstance(n, str)]
        applications = {a.number: a for a in cls.search([
                    ('number', 'in', numbers),
                    ])}
        unknown = [n for n in numbers if n not in applications]
        if unknown or not numbers:
            raise ExternalApplicationError(gettext(
                    'ossis_application_external.msg_external_application_unknown',
                    numbers=', '.join(unknown)))
        states = dict(cls.fields_get(['state'])['state']['selection'])
        decisions = dict(
            cls.fields_get(['decision'])['decision']['selection'])
        result = []
        with without_check_access():
            for application in cls.browse(
                    [applications[n] for n in numbers]):
                step = application.step
                if application.state in ENDED:
                    step = None
                result.append({
                        'number': application.number,
                        'tracking_code': application.tracking_code,
                        'service': application.lgu_service.service_code,
                        'state': application.state,
                        'state_name': states[application.state],
                        'decision': application.decision,
                        'decision_name': (
                            decisions.get(application.decision) or None),
                        'step': (step.citizen_name or step.name
                            if step else None),
                        'submitted_date': application.submitted_date,
                        'due_date': application.due_date,
                        'history': History.citizen_history(application),
                        })
        return result
