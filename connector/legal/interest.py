"""Statutory interest: consumer (art. 6:119 BW) and commercial (art. 6:119a BW).

Method (research note §4.4, reproduced to the cent against its worked examples):
* the first and the last interest day are both included (6:119a: "tot en met de dag");
* Actual/365 day count, also in leap years;
* a new segment starts at every rate change (published table, `rates.py`) and at every
  anniversary of the first interest day;
* compounding: at each anniversary the interest of the past year is added to the base
  ("telkens na afloop van een jaar"); the year counts from the first interest day, not 1 January;
* no rounding inside the calculation — segment interest is kept exact and only the total is
  rounded half-up to the cent (the note's € 127,81 example comes out at € 127,80 if each segment
  is rounded first, so per-segment rounding is *not* the convention).

Configurable because the note marks it UNCONFIRMED:
* ``leap_day``: the anniversary of a 29 February start in a common year — 28 February
  (default, practice of the Rentetool repo) or 1 March;
* ``table``: the shipped rates include the UNCONFIRMED commercial 10.40 % from 2026-07-01;
  pass ``default_rates().confirmed_only()`` to leave it out.

Payments (art. 6:44 BW) go to costs, then interest, then principal; see `settle_payments`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from connector.legal.rates import InterestKind, RateTable, default_rates
from connector.money import ZERO, quantize

__all__ = [
    "Allocation",
    "InterestCalculation",
    "InterestSegment",
    "LeapDayRule",
    "Payment",
    "PaymentSettlement",
    "anniversary",
    "settle_payments",
    "statutory_interest",
]

_DAYS_PER_YEAR = Decimal(365)
_HUNDRED = Decimal(100)
_ONE_DAY = timedelta(days=1)


class LeapDayRule(StrEnum):
    """Where the anniversary of a 29 February start falls in a common year (UNCONFIRMED)."""

    FEB_28 = "feb28"
    MAR_1 = "mar1"


def anniversary(first_day: date, years: int, leap_day: LeapDayRule = LeapDayRule.FEB_28) -> date:
    """The day interest capitalises for the `years`-th time, always counted from `first_day`."""
    year = first_day.year + years
    try:
        return first_day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28) if leap_day is LeapDayRule.FEB_28 else date(year, 3, 1)


@dataclass(frozen=True, kw_only=True)
class InterestSegment:
    """One stretch with a constant rate and base; `interest` is exact (unrounded)."""

    start: date
    end: date  # inclusive
    rate_percent: Decimal
    base: Decimal
    interest: Decimal
    capitalised_at_start: Decimal = ZERO  # interest added to the base on `start` (anniversary)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def interest_rounded(self) -> Decimal:
        return quantize(self.interest)


@dataclass(frozen=True, kw_only=True)
class InterestCalculation:
    principal: Decimal
    kind: InterestKind
    first_day: date
    last_day: date
    segments: tuple[InterestSegment, ...]
    total_exact: Decimal
    capitalised_base: Decimal  # principal + interest capitalised by the last day

    @property
    def total(self) -> Decimal:
        """Interest rounded half-up to the cent."""
        return quantize(self.total_exact)

    @property
    def amount_due(self) -> Decimal:
        """Principal plus interest, rounded to the cent (the SNS example's € 128,94)."""
        return quantize(self.principal + self.total_exact)


@dataclass(frozen=True, kw_only=True)
class Payment:
    day: date
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Allocation:
    """How one payment was split under art. 6:44 BW."""

    day: date
    amount: Decimal
    to_costs: Decimal
    to_interest: Decimal
    to_principal: Decimal
    surplus: Decimal


@dataclass(frozen=True, kw_only=True)
class PaymentSettlement:
    segments: tuple[InterestSegment, ...]
    allocations: tuple[Allocation, ...]
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    costs_outstanding: Decimal
    interest_charged: Decimal  # all interest that ran, paid or not, in cents
    surplus: Decimal  # paid beyond everything owed

    @property
    def total_outstanding(self) -> Decimal:
        return self.principal_outstanding + self.interest_outstanding + self.costs_outstanding


@dataclass(kw_only=True)
class _Accrual:
    """Mutable running state of one claim; only used inside this module."""

    principal: Decimal
    capitalised: Decimal = ZERO  # interest that now bears interest itself
    year_interest: Decimal = ZERO  # interest of the running interest year
    segments: list[InterestSegment] = field(default_factory=list)

    @property
    def base(self) -> Decimal:
        return self.principal + self.capitalised


def _check_inputs(principal: Decimal, first_day: date, kind: InterestKind | str) -> InterestKind:
    if not isinstance(principal, Decimal) or not principal.is_finite():
        raise TypeError(f"principal must be a finite Decimal, got {principal!r}")
    if principal < 0:
        raise ValueError(f"principal must not be negative, got {principal}")
    if not isinstance(first_day, date):
        raise TypeError(f"first_day must be a date, got {first_day!r}")
    return InterestKind(kind)


def _anniversaries(first_day: date, after: date, up_to: date, leap_day: LeapDayRule) -> list[date]:
    """Anniversaries d with ``after < d <= up_to``."""
    found: list[date] = []
    years = max(1, after.year - first_day.year)
    while True:
        day = anniversary(first_day, years, leap_day)
        if day > up_to:
            return found
        if day > after:
            found.append(day)
        years += 1


def _accrue(
    state: _Accrual,
    start: date,
    end: date,
    *,
    kind: InterestKind,
    first_day: date,
    table: RateTable,
    compound: bool,
    leap_day: LeapDayRule,
) -> None:
    """Run interest over [start, end] (inclusive), capitalising on anniversaries."""
    if end < start:
        return
    cuts = set(table.change_dates(kind, start, end))
    anniversaries = (
        set(_anniversaries(first_day, start - _ONE_DAY, end, leap_day)) if compound else set()
    )
    cuts |= {d for d in anniversaries if d > start}
    boundaries = [start, *sorted(cuts), end + _ONE_DAY]
    for seg_start, next_start in zip(boundaries, boundaries[1:], strict=False):
        added = ZERO
        if seg_start in anniversaries:
            added = state.year_interest
            state.capitalised += added
            state.year_interest = ZERO
        seg_end = next_start - _ONE_DAY
        rate = table.rate_on(kind, seg_start)
        days = (seg_end - seg_start).days + 1
        interest = state.base * rate / _HUNDRED * days / _DAYS_PER_YEAR
        state.year_interest += interest
        state.segments.append(
            InterestSegment(
                start=seg_start,
                end=seg_end,
                rate_percent=rate,
                base=state.base,
                interest=interest,
                capitalised_at_start=added,
            )
        )


def statutory_interest(
    principal: Decimal,
    first_day: date,
    last_day: date,
    kind: InterestKind | str,
    *,
    table: RateTable | None = None,
    compound: bool = True,
    leap_day: LeapDayRule = LeapDayRule.FEB_28,
) -> InterestCalculation:
    """Interest on `principal` from `first_day` up to and including `last_day`.

    `first_day` is the first day interest runs: for 6:119a the day after the due date, for
    6:119 the first day of verzuim. An empty period (last before first) gives zero.
    `compound=False` gives simple interest (claims from before 1992 or where agreed).
    """
    resolved = _check_inputs(principal, first_day, kind)
    rates = table if table is not None else default_rates()
    state = _Accrual(principal=principal)
    _accrue(
        state,
        first_day,
        last_day,
        kind=resolved,
        first_day=first_day,
        table=rates,
        compound=compound,
        leap_day=leap_day,
    )
    total = sum((s.interest for s in state.segments), ZERO)
    return InterestCalculation(
        principal=principal,
        kind=resolved,
        first_day=first_day,
        last_day=last_day,
        segments=tuple(state.segments),
        total_exact=total,
        capitalised_base=state.base,
    )


def settle_payments(
    principal: Decimal,
    first_day: date,
    last_day: date,
    kind: InterestKind | str,
    payments: Iterable[Payment],
    *,
    costs: Decimal = ZERO,
    costs_due_from: date | None = None,
    table: RateTable | None = None,
    compound: bool = True,
    leap_day: LeapDayRule = LeapDayRule.FEB_28,
) -> PaymentSettlement:
    """Apply payments by art. 6:44 BW: costs, then interest, then principal.

    Interest runs on the remaining base and is recomputed after each payment: the payment day
    still bears interest on the old balance (6:119a "tot en met"), the new balance from the next
    day. At each payment the accrued interest is settled in whole cents (half up). Within
    interest, capitalised (older) interest is paid before the running year's interest, which
    lowers the base. `costs` (e.g. BIK costs) can only absorb payments made on or after
    `costs_due_from` (for consumers: the day after the 14-day term); if nothing is owed any more
    on that day, the costs never became due. Payments after `last_day` are refused.
    """
    resolved = _check_inputs(principal, first_day, kind)
    if costs < 0:
        raise ValueError(f"costs must not be negative, got {costs}")
    rates = table if table is not None else default_rates()
    ordered: Sequence[Payment] = sorted(payments, key=lambda p: p.day)
    for payment in ordered:
        if payment.amount <= 0:
            raise ValueError(
                f"payment on {payment.day.isoformat()} must be positive, got {payment.amount}"
            )
        if payment.day > last_day:
            raise ValueError(
                f"payment on {payment.day.isoformat()} is after the last interest day "
                f"{last_day.isoformat()}"
            )
    state = _Accrual(principal=principal)
    options = dict(
        kind=resolved, first_day=first_day, table=rates, compound=compound, leap_day=leap_day
    )
    costs_open = costs
    costs_active = costs_due_from is None
    interest_charged = ZERO  # interest already settled in cents at payment days
    allocations: list[Allocation] = []
    next_day = first_day

    def activate_costs(day: date) -> None:
        nonlocal costs_active, costs_open
        if costs_active or costs_due_from is None or costs_due_from > day:
            return
        costs_active = True
        if state.principal + state.capitalised + state.year_interest == 0:
            costs_open = ZERO  # everything was paid in time: the costs never became due

    for payment in ordered:
        if payment.day >= next_day:
            _accrue(state, next_day, payment.day, **options)
            next_day = payment.day + _ONE_DAY
        activate_costs(payment.day)
        state.capitalised = quantize(state.capitalised)
        state.year_interest = quantize(state.year_interest)
        remaining = payment.amount
        to_costs = min(remaining, costs_open) if costs_active else ZERO
        costs_open -= to_costs
        remaining -= to_costs
        from_capitalised = min(remaining, state.capitalised)
        state.capitalised -= from_capitalised
        remaining -= from_capitalised
        from_year = min(remaining, state.year_interest)
        state.year_interest -= from_year
        remaining -= from_year
        to_principal = min(remaining, state.principal)
        state.principal -= to_principal
        remaining -= to_principal
        interest_charged += from_capitalised + from_year
        allocations.append(
            Allocation(
                day=payment.day,
                amount=payment.amount,
                to_costs=to_costs,
                to_interest=from_capitalised + from_year,
                to_principal=to_principal,
                surplus=remaining,
            )
        )
    _accrue(state, next_day, last_day, **options)
    activate_costs(last_day)
    interest_open = quantize(state.capitalised + state.year_interest)
    return PaymentSettlement(
        segments=tuple(state.segments),
        allocations=tuple(allocations),
        principal_outstanding=state.principal,
        interest_outstanding=interest_open,
        costs_outstanding=costs_open if costs_active else ZERO,
        interest_charged=interest_charged + interest_open,
        surplus=sum((a.surplus for a in allocations), ZERO),
    )
