"""Exact Online adapter: sync pulls per division, notes for reminders, optional payment booking.

What Exact can and cannot do shapes the capabilities: no REST endpoint sends reminders or
matches payments, so the connector sends reminders itself and records them here as notes;
bank lines carry no payer IBAN or name, so matching on the payer needs the bank statement
file (`bank_counterparty=False`); payment write-back exists only as a bank entry and is
off unless `book_payments: true`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.base import (
    Adapter,
    Batch,
    Capabilities,
    ConnectionInfo,
    NoteRecord,
    PaymentBooking,
    Stream,
    StreamState,
    WriteReceipt,
)
from adapters.exact_online import sales
from adapters.exact_online.client import ExactClient, NoAccess
from adapters.exact_online.oauth import ExactHost, default_vault_key
from adapters.exact_online.pulls import ExactPulls
from adapters.exact_online.tokens import ExactTokenManager, TokenVault
from adapters.exact_online.writes import ExactWriter
from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ConfigError
from connector.records import Package

DIVISION_FIELDS = ("Code", "Description", "Status", "DivisionMoveDate")
MOVE_CHECK_SECONDS = 3600.0
LOGIN_AGE_WARNING_DAYS = 21


class ExactOnlineAdapter(Adapter):
    package = Package.EXACT
    capabilities = Capabilities(
        sends_reminders=False,
        books_payments=False,
        unbooked_bank_lines=True,
        bank_counterparty=False,
        records_notes=True,
        payment_links=False,
        host_reminder_workflow=False,
    )

    def __init__(
        self,
        *,
        client: ExactClient,
        clock: Clock = SYSTEM_CLOCK,
        tokens: ExactTokenManager | None = None,
        book_payments: bool = False,
        bank_journal: str | None = None,
        document_type: int = 55,
    ) -> None:
        self.client = client
        self.clock = clock
        self.tokens = tokens
        self.division = client.division
        self.book_payments = book_payments
        # An instance attribute: the class value stays the honest default for "what Exact can do".
        self.capabilities = dataclasses.replace(
            type(self).capabilities, books_payments=book_payments
        )
        self.pulls = ExactPulls(client, clock, self._division_move_date)
        self.writer = ExactWriter(
            client, clock, document_type=document_type, bank_journal=bank_journal
        )
        self._division_row: dict[str, Any] | None = None
        self._division_checked_at = float("-inf")

    # -- division --------------------------------------------------------------------------------

    def divisions(self) -> list[dict[str, Any]]:
        """Every division this login may use (Code, Description, Status).

        Listed through Exact's current division, the only one known without asking.
        """
        current = self.client.me().get("CurrentDivision")
        return self.client.rows(
            "system/Divisions",
            select=("Code", "Description", "Status"),
            division=int(current) if current else None,
        )

    def _division(self) -> dict[str, Any]:
        if (
            self._division_row is None
            or self.clock.now() - self._division_checked_at > MOVE_CHECK_SECONDS
        ):
            try:
                rows = self.client.rows(
                    "system/Divisions", select=DIVISION_FIELDS, filter=f"Code eq {self.division}"
                )
            except NoAccess:
                rows = []
            if not rows:
                visible = (
                    ", ".join(f"{d.get('Code')} ({d.get('Description')})" for d in self.divisions())
                    or "none"
                )
                raise ConfigError(
                    f"Exact Online: division {self.division} is not accessible with this login "
                    f"(accessible: {visible}); set `division` in the administration's "
                    "exact settings"
                )
            self._division_row = rows[0]
            self._division_checked_at = self.clock.now()
        return self._division_row

    def _division_move_date(self) -> str:
        return str(self._division().get("DivisionMoveDate") or "")

    # -- reads -------------------------------------------------------------------------------------

    def pull(self, stream: Stream, state: StreamState) -> Iterator[Batch]:
        if stream is Stream.INVOICES:
            return self.pulls.invoices(state)
        if stream is Stream.CONTACTS:
            return self.pulls.contacts(state)
        if stream is Stream.MUTATIONS:
            return self.pulls.mutations(state)
        raise ValueError(f"unknown stream {stream!r}")

    def invoiced_per_day(self, start: date, end: date) -> dict[date, Decimal]:
        """Sales entries and credit notes per entry date, from the general ledger (see sales.py)."""
        return sales.invoiced_per_day(self.client, start, end)

    def check_connection(self) -> ConnectionInfo:
        me = self.client.me()
        division = self._division()
        warnings = []
        current = me.get("CurrentDivision")
        if current is not None and int(current) != self.division:
            warnings.append(
                f"Exact's current division is {current}; the connector always uses division "
                f"{self.division} from the config"
            )
        if int(division.get("Status") or 1) != 1:
            warnings.append(
                f"division {self.division} is not active in Exact (status {division.get('Status')})"
            )
        if self.tokens is not None and self.tokens.login_age_days() > LOGIN_AGE_WARNING_DAYS:
            warnings.append(
                "the Exact login has not been refreshed for weeks; it expires after 30 idle days"
            )
        governor = self.client.governor
        if governor.daily_remaining is not None and governor.daily_remaining < 1000:
            warnings.append(
                f"only {governor.daily_remaining} of {governor.daily_limit} API calls left today"
            )
        user = me.get("FullName") or me.get("Email") or "unknown user"
        return ConnectionInfo(
            administration_name=str(division.get("Description") or self.division),
            detail=f"division {self.division} as {user}",
            warnings=tuple(warnings),
        )

    # -- writes ------------------------------------------------------------------------------------

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        return self.writer.record_note(note, idempotency_key)

    def register_payment(self, booking: PaymentBooking, idempotency_key: str) -> WriteReceipt:
        if not self.book_payments:
            raise NotImplementedError(
                "Exact Online: payment booking is switched off (set `book_payments: true` in the "
                "administration's exact settings to book payments as bank entries)"
            )
        return self.writer.register_payment(booking, idempotency_key, self.pulls.bank_journals())

    def was_applied(
        self, kind: str, payload: Mapping[str, Any], idempotency_key: str
    ) -> bool | None:
        if kind == "note":
            return self.writer.note_applied(payload, idempotency_key)
        if kind == "payment" and self.book_payments:
            return self.writer.payment_applied(payload, idempotency_key)
        return None

    def close(self) -> None:
        self.client.http.session.close()


def build_adapter(
    settings: Mapping[str, Any],
    *,
    secret: Callable[[str], str],
    clock: Clock = SYSTEM_CLOCK,
    state_dir: Path | None = None,
    token_vault: TokenVault | None = None,
    administration: str | None = None,
) -> ExactOnlineAdapter:
    """An adapter for one Exact division.

    Settings (the administration's `exact:` section):
        division (required): the Exact division code; every call goes to this division.
        country: nl (default), be, de, uk, us, es, fr: which Exact host; tokens are per host.
        base_url: overrides the host (the simulator, e.g. http://127.0.0.1:8765).
        book_payments: false (default). When true, `register_payment` posts a bank entry line
            with the
            customer and invoice number (plus a line clearing the bank journal's suspense account
            when Exact imported the bank line). Off by default: Exact's matching of such lines is
            unconfirmed, and a booking mistake lands in the client's books.
        bank_journal: bank journal code for bookings of bank lines that came from a statement file.
        token_key: vault key of the login; defaults to "exact:<host>:<client_id>" so administrations
            sharing one Exact login share one token chain (and one lock).
        daily_reserve (100), error_budget (5), document_type (55): see limits.py / writes.py.
    Secrets: client_id (or setting client_id), client_secret. Tokens live in `token_vault`.
    `administration` is the config key, named in the `connector connect` command of a re-consent.
    """
    if settings.get("division") in (None, ""):
        raise ConfigError(
            "Exact Online: `division` is missing in the administration's exact settings"
        )
    try:
        division = int(settings["division"])
    except ValueError:
        raise ConfigError(
            f"Exact Online: division {settings['division']!r} is not a number"
        ) from None
    host, tokens = _login(
        settings,
        secret=secret,
        clock=clock,
        state_dir=state_dir,
        token_vault=token_vault,
        administration=administration,
    )
    client = ExactClient(
        host=host,
        division=division,
        auth=tokens,
        clock=clock,
        state_dir=state_dir,
        daily_reserve=int(settings.get("daily_reserve", 100)),
        error_budget=int(settings.get("error_budget", 5)),
    )
    return ExactOnlineAdapter(
        client=client,
        clock=clock,
        tokens=tokens,
        book_payments=bool(settings.get("book_payments", False)),
        bank_journal=settings.get("bank_journal"),
        document_type=int(settings.get("document_type", 55)),
    )


def discover_divisions(
    settings: Mapping[str, Any],
    *,
    secret: Callable[[str], str],
    clock: Clock = SYSTEM_CLOCK,
    state_dir: Path | None = None,
    token_vault: TokenVault | None = None,
) -> list[dict[str, Any]]:
    """Every division the stored login may use (Code, Description, Status, Current).

    For choosing `division` in the config.

    `current/Me` is asked once for Exact's *current* division (whatever the user last opened in
    Exact), through which `system/Divisions` lists them all; after that the config names one.
    """
    host, tokens = _login(
        settings, secret=secret, clock=clock, state_dir=state_dir, token_vault=token_vault
    )
    probe = ExactClient(host=host, division=0, auth=tokens, clock=clock, state_dir=None)
    current = int(probe.me().get("CurrentDivision") or 0)
    client = ExactClient(host=host, division=current, auth=tokens, clock=clock, state_dir=state_dir)
    try:
        rows = client.rows("system/Divisions", select=("Code", "Description", "Status"))
    finally:
        probe.http.session.close()
        client.http.session.close()
    return [{**row, "Current": int(row.get("Code") or 0) == current} for row in rows]


def _login(
    settings: Mapping[str, Any],
    *,
    secret: Callable[[str], str],
    clock: Clock,
    state_dir: Path | None,
    token_vault: TokenVault | None,
    administration: str | None = None,
) -> tuple[ExactHost, ExactTokenManager]:
    try:
        host = ExactHost.for_country(str(settings.get("country") or "nl"), settings.get("base_url"))
    except ValueError as exc:
        raise ConfigError(f"Exact Online settings: {exc}") from None
    if token_vault is None:
        raise ConfigError("Exact Online needs a token vault for its OAuth login")
    client_id = str(settings.get("client_id") or secret("client_id"))
    vault_key = str(settings.get("token_key") or default_vault_key(host, client_id))
    lock_path = None
    if state_dir is not None:
        state_dir.mkdir(parents=True, exist_ok=True)
        lock_path = (
            state_dir / f"exact-login-{hashlib.sha1(vault_key.encode()).hexdigest()[:12]}.lock"
        )
    tokens = ExactTokenManager(
        host=host,
        client_id=client_id,
        client_secret=secret("client_secret"),
        vault=token_vault,
        vault_key=vault_key,
        clock=clock,
        lock_path=lock_path,
        administration=administration,
    )
    return host, tokens
