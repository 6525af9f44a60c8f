"""Reasons not to chase that the accountant records: disputes, promises, pauses, betalingsregelingen.

Pure: given the holds, the open invoices and today, say per invoice whether a hold stops
dunning and why (the text shown in the preview), and which promises or arrangements were
broken (dunning resumes; the accountant is told). Whether an arrangement is being kept is
derived from money, not from bookkeeping of instalments: paid so far = the open total when it
was agreed minus what is open now, compared with the instalments due (after a grace period).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from connector.dunning.plan_warnings import PlanWarning, arrangement_broken, promise_broken
from connector.money import ZERO
from connector.records import Invoice

__all__ = [
    "ArrangementStatus",
    "Hold",
    "HoldEffect",
    "HoldKind",
    "Instalment",
    "arrangement_status",
    "evaluate_holds",
]


class HoldKind(StrEnum):
    DISPUTE = "dispute"  # factuur met verweer: until released
    PROMISE = "promise"  # belofte tot betaling: until the promised date (+ grace)
    PAUSE = "pause"  # contact paused until a date
    ARRANGEMENT = "arrangement"  # betalingsregeling: while the instalments are kept


@dataclass(frozen=True, slots=True, kw_only=True)
class Instalment:
    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Hold:
    """A recorded reason not to chase a contact (no invoice ids) or some of its invoices.

    Attributes:
        until: last day of a pause or the promised payment date; None for disputes and arrangements.
        amount: for an arrangement, the open total of its invoices when it was agreed.
        released_on: the accountant lifted it (or it was settled); a released hold never applies.
    """

    id: int = 0
    kind: HoldKind
    contact_id: str
    invoice_ids: tuple[str, ...] = ()
    created_on: date
    until: date | None = None
    reason: str = ""
    amount: Decimal = ZERO
    instalments: tuple[Instalment, ...] = ()
    released_on: date | None = None

    def covers(self, invoice: Invoice) -> bool:
        if invoice.contact_id != self.contact_id:
            return False
        return not self.invoice_ids or invoice.host_id in self.invoice_ids

    def is_released(self, today: date) -> bool:
        return self.released_on is not None and self.released_on <= today


@dataclass(frozen=True, slots=True, kw_only=True)
class ArrangementStatus:
    kept: bool
    paid: Decimal
    due_so_far: Decimal
    missed: Instalment | None = None
    completed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldEffect:
    """Per invoice the hold that stops it (code, reason); broken holds as warnings."""

    blocked: Mapping[str, tuple[str, str]]
    warnings: tuple[PlanWarning, ...] = ()


def arrangement_status(hold: Hold, open_now: Decimal, today: date, grace_days: int = 3) -> ArrangementStatus:
    """Kept while what was paid since the agreement covers every instalment due `grace_days` ago."""
    paid = max(hold.amount - open_now, ZERO)
    cutoff = today - timedelta(days=grace_days)
    due = ZERO
    missed: Instalment | None = None
    for instalment in sorted(hold.instalments, key=lambda i: i.due_date):
        if instalment.due_date > cutoff:
            break
        due += instalment.amount
        if paid < due and missed is None:
            missed = instalment
    return ArrangementStatus(kept=missed is None, paid=paid, due_so_far=due, missed=missed,
                             completed=open_now <= 0)


def _money(amount: Decimal) -> str:
    return f"€ {amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def evaluate_holds(holds: Iterable[Hold], invoices: Iterable[Invoice], today: date, *,
                   promise_grace_days: int = 3, instalment_grace_days: int = 3) -> HoldEffect:
    """Which open invoices a hold stops today, and which holds were broken."""
    open_invoices = [inv for inv in invoices if inv.is_open]
    open_by_id = {inv.host_id: inv for inv in open_invoices}
    blocked: dict[str, tuple[str, str]] = {}
    warnings: list[PlanWarning] = []
    order = {HoldKind.DISPUTE: 0, HoldKind.ARRANGEMENT: 1, HoldKind.PROMISE: 2, HoldKind.PAUSE: 3}
    for hold in sorted(holds, key=lambda h: (order[h.kind], h.id)):
        if hold.is_released(today) or hold.created_on > today:
            continue
        effect = _effect(hold, open_invoices, open_by_id, today, promise_grace_days, instalment_grace_days)
        if effect is None:
            continue
        code, reason, warning = effect
        if warning:
            warnings.append(warning)
        if code is None:
            continue
        for invoice in open_invoices:
            if hold.covers(invoice):
                blocked.setdefault(invoice.host_id, (code, reason))
    return HoldEffect(blocked=blocked, warnings=tuple(warnings))


def _effect(hold: Hold, open_invoices: list[Invoice], open_by_id: Mapping[str, Invoice], today: date,
            promise_grace: int, instalment_grace: int) -> tuple[str | None, str, str] | None:
    """(code or None when not blocking, reason, warning) for an unreleased hold."""
    suffix = f" (hold #{hold.id})" if hold.id else ""
    note = f": {hold.reason}" if hold.reason else ""
    if hold.kind is HoldKind.DISPUTE:
        return "disputed", f"factuur met verweer (disputed){note}{suffix}", None
    if hold.kind is HoldKind.PAUSE:
        if hold.until is None or today <= hold.until:
            until = f" until {hold.until.isoformat()}" if hold.until else ""
            return "paused", f"contact paused{until}{note}{suffix}", None
        return None
    if hold.kind is HoldKind.PROMISE:
        if hold.until is None:
            return None
        if today <= hold.until + timedelta(days=promise_grace):
            return "promise", f"promise to pay by {hold.until.isoformat()}{note}{suffix}", None
        covered = [inv for inv in open_invoices if hold.covers(inv)]
        if covered and today <= hold.until + timedelta(days=promise_grace + 30):
            numbers = ", ".join(inv.number for inv in covered)
            return None, "", promise_broken(hold_id=hold.id, until=hold.until.isoformat(), invoices=numbers)
        return None
    open_now = sum((open_by_id[i].open_amount for i in hold.invoice_ids if i in open_by_id), ZERO)
    status = arrangement_status(hold, open_now, today, instalment_grace)
    if status.completed:
        return None
    if status.kept:
        upcoming = [i for i in hold.instalments if i.due_date >= today]
        following = f"; next instalment {_money(upcoming[0].amount)} on {upcoming[0].due_date.isoformat()}" \
            if upcoming else ""
        return "arrangement", f"betalingsregeling being kept: paid {_money(status.paid)}{following}{suffix}", None
    assert status.missed is not None
    return None, "", arrangement_broken(hold_id=hold.id, amount=status.missed.amount,
                                        due_date=status.missed.due_date.isoformat(), paid=status.paid,
                                        due_so_far=status.due_so_far)
