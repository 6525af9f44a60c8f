"""The Exact bench, small: its call-count formula and "no 429" hold, so the 50,000-row figures it
prints at full size rest on something a test runs."""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_exact.py"
ROW = re.compile(
    r"^(first|incremental) +(receivables|contacts|bank lines|total) +(\d+) +(\d+) +(\d+) "
)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_exact", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_the_bench_at_3000_receivables_costs_what_its_formula_says(capsys) -> None:
    # a minute limit of 20 makes the first sync (23 calls) wait for the next clock minute
    assert _bench().main(["--invoices", "3000", "--changes", "500", "--minute-limit", "20"]) == 0
    out = capsys.readouterr().out
    matches = [m for m in map(ROW.match, out.splitlines()) if m]
    rows = {(m[1], m[2]): (int(m[3]), int(m[4]), int(m[5])) for m in matches}
    assert len(rows) == 8, out
    assert all(calls == want and limited == 0 for calls, want, limited in rows.values()), out
    terms = 3000 + 3000 // 5 + 3000 // 20  # open, matched, payables: all in the sync endpoint
    assert rows[("first", "receivables")][0] == math.ceil(terms / 1000) + 2
    assert rows[("incremental", "receivables")][0] == math.ceil(500 / 1000) + 2
    assert rows[("incremental", "contacts")][0] == 3
    assert "open invoices stored: 3,000" in out and out.rstrip().endswith("OK")
