"""Two connector processes for one Exact login, started at the same moment, 100 times over.

Each round moves the (shared, file-backed) clock 600 s on, so the stored access token is due
and *both* processes want to refresh it. Exact's refresh tokens are single-use: without the
file lock and the re-read of the vault inside it, the slower process would present the spent
token ("Old refresh token used.", the login is gone) or refresh again too early
(TooEarlyToRefreshTokens). The processes are real (forked) processes; they share only the
JSON vault file, the lock file in the state folder and the simulator.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from adapters.exact_online.simulator import ExactSimulator
from tests.pairs.exact_online import JsonFileVault, login, make_adapter

ROUNDS = 100


class OffsetClock:
    """Real time plus an offset all processes read from one file (so they agree on token ages)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> float:
        return time.time() + float(self.path.read_text())

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def _start_worker(
    simulator: ExactSimulator, state_dir: Path, clock: OffsetClock, go: int
) -> tuple[int, int]:
    """Fork a process that waits for the start signal, then checks the connection like a run."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    try:  # the child: never return into pytest
        os.close(read_end)
        os.read(go, 1)
        adapter = make_adapter(
            simulator, state_dir, clock, vault=JsonFileVault(state_dir / "vault.json")
        )
        adapter.check_connection()
        result = {"ok": True, "refreshes": adapter.tokens.refreshes}
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        try:
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)


def _collect(pid: int, read_end: int) -> dict:
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"ok": false, "error": "no answer"}')


def test_two_processes_at_once_never_burn_the_refresh_token(tmp_path) -> None:
    offset = tmp_path / "clock-offset"
    offset.write_text("0")
    clock = OffsetClock(offset)
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    with ExactSimulator(clock=clock, invoices=5) as simulator:
        vault = JsonFileVault(state_dir / "vault.json")
        login(simulator, vault, clock)
        results = []
        for round_number in range(1, ROUNDS + 1):
            offset.write_text(str(600 * round_number))
            go_read, go_write = os.pipe()
            workers = [_start_worker(simulator, state_dir, clock, go_read) for _ in range(2)]
            os.write(go_write, b"GG")  # both start now
            results += [_collect(pid, read_end) for pid, read_end in workers]
            os.close(go_read)
            os.close(go_write)

        failures = [r["error"] for r in results if not r["ok"]]
        assert not failures, failures[:3]
        stats = simulator.login.stats
        assert stats["reuse_detected"] == 0, "a spent refresh token was presented"
        assert stats["too_early"] == 0, "a refresh came within 570 s of the previous one"
        assert stats["refreshes"] == ROUNDS == sum(r["refreshes"] for r in results)
        stored = vault.load(next(iter(json.loads((state_dir / "vault.json").read_text()))))
        assert stored["refresh_token"] == simulator.login.current_refresh_token()  # no token lost
