# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from functools import lru_cache

import holidays

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .exceptions import CalendarError, ClosureValidationError
from .model import LGUOwnedMixin

COUNTRY = 'AL'
FIRST_YEAR = holidays.AL.start_year
LAST_YEAR = holidays.AL.end_year
WEEKEND = {5, 6}


@lru_cache(maxsize=None)
def public_holidays(year):
    "Return the Albanian public holidays of the year, observed days included"
    return holidays.country_holidays(
        COUNTRY, years=year, observed=True, language='en_US')


class Closure(LGUOwnedMixin, ModelSQL, ModelView):
    "Closure Day"
    __name__ = 'ossis.calendar.closure'
    __string__ = "Closure Day"

    company = fields.Many2One(
        'company.company', "Municipality", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    name = fields.Char(
        "Reason", required=True,
        help="Why the municipality is closed that day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_date_unique', Unique(t, t.company, t.date),
                'ossis_base.msg_closure_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def validate_fields(cls, closures, field_names):
        super().validate_fields(closures, field_names)
        cls.check_year(closures, field_names)

    @classmethod
    def check_year(cls, closures, field_names=None):
        if field_names and 'date' not in field_names:
            return
        for closure in closures:
            if not FIRST_YEAR <= closure.date.year <= LAST_YEAR:
                raise ClosureValidationError(gettext(
                        'ossis_base.msg_closure_year_unknown',
                        date=closure.date,
                        first=FIRST_YEAR,
                        last=LAST_YEAR))

    @classmethod
    def on_modification(cls, mode, closures, field_names=None):
        super().on_modification(mode, closures, field_names=field_names)
        Pool().get('ossis.calendar')._closures_cache.clear()


class Calendar(Model):
    """Working-day calendar of the municipalities

    A day is a working day unless it is a Saturday, a Sunday, an Albanian
    public holiday (or the working day it is observed on) or a closure day
    of the municipality.
    """
    __name__ = 'ossis.calendar'
    __string__ = "Working-Day Calendar"

    _closures_cache = Cache('ossis_calendar.closures', context=False)

    @classmethod
    def check_year(cls, date):
        if not FIRST_YEAR <= date.year <= LAST_YEAR:
            raise CalendarError(gettext(
                    'ossis_base.msg_calendar_year_unknown',
                    date=date,
                    first=FIRST_YEAR,
                    last=LAST_YEAR))

    @classmethod
    def closure_dates(cls, company):
        "Return the set of closure days of the municipality"
        pool = Pool()
        Closure = pool.get('ossis.calendar.closure')
        if not company:
            return frozenset()
        company_id = int(company)
        dates = cls._closures_cache.get(company_id)
        if dates is None:
            # The calendar of a municipality is not a secret: due dates
            # computed for a user of another municipality must be right.
            with without_check_access():
                closures = Closure.search([('company', '=', company_id)])
            dates = cls._closures_cache.set(
                company_id, [c.date for c in closures])
        return frozenset(dates)

    @classmethod
    def is_public_holiday(cls, date):
        cls.check_year(date)
        return date in public_holidays(date.year)

    @classmethod
    def is_working_day(cls, company, date, _closures=None):
        "Return whether the municipality works on the date"
        if _closures is None:
            _closures = cls.closure_dates(company)
        return (date.weekday() not in WEEKEND
            and not cls.is_public_holiday(date)
            and date not in _closures)

    @classmethod
    def add_working_days(cls, company, date, days):
        """Return the date that is the given number of working days after
        the date (before it for a negative number)

        With 0 days, the date itself if it is a working day or else the
        next working day."""
        closures = cls.closure_dates(company)
        step = dt.timedelta(days=1 if days >= 0 else -1)
        remaining = abs(days)
        if not remaining:
            while not cls.is_working_day(company, date, closures):
                date += step
            return date
        while remaining:
            date += step
            if cls.is_working_day(company, date, closures):
                remaining -= 1
        return date

    @classmethod
    def working_days_between(cls, company, start, end):
        """Return the number of working days after start up to end included

        It is negative when end is before start, so that
        add_working_days(company, start, n) gives back n."""
        if end < start:
            return -cls.working_days_between(company, end, start)
        closures = cls.closure_dates(company)
        count = 0
        date = start
        while date < end:
            date += dt.timedelta(days=1)
            if cls.is_working_day(company, date, closures):
                count += 1
        return count

    @classmethod
    def working_days_between_many(cls, company, periods):
        """Return working_days_between of each (start, end) pair of dates

        The days of all the periods are looked at once, so that thousands
        of periods cost no more than the span of their dates."""
        periods = list(periods)
        if not periods:
            return []
        first = min(min(start, end) for start, end in periods)
        last = max(max(start, end) for start, end in periods)
        closures = cls.closure_dates(company)
        # The working days from first (excluded) up to each date (included)
        counted, count, date = {first: 0}, 0, first
        while date < last:
            date += dt.timedelta(days=1)
            if cls.is_working_day(company, date, closures):
                count += 1
            counted[date] = count
        return [counted[end] - counted[start] for start, end in periods]
