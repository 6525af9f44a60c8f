"""Writes to Exact: recording a reminder step, and (only when switched on) booking a payment.

Exact has no REST endpoint to send reminders and none to match payments ("afletteren"), so
the connector sends reminders itself and records each in Exact as a communication note (or a
task when a person must act), with the reminder PDF as a document on the account. Each write
carries the outbox's idempotency key as `[connector:<key>]` in its text, so `was_applied` can
find it after a crash instead of writing twice.

Payment booking (`book_payments`, off by default) posts a bank entry whose line carries the
customer (`Account`) and the invoice number (`OurRef`), which is how Exact links a bank line
to an invoice. When the money already sits on the bank journal's suspense account (a line
Exact imported), a second line takes it off the suspense account again, so the bank balance
is not counted twice. Whether Exact then marks the invoice as matched is UNCONFIRMED (research
note §5); that is one reason the switch is off by default.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from adapters.base import NoteRecord, PaymentBooking, WriteReceipt
from adapters.exact_online.client import ExactClient
from adapters.exact_online.odata import guid_literal, is_guid, wall_iso, wall_now
from connector.clock import Clock
from connector.errors import ApiError, ConfigError
from connector.money import D


def marker(idempotency_key: str) -> str:
    return f"[connector:{idempotency_key}]"


def _guid(value: str) -> str:
    """A GUID we send in a body, validated like the ones we put in filters."""
    if not is_guid(value):
        raise ApiError(f"Exact Online: {value!r} is not an Exact id (GUID)")
    return value.lower()


def _subject(text: str, limit: int = 60) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "Debiteurenbeheer")
    return first if len(first) <= limit else first[: limit - 1] + "…"


class ExactWriter:
    def __init__(
        self,
        client: ExactClient,
        clock: Clock,
        *,
        document_type: int = 55,
        bank_journal: str | None = None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.document_type = document_type
        self.bank_journal = bank_journal

    def _today(self) -> str:
        return wall_iso(wall_now(self.clock.now()).date())

    # -- notes ---------------------------------------------------------------------------------

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        mark = marker(idempotency_key)
        account = _guid(note.contact_id)
        document_id = self._document(note, mark) if note.attachment else ""
        body: dict[str, Any] = {"Account": account, "Notes": f"{note.text}\n{mark}"}
        if document_id:
            body["Document"] = document_id
        if note.todo:
            body.update({"Description": _subject(note.text), "ActionDate": self._today()})
            created = self.client.post("activities/Tasks", body)
        else:
            body.update({"Subject": _subject(note.text), "Date": self._today()})
            created = self.client.post("activities/CommunicationNotes", body)
        detail = "task added" if note.todo else "communication note added"
        return WriteReceipt(
            host_id=str(created.get("ID", "")),
            detail=detail + (" with document" if document_id else ""),
        )

    def _document(self, note: NoteRecord, mark: str) -> str:
        """The PDF as a document on the account; reused when an earlier attempt already made it."""
        account = guid_literal(note.contact_id)
        existing = self.client.rows(
            "documents/Documents", select=("ID", "Subject"), filter=f"Account eq {account}"
        )
        document_id = next(
            (str(d["ID"]) for d in existing if mark in str(d.get("Subject") or "")), ""
        )
        fresh = not document_id
        if fresh:
            created = self.client.post(
                "documents/Documents",
                {
                    "Subject": f"{_subject(note.attachment_name or note.text, 40)} {mark}",
                    "Type": self.document_type,
                    "Account": _guid(note.contact_id),
                    "DocumentDate": self._today(),
                },
            )
            document_id = str(created.get("ID", ""))
            if not is_guid(document_id):
                raise ApiError("Exact Online: creating the document returned no ID")
        # a document made just now has no attachment yet: only an earlier attempt's needs the lookup
        attached = not fresh and self.client.rows(
            "documents/DocumentAttachments",
            select=("ID", "FileName"),
            filter=f"Document eq {guid_literal(document_id)}",
        )
        if not attached:
            self.client.post(
                "documents/DocumentAttachments",
                {
                    "Document": document_id,
                    "FileName": note.attachment_name or "document.pdf",
                    "Attachment": base64.b64encode(note.attachment).decode("ascii"),
                },
            )
        return document_id

    def note_applied(self, payload: Mapping[str, Any], idempotency_key: str) -> bool:
        mark = marker(idempotency_key)
        account = guid_literal(str(payload["contact_id"]))
        resource = "activities/Tasks" if payload.get("todo") else "activities/CommunicationNotes"
        rows = self.client.rows(resource, select=("ID", "Notes"), filter=f"Account eq {account}")
        return any(mark in str(r.get("Notes") or "") for r in rows)

    # -- payments ------------------------------------------------------------------------------

    def register_payment(
        self, booking: PaymentBooking, idempotency_key: str, journals: list[dict[str, Any]]
    ) -> WriteReceipt:
        mark = marker(idempotency_key)
        receivable = self._receivable(booking.invoice_id)
        account = str(receivable["Account"])
        number = int(receivable.get("InvoiceNumber") or booking.invoice_number or 0)
        if not number:
            raise ApiError(
                f"Exact Online: receivable {booking.invoice_id} has no invoice number "
                "to book against"
            )
        amount = D(booking.amount)
        description = f"Betaling factuur {number}"
        lines: list[dict[str, Any]] = [
            {
                "Date": wall_iso(booking.payment_date),
                "AmountFC": amount,
                "GLAccount": receivable["GLAccount"],
                "Account": account,
                "OurRef": number,
                "Description": description,
                "Notes": f"{mark} mutation:{booking.mutation_id}",
            }
        ]
        journal_code, suspense = self._journal_for(booking.mutation_id, journals)
        if suspense:
            lines.append(
                {
                    "Date": wall_iso(booking.payment_date),
                    "AmountFC": -amount,
                    "GLAccount": suspense,
                    "Description": f"Naar debiteur, factuur {number}",
                    "Notes": f"{mark} mutation:{booking.mutation_id}",
                }
            )
        created = self.client.post(
            "financialtransaction/BankEntries",
            {"JournalCode": journal_code, "BankEntryLines": lines},
        )
        return WriteReceipt(
            host_id=str(created.get("EntryID", "")),
            detail=f"bank entry booked on journal {journal_code} for invoice {number}",
        )

    def _receivable(self, invoice_id: str) -> dict[str, Any]:
        rows = self.client.rows(
            "cashflow/Receivables",
            select=("ID", "Account", "InvoiceNumber", "GLAccount", "Status"),
            filter=f"ID eq {guid_literal(invoice_id)}",
        )
        if not rows:
            raise ApiError(f"Exact Online: receivable {invoice_id} not found")
        return rows[0]

    def _journal_for(self, mutation_id: str, journals: list[dict[str, Any]]) -> tuple[str, str]:
        """(journal, suspense GL to clear) for a line Exact imported, else (bank_journal, "")."""
        if is_guid(mutation_id):
            lines = self.client.rows(
                "financialtransaction/BankEntryLines",
                select=("ID", "GLAccount"),
                filter=f"ID eq {guid_literal(mutation_id)}",
            )
            if lines:
                suspense = str(lines[0].get("GLAccount") or "").lower()
                journal = next(
                    (j for j in journals if str(j.get("GLAccount") or "").lower() == suspense), None
                )
                if journal is not None:
                    return str(journal["Code"]), suspense
        if not self.bank_journal:
            raise ConfigError(
                "Exact Online: booking a payment from an imported bank file needs `bank_journal` "
                "(the code of the Exact bank journal) in the administration's exact settings"
            )
        return self.bank_journal, ""

    def payment_applied(self, payload: Mapping[str, Any], idempotency_key: str) -> bool:
        mark = marker(idempotency_key)
        receivable = self._receivable(str(payload["invoice_id"]))
        number = int(receivable.get("InvoiceNumber") or payload.get("invoice_number") or 0)
        rows = self.client.rows(
            "financialtransaction/BankEntryLines",
            select=("ID", "Notes"),
            filter=f"Account eq {guid_literal(str(receivable['Account']))} and OurRef eq {number}",
        )
        return any(mark in str(r.get("Notes") or "") for r in rows)
