"""The benchmark's generator and measurement still run (small N; timings are not asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from connector.reconcile.csv_run import reconcile_csv

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_reconcile.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_reconcile", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_reconcile_with_mostly_automatic_matches(tmp_path):
    bench = load_bench()
    invoices, mutations = bench.generate(600, tmp_path)
    summary = reconcile_csv(invoices, mutations, tmp_path / "matches.csv")
    assert summary.invoices == 600 and summary.payments == 600
    assert summary.auto > 0.6 * summary.incoming
    assert summary.bad_rows == []
