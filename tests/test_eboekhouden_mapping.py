"""e-Boekhouden mapping helpers: version strings as cache, Decimal JSON, normalisers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.eboekhouden.jsonnum import dumps, loads
from adapters.eboekhouden.mapping import (
    InvoiceVersion,
    RelationVersion,
    contact_from_relation,
    invoice_from_item,
    invoice_signature,
    normalise_iban,
    split_emails,
)
from connector.errors import ApiError
from connector.records import ContactKind

amounts = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(amounts)
def test_decimal_amounts_travel_as_exact_json_numbers(amount: Decimal) -> None:
    text = dumps({"amount": amount, "rows": [{"amount": amount}]})
    assert '"amount":"' not in text  # a number, not a string
    assert loads(text) == {"amount": amount, "rows": [{"amount": amount}]}


@given(st.dates(), st.integers(1, 10**9), amounts, amounts, amounts, texts, st.one_of(st.none(), st.dates()))
def test_invoice_version_round_trips(day, relation, total, paid, outstanding, number, due) -> None:
    item = {"date": day.isoformat(), "relationId": relation, "totalAmount": total, "paidAmount": paid,
            "outstandingAmount": outstanding, "invoiceNumber": number}
    version = InvoiceVersion(invoice_signature(item), due)
    decoded = InvoiceVersion.decode(version.encode())
    assert decoded == version
    assert decoded.invoice_date == day.isoformat() and decoded.number == number


@given(st.sampled_from(["B", "P", ""]), texts, st.dates())
def test_relation_version_round_trips(kind: str, code: str, fetched: date) -> None:
    version = RelationVersion(kind, code, "0123456789ab", fetched)
    assert RelationVersion.decode(version.encode()) == version


@pytest.mark.parametrize("text", [None, "", "garbage", "a|b|c|not-a-date"])
def test_foreign_versions_are_ignored(text) -> None:
    assert RelationVersion.decode(text) is None
    assert InvoiceVersion.decode(text) is None


def test_amount_formatting_does_not_change_the_signature() -> None:
    one = {"date": "2026-01-05", "totalAmount": Decimal("121.0"), "paidAmount": 0, "outstandingAmount": "121"}
    two = {"date": "2026-01-05T00:00:00", "totalAmount": Decimal("121.00"), "paidAmount": Decimal("0.00"),
           "outstandingAmount": Decimal("121.00")}
    assert invoice_signature(one) == invoice_signature(two)


@given(st.text(alphabet="NLnl0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ \t", max_size=40))
def test_iban_normalising_is_idempotent(text: str) -> None:
    once = normalise_iban(text)
    assert normalise_iban(once) == once and " " not in once and once == once.upper()


def test_several_addresses_in_one_field() -> None:
    assert split_emails("a@x.nl; b@y.nl,c@z.nl  geen") == ("a@x.nl", "b@y.nl", "c@z.nl")


def test_relation_with_only_the_required_fields() -> None:
    contact = contact_from_relation({"id": 5, "code": "R5"}, fetched=date(2026, 1, 1))
    assert (contact.name, contact.kind, contact.emails, contact.ibans, contact.language) == (
        "R5", ContactKind.UNKNOWN, (), (), "nl")


def test_outstanding_item_needs_a_mutation_id_and_a_date() -> None:
    with pytest.raises(ApiError, match="without mutationId"):
        invoice_from_item({"invoiceNumber": "F1"}, date(2026, 1, 1))
    with pytest.raises(ApiError, match="outstanding invoice 7 has no valid date"):
        invoice_from_item({"mutationId": 7, "date": "01-02-2026"}, date(2026, 1, 1))
