"""Many administrations, several workers, one state store: SQLite and PostgreSQL run the same code.

Every administration is worked on exactly once per cycle, by whichever worker holds its lease;
two runs at the same time never work on the same administration together. `connector run` takes
no single-instance lock: two of them, beside a running service, share the administrations.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date

import pytest
import sqlalchemy as sa
import yaml

from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.service.cycle import run_cycle
from connector.service.lock import ServiceLock
from connector.store import Store
from connector.store.leases import AdminLeases
from connector.store.outbox import Outbox
from tests.conftest import REPO

TODAY = date(2026, 11, 23)
ADMINS = 8


@pytest.fixture(scope="module")
def simulator():
    with MoneybirdSimulator(seed=9, invoices=30, today=TODAY, rate_limit=100_000) as running:
        yield running


@pytest.fixture
def store_url(state_url):
    return state_url


@pytest.fixture
def store(store_url):
    return Store.open(store_url)


def config_for(simulator, tmp_path) -> ConnectorConfig:
    return ConnectorConfig.model_validate(config_data(simulator, tmp_path))


def config_data(simulator, tmp_path) -> dict:
    admins = [{
        "key": f"klant-{n:02d}", "name": f"Klant {n}", "package": "moneybird",
        "moneybird": {"administration_id": simulator.administration_id, "base_url": simulator.base_url,
                      "token_env": "SCALE_MB_TOKEN"},
        "payments": {"book": "off"},
    } for n in range(ADMINS)]
    return {"administrations": admins, "output_dir": str(tmp_path / "out"),
            "smtp": {"mailbox_dir": str(tmp_path / "mailbox")}}


def test_workers_share_the_administrations(store, simulator, tmp_path, monkeypatch):
    monkeypatch.setenv("SCALE_MB_TOKEN", simulator.token)
    config = config_for(simulator, tmp_path)
    report = run_cycle(config, store, today=TODAY, clock=FakeClock(), state_dir=tmp_path, workers=4,
                       dunning=False)
    assert [o.key for o in report.outcomes] == [a.key for a in config.administrations]
    assert {o.status for o in report.outcomes} == {"ok"}, [o.error for o in report.outcomes]
    for admin in config.administrations:
        assert store.counts(admin.key)["open_invoices"] > 0
        assert len([r for r in store.last_runs(admin.key) if r["kind"] == "cycle"]) == 1
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from admin_leases")).scalar_one() == 0


def test_two_runs_at_once_never_work_on_one_administration_together(store, simulator, tmp_path, monkeypatch):
    monkeypatch.setenv("SCALE_MB_TOKEN", simulator.token)
    config = config_for(simulator, tmp_path)
    reports = []
    barrier = threading.Barrier(2)

    def one_run() -> None:
        barrier.wait()
        reports.append(run_cycle(config, store, today=TODAY, clock=FakeClock(), state_dir=tmp_path, workers=3))

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    worked = [o.key for report in reports for o in report.outcomes if o.status == "ok"]
    busy = [o.key for report in reports for o in report.outcomes if o.status == "busy"]
    assert sorted(worked + busy) == sorted([a.key for a in config.administrations] * 2)
    runs = {admin.key: len(store.last_runs(admin.key)) for admin in config.administrations}
    assert sum(runs.values()) == len(worked), "a cycle run is logged only for work actually done"
    # every reminder intent exists once, whatever worker made it
    keys = [e.idempotency_key for e in Outbox(store).entries()]
    assert len(keys) == len(set(keys))


def test_an_expired_lease_is_taken_over(store):
    clock = FakeClock()
    first = AdminLeases(store, holder="worker-a", ttl=60, clock=clock)
    second = AdminLeases(store, holder="worker-b", ttl=60, clock=clock)
    assert first.try_acquire("klant-00")
    assert not second.try_acquire("klant-00")
    assert second.holder_of("klant-00") == "worker-a"
    clock.advance(61)  # worker-a died without releasing
    assert second.try_acquire("klant-00")
    assert not first.renew("klant-00")


def test_two_run_processes_beside_a_service_share_the_administrations(store_url, store, simulator, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({**config_data(simulator, tmp_path), "state": {"url": store_url},
                                      "workers": 2}), encoding="utf-8")
    service = ServiceLock(store.engine, pid=os.getppid())  # a `connector serve` holds the single-instance lock
    service.acquire()
    env = {**os.environ, "SCALE_MB_TOKEN": simulator.token, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "connector", "run", "--config", str(config), "--no-summary"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert [code for code, _out, _err in results] == [0, 0], [err[-2000:] for _code, _out, err in results]
    lines = [line.split(":")[:2] for _code, out, _err in results for line in out.splitlines()
             if line.startswith("klant-")]
    worked = [key for key, status in lines if status.split()[0] == "ok"]
    busy = [key for key, status in lines if status.split()[0] == "busy"]
    assert sorted(worked + busy) == sorted(f"klant-{n:02d}" for n in range(ADMINS) for _ in range(2))
    assert set(worked) == {f"klant-{n:02d}" for n in range(ADMINS)}, "every administration was worked on"
    cycles = [r for n in range(ADMINS) for r in store.last_runs(f"klant-{n:02d}") if r["kind"] == "cycle"]
    assert len(cycles) == len(worked) and {r["status"] for r in cycles} == {"ok"}
    assert service.current().holder == service.holder, "the service's lock is untouched"
    service.release()
