# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Arithmetic of working time: time counted only inside opening hours

The moments are naive datetimes in UTC, as trytond stores them; the opening
hours are local times of a time zone, so that a working day keeps its hours
across the changes of daylight saving time.  The durations counted are the
real time elapsed inside the hours.
"""
import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
# Beyond a year without a single working moment, the hours are empty
MAX_DAYS = 366


class NoWorkingTime(ValueError):
    "The hours hold no working time in the year after the moment"


class WorkingTime:
    """The opening hours of the days of the week in a time zone

    hours maps a weekday (0 for Monday) to its sorted (opens, closes) local
    times; closed(date) tells whether a date is closed all day (a public
    holiday)."""

    def __init__(self, hours, timezone, closed=lambda date: False):
        self.hours = {
            int(d): sorted(intervals) for d, intervals in hours.items()
            if intervals}
        self.zone = ZoneInfo(timezone)
        self.closed = closed

    def local_date(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.zone).date()

    def to_utc(self, date, time):
        "Return the naive UTC moment of the local time of the date"
        local = dt.datetime.combine(date, time, tzinfo=self.zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    def intervals(self, date):
        "Return the (start, end) UTC moments of the hours of the date"
        intervals = self.hours.get(date.weekday())
        if not intervals or self.closed(date):
            return []
        return [
            (self.to_utc(date, opens), self.to_utc(date, closes))
            for opens, closes in intervals]

    def add(self, moment, duration):
        """Return the moment at which duration of working time has passed
        since moment

        With no duration, the moment itself when it is inside the hours,
        else the next opening."""
        if duration < dt.timedelta(0):
            raise ValueError("duration must not be negative")
        remaining = duration
        date = self.local_date(moment)
        for _ in range(MAX_DAYS):
            for start, end in self.intervals(date):
                if end <= moment:
                    continue
                start = max(start, moment)
                if remaining <= end - start:
                    return start + remaining
                remaining -= end - start
            date += dt.timedelta(days=1)
        raise NoWorkingTime(moment)

    def between(self, start, end):
        """Return the working time from start to end, negative when end is
        before start"""
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta(0)
        date, last = self.local_date(start), self.local_date(end)
        while date <= last:
            for opens, closes in self.intervals(date):
                overlap = min(closes, end) - max(opens, start)
                if overlap > dt.timedelta(0):
                    total += overlap
            date += dt.timedelta(days=1)
        return total

    def add_minutes(self, moment, minutes):
        "Return the moment after the working minutes from moment"
        return self.add(moment, dt.timedelta(minutes=minutes))

    def minutes_between(self, start, end):
        "Return the working minutes from start to end"
        return self.between(start, end) / dt.timedelta(minutes=1)
