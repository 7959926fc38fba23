# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The arithmetic of working time, on the help desk's hours: Monday to
Friday 08:00-16:30 in Tirana, closed on the public holidays of Albania"""
import datetime as dt
import unittest

from trytond.modules.ossis_base.calendar import public_holidays
from trytond.modules.ossis_helpdesk.working_time import (
    NoWorkingTime, WorkingTime)

OFFICE = [(dt.time(8), dt.time(16, 30))]
DESK = WorkingTime(
    {d: OFFICE for d in range(5)}, 'Europe/Tirane',
    closed=lambda date: date in public_holidays(date.year))


def utc(*args):
    "The naive UTC moment of a local time in Tirana"
    return DESK.to_utc(dt.date(*args[:3]), dt.time(*args[3:]))


class WorkingTimeTestCase(unittest.TestCase):

    def assertAdds(self, start, minutes, end):
        self.assertEqual(DESK.add_minutes(start, minutes), end)
        self.assertEqual(DESK.minutes_between(start, end), minutes)

    def test_within_the_day(self):
        "Test working minutes inside the hours of a day"
        self.assertAdds(utc(2026, 2, 3, 9), 90, utc(2026, 2, 3, 10, 30))

    def test_end_of_the_day(self):
        "Test the time left at closing carries over to the next morning"
        self.assertAdds(utc(2026, 2, 3, 16), 60, utc(2026, 2, 4, 8, 30))
        # Exactly at closing: the moment itself
        self.assertAdds(utc(2026, 2, 3, 16), 30, utc(2026, 2, 3, 16, 30))

    def test_start_outside_hours(self):
        "Test a start at night or before opening counts from the opening"
        self.assertAdds(utc(2026, 2, 3, 6), 30, utc(2026, 2, 3, 8, 30))
        self.assertEqual(
            DESK.add_minutes(utc(2026, 2, 3, 20), 30), utc(2026, 2, 4, 8, 30))
        self.assertEqual(
            DESK.minutes_between(utc(2026, 2, 3, 17), utc(2026, 2, 4, 7)), 0)
        self.assertEqual(
            DESK.add_minutes(utc(2026, 2, 3, 20), 0), utc(2026, 2, 4, 8))

    def test_weekend(self):
        "Test Saturday and Sunday are skipped"
        # Friday 6 February 2026 15:30 + 2 h = Monday 9 February 09:00
        self.assertAdds(utc(2026, 2, 6, 15, 30), 120, utc(2026, 2, 9, 9))
        self.assertEqual(
            DESK.add_minutes(utc(2026, 2, 7, 10), 60), utc(2026, 2, 9, 9))

    def test_public_holidays(self):
        "Test public holidays and their observed days are skipped"
        # Friday 13 March, then Summer Day observed on Monday 16 March
        self.assertAdds(
            utc(2026, 3, 13, 16), 60, utc(2026, 3, 17, 8, 30))
        # New Year: Thursday 1 and Friday 2 January 2026
        self.assertAdds(
            utc(2025, 12, 31, 16, 30), 30, utc(2026, 1, 5, 8, 30))

    def test_several_days(self):
        "Test a target of several working days counts 8.5 hours a day"
        # Monday 2 February 2026 08:00 + 3 working days
        self.assertAdds(utc(2026, 2, 2, 8), 3 * 510, utc(2026, 2, 4, 16, 30))

    def test_daylight_saving_time(self):
        "Test the hours stay local across the changes of the clock"
        # Summer time began on Sunday 29 March 2026: 15:30 on Friday 27
        # March is 14:30 UTC, 09:00 on Monday 30 March is 07:00 UTC
        start = dt.datetime(2026, 3, 27, 14, 30)
        self.assertEqual(start, utc(2026, 3, 27, 15, 30))
        self.assertAdds(start, 120, dt.datetime(2026, 3, 30, 7))
        # Winter time began on Sunday 25 October 2026
        start = dt.datetime(2026, 10, 23, 13, 30)
        self.assertAdds(start, 120, dt.datetime(2026, 10, 26, 8))

    def test_hours_on_the_day_of_the_change(self):
        "Test a day whose night loses an hour counts its real hours"
        nights = WorkingTime({6: [(dt.time(0), dt.time(6))]}, 'Europe/Tirane')
        # Sunday 29 March 2026 00:00-06:00 local lasts 5 hours
        self.assertEqual(
            nights.minutes_between(
                dt.datetime(2026, 3, 28), dt.datetime(2026, 3, 30)), 300)

    def test_between_backwards(self):
        "Test the working time back in time is negative"
        self.assertEqual(
            DESK.minutes_between(utc(2026, 2, 3, 10), utc(2026, 2, 3, 9)),
            -60)

    def test_no_hours(self):
        "Test hours without a working moment are refused"
        with self.assertRaises(NoWorkingTime):
            WorkingTime({}, 'Europe/Tirane').add_minutes(
                dt.datetime(2026, 2, 3), 1)
        with self.assertRaises(ValueError):
            DESK.add_minutes(utc(2026, 2, 3, 9), -1)
