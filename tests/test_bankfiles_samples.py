"""Our own sample statements of seven Dutch banks: golden CSV output and the reconciliation cases.

A golden file is the import-bank CSV plus the references a BankMutation does not carry
(end-to-end id, structured creditor reference, the bank's own reference), so references are
checked too. Regenerate them after an intended change with
`UPDATE_GOLDEN=1 pytest tests/test_bankfiles_samples.py`, review the diff against the sample files.
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest

from connector.bankfiles import CSV_COLUMNS, ParsedFile, mutation_row, parse_file
from connector.legal.references import is_valid_betalingskenmerk, is_valid_rf

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
SAMPLES = {
    # file: (format, bank)
    "demo-camt053.xml": ("camt.053.001.02", "ING"),
    "ing-mt940.txt": ("mt940", "ING"),
    "rabobank-camt053.xml": ("camt.053.001.02", "Rabobank"),
    "rabobank-mt940.swi": ("mt940", "Rabobank"),
    "abnamro-camt053.xml": ("camt.053.001.02", "ABN AMRO"),
    "abnamro-mt940.sta": ("mt940", "ABN AMRO"),
    "bunq-mt940.sta": ("mt940", "bunq"),
    "triodos-camt053.xml": ("camt.053.001.02", "Triodos"),
    "triodos-mt940.sta": ("mt940", "Triodos"),
    "sns-camt053.xml": ("camt.053.001.02", "SNS"),
    "asn-mt940.txt": ("mt940", "ASN Bank"),
    "knab-mt940.txt": ("mt940", "Knab"),
}


REFERENCE_COLUMNS = ("end_to_end_id", "creditor_reference", "bank_reference")


def golden_csv(parsed: ParsedFile) -> str:
    """The import-bank columns, then the references of each row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + REFERENCE_COLUMNS)
    for mutation, entry in zip(parsed.mutations, parsed.entries, strict=True):
        writer.writerow([*mutation_row(mutation), mutation.end_to_end_id, entry.creditor_reference,
                         entry.bank_reference])
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_matches_its_golden_csv(name: str) -> None:
    produced = golden_csv(parse_file(DATA / name, with_entries=True))
    golden = DATA / f"{name}.expected.csv"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_is_recognised_and_balances(name: str) -> None:
    parsed = parse_file(DATA / name)
    assert (parsed.format, parsed.bank) == SAMPLES[name]
    assert parsed.balance_ok is True
    assert all(m.source == name for m in parsed.mutations)
    assert len({m.host_id for m in parsed.mutations}) == len(parsed.mutations)


def _by_text(mutations, text):
    found = [m for m in mutations if text in m.description]
    assert found, f"no mutation mentions {text!r}"
    return found


def test_demo_account_sample_holds_every_reconciliation_case() -> None:
    parsed = parse_file(DATA / "demo-camt053.xml")
    mutations = parsed.mutations
    assert len(parsed.statements) == 5 and sum(s.entries for s in parsed.statements) == 14  # 12 entries, batch of 3
    assert parsed.period == (min(m.date for m in mutations), max(m.date for m in mutations))

    [invoice_0041] = _by_text(mutations, "F2026-0041")
    assert (invoice_0041.amount, invoice_0041.counterparty_iban) == (Decimal("1210.00"), "NL44RABO0123456789")
    betalingskenmerk = next(m.description for m in mutations if m.description.isdigit() and len(m.description) == 16)
    assert is_valid_betalingskenmerk(betalingskenmerk)
    rf = next(m.description for m in mutations if m.description.startswith("RF"))
    assert is_valid_rf(rf)

    batch = [m for m in mutations if m.end_to_end_id in ("F2026-0045", "F2026-0046", "F2026-0047") and m.amount > 0]
    assert [m.amount for m in batch] == [Decimal("302.50"), Decimal("423.50"), Decimal("302.50")]
    assert len({m.counterparty_name for m in batch}) == 3

    [mollie] = [m for m in mutations if "Mollie" in m.counterparty_name]
    [refund] = [m for m in mutations if m.counterparty_name == "Belastingdienst"]
    assert mollie.amount > 0 and refund.amount == Decimal("2431.00")

    [storno] = _by_text(mutations, "Storno")
    assert storno.amount == Decimal("-423.50") and storno.counterparty_name == "Fysiotherapie Oost"
    [rent] = _by_text(mutations, "Huur maart")
    assert rent.amount == Decimal("-1500.00")
    [on_behalf] = _by_text(mutations, "namens Smit Interieurbouw")
    assert on_behalf.counterparty_name == "Holding Smit B.V."
    [costs] = [m for m in mutations if not m.counterparty_name]
    assert costs.amount == Decimal("-24.50")


def test_rabobank_mt940_and_camt_of_the_same_days_give_the_same_keys() -> None:
    # Rabobank gives no bank reference, so a payment's key is account, day, amount and order:
    # the same payment in either export is the same mutation.
    mt940 = {(m.date, m.amount): m.host_id for m in parse_file(DATA / "rabobank-mt940.swi").mutations}
    camt = {(m.date, m.amount): m.host_id for m in parse_file(DATA / "rabobank-camt053.xml").mutations}
    shared = mt940.keys() & camt.keys()
    assert len(shared) >= 4
    assert all(mt940[k] == camt[k] for k in shared)
