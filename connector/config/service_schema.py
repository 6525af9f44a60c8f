"""Config of the background service (`connector serve`): which jobs run when, and the lock.

To be wired into ConnectorConfig as `schedule: ScheduleConfig = ScheduleConfig()`; until then
`connector serve --schedule FILE` reads the same section from its own YAML file. Cron
expressions use crontab syntax with day names ("0 9 * * mon-fri") in the config's timezone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from connector.config.base import Section

JobKind = Literal["sync", "cycle", "summary", "weekly", "call"]
_JOB_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second")


class JobConfig(Section):
    """One scheduled job.

    kind: sync (pull and reconcile, no dunning), cycle (the full run of `connector run`),
    summary (the summary e-mail from the stored state), weekly (the weekly overview),
    call (a Python function `module:function` taking a JobContext, for your own jobs).
    """

    id: str
    kind: JobKind
    cron: str | dict[str, str | int] | None = Field(
        None, description='crontab "min hour day month weekday", or APScheduler cron fields')
    every_minutes: int | None = Field(None, ge=1, le=24 * 60)
    working_days_only: bool = Field(False, description="skip weekends and Dutch public holidays")
    summary: bool = Field(False, description="cycle jobs: send the summary e-mail after the run")
    misfire_grace_minutes: int | None = Field(
        None, ge=1, description="a slot missed by more than this is skipped; none: always run it once late")
    target: str | None = Field(None, description="call jobs: 'package.module:function'")
    enabled: bool = True

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _JOB_ID.match(value):
            raise ValueError("use lower-case letters, digits, '-' or '_' (max 63), e.g. 'daily-dunning'")
        return value

    @field_validator("cron")
    @classmethod
    def _cron_parses(cls, value: str | dict[str, str | int] | None) -> str | dict[str, str | int] | None:
        if value is None:
            return value
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(_CRON_FIELDS))
            if unknown:
                raise ValueError(f"unknown cron field(s) {', '.join(unknown)} (known: {', '.join(_CRON_FIELDS)})")
        from connector.service.triggers import cron_trigger

        try:
            cron_trigger(value, "UTC")
        except ValueError as exc:
            raise ValueError(f"invalid cron {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_timing(self) -> JobConfig:
        if (self.cron is None) == (self.every_minutes is None):
            raise ValueError("give exactly one of 'cron' or 'every_minutes'")
        if self.kind == "call" and not (self.target and ":" in self.target):
            raise ValueError("a 'call' job needs target: 'package.module:function'")
        if self.kind != "call" and self.target:
            raise ValueError("'target' is only for kind 'call'")
        return self


def default_jobs() -> list[JobConfig]:
    """Hourly sync in office hours, dunning with the summary at 09:00 on working days, a Monday overview."""
    return [
        JobConfig(id="sync-hourly", kind="sync", cron="0 8-18 * * mon-fri", working_days_only=True),
        JobConfig(id="dunning-daily", kind="cycle", cron="0 9 * * mon-fri", working_days_only=True, summary=True),
        JobConfig(id="weekly-overview", kind="weekly", cron="30 8 * * mon"),
    ]


class ScheduleConfig(Section):
    jobs: list[JobConfig] = Field(default_factory=default_jobs)
    lock_ttl_seconds: int = Field(90, ge=5, description="a lock not renewed for this long is free to take over")
    heartbeat_seconds: int = Field(20, ge=1, description="how often the running service renews its lock")
    max_resume_attempts: int = Field(3, ge=1, description="an interrupted slot is re-run at most this often")

    @model_validator(mode="after")
    def _checks(self) -> ScheduleConfig:
        ids = [job.id for job in self.jobs]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"job id(s) used twice: {', '.join(twice)}")
        if self.heartbeat_seconds * 2 >= self.lock_ttl_seconds:
            raise ValueError("heartbeat_seconds must be less than half of lock_ttl_seconds")
        return self


def schedule_of(config: object) -> ScheduleConfig:
    """The config's schedule section once it is wired in, else the default schedule."""
    schedule = getattr(config, "schedule", None)
    return schedule if isinstance(schedule, ScheduleConfig) else ScheduleConfig()


def load_schedule_file(path: Path) -> ScheduleConfig:
    """A YAML file holding the schedule section (at the top level or under `schedule:`)."""
    import yaml
    from pydantic import ValidationError

    from connector.config.loader import _dotted, _node_at
    from connector.errors import ConfigError

    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read schedule: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML: {exc}") from None
    prefix: tuple[str, ...] = ()
    if isinstance(data, dict) and set(data) == {"schedule"}:
        data, prefix = data["schedule"] or {}, ("schedule",)
    try:
        return ScheduleConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = prefix + tuple(error["loc"])
            node = _node_at(root, loc)
            line = node.start_mark.line + 1 if node is not None else 1
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{path}:{line} {_dotted(loc)}: {message}")
        raise ConfigError("\n".join(lines)) from None
