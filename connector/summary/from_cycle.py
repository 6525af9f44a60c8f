"""Map what a cycle did (or what the store knows) onto AdminSummary records.

The cycle's AdminOutcome is read by attribute name, so when the cycle grows fields named
`sent_levels`, `auto_matches`, `suggestions`, `flagged_lines`, `call_list`, `holds_due` or `attention`
holding the model's records, they show up in the summary without a change here.
The store supplies what a single run cannot know: sales for DSO, the DSO of a week ago,
and e-mails that failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from connector.config.schema import ConnectorConfig
from connector.money import D
from connector.records import Invoice
from connector.store import Store
from connector.store.outbox import FAILED, SENT, UNKNOWN, Outbox
from connector.store.schema import runs
from connector.summary import figures
from connector.summary.from_store import stored_lists
from connector.summary.labels import Labels
from connector.summary.model import AdminSummary, AttentionItem, SentLevel, build_summary

SUMMARY_RUN_KIND = "summary"
CYCLE_RUN_KIND = "cycle"
TREND_MIN_AGE_DAYS = 7
FAILED_EMAIL_WINDOW_DAYS = 7
_OPTIONAL_LISTS = ("auto_matches", "suggestions", "flagged_lines", "call_list", "holds_due")
SUPERSEDED = "superseded by "  # a pending summary closed because a newer one went out: nothing to report


def admin_summary_from_outcome(outcome: Any, store: Store, *, today: date) -> AdminSummary:
    """One administration from a cycle's AdminOutcome (see connector.service.cycle)."""
    invoices = list(outcome.open_invoices)
    extra_attention = list(getattr(outcome, "attention", ()) or ())
    extra_attention += outbox_attention(store, outcome.key, today=today)
    sent = getattr(outcome, "sent_levels", None)
    if sent is None:
        started = last_cycle_started(store, outcome.key)
        sent = sent_levels(store, outcome.key, since=started) if started else ()
    return build_summary(
        key=outcome.key, name=outcome.name, package=outcome.package, today=today, open_invoices=invoices,
        status=outcome.status, error=outcome.error, needs_attention=list(outcome.needs_attention),
        sales_last_period=sales_last_period(store, outcome.key, invoices, today),
        **_previous(store, outcome.key, today),
        sent=tuple(sent),
        attention=extra_attention,
        **{name: tuple(getattr(outcome, name, ()) or ()) for name in _OPTIONAL_LISTS},
    )


def admin_summaries_from_report(report: Any, store: Store) -> list[AdminSummary]:
    """Every administration the cycle worked on; one another worker held ("busy") is in that worker's summary."""
    return [admin_summary_from_outcome(outcome, store, today=report.today) for outcome in report.outcomes
            if outcome.status != "busy"]


def admin_summaries_from_store(config: ConnectorConfig, store: Store, *, today: date,
                               sent_since: datetime | None = None) -> list[AdminSummary]:
    """Without a fresh cycle (summary-only and weekly jobs): the last cycle's status, the stored invoices,
    the open suggestions, flagged bank lines and holds, and what happened since `sent_since` (default: the
    start of the last cycle): sent per level, payments booked, the bellijst."""
    out = []
    for admin in config.administrations:
        if not admin.enabled:
            continue
        invoices = store.open_invoices(admin.key)
        status, error = last_cycle_status(store, admin.key)
        since = sent_since or last_cycle_started(store, admin.key)
        out.append(build_summary(
            key=admin.key, name=admin.name, package=admin.package.value, today=today, open_invoices=invoices,
            status=status, error=error, sales_last_period=sales_last_period(store, admin.key, invoices, today),
            **_previous(store, admin.key, today),
            sent=sent_levels(store, admin.key, since=since) if since else (),
            attention=outbox_attention(store, admin.key, today=today),
            **stored_lists(store, admin.key, today=today, since=since),
        ))
    return out


def sales_last_period(store: Store, admin: str, open_invoices: Sequence[Invoice], today: date,
                      days: int = figures.DSO_PERIOD_DAYS) -> Decimal | None:
    """Invoiced in the DSO period: the host's own sales per day up to the first sync (stored once,
    see `service.sync.fetch_sales_history`), then the open and recently closed invoices the
    connector saw itself.

    None when neither covers the whole period: without the host's history, invoices paid before
    the first sync are unknown and DSO would come out far too high.
    """
    start = today - timedelta(days=days)  # the period is start < day <= today
    history = store.invoiced_history(admin)
    end = max(history) if history else None
    since = datetime.combine(start, datetime.min.time(), UTC)
    if end is not None and min(history) <= start + timedelta(days=1):
        before = sum((amount for day, amount in history.items() if start < day <= today), Decimal("0.00"))
        seen = [inv for inv in [*open_invoices, *store.closed_invoices(admin, since)] if inv.invoice_date > end]
        return before + figures.sales_in_period(seen, today, days)
    first = first_run(store, admin)
    if first is None or first > since:
        return None
    return figures.sales_in_period([*open_invoices, *store.closed_invoices(admin, since)], today, days)


def first_run(store: Store, admin: str) -> datetime | None:
    """When the connector first ran for an administration (the start of what it can know)."""
    with store.engine.connect() as conn:
        started = conn.execute(sa.select(sa.func.min(runs.c.started_at)).where(runs.c.admin == admin)).scalar()
    if started is None:
        return None
    return started if started.tzinfo else started.replace(tzinfo=UTC)


def previous_dso(store: Store, admin: str, today: date,
                 min_age_days: int = TREND_MIN_AGE_DAYS) -> tuple[Decimal, date] | None:
    """The DSO the newest summary at least `min_age_days` old recorded, for the trend."""
    limit = today - timedelta(days=min_age_days)
    query = (sa.select(runs.c.detail).where(runs.c.admin == admin, runs.c.kind == SUMMARY_RUN_KIND,
                                            runs.c.status == "ok")
             .order_by(runs.c.id.desc()).limit(500))
    with store.engine.connect() as conn:
        for (detail,) in conn.execute(query):
            if not isinstance(detail, dict) or not detail.get("dso") or not detail.get("today"):
                continue
            when = date.fromisoformat(detail["today"])
            if when <= limit:
                return D(detail["dso"]), when
    return None


def record_figures(store: Store, summary: AdminSummary, *, slot: str) -> None:
    """Keep today's figures in the run log: the next summaries read their trend from here."""
    fig = summary.figures
    run_id = store.start_run(summary.key, SUMMARY_RUN_KIND)
    store.finish_run(run_id, "ok", detail={
        "today": summary.today.isoformat(), "slot": slot, "dso": str(fig.dso) if fig.dso is not None else None,
        "total_open": str(fig.total_open), "overdue": str(fig.overdue),
        "customers_overdue": fig.customers_overdue, "attention": len(summary.attention),
    })


def last_cycle_status(store: Store, admin: str) -> tuple[str, str]:
    query = (sa.select(runs.c.status, runs.c.error).where(runs.c.admin == admin, runs.c.kind == CYCLE_RUN_KIND,
                                                         runs.c.status != "running")
             .order_by(runs.c.id.desc()).limit(1))
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return "ok", ""
    return row.status, row.error or ""


def last_cycle_started(store: Store, admin: str) -> datetime | None:
    """When the newest cycle of an administration began: what the outbox sent since is 'this run'."""
    query = (sa.select(runs.c.started_at).where(runs.c.admin == admin, runs.c.kind == CYCLE_RUN_KIND)
             .order_by(runs.c.id.desc()).limit(1))
    with store.engine.connect() as conn:
        started = conn.execute(query).scalar_one_or_none()
    if started is None:
        return None
    return started if started.tzinfo else started.replace(tzinfo=UTC)


def outbox_attention(store: Store, admin: str, *, today: date,
                     window_days: int = FAILED_EMAIL_WINDOW_DAYS) -> list[AttentionItem]:
    """Writes that failed lately, and every write whose outcome is unknown (a person must check it)."""
    since = datetime.combine(today - timedelta(days=window_days), datetime.min.time(), UTC)
    items = []
    for entry in Outbox(store).entries(admin, (FAILED, UNKNOWN)):
        created = entry.created_at if entry.created_at.tzinfo else entry.created_at.replace(tzinfo=UTC)
        if entry.status == FAILED and (created < since or (entry.error or "").startswith(SUPERSEDED)):
            continue
        recipients = entry.payload.get("to") or entry.payload.get("recipients") or ()
        problem = OutboxProblem(kind=entry.kind, recipients=", ".join(recipients), key=entry.idempotency_key,
                                unknown=entry.status == UNKNOWN, error=entry.error or "")
        items.append(AttentionItem(kind="email_failed" if recipients else "other", message=problem.text("en"),
                                   wording=problem))
    return items


@dataclass(frozen=True, slots=True)
class OutboxProblem:
    """A write that failed or whose outcome is unknown, worded in the summary's language (the error
    itself as the host or the mail server gave it)."""

    kind: str
    recipients: str
    key: str
    unknown: bool
    error: str

    def text(self, language: str = "en") -> str:
        t = Labels(language)
        kind = t.outbox_kind(self.kind)
        what = f"{kind} → {self.recipients}" if self.recipients else f"{kind} ({self.key})"
        state = t.outbox_unknown if self.unknown else t.outbox_failed
        return f"{what}: {state}: {self.error}".rstrip(": ")


def sent_levels(store: Store, admin: str, *, since: datetime,
                exclude_kinds: Iterable[str] = ("summary_email", "payment", "note")) -> list[SentLevel]:
    """What the outbox sent to customers since `since`, per dunning level or else per kind
    (bookings and notes in the package are reported elsewhere; e-mail copies of posted letters
    count with their letter).

    The level is the payload's `level`, or `step.level_name` as the dunning run writes it; the
    amount its `amount` or `total_due` (when every entry of the level has one).
    """
    excluded = set(exclude_kinds)
    counts: dict[str, int] = {}
    amounts: dict[str, Decimal | None] = {}
    for entry in Outbox(store).entries(admin, (SENT,)):
        sent_at = entry.sent_at
        if sent_at is None or entry.kind in excluded or entry.payload.get("copy_of"):
            continue  # an e-mail copy of a posted letter is that letter, counted once
        if (sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)) < since:
            continue
        step = entry.payload.get("step") if isinstance(entry.payload.get("step"), dict) else {}
        level = str(entry.payload.get("level") or step.get("level_name") or entry.kind)
        counts[level] = counts.get(level, 0) + 1
        amount = entry.payload.get("amount", entry.payload.get("total_due"))
        if amount is None or (level in amounts and amounts[level] is None):
            amounts[level] = None
        else:
            amounts[level] = (amounts.get(level) or Decimal(0)) + D(amount)
    return [SentLevel(level=level, count=counts[level], amount=amounts[level]) for level in sorted(counts)]


def _previous(store: Store, admin: str, today: date) -> dict[str, Any]:
    found = previous_dso(store, admin, today)
    return {"previous_dso": found[0], "previous_dso_date": found[1]} if found else {}
