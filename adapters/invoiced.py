"""A host's invoices summed into sales per invoice date: what `Adapter.invoiced_per_day` returns.

Shared by the adapters so every vendor drops out-of-range dates the same way: a host filter
that turns out to be exclusive, inclusive or shifted by a time zone must not add a day the
caller did not ask for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal


def totals_per_day(
    amounts: Iterable[tuple[date | None, Decimal]], start: date, end: date
) -> dict[date, Decimal]:
    """(invoice date, amount) pairs summed per date within [start, end]; undated pairs skipped."""
    totals: dict[date, Decimal] = {}
    for day, amount in amounts:
        if day is None or not start <= day <= end:
            continue
        totals[day] = totals.get(day, Decimal(0)) + amount
    return dict(sorted(totals.items()))
