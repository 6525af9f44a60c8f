"""What reconciliation found, kept until the bank line is booked, and what the accountant decided."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from connector.money import from_cents, to_cents
from connector.reconcile.model import Flag, Match
from connector.store.schema import mutations, reconciliations
from connector.store.store import Store


@dataclass(frozen=True, slots=True)
class StoredResult:
    id: int
    mutation_id: str
    invoice_id: str
    kind: str
    rule: str
    amount: object
    confidence: str
    reason: str
    decision: str
    found_at: datetime


class ReconciliationStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def replace(self, admin: str, matches: Iterable[Match], flags: Iterable[Flag]) -> None:
        """The newest findings replace older undecided ones; decisions already taken are kept."""
        now = self.store.now()
        rows = [
            {"admin": admin, "mutation_id": m.mutation_id, "invoice_id": m.invoice_id, "kind": m.status,
             "rule": m.rule, "amount_cents": to_cents(m.amount), "remainder_cents": to_cents(m.remainder),
             "confidence": f"{m.confidence:.2f}", "reason": m.reason, "decision": "", "found_at": now}
            for m in matches
        ] + [
            {"admin": admin, "mutation_id": f.mutation_id, "invoice_id": f.invoice_id, "kind": "flag",
             "rule": f.kind, "amount_cents": to_cents(f.amount), "remainder_cents": 0, "confidence": "",
             "reason": f.reason, "decision": "", "found_at": now}
            for f in flags
        ]
        with self.store.engine.begin() as conn:
            decided = {
                (r.mutation_id, r.invoice_id, r.kind)
                for r in conn.execute(sa.select(reconciliations).where(
                    reconciliations.c.admin == admin, reconciliations.c.decision != ""))
            }
            conn.execute(reconciliations.delete().where(
                reconciliations.c.admin == admin, reconciliations.c.decision == ""))
            fresh = [r for r in rows if (r["mutation_id"], r["invoice_id"], r["kind"]) not in decided]
            if fresh:
                conn.execute(reconciliations.insert(), fresh)

    def open_results(self, admin: str, kinds: tuple[str, ...] = ("auto", "suggested", "flag")) -> list[StoredResult]:
        """Results for bank lines that are still unbooked, best first per line."""
        query = (
            sa.select(reconciliations)
            .join(mutations, sa.and_(mutations.c.admin == reconciliations.c.admin,
                                     mutations.c.host_id == reconciliations.c.mutation_id))
            .where(reconciliations.c.admin == admin, reconciliations.c.kind.in_(kinds),
                   mutations.c.booked.is_(False))
            .order_by(reconciliations.c.mutation_id, reconciliations.c.confidence.desc(), reconciliations.c.id)
        )
        with self.store.engine.connect() as conn:
            return [_result(row) for row in conn.execute(query)]

    def get(self, admin: str, result_id: int) -> StoredResult | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(reconciliations).where(
                reconciliations.c.admin == admin, reconciliations.c.id == result_id)).first()
        return _result(row) if row else None

    def decide(self, admin: str, result_id: int, decision: str) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(reconciliations.update().where(
                reconciliations.c.admin == admin, reconciliations.c.id == result_id).values(decision=decision))

    def rejected_pairs(self, admin: str) -> set[tuple[str, str]]:
        with self.store.engine.connect() as conn:
            return {(r.mutation_id, r.invoice_id) for r in conn.execute(sa.select(reconciliations).where(
                reconciliations.c.admin == admin, reconciliations.c.decision == "rejected"))}


def _result(row: sa.Row) -> StoredResult:
    return StoredResult(id=row.id, mutation_id=row.mutation_id, invoice_id=row.invoice_id, kind=row.kind,
                        rule=row.rule, amount=from_cents(row.amount_cents), confidence=row.confidence,
                        reason=row.reason, decision=row.decision, found_at=row.found_at)
