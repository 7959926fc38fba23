# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The applications behind the figures of the summary tables

Each figure opens the applications it counts: received in its period
(submitted then) or completed in its period (decided then), of its
service, administrative unit, channel and gender.  The periods are read in
UTC, so an application submitted or decided within the hours of the time
zone around midnight at the edge of a period may be missing or extra.
"""
import datetime as dt

from trytond.model import fields
from trytond.modules.ossis_application.application import DECIDED
from trytond.pool import Pool, PoolMeta

from .open_applications import NOTHING, ApplicationsMixin


def next_month(date):
    return (date.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def decided_between(company, start, end):
    """Return the domain of the applications decided from start to end, days
    of the municipality"""
    return [
        ('state', 'in', DECIDED),
        ('decided_date', '>=', company.day_start(start)),
        ('decided_date', '<', company.day_start(end)),
        ]


def received_or_decided_between(company, start, end):
    """Return the domain of the applications submitted or decided from
    start to end, days of the municipality"""
    return ['OR', [
            ('submitted_date', '>=', company.day_start(start)),
            ('submitted_date', '<', company.day_start(end)),
            ], decided_between(company, start, end)]


def gender_domain(gender):
    "Return the domain of the applicants counted under the gender"
    if gender == 'business':
        return [('applicant.kind', '=', 'business')]
    return [
        ('applicant.kind', '=', 'person'),
        ('applicant.gender', '=', None if gender == 'unknown' else gender),
        ]


def year_bounds(year):
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


class Volume(ApplicationsMixin, metaclass=PoolMeta):
    __name__ = 'ossis.monitoring.volume'

    @classmethod
    def _applications_keys(cls):
        return ['company', 'lgu_service', 'administrative_unit', 'channel']

    @classmethod
    def _applications_record_domain(cls, record):
        # A week across two months is counted in each
        start = max(record.week, record.month)
        end = min(
            record.week + dt.timedelta(days=7), next_month(record.month))
        return [
            *super()._applications_record_domain(record),
            *gender_domain(record.gender),
            received_or_decided_between(record.company, start, end),
            ]


class CurrentYearMixin:
    "Figures of years, of which a dashboard shows the current one"
    __slots__ = ()

    current = fields.Function(
        fields.Boolean(
            "This Year", help="The figures of the current year."),
        'get_current', searcher='search_current')

    def get_current(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        return self.year == Date.today().year

    @classmethod
    def search_current(cls, name, clause):
        pool = Pool()
        Date = pool.get('ir.date')
        _, operator, value = clause[:3]
        operator = '=' if (operator == '=') == bool(value) else '!='
        return [('year', operator, Date.today().year)]


class ServiceTime(
        CurrentYearMixin, ApplicationsMixin, metaclass=PoolMeta):
    __name__ = 'ossis.monitoring.service_time'

    @classmethod
    def _applications_keys(cls):
        return ['company', 'lgu_service']

    @classmethod
    def _applications_record_domain(cls, record):
        return [
            *super()._applications_record_domain(record),
            *decided_between(record.company, *year_bounds(record.year)),
            ]


class ProcessingDays(
        CurrentYearMixin, ApplicationsMixin, metaclass=PoolMeta):
    __name__ = 'ossis.monitoring.processing_days'

    @classmethod
    def _applications_keys(cls):
        return {
            'company': 'company',
            'lgu_service': 'lgu_service',
            'days': 'processing_days',
            }

    @classmethod
    def _applications_record_domain(cls, record):
        return [
            *super()._applications_record_domain(record),
            *decided_between(
                record.company, record.month, next_month(record.month)),
            ]


class Municipality(
        CurrentYearMixin, ApplicationsMixin, metaclass=PoolMeta):
    __name__ = 'ossis.monitoring.municipality'

    @classmethod
    def _applications_record_domain(cls, record):
        return [
            *super()._applications_record_domain(record),
            received_or_decided_between(
                record.company, *year_bounds(record.year)),
            ]


class Feedback(ApplicationsMixin, metaclass=PoolMeta):
    __name__ = 'ossis.monitoring.feedback'

    @classmethod
    def applications_domain(cls, records):
        "Return the applications rated in the months of the records"
        pool = Pool()
        ApplicationFeedback = pool.get('ossis.application.feedback')
        if not records:
            return NOTHING
        feedback = ApplicationFeedback.search(['OR', *([
                        ('company', '=', r.company.id),
                        ('application.lgu_service', '=',
                            r.lgu_service.id if r.lgu_service else None),
                        ('date', '>=', r.month),
                        ('date', '<', next_month(r.month)),
                        ] for r in records)])
        return [('id', 'in', [f.application.id for f in feedback])]
