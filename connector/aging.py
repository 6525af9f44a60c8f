"""Aging of open receivables and DSO: pure functions over invoices and a given 'today'."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connector.money import ZERO
from connector.records import Invoice

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
BUCKET_LABELS = {
    "nl": {"not_due": "nog niet vervallen", "1_30": "1–30 dagen", "31_60": "31–60 dagen",
           "61_90": "61–90 dagen", "over_90": "> 90 dagen"},
    "en": {"not_due": "not yet due", "1_30": "1–30 days", "31_60": "31–60 days",
           "61_90": "61–90 days", "over_90": "> 90 days"},
}


@dataclass(frozen=True, slots=True)
class AgingBucket:
    key: str
    count: int
    amount: Decimal


def bucket_of(invoice: Invoice, today: date) -> str:
    overdue = (today - invoice.due_date).days
    if overdue <= 0:
        return "not_due"
    if overdue <= 30:
        return "1_30"
    if overdue <= 60:
        return "31_60"
    if overdue <= 90:
        return "61_90"
    return "over_90"


def aging(invoices: Iterable[Invoice], today: date) -> tuple[AgingBucket, ...]:
    """Open amount and count per bucket (credit notes reduce the bucket they fall in)."""
    counts = dict.fromkeys(BUCKETS, 0)
    amounts = dict.fromkeys(BUCKETS, ZERO)
    for invoice in invoices:
        if not invoice.is_open:
            continue
        key = bucket_of(invoice, today)
        counts[key] += 1
        amounts[key] += invoice.open_amount
    return tuple(AgingBucket(k, counts[k], amounts[k]) for k in BUCKETS)


def dso(open_invoices: Sequence[Invoice], sales_last_period: Decimal, period_days: int = 90) -> Decimal | None:
    """Days sales outstanding: open receivables / sales of the period × days (None without sales)."""
    if sales_last_period <= 0:
        return None
    receivables = sum((i.open_amount for i in open_invoices if i.is_open), ZERO)
    return (receivables / sales_last_period * period_days).quantize(Decimal("0.1"))
