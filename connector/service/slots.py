"""The slot ledger: one row per (job, scheduled slot) saying whether that slot ran.

APScheduler moves a job's next run time forward *before* it runs the job, so after a
kill it would believe an interrupted slot was done. The ledger is the truth instead:
a slot is `running` from just before the job starts until `done` or `failed` is written
after it, so at start-up a `running` row is exactly an interrupted slot (the service lock
guarantees no other process is running it), and a `done` row is never run again. An
interrupted slot that a newer due slot of the same job supersedes becomes `folded`: the newer
run does its work, so a restart days later runs one cycle, not two.

`plan_slot` is pure: which slot to run now, given the trigger, the last recorded slot and
the time, with coalescing (many missed slots -> one run, the newest), a misfire grace and
working days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.engine import Engine

from connector.clock import SYSTEM_CLOCK, Clock
from connector.service.tables import ensure_service_tables, service_slots
from connector.service.triggers import slots_between

RUNNING, DONE, FAILED, SKIPPED, MISSED, BASELINE, ABANDONED, FOLDED = (
    "running", "done", "failed", "skipped", "missed", "baseline", "abandoned", "folded")
FINISHED = (DONE, FAILED, SKIPPED, MISSED, BASELINE, ABANDONED, FOLDED)


def slot_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_time(key: str) -> datetime:
    return datetime.strptime(key, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SlotRecord:
    job_id: str
    slot: str
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    detail: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """What to do now for one job: run `run` (or nothing), after coalescing `coalesced` older slots."""

    run: datetime | None
    coalesced: tuple[datetime, ...] = ()
    skipped: tuple[tuple[datetime, str], ...] = field(default_factory=tuple)


def plan_slot(trigger: BaseTrigger, *, after: datetime, now: datetime, tz: Any,
              grace: timedelta | None = None, is_working_day: Callable[[date], bool] | None = None) -> SlotPlan:
    """The newest due slot in (after, now] to run now; older due slots are coalesced into it."""
    due = list(slots_between(trigger, after, now))
    if not due:
        return SlotPlan(run=None)
    working = [s for s in due if is_working_day is None or is_working_day(s.astimezone(tz).date())]
    if not working:
        return SlotPlan(run=None, skipped=((due[-1], "not a working day"),))
    newest = working[-1]
    if grace is not None and now - newest > grace:
        return SlotPlan(run=None, skipped=((newest, f"missed by more than {grace}"),))
    return SlotPlan(run=newest, coalesced=tuple(working[:-1]))


class SlotLedger:
    def __init__(self, engine: Engine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.engine, self.clock = engine, clock
        ensure_service_tables(engine)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def get(self, job_id: str, slot: str) -> SlotRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(service_slots).where(
                service_slots.c.job_id == job_id, service_slots.c.slot == slot)).first()
        return _record(row) if row is not None else None

    def last(self, job_id: str) -> SlotRecord | None:
        """The newest recorded slot of a job (any status)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(service_slots).where(service_slots.c.job_id == job_id)
                               .order_by(service_slots.c.slot.desc()).limit(1)).first()
        return _record(row) if row is not None else None

    def recent(self, job_id: str, limit: int = 5, *, ran_only: bool = False) -> list[SlotRecord]:
        query = sa.select(service_slots).where(service_slots.c.job_id == job_id)
        if ran_only:
            query = query.where(service_slots.c.status.in_((RUNNING, DONE, FAILED, ABANDONED, FOLDED)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(service_slots.c.slot.desc()).limit(limit))
            return [_record(row) for row in rows]

    def interrupted(self, job_id: str | None = None) -> list[SlotRecord]:
        query = sa.select(service_slots).where(service_slots.c.status == RUNNING)
        if job_id is not None:
            query = query.where(service_slots.c.job_id == job_id)
        with self.engine.connect() as conn:
            return [_record(row) for row in conn.execute(query.order_by(service_slots.c.slot))]

    def begin(self, job_id: str, slot: str, detail: dict[str, Any] | None = None) -> int | None:
        """Mark a slot running (committed before the job starts); returns the attempt number,
        or None when the slot already finished and must not run again."""
        now = self._now()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(service_slots.c.status, service_slots.c.attempts).where(
                service_slots.c.job_id == job_id, service_slots.c.slot == slot)).first()
            if row is None:
                conn.execute(service_slots.insert().values(job_id=job_id, slot=slot, status=RUNNING, attempts=1,
                                                           started_at=now, detail=detail))
                return 1
            if row.status != RUNNING:
                return None
            conn.execute(service_slots.update().where(
                service_slots.c.job_id == job_id, service_slots.c.slot == slot,
            ).values(attempts=row.attempts + 1, started_at=now))
            return int(row.attempts) + 1

    def finish(self, job_id: str, slot: str, status: str, *, detail: dict[str, Any] | None = None,
               error: str | None = None) -> None:
        values: dict[str, Any] = {"status": status, "finished_at": self._now(), "error": error}
        if detail is not None:
            values["detail"] = detail
        with self.engine.begin() as conn:
            conn.execute(service_slots.update().where(
                service_slots.c.job_id == job_id, service_slots.c.slot == slot).values(**values))

    def note(self, job_id: str, slot: str, status: str, detail: dict[str, Any] | None = None) -> None:
        """Record a slot that will not run (skipped, missed, baseline); no-op when it is already known."""
        now = self._now()
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(service_slots.c.status).where(
                service_slots.c.job_id == job_id, service_slots.c.slot == slot)).first()
            if exists is None:
                conn.execute(service_slots.insert().values(job_id=job_id, slot=slot, status=status, attempts=0,
                                                           finished_at=now, detail=detail))


def _record(row: Any) -> SlotRecord:
    return SlotRecord(job_id=row.job_id, slot=row.slot, status=row.status, attempts=row.attempts,
                      started_at=row.started_at, finished_at=row.finished_at, detail=row.detail, error=row.error)
