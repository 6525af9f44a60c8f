"""Exact Online: what a first sync of 50,000 receivables and an incremental one of 500 changes cost.

Runs the real adapter against the local simulator (Exact's limits on: 60 calls per clock
minute and 5,000 per day per division, 1,000-row sync pages, 60-row normal pages) on a fake
clock, so minute waits cost no real time. A sync is what a connector run pulls: receivables,
customers with their bank accounts, bank lines. The division holds, besides the open
receivables, the history a first sync reads too (matched receivables 20 %, payables 5 %):
Exact's sync endpoint filters on nothing but Timestamp, so its first pass is the whole
payment-term history. Prints calls per stream against the formula, 429s seen, the day
budget left, simulated and real duration.

    python bench/bench_exact.py [--invoices 50000] [--changes 500] [--no-history]
                                [--minute-limit 60]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.base import Stream
from adapters.exact_online.client import NORMAL_PAGE, SYNC_PAGE
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from tests.pairs.exact_online import JsonFileVault, MemoryStore, login, make_adapter

STREAMS = (
    (Stream.INVOICES, "receivables"),
    (Stream.CONTACTS, "contacts"),
    (Stream.MUTATIONS, "bank lines"),
)


@dataclass(frozen=True, slots=True)
class Measured:
    sync: str
    stream: str
    calls: int
    expected: int
    formula: str
    rate_limited: int
    simulated_s: float
    real_s: float


def pages(rows: int, size: int) -> int:
    """Calls to read `rows` rows: an empty result still costs one."""
    return max(1, math.ceil(rows / size))


def expected_calls(sync: str, sizes: dict[str, int], changes: int) -> dict[Stream, tuple[int, str]]:
    """The cost formula per stream. Receivables: sync pages + system/Divisions + sync/Deleted.
    Contacts (system/Divisions already checked by this run): sync pages + crm/BankAccounts pages
    + sync/Deleted on a first sync; on a later one without customer changes the bank accounts
    modified since the last sync, one empty sync page and sync/Deleted. Bank lines:
    financial/Journals + the lines still on the suspense account, 60 a call, every sync."""
    lines = (1 + pages(sizes["suspense lines"], NORMAL_PAGE), f"1+⌈{sizes['suspense lines']}/60⌉")
    if sync == "first":
        return {
            Stream.INVOICES: (pages(sizes["terms"], SYNC_PAGE) + 2, f"⌈{sizes['terms']}/1000⌉+2"),
            Stream.CONTACTS: (
                pages(sizes["accounts"], SYNC_PAGE)
                + pages(sizes["bank accounts"], NORMAL_PAGE)
                + 1,
                f"⌈{sizes['accounts']}/1000⌉+⌈{sizes['bank accounts']}/60⌉+1",
            ),
            Stream.MUTATIONS: lines,
        }
    return {
        Stream.INVOICES: (pages(changes, SYNC_PAGE) + 2, f"⌈{changes}/1000⌉+2"),
        Stream.CONTACTS: (3, "1+1+1"),
        Stream.MUTATIONS: lines,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=50_000, help="open receivables")
    parser.add_argument(
        "--changes", type=int, default=500, help="receivables changed before the second sync"
    )
    parser.add_argument(
        "--history",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="matched receivables (20%%) and payables (5%%) in the sync endpoint (default: yes)",
    )
    parser.add_argument(
        "--minute-limit", type=int, default=60, help="the simulator's calls per minute"
    )
    args = parser.parse_args(argv)

    clock = FakeClock()
    started = time.perf_counter()
    history = {} if args.history else {"paid": 0, "payables": 0}
    simulator = ExactSimulator(
        clock=clock, invoices=args.invoices, minute_limit=args.minute_limit, **history
    )
    seeded = time.perf_counter() - started
    simulator.start()
    state = Path(tempfile.mkdtemp(prefix="bench-exact-"))
    vault = JsonFileVault(state / "vault.json")
    login(simulator, vault, clock)
    suspense = {j["GLAccount"] for j in simulator.rows("journals") if j["Type"] == 12}
    terms = simulator.rows("terms")
    sizes = {
        "terms": len(terms),
        "matched": sum(t["LineType"] == 20 and t["Status"] == 50 for t in terms),
        "payables": sum(t["LineType"] == 22 for t in terms),
        "accounts": len(simulator.rows("accounts")),
        "bank accounts": len(simulator.rows("bank_accounts")),
        "suspense lines": len(
            simulator.rows("bank_lines", where=lambda b: b["GLAccount"] in suspense)
        ),
    }
    store = MemoryStore()
    results: list[Measured] = []
    try:
        for sync in ("first", "incremental"):
            if sync == "incremental":
                simulator.change_invoices(args.changes)
                clock.advance(3600)
            adapter = make_adapter(
                simulator, state, clock, vault=vault
            )  # each run is a new process
            expected = expected_calls(sync, sizes, args.changes)
            for stream, label in STREAMS:
                calls, limited = simulator.request_count(), _rate_limited(simulator)
                fake, real = clock.now(), time.perf_counter()
                store.pull(adapter, stream)
                results.append(
                    Measured(
                        sync,
                        label,
                        simulator.request_count() - calls,
                        *expected[stream],
                        _rate_limited(simulator) - limited,
                        clock.now() - fake,
                        time.perf_counter() - real,
                    )
                )
        governor = adapter.client.governor
    finally:
        simulator.stop()

    print(
        f"Exact simulator: {args.invoices:,} open receivables + {sizes['matched']:,} matched + "
        f"{sizes['payables']:,} payables = {sizes['terms']:,} payment terms in the sync endpoint; "
        f"{sizes['accounts']:,} customers with {sizes['bank accounts']:,} bank accounts; "
        f"{sizes['suspense lines']} bank lines to process (seeded in {seeded:.1f} s)"
    )
    print(
        f"{'sync':<12} {'stream':<12} {'calls':>6} {'expected':>8} {'429s':>5} {'simulated':>10} {'real':>8}  formula"
    )
    for sync in ("first", "incremental"):
        rows = [r for r in results if r.sync == sync]
        for r in rows:
            print(
                f"{r.sync:<12} {r.stream:<12} {r.calls:>6} {r.expected:>8} {r.rate_limited:>5} "
                f"{r.simulated_s:>9.0f}s {r.real_s:>7.2f}s  {r.formula}"
            )
        print(
            f"{sync:<12} {'total':<12} {sum(r.calls for r in rows):>6} {sum(r.expected for r in rows):>8} "
            f"{sum(r.rate_limited for r in rows):>5} {sum(r.simulated_s for r in rows):>9.0f}s "
            f"{sum(r.real_s for r in rows):>7.2f}s"
        )
    print(
        f"open invoices stored: {len(store.records[Stream.INVOICES]):,}; "
        f"day budget left: {governor.daily_remaining} of {governor.daily_limit}"
    )
    ok = (
        all(r.calls == r.expected and r.rate_limited == 0 for r in results)
        and len(store.records[Stream.INVOICES]) == args.invoices
    )
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


def _rate_limited(simulator: ExactSimulator) -> int:
    return simulator.stats["rate_limited_minute"] + simulator.stats["rate_limited_day"]


if __name__ == "__main__":
    raise SystemExit(main())
