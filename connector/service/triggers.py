"""APScheduler triggers from the schedule config, and the slots (fire times) they produce.

Triggers are pure: `get_next_fire_time(previous, now)` depends on its arguments only, which
lets the slot ledger compute missed slots for any clock, real or fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

# Interval slots count from a fixed origin, so a restart does not shift them.
INTERVAL_ORIGIN = datetime(2000, 1, 3)  # a Monday, midnight
MAX_SLOTS_SCANNED = 20_000


def cron_trigger(spec: str | dict[str, Any], timezone: str) -> CronTrigger:
    zone = ZoneInfo(timezone)
    if isinstance(spec, str):
        return CronTrigger.from_crontab(spec, timezone=zone)
    return CronTrigger(timezone=zone, **spec)


def build_trigger(job: Any, timezone: str) -> BaseTrigger:
    """The trigger of a JobConfig (cron or every_minutes)."""
    if job.cron is not None:
        return cron_trigger(job.cron, timezone)
    zone = ZoneInfo(timezone)
    return IntervalTrigger(minutes=job.every_minutes, start_date=INTERVAL_ORIGIN.replace(tzinfo=zone), timezone=zone)


def slots_between(trigger: BaseTrigger, after: datetime, until: datetime) -> Iterator[datetime]:
    """Fire times t with after < t <= until, oldest first."""
    previous = None
    cursor = after + timedelta(microseconds=1)
    for _ in range(MAX_SLOTS_SCANNED):
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None or fire > until:
            return
        if fire > after:
            yield fire
        previous, cursor = fire, fire + timedelta(microseconds=1)


def next_slot(trigger: BaseTrigger, now: datetime) -> datetime | None:
    return trigger.get_next_fire_time(None, now)
