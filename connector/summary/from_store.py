"""The summary's lists from what the store remembers, for summaries made without a fresh cycle.

A `summary` or `weekly` job has no cycle report: the suggestions and flagged bank lines still
awaiting a decision, the payments booked (or matched but not booked) in the window, the bellijst of the calls
planned in the window and the holds falling due are read back from the reconciliation
results, the outbox, the recorded dunning steps and the holds. The cycle uses `holds_due` too, so
both kinds of summary say the same about a dispute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from connector.dunning.holds import Hold, HoldKind
from connector.dunning.last_contact import last_contact
from connector.dunning.model import DunningStep, Via
from connector.money import D
from connector.reconcile.model import FlagKind
from connector.records import Contact, Invoice
from connector.service.reconcile_step import PAYMENT_KIND, RECENTLY_CLOSED_DAYS
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import SENT, Outbox
from connector.store.reconciliations import ReconciliationStore, StoredResult
from connector.summary.model import AutoMatch, CallListRow, FlaggedLine, HoldDue, Suggestion

HOLDS_DUE_WINDOW_DAYS = 7


def stored_lists(store: Store, admin: str, *, today: date, since: datetime | None) -> dict[str, Any]:
    """`auto_matches`, `suggestions`, `flagged_lines`, `call_list` and `holds_due` for build_summary;
    `since` bounds what counts as "this period" (bookings, calls), None meaning nothing happened yet."""
    invoices = {i.host_id: i for i in store.open_invoices(admin)}
    closed = {i.host_id: i for i in store.closed_invoices(admin, since)} if since else {}
    known = {**closed, **invoices}
    recent = {i.host_id: i for i in store.closed_invoices(admin, store.now() - timedelta(days=RECENTLY_CLOSED_DAYS))}
    contacts = {c.host_id: c for c in store.contacts(admin)}
    dunning = DunningStore(store)
    holds = dunning.holds(admin, include_released=True)
    return {
        "auto_matches": auto_matches(store, admin, known, contacts, since=since),
        "suggestions": suggestions(store, admin, known, contacts),
        "flagged_lines": flagged_lines(store, admin, {**recent, **invoices}),
        "call_list": call_list(dunning.steps(admin), holds, invoices, contacts, today=today, since=since),
        "holds_due": holds_due([h for h in holds if h.released_on is None], tuple(invoices.values()), contacts,
                               today),
    }


def auto_matches(store: Store, admin: str, invoices: Mapping[str, Invoice], contacts: Mapping[str, Contact], *,
                 since: datetime | None) -> list[AutoMatch]:
    """Payments booked in the package since `since`, then certain matches still waiting to be booked."""
    mutations = {m.host_id: m for m in store.unbooked_mutations(admin)}
    rows: list[AutoMatch] = []
    seen: set[tuple[str, str]] = set()
    booked = Outbox(store).entries(admin, (SENT,)) if since is not None else []
    for entry in booked:
        if entry.kind != PAYMENT_KIND or entry.sent_at is None or _aware(entry.sent_at) < since:
            continue
        payload = entry.payload
        invoice = invoices.get(str(payload.get("invoice_id")))
        seen.add((str(payload.get("mutation_id")), str(payload.get("invoice_id"))))
        rows.append(AutoMatch(
            date=date.fromisoformat(str(payload["payment_date"])), customer=_customer(invoice, contacts),
            invoice_number=invoice.number if invoice else str(payload.get("invoice_id")),
            amount=D(payload.get("amount")), booked=True))
    for result in _open(store, admin, "auto"):
        mutation, invoice = mutations.get(result.mutation_id), invoices.get(result.invoice_id)
        if mutation is None or invoice is None or (result.mutation_id, result.invoice_id) in seen:
            continue
        rows.append(AutoMatch(date=mutation.date, customer=_customer(invoice, contacts) or mutation.counterparty_name,
                              invoice_number=invoice.number, amount=D(result.amount), booked=False,
                              reason=result.reason))
    return rows


def suggestions(store: Store, admin: str, invoices: Mapping[str, Invoice],
                contacts: Mapping[str, Contact]) -> list[Suggestion]:
    """One row per bank line with undecided suggestions: its best candidate's reason, every candidate invoice."""
    mutations = {m.host_id: m for m in store.unbooked_mutations(admin)}
    by_line: dict[str, list[StoredResult]] = {}
    for result in _open(store, admin, "suggested"):
        if result.mutation_id in mutations and result.invoice_id in invoices:
            by_line.setdefault(result.mutation_id, []).append(result)
    rows = []
    for mutation_id, options in by_line.items():
        mutation = mutations[mutation_id]
        best = max(options, key=lambda r: float(r.confidence or 0))
        rows.append(Suggestion(
            date=mutation.date, customer=_customer(invoices[best.invoice_id], contacts) or mutation.counterparty_name,
            invoice_numbers=tuple(invoices[r.invoice_id].number for r in options), amount=mutation.amount,
            reason=best.reason, confidence=float(best.confidence) if best.confidence else None))
    return rows


def flagged_lines(store: Store, admin: str, invoices: Mapping[str, Invoice]) -> list[FlaggedLine]:
    """Flagged bank lines nobody has decided on, named as the cycle names them; `invoices` holds the
    recently closed ones too, as the cycle's reconciliation does (a double payment names a paid invoice)."""
    mutations = {m.host_id: m for m in store.unbooked_mutations(admin)}
    rows = []
    for result in _open(store, admin, "flag"):
        mutation, invoice = mutations.get(result.mutation_id), invoices.get(result.invoice_id)
        if mutation is None:
            continue
        rows.append(FlaggedLine(
            date=mutation.date, counterparty=mutation.counterparty_name, amount=D(result.amount),
            kind=cast(FlagKind, result.rule), reason=result.reason,
            invoice_number=invoice.number if invoice else result.invoice_id))
    return rows


def call_list(steps: Sequence[DunningStep], holds: Sequence[Hold], invoices: Mapping[str, Invoice],
              contacts: Mapping[str, Contact], *, today: date, since: datetime | None) -> list[CallListRow]:
    """The contacts put on the bellijst since `since` whose invoices are still open, with the last
    contact before that call (as the dunning run's own call list has it)."""
    if since is None:
        return []
    rows: dict[str, CallListRow] = {}
    for step in sorted(steps, key=lambda s: s.sent_on):
        if step.via != Via.CALL or step.sent_on < since.date():
            continue
        still_open = [invoices[i] for i in step.invoice_ids if i in invoices]
        if not still_open:
            continue  # paid since the call was planned
        contact = contacts.get(step.contact_id)
        last = last_contact(steps, holds, contact_id=step.contact_id, today=today, exclude_key=step.key)
        rows[step.contact_id] = CallListRow(
            customer=contact.name if contact else step.contact_id, phone=contact.phone if contact else "",
            amount=sum((i.open_amount for i in still_open), D("0")),
            days_overdue=max((today - i.due_date).days for i in still_open),
            last_contact=last.on if last else None, last_contact_kind=last.kind if last else "",
            last_contact_what=last.what if last else "")
    return list(rows.values())


def holds_due(holds: Iterable[Hold], invoices: tuple[Invoice, ...], contacts: Mapping[str, Contact],
              today: date) -> list[HoldDue]:
    """Disputes still open, promises and instalments falling due within a week (or overdue)."""
    horizon = today + timedelta(days=HOLDS_DUE_WINDOW_DAYS)
    rows: list[HoldDue] = []
    for hold in holds:
        customer = contacts[hold.contact_id].name if hold.contact_id in contacts else hold.contact_id
        covered = [i for i in invoices if hold.covers(i)]
        amount = sum((i.open_amount for i in covered), D("0"))
        if hold.kind is HoldKind.DISPUTE:
            rows.append(HoldDue(kind="dispute", customer=customer, amount=amount, due_date=hold.created_on,
                                note=hold.reason))
        elif hold.kind is HoldKind.PROMISE and hold.until and hold.until <= horizon:
            rows.append(HoldDue(kind="promise", customer=customer, amount=amount, due_date=hold.until,
                                note=hold.reason))
        elif hold.kind is HoldKind.ARRANGEMENT:
            upcoming = [i for i in hold.instalments if i.due_date <= horizon]
            if upcoming:
                nearest = max(upcoming, key=lambda i: i.due_date)
                rows.append(HoldDue(kind="payment_plan", customer=customer, amount=nearest.amount,
                                    due_date=nearest.due_date, note=hold.reason))
    return rows


def _open(store: Store, admin: str, kind: str) -> list[StoredResult]:
    return [r for r in ReconciliationStore(store).open_results(admin, (kind,)) if not r.decision]


def _customer(invoice: Invoice | None, contacts: Mapping[str, Contact]) -> str:
    contact = contacts.get(invoice.contact_id) if invoice else None
    return contact.name if contact else ""


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
