"""Key figures of one administration: pure arithmetic over open invoices and a given 'today'.

Kept apart from the model so the cycle, the weekly overview and the bench share one
definition of "overdue", "customers overdue" and DSO.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from connector.aging import dso
from connector.money import ZERO
from connector.records import Invoice

DSO_PERIOD_DAYS = 90


def is_overdue(invoice: Invoice, today: date) -> bool:
    return invoice.is_open and invoice.due_date < today


def overdue_amount(invoices: Iterable[Invoice], today: date) -> Decimal:
    return sum((i.open_amount for i in invoices if is_overdue(i, today)), ZERO)


def customers_overdue(invoices: Iterable[Invoice], today: date) -> int:
    """Customers whose overdue invoices add up to more than nothing (a credit note can cancel one out)."""
    per_customer: dict[str, Decimal] = {}
    for invoice in invoices:
        if is_overdue(invoice, today):
            per_customer[invoice.contact_id] = per_customer.get(invoice.contact_id, ZERO) + invoice.open_amount
    return sum(1 for amount in per_customer.values() if amount > 0)


def sales_in_period(invoices: Iterable[Invoice], today: date, days: int = DSO_PERIOD_DAYS) -> Decimal:
    """Invoiced in the last `days` days (credit notes subtract): the denominator of DSO.

    Pass open invoices together with recently closed ones; an invoice paid before the
    connector ever saw it is missing, so a young installation understates sales.
    """
    start = today - timedelta(days=days)
    seen: set[str] = set()
    total = ZERO
    for invoice in invoices:
        if invoice.host_id in seen or not (start < invoice.invoice_date <= today):
            continue
        seen.add(invoice.host_id)
        total += invoice.total
    return total


def days_sales_outstanding(open_invoices: Sequence[Invoice], sales: Decimal | None,
                           period_days: int = DSO_PERIOD_DAYS) -> Decimal | None:
    if sales is None:
        return None
    return dso(open_invoices, sales, period_days)


def dso_trend(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Change in days since the previous figure; negative is better (money comes in sooner)."""
    if current is None or previous is None:
        return None
    return current - previous
