"""`connector doctor`: everything a run needs, checked in the order a run needs it, each with a fix.

Checks never stop at the first failure (an accountant with twenty administrations wants the
whole list at once) and never change anything a run depends on: they read, log in (an Exact
login may be refreshed on the way, as any run would) and roll back a probe write.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from connector.clock import Clock
from connector.config.loader import load_config
from connector.config.schema import ConnectorConfig
from connector.errors import ConfigError


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of the doctor's table: what was checked, how it went, and what to do about it."""

    scope: str
    name: str
    status: Status
    detail: str
    fix: str = ""

    @property
    def label(self) -> str:
        return f"{self.scope}: {self.name}"


def ok(scope: str, name: str, detail: str) -> CheckResult:
    return CheckResult(scope, name, Status.OK, detail)


def warn(scope: str, name: str, detail: str, fix: str = "") -> CheckResult:
    return CheckResult(scope, name, Status.WARN, detail, fix)


def fail(scope: str, name: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(scope, name, Status.FAIL, detail, fix)


def skip(scope: str, name: str, detail: str) -> CheckResult:
    return CheckResult(scope, name, Status.SKIP, detail)


def state_folder(config: ConnectorConfig) -> Path:
    """Lock files and other local state: `.connector` next to the config, as the other commands use."""
    base = config.source_path.parent if config.source_path else Path.cwd()
    folder = base / ".connector"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_doctor(config_path: Path, *, clock: Clock, only: Sequence[str] = (), offline: bool = False,
               timeout: float = 10.0) -> list[CheckResult]:
    from connector.onboarding import checks_admin, checks_local
    from connector.store.store import today_in

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        return [fail("config", "file valid", str(exc),
                     "correct the file at the line named above (every key is explained in config.example.yaml), "
                     "or start a new one with `connector init`")]
    admins = [config.administration(key) for key in only] if only else list(config.administrations)
    results = [ok("config", "file valid", f"{config_path}: {len(config.administrations)} administration(s), "
                                          f"timezone {config.timezone}")]
    results.append(checks_local.keyring_check(config, admins))
    today = today_in(config.timezone, clock)
    state_dir = state_folder(config)
    letters_seen: dict[str, tuple[str, CheckResult]] = {}
    for admin in admins:
        if not admin.enabled:
            results.append(skip(admin.key, "administration", "enabled: false in the config; not checked"))
            continue
        results.extend(checks_admin.administration_checks(config, admin, clock=clock, state_dir=state_dir,
                                                          offline=offline, timeout=timeout))
        results.append(_letters_once(config, admin, today, letters_seen))
    results.extend(checks_local.smtp_checks(config, offline=offline, timeout=timeout))
    results.extend(checks_local.summary_checks(config, today=today))
    results.extend(checks_local.state_checks(config, clock=clock))
    results.append(checks_local.output_dir_check(config))
    return results


def _letters_once(config: ConnectorConfig, admin, today, seen: dict[str, tuple[str, CheckResult]]) -> CheckResult:
    """Render an administration's letters, unless one with the same policy and templates was just done."""
    from connector.onboarding.checks_admin import letters_check

    signature = f"{admin.dunning.model_dump_json()}|{admin.language}"
    if signature in seen:
        first, result = seen[signature]
        return CheckResult(admin.key, result.name, result.status,
                           f"the same templates and policy as {first}", result.fix)
    result = letters_check(config, admin, today=today)
    seen[signature] = (admin.key, result)
    return result


# -- output ---------------------------------------------------------------------------------------------


def exit_code(results: Iterable[CheckResult]) -> int:
    results = list(results)
    if results and results[0].scope == "config" and results[0].name == "file valid" \
            and results[0].status is Status.FAIL:
        return 2
    return 1 if any(r.status is Status.FAIL for r in results) else 0


def as_json(results: Sequence[CheckResult]) -> str:
    return json.dumps([{**asdict(r), "status": r.status.value} for r in results], indent=2, ensure_ascii=False)


def as_table(results: Sequence[CheckResult], *, width: int | None = None) -> str:
    """One block per scope (config, each administration, smtp, state, ...): status, check, detail,
    and for a failure or warning its fix on the line below."""
    width = width or max(80, min(140, shutil.get_terminal_size((110, 24)).columns))
    name_width = min(28, max((len(r.name) for r in results), default=10))
    indent = " " * (name_width + 10)
    detail_width = max(30, width - len(indent))
    lines: list[str] = []
    scope = None
    for result in results:
        if result.scope != scope:
            scope = result.scope
            lines.append(scope)
        detail = _wrap(result.detail, detail_width, indent)
        lines.append(f"  {result.status.value:<4}  {result.name:<{name_width}}  {detail}")
        if result.fix and result.status in (Status.FAIL, Status.WARN):
            lines.append(indent + _wrap(f"-> fix: {result.fix}", detail_width, indent))
    counts = {status: sum(1 for r in results if r.status is status) for status in Status}
    lines.append("")
    lines.append(f"{len(results)} checks: {counts[Status.OK]} ok, {counts[Status.WARN]} warning(s), "
                 f"{counts[Status.FAIL]} failed, {counts[Status.SKIP]} skipped")
    return "\n".join(lines)


def _wrap(text: str, width: int, indent: str) -> str:
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        out.extend(textwrap.wrap(paragraph, width, break_long_words=False, break_on_hyphens=False) or [""])
    return ("\n" + indent).join(out)
