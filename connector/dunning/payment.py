"""How the debtor pays now: the reference to quote and a pay-now link for the letter.

Why: every letter and e-mail must carry a way to pay at once. The host's own payment link
(Invoice.payment_url) comes first; otherwise a link from the configured provider's URL
template; a letter also prints IBAN, amount and reference (and an EPC QR code).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import quote

from connector.legal.references import is_valid_betalingskenmerk, is_valid_rf, normalise_reference
from connector.records import Invoice

__all__ = ["is_structured_reference", "pay_link", "payment_reference", "template_link"]

MAX_REMITTANCE = 140  # EPC QR unstructured remittance text


def is_structured_reference(reference: str) -> bool:
    return bool(reference) and (is_valid_rf(reference) or is_valid_betalingskenmerk(reference))


def payment_reference(invoices: Sequence[Invoice], language: str = "nl") -> str:
    """One invoice with a valid betalingskenmerk/RF: that reference; else the invoice numbers,
    which the reconciliation engine finds in the bank description."""
    if len(invoices) == 1 and is_structured_reference(invoices[0].payment_reference):
        return normalise_reference(invoices[0].payment_reference)
    word = "Factuur" if language == "nl" else "Invoice"
    if len(invoices) > 1:
        word = "Facturen" if language == "nl" else "Invoices"
    text = f"{word} {' '.join(inv.number for inv in invoices)}"
    return text if len(text) <= MAX_REMITTANCE else text[:MAX_REMITTANCE - 1] + "…"


def template_link(template: str | None, *, amount: Decimal, reference: str, invoices: Sequence[Invoice],
                  contact_id: str, admin: str) -> str:
    """The provider's pay link with URL-encoded fields, or "" without a template."""
    if not template:
        return ""
    fields = {
        "amount": f"{amount:.2f}",
        "reference": quote(reference, safe=""),
        "invoices": quote(",".join(inv.number for inv in invoices), safe=""),
        "contact": quote(contact_id, safe=""),
        "admin": quote(admin, safe=""),
    }
    return template.format_map(fields)


def pay_link(invoices: Sequence[Invoice], *, template: str | None, amount: Decimal, reference: str,
             contact_id: str, admin: str) -> str:
    """The single pay-now link for a letter: the host link of a one-invoice letter, else the
    provider template for the total, else the host link when all invoices share one."""
    if len(invoices) == 1 and invoices[0].payment_url:
        return invoices[0].payment_url
    link = template_link(template, amount=amount, reference=reference, invoices=invoices,
                         contact_id=contact_id, admin=admin)
    if link:
        return link
    urls = {inv.payment_url for inv in invoices}
    return urls.pop() if len(urls) == 1 else ""


def invoice_link(invoice: Invoice, *, template: str | None, contact_id: str, admin: str,
                 language: str = "nl") -> str:
    """Pay link for one line of the rekeningoverzicht."""
    if invoice.payment_url:
        return invoice.payment_url
    return template_link(template, amount=invoice.open_amount, reference=payment_reference([invoice], language),
                         invoices=[invoice], contact_id=contact_id, admin=admin)
