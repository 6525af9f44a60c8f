"""BIK collection costs: every example of research note §1.2/§1.3 and staffel properties."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.legal.costs import (
    BIK_MAXIMUM,
    BIK_MINIMUM,
    ContractCostTerms,
    CumulationRule,
    DebtorKind,
    collection_costs,
    staffel_fee,
)

NOTE = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "research" / "dutch-collection-law.md"
)

# Research note §1.2, "Worked examples (verified with own script)".
STAFFEL_EXAMPLES = [
    ("100.00", "40.00"),
    ("266.67", "40.00"),
    ("500.00", "75.00"),
    ("1000.00", "150.00"),
    ("2500.00", "375.00"),
    ("3000.00", "425.00"),
    ("6000.00", "675.00"),
    ("8400.00", "795.00"),
    ("10000.00", "875.00"),
    ("25000.00", "1025.00"),
    ("100000.00", "1775.00"),
    ("200000.00", "2775.00"),
    ("1000000.00", "6775.00"),
    ("2000000.00", "6775.00"),
]


@pytest.mark.parametrize(("principal", "fee"), STAFFEL_EXAMPLES)
def test_staffel_examples(principal: str, fee: str) -> None:
    assert staffel_fee(Decimal(principal)) == Decimal(fee)
    assert collection_costs(Decimal(principal)).total == Decimal(fee)


def test_examples_match_the_research_note() -> None:
    """The hard-coded table above is the note's table (catches a silently edited note)."""
    if not NOTE.exists():
        pytest.skip("shared research folder not present")
    section = NOTE.read_text(encoding="utf-8").split("### 1.2", 1)[1].split("### 1.3", 1)[0]
    rows = re.findall(r"^\| ([\d ]+,\d\d) \| ([\d ]+,\d\d) \|", section, flags=re.MULTILINE)
    from_note = [
        (a.replace(" ", "").replace(",", "."), b.replace(" ", "").replace(",", "."))
        for a, b in rows
    ]
    assert from_note == STAFFEL_EXAMPLES


def test_vat_uplift_on_8400() -> None:
    costs = collection_costs(Decimal("8400"), vat_uplift=True)
    assert (costs.fee, costs.vat_uplift, costs.total) == (
        Decimal("795.00"),
        Decimal("166.95"),
        Decimal("961.95"),
    )


def test_vat_uplift_applies_to_the_minimum_and_rate_is_configurable() -> None:
    assert collection_costs(Decimal("100"), vat_uplift=True).total == Decimal("48.40")
    assert collection_costs(
        Decimal("8400"), vat_uplift=True, vat_percent=Decimal("9")
    ).total == Decimal("866.55")


def test_cap_for_two_million() -> None:
    assert staffel_fee(Decimal("2000000")) == BIK_MAXIMUM  # uncapped would be 11 775


def test_recomputed_on_capitalised_principal_gives_886_82() -> None:
    # §1.3: € 10 000 B2B after one interest year: 11 181,55 -> 875 + 1 % x 1 181,55
    assert staffel_fee(Decimal("11181.55")) == Decimal("886.82")


def test_multiple_invoices_are_summed_before_the_staffel() -> None:
    costs = collection_costs([Decimal("1000"), Decimal("2000")])
    assert costs.principal_total == Decimal("3000") and costs.total == Decimal("425.00")
    assert collection_costs([Decimal("1000"), Decimal("-200")]).total == Decimal(
        "120.00"
    )  # credit note


def test_nothing_owed_means_no_costs() -> None:
    costs = collection_costs([Decimal("100"), Decimal("-100")])
    assert costs.total == 0 and costs.basis == "nothing-owed"


def test_contract_terms_ignored_for_consumers() -> None:
    terms = ContractCostTerms(percentage=Decimal(15))
    costs = collection_costs(Decimal("10000"), debtor=DebtorKind.CONSUMER, contract_terms=terms)
    assert costs.total == Decimal("875.00") and costs.basis == "staffel"
    assert "consumers" in costs.notes[0]


def test_contract_terms_for_business_with_moderation_note() -> None:
    terms = ContractCostTerms(percentage=Decimal(15))
    costs = collection_costs(Decimal("10000"), debtor="business", contract_terms=terms)
    assert costs.total == Decimal("1500.00") and costs.basis == "contract"
    assert "moderate" in costs.notes[0]
    low = collection_costs(
        Decimal("100"),
        debtor="business",
        contract_terms=ContractCostTerms(fixed_amount=Decimal(25)),
    )
    assert low.total == BIK_MINIMUM and low.basis == "b2b-minimum"  # never below the statutory € 40


def test_b2b_minimum_per_invoice_is_opt_in() -> None:
    invoices = [Decimal("50"), Decimal("60"), Decimal("70")]
    assert collection_costs(invoices, debtor="business").total == Decimal("40.00")
    per_invoice = collection_costs(invoices, debtor="business", b2b_minimum_per_invoice=True)
    assert per_invoice.total == Decimal("120.00") and per_invoice.basis == "b2b-minimum"
    # the per-invoice rule does not apply to consumers
    assert collection_costs(invoices, b2b_minimum_per_invoice=True).total == Decimal("40.00")


def test_cumulation_rule_is_opt_in_and_caps() -> None:
    assert collection_costs(Decimal("100")).total == Decimal("40.00")
    rule = CumulationRule(charged_in_window=Decimal("120"))
    capped = collection_costs(Decimal("100"), cumulation=rule)
    assert capped.total == Decimal("20.00") and capped.basis == "cumulation-cap"
    # above the threshold, or for a business by default, the rule does not bite
    assert collection_costs(Decimal("300"), cumulation=rule).total == Decimal("45.00")
    assert collection_costs(Decimal("100"), debtor="business", cumulation=rule).total == Decimal(
        "40.00"
    )


def test_refuses_floats() -> None:
    with pytest.raises(TypeError):
        staffel_fee(100.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        collection_costs([Decimal(1), 2.5])  # type: ignore[list-item]


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2)


@settings(max_examples=300)
@given(amounts, amounts)
def test_monotone_non_decreasing(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert staffel_fee(low) <= staffel_fee(high)


@settings(max_examples=300)
@given(amounts, st.booleans())
def test_within_bounds(principal: Decimal, uplift: bool) -> None:
    total = collection_costs(principal, vat_uplift=uplift).total
    factor = Decimal("1.21") if uplift else Decimal(1)
    assert BIK_MINIMUM * factor <= total <= BIK_MAXIMUM * factor
    assert total == total.quantize(Decimal("0.01"))


@settings(max_examples=200)
@given(st.lists(amounts, min_size=1, max_size=6))
def test_letter_costs_equal_staffel_of_the_sum(principals: list[Decimal]) -> None:
    assert collection_costs(principals).total == staffel_fee(sum(principals, Decimal(0)))
    # splitting a claim never lowers the costs below charging the total once (up to rounding)
    slack = Decimal("0.01") * len(principals)
    assert (
        sum(staffel_fee(p) for p in principals) >= staffel_fee(sum(principals, Decimal(0))) - slack
    )
