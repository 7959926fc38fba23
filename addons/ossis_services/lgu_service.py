# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.modules.ossis_base.rec_name import RecNameFieldsMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import without_check_access

from .exceptions import OfferValidationError


class LGUService(
        RecNameFieldsMixin, LGUOwnedMixin, DeactivableMixin, ModelSQL,
        ModelView):
    """Municipal Service

    A service of the national catalogue that a municipality offers, with
    its local settings.  It follows the published version of the national
    service.
    """
    __name__ = 'ossis.lgu.service'
    __string__ = "Municipal Service"
    _rec_name_fields = ('service', 'service_code')
    _lgu_links = ('responsible_unit', 'desks')

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    service_code = fields.Char(
        "Service Code", required=True, strip=True,
        help="The code of the national service.")
    service = fields.Many2One(
        'ossis.service', "Service", required=True, ondelete='RESTRICT',
        domain=[
            ('state', '=', 'published'),
            ],
        help="The published version of the national service.")
    fee = fields.Numeric(
        "Fee", digits=(16, 2), required=True,
        help="The fee in lek that the municipality charges.")
    days = fields.Integer(
        "Deadline",
        states={
            'required': Bool(Eval('service_has_deadline')),
            },
        help="The number of days the municipality promises; never more "
        "than the legal deadline.")
    service_has_deadline = fields.Function(
        fields.Boolean("Service Has Deadline"),
        'on_change_with_service_has_deadline')
    days_kind = fields.Function(
        fields.Selection('get_days_kinds', "Counted In"),
        'on_change_with_days_kind')
    responsible_unit = fields.Many2One(
        'ossis.org_unit', "Responsible Unit", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '=', 'back_office'),
            ],
        help="The back office unit that processes the applications.")
    desks = fields.Many2Many(
        'ossis.lgu.service-ossis.org_unit', 'lgu_service', 'desk',
        "Front Desks",
        domain=[
            ('company', '=', Eval('company', -1)),
            ('type', '=', 'front_office'),
            ],
        help="The front office desks where the service can be filed.")
    administrative_units = fields.Function(
        fields.Many2Many(
            'ossis.administrative_unit', None, None,
            "Administrative Units"),
        'get_administrative_units')
    online = fields.Boolean(
        "Online",
        states={
            'readonly': ~Eval('service_online', False),
            },
        help="Check if citizens can apply online.")
    service_online = fields.Function(
        fields.Boolean("Service Online"), 'on_change_with_service_online')
    start_date = fields.Date("Start Date")
    end_date = fields.Date(
        "End Date",
        domain=[
            If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')),
                ()),
            ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_service_unique', Unique(t, t.company, t.service_code),
                'ossis_services.msg_lgu_service_unique'),
            ]
        cls._order.insert(0, ('service_code', 'ASC'))

    @classmethod
    def default_online(cls):
        return False

    def get_rec_name(self, name):
        return self.service.rec_name if self.service else self.service_code

    @classmethod
    def search_rec_name(cls, name, clause):
        """Find the code, or the words of the name in any order:
        "pronësie vërtetim" finds "Vërtetim pronësie"."""
        _, operator, operand, *extra = clause
        words = (operand or '').strip('%').split()
        if operator not in {'ilike', 'like'} or len(words) < 2:
            return ['OR',
                ('service_code',) + tuple(clause[1:]),
                ('service.name',) + tuple(clause[1:]),
                ]
        return [['OR',
                ('service_code', operator, f'%{word}%', *extra),
                ('service.name', operator, f'%{word}%', *extra),
                ] for word in words]

    @classmethod
    def get_days_kinds(cls):
        pool = Pool()
        Service = pool.get('ossis.service')
        return Service.fields_get(['days_kind'])['days_kind']['selection']

    @fields.depends('service')
    def on_change_with_days_kind(self, name=None):
        if self.service:
            return self.service.days_kind

    @fields.depends('service')
    def on_change_with_service_has_deadline(self, name=None):
        return bool(self.service and self.service.legal_days is not None)

    @fields.depends('service')
    def on_change_with_service_online(self, name=None):
        return bool(self.service and self.service.offered_online)

    @fields.depends('service', 'company', 'responsible_unit')
    def on_change_service(self):
        if not self.service:
            return
        self.service_code = self.service.code
        if self.service.fee is not None:
            self.fee = self.service.fee
        self.days = self.service.promise_days
        self.online = self.service.offered_online
        if self.company and not self.responsible_unit:
            self.responsible_unit = self.service.unit_type.org_unit_of(
                self.company)

    def get_administrative_units(self, name):
        return sorted({d.administrative_unit.id for d in self.desks
                if d.administrative_unit})

    @classmethod
    def preprocess_values(cls, mode, values):
        "Find the published service of the code given by a module's data"
        pool = Pool()
        Service = pool.get('ossis.service')
        values = super().preprocess_values(mode, values)
        if values.get('service_code') and not values.get('service'):
            code = values['service_code']
            service = Service.get_published([code]).get(code)
            if not service:
                raise OfferValidationError(gettext(
                        'ossis_services.msg_lgu_service_unknown',
                        code=code))
            values['service'] = service.id
        elif values.get('service') and not values.get('service_code'):
            values['service_code'] = Service(values['service']).code
        return values

    @classmethod
    def validate_fields(cls, offers, field_names):
        super().validate_fields(offers, field_names)
        cls.check_national_bounds(offers, field_names)

    @classmethod
    def check_national_bounds(cls, offers, field_names=None):
        if field_names and not (field_names & {
                    'service', 'service_code', 'fee', 'days', 'online',
                    'desks'}):
            return
        for offer in offers:
            service = offer.service
            if offer.service_code != service.code:
                raise OfferValidationError(gettext(
                        'ossis_services.msg_lgu_service_code_mismatch',
                        offer=offer.rec_name))
            if not service.fee_allowed(offer.fee):
                raise OfferValidationError(gettext(
                        'ossis_services.msg_lgu_service_fee',
                        offer=offer.rec_name,
                        lgu=offer.company.rec_name,
                        fee=offer.fee,
                        minimum=(service.fee_minimum
                            if service.fee_minimum is not None else 0),
                        maximum=(service.fee_maximum
                            if service.fee_maximum is not None else '∞')))
            if not service.days_allowed(offer.days):
                raise OfferValidationError(gettext(
                        'ossis_services.msg_lgu_service_days',
                        offer=offer.rec_name,
                        days=offer.days,
                        legal_days=service.legal_days))
            if offer.online and not service.channel_online:
                raise OfferValidationError(gettext(
                        'ossis_services.msg_lgu_service_online',
                        offer=offer.rec_name))
            if offer.online and service.online_system:
                raise OfferValidationError(gettext(
                        'ossis_services.msg_lgu_service_online_elsewhere',
                        offer=offer.rec_name,
                        system=service.online_system_string))
            for desk in offer.desks:
                if desk.type != 'front_office':
                    raise OfferValidationError(gettext(
                            'ossis_services.msg_lgu_service_desk',
                            offer=offer.rec_name,
                            desk=desk.rec_name))

    @classmethod
    def follow_new_versions(cls, services):
        "Make the offers follow the newly published versions"
        by_code = {s.code: s for s in services}
        with without_check_access():
            offers = cls.search([
                    ('service_code', 'in', list(by_code)),
                    ('active', 'in', [True, False]),
                    ])
            for offer in offers:
                offer.service = by_code[offer.service_code]
                # Now filed online through a national system
                offer.online = offer.online and offer.service.offered_online
            cls.save(offers)

    @classmethod
    def offered(cls, company, date=None):
        "Return the services the municipality offers on the date"
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        return cls.search([
                ('company', '=', company.id),
                ['OR',
                    ('start_date', '=', None),
                    ('start_date', '<=', date),
                    ],
                ['OR',
                    ('end_date', '=', None),
                    ('end_date', '>=', date),
                    ],
                ])


class LGUServiceDesk(ModelSQL):
    "Municipal Service - Front Desk"
    __name__ = 'ossis.lgu.service-ossis.org_unit'

    lgu_service = fields.Many2One(
        'ossis.lgu.service', "Municipal Service", required=True,
        ondelete='CASCADE')
    desk = fields.Many2One(
        'ossis.org_unit', "Front Desk", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('lgu_service')
