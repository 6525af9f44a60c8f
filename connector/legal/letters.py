"""Rules for dunning letters, pure: the consumer veertiendagenbrief and the B2B defaults.

Consumer (art. 6:96 lid 6 BW, HR 25-11-2016 ECLI:NL:HR:2016:2704; research note §2):
* only after verzuim — not with the invoice, not on or before the due date;
* the term runs from the day after *receipt*: use "binnen veertien dagen vanaf de dag nadat
  deze brief bij u is bezorgd" (or "binnen vijftien dagen nadat deze brief bij u is bezorgd");
  "na dagtekening", "na heden", "na verzending" are invalid and cannot be repaired later;
* the letter must state the exact collection costs that will be charged;
* receipt may be assumed on the second day after dispatch, not counting Sunday, Monday or a
  public holiday (`DeliveryAssumption`, configurable).

Not in the research note, added on the safe side (option ``extend_to_working_day``, default
True): when the 14th day falls on a Saturday, Sunday or holiday the term is extended to the next
working day, as the Algemene termijnenwet does for statutory terms. It only delays the cost date.

Business debtors: commercial interest from the day after the due date (6:119a lid 1), or 30 days
after the day following receipt of the invoice without an agreed term (lid 2); the € 40 minimum
is due without any aanmaning (6:96 lid 4). No veertiendagenbrief is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from connector.legal.costs import (
    BIK_MINIMUM,
    DEFAULT_VAT_PERCENT,
    CumulationRule,
    DebtorKind,
    collection_costs,
)

# Working-day helpers are re-exported: letter code asks "is this a real payment date" here.
from connector.legal.workdays import (
    HolidayCalendar,
    add_working_days,
    calendar_or_default,
    is_working_day,
    next_working_day,
    term_end,
)
from connector.money import ZERO

__all__ = [
    "APPROVED_TERM_WORDINGS",
    "DeliveryAssumption",
    "FourteenDayLetterDraft",
    "FourteenDayTerm",
    "LetterProblem",
    "Severity",
    "add_working_days",
    "amounts_in_text",
    "assumed_delivery_date",
    "b2b_minimum_compensation",
    "check_fourteen_day_letter",
    "commercial_due_date_without_agreement",
    "commercial_interest_first_day",
    "earliest_cost_date",
    "fourteen_day_term",
    "has_vat_declaration",
    "is_working_day",
    "next_working_day",
    "term_end",
]

_ONE_DAY = timedelta(days=1)
#: Phrasings the Hoge Raad gave as compliant (HR 25-11-2016), whitespace/case-insensitive.
APPROVED_TERM_WORDINGS = (
    "binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd",
    "binnen 14 dagen vanaf de dag nadat deze brief bij u is bezorgd",
    "binnen vijftien dagen nadat deze brief bij u is bezorgd",
    "binnen 15 dagen nadat deze brief bij u is bezorgd",
)
# Terms counted from the letter's date or dispatch instead of receipt.
_WRONG_TERM = re.compile(
    r"\b(?:\d+|veertien|vijftien|acht|zeven|tien|dertig)\s+dagen\s+(?:na|vanaf|vanaf de dag na)\s+"
    r"(?:de\s+)?(?:dagtekening|heden|verzending|verzenddatum|(?:de\s+)?datum(?:\s+van\s+deze\s+brief)?|"
    r"vandaag|briefdatum)\b|\bna\s+dagtekening\b",
    re.IGNORECASE,
)
_COST_FREE_HINTS = (
    "geen incassokosten",
    "geen kosten",
    "zonder kosten",
    "kosteloos",
    "zonder incassokosten",
)
# BIK art. 2 lid 3: the creditor declares that it cannot deduct the VAT *and* that the costs were
# increased by it. Both halves must be in the letter, in Dutch or English.
_VAT_INCREASED = (
    re.compile(r"\b(?:verhoogd|vermeerderd) met\b[^.]{0,40}\bbtw\b"),
    re.compile(r"\bincreased by\b[^.]{0,40}\bvat\b"),
)
_VAT_NOT_DEDUCTIBLE = (
    re.compile(r"\bbtw\b[^.]{0,80}\bniet\b[^.]{0,40}\b(?:verrekenen|aftrekken|in aftrek brengen)\b"),
    re.compile(r"\b(?:cannot|can not|unable to)\s+(?:deduct|reclaim|recover)\b[^.]{0,40}\bvat\b"
               r"|\bvat\b[^.]{0,80}\b(?:cannot|can not|unable to)\s+(?:deduct|reclaim|recover)\b"),
)
_DUTCH_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{2})|,-{1,2}|,—)?(?!\d|,\d)"
)
_DOT_DECIMAL = re.compile(r"(?<![\d.,])(\d+)\.(\d{2})(?![\d.,])")
# Dutch "algemeen erkende feestdagen" include 5 May every year; the holidays package lists it
# only in lustrum years, so the term extension adds it (only ever delays).
_ALWAYS_NON_WORKING = ((5, 5),)


class Severity(StrEnum):
    ERROR = "error"  # the letter would not make costs due
    WARNING = "warning"  # likely a mistake, or good practice missing


@dataclass(frozen=True, kw_only=True)
class LetterProblem:
    """What is wrong with a letter: `message` in English; `code` and `params` (plain strings, dates ISO,
    amounts with two decimals) let a reader word it in its own language."""

    code: str
    message: str
    severity: Severity = Severity.ERROR
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class DeliveryAssumption:
    """When a posted letter counts as delivered: the n-th counting day after dispatch.

    Default per HR 2016 / bvvb.nl: second day, Sunday and Monday (no PostNL delivery) and
    public holidays do not count. Set `days_after_dispatch=1` and an empty weekday set for a
    courier or registered e-mail with proof of delivery.
    """

    days_after_dispatch: int = 2
    non_counting_weekdays: frozenset[int] = frozenset({6, 0})  # date.weekday(): Sunday, Monday
    skip_public_holidays: bool = True


DEFAULT_DELIVERY = DeliveryAssumption()


@dataclass(frozen=True, kw_only=True)
class FourteenDayTerm:
    dispatched: date
    delivered: date  # assumed
    first_term_day: date  # the day after delivery
    last_term_day: date  # last day the debtor can pay without costs
    costs_chargeable_from: date  # first day costs may be charged if still unpaid


@dataclass(frozen=True, kw_only=True)
class FourteenDayLetterDraft:
    """What the validator needs to know about a veertiendagenbrief before it goes out."""

    text: str
    send_date: date
    due_date: date  # last agreed payment day; verzuim from the next day
    principals: tuple[Decimal, ...]  # hoofdsom per invoice claimed in this letter
    announced_costs: Decimal | None  # the cost amount the letter announces (incl. VAT uplift)
    vat_uplift: bool = False
    vat_declaration: bool = False  # letter declares VAT cannot be deducted (BIK art. 2 lid 3)
    stated_deadline: date | None = None  # a concrete last payment day printed in the letter
    debtor: DebtorKind = DebtorKind.CONSUMER


def assumed_delivery_date(
    dispatch: date,
    *,
    assumption: DeliveryAssumption = DEFAULT_DELIVERY,
    holidays: HolidayCalendar | None = None,
) -> date:
    calendar = calendar_or_default(holidays)
    day, counted = dispatch, 0
    while counted < assumption.days_after_dispatch:
        day += _ONE_DAY
        if day.weekday() in assumption.non_counting_weekdays:
            continue
        if assumption.skip_public_holidays and day in calendar:
            continue
        counted += 1
    return day


def _atw_working_day(d: date, calendar: HolidayCalendar) -> date:
    while not is_working_day(d, calendar) or (d.month, d.day) in _ALWAYS_NON_WORKING:
        d += _ONE_DAY
    return d


def fourteen_day_term(
    dispatch: date,
    *,
    assumption: DeliveryAssumption = DEFAULT_DELIVERY,
    holidays: HolidayCalendar | None = None,
    extend_to_working_day: bool = True,
) -> FourteenDayTerm:
    """The conservative 14-day term for a letter posted on `dispatch`."""
    calendar = calendar_or_default(holidays)
    delivered = assumed_delivery_date(dispatch, assumption=assumption, holidays=calendar)
    last = delivered + timedelta(days=14)
    if extend_to_working_day:
        last = _atw_working_day(last, calendar)
    return FourteenDayTerm(
        dispatched=dispatch,
        delivered=delivered,
        first_term_day=delivered + _ONE_DAY,
        last_term_day=last,
        costs_chargeable_from=last + _ONE_DAY,
    )


def earliest_cost_date(
    dispatch: date,
    *,
    assumption: DeliveryAssumption = DEFAULT_DELIVERY,
    holidays: HolidayCalendar | None = None,
    extend_to_working_day: bool = True,
) -> date:
    """First day collection costs may be charged to a consumer who has not paid."""
    return fourteen_day_term(
        dispatch,
        assumption=assumption,
        holidays=holidays,
        extend_to_working_day=extend_to_working_day,
    ).costs_chargeable_from


def amounts_in_text(text: str) -> set[Decimal]:
    """Every money-looking number in a Dutch text: "€ 1.025,00", "40,-", "425", "425.00"."""
    found: set[Decimal] = set()
    for match in _DUTCH_AMOUNT.finditer(text):
        whole = match.group(1).replace(".", "")
        found.add(Decimal(f"{whole}.{match.group(2) or '00'}"))
    for match in _DOT_DECIMAL.finditer(text):
        found.add(Decimal(f"{match.group(1)}.{match.group(2)}"))
    return found


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def has_vat_declaration(text: str) -> bool:
    """Does the letter declare that the costs were increased by VAT the creditor cannot deduct?

    BIK art. 2 lid 3 (research note §1.4, §2.3.6): without that express declaration the BTW
    uplift is not owed, so a letter claiming it must not go out. Dutch or English wording.
    """
    squashed = _squash(text)
    return any(increased.search(squashed) and not_deductible.search(squashed)
               for increased, not_deductible in zip(_VAT_INCREASED, _VAT_NOT_DEDUCTIBLE, strict=True))


def check_fourteen_day_letter(
    draft: FourteenDayLetterDraft,
    *,
    assumption: DeliveryAssumption = DEFAULT_DELIVERY,
    holidays: HolidayCalendar | None = None,
    extend_to_working_day: bool = True,
    vat_percent: Decimal = DEFAULT_VAT_PERCENT,
    cumulation: CumulationRule | None = None,
) -> list[LetterProblem]:
    """Everything wrong with a veertiendagenbrief draft; an empty list means it may go out."""
    problems: list[LetterProblem] = []
    text = _squash(draft.text)
    if DebtorKind(draft.debtor) is DebtorKind.BUSINESS:
        problems.append(
            LetterProblem(
                code="not_consumer",
                severity=Severity.WARNING,
                message="the veertiendagenbrief is only required for consumers; for a business the "
                "€ 40 minimum is due without aanmaning",
            )
        )
    if draft.send_date <= draft.due_date:
        problems.append(
            LetterProblem(
                code="sent_before_default",
                message=f"sent on {draft.send_date.isoformat()}, but the debtor is only in verzuim "
                f"from {(draft.due_date + _ONE_DAY).isoformat()} "
                f"(due date {draft.due_date.isoformat()})",
                params=(("send_date", draft.send_date.isoformat()),
                        ("default_from", (draft.due_date + _ONE_DAY).isoformat()),
                        ("due_date", draft.due_date.isoformat())),
            )
        )
    for match in _WRONG_TERM.finditer(draft.text):
        problems.append(
            LetterProblem(
                code="term_wording_wrong",
                message=f"term counted from the letter instead of receipt: {match.group(0)!r} "
                "(HR 25-11-2016: invalid, later letters cannot repair it)",
                params=(("wording", match.group(0)),),
            )
        )
    if not any(wording in text for wording in APPROVED_TERM_WORDINGS):
        problems.append(
            LetterProblem(
                code="term_wording_missing",
                message=f"the letter must give the term as {APPROVED_TERM_WORDINGS[0]!r}",
                params=(("wording", APPROVED_TERM_WORDINGS[0]),),
            )
        )
    expected = collection_costs(
        draft.principals,
        debtor=DebtorKind.CONSUMER,
        vat_uplift=draft.vat_uplift,
        vat_percent=vat_percent,
        cumulation=cumulation,
    ).total
    amounts = amounts_in_text(draft.text)
    if draft.announced_costs is None or draft.announced_costs not in amounts:
        problems.append(
            LetterProblem(
                code="cost_amount_missing",
                message=f"the letter must state the exact collection costs (€ {expected:.2f})",
                params=(("expected", f"{expected:.2f}"),),
            )
        )
    if draft.announced_costs is not None and draft.announced_costs != expected:
        problems.append(
            LetterProblem(
                code="cost_amount_wrong",
                message=f"announced costs € {draft.announced_costs:.2f} differ from the staffel "
                f"€ {expected:.2f}",
                params=(("announced", f"{draft.announced_costs:.2f}"), ("expected", f"{expected:.2f}")),
            )
        )
    principal_total = sum(draft.principals, ZERO)
    if principal_total not in amounts and not all(p in amounts for p in draft.principals):
        problems.append(
            LetterProblem(
                code="principal_missing",
                severity=Severity.WARNING,
                message=f"the outstanding amount € {principal_total:.2f} is not in the letter",
                params=(("principal", f"{principal_total:.2f}"),),
            )
        )
    if draft.vat_uplift and not draft.vat_declaration:
        problems.append(
            LetterProblem(
                code="vat_declaration_missing",
                message="BTW uplift needs the creditor's declaration that it cannot deduct VAT "
                "(BIK art. 2 lid 3)",
            )
        )
    term = fourteen_day_term(
        draft.send_date,
        assumption=assumption,
        holidays=holidays,
        extend_to_working_day=extend_to_working_day,
    )
    if draft.stated_deadline is not None and draft.stated_deadline < term.last_term_day:
        problems.append(
            LetterProblem(
                code="deadline_too_early",
                message=f"stated deadline {draft.stated_deadline.isoformat()} is before the end of "
                f"the term {term.last_term_day.isoformat()} "
                f"(delivery assumed {term.delivered.isoformat()})",
                params=(("deadline", draft.stated_deadline.isoformat()),
                        ("term_end", term.last_term_day.isoformat()), ("delivered", term.delivered.isoformat())),
            )
        )
    if not any(hint in text for hint in _COST_FREE_HINTS):
        problems.append(
            LetterProblem(
                code="cost_free_payment_not_stated",
                severity=Severity.WARNING,
                message="say that no collection costs are due when paid within the term",
            )
        )
    return problems


def commercial_interest_first_day(due_date: date) -> date:
    """Art. 6:119a lid 1: commercial interest runs from the day after the agreed due date."""
    return due_date + _ONE_DAY


def commercial_due_date_without_agreement(invoice_received: date) -> date:
    """Art. 6:119a lid 2: without an agreed term, the last day is 30 days after the day
    following receipt starts, so interest runs from ``received + 31``."""
    return invoice_received + timedelta(days=30)


def b2b_minimum_compensation(due_date: date, today: date) -> Decimal:
    """Art. 6:96 lid 4: € 40 due without aanmaning from the day after the due date."""
    return BIK_MINIMUM if today > due_date else ZERO
