"""Exact rows to connector records, and the field lists we ask for. Pure functions.

Receivables are Exact *payment terms* (`sync/Cashflow/PaymentTerms`, `LineType` 20): one row
per term of an invoice, so an invoice paid in instalments or partly paid has several rows,
each with its own ID, due date and open amount; we keep one Invoice per open term, because
only that survives incremental syncing (a change to one term does not resend the others).
Amounts are FC (invoice currency); ReceivablesList would give division-currency amounts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from adapters.exact_online.odata import parse_date
from connector.money import D
from connector.records import Address, BankMutation, Contact, ContactKind, Invoice

RECEIVABLE = 20  # LineType: 20 receipt (receivable), 22 payment (payable)
OPEN_STATUSES = {20: "open", 30: "selected_for_collection", 40: "collection_processed"}
MATCHED = 50

TERM_FIELDS = (
    "Timestamp",
    "ID",
    "LineType",
    "Status",
    "Account",
    "AccountCode",
    "InvoiceNumber",
    "EntryNumber",
    "InvoiceDate",
    "EntryDate",
    "DueDate",
    "Currency",
    "AmountFC",
    "AmountDC",
    "TransactionAmountFC",
    "PaymentReference",
    "PaymentMethod",
    "IsFullyPaid",
    "YourRef",
    "Description",
)
ACCOUNT_FIELDS = (
    "Timestamp",
    "ID",
    "Code",
    "Name",
    "Email",
    "Phone",
    "Language",
    "ChamberOfCommerce",
    "VATNumber",
    "AddressLine1",
    "Postcode",
    "City",
    "Country",
    "Status",
    "IsSales",
    "Blocked",
)
ACCOUNT_PLAIN_FIELDS = tuple(f for f in ACCOUNT_FIELDS if f != "Timestamp")
BANK_ACCOUNT_FIELDS = ("ID", "Account", "BankAccount", "Main", "Modified")
DELETED_FIELDS = ("Timestamp", "EntityType", "EntityKey", "DeletedDate")
JOURNAL_FIELDS = ("ID", "Code", "Description", "Type", "GLAccount", "BankAccountIBAN", "Currency")
BANK_LINE_FIELDS = (
    "ID",
    "EntryID",
    "EntryNumber",
    "LineNumber",
    "Date",
    "AmountFC",
    "Description",
    "Notes",
    "Account",
    "GLAccount",
    "OurRef",
    "Modified",
)

_COMPANY_FORMS = re.compile(
    r"\b(b\.?v\.?|n\.?v\.?|v\.?o\.?f\.?|c\.?v\.?|stichting|vereniging|holding|co[öo]peratie|u\.?a\.?|"
    r"gmbh|ltd|inc|bvba|sarl)(\W|$)",
    re.IGNORECASE,
)


def fingerprint(*parts: object) -> str:
    """A short stable version string from the fields we map (Exact rows carry no version of
    their own
    that means the same for sync and non-sync endpoints)."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:16]


def _guid(value: Any) -> str:
    return str(value or "").lower()


def _iban(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or "")).upper()


def _emails(value: Any) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[;,\s]+", str(value or "")) if "@" in p)


def _language(code: Any) -> str:
    text = str(code or "").strip().lower()
    if not text:
        return ""  # not known: the administration's language applies
    return "nl" if text.startswith("nl") else "en"


def contact_kind(row: Mapping[str, Any]) -> ContactKind:
    """Exact has no 'private person' flag: KvK/VAT numbers or a legal form mean company."""
    if str(row.get("ChamberOfCommerce") or "").strip() or str(row.get("VATNumber") or "").strip():
        return ContactKind.COMPANY
    if _COMPANY_FORMS.search(str(row.get("Name") or "")):
        return ContactKind.COMPANY
    return ContactKind.UNKNOWN


def bank_mark(row: Mapping[str, Any]) -> str:
    """A bank account as its contact's version remembers it: short id and a hash of `Modified`.

    So a bank account read again without having changed is recognised as known, and a
    changed or deleted one can be traced to the contact that had it.
    """
    return f"{_guid(row.get('ID'))[:8]}.{fingerprint(row.get('Modified'))[:4]}"


def bank_account_marker(bank_accounts: Iterable[Mapping[str, Any]]) -> str:
    return ",".join(sorted(bank_mark(b) for b in bank_accounts))


def contact_from_row(row: Mapping[str, Any], bank_accounts: Iterable[Mapping[str, Any]]) -> Contact:
    """An Exact account with its bank accounts; the version also names the bank accounts
    (`bank_mark`), so a bank account that changed or was deleted can be traced to its owner
    through the store's versions."""
    accounts = sorted(bank_accounts, key=lambda b: (not b.get("Main"), _guid(b.get("ID"))))
    ibans = tuple(dict.fromkeys(i for i in (_iban(b.get("BankAccount")) for b in accounts) if i))
    contact = Contact(
        host_id=_guid(row["ID"]),
        name=str(row.get("Name") or "").strip() or str(row.get("Code") or "").strip(),
        kind=contact_kind(row),
        emails=_emails(row.get("Email")),
        ibans=ibans,
        language=_language(row.get("Language")),
        phone=str(row.get("Phone") or "").strip(),
        customer_number=str(row.get("Code") or "").strip(),
        address=Address(
            street=str(row.get("AddressLine1") or "").strip(),
            postcode=str(row.get("Postcode") or "").strip(),
            city=str(row.get("City") or "").strip(),
            country=str(row.get("Country") or "NL").strip() or "NL",
        ),
    )
    marker = bank_account_marker(accounts)
    version = fingerprint(
        contact.name,
        contact.kind.value,
        contact.emails,
        contact.ibans,
        contact.language,
        contact.phone,
        contact.customer_number,
        contact.address,
    )
    return _with_version(contact, f"{version}|ba:{marker}")


def is_receivable(row: Mapping[str, Any]) -> bool:
    return int(row.get("LineType") or RECEIVABLE) == RECEIVABLE


def is_open_term(row: Mapping[str, Any]) -> bool:
    """Open = status 20/30/40 with something left to pay (matched terms are status 50)."""
    return int(row.get("Status") or 0) in OPEN_STATUSES and D(row.get("AmountFC")) != 0


def host_state(row: Mapping[str, Any]) -> str:
    status = int(row.get("Status") or 0)
    if status == 20 and str(row.get("PaymentMethod") or "") == "I":
        return "direct_debit"
    return OPEN_STATUSES.get(status, "matched" if status == MATCHED else str(status))


def invoice_from_term(row: Mapping[str, Any]) -> Invoice:
    invoice_date = parse_date(row.get("InvoiceDate")) or parse_date(row.get("EntryDate"))
    if invoice_date is None:
        raise ValueError(f"Exact receivable {row.get('ID')}: no InvoiceDate or EntryDate")
    due_date = parse_date(row.get("DueDate")) or invoice_date
    open_amount = D(row.get("AmountFC"))
    total = (
        D(row.get("TransactionAmountFC"))
        if row.get("TransactionAmountFC") not in (None, "")
        else open_amount
    )
    number = row.get("InvoiceNumber") or row.get("EntryNumber") or ""
    invoice = Invoice(
        host_id=_guid(row["ID"]),
        number=str(number),
        contact_id=_guid(row.get("Account")),
        invoice_date=invoice_date,
        due_date=due_date,
        currency=str(row.get("Currency") or "EUR"),
        total=total,
        open_amount=open_amount if is_open_term(row) else D(0),
        payment_reference=str(row.get("PaymentReference") or "").strip(),
        host_state=host_state(row),
    )
    version = fingerprint(
        invoice.number,
        invoice.contact_id,
        invoice.invoice_date,
        invoice.due_date,
        invoice.currency,
        invoice.total,
        invoice.open_amount,
        invoice.payment_reference,
        invoice.host_state,
    )
    return _with_version(invoice, version)


def mutation_from_line(row: Mapping[str, Any], *, currency: str = "EUR") -> BankMutation:
    """A bank entry line on a bank journal's suspense account: money Exact has not allocated yet.

    Exact's bank lines carry no payer IBAN or name (see Capabilities.bank_counterparty).
    """
    when = parse_date(row.get("Date"))
    if when is None:
        raise ValueError(f"Exact bank line {row.get('ID')}: no Date")
    description = " ".join(
        " ".join(str(row.get(f) or "") for f in ("Description", "Notes")).split()
    )
    mutation = BankMutation(
        host_id=_guid(row["ID"]),
        date=when,
        amount=D(row.get("AmountFC")),
        currency=currency,
        description=description,
        booked=False,
        source="host",
    )
    version = fingerprint(mutation.date, mutation.amount, mutation.currency, mutation.description)
    return _with_version(mutation, version)


def _with_version(record: Any, version: str) -> Any:
    return replace(record, version=version)
