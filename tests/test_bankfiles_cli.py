"""`connector import-bank` as a user runs it: a real subprocess, real files, exit codes and output."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from connector.bankfiles import CSV_COLUMNS

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
FULL_IBAN = re.compile(r"NL\d{2}[A-Z]{4}\d{10}")


def _golden_mutations_csv(name: str) -> str:
    """A sample's golden file cut to the import-bank columns (the golden adds the references)."""
    with (DATA / f"{name}.expected.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(row[: len(CSV_COLUMNS)] for row in rows)
    return out.getvalue()


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
    assert out.read_text(encoding="utf-8").startswith(_golden_mutations_csv("demo-camt053.xml"))


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
    assert done.stdout == _golden_mutations_csv("bunq-mt940.sta")


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


def test_storing_a_statement_of_another_account_stores_nothing(cli, tmp_path: Path) -> None:
    import yaml

    from connector.store import Store

    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "state": {"url": f"sqlite:///{tmp_path / 'state.db'}"},
        "administrations": [{"key": "kapsalon", "name": "Kapsalon", "package": "eboekhouden", "eboekhouden": {},
                             "bank_files": {"account_iban": "NL91ABNA0417164300"}}],
    }), encoding="utf-8")
    done = cli("import-bank", str(DATA / "ing-mt940.txt"), "--config", str(config), "--admin", "kapsalon")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "NL91****4300" in done.stderr and not FULL_IBAN.search(done.stderr)
    assert Store.open(f"sqlite:///{tmp_path / 'state.db'}").counts("kapsalon")["unbooked_mutations"] == 0
