"""Quality of the reconciliation engine on labelled payments, per phenomenon and overall.

Runs the CSV path (files written, read back, reconciled) on:
  * generated administrations (five numbering/reference styles, every phenomenon of the
    issue, `--cases` payments per phenomenon per administration, `--seeds` seeds), and
  * the hand-written tricky table in tests/data/reconcile/, and
  * the independent hand-labelled sets in tests/data/reconcile_holdout/, _holdout2/,
    _holdout3/ and _holdout4/, and
  * any labelled pair given with --invoices/--mutations (same columns as the command plus
    phenomenon, expect_invoices, certain, determinable, expect_flag).

Prints auto precision, auto recall over certain payments, top-5 over payments with a
determinable invoice, flag rate; with -v the wrong and missed payments.
Targets (issue): precision >= 0.995, recall >= 0.95, top-5 >= 0.98.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from connector.reconcile.csv_io import read_books_csv
from connector.reconcile.engine import reconcile_books
from connector.reconcile.labelled import (
    LabelledSet,
    read_hold_outs,
    read_labelled_csv,
    standard_sets,
)
from connector.reconcile.model import DEFAULT_SETTINGS, ReconcileSettings
from connector.reconcile.scoring import Tally, merge, report, score

TRICKY = Path(__file__).resolve().parents[1] / "tests" / "data" / "reconcile"
#: Folders labelled by evaluators who never read the engine (each with its administration.json):
#: the closest we have to the held-out set.
DATA = TRICKY.parent

def evaluate(
    labelled: LabelledSet, folder: Path, settings: ReconcileSettings = DEFAULT_SETTINGS
) -> dict[str, Tally]:
    inv, mut = labelled.write(folder)
    books, _ = read_books_csv(inv, mut)
    matches, flags = reconcile_books(books, settings)
    return score(labelled.expectations, matches, flags)


def evaluate_generated(seeds: list[int], cases: int) -> dict[str, Tally]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            for k, labelled in enumerate(standard_sets(seed, cases)):
                results.append(evaluate(labelled, Path(tmp) / f"{seed}-{k}"))
    return merge(results)


def evaluate_pair(
    invoices: Path, mutations: Path, settings: ReconcileSettings = DEFAULT_SETTINGS
) -> dict[str, Tally]:
    with tempfile.TemporaryDirectory() as tmp:
        return evaluate(read_labelled_csv(invoices, mutations), Path(tmp), settings)


def show(title: str, tallies: dict[str, Tally], verbose: bool) -> None:
    print(f"\n== {title}")
    print(report(tallies))
    if verbose:
        for name, tally in tallies.items():
            if name == "overall":
                continue
            for line in tally.wrong:
                print(f"  WRONG  {name}: {line}")
            for line in tally.missed:
                print(f"  missed {name}: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2026, 7, 99])
    parser.add_argument(
        "--cases", type=int, default=30, help="payments per phenomenon per administration"
    )
    parser.add_argument("--invoices", type=Path, help="a labelled invoices.csv (with --mutations)")
    parser.add_argument("--mutations", type=Path)
    parser.add_argument("--own-name", action="append", default=[], help="the administration's own name")
    parser.add_argument("--own-iban", action="append", default=[], help="an own account")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    show(
        f"generated: seeds {args.seeds}, {args.cases} per phenomenon x 5 administrations",
        evaluate_generated(args.seeds, args.cases),
        args.verbose,
    )
    show(
        "hand-written tricky cases (tests/data/reconcile)",
        evaluate_pair(TRICKY / "tricky_invoices.csv", TRICKY / "tricky_mutations.csv"),
        args.verbose,
    )
    for hold_out in read_hold_outs(DATA):
        show(
            f"independently labelled: {hold_out.about} (tests/data/{hold_out.folder.name})",
            evaluate_pair(
                hold_out.folder / "invoices.csv", hold_out.folder / "mutations.csv",
                hold_out.settings,
            ),
            args.verbose,
        )
    if args.invoices and args.mutations:
        own = ReconcileSettings(own_names=tuple(args.own_name), own_ibans=tuple(args.own_iban))
        show(f"labelled pair {args.mutations}", evaluate_pair(args.invoices, args.mutations, own),
             args.verbose)
    print(f"\n({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
