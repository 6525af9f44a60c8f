"""The simulator's JSON shapes (field names as in rest-docs, camelCase) and its query filters.

Like the live API, empty fields are left out of responses (e.g. a relation without a
`termOfPayment`). Filters follow the spec's syntax: `param=value` or `param[op]=value`
with op eq/not_eq/like/not_like for text and eq/not_eq/gt/gte/lt/lte/range for numbers and
dates; one filter per parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from adapters.eboekhouden.seed import (
    DEBTOR_LEDGER,
    REVENUE_LEDGER,
    SimInvoice,
    SimLedger,
    SimMutation,
    SimRelation,
)
from connector.money import quantize

INVOICE_SENT = 2


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Leave out empty fields, as e-Boekhouden does (False and 0 are kept)."""
    return {key: value for key, value in fields.items() if value is not None and value != ""}


def outstanding_item(invoice: SimInvoice, relation: SimRelation) -> dict[str, Any]:
    return compact({
        "date": invoice.date.isoformat(),
        "mutationId": invoice.mutation_id,
        "invoiceNumber": invoice.number,
        "relationId": relation.id,
        "relationCode": relation.code,
        "company": relation.name,
        "totalAmount": invoice.total,
        "paidAmount": invoice.paid,
        "outstandingAmount": invoice.outstanding,
    })


def relation_item(relation: SimRelation) -> dict[str, Any]:
    return {"id": relation.id, "type": relation.type, "code": relation.code}


def relation_detail(relation: SimRelation) -> dict[str, Any]:
    return compact({
        "id": relation.id,
        "type": relation.type,
        "code": relation.code,
        "date": relation.date.isoformat(),
        "name": relation.name,
        "contact": relation.contact,
        "gender": relation.gender,
        "address": relation.address,
        "postalCode": relation.postal_code,
        "city": relation.city,
        "country": relation.country,
        "phoneNumber": relation.phone_number,
        "emailAddress": relation.email_address,
        "emailAddressInvoice": relation.email_address_invoice,
        "emailAddressReminder": relation.email_address_reminder,
        "vatNumber": relation.vat_number,
        "inactive": relation.inactive,
        "termOfPayment": relation.term_of_payment,
        "companyRegistrationNumber": relation.company_registration_number,
        "iban": relation.iban,
        "bic": relation.bic,
        "ledgerId": DEBTOR_LEDGER,
    })


def invoice_mutation_item(invoice: SimInvoice) -> dict[str, Any]:
    return compact({
        "id": invoice.mutation_id, "type": INVOICE_SENT, "date": invoice.date.isoformat(),
        "invoiceNumber": invoice.number, "ledgerId": DEBTOR_LEDGER, "amount": invoice.total,
        "entryNumber": invoice.number,
    })


def invoice_mutation_detail(invoice: SimInvoice) -> dict[str, Any]:
    vat = invoice.total - invoice.total_excl
    return compact({
        "id": invoice.mutation_id,
        "type": INVOICE_SENT,
        "date": invoice.date.isoformat(),
        "description": invoice.description,
        "termOfPayment": invoice.mutation_term,
        "ledgerId": DEBTOR_LEDGER,
        "relationId": invoice.relation_id,
        "inExVat": "EX",
        "invoiceNumber": invoice.number,
        "entryNumber": invoice.number,
        "rows": [compact({
            "ledgerId": REVENUE_LEDGER, "vatCode": "HOOG_VERK_21", "amount": invoice.total_excl,
            "description": invoice.description,
        })],
        "vat": [{"vatCode": "HOOG_VERK_21", "amount": vat}],
    })


def api_mutation_item(mutation: SimMutation) -> dict[str, Any]:
    return compact({
        "id": mutation.id, "type": mutation.type, "date": mutation.date.isoformat(),
        "invoiceNumber": mutation.invoice_number, "ledgerId": mutation.ledger_id,
        "amount": quantize(mutation.amount), "entryNumber": mutation.entry_number,
    })


def api_mutation_detail(mutation: SimMutation) -> dict[str, Any]:
    return compact({
        "id": mutation.id, "type": mutation.type, "date": mutation.date.isoformat(),
        "description": mutation.description, "termOfPayment": mutation.term_of_payment,
        "ledgerId": mutation.ledger_id, "relationId": mutation.relation_id, "inExVat": mutation.in_ex_vat,
        "invoiceNumber": mutation.invoice_number, "entryNumber": mutation.entry_number,
        "rows": [compact(dict(row)) for row in mutation.rows], "vat": [],
    })


def invoice_item(invoice: SimInvoice, pdf_url: str) -> dict[str, Any]:
    return compact({
        "id": invoice.document_id,
        "invoiceNumber": invoice.number,
        "relationId": invoice.relation_id,
        "date": invoice.date.isoformat(),
        "reference": f"Order {invoice.mutation_id % 100000}",
        "text": invoice.description,
        "urlPdfFile": pdf_url,
        "totalExcl": invoice.total_excl,
        "totalAmount": invoice.total,
        "vatAmount": invoice.total - invoice.total_excl,
        "termOfPayment": invoice.document_term,
        "templateId": 1,
        "print": False,
    })


def invoice_detail(invoice: SimInvoice, pdf_url: str) -> dict[str, Any]:
    detail = invoice_item(invoice, pdf_url)
    detail.pop("print", None)
    detail["inExVat"] = "EX"
    detail["items"] = [{
        "quantity": Decimal(1), "description": invoice.description, "pricePerUnit": invoice.total_excl,
        "vatCode": "HOOG_VERK_21", "ledgerId": REVENUE_LEDGER,
    }]
    return detail


def ledger_item(ledger: SimLedger) -> dict[str, Any]:
    return {"id": ledger.id, "code": ledger.code, "description": ledger.description,
            "category": ledger.category, "group": ledger.group}


# -- filters ---------------------------------------------------------------------------------

class FilterError(ValueError):
    """A filter the API would refuse (ERR_002 invalid value)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


_KEY = re.compile(r"^(?P<name>[A-Za-z]+)(?:\[(?P<op>[a-z_]+)\])?$")
TEXT_OPS = frozenset({"eq", "not_eq", "like", "not_like"})
ORDERED_OPS = frozenset({"eq", "not_eq", "gt", "gte", "lt", "lte", "range"})


def split_key(key: str) -> tuple[str, str]:
    """`date[range]` -> ("date", "range"); `type` -> ("type", "eq")."""
    match = _KEY.match(key)
    if not match:
        raise FilterError(key, f"unknown parameter {key!r}")
    return match["name"], match["op"] or "eq"


def _like(pattern: str) -> re.Pattern[str]:
    parts = ("." if ch == "?" else ".*" if ch == "%" else re.escape(ch) for ch in pattern)
    return re.compile("^" + "".join(parts) + "$", re.IGNORECASE)


def text_filter(name: str, op: str, value: str) -> Callable[[Any], bool]:
    if op not in TEXT_OPS:
        raise FilterError(name, f"operator {op!r} is not valid for {name}")
    if op in ("like", "not_like"):
        regex = _like(value)
        return (lambda v: bool(regex.match(str(v or "")))) if op == "like" else (
            lambda v: not regex.match(str(v or "")))
    return (lambda v: str(v or "") == value) if op == "eq" else (lambda v: str(v or "") != value)


def ordered_filter(name: str, op: str, value: str, parse: Callable[[str], Any]) -> Callable[[Any], bool]:
    if op not in ORDERED_OPS:
        raise FilterError(name, f"operator {op!r} is not valid for {name}")
    try:
        if op == "range":
            low, high = (parse(part.strip()) for part in value.split(",", 1))
        else:
            target = parse(value)
    except ValueError:
        raise FilterError(name, f"invalid value {value!r} for {name}") from None
    tests: dict[str, Callable[[Any], bool]] = {
        "eq": lambda v: v == target, "not_eq": lambda v: v != target,
        "gt": lambda v: v > target, "gte": lambda v: v >= target,
        "lt": lambda v: v < target, "lte": lambda v: v <= target,
    }
    if op == "range":
        return lambda v: v is not None and low <= v <= high
    test = tests[op]
    return lambda v: v is not None and test(v)


def parse_day(text: str) -> date:
    return date.fromisoformat(text)
