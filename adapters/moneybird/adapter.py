"""Moneybird adapter: synchronization-endpoint pulls, payments, reminders through Moneybird itself.

Reads use the synchronization pair (one listing of ids+versions, then full records for
changed ids in batches of 100), so a second sync with k changed invoices costs 1 + ⌈k/100⌉
calls per stream, plus one workflows call when contacts changed (their language lives there).
Every listing carries an explicit `period` filter because Moneybird's default is "this year"
and silently hides older open invoices. The sales per day (history before the first sync) come
from the paginated invoice list instead, which gives full records 100 a page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from adapters.base import (
    Adapter,
    Batch,
    Capabilities,
    ConnectionInfo,
    NoteRecord,
    PaymentBooking,
    ReminderPush,
    Stream,
    StreamState,
    WriteReceipt,
)
from adapters.invoiced import totals_per_day
from adapters.moneybird.client import SYNC_BATCH, MoneybirdClient
from adapters.moneybird.mapping import (
    INVOICED_STATES,
    OPEN_STATES,
    contact_from_api,
    invoice_from_api,
    invoiced_amount,
    invoiced_on,
    mutation_from_api,
    workflow_languages,
)
from adapters.moneybird.oauth import MoneybirdOAuth, TokenVault
from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ApiError, ConfigError, token_hint
from connector.http.client import BearerToken
from connector.records import Package

RESOURCES = {
    Stream.CONTACTS: ("contacts", contact_from_api),
    Stream.INVOICES: ("sales_invoices", invoice_from_api),
    Stream.MUTATIONS: ("financial_mutations", mutation_from_api),
}


class MoneybirdAdapter(Adapter):
    package = Package.MONEYBIRD
    capabilities = Capabilities(
        sends_reminders=True, books_payments=True, unbooked_bank_lines=True, bank_counterparty=True,
        records_notes=True, payment_links=True, host_reminder_workflow=True,
    )

    def __init__(self, *, client: MoneybirdClient, since: date, clock: Clock = SYSTEM_CLOCK,
                 financial_account_id: str | None = None) -> None:
        self.client = client
        self.since = since
        self.clock = clock
        self.financial_account_id = financial_account_id

    # -- reads ---------------------------------------------------------------------------------

    def _period(self) -> str:
        today = datetime.fromtimestamp(self.clock.now(), UTC).date()
        until = today + timedelta(days=366)
        return f"period:{self.since:%Y%m%d}..{until:%Y%m%d}"

    def _filter(self, stream: Stream) -> str | None:
        if stream is Stream.INVOICES:
            return f"state:{'|'.join(OPEN_STATES)},{self._period()}"
        if stream is Stream.MUTATIONS:
            terms = f"{self._period()},state:unprocessed"
            if self.financial_account_id:
                terms += f",financial_account_id:{self.financial_account_id}"
            return terms
        return None

    def pull(self, stream: Stream, state: StreamState) -> Iterator[Batch]:
        resource, convert = RESOURCES[stream]
        listed = self.client.sync_versions(resource, self._filter(stream))
        known = state.known_versions
        changed = [host_id for host_id, version in listed.items() if known.get(host_id) != version]
        if stream is Stream.CONTACTS and changed:  # one call, only when there are contacts to convert
            convert = partial(contact_from_api, languages=workflow_languages(self.client.get("workflows")))
        for start in range(0, len(changed), SYNC_BATCH):
            records = self.client.sync_fetch(resource, changed[start:start + SYNC_BATCH])
            yield Batch(stream, upserts=tuple(convert(r) for r in records))
        removed = tuple(host_id for host_id in known if host_id not in listed)
        bookmark = json.dumps({"listed": len(listed), "filter": self._filter(stream)})
        yield Batch(stream, removed_ids=removed, bookmark=bookmark)

    def invoiced_per_day(self, start: date, end: date) -> dict[date, Decimal]:
        """The paginated invoice list over an explicit period, in the states of sent invoices.

        `state:all` would count drafts and scheduled invoices (and an undated draft matches any
        period containing today); the list gives full records 100 a page, so this costs
        ⌈invoices / 100⌉ calls, where the synchronization pair would cost one more.
        """
        terms = f"state:{'|'.join(INVOICED_STATES)},period:{start:%Y%m%d}..{end:%Y%m%d}"
        return totals_per_day((
            (invoiced_on(record), invoiced_amount(record))
            for page in self.client.pages("sales_invoices", terms) for record in page
        ), start, end)

    def check_connection(self) -> ConnectionInfo:
        administrations = self.client.administrations()
        for admin in administrations:
            if str(admin.get("id")) == self.client.administration_id:
                return ConnectionInfo(administration_name=str(admin.get("name", "")))
        known = ", ".join(f"{a.get('id')} ({a.get('name')})" for a in administrations) or "none"
        raise ConfigError(
            f"Moneybird administration {self.client.administration_id} is not visible to this token "
            f"(visible: {known})"
        )

    # -- writes ---------------------------------------------------------------------------------

    def register_payment(self, booking: PaymentBooking, idempotency_key: str) -> WriteReceipt:
        """POST …/payments linked to the bank mutation; the key rides along as transaction_identifier."""
        body = {"payment": {
            "payment_date": booking.payment_date.isoformat(),
            "price": str(booking.amount),
            "financial_mutation_id": booking.mutation_id,
            "manual_payment_action": "bank_transfer",
            "transaction_identifier": idempotency_key,
        }}
        result = self.client.post(f"sales_invoices/{booking.invoice_id}/payments", body)
        return WriteReceipt(host_id=str((result or {}).get("id", "")), detail="payment registered")

    def push_reminder(self, push: ReminderPush, idempotency_key: str) -> WriteReceipt:
        """Let Moneybird send the reminder (grouped as Moneybird groups them), unless it already did."""
        invoices = self.client.sync_fetch("sales_invoices", list(push.invoice_ids))
        already = [inv for inv in invoices
                   if int(inv.get("reminder_count") or 0) > push.expected_reminder_counts.get(str(inv["id"]), 0)]
        if already:
            numbers = ", ".join(str(inv.get("invoice_id")) for inv in already)
            raise ApiError(f"Moneybird already sent a reminder for {numbers}; not sending another")
        groups: dict[tuple[str, str, str], list[str]] = {}
        for inv in invoices:
            key = (str(inv.get("workflow_id")), str(inv.get("document_style_id")), str(inv.get("identity_id")))
            groups.setdefault(key, []).append(str(inv["id"]))
        reminders = []
        for (workflow_id, style_id, identity_id), ids in groups.items():
            reminder: dict[str, Any] = {
                "contact_id": push.contact_id, "workflow_id": workflow_id, "document_style_id": style_id,
                "identity_id": identity_id, "sales_invoice_ids": ids, "reminder_text": push.text,
                "delivery_method": "Email",
            }
            if push.email:
                reminder["email_address"] = push.email
            reminders.append(reminder)
        self.client.post("sales_invoices/send_reminders", {"sales_invoice_reminders": reminders})
        return WriteReceipt(detail=f"{len(reminders)} reminder(s) sent by Moneybird")

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        text = f"{note.text}\n[connector:{idempotency_key}]"
        result = self.client.post(f"contacts/{note.contact_id}/notes", {"note": {"note": text, "todo": note.todo}})
        return WriteReceipt(host_id=str((result or {}).get("id", "")), detail="note added")

    def was_applied(self, kind: str, payload: Mapping[str, Any], idempotency_key: str) -> bool | None:
        if kind == "payment":
            invoice = self.client.get(f"sales_invoices/{payload['invoice_id']}")
            return any(p.get("transaction_identifier") == idempotency_key for p in invoice.get("payments") or [])
        if kind == "reminder":
            expected = {str(k): int(v) for k, v in (payload.get("expected_reminder_counts") or {}).items()}
            invoices = self.client.sync_fetch("sales_invoices", list(payload["invoice_ids"]))
            bumped = [int(inv.get("reminder_count") or 0) > expected.get(str(inv["id"]), 0) for inv in invoices]
            if bumped and all(bumped):
                return True
            return False if not any(bumped) else None
        if kind == "note":
            contact = self.client.get(f"contacts/{payload['contact_id']}")
            marker = f"[connector:{idempotency_key}]"
            return any(marker in str(n.get("note", "")) for n in contact.get("notes") or [])
        return None


def build_adapter(settings: Mapping[str, Any], *, secret: Callable[[str], str], clock: Clock = SYSTEM_CLOCK,
                  state_dir: Path | None = None, token_vault: TokenVault | None = None,
                  since: date = date(2015, 1, 1), admin_key: str = "ADMIN") -> MoneybirdAdapter:
    """Settings keys: administration_id, base_url, auth (token|oauth), financial_account_id.

    Secrets: `api_token` for auth=token; `client_id`/`client_secret` for auth=oauth (tokens in the vault).
    `admin_key` is the config's key, named in messages that tell the user what to run.
    """
    base_url = settings.get("base_url") or "https://moneybird.com/api/v2"
    if settings.get("auth", "token") == "oauth":
        if token_vault is None:
            raise ConfigError("Moneybird OAuth needs a token vault")
        auth: Any = MoneybirdOAuth(
            base_url=base_url, client_id=secret("client_id"), client_secret=secret("client_secret"),
            vault=token_vault, vault_key=f"moneybird:{settings['administration_id']}", admin_key=admin_key,
            clock=clock,
        )
    else:
        auth = BearerToken(secret("api_token"))
    hint = "" if settings.get("auth", "token") == "oauth" else token_hint(admin_key)
    client = MoneybirdClient(base_url, str(settings["administration_id"]), auth, clock=clock, refused_hint=hint)
    return MoneybirdAdapter(client=client, since=since, clock=clock,
                            financial_account_id=settings.get("financial_account_id"))
