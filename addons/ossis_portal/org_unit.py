# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import PoolMeta

from .exceptions import OpeningHoursValidationError

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


class OrgUnit(metaclass=PoolMeta):
    __name__ = 'ossis.org_unit'

    address = fields.Char(
        "Address", help="Where citizens find the desk.")
    phone = fields.Char("Phone")
    opening_hours = fields.One2Many(
        'ossis.org_unit.opening_hours', 'org_unit', "Opening Hours",
        help="When the desk receives citizens.")

    def opening_hours_by_day(self):
        "Return a list of (weekday, [(opens, closes)]) of the open days"
        days = {}
        for hours in sorted(
                self.opening_hours, key=lambda h: (h.weekday, h.opens)):
            days.setdefault(hours.weekday, []).append(
                (hours.opens, hours.closes))
        return sorted(days.items())


class OpeningHours(ModelSQL, ModelView):
    "Opening Hours"
    __name__ = 'ossis.org_unit.opening_hours'
    __string__ = "Opening Hours"

    org_unit = fields.Many2One(
        'ossis.org_unit', "Org Unit", required=True, ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Day", required=True, sort=False)
    weekday_string = weekday.translated('weekday')
    opens = fields.Time("Opens", required=True)
    closes = fields.Time("Closes", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('org_unit')
        cls._order = [('org_unit', 'ASC'), ('weekday', 'ASC'),
            ('opens', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_times(records)

    @classmethod
    def check_times(cls, records):
        for record in records:
            if record.opens >= record.closes:
                raise OpeningHoursValidationError(gettext(
                        'ossis_portal.msg_opening_hours_order',
                        unit=record.org_unit.rec_name,
                        day=record.weekday_string))
