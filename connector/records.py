"""Domain records shared by adapters, the store and the pure core.

Every record is frozen and keyword-only so it can be passed around and cached without
defensive copies; money is Decimal, dates are `datetime.date`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class Package(str, enum.Enum):
    """The bookkeeping package an administration lives in."""

    MONEYBIRD = "moneybird"
    EXACT = "exact"
    EBOEKHOUDEN = "eboekhouden"


class ContactKind(str, enum.Enum):
    """Company (B2B) or consumer (B2C): decides which collection law applies."""

    COMPANY = "company"
    CONSUMER = "consumer"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Administration:
    """One client's books in one package, as named in the config.

    Attributes:
        key: the config's short name for it (used in commands, the store and logs).
        package: which bookkeeping package holds it.
        host_id: the package's own id (Moneybird administration id, Exact division, ...).
        name: display name for letters and the summary.
    """

    key: str
    package: Package
    host_id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """Postal address for letters sent by post."""

    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "NL"


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """A debtor as the host knows it.

    Attributes:
        host_id: the host's contact id.
        name: company name, or the person's full name.
        kind: company / consumer / unknown (unknown is treated as the stricter consumer law).
        emails: addresses invoices go to.
        reminder_emails: a separate address for reminders when the host keeps one; empty means use `emails`.
        ibans: bank accounts the contact is known to pay from (normalised, no spaces, upper case).
        language: "nl" or "en": the language of letters to this contact; "" when the host does not
            say, so the administration's language applies.
    """

    host_id: str
    name: str
    kind: ContactKind = ContactKind.UNKNOWN
    emails: tuple[str, ...] = ()
    reminder_emails: tuple[str, ...] = ()
    ibans: tuple[str, ...] = ()
    language: str = ""
    phone: str = ""
    customer_number: str = ""
    attention: str = ""
    address: Address = field(default_factory=Address)
    version: str = ""

    @property
    def dunning_emails(self) -> tuple[str, ...]:
        """Where reminders go: the reminder address when set, else the invoice addresses."""
        return self.reminder_emails or self.emails


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """An open (or recently closed) sales invoice.

    Attributes:
        host_id: the host's invoice id.
        number: the invoice number the customer sees (and quotes when paying).
        contact_id: host id of the debtor.
        total: amount incl. VAT; negative for a credit note.
        open_amount: what is still unpaid.
        payment_reference: the structured reference printed on the invoice, if any.
        host_state: the host's own state word (open, late, reminded, paid, ...).
        reminder_count: reminders the host itself already sent.
        payment_url: an online payment link the host offers for this invoice, if any.
        collection_hold: why the host says not to chase it now, in the connector's words:
            "payment_pending" (a direct debit or online payment is under way) or "not_sent"
            (the customer has not received the invoice yet); "" when nothing holds it.
    """

    host_id: str
    number: str
    contact_id: str
    invoice_date: date
    due_date: date
    currency: str
    total: Decimal
    open_amount: Decimal
    payment_reference: str = ""
    host_state: str = "open"
    reminder_count: int = 0
    payment_url: str = ""
    collection_hold: str = ""
    version: str = ""

    @property
    def is_credit_note(self) -> bool:
        return self.total < 0

    @property
    def is_open(self) -> bool:
        return self.open_amount != 0


@dataclass(frozen=True, slots=True, kw_only=True)
class BankMutation:
    """One line on a bank statement.

    Attributes:
        host_id: stable id: the host's mutation id, or a key derived from the statement file and position.
        amount: signed; incoming money is positive.
        counterparty_iban: normalised IBAN (upper case, no spaces) or "" when the bank gave none.
        description: the remittance text as one line.
        booked: whether the host already booked it (matched to an invoice or a ledger).
        source: "host" or the bank file it came from.
    """

    host_id: str
    date: date
    amount: Decimal
    currency: str = "EUR"
    counterparty_name: str = ""
    counterparty_iban: str = ""
    description: str = ""
    booked: bool = False
    end_to_end_id: str = ""
    source: str = "host"
    version: str = ""

    @property
    def is_incoming(self) -> bool:
        return self.amount > 0
