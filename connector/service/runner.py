"""What the service does when a slot is due: decide which slot, record it, run the thin job function.

Job functions take a JobContext whose `today` comes from the runner's clock (in the config's
timezone), so the same code runs under APScheduler, under a fake clock in tests, and for
catching up after a restart. All runs go through `ServiceRunner.fire`, serialised by one
lock, which is what makes "done once per slot" hold inside one process; the service lock
makes it hold across processes.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from connector.clock import SYSTEM_CLOCK, Clock
from connector.config.schema import ConnectorConfig
from connector.config.service_schema import JobConfig, ScheduleConfig
from connector.service.slots import (
    ABANDONED,
    BASELINE,
    DONE,
    FAILED,
    FOLDED,
    MISSED,
    SKIPPED,
    SlotLedger,
    SlotPlan,
    plan_slot,
    slot_key,
    slot_time,
)
from connector.service.triggers import build_trigger
from connector.store import Store

log = logging.getLogger("connector.service")


@dataclass(frozen=True)
class JobContext:
    """Everything a job function needs; `today` is the scheduler clock's date in the config's timezone."""

    config: ConnectorConfig
    store: Store
    clock: Clock
    job: JobConfig
    slot: datetime
    slot_key: str
    today: date
    state_dir: Path
    attempt: int = 1
    coalesced: int = 0

    @property
    def resumed(self) -> bool:
        return self.attempt > 1


JobFunction = Callable[[JobContext], dict[str, Any] | None]


# -- the job kinds: thin, each a call into the cycle or the summary ------------------------------


def job_sync(ctx: JobContext) -> dict[str, Any]:
    report = _cycle(ctx, dunning=False)
    return _describe_report(report)


def job_cycle(ctx: JobContext) -> dict[str, Any]:
    report = _cycle(ctx, dunning=True)
    detail = _describe_report(report)
    if ctx.job.summary:
        from connector.summary.deliver import send_summaries
        from connector.summary.from_cycle import admin_summaries_from_report

        deliveries = send_summaries(ctx.config, ctx.store, admin_summaries_from_report(report, ctx.store),
                                    slot=f"{ctx.job.id}@{ctx.slot_key}", clock=ctx.clock)
        detail["summaries"] = {d.key: d.status for d in deliveries}
    return detail


def job_summary(ctx: JobContext, *, kind: str = "daily") -> dict[str, Any]:
    from connector.summary.deliver import send_summaries
    from connector.summary.from_cycle import admin_summaries_from_store

    since = datetime.fromtimestamp(ctx.clock.now(), UTC) - timedelta(days=7) if kind == "weekly" else None
    admins = admin_summaries_from_store(ctx.config, ctx.store, today=ctx.today, sent_since=since)
    deliveries = send_summaries(ctx.config, ctx.store, admins, slot=f"{ctx.job.id}@{ctx.slot_key}", clock=ctx.clock,
                                kind=kind)  # type: ignore[arg-type]
    return {"summaries": {d.key: d.status for d in deliveries}}


def job_weekly(ctx: JobContext) -> dict[str, Any]:
    return job_summary(ctx, kind="weekly")


def job_call(ctx: JobContext) -> dict[str, Any] | None:
    assert ctx.job.target is not None
    module_name, _, function_name = ctx.job.target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    return function(ctx)


JOB_KINDS: dict[str, JobFunction] = {
    "sync": job_sync, "cycle": job_cycle, "summary": job_summary, "weekly": job_weekly, "call": job_call,
}


def _cycle(ctx: JobContext, *, dunning: bool) -> Any:
    from connector.service.cycle import run_cycle

    return run_cycle(ctx.config, ctx.store, today=ctx.today, clock=ctx.clock, state_dir=ctx.state_dir,
                     dunning=dunning)


def _describe_report(report: Any) -> dict[str, Any]:
    return {"admins": {o.key: o.status for o in report.outcomes},
            "failed": {o.key: o.error for o in report.failed}}


# -- the runner --------------------------------------------------------------------------------------


def dutch_working_day(day: date) -> bool:
    """Monday to Friday and not a Dutch public holiday (Koningsdag, Hemelvaart, Kerst, ...)."""
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


@cache
def _dutch_holidays(year: int) -> Any:
    import holidays

    return holidays.country_holidays("NL", years=year)


class ServiceRunner:
    def __init__(self, config: ConnectorConfig, store: Store, schedule: ScheduleConfig, *,
                 clock: Clock = SYSTEM_CLOCK, state_dir: Path, job_functions: dict[str, JobFunction] | None = None,
                 is_working_day: Callable[[date], bool] = dutch_working_day) -> None:
        self.config, self.store, self.schedule, self.clock = config, store, schedule, clock
        self.state_dir = state_dir
        self.tz = ZoneInfo(config.timezone)
        self.jobs = {job.id: job for job in schedule.jobs if job.enabled}
        self.triggers = {job.id: build_trigger(job, config.timezone) for job in self.jobs.values()}
        self.functions = {**JOB_KINDS, **(job_functions or {})}
        self.is_working_day = is_working_day
        self.ledger = SlotLedger(store.engine, clock=clock)
        self.stopping = threading.Event()
        self._lock = threading.RLock()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def start(self) -> None:
        """At start-up: finish interrupted slots, then catch up on what was missed while we were down."""
        with self._lock:
            self.set_baselines()
            self.resume_interrupted()
            for job_id in self.jobs:
                self.fire(job_id)

    def set_baselines(self) -> None:
        """A job seen for the first time starts counting now: no catching up on slots from before it existed."""
        for job_id in self.jobs:
            if self.ledger.last(job_id) is None:
                self.ledger.note(job_id, slot_key(self.now()), BASELINE, {"reason": "first start of this job"})

    def resume_interrupted(self) -> None:
        """Run interrupted slots again, once; one that a newer due slot of its job supersedes is folded
        into that run instead (a cycle works on today's state, so one run does the work of both)."""
        for record in self.ledger.interrupted():
            if self.stopping.is_set():
                return
            job = self.jobs.get(record.job_id)
            if job is None:
                self.ledger.finish(record.job_id, record.slot, ABANDONED,
                                   error="interrupted, and the job is no longer in the schedule")
            elif record.attempts >= self.schedule.max_resume_attempts:
                self.ledger.finish(record.job_id, record.slot, FAILED,
                                   error=f"interrupted {record.attempts} times; not tried again")
                log.error("job %s slot %s was interrupted %d times; giving up on it",
                          record.job_id, record.slot, record.attempts)
            elif (newer := self._plan(job, after=slot_time(record.slot)).run) is not None:
                self.ledger.finish(record.job_id, record.slot, FOLDED, detail={"into": slot_key(newer)})
                log.warning("job %s: slot %s was interrupted; it is folded into the newer slot %s, due now",
                            record.job_id, record.slot, slot_key(newer))
            else:
                log.warning("job %s: resuming slot %s, interrupted before it finished", record.job_id, record.slot)
                self._run(job, slot_time(record.slot))

    def fire(self, job_id: str) -> str | None:
        """Run the newest due slot of a job unless it already ran; returns the slot run, if any."""
        if self.stopping.is_set():
            return None
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                log.warning("job %s is scheduled but not in the config any more; ignored", job_id)
                return None
            if self.ledger.interrupted(job_id):
                self.resume_interrupted()
            last = self.ledger.last(job_id)
            after = slot_time(last.slot) if last is not None else self.now() - timedelta(seconds=1)
            plan = self._plan(job, after=after)
            for moment, reason in plan.skipped:
                status = MISSED if reason.startswith("missed") else SKIPPED
                self.ledger.note(job_id, slot_key(moment), status, {"reason": reason})
                log.info("job %s: slot %s %s (%s)", job_id, slot_key(moment), status, reason)
            if plan.run is None:
                return None
            coalesced = len(plan.coalesced) + (1 if last is not None and last.status == FOLDED else 0)
            if coalesced:
                log.warning("job %s: %d missed or interrupted slot(s) run once, as slot %s", job_id, coalesced,
                            slot_key(plan.run))
            return self._run(job, plan.run, coalesced=coalesced)

    def _plan(self, job: JobConfig, *, after: datetime) -> SlotPlan:
        """Which slot of `job` after `after` is due now (pure: nothing is recorded)."""
        grace = timedelta(minutes=job.misfire_grace_minutes) if job.misfire_grace_minutes else None
        return plan_slot(self.triggers[job.id], after=after, now=self.now(), tz=self.tz, grace=grace,
                         is_working_day=self.is_working_day if job.working_days_only else None)

    def _run(self, job: JobConfig, slot: datetime, *, coalesced: int = 0) -> str | None:
        key = slot_key(slot)
        attempt = self.ledger.begin(job.id, key, {"coalesced": coalesced} if coalesced else None)
        if attempt is None:
            return None
        today = datetime.fromtimestamp(self.clock.now(), self.tz).date()
        ctx = JobContext(config=self.config, store=self.store, clock=self.clock, job=job, slot=slot, slot_key=key,
                         today=today, state_dir=self.state_dir, attempt=attempt, coalesced=coalesced)
        log.info("job %s (%s): slot %s started%s", job.id, job.kind, key, f" (attempt {attempt})" if attempt > 1 else "")
        try:
            detail = self.functions[job.kind](ctx) or {}
        except Exception as exc:
            log.exception("job %s: slot %s failed", job.id, key)
            self.ledger.finish(job.id, key, FAILED, error=f"{type(exc).__name__}: {exc}")
            return key
        if coalesced:
            detail = {**detail, "coalesced": coalesced}
        self.ledger.finish(job.id, key, DONE, detail=_json_safe(detail))
        log.info("job %s: slot %s done", job.id, key)
        return key


def _json_safe(value: Any) -> Any:
    from connector.store.codec import encode

    return encode(value)


__all__ = [
    "ABANDONED",
    "BASELINE",
    "DONE",
    "FAILED",
    "FOLDED",
    "JOB_KINDS",
    "MISSED",
    "SKIPPED",
    "JobContext",
    "ServiceRunner",
    "dutch_working_day",
]
