"""Amount text ⇄ integer cents for whole columns, never through a float."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from connector.reconcile.amounts import format_cents, parse_cents


def test_accepted_spellings():
    cents, bad = parse_cents(
        ["12", "12.5", "-0.99", "+3.00", " 7.10 ", "12.", "0.05", "123456789012345.99"]
    )
    assert cents.tolist() == [1200, 1250, -99, 300, 710, 1200, 5, 12345678901234599]
    assert not bad.any()


def test_refused_spellings():
    values = [
        "1,00",
        "",
        "abc",
        "1e5",
        ".5",
        "12.345",
        "-",
        "+.5",
        "1-2",
        "1 000",
        "1234567890123456",
        "١٢",
    ]
    cents, bad = parse_cents(values)
    assert bad.all()
    assert (cents == 0).all()


def test_format_cents():
    assert format_cents([0, 5, -99, 123456]) == ["0.00", "0.05", "-0.99", "1234.56"]


@given(
    st.lists(
        st.decimals(
            min_value=Decimal("-999999999.99"),
            max_value=Decimal("999999999.99"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
        max_size=30,
    )
)
def test_round_trip_through_text(amounts):
    text = [f"{a:.2f}" for a in amounts]
    cents, bad = parse_cents(text)
    assert not bad.any()
    assert cents.tolist() == [int(a * 100) for a in amounts]
    assert format_cents(cents) == [f"{a:.2f}".replace("-0.00", "0.00") for a in amounts]
