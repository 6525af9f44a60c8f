"""Working days in the Netherlands: no Saturday, no Sunday, no NL public holiday.

Why: a payment term printed in a letter must be a real date the debtor can act on, and
terms ending on a weekend or holiday are pushed to the next working day. Holidays come from
the `holidays` package (NL, which also lists Good Friday and Liberation Day in lustrum years);
every function takes an optional `holidays` container so callers and tests can supply their own.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib

__all__ = [
    "HolidayCalendar",
    "add_working_days",
    "calendar_or_default",
    "dutch_holidays",
    "is_working_day",
    "next_working_day",
    "term_end",
]

HolidayCalendar = Container[date]
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1)
def dutch_holidays() -> holidays_lib.HolidayBase:
    """NL public holidays; the object fills in years lazily as dates are looked up."""
    return holidays_lib.country_holidays("NL")


def calendar_or_default(holidays: HolidayCalendar | None) -> HolidayCalendar:
    """The given calendar, or the NL public holidays when None."""
    return dutch_holidays() if holidays is None else holidays


def is_working_day(d: date, holidays: HolidayCalendar | None = None) -> bool:
    return d.weekday() < 5 and d not in calendar_or_default(holidays)


def next_working_day(d: date, holidays: HolidayCalendar | None = None) -> date:
    """`d` itself when it is a working day, otherwise the first working day after it."""
    calendar = calendar_or_default(holidays)
    while not is_working_day(d, calendar):
        d += _ONE_DAY
    return d


def add_working_days(d: date, days: int, holidays: HolidayCalendar | None = None) -> date:
    """The date `days` working days after `d` (`d` itself does not count; 0 gives `d`)."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    calendar = calendar_or_default(holidays)
    while days:
        d += _ONE_DAY
        if is_working_day(d, calendar):
            days -= 1
    return d


def term_end(start: date, days: int, holidays: HolidayCalendar | None = None) -> date:
    """Last day of a term of `days` calendar days counted from the day after `start`,
    moved to the next working day so the letter can print a real date."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return next_working_day(start + timedelta(days=days), holidays)
