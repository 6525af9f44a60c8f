"""APScheduler's own misfire path, for real: the BackgroundScheduler the service builds, with its
SQLAlchemy job store on a SQLite file.

APScheduler 3 reads the wall clock itself, so instead of a fake clock the test leaves behind what a
stopped service or a sleeping laptop leaves: persisted jobs whose next run time is days in the past.
A restarted scheduler must run each of them once (coalesce), however late (no misfire limit of its
own), and move the stored next run time to the future; the slot ledger then decides what that one
run does (the newest slot, or `missed` past the job's own grace).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.config.service_schema import JobConfig, ScheduleConfig
from connector.service.runner import DONE, JobContext, ServiceRunner
from connector.service.scheduler import (
    PERSISTENT,
    _set_active,
    build_scheduler,
    stored_next_runs,
    sync_jobs,
)
from connector.service.slots import slot_key
from connector.store import Store


def test_a_restarted_scheduler_runs_each_overdue_job_once_and_the_ledger_keeps_the_grace(tmp_path):
    now = datetime.now(UTC)
    slot_today = (now - timedelta(hours=1)).replace(second=0, microsecond=0)  # due an hour ago, every day
    cron = {"hour": slot_today.hour, "minute": slot_today.minute}
    jobs = [JobConfig(id="daily", kind="cycle", cron=cron),
            JobConfig(id="graced", kind="cycle", cron=cron, misfire_grace_minutes=30)]
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    calls: list[tuple[str, str, int]] = []

    def cycle(ctx: JobContext) -> dict:
        calls.append((ctx.job.id, ctx.slot_key, ctx.coalesced))
        return {}

    runner = ServiceRunner(ConnectorConfig(timezone="UTC"), store, ScheduleConfig(jobs=jobs),
                           clock=FakeClock(now.timestamp()), state_dir=tmp_path, job_functions={"cycle": cycle})
    last_run = slot_today - timedelta(days=3)
    for job in jobs:  # both ran three days ago, then the service stopped
        runner.ledger.begin(job.id, slot_key(last_run))
        runner.ledger.finish(job.id, slot_key(last_run), DONE)

    first = build_scheduler(runner)  # the service that ran then: its jobs persist in the SQLite file
    first.start(paused=True)
    sync_jobs(first, runner)
    first.shutdown()
    persisted = stored_next_runs(store.engine)

    scheduler = build_scheduler(runner)  # the restart: a new scheduler on the same file
    events: list = []
    both_done = threading.Event()

    def listen(event) -> None:
        events.append(event)
        if len(events) == len(jobs):
            both_done.set()

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    _set_active(runner)
    try:
        scheduler.start(paused=True)
        sync_jobs(scheduler, runner)
        assert stored_next_runs(store.engine) == persisted  # unchanged jobs are kept as stored, not re-added
        # What a SIGKILL three days ago left in the store: the first slot the old service never saw.
        # (Written here, while paused: APScheduler's own shutdown processes due jobs once more.)
        for job in jobs:
            scheduler.modify_job(job.id, jobstore=PERSISTENT, next_run_time=last_run + timedelta(days=1))
        assert stored_next_runs(store.engine) == {job.id: last_run + timedelta(days=1) for job in jobs}
        scheduler.resume()
        assert both_done.wait(30), f"APScheduler did not run the overdue jobs: {events}"
    finally:
        scheduler.shutdown(wait=True)
        _set_active(None)

    # APScheduler: three due run times per job, one execution each (coalesce), none dropped as missed
    assert sorted((e.job_id, e.code, e.scheduled_run_time) for e in events) == [
        ("daily", EVENT_JOB_EXECUTED, slot_today), ("graced", EVENT_JOB_EXECUTED, slot_today)]
    assert all(when > now for when in stored_next_runs(store.engine).values())
    # the ledger: the daily job ran its newest slot once, the two before it folded in; the graced job's
    # slot was an hour late, more than its 30 minutes, so it is recorded as missed and not run
    assert calls == [("daily", slot_key(slot_today), 2)]
    assert runner.ledger.get("daily", slot_key(slot_today)).status == "done"
    graced = runner.ledger.get("graced", slot_key(slot_today))
    assert graced.status == "missed" and graced.detail["reason"].startswith("missed by more than 0:30:00")
