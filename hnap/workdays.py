"""Working days: weekdays that are neither a bank holiday of England and Wales nor a closure day of the RPA.

Every due date in hnap is computed here (ENQ-1: acknowledge in 3 working days, answer in 10;
PEER-3: joint report in 3). Counting starts on the day after the start day, so a deadline of
3 working days from Monday is Thursday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
# A deadline falls due at the end of its last working day; its reminder goes that morning.
DUE_TIME = time(23, 59, 59)
REMIND_TIME = time(9, 0)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays of England and Wales in a year (Wales shares England's), substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends and bank holidays, plus the closure days of one RPA."""

    closures: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in self.closures

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (0 gives `start` itself, or the next working day)."""
        if days < 0:
            # Counting backwards is not a deadline; refusing beats looping for ever.
            raise ValueError("days must not be negative.")
        current = start
        if days == 0:
            while not self.is_working_day(current):
                current += timedelta(days=1)
            return current
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_before(self, end: date, days: int) -> date:
        """The working day `days` working days before `end` (a due date set back from an event)."""
        if days < 1:
            raise ValueError("days must be at least 1.")
        current, remaining = end, days
        while remaining:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_working_day(current)
        return count


def calendar_for(*, rpa_id: int | None) -> WorkingCalendar:
    """The working calendar of an RPA (one query for its closure days), or the national one."""
    if rpa_id is None:
        return WorkingCalendar()
    from hnap.models import ClosureDay

    days = ClosureDay.objects.filter(rpa_id=rpa_id).values_list("day", flat=True)
    return WorkingCalendar(closures=frozenset(days))


def end_of_day(day: date) -> datetime:
    """The due time on a day: the end of that day in London."""
    return datetime.combine(day, DUE_TIME, tzinfo=LONDON)


def morning_of(day: date) -> datetime:
    """The reminder time on a day: 09:00 in London."""
    return datetime.combine(day, REMIND_TIME, tzinfo=LONDON)
