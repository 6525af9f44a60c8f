"""Syncing a Moneybird administration: API-call economy, rate limits, crashes and user errors."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import requests

from adapters.moneybird.mapping import contact_from_api, workflow_languages
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.service.sync import sync_administration
from connector.store import Store
from tests.conftest import run_cli
from tests.pairs.moneybird import make_adapter

TODAY = date(2026, 11, 23)


def sync_calls(simulator: MoneybirdSimulator, since: int) -> dict[str, int]:
    """Requests per (method, resource) served after position `since` of the request log."""
    counts: dict[str, int] = {}
    for entry in simulator.request_log[since:]:
        resource = entry.path.split("/")[-2] if entry.path.endswith("synchronization.json") else entry.path
        key = f"{entry.method} {resource}"
        counts[key] = counts.get(key, 0) + 1
    return counts


DATED_LISTINGS = ("/sales_invoices.json", "/sales_invoices/synchronization.json",
                  "/financial_mutations.json", "/financial_mutations/synchronization.json")


def assert_every_listing_names_its_period(simulator: MoneybirdSimulator) -> None:
    """Moneybird's default period is this year: a listing without `period:` would hide older invoices."""
    listings = [e for e in simulator.request_log if e.method == "GET" and e.path.endswith(DATED_LISTINGS)]
    assert listings
    for entry in listings:
        terms = ",".join(entry.query.get("filter", [])).split(",")
        assert any(term.startswith("period:") for term in terms), (entry.path, entry.query)


@pytest.mark.parametrize("k", [1, 100, 101, 250])
def test_second_sync_costs_one_listing_plus_one_fetch_per_hundred_changes(tmp_path, k):
    clock = FakeClock()
    with MoneybirdSimulator(seed=3, invoices=600, clock=clock, today=TODAY) as simulator:
        store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
        adapter = make_adapter(simulator, clock)
        sync_administration(store, adapter, "a")
        changed = simulator.touch_invoices(k)
        assert len(changed) == k
        mark = len(simulator.request_log)
        sync_administration(store, adapter, "a")
        assert sync_calls(simulator, mark) == {
            "GET contacts": 1,
            "GET sales_invoices": 1,
            "POST sales_invoices": math.ceil(k / 100),
            "GET financial_mutations": 1,
        }
        assert {i.host_id: i.version for i in store.open_invoices("a") if i.host_id in changed} == {
            str(inv["id"]): str(inv["version"]) for inv in simulator.invoices() if str(inv["id"]) in changed
        }
        assert_every_listing_names_its_period(simulator)


def test_twenty_thousand_invoices_under_the_rate_limit_without_real_waiting(tmp_path):
    clock = FakeClock()
    with MoneybirdSimulator(seed=11, invoices=20_000, clock=clock, today=TODAY) as simulator:
        store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
        started = time.monotonic()
        report = sync_administration(store, make_adapter(simulator, clock), "a")
        wall = time.monotonic() - started
    assert_every_listing_names_its_period(simulator)
    statuses = [entry.status for entry in simulator.request_log]
    assert statuses.count(429) == 0 and all(s < 400 for s in statuses), "no failed request"
    assert len(statuses) > 150, "more calls than one rate-limit window allows"
    assert clock.slept >= 300, "the limiter waited on the fake clock for the next window"
    open_in_host = sum(1 for inv in simulator.invoices() if inv["state"] in
                       ("open", "late", "reminded", "pending_payment", "scheduled"))
    assert report.streams["invoices"].upserted == open_in_host == store.counts("a")["open_invoices"]
    assert wall < 120, f"took {wall:.0f} s of real time"


def _config(tmp_path: Path, simulator: MoneybirdSimulator, *, token_env: str | None = "MB_TOKEN") -> Path:
    token_line = f"\n      token_env: {token_env}" if token_env else ""
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""state:
  url: sqlite:///state.db
administrations:
  - key: jansen
    name: Jansen
    package: moneybird
    moneybird:
      administration_id: "{simulator.administration_id}"
      base_url: {simulator.base_url}{token_line}
""", encoding="utf-8")
    return path


def _open_count(db: Path) -> tuple[int, bool]:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            count = conn.execute("select count(*) from invoices").fetchone()[0]
            done = conn.execute("select count(*) from bookmarks where stream='invoices'").fetchone()[0]
        return count, bool(done)
    except sqlite3.Error:
        return 0, False


def test_sync_killed_mid_way_resumes_to_the_same_store(tmp_path):
    with MoneybirdSimulator(seed=5, invoices=6_000, today=TODAY, rate_limit=100_000) as simulator:
        reference = tmp_path / "reference"
        reference.mkdir()
        env = {**os.environ, "MB_TOKEN": simulator.token}
        assert run_cli("sync", "--config", str(_config(reference, simulator)), env=env).returncode == 0

        work = tmp_path / "killed"
        work.mkdir()
        config = _config(work, simulator)
        process = subprocess.Popen([sys.executable, "-m", "connector", "sync", "--config", str(config)],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        killed_mid_way = False
        while time.monotonic() < deadline and process.poll() is None:
            count, done = _open_count(work / "state.db")
            if count >= 200 and not done:
                process.send_signal(signal.SIGKILL)
                killed_mid_way = True
                break
            time.sleep(0.005)
        process.wait(timeout=30)
        assert killed_mid_way, "the sync finished before it could be killed"
        count, done = _open_count(work / "state.db")
        assert count > 0 and not done

        assert run_cli("sync", "--config", str(config), env=env).returncode == 0
        resumed = Store.open(f"sqlite:///{work / 'state.db'}").snapshot_digest("jansen")
        expected = Store.open(f"sqlite:///{reference / 'state.db'}").snapshot_digest("jansen")
        assert resumed == expected
        assert len(resumed["invoices"]) == len({host_id for host_id, _ in resumed["invoices"]})


def test_user_errors_are_one_clear_line(tmp_path):
    with MoneybirdSimulator(seed=1, invoices=20, today=TODAY) as simulator:
        config = _config(tmp_path, simulator, token_env=None)
        cases = {}
        cases["missing secret"] = run_cli("sync", "--config", str(config))
        env = {"MB_TOKEN": "expired-or-revoked-token"}
        cases["bad token"] = run_cli("sync", "--config", str(_config(tmp_path, simulator)), env=env)
        wrong_type = config.read_text().replace("package: moneybird", "package: 42")
        (tmp_path / "wrong.yaml").write_text(wrong_type)
        cases["wrong type"] = run_cli("sync", "--config", str(tmp_path / "wrong.yaml"))
        url = simulator.base_url
    down = _config(tmp_path, simulator)  # the simulator has stopped: nothing listens there any more
    cases["host down"] = run_cli("sync", "--config", str(down), env={"MB_TOKEN": "x"})

    expected = {
        "missing secret": "connector secrets set jansen api_token",
        "bad token": "was refused (401): token is invalid; store a valid token with `connector secrets set jansen api_token`",
        "wrong type": "administrations[0].package",
        "host down": "cannot reach 127.0.0.1",
    }
    for name, result in cases.items():
        assert result.returncode != 0, name
        assert expected[name] in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
        assert len(result.stderr.strip().splitlines()) <= 2, (name, result.stderr)
        assert "expired-or-revoked-token" not in result.stderr + result.stdout
    assert url


def test_http_trace_is_one_json_line_per_request_without_secrets(tmp_path):
    trace = tmp_path / "trace.jsonl"
    with MoneybirdSimulator(seed=1, invoices=20, today=TODAY) as simulator:
        env = {"MB_TOKEN": simulator.token, "CONNECTOR_HTTP_TRACE": str(trace)}
        assert run_cli("sync", "--config", str(_config(tmp_path, simulator)), env=env).returncode == 0
        served = len(simulator.request_log)
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert len(lines) == served
    assert set(lines[0]) == {"vendor", "method", "url", "status", "ms"}
    assert any("filter=state" in line["url"] for line in lines), "full URL with its query string"
    assert simulator.token not in trace.read_text()


def test_a_locked_keyring_is_reported_as_such_not_as_a_missing_secret(tmp_path):
    """The real encrypted-file backend, a stored token, then the wrong or no passphrase."""
    keyring = {"PYTHON_KEYRING_BACKEND": "connector.keyring_backend.EncryptedFileKeyring",
               "CONNECTOR_KEYRING_FILE": str(tmp_path / "keyring.json")}
    with MoneybirdSimulator(seed=1, invoices=20, today=TODAY) as simulator:
        config = str(_config(tmp_path, simulator, token_env=None))
        stored = run_cli("secrets", "set", "jansen", "api_token", "--stdin", input_text=simulator.token,
                         env={**keyring, "CONNECTOR_KEYRING_PASSWORD": "the right one"})
        assert stored.returncode == 0, stored.stderr
        assert run_cli("sync", "--config", config,
                       env={**keyring, "CONNECTOR_KEYRING_PASSWORD": "the right one"}).returncode == 0
        wrong = run_cli("sync", "--config", config, env={**keyring, "CONNECTOR_KEYRING_PASSWORD": "wrong"})
        without = run_cli("sync", "--config", config, env=keyring)
        checked = run_cli("secrets", "check", "jansen", "api_token",
                          env={**keyring, "CONNECTOR_KEYRING_PASSWORD": "wrong"})
    for result in (wrong, without, checked):
        assert result.returncode != 0
        assert "connector.keyring_backend.EncryptedFileKeyring" in result.stderr, result.stderr
        assert "CONNECTOR_KEYRING_PASSWORD" in result.stderr
        assert "is not set" not in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "does not unlock" in wrong.stderr and "set CONNECTOR_KEYRING_PASSWORD" in without.stderr
    assert checked.returncode == 2 and "missing" not in checked.stdout


def test_a_sync_that_crashes_records_its_run_as_failed_and_prints_one_line(tmp_path):
    with MoneybirdSimulator(seed=1, invoices=20, today=TODAY) as simulator:
        broken = next(i for i in simulator._invoices.values() if i["state"] == "late")
        broken["due_date"] = "23-11-2026"  # a host bug our mapping does not expect: not a ConnectorError
        config = str(_config(tmp_path, simulator))
        quiet = run_cli("sync", "--config", config, env={"MB_TOKEN": simulator.token})
        verbose = run_cli("-vv", "sync", "--config", config, env={"MB_TOKEN": simulator.token})
    assert quiet.returncode == 70
    assert quiet.stderr.strip().splitlines() == [
        "internal error: ValueError: Invalid isoformat string: '23-11-2026' (set CONNECTOR_DEBUG=1 for details)"]
    assert "Traceback" in verbose.stderr, "the traceback is there at debug level"
    runs = Store.open(f"sqlite:///{tmp_path / 'state.db'}").last_runs("jansen")
    assert [(run["status"], run["error"]) for run in runs] == [
        ("failed", "ValueError: Invalid isoformat string: '23-11-2026'")] * 2


def test_contact_language_comes_from_its_invoice_workflow(tmp_path):
    clock = FakeClock()
    with MoneybirdSimulator(seed=3, invoices=60, clock=clock, today=TODAY) as simulator:
        store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
        sync_administration(store, make_adapter(simulator, clock), "a")
        workflows = requests.get(f"{simulator.base_url}/{simulator.administration_id}/workflows.json",
                                 headers={"Authorization": f"Bearer {simulator.token}"}, timeout=10).json()
        english = {w["id"] for w in workflows if w["language"] == "en"}
        expected = {str(c["id"]): "en" if c["invoice_workflow_id"] in english else "nl"
                    for c in simulator.contacts()}
        mark = len(simulator.request_log)
        sync_administration(store, make_adapter(simulator, clock), "a")
        assert not any(e.path.endswith("/workflows.json") for e in simulator.request_log[mark:]), \
            "no contact changed, so no workflows call"
    languages = {contact.host_id: contact.language for contact in store.contacts("a")}
    assert languages == expected and "en" in languages.values() and "nl" in languages.values()


def test_workflow_languages_map_to_letter_languages():
    workflows = [
        {"id": "1", "type": "InvoiceWorkflow", "language": "nl-be", "default": True},
        {"id": "2", "type": "InvoiceWorkflow", "language": "en", "default": False},
        {"id": "3", "type": "InvoiceWorkflow", "language": "de", "default": False},
        {"id": "4", "type": "EstimateWorkflow", "language": "en", "default": True},
        {"id": "5", "type": "InvoiceWorkflow", "language": "", "default": False},
    ]
    languages = workflow_languages(workflows)
    assert languages == {"1": "nl", "2": "en", "3": "en", None: "nl"}

    def language(workflow_id: str | None, known=languages) -> str:
        return contact_from_api({"id": "9", "company_name": "X B.V.", "invoice_workflow_id": workflow_id},
                                known).language

    assert [language("2"), language("3"), language(None), language("5"), language("404")] == \
        ["en", "en", "nl", "", ""]
    assert language("2", known=None) == "", "without the workflows: the administration's language"


def test_invoices_moneybird_holds_back_carry_the_reason_not_to_chase():
    from adapters.moneybird.mapping import invoice_from_api

    base = {"id": "1", "invoice_id": "2026-0001", "contact_id": "9", "invoice_date": "2026-10-01",
            "due_date": "2026-10-15", "total_price_incl_tax": "121.0", "total_unpaid": "121.0"}
    holds = {state: invoice_from_api({**base, "state": state}).collection_hold
             for state in ("late", "reminded", "pending_payment", "scheduled")}
    assert holds == {"late": "", "reminded": "", "pending_payment": "payment_pending", "scheduled": "not_sent"}
