"""Reading and writing the dunning history and the holds.

Why the history also reads the outbox: a step is recorded in `dunning_steps` right after the
outbox marks it sent, in a second transaction. A kill between the two must not make the
planner think the step was never sent, so `history` adds sent outbox entries that have no
step row yet (and `repair` writes them), and reports interrupted sends as status "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa

import connector.store.dunning_tables as tables
from connector.dunning.holds import Hold, HoldKind, Instalment
from connector.dunning.model import DunningStep
from connector.money import from_cents, to_cents
from connector.store.codec import decode, encode
from connector.store.outbox import PENDING, SENDING, SENT, UNKNOWN, Outbox
from connector.store.schema import outbox
from connector.store.store import Store, StoreError

__all__ = ["DUNNING_KINDS", "DunningStore"]

#: Outbox kinds whose payload carries a dunning step under "step".
DUNNING_KINDS = ("reminder", "dunning_email", "dunning_letter", "dunning_call", "dunning_handover")


class DunningStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- history ------------------------------------------------------------------------------

    def record_step(self, admin: str, step: DunningStep) -> bool:
        """Store a sent step once; False when its key was already recorded."""
        with self.store.engine.begin() as conn:
            exists = conn.execute(
                sa.select(tables.dunning_steps.c.id).where(tables.dunning_steps.c.idempotency_key == step.key)
            ).first()
            if exists is not None:
                return False
            result = conn.execute(tables.dunning_steps.insert().values(
                idempotency_key=step.key, admin=admin, contact_id=step.contact_id, level_name=step.level_name,
                level_index=step.level_index, level_kind=step.level_kind, channel=step.channel, via=step.via,
                sent_on=step.sent_on, term_end=step.term_end, costs_from=step.costs_from,
                principal_cents=to_cents(step.principal), costs_cents=to_cents(step.costs),
                announced_costs_cents=to_cents(step.announced_costs), interest_cents=to_cents(step.interest),
                wik_valid=step.wik_valid, host_reminders=step.host_reminders, documents=list(step.documents),
                detail=step.detail or None, recorded_at=self.store.now(), letter_date=step.letter_date,
            ))
            step_id = int(result.inserted_primary_key[0])
            rows = []
            for invoice_id in dict.fromkeys(step.invoice_ids):
                claimed = step.claimed(invoice_id) if step.invoice_principals else None
                rows.append({"step_id": step_id, "invoice_id": invoice_id, "admin": admin,
                             "principal_cents": to_cents(claimed[0]) if claimed else None,
                             "interest_cents": to_cents(claimed[1]) if claimed else None})
            if rows:
                conn.execute(tables.dunning_step_invoices.insert(), rows)
        return True

    def steps(self, admin: str, *, contact_id: str | None = None, invoice_id: str | None = None) -> list[DunningStep]:
        """Recorded steps, oldest first, optionally of one contact or one invoice."""
        s, link = tables.dunning_steps, tables.dunning_step_invoices
        query = sa.select(s).where(s.c.admin == admin).order_by(s.c.sent_on, s.c.id)
        if contact_id is not None:
            query = query.where(s.c.contact_id == contact_id)
        if invoice_id is not None:
            query = query.where(s.c.id.in_(
                sa.select(link.c.step_id).where(link.c.admin == admin, link.c.invoice_id == invoice_id)))
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [row.id for row in rows]
            invoices: dict[int, list[Any]] = {i: [] for i in ids}
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start:chunk_start + 500]
                for link_row in conn.execute(sa.select(link.c.step_id, link.c.invoice_id, link.c.principal_cents,
                                                       link.c.interest_cents)
                                             .where(link.c.step_id.in_(chunk)).order_by(link.c.invoice_id)):
                    invoices[link_row.step_id].append(link_row)
        return [_step(row, invoices[row.id]) for row in rows]

    def step_ids(self, admin: str, *, via: str | None = None) -> list[tuple[int, DunningStep]]:
        """(row id, step) pairs, oldest first: the id is the short handle the CLI shows."""
        s = tables.dunning_steps
        query = sa.select(s.c.id, s.c.idempotency_key).where(s.c.admin == admin).order_by(s.c.sent_on, s.c.id)
        if via is not None:
            query = query.where(s.c.via == via)
        with self.store.engine.connect() as conn:
            keys = {row.idempotency_key: row.id for row in conn.execute(query)}
        return [(keys[step.key], step) for step in self.steps(admin) if step.key in keys]

    def correct_dispatch(self, admin: str, key: str, *, sent_on: date, term_end: date | None,
                         costs_from: date | None, detail: str) -> DunningStep:
        """Record the real dispatch date of a letter by post and the term counted from it."""
        s = tables.dunning_steps
        with self.store.engine.begin() as conn:
            updated = conn.execute(s.update().where(s.c.admin == admin, s.c.idempotency_key == key)
                                   .values(sent_on=sent_on, term_end=term_end, costs_from=costs_from,
                                           detail=detail or None))
        if updated.rowcount != 1:
            raise StoreError(f"no recorded step {key!r} in administration {admin!r}")
        (step,) = [step for step in self.steps(admin) if step.key == key]
        return step

    def history(self, admin: str) -> list[DunningStep]:
        """Everything the planner must know was sent: recorded steps, sent outbox entries not yet
        recorded, and interrupted sends (status "unknown") that block a second attempt."""
        recorded = self.steps(admin)
        known = {step.key for step in recorded}
        extra: list[DunningStep] = []
        for entry in Outbox(self.store).entries(admin, (SENT, SENDING, UNKNOWN)):
            if entry.kind not in DUNNING_KINDS or entry.idempotency_key in known:
                continue
            step = _payload_step(entry.payload)
            if step is None:
                continue
            extra.append(step if entry.status == SENT else _with_status(step, "unknown"))
        return recorded + extra

    def repair(self, admin: str) -> int:
        """Record steps whose outbox entry is sent but whose step row is missing (a crash in between)."""
        repaired = 0
        for step in self.history(admin):
            if step.status == "sent" and self.record_step(admin, step):
                repaired += 1
        return repaired

    def refresh_pending(self, key: str, payload: dict[str, Any]) -> None:
        """Replace the payload of a still-pending outbox entry with today's version of the step, so a
        retry on a later day records the day it was really sent (the outbox keeps the first one)."""
        with self.store.engine.begin() as conn:
            conn.execute(outbox.update().where(outbox.c.idempotency_key == key, outbox.c.status == PENDING)
                         .values(payload=encode(payload), updated_at=self.store.now()))

    # -- holds --------------------------------------------------------------------------------

    def add_hold(self, admin: str, hold: Hold) -> Hold:
        with self.store.engine.begin() as conn:
            result = conn.execute(tables.dunning_holds.insert().values(
                admin=admin, kind=hold.kind.value, contact_id=hold.contact_id, invoice_ids=list(hold.invoice_ids),
                created_on=hold.created_on, until=hold.until, amount_cents=to_cents(hold.amount),
                reason=hold.reason, released_on=hold.released_on, created_at=self.store.now(),
            ))
            hold_id = int(result.inserted_primary_key[0])
            rows = [{"hold_id": hold_id, "seq": n, "due_date": i.due_date, "amount_cents": to_cents(i.amount)}
                    for n, i in enumerate(sorted(hold.instalments, key=lambda i: i.due_date), start=1)]
            if rows:
                conn.execute(tables.dunning_instalments.insert(), rows)
        return self.hold(admin, hold_id)

    def holds(self, admin: str, *, include_released: bool = False, contact_id: str | None = None) -> list[Hold]:
        h = tables.dunning_holds
        query = sa.select(h).where(h.c.admin == admin).order_by(h.c.id)
        if not include_released:
            query = query.where(h.c.released_on.is_(None))
        if contact_id is not None:
            query = query.where(h.c.contact_id == contact_id)
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
            instalments = _instalments(conn, [row.id for row in rows])
        return [_hold(row, instalments.get(row.id, ())) for row in rows]

    def hold(self, admin: str, hold_id: int) -> Hold:
        for hold in self.holds(admin, include_released=True):
            if hold.id == hold_id:
                return hold
        raise StoreError(f"no hold #{hold_id} in administration {admin!r} (see `connector holds list`)")

    def release_hold(self, admin: str, hold_id: int, on: date, reason: str = "") -> Hold:
        self.hold(admin, hold_id)
        with self.store.engine.begin() as conn:
            conn.execute(tables.dunning_holds.update()
                         .where(tables.dunning_holds.c.id == hold_id, tables.dunning_holds.c.admin == admin)
                         .values(released_on=on, release_reason=reason or None))
        return self.hold(admin, hold_id)


def _step(row: Any, links: list[Any]) -> DunningStep:
    amounts = all(link.principal_cents is not None for link in links)
    return DunningStep(
        key=row.idempotency_key, contact_id=row.contact_id, level_name=row.level_name, level_index=row.level_index,
        level_kind=row.level_kind, channel=row.channel, via=row.via, sent_on=row.sent_on,
        invoice_ids=tuple(link.invoice_id for link in links), letter_date=row.letter_date,
        invoice_principals=tuple(from_cents(link.principal_cents) for link in links) if amounts and links else (),
        invoice_interest=tuple(from_cents(link.interest_cents or 0) for link in links) if amounts and links else (),
        term_end=row.term_end, costs=from_cents(row.costs_cents), announced_costs=from_cents(row.announced_costs_cents),
        interest=from_cents(row.interest_cents), principal=from_cents(row.principal_cents), costs_from=row.costs_from,
        wik_valid=bool(row.wik_valid), host_reminders=row.host_reminders, documents=tuple(row.documents or ()),
        detail=row.detail or "",
    )


def _payload_step(payload: dict[str, Any]) -> DunningStep | None:
    data = payload.get("step")
    return decode(DunningStep, data) if isinstance(data, dict) else None


def _with_status(step: DunningStep, status: str) -> DunningStep:
    return replace(step, status=status)


def _instalments(conn: sa.Connection, hold_ids: Iterable[int]) -> dict[int, tuple[Instalment, ...]]:
    ids = list(hold_ids)
    if not ids:
        return {}
    found: dict[int, list[Instalment]] = {}
    i = tables.dunning_instalments
    for row in conn.execute(sa.select(i).where(i.c.hold_id.in_(ids)).order_by(i.c.hold_id, i.c.seq)):
        found.setdefault(row.hold_id, []).append(Instalment(due_date=row.due_date, amount=from_cents(row.amount_cents)))
    return {k: tuple(v) for k, v in found.items()}


def _hold(row: Any, instalments: tuple[Instalment, ...]) -> Hold:
    return Hold(
        id=row.id, kind=HoldKind(row.kind), contact_id=row.contact_id, invoice_ids=tuple(row.invoice_ids or ()),
        created_on=row.created_on, until=row.until, reason=row.reason, amount=from_cents(row.amount_cents),
        instalments=instalments, released_on=row.released_on,
    )
