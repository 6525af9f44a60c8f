"""`connector serve` as real processes: SIGKILL in the middle of a slot and a restart lose no run and
repeat none (the interrupted slot is folded into the one due at the restart); a second service on the same store is refused; SIGTERM stops cleanly; logs are JSON lines;
`connector status` shows the service and its jobs."""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from connector.service.runner import JobContext
from connector.service.slots import SlotLedger
from connector.store import Store
from tests.conftest import REPO, run_cli

log = logging.getLogger("connector.probe")


def probe(ctx: JobContext) -> dict:
    """The job the service runs in this test: logs its slot; waits while a `block` file exists."""
    folder = Path(os.environ["PROBE_DIR"])
    with (folder / "probe.log").open("a", encoding="utf-8") as out:
        out.write(f"start {ctx.slot_key} {ctx.attempt}\n")
    log.info("probe start %s attempt %d", ctx.slot_key, ctx.attempt)
    if (folder / "block").exists():
        log.info("probe blocked %s", ctx.slot_key)
        while (folder / "block").exists():
            threading.Event().wait(0.05)
    with (folder / "probe.log").open("a", encoding="utf-8") as out:
        out.write(f"done {ctx.slot_key} {ctx.attempt}\n")
    log.info("probe done %s attempt %d", ctx.slot_key, ctx.attempt)
    return {"attempt": ctx.attempt}


class ServeProcess:
    """`connector --log-format json serve` with its JSON log lines read by a thread into a queue."""

    def __init__(self, workdir: Path) -> None:
        env = {**os.environ, "PROBE_DIR": str(workdir), "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "connector", "--log-format", "json", "serve", "--config",
             str(workdir / "config.yaml"), "--schedule", str(workdir / "schedule.yaml")],
            cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def messages(self, timeout: float = 15) -> Iterator[str]:
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                return
            self.seen.append(line)
            yield json.loads(line)["message"]

    def wait_for(self, prefix: str, timeout: float = 15) -> str:
        for message in self.messages(timeout):
            if message.startswith(prefix):
                return message
        raise AssertionError(f"service ended before logging {prefix!r}: {self.seen[-5:]}")

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=20)
        for _ in self.messages(5):
            pass
        return code


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "config.yaml").write_text(
        "state:\n  url: sqlite:///state.db\ntimezone: Europe/Amsterdam\nsmtp:\n  mailbox_dir: mailbox\n",
        encoding="utf-8")
    (tmp_path / "schedule.yaml").write_text(
        "schedule:\n  heartbeat_seconds: 1\n  lock_ttl_seconds: 30\n  jobs:\n"
        "    - id: probe\n      kind: call\n      target: tests.test_service_serve:probe\n"
        "      cron: {second: '*'}\n", encoding="utf-8")
    return tmp_path


def test_sigkill_and_restart_lose_no_slot_and_repeat_none(workdir):
    first = ServeProcess(workdir)
    try:
        first.wait_for("probe done")
        (workdir / "block").touch()
        interrupted = first.wait_for("probe blocked").split()[-1]
    finally:
        first.process.kill()  # SIGKILL in the middle of that slot
        first.process.wait(timeout=10)
    (workdir / "block").unlink()

    second = ServeProcess(workdir)
    try:  # a newer slot is due at the restart: it does the interrupted slot's work too, in one run
        folded = second.wait_for(f"job probe: slot {interrupted} was interrupted")
        into = folded.split("newer slot ")[1].split(",")[0]
        assert second.wait_for(f"probe done {into}").endswith("attempt 1")
        second.wait_for("probe done")  # and the schedule goes on after it

        refused = run_cli("serve", "--config", str(workdir / "config.yaml"), "--schedule",
                          str(workdir / "schedule.yaml"), env={"PROBE_DIR": str(workdir)}, timeout=30)
        assert refused.returncode == 3
        assert "another connector process holds the lock" in refused.stderr

        for _ in range(5):  # the job runs every second: a snapshot may catch a slot running
            status = run_cli("status", "--config", str(workdir / "config.yaml"), "--schedule",
                             str(workdir / "schedule.yaml"), timeout=30)
            if " done; next " in status.stdout:
                break
        assert status.returncode == 0, status.stderr
        assert f"service: running — pid {second.process.pid}" in status.stdout
        assert "job probe [call]" in status.stdout and " done; next " in status.stdout
        health = run_cli("status", "--check", "--config", str(workdir / "config.yaml"), "--schedule",
                         str(workdir / "schedule.yaml"), timeout=30)
        assert health.returncode == 0 and health.stdout.startswith("service: running")
    finally:
        code = second.stop(signal.SIGTERM)
    assert code == 0
    assert any(json.loads(line)["message"] == "connector service stopped" for line in second.seen)

    events = [line.split() for line in (workdir / "probe.log").read_text().splitlines()]
    done = [slot for kind, slot, _attempt in events if kind == "done"]
    assert len(done) == len(set(done)), f"a slot finished twice: {events}"
    starts = {}
    for kind, slot, attempt in events:
        if kind == "start":
            starts.setdefault(slot, []).append(int(attempt))
    assert all(attempts == [1] for attempts in starts.values()), "no slot started twice"
    assert set(done) == set(starts) - {interrupted}, "every other started slot finished"
    ledger = SlotLedger(Store.open(f"sqlite:///{workdir / 'state.db'}").engine)
    record = ledger.get("probe", interrupted)
    assert (record.status, record.detail) == ("folded", {"into": into})
    assert ledger.get("probe", into).detail["coalesced"] >= 1
