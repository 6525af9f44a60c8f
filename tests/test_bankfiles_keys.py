"""Duplicate keys: stable across re-imports and overlapping exports, distinct for identical payments."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from connector.bankfiles import import_files, parse_file

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
KEY = re.compile(r"^[0-9A-Z]{4}-[0-9a-f]{16}$")


def _keys(path: Path) -> list[str]:
    return [m.host_id for m in parse_file(path).mutations]


def test_keys_are_short_masked_and_stable_across_reimports(tmp_path: Path) -> None:
    copy = tmp_path / "again.xml"
    copy.write_bytes((DATA / "demo-camt053.xml").read_bytes())
    first, second = _keys(DATA / "demo-camt053.xml"), _keys(copy)
    assert first == second
    assert all(KEY.match(key) and key.startswith("3210-") for key in first)
    result = import_files([DATA / "demo-camt053.xml", copy])
    assert result.per_file == {"demo-camt053.xml": 14, "again.xml": 0}
    assert result.files[1].duplicates == 14


def test_identical_rows_in_one_statement_are_distinct_payments() -> None:
    abn = parse_file(DATA / "abnamro-mt940.sta").mutations
    twins = [m for m in abn if m.description == "F2026-0044"]
    assert len(twins) == 2 and twins[0].host_id != twins[1].host_id
    ing = parse_file(DATA / "ing-mt940.txt").mutations
    assert len([m for m in ing if m.description == "Voorschot F2026-0035"]) == 2
    assert len({m.host_id for m in ing}) == len(ing)


def _split_daily_mt940(source: str, keep: range) -> str:
    """The SWIFT blocks (one per day) of an ASN export with the given indexes."""
    blocks = [b for b in source.split("-}{5:}\n") if b.strip()]
    return "".join(blocks[i] + "-}{5:}\n" for i in keep)


def test_overlapping_daily_mt940_exports_give_the_same_keys(tmp_path: Path) -> None:
    source = (DATA / "asn-mt940.txt").read_text(encoding="utf-8")
    early, late = tmp_path / "asn-early.txt", tmp_path / "asn-late.txt"
    early.write_text(_split_daily_mt940(source, range(2)), encoding="utf-8")
    late.write_text(_split_daily_mt940(source, range(1, 3)), encoding="utf-8")
    full = _keys(DATA / "asn-mt940.txt")
    assert set(_keys(early)) | set(_keys(late)) == set(full)
    result = import_files([early, late])
    assert sorted(m.host_id for m in result.mutations) == sorted(full)


def _ing_export(source: str, first_day: str, last_day: str) -> str:
    """An ING download of a different period: one statement, entries of [first_day, last_day]."""
    head, body = source.split(":61:", 1)
    entries, tail = (":61:" + body).split(":62F:", 1)
    chunks = [":61:" + chunk for chunk in entries.split(":61:") if chunk]
    kept = [c for c in chunks if first_day <= c[4:10] <= last_day]
    head = head.replace(":20:P260302000000001", f":20:P{last_day}0000000{first_day[-2:]}")
    return head + "".join(kept) + ":62F:" + tail


def test_overlapping_ing_downloads_with_other_statement_bounds_give_the_same_keys(tmp_path: Path) -> None:
    # ING puts a whole download in one statement (:28C:00000), so positions shift between
    # downloads; the bank reference and the booking day keep the keys stable.
    source = (DATA / "ing-mt940.txt").read_bytes().decode("utf-8")
    first, second = tmp_path / "ing-week1.txt", tmp_path / "ing-week2.txt"
    first.write_bytes(_ing_export(source, "260223", "260225").encode("utf-8"))
    second.write_bytes(_ing_export(source, "260225", "260227").encode("utf-8"))
    full = _keys(DATA / "ing-mt940.txt")
    result = import_files([first, second])
    assert sorted(m.host_id for m in result.mutations) == sorted(full)
    assert result.files[1].duplicates == 2  # the two entries of 25 February


def _camt_days(source: str, keep: range) -> str:
    head, rest = source.split("    <Stmt>", 1)
    statements = ("    <Stmt>" + rest).split("    </Stmt>\n")
    tail = statements.pop()
    return head + "".join(statements[i] + "    </Stmt>\n" for i in keep) + tail


def test_overlapping_camt_exports_give_the_same_keys(tmp_path: Path) -> None:
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    early, late = tmp_path / "early.xml", tmp_path / "late.xml"
    early.write_text(_camt_days(source, range(3)), encoding="utf-8")
    late.write_text(_camt_days(source, range(2, 5)), encoding="utf-8")
    result = import_files([early, late])
    assert sorted(m.host_id for m in result.mutations) == sorted(_keys(DATA / "demo-camt053.xml"))
    assert result.files[1].duplicates == 3


def test_a_report_repeating_entries_counts_them_once(tmp_path: Path) -> None:
    # Intraday camt.052 reports are cumulative: the morning's entries come again in the afternoon.
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    doubled = _camt_days(source, range(1))
    statement = doubled[doubled.index("    <Stmt>"):doubled.index("  </BkToCstmrStmt>")]
    doubled = doubled.replace(statement, statement + statement)
    path = tmp_path / "repeat.xml"
    path.write_text(doubled, encoding="utf-8")
    parsed = parse_file(path)
    assert len(parsed.mutations) == 2 and parsed.duplicates == 2


def test_the_same_entries_on_another_account_are_other_payments(tmp_path: Path) -> None:
    source = (DATA / "bunq-mt940.sta").read_text(encoding="utf-8")
    other = tmp_path / "other.sta"
    other.write_text(source.replace("NL58BUNQ2031457896", "NL10BUNQ2290325473"), encoding="utf-8")
    assert not set(_keys(DATA / "bunq-mt940.sta")) & set(_keys(other))
    assert Counter(k[:4] for k in _keys(other)) == {"5473": 5}
