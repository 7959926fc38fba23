# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.modules.ossis_base import identifier
from trytond.modules.ossis_base.model import LGUOwnedMixin
from trytond.modules.ossis_base.rec_name import RecNameFieldsMixin
from trytond.pyson import Eval

from .exceptions import ApplicantValidationError

KINDS = [
    ('person', "Citizen"),
    ('business', "Business"),
    ]
GENDERS = [
    (None, ""),
    ('female', "Female"),
    ('male', "Male"),
    ]
LANGUAGES = [
    ('sq', "Albanian"),
    ('en', "English"),
    ]


# An address as mail servers take it (RFC 5321): a dot-atom before the @,
# host names of letters, digits and hyphens after it.  Quotes, comments,
# brackets, display names and IP addresses are refused: they are how markup
# or other recipients get into a page or an email.
LOCAL_PART = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
DOMAIN_LABEL = re.compile(r'^(?!-)[a-z0-9-]{1,63}(?<!-)$')
# Domains that never receive mail (RFC 2606, RFC 6761)
RESERVED_DOMAINS = {'localhost', 'local', 'invalid', 'test', 'example'}


def email_address(value):
    """Return the email address normalised in lower case, with its domain
    in ASCII, or None when the value is not one plain address

    Deliverability is only known by sending: the domain is not looked up,
    so that a form does not wait on the DNS."""
    if not isinstance(value, str):
        return None
    local, at, domain = value.strip().rpartition('@')
    if not at or len(local) > 64 or not LOCAL_PART.match(local):
        return None
    try:
        domain = domain.encode('idna').decode('ascii').lower()
    except UnicodeError:
        return None
    labels = domain.split('.')
    if (len(labels) < 2 or len(domain) > 253
            or not all(DOMAIN_LABEL.match(label) for label in labels)
            or labels[-1].isdigit()
            or labels[-1] in RESERVED_DOMAINS):
        return None
    return f'{local}@{domain}'.lower()


class Applicant(
        RecNameFieldsMixin, LGUOwnedMixin, DeactivableMixin, ModelSQL,
        ModelView):
    """Applicant

    A citizen or a business that files applications with a municipality.
    Applicants belong to one municipality: another municipality never sees
    them.
    """
    __name__ = 'ossis.applicant'
    __string__ = "Applicant"
    _rec_name_fields = ('name', 'identifier')
    _lgu_links = ('administrative_unit',)

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='RESTRICT')
    kind = fields.Selection(
        KINDS, "Kind", required=True,
        help="A citizen is identified by the personal number (NID) of the "
        "identity card, a business by its NIPT.")
    name = fields.Char("Name", required=True, strip=True)
    identifier = fields.Char(
        "Identifier", required=True, strip=True,
        help="The personal number (NID) of a citizen or the NIPT of a "
        "business, with its check letter.")
    email = fields.Char("Email", strip=True)
    phone = fields.Char(
        "Phone", strip=True, help="A mobile number receives SMS notices.")
    language = fields.Selection(
        LANGUAGES, "Language", required=True,
        help="The language of the notices sent to the applicant.")
    gender = fields.Selection(
        GENDERS, "Gender",
        states={
            'invisible': Eval('kind') != 'person',
            },
        help="Only for the statistics of the municipality.")
    administrative_unit = fields.Many2One(
        'ossis.administrative_unit', "Residence", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="The administrative unit where the applicant lives or is "
        "based, for the statistics of the municipality.")
    address = fields.Char("Address")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_identifier_unique',
                Unique(t, t.company, t.identifier),
                'ossis_application.msg_applicant_identifier_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'person'

    @classmethod
    def default_language(cls):
        return 'sq'

    def get_rec_name(self, name):
        return f'{self.name} ({self.identifier})'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('identifier', operator, operand, *extra),
            ]

    @fields.depends('identifier', 'kind', 'gender')
    def on_change_identifier(self):
        if self.identifier:
            self.identifier = identifier.compact(self.identifier)
            if self.kind == 'person' and not self.gender:
                self.gender = identifier.sex(self.identifier)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('identifier'):
            values['identifier'] = identifier.compact(values['identifier'])
            # The personal number tells the sex: the gender figures then
            # count every citizen the clerk did not ask
            if (mode == 'create'
                    and values.get('kind', cls.default_kind()) == 'person'
                    and not values.get('gender')):
                values['gender'] = identifier.sex(values['identifier'])
        if isinstance(values.get('email'), str):
            values['email'] = (
                email_address(values['email']) or values['email'].strip())
        return values

    @classmethod
    def validate_fields(cls, applicants, field_names):
        super().validate_fields(applicants, field_names)
        cls.check_identifier(applicants, field_names)
        cls.check_email(applicants, field_names)

    @classmethod
    def check_identifier(cls, applicants, field_names=None):
        if field_names and not (field_names & {'identifier', 'kind'}):
            return
        for applicant in applicants:
            if not identifier.is_valid(applicant.identifier):
                message = ('ossis_application.msg_applicant_nid_invalid'
                    if applicant.kind == 'person'
                    else 'ossis_application.msg_applicant_nipt_invalid')
                raise ApplicantValidationError(gettext(
                        message, identifier=applicant.identifier))
            if (applicant.kind == 'person'
                    and not identifier.birth_date(applicant.identifier)):
                raise ApplicantValidationError(gettext(
                        'ossis_application.msg_applicant_nid_not_personal',
                        identifier=applicant.identifier))

    @classmethod
    def check_email(cls, applicants, field_names=None):
        if field_names and 'email' not in field_names:
            return
        for applicant in applicants:
            if applicant.email and not email_address(applicant.email):
                raise ApplicantValidationError(gettext(
                        'ossis_application.msg_applicant_email_invalid',
                        email=applicant.email))
