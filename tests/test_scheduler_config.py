"""The schedule section: defaults, validation with file:line messages."""

from __future__ import annotations

import pytest

from connector.config.schema import ConnectorConfig
from connector.config.service_schema import ScheduleConfig, load_schedule_file, schedule_of
from connector.errors import ConfigError


def test_the_default_schedule_is_hourly_sync_daily_dunning_with_summary_and_a_weekly_overview():
    jobs = {job.id: job for job in schedule_of(ConnectorConfig()).jobs}
    assert (jobs["sync-hourly"].kind, jobs["sync-hourly"].cron) == ("sync", "0 8-18 * * mon-fri")
    assert (jobs["dunning-daily"].cron, jobs["dunning-daily"].summary) == ("0 9 * * mon-fri", True)
    assert jobs["dunning-daily"].working_days_only and jobs["weekly-overview"].kind == "weekly"


def test_a_schedule_file_with_or_without_the_section_name(tmp_path):
    path = tmp_path / "schedule.yaml"
    path.write_text("schedule:\n  jobs:\n    - {id: noon, kind: summary, cron: '0 12 * * *'}\n", encoding="utf-8")
    assert [job.id for job in load_schedule_file(path).jobs] == ["noon"]
    path.write_text("jobs:\n  - {id: quarter, kind: sync, every_minutes: 15}\n", encoding="utf-8")
    assert load_schedule_file(path).jobs[0].every_minutes == 15


@pytest.mark.parametrize(("body", "message"), [
    ("    - id: a\n      kind: sync\n      cron: '0 25 * * *'\n", "schedule.yaml:5 schedule.jobs[0].cron: invalid cron"),
    ("    - id: a\n      kind: sync\n      cron: '0 9 * * *'\n      every_minutes: 5\n",
     "exactly one of 'cron' or 'every_minutes'"),
    ("    - id: a\n      kind: call\n      every_minutes: 5\n", "needs target"),
    ("    - id: a\n      kind: sync\n      every_minutes: 5\n    - id: a\n      kind: sync\n      every_minutes: 6\n",
     "job id(s) used twice: a"),
    ("    - id: a\n      kind: sync\n      cron: {hours: 9}\n", "unknown cron field(s) hours"),
])
def test_mistakes_are_reported_with_file_and_line(tmp_path, body, message):
    path = tmp_path / "schedule.yaml"
    path.write_text("schedule:\n  jobs:\n" + body, encoding="utf-8")
    with pytest.raises(ConfigError, match=None) as error:
        load_schedule_file(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_the_heartbeat_must_fit_twice_in_the_lock_ttl():
    with pytest.raises(ValueError, match="heartbeat_seconds"):
        ScheduleConfig(lock_ttl_seconds=30, heartbeat_seconds=20)
