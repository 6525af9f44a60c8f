"""Which days dunning may send: no weekends and no Dutch public holidays unless configured.

Why separate from `connector.legal.workdays`: those are the law's working days (for terms in
letters, always NL holidays); these are the office's send days, which the accountant may
widen (send on Saturdays) or narrow (closed between Christmas and New Year).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from connector.legal.workdays import dutch_holidays

__all__ = ["SendCalendar"]

_WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


class SendCalendar:
    def __init__(self, *, skip_weekends: bool = True, skip_holidays: bool = True,
                 closed_days: Iterable[date] = ()) -> None:
        self.skip_weekends = skip_weekends
        self.skip_holidays = skip_holidays
        self.closed_days = frozenset(closed_days)

    @classmethod
    def from_settings(cls, send_days: object) -> SendCalendar:
        return cls(skip_weekends=getattr(send_days, "skip_weekends", True),
                   skip_holidays=getattr(send_days, "skip_holidays", True),
                   closed_days=getattr(send_days, "closed_days", ()))

    def why_closed(self, day: date) -> str | None:
        """None on a send day, else the reason in words ("zaterdag", "Kerstmis", ...)."""
        if day in self.closed_days:
            return "closed day in the config"
        if self.skip_weekends and day.weekday() >= 5:
            return _WEEKDAYS_NL[day.weekday()]
        if self.skip_holidays:
            name = dutch_holidays().get(day)
            if name:
                return f"public holiday ({name})"
        return None

    def is_send_day(self, day: date) -> bool:
        return self.why_closed(day) is None

    def next_send_day(self, day: date) -> date:
        """`day` itself when it is a send day, else the first send day after it."""
        for _ in range(366):
            if self.is_send_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no send day within a year: check send_days.closed_days")
