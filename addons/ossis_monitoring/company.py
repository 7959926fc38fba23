# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.ossis_application.applicant import email_address
from trytond.pool import Pool, PoolMeta

from .exceptions import MonthlyReportError


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    mayor_office_email = fields.Char(
        "Mayor's Office Email", strip=True,
        help="The address of the mayor's office, "
        "which receives the monthly report of the municipality.")

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('mayor_office_email'):
            values['mayor_office_email'] = (
                email_address(values['mayor_office_email'])
                or values['mayor_office_email'])
        return values

    @classmethod
    def on_modification(cls, mode, companies, field_names=None):
        pool = Pool()
        Application = pool.get('ossis.application')
        super().on_modification(mode, companies, field_names=field_names)
        if mode == 'write' and 'ossis_practice' in (field_names or []):
            # Its applications leave or join the figures
            Application.rebuild_summaries([c.id for c in companies])

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        cls.check_mayor_office_email(companies, field_names)

    @classmethod
    def check_mayor_office_email(cls, companies, field_names=None):
        if field_names and 'mayor_office_email' not in field_names:
            return
        for company in companies:
            if (company.mayor_office_email
                    and not email_address(company.mayor_office_email)):
                raise MonthlyReportError(gettext(
                        'ossis_monitoring.msg_mayor_office_email_invalid',
                        email=company.mayor_office_email,
                        lgu=company.rec_name))
