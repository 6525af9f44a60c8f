"""The outbox: every write to the outside world is recorded before it is made and marked after.

States: pending -> sending -> sent | failed, and `unknown` when a crash or timeout hid the
outcome and the host cannot tell us whether the write happened. The protocol:

1. `enqueue` inserts the intent under a unique idempotency key (a second enqueue of the same
   key is a no-op, so re-planning after a crash never duplicates a send);
2. `claim` moves a row to `sending` and commits *before* the host call;
3. `mark_sent` / `mark_failed` commit the outcome after the call.

A row found in `sending` at start-up was interrupted between 2 and 3: `recover` asks the
adapter whether the write landed (True -> sent, False -> pending again, None -> unknown for a
person). So a kill -9 anywhere neither loses nor repeats a send.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from connector.store.codec import encode
from connector.store.schema import outbox
from connector.store.store import Store

PENDING, SENDING, SENT, FAILED, UNKNOWN = "pending", "sending", "sent", "failed", "unknown"
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    idempotency_key: str
    admin: str
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    host_response: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def enqueue(self, admin: str, kind: str, key: str, payload: Mapping[str, Any]) -> OutboxEntry:
        """Record the intent; returns the existing entry when the key is already known."""
        now = self.store.now()
        with self.store.engine.begin() as conn:
            existing = conn.execute(sa.select(outbox).where(outbox.c.idempotency_key == key)).first()
            if existing is None:
                conn.execute(
                    outbox.insert().values(
                        idempotency_key=key, admin=admin, kind=kind, payload=encode(dict(payload)),
                        status=PENDING, attempts=0, created_at=now, updated_at=now,
                    )
                )
        return self.get(key)

    def get(self, key: str) -> OutboxEntry:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(outbox).where(outbox.c.idempotency_key == key)).one()
        return _entry(row)

    def entries(self, admin: str | None = None, statuses: tuple[str, ...] | None = None) -> list[OutboxEntry]:
        query = sa.select(outbox).order_by(outbox.c.id)
        if admin is not None:
            query = query.where(outbox.c.admin == admin)
        if statuses:
            query = query.where(outbox.c.status.in_(statuses))
        with self.store.engine.connect() as conn:
            return [_entry(row) for row in conn.execute(query)]

    def claim(self, key: str) -> OutboxEntry | None:
        """Mark an entry as being sent (committed before the call); None if it is not pending."""
        with self.store.engine.begin() as conn:
            result = conn.execute(
                outbox.update()
                .where(outbox.c.idempotency_key == key, outbox.c.status == PENDING)
                .values(status=SENDING, attempts=outbox.c.attempts + 1, updated_at=self.store.now())
            )
        return self.get(key) if result.rowcount == 1 else None

    def mark_sent(self, key: str, host_response: str = "") -> None:
        now = self.store.now()
        self._set(key, status=SENT, host_response=host_response[:4000], sent_at=now, error=None)

    def mark_failed(self, key: str, error: str, *, retry: bool) -> None:
        """A definite failure: back to pending while attempts remain and `retry`, else failed."""
        entry = self.get(key)
        status = PENDING if retry and entry.attempts < MAX_ATTEMPTS else FAILED
        self._set(key, status=status, error=error[:4000])

    def mark_unknown(self, key: str, error: str) -> None:
        self._set(key, status=UNKNOWN, error=error[:4000])

    def resolve_unknown(self, key: str, *, sent: bool) -> None:
        """A person checked the host: it was sent (close it) or not (send again)."""
        self._set(key, status=SENT if sent else PENDING, error=None)

    def recover(self, admin: str, was_applied: Callable[[str, Mapping[str, Any], str], bool | None],
                kinds: tuple[str, ...] | None = None) -> list[str]:
        """Settle entries left in `sending` by a crash; returns the keys that became unknown."""
        unknown = []
        for entry in self.entries(admin, (SENDING,)):
            if kinds is not None and entry.kind not in kinds:
                continue
            applied = was_applied(entry.kind, entry.payload, entry.idempotency_key)
            if applied is True:
                self.mark_sent(entry.idempotency_key, "confirmed after restart")
            elif applied is False:
                self._set(entry.idempotency_key, status=PENDING)
            else:
                self.mark_unknown(entry.idempotency_key, "interrupted while sending; the host cannot confirm")
                unknown.append(entry.idempotency_key)
        return unknown

    def pending(self, admin: str) -> Iterator[OutboxEntry]:
        yield from self.entries(admin, (PENDING,))

    def _set(self, key: str, **values: Any) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(
                outbox.update().where(outbox.c.idempotency_key == key).values(updated_at=self.store.now(), **values)
            )


def _entry(row: Any) -> OutboxEntry:
    payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
    return OutboxEntry(
        id=row.id, idempotency_key=row.idempotency_key, admin=row.admin, kind=row.kind, payload=payload,
        status=row.status, attempts=row.attempts, host_response=row.host_response, error=row.error,
        created_at=row.created_at, sent_at=row.sent_at,
    )
