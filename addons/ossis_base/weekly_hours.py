# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Opening hours by day of the week: a desk's, the help desk's

A day has one or more intervals, each closing after it opens, none
overlapping another of the same day.  Each model names the record the hours
belong to and raises its own messages."""
from trytond.model import fields

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


class WeeklyHoursMixin:
    """The hours of a day of the week of the record of _hours_of

    A model raises its errors from reversed_error and overlap_error."""
    __slots__ = ()
    _hours_of = None

    weekday = fields.Selection(WEEKDAYS, "Day", required=True, sort=False)
    weekday_string = weekday.translated('weekday')
    opens = fields.Time("Opens", required=True)
    closes = fields.Time("Closes", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add(cls._hours_of)
        cls._order = [(cls._hours_of, 'ASC'), ('weekday', 'ASC'),
            ('opens', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_hours(records)

    @classmethod
    def check_hours(cls, records):
        "Refuse an interval that closes before it opens, or overlaps"
        for record in records:
            if record.opens >= record.closes:
                raise record.reversed_error()
        days = {(getattr(r, cls._hours_of), r.weekday) for r in records}
        for owner, weekday in days:
            others = cls.search([
                    (cls._hours_of, '=', owner.id),
                    ('weekday', '=', weekday),
                    ], order=[('opens', 'ASC')])
            for before, after in zip(others, others[1:]):
                if after.opens < before.closes:
                    raise after.overlap_error()

    def reversed_error(self):
        "Return the error of hours that close before they open"
        raise NotImplementedError

    def overlap_error(self):
        "Return the error of hours that overlap others of the day"
        raise NotImplementedError
