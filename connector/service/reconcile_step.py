"""The reconciliation step of a cycle: match, remember, and book what is certain.

Booking goes through the outbox (key: administration, bank line, invoice), so a crash
between "booked in the host" and "recorded here" never books a payment twice: at the
next start the adapter is asked whether the payment with that key exists.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.base import Adapter, PaymentBooking
from connector.config.schema import AdministrationConfig
from connector.errors import HostError, ReconsentRequired
from connector.http.client import OutcomeUnknown
from connector.reconcile import ReconcileSettings, reconcile
from connector.reconcile.model import Match, ReconcileResult
from connector.records import BankMutation, Contact, Invoice, Package
from connector.store import Store
from connector.store.outbox import Outbox
from connector.store.reconciliations import ReconciliationStore
from connector.summary.model import AutoMatch, FlaggedLine, Suggestion

log = logging.getLogger("connector.reconcile")

PAYMENT_KIND = "payment"
RECENTLY_CLOSED_DAYS = 120
PROBABLE_PAYMENT_CONFIDENCE = 0.5


@dataclass
class ReconcileOutcome:
    result: ReconcileResult = field(default_factory=ReconcileResult)
    booked: list[Match] = field(default_factory=list)
    booking_errors: list[str] = field(default_factory=list)
    probable_payments: dict[str, str] = field(default_factory=dict)
    auto_matches: list[AutoMatch] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    flagged_lines: list[FlaggedLine] = field(default_factory=list)


def payment_key(admin: str, match: Match) -> str:
    return f"{PAYMENT_KIND}:{admin}:{match.mutation_id}:{match.invoice_id}"


def reconcile_administration(admin: AdministrationConfig, store: Store, adapter: Adapter | None, *,
                             dry_run: bool = False) -> ReconcileOutcome:
    invoices = store.open_invoices(admin.key)
    closed = store.closed_invoices(admin.key, store.now() - timedelta(days=RECENTLY_CLOSED_DAYS))
    contacts = store.contacts(admin.key)
    mutations = store.unbooked_mutations(admin.key)
    settings = ReconcileSettings(own_ibans=_own_ibans(admin), own_names=_own_names(admin))
    result = reconcile([*invoices, *closed], contacts, mutations, settings=settings)
    rejected = ReconciliationStore(store).rejected_pairs(admin.key)
    result = ReconcileResult(
        matches=tuple(m for m in result.matches if (m.mutation_id, m.invoice_id) not in rejected),
        flags=result.flags,
    )
    if not dry_run:
        ReconciliationStore(store).replace(admin.key, result.matches, result.flags)
    outcome = ReconcileOutcome(result=result, probable_payments=probable_payments(result))
    if admin.payments.book == "auto" and adapter is not None and adapter.capabilities.books_payments:
        outcome.booked, outcome.booking_errors = book_matches(
            admin, store, adapter, result.auto(), {m.host_id: m for m in mutations}, dry_run=dry_run)
    _describe(outcome, invoices + closed, contacts, mutations, _dismissed_flags(store, admin.key))
    return outcome


def probable_payments(result: ReconcileResult) -> dict[str, str]:
    """Invoices that a bank line probably pays: the dunning engine must not chase them."""
    found: dict[str, str] = {}
    for match in result.matches:
        if match.status == "auto" or match.confidence >= PROBABLE_PAYMENT_CONFIDENCE:
            found.setdefault(match.invoice_id, match.reason)
    return found


def book_matches(admin: AdministrationConfig, store: Store, adapter: Adapter, matches: Sequence[Match],
                 mutations: Mapping[str, BankMutation], *, dry_run: bool) -> tuple[list[Match], list[str]]:
    """Register certain payments in the host, each exactly once."""
    outbox = Outbox(store)
    errors: list[str] = []
    booked: list[Match] = []
    if not dry_run:
        outbox.recover(admin.key, adapter.was_applied, kinds=(PAYMENT_KIND,))
    for match in matches:
        mutation = mutations.get(match.mutation_id)
        if mutation is None or (admin.package is Package.MONEYBIRD and mutation.source != "host"):
            continue  # Moneybird books against its own bank lines only
        if dry_run:
            booked.append(match)
            continue
        booking = PaymentBooking(invoice_id=match.invoice_id, mutation_id=match.mutation_id, amount=match.amount,
                                 payment_date=mutation.date)
        key = payment_key(admin.key, match)
        outbox.enqueue(admin.key, PAYMENT_KIND, key, {
            "invoice_id": booking.invoice_id, "mutation_id": booking.mutation_id,
            "amount": str(booking.amount), "payment_date": booking.payment_date.isoformat()})
        if outbox.claim(key) is None:
            continue  # sent before, failed for good, or waiting for a person
        try:
            receipt = adapter.register_payment(booking, key)
        except OutcomeUnknown as exc:
            outbox.mark_unknown(key, str(exc))
            errors.append(f"boeking onzeker, controleer in het pakket: {exc}")
        except ReconsentRequired as exc:  # no further booking can work: the cycle reports the re-consent
            outbox.mark_failed(key, str(exc), retry=True)
            raise
        except (HostError, NotImplementedError) as exc:
            outbox.mark_failed(key, str(exc), retry=True)
            errors.append(str(exc))
        else:
            outbox.mark_sent(key, f"{receipt.host_id} {receipt.detail}".strip())
            booked.append(match)
    return booked, errors


def _own_ibans(admin: AdministrationConfig) -> tuple[str, ...]:
    ibans = [admin.bank_files.account_iban or "", admin.dunning.creditor.iban or ""]
    return tuple(i.replace(" ", "").upper() for i in ibans if i)


def _own_names(admin: AdministrationConfig) -> tuple[str, ...]:
    """The administration's own names: a bank line in one of them is an own transfer."""
    return tuple(dict.fromkeys(n for n in (admin.name, admin.dunning.creditor.name) if n))


def _dismissed_flags(store: Store, admin: str) -> set[tuple[str, str]]:
    """Flagged (bank line, invoice) pairs the accountant has decided on: the store keeps that decision
    instead of the fresh flag, so the summary leaves them out as the stored results do."""
    return {(r.mutation_id, r.invoice_id) for r in ReconciliationStore(store).open_results(admin, ("flag",))
            if r.decision}


def _describe(outcome: ReconcileOutcome, invoices: Sequence[Invoice], contacts: Sequence[Contact],
              mutations: Sequence[BankMutation], dismissed: set[tuple[str, str]]) -> None:
    """Summary rows in the accountant's terms: customer names and invoice numbers, not ids."""
    invoice_by_id = {i.host_id: i for i in invoices}
    name_by_contact = {c.host_id: c.name for c in contacts}
    mutation_by_id = {m.host_id: m for m in mutations}
    booked = {(m.mutation_id, m.invoice_id) for m in outcome.booked}
    suggestions: dict[str, list[Match]] = {}
    for match in outcome.result.matches:
        invoice = invoice_by_id.get(match.invoice_id)
        mutation = mutation_by_id.get(match.mutation_id)
        if invoice is None or mutation is None:
            continue
        customer = name_by_contact.get(invoice.contact_id) or mutation.counterparty_name
        if match.status == "auto":
            outcome.auto_matches.append(AutoMatch(
                date=mutation.date, customer=customer, invoice_number=invoice.number, amount=match.amount,
                booked=(match.mutation_id, match.invoice_id) in booked, reason=match.reason))
        else:
            suggestions.setdefault(match.mutation_id, []).append(match)
    for mutation_id, options in suggestions.items():
        mutation = mutation_by_id[mutation_id]
        best = max(options, key=lambda m: m.confidence)
        invoice = invoice_by_id[best.invoice_id]
        outcome.suggestions.append(Suggestion(
            date=mutation.date, customer=name_by_contact.get(invoice.contact_id) or mutation.counterparty_name,
            invoice_numbers=tuple(invoice_by_id[m.invoice_id].number for m in options),
            amount=mutation.amount, reason=best.reason, confidence=best.confidence))
    for flag in outcome.result.flags:
        mutation = mutation_by_id.get(flag.mutation_id)
        if mutation is None or (flag.mutation_id, flag.invoice_id) in dismissed:
            continue
        invoice = invoice_by_id.get(flag.invoice_id)
        outcome.flagged_lines.append(FlaggedLine(
            date=mutation.date, counterparty=mutation.counterparty_name, amount=flag.amount, kind=flag.kind,
            reason=flag.reason, invoice_number=invoice.number if invoice else flag.invoice_id))
