"""The scheduler's bookkeeping under a fake clock: one run per slot, misfires coalesced into one run,
working days, restarts that resume an interrupted slot exactly once and never repeat a finished one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.config.service_schema import JobConfig, ScheduleConfig
from connector.service.runner import JobContext, ServiceRunner, dutch_working_day
from connector.service.slots import SlotLedger, plan_slot, slot_key
from connector.service.triggers import build_trigger
from connector.store import Store

AMS = ZoneInfo("Europe/Amsterdam")
DAILY = JobConfig(id="dunning-daily", kind="cycle", cron="0 9 * * mon-fri", working_days_only=True)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


def trigger(job: JobConfig = DAILY):
    return build_trigger(job, "Europe/Amsterdam")


# -- the pure decision ------------------------------------------------------------------------------------


def test_the_next_working_day_runs_after_a_weekend():
    plan = plan_slot(trigger(), after=at(2026, 10, 9, 9), now=at(2026, 10, 12, 10), tz=AMS)
    assert plan.run == at(2026, 10, 12, 9) and plan.coalesced == ()


def test_a_sleeping_laptop_runs_the_missed_days_once_as_the_newest_slot():
    plan = plan_slot(trigger(), after=at(2026, 10, 6, 9), now=at(2026, 10, 12, 8, 30), tz=AMS)
    assert plan.run == at(2026, 10, 9, 9)
    assert plan.coalesced == (at(2026, 10, 7, 9), at(2026, 10, 8, 9))


def test_public_holidays_are_skipped_on_working_days_only_jobs():
    kings_day = at(2026, 4, 27, 9)  # Koningsdag, a Monday
    plan = plan_slot(trigger(), after=at(2026, 4, 24, 9), now=kings_day + timedelta(hours=1), tz=AMS,
                     is_working_day=dutch_working_day)
    assert plan.run is None and plan.skipped == ((kings_day, "not a working day"),)
    assert plan_slot(trigger(), after=at(2026, 4, 24, 9), now=kings_day + timedelta(hours=1), tz=AMS).run == kings_day
    assert not dutch_working_day(date(2026, 12, 25)) and dutch_working_day(date(2026, 12, 23))


def test_a_slot_missed_by_more_than_the_grace_is_skipped():
    plan = plan_slot(trigger(), after=at(2026, 10, 9, 9), now=at(2026, 10, 12, 11, 1), tz=AMS,
                     grace=timedelta(hours=2))
    assert plan.run is None and plan.skipped[0][0] == at(2026, 10, 12, 9)
    assert plan.skipped[0][1].startswith("missed")


def test_interval_slots_do_not_shift_with_restarts():
    job = JobConfig(id="every-15", kind="sync", every_minutes=15)
    first = plan_slot(trigger(job), after=at(2026, 10, 12, 9, 3), now=at(2026, 10, 12, 9, 20), tz=AMS)
    again = plan_slot(build_trigger(job, "Europe/Amsterdam"), after=at(2026, 10, 12, 9, 3),
                      now=at(2026, 10, 12, 9, 20), tz=AMS)
    assert first.run == again.run == at(2026, 10, 12, 9, 15)


# -- the runner with a fake clock and a real store ----------------------------------------------------------


class Killed(BaseException):
    """Stands in for a SIGKILL: escapes every `except Exception` and leaves the slot 'running'."""


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int, date, int]] = []
        self.kill_next = 0
        self.fail_next = 0

    def __call__(self, ctx: JobContext) -> dict:
        self.calls.append((ctx.job.id, ctx.slot_key, ctx.attempt, ctx.today, ctx.coalesced))
        if self.kill_next:
            self.kill_next -= 1
            raise Killed
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("host down")
        return {"ok": True}


@pytest.fixture
def env(tmp_path):
    clock = FakeClock(at(2026, 10, 12, 8).timestamp())  # Monday 08:00
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=clock)
    config = ConnectorConfig(timezone="Europe/Amsterdam")
    schedule = ScheduleConfig(jobs=[DAILY, JobConfig(id="sync-hourly", kind="sync", cron="0 8-18 * * mon-fri")])
    recorder = Recorder()

    def runner() -> ServiceRunner:  # a fresh process on the same state database
        return ServiceRunner(config, store, schedule, clock=clock, state_dir=tmp_path,
                             job_functions={"cycle": recorder, "sync": recorder})

    return clock, store, recorder, runner


def advance_to(clock: FakeClock, moment: datetime) -> None:
    clock.advance(moment.timestamp() - clock.now())


def test_each_slot_runs_once_with_today_from_the_clock(env):
    clock, _store, recorder, runner = env
    service = runner()
    service.start()  # first start: a baseline, no catching up on the past
    assert recorder.calls == []
    advance_to(clock, at(2026, 10, 12, 9, 0, 3))
    assert service.fire("dunning-daily") == "2026-10-12T07:00:00Z"
    assert service.fire("dunning-daily") is None  # APScheduler firing twice for one slot
    assert service.fire("sync-hourly") == "2026-10-12T07:00:00Z"
    advance_to(clock, at(2026, 10, 12, 9, 40))
    assert service.fire("dunning-daily") is None
    assert [(c[0], c[1], c[3]) for c in recorder.calls] == [
        ("dunning-daily", "2026-10-12T07:00:00Z", date(2026, 10, 12)),
        ("sync-hourly", "2026-10-12T07:00:00Z", date(2026, 10, 12)),
    ]


def test_a_sleeping_laptop_neither_skips_the_day_nor_runs_it_twice(env):
    clock, store, recorder, runner = env
    service = runner()
    service.start()
    advance_to(clock, at(2026, 10, 12, 9, 0, 1))
    service.fire("dunning-daily")
    advance_to(clock, at(2026, 10, 15, 13, 0))  # lid closed Monday 09:01, opened Thursday 13:00
    service.start()  # what the service does on waking: catch up
    service.fire("dunning-daily")  # and APScheduler's own misfire, coalesced
    dunning = [c for c in recorder.calls if c[0] == "dunning-daily"]
    assert [(c[1], c[3], c[4]) for c in dunning] == [
        ("2026-10-12T07:00:00Z", date(2026, 10, 12), 0),
        ("2026-10-15T07:00:00Z", date(2026, 10, 15), 2),  # Tuesday and Wednesday folded into Thursday's run
    ]
    record = SlotLedger(store.engine).get("dunning-daily", "2026-10-15T07:00:00Z")
    assert record.status == "done" and record.detail["coalesced"] == 2


def test_a_restart_resumes_an_interrupted_slot_exactly_once_and_never_a_finished_one(env):
    clock, store, recorder, runner = env
    first = runner()
    first.start()
    advance_to(clock, at(2026, 10, 12, 9, 0, 1))
    first.fire("sync-hourly")  # finishes
    recorder.kill_next = 1
    with pytest.raises(Killed):
        first.fire("dunning-daily")  # the process dies in the middle of the 09:00 dunning run
    assert SlotLedger(store.engine).get("dunning-daily", "2026-10-12T07:00:00Z").status == "running"

    advance_to(clock, at(2026, 10, 12, 9, 2))
    runner().start()  # restarted: resume, then catch up
    runner().start()  # and once more: nothing left to do
    assert [(c[0], c[1], c[2]) for c in recorder.calls] == [
        ("sync-hourly", "2026-10-12T07:00:00Z", 1),
        ("dunning-daily", "2026-10-12T07:00:00Z", 1),
        ("dunning-daily", "2026-10-12T07:00:00Z", 2),
    ]
    record = SlotLedger(store.engine).get("dunning-daily", "2026-10-12T07:00:00Z")
    assert (record.status, record.attempts) == ("done", 2)


def test_a_restart_days_later_folds_the_interrupted_slot_into_the_one_due_now(env):
    clock, store, recorder, runner = env
    runner().start()
    advance_to(clock, at(2026, 10, 12, 9, 0, 1))
    recorder.kill_next = 1
    with pytest.raises(Killed):
        runner().fire("dunning-daily")  # killed during Monday's run
    advance_to(clock, at(2026, 10, 15, 13, 0))  # restarted on Thursday afternoon
    service = runner()
    service.start()
    service.fire("dunning-daily")  # APScheduler's own misfire after the start: nothing left to do
    runner().start()
    dunning = [(c[1], c[2], c[3], c[4]) for c in recorder.calls if c[0] == "dunning-daily"]
    assert dunning == [
        ("2026-10-12T07:00:00Z", 1, date(2026, 10, 12), 0),
        ("2026-10-15T07:00:00Z", 1, date(2026, 10, 15), 3),  # one run: Monday's, Tuesday's and Wednesday's work too
    ]
    ledger = SlotLedger(store.engine)
    monday = ledger.get("dunning-daily", "2026-10-12T07:00:00Z")
    assert (monday.status, monday.detail) == ("folded", {"into": "2026-10-15T07:00:00Z"})
    thursday = ledger.get("dunning-daily", "2026-10-15T07:00:00Z")
    assert thursday.status == "done" and thursday.detail["coalesced"] == 3
    assert ledger.interrupted() == []


def test_a_slot_that_keeps_killing_the_process_is_given_up(env):
    clock, store, recorder, runner = env
    runner().start()
    advance_to(clock, at(2026, 10, 12, 9, 0, 1))
    recorder.kill_next = 3
    for _ in range(3):
        with pytest.raises(Killed):
            runner().start()
    runner().start()
    record = SlotLedger(store.engine).get("dunning-daily", slot_key(at(2026, 10, 12, 9)))
    assert record.status == "failed" and "interrupted 3 times" in record.error
    assert len([c for c in recorder.calls if c[0] == "dunning-daily"]) == 3


def test_a_failing_job_is_recorded_and_the_next_slot_runs(env):
    clock, store, recorder, runner = env
    service = runner()
    service.start()
    recorder.fail_next = 1
    advance_to(clock, at(2026, 10, 12, 9, 0, 1))
    service.fire("dunning-daily")
    record = SlotLedger(store.engine).get("dunning-daily", "2026-10-12T07:00:00Z")
    assert record.status == "failed" and record.error == "RuntimeError: host down"
    advance_to(clock, at(2026, 10, 13, 9, 0, 1))
    runner().start()  # a failed slot is not retried by a restart
    assert [c[1] for c in recorder.calls if c[0] == "dunning-daily"] == [
        "2026-10-12T07:00:00Z", "2026-10-13T07:00:00Z"]


def test_a_job_removed_from_the_config_while_interrupted_is_abandoned(env, tmp_path):
    clock, store, recorder, runner = env
    runner().start()
    advance_to(clock, at(2026, 10, 12, 9, 0, 1))
    recorder.kill_next = 1
    with pytest.raises(Killed):
        runner().fire("dunning-daily")
    smaller = ScheduleConfig(jobs=[JobConfig(id="sync-hourly", kind="sync", cron="0 8-18 * * mon-fri")])
    ServiceRunner(ConnectorConfig(), store, smaller, clock=clock, state_dir=tmp_path,
                  job_functions={"sync": recorder}).start()
    assert SlotLedger(store.engine).get("dunning-daily", "2026-10-12T07:00:00Z").status == "abandoned"
