# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applications that a visitor of the portal is still filling in

A draft holds the values of the form and the files uploaded so far, for
the review step and for resuming later from the link sent by email.  On
submission the applicant, the application, its checklist and its files are
created in one transaction and the draft is deleted."""
import datetime as dt
import hashlib
import json
import secrets

from trytond import config
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

# The applicant fields that the form fills in
APPLICANT_FIELDS = [
    'kind', 'name', 'identifier', 'email', 'phone', 'gender',
    'administrative_unit', 'address',
    ]
# Contact details that an applicant already registered may lack
CONTACT_FIELDS = [
    'email', 'phone', 'gender', 'administrative_unit', 'address']


def hash_token(token):
    return hashlib.sha256((token or '').encode()).hexdigest()


class Draft(LGUOwnedMixin, ModelSQL, ModelView):
    "Portal Draft Application"
    __name__ = 'ossis.portal.draft'
    __string__ = "Portal Draft Application"

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    language = fields.Char("Language", required=True)
    data = fields.Text(
        "Values", help="The values of the form as JSON, with the ids of the "
        "attachments by item of the checklist.")
    token_hash = fields.Char(
        "Token Hash", readonly=True,
        help="The hash of the secret of the link that resumes the draft: "
        "the secret itself is only sent to the applicant.")
    expires_at = fields.DateTime("Expires At", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_indexes.update({
                Index(table, (table.token_hash, Index.Equality())),
                Index(table, (table.expires_at, Index.Range())),
                })

    @staticmethod
    def lifetime():
        "The time a saved draft can be resumed"
        return dt.timedelta(days=config.getint(
                'ossis_portal', 'draft_days', default=30))

    @classmethod
    def default_expires_at(cls):
        # An unsaved draft only lives for the review step
        return dt.datetime.now() + dt.timedelta(days=1)

    @property
    def values(self):
        try:
            values = json.loads(self.data or '{}')
        except ValueError:
            values = {}
        return values if isinstance(values, dict) else {}

    @property
    def files(self):
        "Return the attachment of each checklist item, by service document"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        ids = {int(k): v for k, v in self.values.get('files', {}).items()}
        attachments = {a.id: a for a in Attachment.search([
                    ('resource', '=', str(self)),
                    ('id', 'in', list(ids.values())),
                    ])}
        return {k: attachments[v] for k, v in ids.items()
            if v in attachments}

    @classmethod
    def store(cls, draft, company, offer, language, values, uploads,
            removed=()):
        """Create or update the draft with the values of the form (None
        keeps those stored), the uploads, a list of (service document, file
        name, data) that replace the files of their items, and the ids of
        the service documents whose file is removed; return the draft"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        if draft is None:
            draft, = cls.create([{
                        'company': company.id,
                        'lgu_service': offer.id,
                        'language': language,
                        }])
        stored = draft.values
        files = {int(k): v for k, v in stored.pop('files', {}).items()}
        gone = {d.id for d, _, _ in uploads} | set(removed)
        replaced = [files.pop(d) for d in gone if d in files]
        if replaced:
            Attachment.delete(Attachment.search([
                        ('resource', '=', str(draft)),
                        ('id', 'in', replaced),
                        ]))
        if uploads:
            attachments = Attachment.create([{
                        'resource': str(draft),
                        'name': name,
                        'type': 'data',
                        'data': data,
                        } for _, name, data in uploads])
            for (document, _, _), attachment in zip(uploads, attachments):
                files[document.id] = attachment.id
        if values is None:
            values = stored
        cls.write([draft], {
                'language': language,
                'data': json.dumps(
                    dict(values, files={str(k): v for k, v in files.items()}),
                    separators=(',', ':')),
                })
        return cls(draft.id)

    @classmethod
    def save_for_later(cls, drafts):
        """Give each draft a new secret for its resume link, valid for the
        lifetime; return the secrets by draft"""
        tokens, to_write = {}, []
        expires_at = dt.datetime.now() + cls.lifetime()
        for draft in drafts:
            token = tokens[draft] = secrets.token_urlsafe(32)
            to_write.extend(([draft], {
                        'token_hash': hash_token(token),
                        'expires_at': expires_at,
                        }))
        if to_write:
            cls.write(*to_write)
        return tokens

    @classmethod
    def find(cls, company, token):
        "Return the draft of the municipality that the secret resumes"
        if not token or len(token) > 100:
            return None
        drafts = cls.search([
                ('company', '=', company.id),
                ('token_hash', '=', hash_token(token)),
                ('expires_at', '>', dt.datetime.now()),
                ], limit=1)
        return drafts[0] if drafts else None

    @classmethod
    def purge(cls):
        "Delete the drafts that expired, with their files"
        cls.delete(cls.search([
                    ('expires_at', '<', dt.datetime.now()),
                    ]))

    @classmethod
    def submit(cls, draft):
        """Create the applicant, the application with its checklist and its
        files from the draft, submit the application as any other and
        delete the draft; return the application"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Attachment = pool.get('ir.attachment')
        values = draft.values
        company = draft.company
        offer = draft.lgu_service
        checklist = {d.id: d for d in offer.service.documents}
        files = {checklist[k]: a for k, a in draft.files.items()
            if k in checklist}
        with Transaction().set_context(company=company.id):
            applicant = cls._applicant(draft, values.get('applicant', {}))
            application, = Application.create([{
                        'company': company.id,
                        'channel': 'online',
                        'lgu_service': offer.id,
                        'applicant': applicant.id,
                        }])
            cls._receive(application, files)
            for document, attachment in files.items():
                Attachment.write([attachment], {
                        'resource': str(application),
                        'name': f'{document.document_type.name} - '
                        f'{attachment.name}',
                        })
            Application._submit([application])
        cls.delete([draft])
        return Application(application.id)

    @classmethod
    def _applicant(cls, draft, values):
        """Return the applicant of the identifier in the municipality,
        created when new; a registered applicant only gets the contact
        details it lacks: a form cannot change who is notified"""
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        values = {k: values.get(k) for k in APPLICANT_FIELDS}
        with Transaction().set_context(active_test=False):
            applicants = Applicant.search([
                    ('company', '=', draft.company.id),
                    ('identifier', '=', values['identifier']),
                    ], limit=1)
        if applicants:
            applicant, = applicants
            missing = {k: values[k] for k in CONTACT_FIELDS
                if values[k] and not getattr(applicant, k)}
            if missing:
                Applicant.write([applicant], missing)
            return applicant
        applicant, = Applicant.create([{
                    **values,
                    'company': draft.company.id,
                    'language': draft.language,
                    }])
        return applicant

    @classmethod
    def _receive(cls, application, files):
        "Mark received the checklist lines whose files were uploaded"
        pool = Pool()
        Application = pool.get('ossis.application')
        Date = pool.get('ir.date')
        today = Date.today()
        types = {d.document_type.id for d in files}
        to_write = [([d.id], {'status': 'received', 'received_date': today})
            for d in application.documents if d.document_type.id in types]
        if to_write:
            Application.write([application], {
                    'documents': [
                        ('write', *[x for w in to_write for x in w])],
                    })
