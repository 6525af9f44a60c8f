"""Costs and interest one dunning letter may claim, from the level, the debtor and the history.

Why here and not in the planner: this is where the law meets the ladder, and the rule that
matters most lives here — a consumer is only charged collection costs for invoices covered by
a valid 14-dagenbrief whose term has passed unpaid, and never more than that letter announced.
The amounts themselves come from `connector.legal` (staffel, € 40 minimum, statutory interest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from connector.dunning.model import DunningStep
from connector.dunning.policy import DunningSettings, Level, LevelKind
from connector.legal.costs import DebtorKind, collection_costs
from connector.legal.interest import statutory_interest
from connector.legal.letters import fourteen_day_term
from connector.legal.rates import InterestKind, RateTable, load_rates
from connector.legal.workdays import term_end
from connector.money import ZERO, quantize

__all__ = ["Claim", "ClaimInput", "ClaimLine", "claim_for", "rate_table", "wik_steps_by_invoice"]


class ClaimInput(NamedTuple):
    invoice_id: str
    number: str
    principal: Decimal  # open amount after open credit notes
    due_date: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimLine:
    invoice_id: str
    principal: Decimal
    due_date: date
    interest: Decimal = ZERO
    interest_from: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    lines: tuple[ClaimLine, ...]
    costs: Decimal
    costs_basis: str
    announced_costs: Decimal
    new_term_date: date | None
    costs_from: date | None
    notes: tuple[str, ...] = ()

    @property
    def interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), ZERO)


def rate_table(settings: DunningSettings) -> RateTable:
    """The interest table: a contract rate for companies is applied per claim, not here."""
    table = load_rates(settings.legal.rates_file)
    return table.confirmed_only() if settings.legal.confirmed_rates_only else table


def wik_steps_by_invoice(history: Iterable[DunningStep]) -> dict[str, DunningStep]:
    """Per invoice the earliest valid 14-dagenbrief that covered it (its term decides the costs)."""
    found: dict[str, DunningStep] = {}
    for step in sorted(history, key=lambda s: s.sent_on):
        if step.status != "sent" or not step.wik_valid or step.costs_from is None:
            continue
        for invoice_id in step.invoice_ids:
            found.setdefault(invoice_id, step)
    return found


def _new_term(level: Level, today: date, settings: DunningSettings) -> tuple[date | None, date | None]:
    """(date to pay by, first day costs may be charged) for a letter sent today."""
    if level.kind is LevelKind.FOURTEEN_DAY:
        term = fourteen_day_term(today, assumption=settings.legal.delivery(),
                                 extend_to_working_day=settings.legal.extend_term_to_working_day)
        return term.last_term_day, term.costs_chargeable_from
    if level.kind in (LevelKind.CALL, LevelKind.HANDOVER):
        return None, None
    return term_end(today, level.term_days), None


def claim_for(
    level: Level,
    debtor: str,
    lines: Sequence[ClaimInput],
    *,
    today: date,
    settings: DunningSettings,
    wik_by_invoice: Mapping[str, DunningStep],
    rates: RateTable,
) -> Claim:
    """What a letter at `level` to a `debtor` ("company"/"consumer") claims for `lines`."""
    new_term, costs_from = _new_term(level, today, settings)
    consumer = debtor != "company"
    legal = settings.legal
    notes: list[str] = []
    principals = [line.principal for line in lines]

    announced = ZERO
    if consumer and level.kind is LevelKind.FOURTEEN_DAY:
        announced = collection_costs(
            principals, debtor=DebtorKind.CONSUMER, vat_uplift=legal.vat_uplift, vat_percent=legal.vat_percent,
            cumulation=legal.cumulation_rule(),
        ).total

    costs, basis = ZERO, "none"
    if level.charge_costs:
        if consumer:
            costs, basis, cost_notes = _consumer_costs(lines, today, settings, wik_by_invoice)
            notes.extend(cost_notes)
        else:
            result = collection_costs(
                principals, debtor=DebtorKind.BUSINESS, vat_uplift=legal.vat_uplift,
                vat_percent=legal.vat_percent, b2b_minimum_per_invoice=legal.b2b_minimum_per_invoice,
                contract_terms=settings.contract_terms.cost_terms(),
            )
            costs, basis = result.total, result.basis
            notes.extend(result.notes)

    claim_lines = []
    for line in lines:
        interest, first_day = ZERO, None
        if level.charge_interest:
            interest, first_day, note = _interest(line, consumer, today, settings, wik_by_invoice, rates)
            if note:
                notes.append(note)
        claim_lines.append(ClaimLine(invoice_id=line.invoice_id, principal=line.principal,
                                     due_date=line.due_date, interest=interest, interest_from=first_day))
    return Claim(lines=tuple(claim_lines), costs=costs, costs_basis=basis, announced_costs=announced,
                 new_term_date=new_term, costs_from=costs_from, notes=tuple(notes))


def _consumer_costs(lines: Sequence[ClaimInput], today: date, settings: DunningSettings,
                    wik_by_invoice: Mapping[str, DunningStep]) -> tuple[Decimal, str, list[str]]:
    """Staffel over the invoices whose 14-dagenbrief term has passed, capped at what was announced."""
    notes: list[str] = []
    eligible: list[Decimal] = []
    letters: dict[str, DunningStep] = {}
    for line in lines:
        step = wik_by_invoice.get(line.invoice_id)
        if step is None:
            notes.append(f"no collection costs on invoice {line.number}: no valid 14-dagenbrief was sent")
            continue
        assert step.costs_from is not None
        if today < step.costs_from:
            notes.append(f"no collection costs on invoice {line.number} yet: the 14-day term of "
                         f"{step.sent_on.isoformat()} runs until {(step.costs_from - timedelta(days=1)).isoformat()}")
            continue
        eligible.append(line.principal)
        letters[step.key] = step
    if not eligible:
        return ZERO, "none", notes
    legal = settings.legal
    result = collection_costs(eligible, debtor=DebtorKind.CONSUMER, vat_uplift=legal.vat_uplift,
                              vat_percent=legal.vat_percent, cumulation=legal.cumulation_rule())
    announced = sum((step.announced_costs for step in letters.values()), ZERO)
    if result.total > announced:
        notes.append(f"collection costs capped at the € {announced:.2f} the 14-dagenbrief announced "
                     f"(staffel now € {result.total:.2f})")
        return quantize(announced), "announced", notes
    return result.total, result.basis, notes


def _interest(line: ClaimInput, consumer: bool, today: date, settings: DunningSettings,
              wik_by_invoice: Mapping[str, DunningStep],
              rates: RateTable) -> tuple[Decimal, date | None, str]:
    legal = settings.legal
    principal, due_date = line.principal, line.due_date
    if consumer:
        if legal.consumer_interest_from == "never":
            return ZERO, None, ""
        if legal.consumer_interest_from == "due_date":
            first_day = due_date + timedelta(days=1)
        else:
            step = wik_by_invoice.get(line.invoice_id)
            if step is None or step.costs_from is None:
                return ZERO, None, f"no interest on invoice {line.number}: no 14-dagenbrief put the debtor in verzuim"
            first_day = step.costs_from
        kind, table = InterestKind.CONSUMER, rates
    else:
        first_day = due_date + timedelta(days=1)
        kind = InterestKind.COMMERCIAL
        agreed = settings.contract_terms.interest_percent
        table = RateTable.fixed(kind, agreed) if agreed is not None else rates
    if first_day > today or principal <= 0:
        return ZERO, first_day, ""
    result = statutory_interest(principal, first_day, today, kind, table=table, leap_day=legal.leap_day)
    return result.total, first_day, ""
