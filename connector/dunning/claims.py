"""Costs and interest one dunning letter may claim, from the level, the debtor and the history.

Why here and not in the planner: this is where the law meets the ladder, and the rule that
matters most lives here — a consumer is only charged collection costs for invoices covered by
a valid 14-dagenbrief whose term has passed unpaid, and never more than that letter announced.
The amounts themselves come from `connector.legal` (staffel, € 40 minimum, statutory interest);
part payments since a letter that claimed costs or interest are settled by art. 6:44 BW first
(`part_payments.py`). A rate the table marks UNCONFIRMED is named in the notes whenever it would
cover part of an interest period, charged or (by default) replaced by the last confirmed rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from connector.dunning.model import DunningStep
from connector.dunning.part_payments import PartPayments, settle_part_payments
from connector.dunning.plan_warnings import (
    PlanWarning,
    costs_capped,
    legal_note,
    no_costs_without_wik,
    no_costs_yet,
    no_interest_without_wik,
    rate_unconfirmed,
)
from connector.dunning.policy import DunningSettings, Level, LevelKind
from connector.legal.costs import DebtorKind, collection_costs
from connector.legal.interest import statutory_interest
from connector.legal.letters import assumed_delivery_date, fourteen_day_term
from connector.legal.rates import InterestKind, RateTable, load_rates
from connector.legal.workdays import term_end
from connector.money import ZERO, quantize

__all__ = ["Claim", "ClaimInput", "ClaimLine", "claim_for", "letter_term", "rate_table", "wik_steps_by_invoice"]


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
    reallocated: Decimal = ZERO  # see ActionInvoice.reallocated


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    lines: tuple[ClaimLine, ...]
    costs: Decimal
    costs_basis: str
    announced_costs: Decimal
    new_term_date: date | None
    costs_from: date | None
    remarks: tuple[PlanWarning, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """The remarks in English, as the dossier has them."""
        return tuple(remark.text("en") for remark in self.remarks)

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


def letter_term(level: Level, dispatch: date, settings: DunningSettings, *,
                by_post: bool = False) -> tuple[date | None, date | None]:
    """(last day of the letter's term, first day costs may be charged) for a letter sent on `dispatch`.

    A letter by post counts its term from the assumed delivery (research note §2.2), so a
    corrected dispatch date (`connector letters posted`) moves both days with it.
    """
    legal = settings.legal
    if level.kind is LevelKind.FOURTEEN_DAY:
        term = fourteen_day_term(dispatch, assumption=legal.delivery(),
                                 extend_to_working_day=legal.extend_term_to_working_day)
        return term.last_term_day, term.costs_chargeable_from
    if level.kind in (LevelKind.CALL, LevelKind.HANDOVER):
        return None, None
    start = assumed_delivery_date(dispatch, assumption=legal.delivery()) if by_post else dispatch
    return term_end(start, level.term_days), None


def claim_for(
    level: Level,
    debtor: str,
    lines: Sequence[ClaimInput],
    *,
    today: date,
    settings: DunningSettings,
    wik_by_invoice: Mapping[str, DunningStep],
    rates: RateTable,
    history: Iterable[DunningStep] = (),
    by_post: bool = False,
) -> Claim:
    """What a letter at `level` to a `debtor` ("company"/"consumer") claims for `lines`.

    `history` is the contact's sent steps: part payments since a letter that claimed costs or
    interest are settled against it (art. 6:44 BW) before anything is claimed again.
    """
    new_term, costs_from = letter_term(level, today, settings, by_post=by_post)
    consumer = debtor != "company"
    legal = settings.legal
    notes: list[PlanWarning] = []
    settled = settle_part_payments(
        lines, history, today=today,
        interest_start=lambda line: _interest_start(line, consumer, settings, wik_by_invoice, rates)[:3],
    )
    notes.extend(settled.remarks)
    lines = [line._replace(principal=settled.invoices[line.invoice_id].principal)
             if line.invoice_id in settled.invoices else line for line in lines]

    announced = ZERO
    if consumer and level.kind is LevelKind.FOURTEEN_DAY:
        announced = collection_costs(
            [line.principal for line in lines], debtor=DebtorKind.CONSUMER, vat_uplift=legal.vat_uplift,
            vat_percent=legal.vat_percent, cumulation=legal.cumulation_rule(),
        ).total

    costs, basis = ZERO, "none"
    if level.charge_costs:
        costs, basis = _costs(lines, settled, consumer, today, settings, wik_by_invoice, notes)

    claim_lines = []
    for line in lines:
        interest, first_day = ZERO, None
        done = settled.invoices.get(line.invoice_id)
        if level.charge_interest and done is not None and done.interest_claimed:
            interest, first_day = done.interest, done.interest_from
            notes.extend(_rate_notes(line, consumer, today, settings, wik_by_invoice, rates))
        elif level.charge_interest:
            interest, first_day, note = _interest(line, consumer, today, settings, wik_by_invoice, rates)
            notes.extend([note] if note else _rate_notes(line, consumer, today, settings, wik_by_invoice, rates))
        claim_lines.append(ClaimLine(invoice_id=line.invoice_id, principal=line.principal,
                                     due_date=line.due_date, interest=interest, interest_from=first_day,
                                     reallocated=done.reallocated if done else ZERO))
    return Claim(lines=tuple(claim_lines), costs=costs, costs_basis=basis, announced_costs=announced,
                 new_term_date=new_term, costs_from=costs_from, remarks=tuple(dict.fromkeys(notes)))


def _costs(lines: Sequence[ClaimInput], settled: PartPayments, consumer: bool, today: date,
           settings: DunningSettings, wik_by_invoice: Mapping[str, DunningStep],
           notes: list[PlanWarning]) -> tuple[Decimal, str]:
    """The costs a charging letter claims: what is left of the costs of earlier letters whose
    invoices were part paid since, plus the staffel (or contract terms) over the other invoices."""
    fresh = [line for line in lines if line.invoice_id not in settled.invoices]
    costs, basis = ZERO, "none"
    if fresh and consumer:
        costs, basis, cost_notes = _consumer_costs(fresh, today, settings, wik_by_invoice)
        notes.extend(cost_notes)
    elif fresh:
        legal = settings.legal
        result = collection_costs(
            [line.principal for line in fresh], debtor=DebtorKind.BUSINESS, vat_uplift=legal.vat_uplift,
            vat_percent=legal.vat_percent, b2b_minimum_per_invoice=legal.b2b_minimum_per_invoice,
            contract_terms=settings.contract_terms.cost_terms(),
        )
        costs, basis = result.total, result.basis
        notes.extend(legal_note(note) for note in result.remarks)
    if len(fresh) == len(lines):
        return costs, basis
    return costs + settled.costs_outstanding, "carried" if basis == "none" else f"{basis}+carried"


def _consumer_costs(lines: Sequence[ClaimInput], today: date, settings: DunningSettings,
                    wik_by_invoice: Mapping[str, DunningStep]) -> tuple[Decimal, str, list[PlanWarning]]:
    """Staffel over the invoices whose 14-dagenbrief term has passed, capped at what was announced."""
    notes: list[PlanWarning] = []
    eligible: list[Decimal] = []
    letters: dict[str, DunningStep] = {}
    for line in lines:
        step = wik_by_invoice.get(line.invoice_id)
        if step is None:
            notes.append(no_costs_without_wik(line.number))
            continue
        assert step.costs_from is not None
        if today < step.costs_from:
            notes.append(no_costs_yet(line.number, sent_on=step.sent_on.isoformat(),
                                      until=(step.costs_from - timedelta(days=1)).isoformat()))
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
        notes.append(costs_capped(announced=announced, staffel=result.total))
        return quantize(announced), "announced", notes
    return result.total, result.basis, notes


def _interest_start(line: ClaimInput, consumer: bool, settings: DunningSettings,
                    wik_by_invoice: Mapping[str, DunningStep],
                    rates: RateTable) -> tuple[date | None, InterestKind, RateTable, PlanWarning | None]:
    """(first interest day or None, statute, rates, why none) for one invoice."""
    legal = settings.legal
    if not consumer:
        kind = InterestKind.COMMERCIAL
        agreed = settings.contract_terms.interest_percent
        table = RateTable.fixed(kind, agreed) if agreed is not None else rates
        return line.due_date + timedelta(days=1), kind, table, None
    kind = InterestKind.CONSUMER
    if legal.consumer_interest_from == "never":
        return None, kind, rates, None
    if legal.consumer_interest_from == "due_date":
        return line.due_date + timedelta(days=1), kind, rates, None
    step = wik_by_invoice.get(line.invoice_id)
    if step is None or step.costs_from is None:
        return None, kind, rates, no_interest_without_wik(line.number)
    return step.costs_from, kind, rates, None


def _interest(line: ClaimInput, consumer: bool, today: date, settings: DunningSettings,
              wik_by_invoice: Mapping[str, DunningStep],
              rates: RateTable) -> tuple[Decimal, date | None, PlanWarning | None]:
    first_day, kind, table, why_none = _interest_start(line, consumer, settings, wik_by_invoice, rates)
    if first_day is None:
        return ZERO, None, why_none
    if first_day > today or line.principal <= 0:
        return ZERO, first_day, None
    result = statutory_interest(line.principal, first_day, today, kind, table=table,
                                leap_day=settings.legal.leap_day)
    return result.total, first_day, None


def _rate_notes(line: ClaimInput, consumer: bool, today: date, settings: DunningSettings,
                wik_by_invoice: Mapping[str, DunningStep], rates: RateTable) -> list[PlanWarning]:
    """A note for every UNCONFIRMED rate that would cover part of the invoice's interest period."""
    first_day, kind, table, _ = _interest_start(line, consumer, settings, wik_by_invoice, rates)
    if first_day is None or first_day > today:
        return []
    notes = []
    for row in table.unconfirmed_between(kind, first_day, today):
        charged = table.is_charged(row)
        notes.append(rate_unconfirmed(
            interest_kind=kind.value, effective_from=row.effective_from.isoformat(),
            rate=_percent(row.rate_percent), charged=charged,
            confirmed="" if charged else _percent(table.rate_on(kind, row.effective_from))))
    return notes


def _percent(rate: Decimal) -> str:
    """`10,15 %`, as the letters print a rate."""
    return f"{rate:.2f}".replace(".", ",") + " %"
