# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The quick intake of the front desk

One screen for what a desk clerk does for each applicant in the queue: the
service, the applicant found by the identifier or created, the documents
received with their scans and the fee paid, then Submit and Print.  The
rules are those of the applicant and the application: the wizard only
gathers their values and creates, submits and prints as the clerk."""
from trytond.model import ModelView, fields
from trytond.modules.ossis_base import identifier as identifiers
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, check_access
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

_new_applicant = {
    'readonly': Bool(Eval('applicant')),
    }


class IntakeStart(ModelView):
    "Quick Intake"
    __name__ = 'ossis.application.intake.start'
    __string__ = "Quick Intake"

    company = fields.Many2One('company.company', "Municipality", readonly=True)
    desk = fields.Many2One(
        'ossis.org_unit', "Front Desk", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '=', 'front_office'),
            ])
    service_code = fields.Char(
        "Service Code", strip=True,
        help="The code of the service, or words of its name: the service "
        "offered at the desk that matches is chosen.")
    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Service", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('desks', '=', Eval('desk', -1)),
            ],
        help="Search the service by its code or words of its name.")
    identifier = fields.Char(
        "NID/NIPT", required=True, strip=True,
        help="The personal number of a citizen or the NIPT of a business: "
        "a registered applicant is found, else a new one is recorded.")
    applicant = fields.Many2One(
        'ossis.applicant', "Applicant", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    kind = fields.Selection(
        'get_kinds', "Kind", sort=False, states=_new_applicant)
    name = fields.Char(
        "Name", strip=True,
        states={
            **_new_applicant,
            'required': ~Eval('applicant'),
            })
    phone = fields.Char("Phone", strip=True, states=_new_applicant)
    email = fields.Char("Email", strip=True, states=_new_applicant)
    documents = fields.One2Many(
        'ossis.application.intake.document', 'intake', "Documents")
    all_received = fields.Boolean(
        "All Received", help="Check when the applicant brought every "
        "document of the checklist.")
    fee = fields.Numeric("Fee", digits=(16, 2), readonly=True)
    fee_paid = fields.Boolean(
        "Fee Paid",
        states={
            'invisible': ~Eval('fee'),
            })
    fee_receipt = fields.Char(
        "Payment Receipt", strip=True,
        states={
            'invisible': ~Eval('fee') | ~Eval('fee_paid'),
            'required': Bool(Eval('fee')) & Bool(Eval('fee_paid')),
            },
        help="The number of the bank or treasury receipt.")
    fee_paid_date = fields.Date(
        "Paid On",
        states={
            'invisible': ~Eval('fee') | ~Eval('fee_paid'),
            'required': Bool(Eval('fee')) & Bool(Eval('fee_paid')),
            })
    application = fields.Many2One(
        'ossis.application', "Last Application", readonly=True,
        help="The application submitted last with this screen.")

    @classmethod
    def get_kinds(cls):
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        return Applicant.fields_get(['kind'])['kind']['selection']

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_desk(cls):
        pool = Pool()
        Application = pool.get('ossis.application')
        return Application.default_desk()

    @classmethod
    def default_kind(cls):
        return 'person'

    @classmethod
    def default_fee_paid(cls):
        return True

    @classmethod
    def default_fee_paid_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @classmethod
    def default_all_received(cls):
        return False

    @fields.depends(
        'service_code', 'desk', methods=['on_change_lgu_service'])
    def on_change_service_code(self):
        pool = Pool()
        LGUService = pool.get('ossis.lgu.service')
        text = (self.service_code or '').strip()
        if not text or not self.desk:
            return
        offers = LGUService.search([
                ('desks', '=', self.desk.id),
                ('rec_name', 'ilike', f'%{text}%'),
                ])
        exact = [o for o in offers if o.service_code == text.upper()]
        if exact or len(offers) == 1:
            self.lgu_service = (exact or offers)[0]
            self.on_change_lgu_service()

    @fields.depends('lgu_service', 'documents', 'service_code')
    def on_change_lgu_service(self):
        pool = Pool()
        Document = pool.get('ossis.application.document')
        Line = pool.get('ossis.application.intake.document')
        if self.lgu_service:
            self.service_code = self.lgu_service.service_code
        self.fee = self.lgu_service.fee if self.lgu_service else None
        self.all_received = False
        self.documents = [
            Line(document_type=v['document_type'],
                mandatory=v['mandatory'], received=False)
            for v in (Document.checklist(self.lgu_service.service)
                if self.lgu_service else [])]

    @fields.depends('identifier', 'kind')
    def on_change_identifier(self):
        self.identifier = identifiers.compact(self.identifier) or None
        self.applicant = self._registered_applicant()
        if self.applicant:
            for name in ['kind', 'name', 'phone', 'email']:
                setattr(self, name, getattr(self.applicant, name))
        elif self.identifier:
            # A number that gives no date of birth is never a personal
            # number; one that does is most often a citizen at the desk
            self.kind = (
                'person' if identifiers.birth_date(self.identifier)
                else 'business')

    @fields.depends('all_received', 'documents')
    def on_change_all_received(self):
        for line in self.documents or []:
            line.received = bool(self.all_received)
        self.documents = self.documents

    def submit(self):
        """Create the applicant when new and the application, attach the
        scans, submit it as the clerk and return it"""
        pool = Pool()
        Application = pool.get('ossis.application')
        Attachment = pool.get('ir.attachment')
        with check_access():
            applicant = (
                self._registered_applicant() or self._create_applicant())
            application, = Application.create(
                [self._application_values(applicant)])
            Attachment.create(self._scans(application))
            Application.submit([application])
        return application

    def _registered_applicant(self):
        "Return the applicant of the municipality with the identifier"
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        company = Transaction().context.get('company')
        if not self.identifier or not company:
            return None
        applicants = Applicant.search([
                ('company', '=', company),
                ('identifier', '=', identifiers.compact(self.identifier)),
                ], limit=1)
        return applicants[0] if applicants else None

    def _create_applicant(self):
        pool = Pool()
        Applicant = pool.get('ossis.applicant')
        applicant, = Applicant.create([{
                    'kind': self.kind,
                    'identifier': self.identifier,
                    'name': self.name,
                    'phone': self.phone,
                    'email': self.email,
                    }])
        return applicant

    def _application_values(self, applicant):
        pool = Pool()
        Document = pool.get('ossis.application.document')
        LGUService = pool.get('ossis.lgu.service')
        Date = pool.get('ir.date')
        lgu_service = LGUService(self.lgu_service.id)
        received = {
            line.document_type.id for line in self.documents or []
            if getattr(line, 'received', False)}
        today = Date.today()
        documents = []
        for values in Document.checklist(lgu_service.service):
            if values['document_type'] in received:
                values.update(status='received', received_date=today)
            documents.append(values)
        values = {
            'channel': 'desk',
            'desk': self.desk.id,
            'lgu_service': lgu_service.id,
            'applicant': applicant.id,
            'documents': [('create', documents)],
            }
        if lgu_service.fee:
            values['fee_state'] = 'paid' if self.fee_paid else 'due'
        if lgu_service.fee and self.fee_paid:
            values['fee_receipt'] = self.fee_receipt
            values['fee_paid_date'] = self.fee_paid_date or today
        return values

    def _scans(self, application):
        "Return the values of the attachments of the scans to the checklist"
        scans = {
            line.document_type.id: line for line in self.documents or []
            if getattr(line, 'scan', None)}
        return [{
                'resource': str(document),
                'name': (
                    getattr(scans[document.document_type.id], 'scan_name',
                        None) or document.rec_name),
                'type': 'data',
                'data': scans[document.document_type.id].scan,
                } for document in application.documents
            if document.document_type.id in scans]


class IntakeDocument(ModelView):
    "Quick Intake Document"
    __name__ = 'ossis.application.intake.document'
    __string__ = "Quick Intake Document"

    intake = fields.Many2One('ossis.application.intake.start', "Intake")
    document_type = fields.Many2One(
        'ossis.document.type', "Document", readonly=True)
    mandatory = fields.Boolean("Mandatory", readonly=True)
    received = fields.Boolean("Received")
    scan = fields.Binary(
        "Scan", filename='scan_name',
        help="The scanned document, attached to its line of the checklist.")
    scan_name = fields.Char("Scan File Name")

    @fields.depends('scan', 'received')
    def on_change_scan(self):
        if self.scan:
            self.received = True


class Intake(Wizard):
    """Quick Intake

    Submit and Print stores and prints the receipt, then shows an empty
    screen for the next applicant."""
    __name__ = 'ossis.application.intake'

    start = StateView(
        'ossis.application.intake.start',
        'ossis_application.application_intake_start_view_form', [
            Button("Close", 'end', 'tryton-cancel'),
            Button("Submit and Print", 'submit', 'tryton-ok', default=True),
            ])
    submit = StateTransition()
    print_ = StateReport('ossis.application.receipt')

    def value_start(self, fields):
        "Show the application submitted last"
        application = getattr(self.start, 'application', None)
        return {'application': application.id} if application else {}

    def transition_submit(self):
        self.start.application = self.start.submit()
        return 'print_'

    def do_print_(self, action):
        application = self.start.application
        return action, {
            'model': 'ossis.application',
            'id': application.id,
            'ids': [application.id],
            }

    def transition_print_(self):
        pool = Pool()
        Start = pool.get('ossis.application.intake.start')
        self.start = Start(application=self.start.application)
        return 'start'
