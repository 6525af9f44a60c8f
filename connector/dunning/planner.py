"""The dunning planner: from open invoices, history and holds to the steps of today's run. Pure.

Per open invoice it finds the level reached (the history), the next level of the contact's
policy and the day it falls due (delay from the due date or the previous send, never before the
previous letter's term has ended), or the reason not to chase it. Invoices of one contact that
reach the same level today become one action (one letter), with costs and interest as the law
allows (`claims.py`) and a rekeningoverzicht of all the contact's open items.

Order of the reasons not to chase (the first that applies is shown): currency, not yet due,
an earlier send whose outcome is unknown, holds (dispute, betalingsregeling, promise, pause), a
probable unbooked payment, reminders the host sent itself, open credit notes covering the
amount, last level reached, waiting for the next level, a day without sends, below the minimum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from adapters.base import Capabilities
from connector.dunning.claims import ClaimInput, claim_for, rate_table, wik_steps_by_invoice
from connector.dunning.holds import Hold, evaluate_holds
from connector.dunning.keys import host_seen_key, step_key
from connector.dunning.model import (
    ActionInvoice,
    DunningAction,
    DunningPlan,
    DunningStep,
    HostReminderSeen,
    Skip,
    StatementLine,
    Via,
)
from connector.dunning.payment import invoice_link, pay_link, payment_reference
from connector.dunning.plan_warnings import (
    PlanWarning,
    fourteen_day_by_post,
    no_creditor_iban,
    no_email_post,
    no_phone,
)
from connector.dunning.policy import Channel, DelayFrom, DunningSettings, Level, LevelKind, Policy
from connector.dunning.senddays import SendCalendar
from connector.legal.rates import RateTable
from connector.money import ZERO
from connector.records import Contact, Invoice

__all__ = ["plan_dunning"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class _Position:
    """Where an invoice stands on its contact's ladder."""

    current: int  # 1-based index of the highest level sent, 0 for none
    last_sent: date | None
    term_end: date | None
    host_reminders: int
    current_sent_on: date | None


@dataclass(slots=True)
class _Candidate:
    invoice: Invoice
    position: _Position
    principal: Decimal
    credit_applied: Decimal = ZERO


def plan_dunning(
    invoices: Iterable[Invoice],
    contacts: Iterable[Contact],
    history: Iterable[DunningStep],
    holds: Iterable[Hold],
    probable_payments: Mapping[str, str],
    settings: DunningSettings,
    today: date,
    host_capabilities: Capabilities,
    *,
    admin_key: str,
    rates: RateTable | None = None,
) -> DunningPlan:
    """Today's dunning steps for one administration, and why every other open invoice is left alone."""
    open_invoices = [inv for inv in invoices if inv.is_open]
    contacts_by_id = {c.host_id: c for c in contacts}
    steps = list(history)
    sent_by_invoice: dict[str, list[DunningStep]] = defaultdict(list)
    sent_by_contact: dict[str, list[DunningStep]] = defaultdict(list)
    unknown_by_invoice: dict[str, DunningStep] = {}
    for step in steps:
        if step.status == "sent":
            sent_by_contact[step.contact_id].append(step)
        for invoice_id in step.invoice_ids:
            if step.status == "sent":
                sent_by_invoice[invoice_id].append(step)
            else:
                unknown_by_invoice[invoice_id] = step
    effect = evaluate_holds(holds, open_invoices, today, promise_grace_days=settings.promise_grace_days,
                            instalment_grace_days=settings.instalment_grace_days)
    context = _Context(
        admin_key=admin_key, settings=settings, today=today, capabilities=host_capabilities,
        calendar=SendCalendar.from_settings(settings.send_days), wik=wik_steps_by_invoice(steps),
        rates=rates if rates is not None else rate_table(settings), sent_by_contact=sent_by_contact,
    )
    by_contact: dict[str, list[Invoice]] = defaultdict(list)
    for invoice in open_invoices:
        by_contact[invoice.contact_id].append(invoice)

    actions: list[DunningAction] = []
    skipped: list[Skip] = []
    seen: list[HostReminderSeen] = []
    for contact_id in sorted(by_contact):
        contact = contacts_by_id.get(contact_id)
        contact_invoices = sorted(by_contact[contact_id], key=lambda i: (i.due_date, i.number, i.host_id))
        if contact is None:
            contact = Contact(host_id=contact_id, name=f"(unknown contact {contact_id})")
            for inv in contact_invoices:
                if not inv.is_credit_note:
                    skipped.append(_skip(inv, contact, "no_contact", "contact not in the store: sync contacts first"))
            continue
        plan = context.plan_contact(contact, contact_invoices, sent_by_invoice, unknown_by_invoice,
                                    effect.blocked, probable_payments)
        actions.extend(plan[0])
        skipped.extend(plan[1])
        seen.extend(plan[2])

    warnings = list(effect.warnings)
    if actions and not settings.creditor.iban:
        warnings.append(no_creditor_iban())
    return DunningPlan(admin_key=admin_key, today=today, actions=tuple(actions), skipped=tuple(skipped),
                       host_reminders_seen=tuple(seen), warnings=tuple(warnings))


#: What the package itself says about an unpaid invoice that must not be chased (Invoice.collection_hold).
_HOST_HOLDS = {
    "payment_pending": "a payment is under way in the package (direct debit or online payment): not chased",
    "not_sent": "the package has not sent this invoice to the customer yet: not chased",
}


def _skip(invoice: Invoice, contact: Contact, code: str, reason: str, next_date: date | None = None) -> Skip:
    return Skip(invoice_id=invoice.host_id, invoice_number=invoice.number, contact_id=contact.host_id,
                contact_name=contact.name, code=code, reason=reason, open_amount=invoice.open_amount,
                next_date=next_date)


def _position(policy: Policy, steps: Sequence[DunningStep]) -> _Position:
    current, last_sent, term_end, host_reminders, current_sent_on = 0, None, None, 0, None
    for step in sorted(steps, key=lambda s: s.sent_on):
        index = policy.index_of(step.level_name)
        if index is None:  # a level renamed or removed since: keep its stored rank
            index = min(step.level_index, len(policy.levels))
        if index >= current and index > 0:
            current, current_sent_on = index, step.sent_on
        last_sent = step.sent_on if last_sent is None else max(last_sent, step.sent_on)
        if step.term_end is not None:
            term_end = step.term_end if term_end is None else max(term_end, step.term_end)
        host_reminders += step.host_reminders
    return _Position(current, last_sent, term_end, host_reminders, current_sent_on)


@dataclass(frozen=True, slots=True)
class _Context:
    admin_key: str
    settings: DunningSettings
    today: date
    capabilities: Capabilities
    calendar: SendCalendar
    wik: Mapping[str, DunningStep]
    rates: RateTable
    sent_by_contact: Mapping[str, Sequence[DunningStep]]

    def plan_contact(
        self, contact: Contact, invoices: list[Invoice], sent: Mapping[str, list[DunningStep]],
        unknown: Mapping[str, DunningStep], blocked: Mapping[str, tuple[str, str]],
        probable: Mapping[str, str],
    ) -> tuple[list[DunningAction], list[Skip], list[HostReminderSeen]]:
        settings, today = self.settings, self.today
        policy = settings.policy_for(contact.kind.value)
        skips: list[Skip] = []
        seen: list[HostReminderSeen] = []
        candidates: list[_Candidate] = []
        credit = sum((-inv.open_amount for inv in invoices if inv.open_amount < 0), ZERO)
        for inv in invoices:
            if inv.open_amount <= 0:
                continue
            reason = self._first_reason(inv, unknown, blocked, probable)
            if reason is not None:
                skips.append(_skip(inv, contact, *reason))
                continue
            position = _position(policy, sent.get(inv.host_id, ()))
            observed = self._host_reminders(inv, contact, policy, position)
            if observed is not None:
                seen.append(observed)
                level = observed.level_name or "no level"
                skips.append(_skip(inv, contact, "host_reminded",
                                   f"the package already sent {observed.count} reminder(s) itself "
                                   f"(reminder_count {inv.reminder_count}); recorded as '{level}', "
                                   "no second reminder"))
                continue
            candidates.append(_Candidate(inv, position, inv.open_amount))

        due_now: dict[int, list[_Candidate]] = defaultdict(list)
        for candidate in candidates:  # oldest first: open credit notes settle the oldest invoices
            applied = min(credit, candidate.principal)
            credit -= applied
            candidate.credit_applied, candidate.principal = applied, candidate.principal - applied
            inv = candidate.invoice
            if candidate.principal <= 0:
                skips.append(_skip(inv, contact, "credit_covered",
                                   f"open credit notes cover the € {inv.open_amount:.2f} still open"))
                continue
            timing = self._timing(policy, candidate.position, inv, contact)
            if isinstance(timing, Skip):
                skips.append(timing)
                continue
            due_now[timing].append(candidate)

        actions: list[DunningAction] = []
        closed = self.calendar.why_closed(today)
        for index in sorted(due_now):
            group = due_now[index]
            level = policy.levels[index - 1]
            if closed is not None:
                next_day = self.calendar.next_send_day(today + _ONE_DAY)
                skips.extend(_skip(c.invoice, contact, "closed_day",
                                   f"'{level.name}' due, but no sends today ({closed}); next send day "
                                   f"{next_day.isoformat()}", next_day) for c in group)
                continue
            principal = sum((c.principal for c in group), ZERO)
            if principal < settings.min_amount:
                skips.extend(_skip(c.invoice, contact, "below_minimum",
                                   f"'{level.name}' due, but the letter's € {principal:.2f} is below the "
                                   f"minimum of € {settings.min_amount:.2f}") for c in group)
                continue
            actions.append(self._action(contact, policy, index, level, group))
        skip_codes = {s.invoice_id: s.code for s in skips}
        for action in actions:
            skip_codes.update({invoice_id: "other_letter" for invoice_id in action.invoice_ids})
        return [self._with_statement(a, invoices, skip_codes) for a in actions], skips, seen

    def _first_reason(self, inv: Invoice, unknown: Mapping[str, DunningStep],
                      blocked: Mapping[str, tuple[str, str]], probable: Mapping[str, str]) -> tuple[Any, ...] | None:
        if not self.settings.enabled:
            return "disabled", "dunning is switched off for this administration (dunning.enabled)"
        if inv.currency != "EUR":
            return "currency", f"invoice in {inv.currency}: only EUR invoices are chased automatically"
        if inv.due_date >= self.today:
            return "not_due", f"not overdue: due {inv.due_date.isoformat()}", inv.due_date + _ONE_DAY
        if inv.collection_hold in _HOST_HOLDS:
            return inv.collection_hold, _HOST_HOLDS[inv.collection_hold]
        if inv.host_id in unknown:
            step = unknown[inv.host_id]
            reason = (f"the outcome of '{step.level_name}' sent {step.sent_on.isoformat()} is unknown "
                      f"(outbox key {step.key}): check the package, then resolve it")
            return "unknown_outcome", reason
        if inv.host_id in blocked:
            return blocked[inv.host_id]
        if inv.host_id in probable:
            return "probable_payment", f"probably paid already (unbooked payment): {probable[inv.host_id]}"
        return None

    def _host_reminders(self, inv: Invoice, contact: Contact, policy: Policy,
                        position: _Position) -> HostReminderSeen | None:
        extra = inv.reminder_count - position.host_reminders
        if extra <= 0:
            return None
        index = position.current
        if index < len(policy.levels) and policy.levels[index].kind is LevelKind.REMINDER:
            index += 1
        level = policy.levels[index - 1] if index > 0 else None
        return HostReminderSeen(
            key=host_seen_key(self.admin_key, contact.host_id, inv.host_id, inv.reminder_count),
            invoice_id=inv.host_id, contact_id=contact.host_id, level_name=level.name if level else "",
            level_index=index, level_kind=level.kind.value if level else LevelKind.REMINDER.value, count=extra,
        )

    def _timing(self, policy: Policy, position: _Position, inv: Invoice, contact: Contact) -> int | Skip:
        """The 1-based index of the level due today, or the Skip saying when it will be."""
        if position.current >= len(policy.levels):
            last = policy.levels[-1]
            when = position.current_sent_on.isoformat() if position.current_sent_on else "earlier"
            return _skip(inv, contact, "last_level", f"last level '{last.name}' reached on {when}")
        level = policy.levels[position.current]
        base = inv.due_date
        if level.delay_from is DelayFrom.PREVIOUS and position.last_sent is not None:
            base = position.last_sent
        earliest = max(base + timedelta(days=level.delay_days), inv.due_date + _ONE_DAY)
        if position.term_end is not None:
            earliest = max(earliest, position.term_end + _ONE_DAY)
        if self.today < earliest:
            next_day = self.calendar.next_send_day(earliest)
            return _skip(inv, contact, "waiting", f"next level '{level.name}' from {next_day.isoformat()}", next_day)
        return position.current + 1

    def _via(self, level: Level, contact: Contact) -> tuple[str, list[PlanWarning]]:
        remarks: list[PlanWarning] = []
        via = {Channel.HOST_EMAIL: Via.HOST, Channel.SMTP_EMAIL: Via.SMTP, Channel.LETTER: Via.POST,
               Channel.PHONE: Via.CALL, Channel.HANDOVER: Via.DOSSIER}[level.channel]
        if via == Via.HOST and not self.capabilities.sends_reminders:
            via = Via.SMTP
        if via in (Via.HOST, Via.SMTP) and not contact.dunning_emails:
            via = Via.POST
            remarks.append(no_email_post())
        if (level.kind is LevelKind.FOURTEEN_DAY and via in (Via.HOST, Via.SMTP)
                and not self.settings.legal.email_counts_as_written):
            via = Via.POST
            remarks.append(fourteen_day_by_post(with_copy=self.settings.legal.email_copy_of_post))
        if via == Via.CALL and not contact.phone:
            remarks.append(no_phone())
        return via, remarks

    def _email_copy(self, level: Level, via: str, contact: Contact) -> bool:
        """A posted 14-dagenbrief also goes by e-mail as a copy (it never starts the term)."""
        return (via == Via.POST and level.kind is LevelKind.FOURTEEN_DAY and bool(contact.dunning_emails)
                and level.channel in (Channel.HOST_EMAIL, Channel.SMTP_EMAIL)
                and self.settings.legal.email_copy_of_post)

    def _action(self, contact: Contact, policy: Policy, index: int, level: Level,
                group: list[_Candidate]) -> DunningAction:
        settings, today = self.settings, self.today
        debtor = settings.debtor_kind(contact.kind.value)
        language = contact.language if contact.language in ("nl", "en") else (settings.language or "nl")
        via, remarks = self._via(level, contact)
        claim = claim_for(
            level, debtor,
            [ClaimInput(c.invoice.host_id, c.invoice.number, c.principal, c.invoice.due_date) for c in group],
            today=today, settings=settings, wik_by_invoice=self.wik, rates=self.rates,
            history=self.sent_by_contact.get(contact.host_id, ()), by_post=via == Via.POST,
        )
        items = tuple(
            ActionInvoice(
                invoice=c.invoice, principal=line.principal, credit_applied=c.credit_applied,
                reallocated=line.reallocated, interest=line.interest, interest_from=line.interest_from,
                days_overdue=(today - c.invoice.due_date).days,
                payment_url=invoice_link(c.invoice, template=settings.payment_link_template,
                                         contact_id=contact.host_id, admin=self.admin_key, language=language),
            )
            for c, line in zip(group, claim.lines)
        )
        invoices = [c.invoice for c in group]
        principal = sum((line.principal for line in claim.lines), ZERO)
        reference = payment_reference(invoices, language)
        total = principal + claim.costs + claim.interest
        return DunningAction(
            admin_key=self.admin_key, contact=contact, debtor_kind=debtor, level_name=level.name,
            level_index=index, level_count=len(policy.levels), level_kind=level.kind.value,
            channel=level.channel.value, via=via, template=level.template_name, language=language,
            invoices=items, statement=(), principal=principal,
            credit_applied=sum((c.credit_applied for c in group), ZERO), costs=claim.costs,
            costs_basis=claim.costs_basis, announced_costs=claim.announced_costs, interest=claim.interest,
            new_term_date=claim.new_term_date, costs_from=claim.costs_from,
            idempotency_key=step_key(self.admin_key, contact.host_id, level.name, [i.host_id for i in invoices]),
            payment_reference=reference,
            pay_link=pay_link(invoices, template=settings.payment_link_template, amount=total,
                              reference=reference, contact_id=contact.host_id, admin=self.admin_key),
            recipients=contact.dunning_emails,
            expected_reminder_counts={i.host_id: i.reminder_count for i in invoices},
            vat_uplift=settings.legal.vat_uplift and claim.costs + claim.announced_costs > 0,
            term_days=14 if level.kind is LevelKind.FOURTEEN_DAY else level.term_days,
            attach_pdf=level.attach_pdf, email_copy=self._email_copy(level, via, contact),
            remarks=tuple(remarks) + claim.remarks,
        )

    def _with_statement(self, action: DunningAction, invoices: Sequence[Invoice],
                        skip_codes: Mapping[str, str]) -> DunningAction:
        in_letter = set(action.invoice_ids)
        lines = tuple(
            StatementLine(
                invoice_id=inv.host_id, number=inv.number, invoice_date=inv.invoice_date, due_date=inv.due_date,
                open_amount=inv.open_amount,
                days_overdue=0 if inv.open_amount < 0 else max((self.today - inv.due_date).days, 0),
                in_letter=inv.host_id in in_letter, is_credit_note=inv.open_amount < 0,
                payment_url=inv.payment_url, note="" if inv.host_id in in_letter else skip_codes.get(inv.host_id, ""),
            )
            for inv in invoices
        )
        return replace(action, statement=lines)
