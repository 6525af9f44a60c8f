"""What the accountant's summary says, as plain frozen dataclasses, and `build_summary` to make one.

The model knows nothing of e-mail, templates or the store: the cycle (or a test) maps its
results onto these records, and the renderer turns them into words. Amounts are Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

from connector.aging import aging
from connector.money import ZERO
from connector.reconcile.model import FlagKind
from connector.records import Invoice
from connector.summary import figures

AttentionKind = Literal["reconsent", "admin_failed", "email_failed", "other"]
HoldKind = Literal["dispute", "promise", "payment_plan"]
SummaryKind = Literal["daily", "weekly"]

_ATTENTION_ORDER = {"reconsent": 0, "admin_failed": 1, "email_failed": 2, "other": 3}

# Needs-attention texts from the cycle that mean "a person must log in again".
_RECONSENT_WORDS = ("toestemming", "consent", "re-authori", "opnieuw inloggen")


class Worded(Protocol):
    """A message kept as data (a code and its values, e.g. connector.dunning.plan_warnings.PlanWarning)
    that words itself in the language asked: the summary shows it in its own."""

    def text(self, language: str = "en") -> str: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyFigures:
    """The headline numbers. `sales` is what was invoiced in the DSO period (None when unknown)."""

    total_open: Decimal
    open_count: int
    overdue: Decimal
    overdue_count: int
    customers_overdue: int
    dso: Decimal | None = None
    previous_dso: Decimal | None = None
    previous_dso_date: date | None = None
    sales: Decimal | None = None
    period_days: int = figures.DSO_PERIOD_DAYS

    @property
    def dso_trend(self) -> Decimal | None:
        return figures.dso_trend(self.dso, self.previous_dso)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgingRow:
    """One aging bucket; `share` is its percentage of the total open amount (None if that is not positive)."""

    key: str
    count: int
    amount: Decimal
    share: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SentLevel:
    """Reminders sent this run at one dunning level (e.g. "reminder_1", "wik_14_days", "call")."""

    level: str
    count: int
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AutoMatch:
    """A payment the connector matched (and booked, when allowed) without asking anyone."""

    date: date
    customer: str
    invoice_number: str
    amount: Decimal
    booked: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A payment match that waits for the accountant's decision, with the reason it was proposed."""

    date: date
    customer: str
    invoice_numbers: tuple[str, ...]
    amount: Decimal
    reason: str
    confidence: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlaggedLine:
    """A bank line that needs a person but pays no invoice (a reconciliation flag), in the accountant's
    terms: who paid, and the invoice number when the flag names one. `amount` is the flag's: the excess
    for an overpayment, else the whole payment."""

    date: date
    counterparty: str
    amount: Decimal
    kind: FlagKind
    reason: str
    invoice_number: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CallListRow:
    """One line of the bellijst: a customer to phone, with what is open and the last contact with them
    (`last_contact_kind` and `last_contact_what` as connector.dunning.last_contact has them: a "step"
    and its level, the package's own "host_reminder", or a hold such as "promise" and its reason)."""

    customer: str
    phone: str
    amount: Decimal
    days_overdue: int
    last_contact: date | None = None
    last_contact_kind: str = ""
    last_contact_what: str = ""
    note: str = ""
    #: the notes as data; when given, the summary words them in its language instead of showing `note`
    remarks: tuple[Worded, ...] = ()

    def note_text(self, language: str) -> str:
        return "; ".join(remark.text(language) for remark in self.remarks) if self.remarks else self.note


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldDue:
    """A dispute to look at, a promise to pay or a payment-plan term that falls due."""

    kind: HoldKind
    customer: str
    amount: Decimal
    due_date: date
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AttentionItem:
    """Something only the accountant can fix; shown at the top of the summary.

    `message` is plain text; `wording`, when given, is the same message as data, which the summary
    words in its own language (`text`), so a warning from the run reads Dutch in a Dutch summary.
    """

    kind: AttentionKind
    message: str
    admin: str = ""
    wording: Worded | None = None

    def text(self, language: str) -> str:
        return self.wording.text(language) if self.wording is not None else self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminSummary:
    key: str
    name: str
    package: str
    today: date
    status: str
    error: str
    figures: KeyFigures
    aging: tuple[AgingRow, ...]
    sent: tuple[SentLevel, ...] = ()
    auto_matches: tuple[AutoMatch, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    flagged_lines: tuple[FlaggedLine, ...] = ()
    call_list: tuple[CallListRow, ...] = ()
    holds_due: tuple[HoldDue, ...] = ()
    attention: tuple[AttentionItem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def overpayments(self) -> tuple[FlaggedLine, ...]:
        """Money received that no open invoice accounts for: the accountant refunds or settles it."""
        return tuple(line for line in self.flagged_lines if line.kind == "overpayment")

    @property
    def overpaid(self) -> Decimal:
        return sum((line.amount for line in self.overpayments), ZERO)

    @property
    def sent_total(self) -> int:
        return sum(level.count for level in self.sent)


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """One e-mail: one administration, or all of an accountant's administrations combined."""

    today: date
    admins: tuple[AdminSummary, ...]
    kind: SummaryKind = "daily"
    scope: str = ""
    scope_attention: tuple[AttentionItem, ...] = ()  # about the e-mail itself, e.g. the last combined one bounced

    @property
    def attention(self) -> tuple[AttentionItem, ...]:
        return (*self.scope_attention, *(item for admin in self.admins for item in admin.attention))

    @property
    def combined(self) -> bool:
        return len(self.admins) != 1

    @property
    def totals(self) -> KeyFigures:
        """Figures over all administrations; DSO weighs each by its sales (no trend for the sum)."""
        items = [a.figures for a in self.admins]
        total_open = sum((f.total_open for f in items), ZERO)
        sales = [f.sales for f in items]
        known = all(s is not None for s in sales) and items
        total_sales = sum((s for s in sales if s is not None), ZERO)
        period = items[0].period_days if items else figures.DSO_PERIOD_DAYS
        combined_dso = None
        if known and total_sales > 0:
            combined_dso = (total_open / total_sales * period).quantize(Decimal("0.1"))
        return KeyFigures(
            total_open=total_open,
            open_count=sum(f.open_count for f in items),
            overdue=sum((f.overdue for f in items), ZERO),
            overdue_count=sum(f.overdue_count for f in items),
            customers_overdue=sum(f.customers_overdue for f in items),
            dso=combined_dso, sales=total_sales if known else None, period_days=period,
        )


def build_summary(
    *,
    key: str,
    name: str,
    package: str,
    today: date,
    open_invoices: Sequence[Invoice],
    status: str = "ok",
    error: str = "",
    needs_attention: Iterable[str | AttentionItem] = (),
    sales_last_period: Decimal | None = None,
    period_days: int = figures.DSO_PERIOD_DAYS,
    previous_dso: Decimal | None = None,
    previous_dso_date: date | None = None,
    sent: Iterable[SentLevel] = (),
    auto_matches: Iterable[AutoMatch] = (),
    suggestions: Iterable[Suggestion] = (),
    flagged_lines: Iterable[FlaggedLine] = (),
    call_list: Iterable[CallListRow] = (),
    holds_due: Iterable[HoldDue] = (),
    attention: Iterable[AttentionItem] = (),
) -> AdminSummary:
    """One administration's summary from plain inputs (all lists optional)."""
    open_invoices = [i for i in open_invoices if i.is_open]
    buckets = aging(open_invoices, today)
    total_open = sum((b.amount for b in buckets), ZERO)
    overdue_count = sum(1 for i in open_invoices if figures.is_overdue(i, today))
    key_figures = KeyFigures(
        total_open=total_open,
        open_count=len(open_invoices),
        overdue=figures.overdue_amount(open_invoices, today),
        overdue_count=overdue_count,
        customers_overdue=figures.customers_overdue(open_invoices, today),
        dso=figures.days_sales_outstanding(open_invoices, sales_last_period, period_days),
        previous_dso=previous_dso,
        previous_dso_date=previous_dso_date,
        sales=sales_last_period,
        period_days=period_days,
    )
    rows = tuple(
        AgingRow(key=b.key, count=b.count, amount=b.amount,
                 share=(b.amount / total_open * 100).quantize(Decimal("0.1")) if total_open > 0 else None)
        for b in buckets
    )
    return AdminSummary(
        key=key, name=name, package=package, today=today, status=status, error=error,
        figures=key_figures, aging=rows,
        sent=tuple(sent),
        auto_matches=tuple(sorted(auto_matches, key=lambda m: (m.date, m.customer, m.invoice_number))),
        suggestions=tuple(suggestions),
        flagged_lines=tuple(sorted(flagged_lines, key=lambda f: (f.date, f.counterparty, f.kind, f.amount))),
        call_list=tuple(sorted(call_list, key=lambda r: (-r.days_overdue, -r.amount, r.customer))),
        holds_due=tuple(sorted(holds_due, key=lambda h: (h.due_date, h.kind, h.customer))),
        attention=_attention(name, status, error, needs_attention, attention),
    )


def _attention(name: str, status: str, error: str, needs_attention: Iterable[str | AttentionItem],
               extra: Iterable[AttentionItem]) -> tuple[AttentionItem, ...]:
    items: list[AttentionItem] = []
    for entry in needs_attention:
        if isinstance(entry, AttentionItem):
            items.append(entry if entry.admin else _with_admin(entry, name))
            continue
        entry = entry.removeprefix(f"{name}: ")
        lowered = entry.lower()
        kind: AttentionKind = "reconsent" if any(w in lowered for w in _RECONSENT_WORDS) else (
            "admin_failed" if status != "ok" else "other")
        items.append(AttentionItem(kind=kind, message=entry, admin=name))
    if status != "ok" and error and not any(error in item.message for item in items):
        items.append(AttentionItem(kind="admin_failed", message=error, admin=name))
    items.extend(item if item.admin else _with_admin(item, name) for item in extra)
    return tuple(sorted(items, key=lambda item: _ATTENTION_ORDER[item.kind]))


def _with_admin(item: AttentionItem, name: str) -> AttentionItem:
    return replace(item, admin=name)
