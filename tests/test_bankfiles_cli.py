"""`connector import-bank` as a user runs it: a real subprocess, real files, exit codes and output."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from connector.bankfiles import CSV_COLUMNS

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
FULL_IBAN = re.compile(r"NL\d{2}[A-Z]{4}\d{10}")


def _truncated(folder: Path) -> Path:
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    path = folder / "cut.xml"
    path.write_text(source[: len(source) // 2], encoding="utf-8")
    return path


def test_output_writes_the_csv_and_exits_0(cli, tmp_path: Path) -> None:
    out = tmp_path / "mutations.csv"
    done = cli("import-bank", str(DATA / "demo-camt053.xml"), str(DATA / "ing-mt940.txt"), "--output", str(out))
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 14 + 10
    assert "24 mutations from 2 file(s)" in done.stderr
    demo_golden = (DATA / "demo-camt053.xml.expected.csv").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").startswith(demo_golden)


def test_one_bad_file_is_reported_with_its_line_the_rest_is_written_exit_1(cli, tmp_path: Path) -> None:
    out = tmp_path / "mutations.csv"
    bad = _truncated(tmp_path)
    done = cli("import-bank", str(bad), str(DATA / "knab-mt940.txt"), "-o", str(out))
    assert done.returncode == 1
    assert re.search(r"error: cut\.xml, line \d+: XML error", done.stderr)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 4


def test_no_usable_input_exits_2_and_writes_nothing(cli, tmp_path: Path) -> None:
    out = tmp_path / "mutations.csv"
    done = cli("import-bank", str(_truncated(tmp_path)), str(tmp_path / "missing.sta"), "-o", str(out))
    assert done.returncode == 2
    assert "missing.sta: cannot read the file" in done.stderr and "no usable bank file" in done.stderr
    assert not out.exists()


def test_csv_to_stdout(cli) -> None:
    done = cli("import-bank", str(DATA / "bunq-mt940.sta"), "-o", "-")
    assert done.returncode == 0
    assert done.stdout == (DATA / "bunq-mt940.sta.expected.csv").read_text(encoding="utf-8")


def test_without_output_a_summary_with_masked_accounts(cli) -> None:
    files = [str(DATA / name) for name in ("demo-camt053.xml", "rabobank-mt940.swi", "asn-mt940.txt")]
    done = cli("import-bank", *files)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["FILE", "FORMAT", "BANK", "ACCOUNT", "ROWS", "PERIOD", "BALANCES"]
    assert re.search(r"demo-camt053\.xml\s+camt\.053\.001\.02\s+ING\s+\*{4}3210\s+14\s+2026-03-02 \.\. 2026-03-06\s+ok",
                     done.stdout)
    assert "****5690" in done.stdout and "****3456" in done.stdout
    assert not FULL_IBAN.search(done.stdout + done.stderr)
