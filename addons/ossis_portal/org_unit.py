# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ossis_base.weekly_hours import WeeklyHoursMixin
from trytond.pool import PoolMeta

from .exceptions import OpeningHoursValidationError
from .page_cache import PageSourceMixin


class OrgUnit(PageSourceMixin, metaclass=PoolMeta):
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


class OpeningHours(PageSourceMixin, WeeklyHoursMixin, ModelSQL, ModelView):
    "Opening Hours"
    __name__ = 'ossis.org_unit.opening_hours'
    __string__ = "Opening Hours"
    _hours_of = 'org_unit'

    org_unit = fields.Many2One(
        'ossis.org_unit', "Org Unit", required=True, ondelete='CASCADE')

    def reversed_error(self):
        return OpeningHoursValidationError(gettext(
                'ossis_portal.msg_opening_hours_order',
                unit=self.org_unit.rec_name,
                day=self.weekday_string))

    def overlap_error(self):
        return OpeningHoursValidationError(gettext(
                'ossis_portal.msg_opening_hours_overlap',
                unit=self.org_unit.rec_name,
                day=self.weekday_string))
