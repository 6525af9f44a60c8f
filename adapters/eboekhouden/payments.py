"""Booking a received payment in e-Boekhouden: off unless the `book_payments` setting is on.

Why it is off by default: e-Boekhouden's API cannot see imported-but-unprocessed bank
lines, and mutations cannot be edited or deleted through the API. When an administration
also imports its bank statements into e-Boekhouden (the usual set-up), the same receipt
waits there as a bank line; if the bookkeeper then processes that line against the
invoice as well, the payment is booked twice and the invoice shows as overpaid, which
only a manual correction in the web app can undo. Turn `book_payments` on only for an
administration where the connector's bank import is the one that settles invoices and
the bookkeeper does not process the same lines in e-Boekhouden.

When on, a payment becomes a type 3 mutation ("factuurbetaling ontvangen"): the bank
ledger (category FIN) at the top, one row on the debtor ledger (DEB) with VAT code GEEN
and the invoice number and relation on the row (MUT_120 / MUT_112 otherwise). A tag
derived from the idempotency key goes into the description and, checked for uniqueness,
into `paymentReference`; a retry therefore fails with MUTA_008 instead of booking twice,
and `was_booked` can find the mutation after a crash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from adapters.base import PaymentBooking, WriteReceipt
from adapters.eboekhouden.client import EboekhoudenClient
from adapters.eboekhouden.errors import error_code
from adapters.eboekhouden.mapping import parse_date
from connector.errors import ApiError, ConfigError
from connector.money import D, quantize

PAYMENT_RECEIVED = 3  # MutationType 3: invoice payment received
DESCRIPTION_MAX = 50


def payment_tag(idempotency_key: str) -> str:
    """A short, deterministic stand-in for the key: descriptions hold at most 50 characters."""
    return "DB" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:12].upper()


def payment_description(invoice_number: str, tag: str) -> str:
    suffix = f" ref {tag}"
    return f"Betaling {invoice_number}"[: DESCRIPTION_MAX - len(suffix)] + suffix


class PaymentBooker:
    """Creates and finds type 3 mutations for one administration."""

    def __init__(
        self,
        client: EboekhoudenClient,
        *,
        bank_ledger_code: str,
        debtor_ledger_code: str = "",
        invoice_lookup: Callable[[str], tuple[str, str]],
    ) -> None:
        if not bank_ledger_code:
            raise ConfigError("e-Boekhouden: `book_payments` is on, so set `bank_ledger_code` "
                              "(the code of the bank ledger payments arrive on, e.g. 1100)")
        self.client = client
        self.bank_ledger_code = str(bank_ledger_code)
        self.debtor_ledger_code = str(debtor_ledger_code or "")
        self.invoice_lookup = invoice_lookup  # mutation id -> (invoice number, relation id)
        self._ledgers: tuple[int, int] | None = None

    def ledgers(self) -> tuple[int, int]:
        """(bank ledger id, debtor ledger id), resolved from their codes once."""
        if self._ledgers is None:
            bank = self._ledger(self.bank_ledger_code, "FIN", "bank_ledger_code")
            if self.debtor_ledger_code:
                debtor = self._ledger(self.debtor_ledger_code, "DEB", "debtor_ledger_code")
            else:
                found = self.client.ledgers(category="DEB")
                if len(found) != 1:
                    raise ConfigError(
                        f"e-Boekhouden has {len(found)} debtor ledgers; set `debtor_ledger_code` to choose one"
                    )
                debtor = int(found[0]["id"])
            self._ledgers = (bank, debtor)
        return self._ledgers

    def book(self, booking: PaymentBooking, idempotency_key: str) -> WriteReceipt:
        number, relation = self._invoice(booking.invoice_id, booking.invoice_number, booking.contact_id)
        bank, debtor = self.ledgers()
        tag = payment_tag(idempotency_key)
        description = payment_description(number, tag)
        amount: Decimal = quantize(D(booking.amount))
        body: dict[str, Any] = {
            "type": PAYMENT_RECEIVED,
            "date": booking.payment_date.isoformat(),
            "ledgerId": bank,
            "invoiceNumber": number,
            "description": description,
            "paymentReference": tag,
            "checkPaymentReference": True,
            "inExVat": "EX",
            "relationId": int(relation),
            "rows": [{
                "ledgerId": debtor,
                "vatCode": "GEEN",
                "amount": amount,
                "invoiceNumber": number,
                "relationId": int(relation),
                "description": description,
            }],
        }
        try:
            created = self.client.create_mutation(body)
        except ApiError as exc:
            if isinstance(exc.body, Mapping) and error_code(exc.body) == "MUTA_008":
                return WriteReceipt(detail=f"already booked earlier ({tag}); not booked again")
            raise
        return WriteReceipt(host_id=str(created.get("id") or ""), detail=f"type 3 mutation {description!r}")

    def was_booked(self, payload: Mapping[str, Any], idempotency_key: str) -> bool:
        """Look for our tag among the type 3 mutations on the invoice (the list lacks descriptions,
        so each candidate's detail is read; an invoice rarely has more than one or two payments)."""
        number, _ = self._invoice(str(payload.get("invoice_id") or ""), str(payload.get("invoice_number") or ""),
                                  str(payload.get("contact_id") or ""))
        tag = payment_tag(idempotency_key)
        when = payload.get("payment_date")
        for page in self.client.mutations(type=PAYMENT_RECEIVED, invoiceNumber=number):
            for item in page:
                if when and item.get("date") and _date(item["date"]) != _date(when):
                    continue
                detail = self.client.mutation(item["id"])
                if tag in str(detail.get("description") or ""):
                    return True
        return False

    def _invoice(self, invoice_id: str, number: str, relation: str) -> tuple[str, str]:
        if number and relation:
            return number, relation
        found_number, found_relation = self.invoice_lookup(invoice_id)
        return number or found_number, relation or found_relation

    def _ledger(self, code: str, category: str, setting: str) -> int:
        found = [item for item in self.client.ledgers(code=code) if str(item.get("code")) == code]
        if not found:
            raise ConfigError(f"e-Boekhouden has no ledger with code {code!r} (setting `{setting}`)")
        if str(found[0].get("category") or "").upper() != category:
            raise ConfigError(
                f"e-Boekhouden ledger {code} is in category {found[0].get('category')}, not {category} "
                f"(setting `{setting}`)"
            )
        return int(found[0]["id"])


def _date(value: Any) -> date:
    return value if isinstance(value, date) else parse_date(value, "payment date")
