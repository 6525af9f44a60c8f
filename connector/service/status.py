"""The service part of `connector status`: who holds the lock, and per job the last and next runs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connector.config.schema import ConnectorConfig
from connector.config.service_schema import ScheduleConfig
from connector.service.lock import ServiceLock
from connector.service.scheduler import stored_next_runs
from connector.service.slots import SlotLedger
from connector.service.triggers import build_trigger
from connector.store import Store


def service_running(store: Store, schedule: ScheduleConfig, *, now: float) -> bool:
    """True while a service holds the lock and renewed it within the ttl (the container health check)."""
    lease = ServiceLock(store.engine, ttl=schedule.lock_ttl_seconds).current()
    return lease is not None and now - lease.heartbeat_at <= schedule.lock_ttl_seconds


def service_status_lines(config: ConnectorConfig, store: Store, schedule: ScheduleConfig, *,
                         now: float) -> list[str]:
    tz = ZoneInfo(config.timezone)
    lock = ServiceLock(store.engine, ttl=schedule.lock_ttl_seconds)
    lease = lock.current()
    if lease is None:
        lines = ["service: not running"]
    else:
        age = now - lease.heartbeat_at
        state = "running" if age <= schedule.lock_ttl_seconds else "not running (stale lock, free to take over)"
        since = datetime.fromtimestamp(lease.acquired_at, tz)
        lines = [(f"service: {state} — pid {lease.pid} on {lease.host}, since {since:%Y-%m-%d %H:%M %Z}, "
                  f"last heartbeat {age:.0f} s ago")]
    ledger = SlotLedger(store.engine)
    stored = stored_next_runs(store.engine)
    moment = datetime.fromtimestamp(now, UTC)
    for job in schedule.jobs:
        timing = job.cron if isinstance(job.cron, str) else (job.cron or f"every {job.every_minutes} min")
        if not job.enabled:
            lines.append(f"  job {job.id} [{job.kind}] {timing}: disabled")
            continue
        ran = ledger.recent(job.id, 1, ran_only=True)
        last = "never ran"
        if ran:
            record = ran[0]
            slot = datetime.strptime(record.slot, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(tz)
            last = f"last {slot:%Y-%m-%d %H:%M} {record.status}"
            if record.attempts > 1:
                last += f" (attempt {record.attempts})"
            if record.error:
                last += f" — {record.error}"
        upcoming = stored.get(job.id) or build_trigger(job, config.timezone).get_next_fire_time(None, moment)
        following = f"next {upcoming.astimezone(tz):%Y-%m-%d %H:%M %Z}" if upcoming else "no next run"
        lines.append(f"  job {job.id} [{job.kind}] {timing}: {last}; {following}")
    return lines
