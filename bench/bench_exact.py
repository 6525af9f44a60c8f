"""Exact Online: what a first sync of 50,000 receivables and an incremental one of 500 cost.

Runs the real adapter against the local simulator (Exact's limits on: 60 calls per clock
minute and 5,000 per day per division, 1,000-row sync pages) on a fake clock, so minute
waits cost no real time. Prints calls per pull against ⌈rows/1000⌉ + constant, 429s seen,
the day budget left, simulated and real duration.

    python bench/bench_exact.py [--invoices 50000] [--changes 500] [--contacts] [--history]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.base import Stream
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from tests.pairs.exact_online import JsonFileVault, MemoryStore, login, make_adapter


def measure(label: str, simulator: ExactSimulator, clock: FakeClock, action) -> dict:
    calls, fake, real = simulator.request_count(), clock.now(), time.perf_counter()
    limited = simulator.stats["rate_limited_minute"] + simulator.stats["rate_limited_day"]
    action()
    return {
        "label": label,
        "calls": simulator.request_count() - calls,
        "simulated_s": clock.now() - fake,
        "real_s": time.perf_counter() - real,
        "429s": simulator.stats["rate_limited_minute"]
        + simulator.stats["rate_limited_day"]
        - limited,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--contacts", action="store_true", help="also pull contacts and bank lines")
    parser.add_argument(
        "--history", action="store_true", help="add matched receivables (20%%) and payables (5%%)"
    )
    args = parser.parse_args(argv)

    clock = FakeClock()
    started = time.perf_counter()
    history = {} if args.history else {"paid": 0, "payables": 0}
    simulator = ExactSimulator(clock=clock, invoices=args.invoices, **history)
    seeded = time.perf_counter() - started
    simulator.start()
    state = Path(tempfile.mkdtemp(prefix="bench-exact-"))
    vault = JsonFileVault(state / "vault.json")
    login(simulator, vault, clock)
    store = MemoryStore()
    rows = len(simulator.rows("terms"))
    results = []
    try:
        adapter = make_adapter(simulator, state, clock, vault=vault)
        results.append(
            measure("first sync", simulator, clock, lambda: store.pull(adapter, Stream.INVOICES))
        )
        expected_first = math.ceil(rows / 1000) + 2
        simulator.change_invoices(args.changes)
        adapter = make_adapter(
            simulator, state, clock, vault=vault
        )  # the next run is a new process
        results.append(
            measure("incremental", simulator, clock, lambda: store.pull(adapter, Stream.INVOICES))
        )
        expected_incremental = math.ceil(args.changes / 1000) + 2
        if args.contacts:
            results.append(
                measure("contacts", simulator, clock, lambda: store.pull(adapter, Stream.CONTACTS))
            )
            results.append(
                measure(
                    "bank lines", simulator, clock, lambda: store.pull(adapter, Stream.MUTATIONS)
                )
            )
        governor = adapter.client.governor
    finally:
        simulator.stop()

    print(
        f"Exact simulator: {rows:,} payment terms in the sync endpoint "
        f"(seeded in {seeded:.1f} s)"
    )
    print(f"{'pull':<12} {'calls':>6} {'429s':>5} {'simulated':>10} {'real':>8}")
    for r in results:
        print(
            f"{r['label']:<12} {r['calls']:>6} {r['429s']:>5} "
            f"{r['simulated_s']:>9.0f}s {r['real_s']:>7.2f}s"
        )
    print(
        f"expected: first ⌈{rows}/1000⌉+2 = {expected_first}, "
        f"incremental ⌈{args.changes}/1000⌉+2 = "
        f"{expected_incremental}"
    )
    print(
        f"open invoices stored: {len(store.records[Stream.INVOICES]):,}; "
        f"day budget left: {governor.daily_remaining} of {governor.daily_limit}"
    )
    ok = results[0]["calls"] == expected_first and results[1]["calls"] == expected_incremental
    ok = (
        ok
        and all(r["429s"] == 0 for r in results)
        and len(store.records[Stream.INVOICES]) == args.invoices
    )
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
