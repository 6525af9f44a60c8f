"""Benchmark of `connector reconcile`: N open invoices, N bank mutations, realistic mix.

Generates the two CSV files (Dutch names, schwifty IBANs, SEPA-style bank lines) with a
deliberately demanding mix (see MIX): 58% quote an invoice number or reference, 12% only
pay from a known account, 5% are outgoing, and a quarter are the hard cases that take the
per-payment rules (part and short payments, typos, several invoices, name-only payments,
payouts, tax and interest, strangers). Then it measures, in the same run:

    read    pandas.read_csv of both files (the yardstick)
    engine  the CSV command as an in-process function (read, reconcile, write)
    parse / rules / write
            the engine's three parts timed on their own (read and check both CSVs;
            reconcile; build and write matches.csv), to show where the time goes
    cli     the same as a subprocess (`python -m connector reconcile ...`), wall time
            including interpreter start and the import of every CLI command, and its
            peak RSS

Usage: python bench/bench_reconcile.py [--sizes 10000 100000] [--repeat 3] [--keep DIR]
Targets (issue): engine ≤ 3× read, peak ≤ 2 GiB, cost linear in N.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from connector.reconcile.csv_io import (
    INVOICE_CSV_COLUMNS,
    MUTATION_CSV_COLUMNS,
    read_books_csv,
    write_matches_csv,
)
from connector.reconcile.csv_run import reconcile_csv
from connector.reconcile.engine import output_rows, reconcile_books
from connector.reconcile.labelled import NOT_CUSTOMER_LINES, PSP_LINES, _typo
from connector.reconcile.synthetic import World, cents_text

MIX = (  # share of mutations per kind
    ("number", 0.46),
    ("reference", 0.12),
    ("iban_only", 0.12),
    ("multi", 0.03),
    ("partial", 0.03),
    ("short", 0.03),
    ("name_only", 0.03),
    ("typo", 0.03),
    ("not_customer", 0.03),
    ("psp", 0.02),
    ("outgoing", 0.05),
    ("unknown", 0.05),
)


def generate(n: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write invoices.csv (n open invoices) and mutations.csv (n lines) into `folder`."""
    rng = random.Random(seed)
    world = World(rng, number_style="moneybird", reference_style="kenmerk", key="B")
    customers = [world.customer() for _ in range(max(n // 5, 10))]
    invoices = [
        world.invoice(rng.choice(customers), round_fee=rng.random() < 0.15) for _ in range(n)
    ]
    for inv in invoices:
        if rng.random() > 0.3:
            inv.reference = ""
    free = invoices[:]
    rng.shuffle(free)
    kinds = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX], k=n)
    rows = []
    for k, kind in enumerate(kinds):
        rows.append(_mutation(world, rng, kind, free, f"BM{k:07d}"))
    folder.mkdir(parents=True, exist_ok=True)
    inv_path, mut_path = folder / "invoices.csv", folder / "mutations.csv"
    with open(inv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=INVOICE_CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(inv.csv() for inv in invoices)
    with open(mut_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MUTATION_CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return inv_path, mut_path


def _mutation(world: World, rng: random.Random, kind: str, free: list, mutation_id: str) -> dict:
    def take():
        return free.pop() if free else world.invoice(world.customer())

    name, iban, text, amount = "", "", "", rng.randrange(1000, 500000)
    if kind in ("number", "reference", "iban_only", "partial", "short", "name_only", "typo"):
        inv = take()
        c = inv.customer
        amount = inv.open
        iban = c.ibans[0] if c.ibans else (world.iban() if rng.random() < 0.5 else "")
        name = world.bank_name(c)
        if kind == "number" or (kind == "reference" and not inv.reference):
            text = world.remittance(world.spell_number(inv.number), c)
        elif kind == "reference":
            text = world.remittance(
                world.spell_reference(inv.reference), c, words=rng.random() < 0.5
            )
        elif kind == "iban_only":
            text = rng.choice(("", "betaling", "januari", "Bedankt!", "abonnement"))
        elif kind == "partial":
            amount = max(100, inv.open // rng.choice((2, 3, 4)))
            text = f"termijn 1 factuur {inv.number}"
        elif kind == "short":
            amount = inv.open - rng.choice((35, 125, (inv.open * 2 + 50) // 100))
            text = f"factuur {inv.number}"
        elif kind == "name_only":
            iban = world.iban()
            text = ""
        else:
            text = f"factuur {_typo(rng, inv.number) or inv.number}"
        name, iban, text = world.bank_line(text, name, iban)
    elif kind == "multi":
        a, b = take(), take()
        amount = a.open + b.open
        c = a.customer
        name, iban, text = world.bank_line(
            f"facturen {a.number} en {b.number}",
            world.bank_name(c),
            c.ibans[0] if c.ibans else world.iban(),
        )
    elif kind == "not_customer":
        name, iban, text = rng.choice(NOT_CUSTOMER_LINES)
        text = text.format(
            k="".join(str(rng.randrange(10)) for _ in range(16)),
            n=rng.randrange(10**5, 10**8),
            i=world.iban(),
        )
    elif kind == "psp":
        name, iban, text = rng.choice(PSP_LINES)
        text = text.format(n=rng.randrange(10**6, 10**9), d="02-03-2026")
    elif kind == "outgoing":
        amount = -rng.randrange(1000, 300000)
        name, text = "KPN B.V.", f"Factuur {rng.randrange(10**8, 10**9)} abonnement"
    else:
        name, iban, text = (
            world.bank_name(world.customer()),
            world.iban(),
            rng.choice(("", "betaling", "voorschot")),
        )
    return {
        "mutation_id": mutation_id,
        "date": "2026-03-05",
        "amount": cents_text(amount),
        "currency": "EUR",
        "counterparty_name": name,
        "counterparty_iban": iban,
        "description": text,
    }


def measure(inv_path: Path, mut_path: Path, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` times for read_csv and the in-process command, then one subprocess run."""
    read, engine = [], []
    out = inv_path.parent / "matches.csv"
    for _ in range(repeat):
        start = time.perf_counter()
        pd.read_csv(inv_path)
        pd.read_csv(mut_path)
        read.append(time.perf_counter() - start)
        start = time.perf_counter()
        summary = reconcile_csv(inv_path, mut_path, out)
        engine.append(time.perf_counter() - start)
    parts = _parts(inv_path, mut_path, out, repeat)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "connector",
            "reconcile",
            "--invoices",
            str(inv_path),
            "--mutations",
            str(mut_path),
            "--output",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    cli = time.perf_counter() - start
    peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return {
        "read": min(read),
        "engine": min(engine),
        "cli": cli,
        "peak_mib": peak_kib / 1024,
        **parts,
        "auto": summary.auto,
        "suggested": summary.suggested,
        "flags": summary.flags,
        "incoming": summary.incoming,
    }


def _parts(inv_path: Path, mut_path: Path, out: Path, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` times of the command's three parts, each on its own."""
    best = {"parse": float("inf"), "rules": float("inf"), "write": float("inf")}
    for _ in range(repeat):
        start = time.perf_counter()
        books, _ = read_books_csv(inv_path, mut_path)
        parsed = time.perf_counter()
        matches, flags = reconcile_books(books)
        rows = output_rows(matches, flags, books.mutations["mutation_id"])
        ruled = time.perf_counter()
        write_matches_csv(out, rows)
        written = time.perf_counter()
        for name, took in (
            ("parse", parsed - start),
            ("rules", ruled - parsed),
            ("write", written - ruled),
        ):
            best[name] = min(best[name], took)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench_reconcile_"))
    print(
        f"{'N':>8} {'read s':>8} {'engine s':>9} {'ratio':>6} {'per 1k':>8} {'parse':>6} "
        f"{'rules':>6} {'write':>6} {'cli s':>7} {'peak MiB':>9}  result"
    )
    for n in args.sizes:
        folder = base / str(n)
        inv_path, mut_path = generate(n, folder)
        r = measure(inv_path, mut_path, args.repeat)
        print(
            f"{n:>8} {r['read']:>8.3f} {r['engine']:>9.3f} {r['engine'] / r['read']:>6.2f} "
            f"{1000 * r['engine'] / n:>8.4f} {r['parse']:>6.3f} {r['rules']:>6.3f} "
            f"{r['write']:>6.3f} {r['cli']:>7.3f} {r['peak_mib']:>9.0f}  "
            f"{r['incoming']} incoming: {r['auto']} auto, {r['suggested']} suggested, "
            f"{r['flags']} flags",
            flush=True,
        )


if __name__ == "__main__":
    main()
