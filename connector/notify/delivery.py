"""Send e-mail through the outbox: recorded before, marked after, retried when the fault is passing.

The payload keeps the finished message (RFC 5322 text), so a message left pending by a
crash or an unreachable server is sent later byte for byte, with the same Message-ID.
Faults are sorted into passing ones (server down, 4xx, timeouts: retry now with backoff,
and leave the entry pending for the next run) and lasting ones (5xx, login refused,
recipient refused, certificate rejected: mark failed so the summary shows it).
"""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from connector.clock import SYSTEM_CLOCK, Clock
from connector.notify.headers import AddressError
from connector.notify.mailer import Mailer
from connector.store.outbox import FAILED, PENDING, SENDING, SENT, UNKNOWN, Outbox, OutboxEntry

log = logging.getLogger("connector.notify")

SUMMARY_KIND = "summary_email"
DEFAULT_BACKOFF = (2.0, 10.0)


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    key: str
    status: str
    message_id: str = ""
    error: str = ""
    attempts: int = 0

    @property
    def sent(self) -> bool:
        return self.status == SENT


def is_transient(exc: BaseException) -> bool:
    """Will the same message to the same server probably go through a little later?"""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, smtplib.SMTPSenderRefused, ssl.SSLCertVerificationError,
                        AddressError)):
        return isinstance(exc, smtplib.SMTPSenderRefused) and 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError,
                            TimeoutError, OSError))


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{addr} ({code} {_text(msg)})" for addr, (code, msg) in exc.recipients.items())
        return f"recipients refused: {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def message_payload(message: EmailMessage) -> dict[str, Any]:
    return {
        "to": [str(a) for a in (message.get_all("To") or [])],
        "subject": str(message["Subject"] or ""),
        "message_id": str(message["Message-ID"] or ""),
        "eml": message.as_string(policy=email.policy.default.clone(linesep="\n")),
    }


def message_from_payload(payload: Mapping[str, Any]) -> EmailMessage:
    return email.message_from_string(payload["eml"], policy=email.policy.default)  # type: ignore[return-value]


class EmailOutbox:
    """E-mail delivery on top of the store's outbox (one row per message, keyed by idempotency key)."""

    def __init__(self, outbox: Outbox, mailer: Mailer, *, clock: Clock = SYSTEM_CLOCK,
                 attempts_per_call: int = 3, backoff: Sequence[float] = DEFAULT_BACKOFF) -> None:
        self.outbox, self.mailer, self.clock = outbox, mailer, clock
        self.attempts_per_call = max(1, attempts_per_call)
        self.backoff = tuple(backoff)

    def send(self, admin: str, kind: str, key: str, message: EmailMessage) -> DeliveryResult:
        """Record, then deliver. A key already sent is not sent again (its result is returned)."""
        if not message["Message-ID"]:
            raise ValueError("compose the message with a Message-ID before queueing it")
        entry = self.outbox.enqueue(admin, kind, key, message_payload(message))
        if entry.status != PENDING:
            return _result(entry)
        return self.deliver(key)

    def deliver(self, key: str) -> DeliveryResult:
        entry = self.outbox.claim(key)
        if entry is None:
            return _result(self.outbox.get(key))
        message = message_from_payload(entry.payload)
        error: BaseException | None = None
        for attempt in range(self.attempts_per_call):
            try:
                message_id = self.mailer.send(message)
            except Exception as exc:  # noqa: BLE001 - sorted into passing / lasting below
                error = exc
                if not is_transient(exc) or attempt + 1 == self.attempts_per_call:
                    break
                wait = self.backoff[min(attempt, len(self.backoff) - 1)] if self.backoff else 0
                log.warning("e-mail %s: %s; retrying in %.0f s", key, describe_error(exc), wait)
                self.clock.sleep(wait)
            else:
                refused = getattr(self.mailer, "last_refused", None) or {}
                note = f"{message_id}; refused: {', '.join(sorted(refused))}" if refused else message_id
                self.outbox.mark_sent(key, note)
                log.info("e-mail %s sent as %s", key, message_id)
                return _result(self.outbox.get(key))
        assert error is not None
        transient = is_transient(error)
        self.outbox.mark_failed(key, describe_error(error), retry=transient)
        result = _result(self.outbox.get(key))
        log.warning("e-mail %s not sent (%s): %s", key, result.status, result.error)
        return result

    def flush(self, admin: str, kinds: Iterable[str] = (SUMMARY_KIND,)) -> list[DeliveryResult]:
        """Send what earlier runs left pending (a server that was down, a crash before sending)."""
        wanted = set(kinds)
        return [self.deliver(entry.idempotency_key) for entry in self.outbox.pending(admin) if entry.kind in wanted]

    def recover(self, admin: str, *, resend_kinds: Iterable[str] = (SUMMARY_KIND,)) -> list[str]:
        """Settle entries a crash left in `sending`; returns the keys that now need a person.

        The mailer is asked first; when it cannot tell (SMTP), kinds in `resend_kinds` go back
        to pending (a second copy of the accountant's own summary beats a lost one), every
        other kind becomes `unknown`, as the outbox protocol says for writes to customers.
        """
        resend = set(resend_kinds)
        check: Callable[[str], bool | None] = getattr(self.mailer, "was_delivered", lambda _id: None)

        def was_applied(kind: str, payload: Mapping[str, Any], _key: str) -> bool | None:
            delivered = check(str(payload.get("message_id", "")))
            if delivered is None and kind in resend:
                return False
            return delivered

        return self.outbox.recover(admin, was_applied)


def _result(entry: OutboxEntry) -> DeliveryResult:
    message_id = str(entry.payload.get("message_id", "")) if entry.status == SENT else ""
    return DeliveryResult(key=entry.idempotency_key, status=entry.status, message_id=message_id,
                          error=entry.error or "", attempts=entry.attempts)


__all__ = [
    "FAILED",
    "PENDING",
    "SENDING",
    "SENT",
    "SUMMARY_KIND",
    "UNKNOWN",
    "DeliveryResult",
    "EmailOutbox",
    "describe_error",
    "is_transient",
    "message_from_payload",
    "message_payload",
]
