"""The vectorised fast paths reach exactly the verdicts of the per-payment rules.

`reconcile_books(..., per_payment_only=True)` sends every payment through
`PaymentDecider` (the reference implementation); the normal run settles most payments in
whole-array fast paths. Both must give the same matches (status, amount, confidence,
rule, remainder, reason) and the same flags, on the labelled administrations (every
phenomenon, five numbering styles) and on the benchmark's demanding mix.

One wording differs on purpose and is normalised here: the fast path for a quoted invoice
paid exactly says "equals the open amount." where the per-payment rule adds the amount
("equals the open amount EUR 121.00."); the golden output keeps the shorter form.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from connector.reconcile.csv_io import read_books_csv
from connector.reconcile.engine import reconcile_books
from connector.reconcile.labelled import standard_sets

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_reconcile.py"
_EXACT_WITH_AMOUNT = re.compile(r"equals the open amount -?EUR [0-9]+\.[0-9]{2}\.(?=$| Paid| Not)")


def _comparable(matches: pd.DataFrame) -> pd.DataFrame:
    return matches.assign(
        reason=[_EXACT_WITH_AMOUNT.sub("equals the open amount.", r) for r in matches["reason"]]
    )


def assert_same_verdicts(books) -> None:
    fast_matches, fast_flags = reconcile_books(books)
    ref_matches, ref_flags = reconcile_books(books, per_payment_only=True)
    pd.testing.assert_frame_equal(_comparable(fast_matches), _comparable(ref_matches))
    pd.testing.assert_frame_equal(fast_flags, ref_flags)


@pytest.mark.parametrize("seed", [5, 77])
def test_labelled_administrations(tmp_path, seed):
    for k, labelled in enumerate(standard_sets(seed, cases_per_phenomenon=12)):
        invoices, mutations = labelled.write(tmp_path / str(k))
        books, _ = read_books_csv(invoices, mutations)
        assert_same_verdicts(books)


def test_benchmark_mix(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_reconcile", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    invoices, mutations = bench.generate(3000, tmp_path, seed=11)
    books, _ = read_books_csv(invoices, mutations)
    assert_same_verdicts(books)
