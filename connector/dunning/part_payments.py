"""Part payments since a letter that claimed costs or interest, settled by art. 6:44 BW. Pure.

Why: the package only knows invoices, so it books a part payment on the principal. The law puts
it on the costs first, then the interest, then the principal. Once a letter has claimed costs or
interest for an invoice, every later letter and the dossier must start from the law's figures,
not from the package's open amount.

What the connector knows, and so how it settles:
* the reference is the *first* sent letter that claimed costs or interest for the invoice, with
  the principal and interest it recorded per invoice and the costs of the whole letter;
* paid since = that principal minus what the package shows open now (after open credit notes);
* the payment date is unknown (the package reports only the open amount), so it is taken as the
  letter's own date: the earliest day it can have been made, which credits the debtor most
  (least interest before it, the lower base after it);
* the letter's costs are one pool for its invoices; payments on its invoices, oldest due date
  first, go to that pool, then to the invoice's own interest (only when the letter claimed
  interest for it), then to its principal (`connector.legal.interest.settle_payments`);
* an invoice the package shows paid in full has left the dunning: its share is not pursued.
Everything is recomputed from the reference letter on every run, so it never drifts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from connector.dunning.model import DunningStep
from connector.dunning.plan_warnings import PlanWarning, part_payment_settled
from connector.legal.interest import Payment, settle_payments
from connector.legal.rates import InterestKind, RateTable
from connector.money import ZERO

__all__ = ["InterestStart", "PartPayments", "SettledInvoice", "settle_part_payments"]


class _Line(Protocol):
    @property
    def invoice_id(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def principal(self) -> Decimal: ...
    @property
    def due_date(self) -> date: ...


#: For a line: (first interest day or None when no interest runs, statute, rates to use).
InterestStart = Callable[[_Line], tuple[date | None, InterestKind, RateTable]]


@dataclass(frozen=True, slots=True, kw_only=True)
class SettledInvoice:
    """One invoice after art. 6:44: what is still owed of its principal and interest today."""

    invoice_id: str
    principal: Decimal
    interest: Decimal  # open today: unpaid interest up to the payment, then on the lower base
    interest_from: date | None
    interest_claimed: bool  # the reference letter claimed interest on it (so payments went there)
    reallocated: Decimal  # principal minus the package's open amount: payments that went elsewhere


@dataclass(frozen=True, slots=True, kw_only=True)
class PartPayments:
    invoices: Mapping[str, SettledInvoice]
    costs_outstanding: Decimal  # of the reference letters' costs, after the payments
    remarks: tuple[PlanWarning, ...] = ()


def _reference_letters(history: Iterable[DunningStep], today: date) -> dict[str, DunningStep]:
    """Per invoice the first sent letter that claimed costs or interest for it, with amounts per invoice."""
    found: dict[str, DunningStep] = {}
    for step in sorted(history, key=lambda s: (s.sent_on, s.level_index, s.key)):
        if step.status != "sent" or step.sent_on > today or (step.costs <= 0 and step.interest <= 0):
            continue
        for invoice_id in step.invoice_ids:
            if invoice_id not in found and step.claimed(invoice_id) is not None:
                found[invoice_id] = step
    return found


def settle_part_payments(lines: Sequence[_Line], history: Iterable[DunningStep], *, today: date,
                         interest_start: InterestStart) -> PartPayments:
    """Settle the part payments on `lines` (open invoices of one claim) against earlier letters."""
    references = _reference_letters(history, today)
    groups: dict[str, list[_Line]] = defaultdict(list)
    letters: dict[str, DunningStep] = {}
    for line in lines:
        step = references.get(line.invoice_id)
        if step is not None:
            groups[step.key].append(line)
            letters[step.key] = step
    settled: dict[str, SettledInvoice] = {}
    costs_outstanding = ZERO
    remarks: list[PlanWarning] = []
    for key, group in groups.items():
        step = letters[key]
        paid = {line.invoice_id: max(_claimed(step, line)[0] - line.principal, ZERO) for line in group}
        if not any(paid.values()):
            continue  # nothing paid since the letter: the usual calculation gives the same figures
        pool = step.costs
        for line in sorted(group, key=lambda item: (item.due_date, item.number, item.invoice_id)):
            principal, interest_claimed = _claimed(step, line)
            first_day, kind, table = interest_start(line)
            with_interest = interest_claimed > 0 and first_day is not None
            if not with_interest:  # the letter claimed no interest: a payment cannot go there
                first_day, table = step.sent_on, RateTable.fixed(kind, ZERO)
            assert first_day is not None
            payments = [Payment(day=step.sent_on, amount=paid[line.invoice_id])] if paid[line.invoice_id] else []
            result = settle_payments(principal, first_day, today, kind, payments, costs=pool, table=table)
            if result.allocations:
                allocation = result.allocations[0]
                pool -= allocation.to_costs
                remarks.append(part_payment_settled(
                    payment=allocation.amount, number=line.number, level=step.level_name,
                    sent_on=step.sent_on.isoformat(), to_costs=allocation.to_costs,
                    to_interest=allocation.to_interest, to_principal=allocation.to_principal))
            grown = max(line.principal - principal, ZERO)  # the package shows more open than claimed then
            settled[line.invoice_id] = SettledInvoice(
                invoice_id=line.invoice_id, principal=result.principal_outstanding + grown,
                interest=result.interest_outstanding if with_interest else ZERO,
                interest_from=first_day if with_interest else None, interest_claimed=with_interest,
                reallocated=max(result.principal_outstanding - line.principal, ZERO),
            )
        costs_outstanding += pool
    return PartPayments(invoices=settled, costs_outstanding=costs_outstanding, remarks=tuple(remarks))


def _claimed(step: DunningStep, line: _Line) -> tuple[Decimal, Decimal]:
    claimed = step.claimed(line.invoice_id)
    assert claimed is not None  # only letters with per-invoice amounts are references
    return claimed
