# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change requests carried out as a change of the municipality's offer

Some changes leave the procedure as it is and change what the municipality
promises for the service: its fee, its deadline, whether it is filed
online.  The configuration team opens the change from the offer in force,
writes the new values and checks them against the bounds of the national
service (the offer's own rules); the administrator of the municipality
approves the change as checked and activates it, which writes it on the
offer.  There is no application to move: the applications filed keep what
they were promised."""
import datetime as dt
import hashlib
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import ChangeRequestError

KINDS = [
    ('workflow', "New Workflow Version"),
    ('offer', "Offer Change"),
    ]
# The values of an offer that a change request changes
OFFER_FIELDS = ['fee', 'days', 'online']

_offer = Eval('kind') == 'offer'
_proposal_states = {
    'invisible': ~_offer | ~Eval('offer'),
    'readonly': Eval('state') != 'draft',
    }


class ChangeRequest(metaclass=PoolMeta):
    __name__ = 'ossis.helpdesk.change_request'

    kind = fields.Selection(
        KINDS, "Change", required=True,
        states={
            'readonly': (Eval('state') != 'draft')
            | Eval('version') | Eval('offer'),
            },
        help="A new version of the municipality's workflow, or a change of "
        "what its offer of the service promises.")
    offer = fields.Many2One(
        'ossis.lgu.service', "Offer", readonly=True,
        states={'invisible': ~_offer},
        help="The municipality's offer of the service that the change "
        "writes on.")
    previous_fee = fields.Numeric(
        "Fee Before", digits=(16, 2), readonly=True,
        states={'invisible': ~_offer | ~Eval('offer')})
    previous_days = fields.Integer(
        "Deadline Before", readonly=True,
        states={'invisible': ~_offer | ~Eval('offer')})
    previous_online = fields.Boolean(
        "Online Before", readonly=True,
        states={'invisible': ~_offer | ~Eval('offer')})
    fee = fields.Numeric(
        "New Fee", digits=(16, 2), states=_proposal_states,
        help="The fee in lek the offer will charge.")
    days = fields.Integer(
        "New Deadline", states=_proposal_states,
        help="The days the offer will promise.")
    online = fields.Boolean(
        "New Online", states=_proposal_states,
        help="Whether citizens will apply online.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['source', 'version', 'simulation_paths', 'longest_days',
                'legal_days', 'simulation_report', 'migrated_at',
                'migrated_by', 'migrated_count', 'migration_report']:
            field = getattr(cls, name)
            field.states = field.states.copy()
            field.states['invisible'] = (
                field.states.get('invisible', False) | _offer)
        cls._buttons['open_version']['invisible'] |= _offer
        cls._buttons['open_version']['depends'].append('kind')
        cls._buttons['migrate']['invisible'] |= _offer
        cls._buttons['migrate']['depends'].append('kind')
        cls._buttons['check']['invisible'] = (
            ~Eval('state').in_(['draft', 'approved'])
            | (~Eval('version') & ~Eval('offer')))
        cls._buttons['check']['depends'].append('offer')
        cls._buttons.update({
                'open_offer': {
                    'invisible': ((Eval('state') != 'draft') | ~_offer
                        | Eval('offer')),
                    'depends': ['state', 'kind', 'offer'],
                    },
                })

    @classmethod
    def default_kind(cls):
        return 'workflow'

    @staticmethod
    def _split(requests):
        "Return the requests for a workflow version and those for an offer"
        return (
            [r for r in requests if r.kind != 'offer'],
            [r for r in requests if r.kind == 'offer'])

    @classmethod
    def check_kind(cls, requests, kind, action):
        "Refuse the requests that are not of the kind"
        for request in requests:
            if request.kind != kind:
                raise ChangeRequestError(gettext(
                        f'ossis_helpdesk.msg_change_request_{action}_kind',
                        request=request.rec_name))

    @classmethod
    @ModelView.button
    def open_version(cls, requests):
        cls.check_kind(requests, 'workflow', 'open_version')
        super().open_version(requests)

    @classmethod
    @ModelView.button
    def open_offer(cls, requests):
        """Open the change from the municipality's offer of the service in
        force: the new values start as its values"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        cls.check_state(requests, {'draft'}, 'open')
        cls.check_kind(requests, 'offer', 'open_offer')
        for request in requests:
            # The configuration team works for every municipality
            with without_check_access():
                offers = Offer.search([
                        ('company', '=', request.company.id),
                        ('service_code', '=', request.service.code),
                        ], limit=1)
            if not offers:
                raise ChangeRequestError(gettext(
                        'ossis_helpdesk.msg_change_request_no_offer',
                        service=request.service.rec_name,
                        municipality=request.company.rec_name))
            offer, = offers
            request.offer = offer
            for name in OFFER_FIELDS:
                value = getattr(offer, name)
                setattr(request, f'previous_{name}', value)
                setattr(request, name, value)
        cls.save(requests)

    @classmethod
    @ModelView.button
    def check(cls, requests):
        workflows, offers = cls._split(requests)
        if workflows:
            super().check(workflows)
        if offers:
            cls.check_offers(offers)

    @classmethod
    def check_offers(cls, requests):
        """Check the new values against the bounds of the national service,
        as the offer itself would, and store what changes"""
        cls.check_state(requests, {'draft', 'approved'}, 'check')
        for request in requests:
            offer = cls._offer(request)
            errors = cls.offer_problems(request)
            request.lint_errors = len(errors)
            request.lint_warnings = 0
            request.lint_report = '\n'.join(
                [gettext('ossis_workflow.msg_lint_error') + ': ' + e
                    for e in errors]
                + request.offer_changes()) or gettext(
                'ossis_helpdesk.msg_change_request_offer_unchanged',
                offer=offer.rec_name)
            request.checked_fingerprint = request.offer_fingerprint()
        cls.record_check(requests)

    @classmethod
    def _offer(cls, request):
        if not request.offer:
            raise ChangeRequestError(gettext(
                    'ossis_helpdesk.msg_change_request_no_offer_open',
                    request=request.rec_name))
        return request.offer

    @classmethod
    def offer_problems(cls, request):
        """Return the messages of the offer's own checks on the new values,
        which are not stored"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        if request.fee is None:
            return [gettext(
                    'ossis_helpdesk.msg_change_request_offer_fee_required',
                    request=request.rec_name)]
        # An offer of the values, never saved
        proposal = Offer(
            id=request.offer.id, company=request.offer.company,
            service=request.offer.service,
            service_code=request.offer.service_code,
            desks=request.offer.desks,
            **{n: getattr(request, n) for n in OFFER_FIELDS})
        try:
            with without_check_access():
                Offer.check_national_bounds([proposal])
        except UserError as exception:
            return [exception.message]
        return []

    def offer_changes(self):
        "Return a line for each value that changes, before and after"
        pool = Pool()
        Request = pool.get('ossis.helpdesk.change_request')
        labels = Request.fields_get(OFFER_FIELDS)
        lines = []
        for name in OFFER_FIELDS:
            before = getattr(self, f'previous_{name}')
            after = getattr(self, name)
            if before != after:
                lines.append(gettext(
                        'ossis_helpdesk.msg_change_request_offer_change',
                        field=labels[name]['string'],
                        before=_text(before), after=_text(after)))
        return lines

    def offer_fingerprint(self):
        "Return a digest of the offer and the new values"
        values = [self.offer.id if self.offer else None] + [
            str(getattr(self, n)) for n in OFFER_FIELDS]
        return hashlib.sha256(repr(values).encode('utf-8')).hexdigest()

    @classmethod
    def check_as_checked(cls, requests):
        workflows, offers = cls._split(requests)
        super().check_as_checked(workflows)
        for request in offers:
            offer = cls._offer(request)
            if (not request.checked_at
                    or request.checked_fingerprint
                    != request.offer_fingerprint()):
                raise ChangeRequestError(gettext(
                        'ossis_helpdesk.msg_change_request_offer_not_checked',
                        request=request.rec_name,
                        offer=offer.rec_name))

    @classmethod
    @ModelView.button
    def approve(cls, requests):
        "Refuse the offer changes whose new values break a rule"
        cls.check_state(requests, {'draft'}, 'approve')
        cls.check_administrator(requests)
        cls.check_as_checked(requests)
        for request in cls._split(requests)[1]:
            if request.lint_errors:
                raise ChangeRequestError(gettext(
                        'ossis_helpdesk.msg_change_request_offer_blocks',
                        request=request.rec_name,
                        report=request.lint_report))
        super().approve(requests)

    @classmethod
    @ModelView.button
    def activate(cls, requests):
        workflows, offers = cls._split(requests)
        if workflows:
            super().activate(workflows)
        if offers:
            cls.activate_offers(offers)

    @classmethod
    def activate_offers(cls, requests):
        """Write the approved values on the offers, with the offer's own
        checks"""
        pool = Pool()
        Offer = pool.get('ossis.lgu.service')
        User = pool.get('res.user')
        cls.check_state(requests, {'approved'}, 'activate')
        cls.check_administrator(requests)
        cls.check_as_checked(requests)
        for request in requests:
            Offer.write([request.offer], {
                    n: getattr(request, n) for n in OFFER_FIELDS})
        cls._activated(requests)
        cls.write(requests, {
                'activated_at': dt.datetime.now(),
                'activated_by': User(Transaction().user),
                })

    @classmethod
    @ModelView.button
    def migrate(cls, requests):
        cls.check_kind(requests, 'workflow', 'migrate')
        super().migrate(requests)


def _text(value):
    if isinstance(value, Decimal):
        # In lek with its cents, as the fee is stored
        return f'{value:.2f}'
    if isinstance(value, bool):
        return gettext('ossis_helpdesk.msg_yes' if value
            else 'ossis_helpdesk.msg_no')
    return '—' if value is None else str(value)
