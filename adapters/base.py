"""The contract every vendor adapter fulfils, so the cycle can treat all packages alike.

An adapter reads three streams (contacts, invoices, bank mutations) incrementally and
performs the few writes the connector needs (book a payment, push a reminder, leave a
note). Reads are resumable: each yields batches, and a batch's bookmark is only
committed by the store together with the batch. Writes carry an idempotency key and
can be confirmed afterwards, which is what lets the outbox recover from a crash between
"sent" and "recorded". One optional read, the sales invoiced per day, gives the history
from before the first sync that DSO needs.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import ClassVar

from connector.records import BankMutation, Contact, Invoice, Package


class Stream(str, Enum):
    CONTACTS = "contacts"
    INVOICES = "invoices"
    MUTATIONS = "mutations"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the host can do, so the core chooses who sends, who books and where bank lines come from.

    Attributes:
        sends_reminders: the host can send a reminder itself (Moneybird `send_reminders`).
        books_payments: we can register a payment on an invoice through the API.
        unbooked_bank_lines: the API exposes bank lines not yet booked.
        bank_counterparty: those bank lines carry the payer's name and IBAN.
        records_notes: a note or task can be left on the contact/invoice to record a step.
        payment_links: invoices carry an online payment link.
        host_reminder_workflow: the host runs its own automatic reminders we must not duplicate.
    """

    sends_reminders: bool = False
    books_payments: bool = False
    unbooked_bank_lines: bool = False
    bank_counterparty: bool = False
    records_notes: bool = False
    payment_links: bool = False
    host_reminder_workflow: bool = False


@dataclass(frozen=True, slots=True)
class StreamState:
    """What the store knows of a stream before a pull: the adapter's bookmark and record versions."""

    bookmark: str | None = None
    known_versions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Batch:
    """A unit the store commits atomically.

    Attributes:
        upserts: new or changed records.
        removed_ids: records that left the stream (invoice paid, mutation booked, contact deleted).
        bookmark: the adapter's new bookmark, valid once this batch and all before it are stored;
            None means "no bookmark change with this batch".
    """

    stream: Stream
    upserts: tuple[Contact | Invoice | BankMutation, ...] = ()
    removed_ids: tuple[str, ...] = ()
    bookmark: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentBooking:
    """Book (part of) a bank mutation against an invoice in the host."""

    invoice_id: str
    mutation_id: str
    amount: Decimal
    payment_date: date
    invoice_number: str = ""
    contact_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderPush:
    """Ask the host to send a reminder for invoices of one contact (host-sent channel)."""

    contact_id: str
    invoice_ids: tuple[str, ...]
    level: str
    text: str
    email: str = ""
    expected_reminder_counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteRecord:
    """Leave a trace of a step in the host (a note on the contact, optionally a document)."""

    contact_id: str
    text: str
    invoice_ids: tuple[str, ...] = ()
    attachment_name: str = ""
    attachment: bytes = b""
    todo: bool = False


@dataclass(frozen=True, slots=True)
class WriteReceipt:
    """What the host answered to a write, kept in the outbox row."""

    host_id: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """Result of a connection check: who we are connected as and anything the user must know."""

    administration_name: str
    detail: str = ""
    warnings: tuple[str, ...] = ()


class Adapter(abc.ABC):
    """One administration in one host package."""

    package: ClassVar[Package]
    capabilities: ClassVar[Capabilities]
    streams: ClassVar[tuple[Stream, ...]] = (Stream.CONTACTS, Stream.INVOICES, Stream.MUTATIONS)

    @abc.abstractmethod
    def pull(self, stream: Stream, state: StreamState) -> Iterator[Batch]:
        """Yield what changed since `state`; the last batch carries the new bookmark."""

    def pull_invoices(self, state: StreamState) -> Iterator[Batch]:
        return self.pull(Stream.INVOICES, state)

    def pull_bank_mutations(self, state: StreamState) -> Iterator[Batch]:
        return self.pull(Stream.MUTATIONS, state)

    def pull_contacts(self, state: StreamState) -> Iterator[Batch]:
        return self.pull(Stream.CONTACTS, state)

    @abc.abstractmethod
    def check_connection(self) -> ConnectionInfo:
        """Cheap authenticated call proving credentials and ids are right."""

    def register_payment(self, booking: PaymentBooking, idempotency_key: str) -> WriteReceipt:
        raise NotImplementedError(f"{self.package.value} cannot book payments through its API")

    def push_reminder(self, push: ReminderPush, idempotency_key: str) -> WriteReceipt:
        raise NotImplementedError(f"{self.package.value} cannot send reminders itself")

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        raise NotImplementedError(f"{self.package.value} cannot record notes")

    def invoice_pdf(self, invoice_id: str) -> bytes | None:
        """The host's own PDF of an invoice, attached to reminders the connector mails itself.

        None when the host offers no invoice PDFs; it may raise a HostError (e.g. NotFound) for
        one invoice without a PDF, which the reminder notes and goes without.
        """
        return None

    def invoiced_per_day(self, start: date, end: date) -> Mapping[date, Decimal] | None:
        """Sales invoiced per invoice date from `start` to `end` (both included), paid and unpaid alike.

        Why: the sales of the DSO period include invoices paid before the connector's first sync,
        which the open-invoice streams never show; only the host knows them. Amounts include VAT,
        are in the administration's own currency (EUR) and credit notes count negative; drafts
        and invoices not yet sent do not count. Days without invoices may be left out. None when
        this host cannot tell; a HostError when it could but failed.
        """
        return None

    def was_applied(self, kind: str, payload: Mapping[str, object], idempotency_key: str) -> bool | None:
        """After a crash or a timeout: did the write with this key reach the host?

        True/False when the host lets us tell, None when it cannot be known (the outbox
        then leaves the entry as `unknown` for a person to check instead of resending).
        """
        return None

    def close(self) -> None:
        """Release sessions and locks."""
