"""Idempotency keys of dunning steps: one per (administration, contact, level, invoice set).

Why a hash of the sorted invoice ids: the same step planned again after a crash, on another
day or in another order gets the same key, so the outbox refuses to send it twice, while
the key stays short enough for the outbox column whatever the number of invoices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["copy_key", "host_seen_key", "invoice_set_digest", "note_key", "step_key"]

PREFIX = "dunning"


def invoice_set_digest(invoice_ids: Iterable[str]) -> str:
    joined = "\n".join(sorted(set(invoice_ids)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:20]


def step_key(admin: str, contact_id: str, level_name: str, invoice_ids: Iterable[str]) -> str:
    return f"{PREFIX}:{admin}:{contact_id}:{level_name}:{invoice_set_digest(invoice_ids)}"


def note_key(step: str) -> str:
    """The key of the note that records step `step` in the host."""
    return f"{step}:note"


def copy_key(step: str) -> str:
    """The key of the e-mail copy of step `step`, a letter that went by post."""
    return f"{step}:copy"


def host_seen_key(admin: str, contact_id: str, invoice_id: str, reminder_count: int) -> str:
    """A reminder the host sent on its own, recorded once per (invoice, host counter value)."""
    return f"{PREFIX}:{admin}:{contact_id}:host-seen:{invoice_id}:{reminder_count}"
