"""e-Boekhouden JSON to connector records, and the version strings that make syncs incremental.

e-Boekhouden has no modification dates or change cursors, so the version strings we hand
the store double as our cache (the store gives them back in `StreamState.known_versions`):

- a relation's version holds its list fields (type, code), a digest of the detail and the
  day the detail was fetched, so unchanged relations are not fetched again until a
  refresh falls due;
- an invoice's version holds every field of its outstanding-list row plus the due date we
  derived, so a later change (a partial payment) is re-emitted without a detail call.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from connector.errors import ApiError
from connector.money import D, quantize
from connector.records import Address, Contact, ContactKind, Invoice

CURRENCY = "EUR"  # e-Boekhouden books in euros only
KINDS = {"B": ContactKind.COMPANY, "P": ContactKind.CONSUMER}
COUNTRY_CODES = {
    "": "NL", "nederland": "NL", "netherlands": "NL", "the netherlands": "NL", "holland": "NL",
    "belgie": "BE", "belgië": "BE", "belgium": "BE", "duitsland": "DE", "germany": "DE",
    "frankrijk": "FR", "france": "FR", "verenigd koninkrijk": "GB", "united kingdom": "GB",
}
DUTCH_SPEAKING = frozenset({"NL", "BE", "SR", "AW", "CW", "SX"})
_EMAIL_SPLIT = re.compile(r"[;,\s]+")


def parse_date(value: Any, what: str) -> date:
    """ISO dates, also when sent as a date-time ("2026-09-01T00:00:00")."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ApiError(f"e-Boekhouden: {what} has no valid date: {value!r}") from None


def money_text(value: Any) -> str:
    return str(quantize(D(value)))


def normalise_iban(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def split_emails(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in _EMAIL_SPLIT.split(text or "") if "@" in part)


def country_code(text: str | None) -> str:
    raw = (text or "").strip()
    if raw.lower() in COUNTRY_CODES:
        return COUNTRY_CODES[raw.lower()]
    return raw.upper() if len(raw) == 2 else raw


def due_date(invoice_date: date, term_days: int) -> date:
    """Vervaldatum = factuurdatum + betalingstermijn (the list carries neither due date nor term)."""
    return invoice_date + timedelta(days=term_days)


# -- relations -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RelationVersion:
    """Decoded relation version: list fields, detail digest and fetch day."""

    type: str
    code: str
    digest: str
    fetched: date

    def encode(self) -> str:
        return f"{self.type}|{self.code}|{self.digest}|{self.fetched.isoformat()}"

    @classmethod
    def decode(cls, text: str | None) -> RelationVersion | None:
        if not text or text.count("|") < 3:
            return None
        kind, rest = text.split("|", 1)
        code, digest, fetched = rest.rsplit("|", 2)
        try:
            return cls(kind, code, digest, date.fromisoformat(fetched))
        except ValueError:
            return None

    def refresh_due(self, relation_id: int, today: date, refresh_days: int) -> bool:
        """Details are re-read after refresh_days..2*refresh_days-1 days, spread by id so
        that a large administration does not re-read every relation on the same day."""
        if refresh_days <= 0:
            return True
        return today >= self.fetched + timedelta(days=refresh_days + relation_id % refresh_days)


def relation_digest(relation: Mapping[str, Any]) -> str:
    text = json.dumps(relation, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def contact_from_relation(relation: Mapping[str, Any], *, fetched: date) -> Contact:
    """A relation detail (`GET /v1/relation/{id}`) as a Contact; empty fields are simply absent."""
    kind_code = str(relation.get("type") or "").upper()
    kind = KINDS.get(kind_code, ContactKind.UNKNOWN)
    code = str(relation.get("code") or "")
    country = country_code(relation.get("country"))
    invoice_emails = split_emails(relation.get("emailAddressInvoice")) or split_emails(relation.get("emailAddress"))
    iban = normalise_iban(str(relation.get("iban") or ""))
    version = RelationVersion(kind_code, code, relation_digest(relation), fetched)
    return Contact(
        host_id=str(relation["id"]),
        name=str(relation.get("name") or relation.get("contact") or code or relation["id"]),
        kind=kind,
        emails=invoice_emails,
        reminder_emails=split_emails(relation.get("emailAddressReminder")),
        ibans=(iban,) if iban else (),
        language="" if not country else "nl" if country in DUTCH_SPEAKING else "en",
        phone=str(relation.get("phoneNumber") or relation.get("mobilePhoneNumber") or ""),
        customer_number=code,
        attention=str(relation.get("contact") or "") if kind is ContactKind.COMPANY else "",
        address=Address(
            street=str(relation.get("address") or ""),
            postcode=str(relation.get("postalCode") or ""),
            city=str(relation.get("city") or ""),
            country=country or "NL",
        ),
        version=version.encode(),
    )


# -- invoices --------------------------------------------------------------------------------

def invoice_signature(item: Mapping[str, Any]) -> str:
    """Every field of an outstanding-list row that matters; the number last (it may contain '|')."""
    return "|".join((
        str(item.get("date") or "")[:10],
        str(item.get("relationId") or ""),
        money_text(item.get("totalAmount")),
        money_text(item.get("paidAmount")),
        money_text(item.get("outstandingAmount")),
        str(item.get("invoiceNumber") or ""),
    ))


@dataclass(frozen=True, slots=True)
class InvoiceVersion:
    """Decoded invoice version: the list row's signature and the due date derived once."""

    signature: str
    due: date | None

    @property
    def invoice_date(self) -> str:
        return self.signature.split("|", 1)[0]

    @property
    def number(self) -> str:
        return self.signature.split("|", 5)[-1]

    def encode(self) -> str:
        return f"{self.signature}#{self.due.isoformat() if self.due else ''}"

    @classmethod
    def decode(cls, text: str | None) -> InvoiceVersion | None:
        if not text or "#" not in text:
            return None
        signature, _, due = text.rpartition("#")
        try:
            return cls(signature, date.fromisoformat(due) if due else None)
        except ValueError:
            return None


def invoice_from_item(item: Mapping[str, Any], due: date) -> Invoice:
    """An outstanding-list row plus its derived due date as an Invoice (credit notes are negative)."""
    mutation_id = item.get("mutationId")
    if mutation_id in (None, ""):
        raise ApiError(f"e-Boekhouden: outstanding item without mutationId: {dict(item)!r}")
    invoice_date = parse_date(item.get("date"), f"outstanding invoice {mutation_id}")
    paid = D(item.get("paidAmount"))
    open_amount = D(item.get("outstandingAmount"))
    signature = invoice_signature(item)
    return Invoice(
        host_id=str(mutation_id),
        number=str(item.get("invoiceNumber") or mutation_id),
        contact_id=str(item.get("relationId") or ""),
        invoice_date=invoice_date,
        due_date=due,
        currency=CURRENCY,
        total=D(item.get("totalAmount")),
        open_amount=open_amount,
        host_state="partially_paid" if paid != 0 and open_amount != 0 else "open",
        version=InvoiceVersion(signature, due).encode(),
    )
