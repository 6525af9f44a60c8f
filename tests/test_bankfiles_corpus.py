"""The 37 real public statement files in ../shared/bankfiles, compared with their expected rows.

How to compare is the corpus README's: date, amount and currency exactly, row by row;
counterparty name and IBAN where the file's counterparty source is "structured" (the
authoritative ones); descriptions case- and whitespace-insensitively or by containment.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from connector.bankfiles import parse_file
from connector.records import BankMutation

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "bankfiles"

pytestmark = pytest.mark.skipif(not (CORPUS / "files").is_dir(), reason="../shared/bankfiles is not present")

FILES = sorted(p.name for p in (CORPUS / "files").iterdir()) if (CORPUS / "files").is_dir() else []
# The README allows both readings of a UTC booking timestamp: the literal date or the Dutch one.
DATE_ALTERNATIVES = {("abnamro-oca__test-camt053-bookgdt-dttm", "2014-01-04"): "2014-01-05"}
# Our additions to a description (reversal/return label, "namens" party) are not in the reference.
ANNOTATION = re.compile(r"^(?:Storno|Retour)(?: [A-Z0-9]{2,4})?: |\s*\(namens [^)]*\)$")


def _summary() -> dict[str, dict]:
    return json.loads((CORPUS / "summary.json").read_text(encoding="utf-8"))


def _expected(name: str) -> list[dict[str, str]]:
    with (CORPUS / "expected" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _squash(text: str) -> str:
    return "".join(text.lower().split())


def _same_date_amount(got: BankMutation, row: dict[str, str], name: str) -> bool:
    dates = {row["date"], DATE_ALTERNATIVES.get((name, row["date"]), row["date"])}
    return (got.date.isoformat() in dates and got.amount == Decimal(row["amount"])
            and got.currency == row["currency"])


def _description_agrees(got: str, expected: str) -> bool:
    mine = _squash(ANNOTATION.sub("", got))
    theirs = _squash(expected)
    return mine == theirs or (bool(mine) and mine in theirs) or (bool(theirs) and theirs in mine)


@dataclass
class Tally:
    rows: int = 0
    date_amount: int = 0
    authoritative: int = 0
    authoritative_ok: int = 0
    own_account_skipped: int = 0
    descriptions: int = 0
    descriptions_ok: int = 0
    failures: list[str] = field(default_factory=list)


def _compare(name: str, tally: Tally) -> None:
    info = _summary()[name]
    own = {a.upper() for a in info.get("own_accounts", [])}
    authoritative = info["counterparty_source"] == ["structured"]
    parsed = parse_file(CORPUS / "files" / name)
    expected = _expected(name)
    if len(parsed.mutations) != len(expected):
        tally.failures.append(f"{name}: {len(parsed.mutations)} rows, expected {len(expected)}")
    for got, row in zip(parsed.mutations, expected, strict=False):
        tally.rows += 1
        if _same_date_amount(got, row, name):
            tally.date_amount += 1
        else:
            tally.failures.append(f"{name}: {got.date} {got.amount} {got.currency} != {row['date']} {row['amount']}")
        if authoritative and (row["counterparty_iban"] or row["counterparty_name"]):
            iban_ok = not row["counterparty_iban"] or got.counterparty_iban == row["counterparty_iban"]
            name_ok = not row["counterparty_name"] or _squash(got.counterparty_name) == _squash(row["counterparty_name"])
            if iban_ok and name_ok:
                tally.authoritative += 1
                tally.authoritative_ok += 1
            elif row["counterparty_iban"].upper() in own:
                tally.own_account_skipped += 1  # the reference names our own account; we give the other party
            else:
                tally.authoritative += 1
                tally.failures.append(f"{name}: counterparty {got.counterparty_name!r} {got.counterparty_iban} "
                                      f"!= {row['counterparty_name']!r} {row['counterparty_iban']}")
        # Where the reference fell back to the raw :86: ("/CNTP/..."), we give a clean empty text.
        if not row["description"].startswith("/") or "/REMI/" in row["description"]:
            tally.descriptions += 1
            tally.descriptions_ok += _description_agrees(got.description, row["description"])


@pytest.mark.parametrize("name", FILES)
def test_every_corpus_file_parses_with_the_expected_rows(name: str) -> None:
    tally = Tally()
    _compare(name, tally)
    assert tally.date_amount == tally.rows == len(_expected(name)), tally.failures
    assert tally.authoritative_ok == tally.authoritative, tally.failures


def test_corpus_totals(capsys: pytest.CaptureFixture[str]) -> None:
    tally = Tally()
    for name in FILES:
        _compare(name, tally)
    expected_rows = sum(len(_expected(name)) for name in FILES)
    report = (f"bank corpus: {len(FILES)} files, {tally.rows}/{expected_rows} rows; date+amount exact "
              f"{tally.date_amount}/{tally.rows}; authoritative counterparty {tally.authoritative_ok}/"
              f"{tally.authoritative} (+{tally.own_account_skipped} where the reference names the own account); "
              f"descriptions agree {tally.descriptions_ok}/{tally.descriptions}")
    with capsys.disabled():
        print("\n" + report)
    assert tally.rows == expected_rows
    assert tally.date_amount >= 0.99 * tally.rows, tally.failures
    assert tally.authoritative_ok >= 0.99 * tally.authoritative, tally.failures
    assert tally.descriptions_ok >= 0.97 * tally.descriptions, report
