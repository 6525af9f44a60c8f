"""Moneybird JSON to connector records. Pure functions; Moneybird sends money as decimal strings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from connector.money import D
from connector.records import Address, BankMutation, Contact, ContactKind, Invoice

OPEN_STATES = ("open", "late", "reminded", "pending_payment", "scheduled")
#: States of an invoice that was sent, so counts as sales: not `draft`, not `scheduled` (not yet sent).
INVOICED_STATES = ("open", "pending_payment", "late", "reminded", "paid", "uncollectible")
#: Moneybird states in which an unpaid invoice must not be chased (moneybird.md, "Meaning of states").
COLLECTION_HOLDS = {"pending_payment": "payment_pending", "scheduled": "not_sent", "draft": "not_sent"}


def _iban(value: Any) -> str:
    return str(value or "").replace(" ", "").upper()


def _emails(value: Any) -> tuple[str, ...]:
    return tuple(part.strip() for part in str(value or "").split(",") if part.strip())


def language_of(code: Any) -> str | None:
    """Moneybird language code (nl, nl-be, en, de, ...) as the connector's letter language; None when blank."""
    text = str(code or "").strip().lower()
    if not text:
        return None
    return "nl" if text.startswith("nl") else "en"


def workflow_languages(workflows: list[dict[str, Any]]) -> dict[str | None, str]:
    """Invoice workflow id -> letter language. Moneybird keeps the language on the workflow, not on
    the contact; key None is the default workflow, which contacts without one of their own use."""
    languages: dict[str | None, str] = {}
    for workflow in workflows:
        language = language_of(workflow.get("language"))
        if workflow.get("type", "InvoiceWorkflow") != "InvoiceWorkflow" or language is None:
            continue
        languages[str(workflow["id"])] = language
        if workflow.get("default"):
            languages[None] = language
    return languages


def contact_from_api(data: dict[str, Any], languages: Mapping[str | None, str] | None = None) -> Contact:
    """`languages` from workflow_languages(); without it (or for an unknown workflow) the default language."""
    company = (data.get("company_name") or "").strip()
    person = " ".join(p for p in (data.get("firstname"), data.get("lastname")) if p).strip()
    if company:
        kind = ContactKind.COMPANY
    elif person:
        kind = ContactKind.CONSUMER
    else:
        kind = ContactKind.UNKNOWN
    ibans = tuple(dict.fromkeys(i for i in (_iban(data.get("bank_account")), _iban(data.get("sepa_iban"))) if i))
    invoice_emails = _emails(data.get("send_invoices_to_email")) or _emails(data.get("email"))
    workflow = data.get("invoice_workflow_id")
    language = (languages or {}).get(str(workflow) if workflow else None)
    return Contact(
        host_id=str(data["id"]),
        name=company or person or str(data.get("customer_id") or data["id"]),
        kind=kind,
        emails=invoice_emails,
        ibans=ibans,
        **({"language": language} if language else {}),
        phone=str(data.get("phone") or ""),
        customer_number=str(data.get("customer_id") or ""),
        attention=str(data.get("attention") or data.get("send_invoices_to_attention") or ""),
        address=Address(
            street=str(data.get("address1") or ""),
            postcode=str(data.get("zipcode") or ""),
            city=str(data.get("city") or ""),
            country=str(data.get("country") or "NL"),
        ),
        version=str(data.get("version") or ""),
    )


def invoice_from_api(data: dict[str, Any]) -> Invoice:
    invoice_date = date.fromisoformat(data["invoice_date"])
    due = data.get("due_date")
    return Invoice(
        host_id=str(data["id"]),
        number=str(data.get("invoice_id") or data.get("draft_id") or ""),
        contact_id=str(data.get("contact_id") or ""),
        invoice_date=invoice_date,
        due_date=date.fromisoformat(due) if due else invoice_date,
        currency=str(data.get("currency") or "EUR"),
        total=D(data.get("total_price_incl_tax")),
        open_amount=D(data.get("total_unpaid")),
        payment_reference=str(data.get("payment_reference") or ""),
        host_state=str(data.get("state") or ""),
        reminder_count=int(data.get("reminder_count") or 0),
        payment_url=str(data.get("payment_url") or data.get("url") or ""),
        collection_hold=COLLECTION_HOLDS.get(str(data.get("state") or ""), ""),
        version=str(data.get("version") or ""),
    )


def mutation_from_api(data: dict[str, Any]) -> BankMutation:
    return BankMutation(
        host_id=str(data["id"]),
        date=date.fromisoformat(data["date"]),
        amount=D(data.get("amount")),
        currency=str(data.get("currency") or "EUR"),
        counterparty_name=str(data.get("contra_account_name") or ""),
        counterparty_iban=_iban(data.get("contra_account_number")),
        description=" ".join(str(data.get("message") or "").split()),
        booked=data.get("state") == "processed",
        source="host",
        version=str(data.get("version") or ""),
    )


def invoiced_on(data: dict[str, Any]) -> date | None:
    """The invoice date of a listed invoice (None for an undated draft)."""
    value = data.get("invoice_date")
    return date.fromisoformat(value) if value else None


def invoiced_amount(data: dict[str, Any]) -> Decimal:
    """Total incl. VAT in the administration's currency (`_base`), negative for a credit note."""
    base = data.get("total_price_incl_tax_base")
    return D(base if base not in (None, "") else data.get("total_price_incl_tax"))
