"""Statutory interest: the worked examples of research note §4.4 to the cent, compounding,
art. 6:44 payment allocation and properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.legal.costs import staffel_fee
from connector.legal.interest import (
    LeapDayRule,
    Payment,
    anniversary,
    settle_payments,
    statutory_interest,
)
from connector.legal.rates import RateTable, default_rates, parse_rates_csv

CENT = Decimal("0.01")


def test_sns_example_100_euro_2013_to_2023() -> None:
    # The SNS table writes periods as [from, to); its last period 01-07-2023 -> 30-10-2023 has
    # 121 days, so the last interest day included is 29-10-2023.
    result = statutory_interest(Decimal(100), date(2013, 2, 1), date(2023, 10, 29), "consumer")
    table = [
        (s.days, s.rate_percent, round(s.base, 3), round(s.interest, 3)) for s in result.segments
    ]
    assert table[:5] == [
        (365, Decimal("3.00"), Decimal("100.000"), Decimal("3.000")),
        (334, Decimal("3.00"), Decimal("103.000"), Decimal("2.828")),
        (31, Decimal("2.00"), Decimal("103.000"), Decimal("0.175")),
        (365, Decimal("2.00"), Decimal("106.003"), Decimal("2.120")),
        (366, Decimal("2.00"), Decimal("108.123"), Decimal("2.168")),
    ]
    assert table[-4:] == [
        (334, Decimal("2.00"), Decimal("121.777"), Decimal("2.229")),
        (31, Decimal("4.00"), Decimal("121.777"), Decimal("0.414")),
        (150, Decimal("4.00"), Decimal("124.419"), Decimal("2.045")),
        (121, Decimal("6.00"), Decimal("124.419"), Decimal("2.475")),
    ]
    assert round(result.total_exact, 3) == Decimal("28.939")
    assert result.total == Decimal("28.94")
    assert result.amount_due == Decimal("128.94")


def test_b2c_1000_two_years_127_81() -> None:
    result = statutory_interest(Decimal(1000), date(2024, 3, 15), date(2026, 3, 14), "consumer")
    assert [(s.days, s.rate_percent) for s in result.segments] == [
        (292, Decimal("7.00")),
        (73, Decimal("6.00")),
        (292, Decimal("6.00")),
        (73, Decimal("4.00")),
    ]
    assert [s.interest_rounded for s in result.segments] == [
        Decimal("56.00"),
        Decimal("12.00"),
        Decimal("51.26"),
        Decimal("8.54"),
    ]
    assert result.segments[2].base == Decimal("1068.00")
    assert result.total == Decimal("127.81")


def test_rounding_convention_is_round_the_total_only() -> None:
    """Rounding each segment first would give 127,80; the note's 127,81 rounds only the total."""
    result = statutory_interest(Decimal(1000), date(2024, 3, 15), date(2026, 3, 14), "consumer")
    assert sum(s.interest_rounded for s in result.segments) == Decimal("127.80")
    assert result.total == Decimal("127.81")


def test_b2b_10000_compounding_across_rate_changes_1570_08() -> None:
    result = statutory_interest(Decimal(10000), date(2024, 6, 1), date(2025, 9, 30), "commercial")
    assert [(s.days, s.rate_percent, s.interest_rounded) for s in result.segments] == [
        (30, Decimal("12.50"), Decimal("102.74")),
        (184, Decimal("12.25"), Decimal("617.53")),
        (151, Decimal("11.15"), Decimal("461.27")),
        (30, Decimal("11.15"), Decimal("102.47")),
        (92, Decimal("10.15"), Decimal("286.06")),
    ]
    assert result.segments[3].start == date(2025, 6, 1)
    assert result.segments[3].base.quantize(CENT) == Decimal("11181.55")
    assert result.total == Decimal("1570.08")
    # §1.3: costs recomputed on principal + capitalised interest
    assert staffel_fee(result.capitalised_base) == Decimal("886.82")


def test_rate_boundary_41_10() -> None:
    # "17-12-2025 -> 16-01-2026: 15 d @6 % + 15 d @4 %": 30 days, last day included 15-01-2026.
    result = statutory_interest(Decimal(10000), date(2025, 12, 17), date(2026, 1, 15), "consumer")
    assert [(s.days, s.interest_rounded) for s in result.segments] == [
        (15, Decimal("24.66")),
        (15, Decimal("16.44")),
    ]
    assert result.total == Decimal("41.10")


def test_compounding_example_by_hand() -> None:
    """Commercial € 5 000, 1-10-2022 .. 31-3-2024, four rates, capitalised on 1-10-2023."""
    result = statutory_interest(Decimal(5000), date(2022, 10, 1), date(2024, 3, 31), "commercial")
    year1 = (
        Decimal(5000) * Decimal("0.08") * 92 / 365
        + Decimal(5000) * Decimal("0.105") * 181 / 365
        + Decimal(5000) * Decimal("0.12") * 92 / 365
    )
    base = Decimal(5000) + year1
    year2 = base * Decimal("0.12") * 92 / 365 + base * Decimal("0.125") * 91 / 365
    assert [s.start for s in result.segments] == [
        date(2022, 10, 1),
        date(2023, 1, 1),
        date(2023, 7, 1),
        date(2023, 10, 1),
        date(2024, 1, 1),
    ]
    assert result.segments[3].capitalised_at_start == year1
    assert result.total == (year1 + year2).quantize(CENT)
    assert result.total == Decimal("850.92")
    simple = statutory_interest(
        Decimal(5000), date(2022, 10, 1), date(2024, 3, 31), "commercial", compound=False
    )
    assert simple.total < result.total


def test_both_days_inclusive_and_empty_period() -> None:
    one_day = statutory_interest(Decimal(36500), date(2024, 2, 1), date(2024, 2, 1), "consumer")
    assert one_day.total == Decimal("7.00")  # 36 500 x 7 % / 365, leap year still /365
    empty = statutory_interest(Decimal(100), date(2024, 2, 2), date(2024, 2, 1), "consumer")
    assert empty.total == 0 and empty.segments == ()


def test_leap_day_anniversary_rule() -> None:
    start = date(2024, 2, 29)
    assert anniversary(start, 1) == date(2025, 2, 28)
    assert anniversary(start, 1, LeapDayRule.MAR_1) == date(2025, 3, 1)
    assert anniversary(start, 4) == date(2028, 2, 29)
    feb = statutory_interest(Decimal(1000), start, date(2025, 3, 10), "consumer")
    mar = statutory_interest(
        Decimal(1000), start, date(2025, 3, 10), "consumer", leap_day=LeapDayRule.MAR_1
    )
    assert date(2025, 2, 28) in [s.start for s in feb.segments]
    assert date(2025, 3, 1) in [s.start for s in mar.segments]
    assert feb.total_exact > mar.total_exact  # capitalised one day earlier


def test_unconfirmed_rate_can_be_left_out() -> None:
    full = statutory_interest(Decimal(10000), date(2026, 7, 1), date(2026, 7, 31), "commercial")
    confirmed = statutory_interest(
        Decimal(10000),
        date(2026, 7, 1),
        date(2026, 7, 31),
        "commercial",
        table=default_rates().confirmed_only(),
    )
    assert full.segments[0].rate_percent == Decimal("10.40")
    assert confirmed.segments[0].rate_percent == Decimal("10.15")


def test_agreed_fixed_rate() -> None:
    result = statutory_interest(
        Decimal(1000),
        date(2020, 1, 1),
        date(2020, 12, 30),
        "commercial",
        table=RateTable.fixed("commercial", Decimal(10)),
    )
    assert result.total == Decimal("100.00")  # 365 days at 10 %, no anniversary yet


def test_no_rate_known_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no commercial interest rate known for 2010-01-01"):
        statutory_interest(Decimal(1), date(2010, 1, 1), date(2010, 2, 1), "commercial")


def test_user_table_with_new_rate() -> None:
    table = parse_rates_csv(
        "kind,effective_from,rate_percent,source\nconsumer,2026-01-01,4.00,x\nconsumer,2027-01-01,5.00,new\n"
    )
    result = statutory_interest(
        Decimal(36500), date(2026, 12, 31), date(2027, 1, 1), "consumer", table=table
    )
    assert result.total == Decimal("9.00")


# --- payments, art. 6:44 BW -------------------------------------------------------------


def test_settlement_without_payments_equals_plain_interest() -> None:
    plain = statutory_interest(Decimal(10000), date(2024, 6, 1), date(2025, 9, 30), "commercial")
    settled = settle_payments(Decimal(10000), date(2024, 6, 1), date(2025, 9, 30), "commercial", [])
    assert settled.interest_outstanding == plain.total and settled.principal_outstanding == 10000


def test_payment_goes_to_costs_then_interest_then_principal_and_interest_is_recomputed() -> None:
    settled = settle_payments(
        Decimal(10000),
        date(2024, 6, 1),
        date(2024, 7, 31),
        "commercial",
        [Payment(day=date(2024, 6, 30), amount=Decimal(5000))],
        costs=Decimal("875.00"),
    )
    (allocation,) = settled.allocations
    assert allocation.to_costs == Decimal("875.00")
    assert allocation.to_interest == Decimal(
        "102.74"
    )  # 30 d @ 12,50 % on 10 000, payment day included
    assert allocation.to_principal == Decimal("4022.26")
    assert settled.principal_outstanding == Decimal("5977.74")
    july = Decimal("5977.74") * Decimal("0.1225") * 31 / 365
    assert settled.interest_outstanding == july.quantize(CENT) == Decimal("62.19")
    assert settled.costs_outstanding == 0


def test_costs_only_absorb_payments_once_due_and_lapse_if_paid_in_time() -> None:
    early = settle_payments(
        Decimal(1000),
        date(2026, 1, 1),
        date(2026, 3, 31),
        "consumer",
        [Payment(day=date(2026, 1, 10), amount=Decimal(500))],
        costs=Decimal(150),
        costs_due_from=date(2026, 2, 1),
    )
    assert early.allocations[0].to_costs == 0
    assert early.costs_outstanding == Decimal(150)  # still unpaid on 1 Feb -> due
    in_time = settle_payments(
        Decimal(1000),
        date(2026, 1, 1),
        date(2026, 3, 31),
        "consumer",
        [Payment(day=date(2026, 1, 10), amount=Decimal("1001.10"))],
        costs=Decimal(150),
        costs_due_from=date(2026, 2, 1),
    )
    assert in_time.total_outstanding == 0 and in_time.surplus == 0


def test_overpayment_is_reported_as_surplus() -> None:
    settled = settle_payments(
        Decimal(100),
        date(2026, 1, 1),
        date(2026, 1, 31),
        "consumer",
        [Payment(day=date(2026, 1, 1), amount=Decimal(200))],
    )
    assert settled.surplus == Decimal("99.99") and settled.total_outstanding == 0


def test_payment_after_last_day_refused() -> None:
    with pytest.raises(ValueError, match="after the last interest day"):
        settle_payments(
            Decimal(100),
            date(2026, 1, 1),
            date(2026, 1, 31),
            "consumer",
            [Payment(day=date(2026, 2, 1), amount=Decimal(1))],
        )


# --- properties ---------------------------------------------------------------------------

principals = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("1000000"), places=2)
starts = st.dates(min_value=date(2013, 7, 1), max_value=date(2026, 12, 31))
spans = st.integers(min_value=0, max_value=2000)
kinds = st.sampled_from(["consumer", "commercial"])


@settings(max_examples=150, deadline=None)
@given(principals, starts, spans, kinds)
def test_interest_non_negative_and_monotone_in_days(
    p: Decimal, start: date, span: int, kind: str
) -> None:
    shorter = statutory_interest(p, start, start + timedelta(days=span), kind)
    longer = statutory_interest(p, start, start + timedelta(days=span + 1), kind)
    assert 0 <= shorter.total <= longer.total
    assert sum(s.days for s in longer.segments) == span + 2


@settings(max_examples=150, deadline=None)
@given(principals, principals, starts, spans, kinds)
def test_interest_monotone_and_linear_in_principal(
    a: Decimal, b: Decimal, start: date, span: int, kind: str
) -> None:
    end = start + timedelta(days=span)
    ia, ib = (statutory_interest(x, start, end, kind) for x in (a, b))
    both = statutory_interest(a + b, start, end, kind)
    if a <= b:
        assert ia.total <= ib.total
    assert abs(both.total_exact - ia.total_exact - ib.total_exact) < Decimal("1e-15")
    assert abs(both.total - ia.total - ib.total) <= CENT


@settings(max_examples=150, deadline=None)
@given(principals, starts, spans, spans, kinds)
def test_simple_interest_is_additive_over_periods(
    p: Decimal, start: date, s1: int, s2: int, kind: str
) -> None:
    middle = start + timedelta(days=s1)
    end = middle + timedelta(days=s2 + 1)
    whole = statutory_interest(p, start, end, kind, compound=False)
    first = statutory_interest(p, start, middle, kind, compound=False)
    second = statutory_interest(p, middle + timedelta(days=1), end, kind, compound=False)
    assert abs(whole.total_exact - first.total_exact - second.total_exact) < Decimal("1e-15")
    assert statutory_interest(p, start, end, kind).total_exact >= whole.total_exact


@settings(max_examples=100, deadline=None)
@given(
    principals,
    starts,
    kinds,
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=900),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2),
        ),
        max_size=5,
    ),
    st.decimals(min_value=Decimal(0), max_value=Decimal(1000), places=2),
)
def test_settlement_conserves_money(
    p: Decimal, start: date, kind: str, raw: list[tuple[int, Decimal]], costs: Decimal
) -> None:
    end = start + timedelta(days=900)
    payments = [Payment(day=start + timedelta(days=d), amount=a) for d, a in raw]
    settled = settle_payments(p, start, end, kind, payments, costs=costs)
    paid = sum((pay.amount for pay in payments), Decimal(0))
    owed = p + costs + settled.interest_charged
    assert paid + settled.total_outstanding == owed + settled.surplus
    assert (
        min(settled.principal_outstanding, settled.interest_outstanding, settled.costs_outstanding)
        >= 0
    )
    # payments only lower the interest; settling in cents at each payment may add a cent each
    slack = CENT * len(payments)
    assert settled.interest_charged <= statutory_interest(p, start, end, kind).total + slack
