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


def test_twenty_thousand_invoices_under_the_rate_limit_without_real_waiting(tmp_path):
    clock = FakeClock()
    with MoneybirdSimulator(seed=11, invoices=20_000, clock=clock, today=TODAY) as simulator:
        store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
        started = time.monotonic()
        report = sync_administration(store, make_adapter(simulator, clock), "a")
        wall = time.monotonic() - started
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
        "bad token": "was refused (401): token is invalid",
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
