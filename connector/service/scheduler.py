"""`connector serve`: APScheduler 3 with its job store in the state database, around the ServiceRunner.

APScheduler decides *when* to wake up (cron triggers in the config's timezone, persisted in
the `apscheduler_jobs` table so the schedule survives restarts, coalesce on, no misfire
limit, one worker thread so jobs never overlap). The ServiceRunner decides *what* runs:
it records every slot in the ledger, so a kill, a sleeping laptop or a restart neither
loses a slot nor runs one twice. A SIGTERM or SIGINT lets the running job finish; a job
killed harder is resumed at the next start.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from connector.service.lock import ServiceLock, held
from connector.service.runner import ServiceRunner

log = logging.getLogger("connector.service")

JOBS_TABLE = "apscheduler_jobs"
PERSISTENT, TRANSIENT = "default", "transient"
FIRE_REF = "connector.service.scheduler:fire_scheduled"

_active_runner: ServiceRunner | None = None
_active_lock = threading.Lock()


def fire_scheduled(job_id: str) -> None:
    """Entry point stored in the job store (by reference): hands the wake-up to the active runner."""
    with _active_lock:
        runner = _active_runner
    if runner is None:
        log.warning("job %s fired while no runner is active; ignored", job_id)
        return
    runner.fire(job_id)


def _set_active(runner: ServiceRunner | None) -> None:
    global _active_runner
    with _active_lock:
        _active_runner = runner


def build_scheduler(runner: ServiceRunner) -> BackgroundScheduler:
    return BackgroundScheduler(
        # The transient store comes first so the start-up job is handed to the worker before
        # any persisted job that is overdue.
        jobstores={TRANSIENT: MemoryJobStore(),
                   PERSISTENT: SQLAlchemyJobStore(engine=runner.store.engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=ZoneInfo(runner.config.timezone),
    )


def sync_jobs(scheduler: BackgroundScheduler, runner: ServiceRunner) -> None:
    """Make the persisted jobs match the config; an unchanged job keeps its stored next run time."""
    stored = {job.id: job for job in scheduler.get_jobs(jobstore=PERSISTENT)}
    for job_id, trigger in runner.triggers.items():
        existing = stored.pop(job_id, None)
        if existing is not None and repr(existing.trigger) == repr(trigger) and existing.func_ref == FIRE_REF:
            continue
        scheduler.add_job(FIRE_REF, trigger, args=[job_id], id=job_id, name=job_id, jobstore=PERSISTENT,
                          replace_existing=True)
        log.info("scheduled job %s: %s", job_id, trigger)
    for job_id in stored:
        scheduler.remove_job(job_id, jobstore=PERSISTENT)
        log.info("removed job %s (no longer in the schedule)", job_id)


class Service:
    """The long-running process: lock, scheduler, runner; `run` returns when asked to stop."""

    def __init__(self, runner: ServiceRunner, *, lock: ServiceLock | None = None) -> None:
        self.runner = runner
        schedule = runner.schedule
        self.lock = lock or ServiceLock(runner.store.engine, ttl=schedule.lock_ttl_seconds, clock=runner.clock)
        self.stop_event = threading.Event()
        self.started = threading.Event()

    def stop(self) -> None:
        self.stop_event.set()

    def run(self, *, on_started: Callable[[], None] | None = None) -> None:
        with held(self.lock, heartbeat=self.runner.schedule.heartbeat_seconds, on_lost=self.stop):
            scheduler = build_scheduler(self.runner)
            _set_active(self.runner)
            scheduler.start(paused=True)
            try:
                sync_jobs(scheduler, self.runner)
                scheduler.add_job(self.runner.start, "date", id="startup", jobstore=TRANSIENT)
                scheduler.resume()
                log.info("connector service started (pid lock %s); jobs: %s", self.lock.holder[:8],
                         ", ".join(_describe_next(scheduler)) or "none")
                self.started.set()
                if on_started:
                    on_started()
                self.stop_event.wait()
                log.info("stopping: waiting for the running job to finish")
            finally:
                self.runner.stopping.set()
                scheduler.shutdown(wait=True)
                _set_active(None)
        log.info("connector service stopped")


def _describe_next(scheduler: BackgroundScheduler) -> list[str]:
    out = []
    for job in scheduler.get_jobs(jobstore=PERSISTENT):
        when: datetime | None = getattr(job, "next_run_time", None)
        out.append(f"{job.id} next {when:%Y-%m-%d %H:%M %Z}" if when else f"{job.id} paused")
    return out


def stored_next_runs(engine: Any) -> dict[str, datetime]:
    """Next run times as the persisted job store has them (for `connector status`), without unpickling."""
    import sqlalchemy as sa

    if not sa.inspect(engine).has_table(JOBS_TABLE):
        return {}
    table = sa.table(JOBS_TABLE, sa.column("id"), sa.column("next_run_time"))
    from datetime import UTC

    with engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.id, table.c.next_run_time))
        return {row.id: datetime.fromtimestamp(row.next_run_time, UTC) for row in rows if row.next_run_time}
