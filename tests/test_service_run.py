"""`connector run` and the service's job functions against a Moneybird simulator: one administration
failing (its token revoked) does not stop the other, each result is in the run log, and the summary goes out once per slot."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.config import load_config
from connector.config.service_schema import JobConfig, ScheduleConfig
from connector.service.runner import JobContext, job_cycle, job_weekly
from connector.store import Store
from tests.conftest import run_cli

TODAY = date(2026, 11, 23)


def write_config(folder: Path, simulator: MoneybirdSimulator, *, combined: bool) -> Path:
    path = folder / "config.yaml"
    path.write_text(f"""state:
  url: sqlite:///state.db
timezone: Europe/Amsterdam
output_dir: out
smtp:
  sender: debiteuren@kantoor.example
  mailbox_dir: mailbox
summary:
  recipients: [accountant@kantoor.example]
  combined: {str(combined).lower()}
administrations:
  - key: kapot
    name: Kapotte Host B.V.
    package: moneybird
    moneybird:
      administration_id: "{simulator.administration_id}"
      base_url: {simulator.base_url}
      token_env: REVOKED_TOKEN
  - key: jansen
    name: Jansen & Zn.
    package: moneybird
    moneybird:
      administration_id: "{simulator.administration_id}"
      base_url: {simulator.base_url}
      token_env: MB_TOKEN
""", encoding="utf-8")
    return path


def messages(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted((folder / "mailbox").glob("*.eml"))]


@pytest.fixture
def simulator():  # one per test: what one test's run sends must not change what the next one sees
    with MoneybirdSimulator(seed=4, invoices=40, today=TODAY) as running:
        yield running


def test_run_goes_on_after_a_failing_administration_and_mails_the_summary(tmp_path, simulator):
    path = write_config(tmp_path, simulator, combined=False)
    env = {**os.environ, "MB_TOKEN": simulator.token, "REVOKED_TOKEN": "revoked-by-the-customer"}
    result = run_cli("run", "--config", str(path), env=env)
    assert result.returncode == 1, result.stderr  # something failed, after doing everything else
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]  # step details indented
    assert lines[0].startswith("kapot: failed — "), lines
    assert lines[1].startswith("jansen: ok — ")
    assert lines[2].startswith("summary '[1] Debiteurenoverzicht Kapotte Host B.V. — ")
    # Jansen's own summary may carry notes (e.g. the missing creditor IBAN of this minimal config)
    assert lines[3].startswith("summary '") and "Debiteurenoverzicht Jansen & Zn. — " in lines[3]
    assert len(lines) == 4 and all(line.endswith(": sent") for line in lines[2:])

    kapot, jansen = messages(tmp_path)
    assert kapot["Subject"].startswith("[1] Debiteurenoverzicht Kapotte Host B.V.")
    assert "Administratie mislukt" in kapot.get_body(("plain",)).get_content()
    assert "Debiteurenoverzicht Jansen & Zn." in jansen["Subject"]
    text = jansen.get_body(("plain",)).get_content()
    assert "Ouderdom openstaande posten" in text and "> 90 dagen" in text
    # (`connector run` plans for the real today: whether letters go out depends on the weekday;
    # the warnings of a planned run are checked with a fixed day below)
    related = jansen.get_body(("html",))
    assert any(part.get_content_type() == "image/png" for part in jansen.walk())
    assert "cid:aging-jansen@connector.summary" in related.get_content()

    store = Store.open(load_config(path).state_url)
    cycle_runs = {(r["admin"], r["status"]) for r in store.last_runs(limit=20) if r["kind"] == "cycle"}
    assert cycle_runs == {("kapot", "failed"), ("jansen", "ok")}
    failure = next(r for r in store.last_runs("kapot") if r["kind"] == "cycle")["error"]
    assert failure and failure in lines[0]

    dry = run_cli("run", "--config", str(path), "--dry-run", "--only", "jansen", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "dry_run → " in dry.stdout and len(messages(tmp_path)) == 2
    assert list((tmp_path / "out" / "summary").glob("*.html"))


def test_the_daily_job_mails_one_summary_per_slot_even_when_the_slot_is_resumed(tmp_path, simulator,
                                                                                monkeypatch):
    monkeypatch.setenv("MB_TOKEN", simulator.token)
    monkeypatch.setenv("REVOKED_TOKEN", "revoked-by-the-customer")
    config = load_config(write_config(tmp_path, simulator, combined=True))
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, 2, tzinfo=ZoneInfo("Europe/Amsterdam")).timestamp())
    store = Store.open(config.state_url, clock=clock)
    job = JobConfig(id="dunning-daily", kind="cycle", cron="0 9 * * mon-fri", summary=True)
    slot = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("Europe/Amsterdam"))
    ctx = JobContext(config=config, store=store, clock=clock, job=job, slot=slot, slot_key="2026-11-23T08:00:00Z",
                     today=TODAY, state_dir=tmp_path)
    first = job_cycle(ctx)
    assert first["admins"] == {"kapot": "failed", "jansen": "ok"}
    assert list(first["summaries"].values()) == ["sent"]
    resumed = job_cycle(JobContext(**{**ctx.__dict__, "attempt": 2}))  # the same slot after a kill
    assert resumed["summaries"] == first["summaries"]
    (message,) = messages(tmp_path)
    # the failed administration, and the plan's warning that the letters lack a creditor IBAN
    assert message["Subject"] == "[2] Debiteurenoverzicht 2 administraties — 23 nov 2026"
    attention = message.get_body(("plain",)).get_content().split("== ACTIE NODIG")[1].split("\n\n")[0]
    assert attention.count("IBAN") == 1 and "geen IBAN van de schuldeiser" in attention, "once, in Dutch"

    weekly = job_weekly(JobContext(**{**ctx.__dict__, "job": JobConfig(id="weekly", kind="weekly",
                                                                       cron="30 8 * * mon")}))
    assert list(weekly["summaries"].values()) == ["sent"]
    assert messages(tmp_path)[-1]["Subject"].endswith("Weekoverzicht debiteuren 2 administraties — week 48")
    assert ScheduleConfig().jobs[1].summary  # the default schedule mails after the daily dunning run


def test_the_top_level_language_is_the_default_of_every_administration_and_the_summary():
    from connector.config.schema import ConnectorConfig

    config = ConnectorConfig.model_validate({"language": "en", "administrations": [
        {"key": key, "name": key, "package": "eboekhouden", "eboekhouden": {}, **extra}
        for key, extra in (("unset", {}), ("dutch", {"language": "nl"}))]})
    assert [a.language for a in config.administrations] == ["en", "nl"]
    assert config.summary.language == "en"
    own = ConnectorConfig.model_validate({"language": "en", "summary": {"language": "nl"}})
    assert own.summary.language == "nl"
