"""How payers write several invoice numbers, and Exact Online numbers shortened by the payer.

Found by the second independent hold-out set (tests/data/reconcile_holdout2): a list where
later numbers keep only their last digits ("26100076/77/80", "26100096, 97 en 99"), a range
("t/m"), a specification with amounts between the numbers, and "fact 100021" for 26100021.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from connector.reconcile import reconcile
from connector.records import BankMutation, Contact, Invoice

BRASSERIE_IBAN = "NL03RABO7238214400"


def _invoice(number: str, total: str, contact: str = "c-brasserie") -> Invoice:
    return Invoice(
        host_id=f"i{number}",
        number=number,
        contact_id=contact,
        invoice_date=date(2026, 2, 1),
        due_date=date(2026, 3, 1),
        currency="EUR",
        total=Decimal(total),
        open_amount=Decimal(total),
    )


CONTACTS = [
    Contact(host_id="c-brasserie", name="Brasserie Het Zuiderdiep BV", ibans=(BRASSERIE_IBAN,)),
    Contact(host_id="c-other", name="Hotel De Kroon"),
]
INVOICES = [
    _invoice("26100076", "1021.90"),
    _invoice("26100077", "388.66"),
    _invoice("26100078", "99.00", "c-other"),
    _invoice("26100080", "2716.45"),
    _invoice("26100083", "1187.12"),
    _invoice("26100084", "964.26"),
    _invoice("26100085", "1498.80"),
    _invoice("26100021", "3206.50", "c-other"),
]


def _auto(description: str, amount: str, *, iban: str = "", invoices=INVOICES) -> list[str]:
    payment = BankMutation(
        host_id="m1",
        date=date(2026, 3, 6),
        amount=Decimal(amount),
        counterparty_name="BRASSERIE HET ZUIDERDIEP" if iban else "",
        counterparty_iban=iban,
        description=description,
    )
    result = reconcile(invoices, CONTACTS, [payment])
    return sorted(m.invoice_id for m in result.matches if m.status == "auto")


@pytest.mark.parametrize(
    "description",
    ["26100076/77/80", "facturen 26100076, 77 en 80", "fact 26100076 + 77 + 80", "26100076; 77; 80"],
)
def test_later_numbers_of_a_list_written_by_their_last_digits(description):
    assert _auto(description, "4127.01") == ["i26100076", "i26100077", "i26100080"]


def test_a_range_names_the_invoices_in_between():
    for description in ("Facturen 26100083 t/m 26100085", "fact 26100083 tot en met 26100085"):
        assert _auto(description, "3650.18", iban=BRASSERIE_IBAN) == [
            "i26100083",
            "i26100084",
            "i26100085",
        ]


def test_a_range_never_reaches_beyond_its_series_or_too_far():
    far = [*INVOICES, _invoice("26100190", "10.00")]
    assert _auto("facturen 26100083 t/m 26100190", "3660.18", invoices=far) == []


def test_amounts_between_listed_numbers_do_not_hide_them():
    text = "SPECIFICATIE: 26100076 1.021,90 26100077 388,66 26100080 2.716,45"
    assert _auto(text, "4127.01", iban=BRASSERIE_IBAN) == ["i26100076", "i26100077", "i26100080"]


def test_a_tail_of_another_series_does_not_continue_the_list():
    other_series = [*INVOICES[:1], _invoice("25100077", "388.66")]
    assert _auto("26100076/77", "1410.56", invoices=other_series) == []


def test_exact_number_without_its_year_digits_is_a_whole_number():
    payment = BankMutation(
        host_id="m1",
        date=date(2026, 3, 4),
        amount=Decimal("3206.50"),
        counterparty_name="RECREATIEPARK HET DRENTSE VELD BV",
        counterparty_iban="NL51INGB0008781191",
        description="Omschrijving: fact 100021",
    )
    result = reconcile(INVOICES, CONTACTS, [payment])
    (match,) = result.matches
    assert (match.invoice_id, match.status) == ("i26100021", "auto")
    assert "100021" in match.reason


def test_a_shortened_number_that_fits_two_years_is_no_certainty():
    both_years = [*INVOICES, _invoice("25100021", "3206.50", "c-brasserie")]
    assert _auto("fact 100021", "3206.50", invoices=both_years) == []


F_INVOICES = [
    _invoice("F2026-0117", "1815.00"),
    _invoice("F2026-0066", "1815.00", "c-other"),
    _invoice("F2026-0118", "240.00"),
]


def test_a_bare_number_beside_our_prefixed_one_is_the_payers_own_reference():
    text = "Factuurnr. F2026-0117 Boekingsnr. 2026-0066"
    assert _auto(text, "1815.00", invoices=F_INVOICES) == ["iF2026-0117"]


def test_a_list_carries_the_prefix_of_its_first_number():
    for text in ("Facturen F2026-0117; 2026-0118", "2026-0117 F2026-0118", "fact F2026-0117 en 0118"):
        assert _auto(text, "2055.00", invoices=F_INVOICES) == ["iF2026-0117", "iF2026-0118"], text
