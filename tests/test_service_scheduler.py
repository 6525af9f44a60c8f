"""APScheduler in-process (short real intervals): jobs persist in the state database, each slot runs once,
and a stop request lets the running job finish."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from connector.config.schema import ConnectorConfig
from connector.config.service_schema import JobConfig, ScheduleConfig
from connector.service.runner import JobContext, ServiceRunner
from connector.service.scheduler import JOBS_TABLE, Service, stored_next_runs
from connector.service.slots import SlotLedger
from connector.store import Store

EVERY_SECOND = JobConfig(id="tick", kind="sync", cron={"second": "*"})


def test_service_runs_slots_once_persists_its_jobs_and_stops_after_the_running_job(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    schedule = ScheduleConfig(jobs=[EVERY_SECOND], heartbeat_seconds=1, lock_ttl_seconds=5)
    slots: list[tuple[str, int]] = []
    second_started, release = threading.Event(), threading.Event()

    def job(ctx: JobContext) -> dict:
        slots.append((ctx.slot_key, ctx.attempt))
        if len(slots) == 2:
            second_started.set()
            assert release.wait(10), "test did not release the job"
        return {}

    runner = ServiceRunner(ConnectorConfig(), store, schedule, state_dir=tmp_path, job_functions={"sync": job})
    service = Service(runner)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert second_started.wait(10), "the scheduler did not run two slots"
    with store.engine.connect() as conn:
        assert conn.execute(sa.text(f"select id from {JOBS_TABLE}")).scalars().all() == ["tick"]
    assert "tick" in stored_next_runs(store.engine)

    service.stop()  # SIGTERM while the second slot is running
    thread.join(0.3)
    assert thread.is_alive(), "stop must wait for the running job"
    release.set()
    thread.join(10)
    assert not thread.is_alive()

    ledger = SlotLedger(store.engine)
    records = ledger.recent("tick", 10, ran_only=True)
    assert {r.slot for r in records} == {slot for slot, _ in slots}
    assert all(r.status == "done" and r.attempts == 1 for r in records)
    assert len(slots) == len(set(slots)) == 2  # no slot twice, nothing started after the stop
    assert service.lock.current() is None
