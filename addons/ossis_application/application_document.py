# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.ossis_base.model import RuleFirstMixin
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import ApplicationDocumentError

STATUSES = [
    ('missing', "Missing"),
    ('received', "Received"),
    ('fetched', "Fetched from a Registry"),
    ]


class ApplicationDocument(
        RuleFirstMixin, sequence_ordered(), ModelSQL, ModelView):
    """Application Document

    An item of the checklist of the service and whether the applicant
    brought it or the municipality fetched it from a registry.
    """
    __name__ = 'ossis.application.document'
    __string__ = "Application Document"

    application = fields.Many2One(
        'ossis.application', "Application", required=True,
        ondelete='CASCADE')
    document_type = fields.Many2One(
        'ossis.document.type', "Document", required=True,
        ondelete='RESTRICT')
    mandatory = fields.Boolean(
        "Mandatory", help="Check if the service cannot be given without it.")
    status = fields.Selection(STATUSES, "Status", required=True)
    registry = fields.Function(
        fields.Selection('get_registries', "Registry"),
        'on_change_with_registry')
    received_date = fields.Date(
        "Received On",
        states={
            'invisible': Eval('status') == 'missing',
            })
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('application')

    @classmethod
    def default_status(cls):
        return 'missing'

    @classmethod
    def default_mandatory(cls):
        return True

    @classmethod
    def get_registries(cls):
        return Pool().get('ossis.document.type').get_registries()

    @fields.depends('document_type')
    def on_change_with_registry(self, name=None):
        if self.document_type and self.document_type.registry:
            return self.document_type.registry

    @fields.depends('status', 'received_date')
    def on_change_status(self):
        pool = Pool()
        Date = pool.get('ir.date')
        if self.status != 'missing' and not self.received_date:
            self.received_date = Date.today()

    def get_rec_name(self, name):
        return self.document_type.rec_name

    @property
    def complete(self):
        return not self.mandatory or self.status != 'missing'

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        """A line never moves to another application, leaves only the
        checklist of a draft and is frozen with the decision"""
        pool = Pool()
        Application = pool.get('ossis.application')
        super().check_modification(
            mode, documents, values=values, external=external)
        Application._check_decided(
            {d.application for d in documents}, {'documents': None})
        for document in documents:
            application = document.application
            if (mode == 'write' and 'application' in values
                    and values['application'] != application.id):
                cls._refuse(document, 'msg_application_document_move')
            if mode == 'delete' and application.state != 'draft':
                cls._refuse(document, 'msg_application_document_delete')
        if external and mode in {'create', 'write'}:
            cls._check_desk(documents)

    @classmethod
    def _check_desk(cls, documents):
        """Refuse a user who is not of the front office the checklist of a
        submitted application: the desk receives the documents"""
        pool = Pool()
        Application = pool.get('ossis.application')
        roles, _, _ = Application._actor()
        if roles is None or 'front_office' in roles:
            return
        for document in documents:
            if document.application.state != 'draft':
                raise ApplicationDocumentError(gettext(
                        'ossis_application.msg_application_document_desk_only',
                        application=document.application.rec_name))

    @classmethod
    def _refuse(cls, document, message):
        raise ApplicationDocumentError(gettext(
                f'ossis_application.{message}',
                document=document.rec_name,
                application=document.application.rec_name))

    @classmethod
    def checklist(cls, service):
        "Return the values of the checklist lines of the service"
        return [{
                'sequence': d.sequence,
                'document_type': d.document_type.id,
                'mandatory': d.requirement == 'mandatory',
                'status': 'missing',
                } for d in service.documents]
