# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The working hours and days of the help desk, in which its service levels
are counted"""
import zoneinfo

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.ossis_base.weekly_hours import WeeklyHoursMixin
from trytond.pool import Pool

from .exceptions import WorkingHoursError, WorkingHoursValidationError
from .working_time import NoWorkingTime, WorkingTime


class WorkingHours(ModelSingleton, ModelSQL, ModelView):
    """Working Hours of the Help Desk

    The opening hours of each day of the week in a time zone; the public
    holidays of Albania are closed all day."""
    __name__ = 'ossis.helpdesk.working_hours'
    __string__ = "Help Desk Working Hours"

    timezone = fields.Char(
        "Time Zone", required=True,
        help="The time zone of the opening hours, as Europe/Tirane.")
    days = fields.One2Many(
        'ossis.helpdesk.working_hours.day', 'working_hours', "Days",
        help="The opening hours of the days of the week; a day without "
        "hours is closed.")

    _working_time_cache = Cache(
        'ossis_helpdesk.working_time', context=False)

    @classmethod
    def default_timezone(cls):
        return 'Europe/Tirane'

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_timezone(records, field_names)

    @classmethod
    def check_timezone(cls, records, field_names=None):
        if field_names and 'timezone' not in field_names:
            return
        for record in records:
            if record.timezone not in zoneinfo.available_timezones():
                raise WorkingHoursValidationError(gettext(
                        'ossis_helpdesk.msg_working_hours_timezone',
                        timezone=record.timezone))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._working_time_cache.clear()

    @classmethod
    def working_time(cls):
        "Return the WorkingTime of the help desk"
        Calendar = Pool().get('ossis.calendar')
        key = cls._working_time_cache.get(None)
        if key is None:
            record = cls.get_singleton()
            hours = {}
            if record:
                for day in record.days:
                    hours.setdefault(int(day.weekday), []).append(
                        (day.opens, day.closes))
            key = cls._working_time_cache.set(None, (
                    record.timezone if record else cls.default_timezone(),
                    sorted((d, tuple(i)) for d, i in hours.items())))
        timezone, hours = key
        return WorkingTime(
            dict(hours), timezone, closed=Calendar.is_public_holiday)

    @classmethod
    def add(cls, moment, duration):
        "Return the moment after the working time duration from moment"
        try:
            return cls.working_time().add(moment, duration)
        except NoWorkingTime:
            raise WorkingHoursError(gettext(
                    'ossis_helpdesk.msg_working_hours_none'))

    @classmethod
    def between(cls, start, end):
        "Return the working time from start to end"
        return cls.working_time().between(start, end)


class WorkingHoursDay(WeeklyHoursMixin, ModelSQL, ModelView):
    "Opening Hours of a Day of the Help Desk"
    __name__ = 'ossis.helpdesk.working_hours.day'
    __string__ = "Help Desk Opening Hours"
    _hours_of = 'working_hours'

    working_hours = fields.Many2One(
        'ossis.helpdesk.working_hours', "Working Hours", required=True,
        ondelete='CASCADE')

    def reversed_error(self):
        return WorkingHoursValidationError(gettext(
                'ossis_helpdesk.msg_working_hours_order',
                day=self.weekday_string))

    def overlap_error(self):
        return WorkingHoursValidationError(gettext(
                'ossis_helpdesk.msg_working_hours_overlap',
                day=self.weekday_string))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('ossis.helpdesk.working_hours')._working_time_cache.clear()
