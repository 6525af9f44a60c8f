"""One full cycle over every administration: sync, import bank files, reconcile, book, dun, report.

Each administration runs on its own: a failure (consent expired, host down, quota spent)
is recorded in the run log and in the report, and the next administration goes on. A
failed sync still lets the later steps work on what the store already knows, except
sending: we never chase a customer from a snapshot we could not refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from adapters.base import Adapter
from connector.aging import AgingBucket, aging
from connector.clock import SYSTEM_CLOCK, Clock
from connector.config.schema import AdministrationConfig, ConnectorConfig
from connector.dunning.plan_warnings import PlanWarning, as_written, step_problem
from connector.dunning.planner import DunningPlan
from connector.dunning.policy import settings_for
from connector.errors import ConnectorError, ReconsentRequired
from connector.http.redact import redact_text
from connector.money import D
from connector.notify.mailer import Mailer
from connector.records import Invoice
from connector.service.bank_import import BankImportReport, import_inbox
from connector.service.dunning_run import CallItem, DunningRunResult, run_dunning
from connector.service.factory import build_adapter
from connector.service.reconcile_step import ReconcileOutcome, reconcile_administration
from connector.service.sync import (
    SalesHistoryReport,
    SyncReport,
    fetch_sales_history,
    sync_administration,
)
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.leases import AdminLeases
from connector.summary.from_store import holds_due
from connector.summary.model import (
    AttentionItem,
    AutoMatch,
    CallListRow,
    FlaggedLine,
    HoldDue,
    Suggestion,
)

log = logging.getLogger("connector.cycle")

AdapterFactory = Callable[[AdministrationConfig], Adapter]


@dataclass
class AdminOutcome:
    """What one administration's part of the cycle did, for the run log and the summary.

    The list fields carry the summary's own record types (connector.summary.model), which
    the summary picks up by name.
    """

    key: str
    name: str
    package: str
    status: str = "ok"
    error: str = ""
    needs_attention: list[str] = field(default_factory=list)
    sync: SyncReport | None = None
    sales_history: SalesHistoryReport | None = None
    warnings: list[str] = field(default_factory=list)
    bank_import: BankImportReport | None = None
    reconcile: ReconcileOutcome | None = None
    plan: DunningPlan | None = None
    dunning: DunningRunResult | None = None
    aging: tuple[AgingBucket, ...] = ()
    open_invoices: tuple[Invoice, ...] = ()
    auto_matches: list[AutoMatch] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    flagged_lines: list[FlaggedLine] = field(default_factory=list)
    call_list: list[CallListRow] = field(default_factory=list)
    holds_due: list[HoldDue] = field(default_factory=list)
    attention: list[AttentionItem] = field(default_factory=list)

    def fail(self, message: str, *, reconsent: bool = False) -> None:
        """Mark the administration failed; the summary lists the error under 'needs you'."""
        self.status, self.error = "failed", message
        if reconsent:
            self.needs_attention.append(message)


@dataclass
class CycleReport:
    today: date
    outcomes: list[AdminOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[AdminOutcome]:
        """Administrations that failed (one held by another worker is not a failure)."""
        return [o for o in self.outcomes if o.status not in ("ok", "busy")]


def run_cycle(
    config: ConnectorConfig,
    store: Store,
    *,
    today: date,
    clock: Clock = SYSTEM_CLOCK,
    state_dir: Path,
    dry_run: bool = False,
    only: tuple[str, ...] = (),
    dunning: bool = True,
    mailer: Mailer | None = None,
    adapter_factory: AdapterFactory | None = None,
    workers: int | None = None,
    leases: AdminLeases | None = None,
) -> CycleReport:
    """Run every enabled administration (or `only` these); `dunning=False` stops after reconciliation.

    Each administration is worked on only under its lease in the state store, so several
    workers — `workers` threads here, other processes, other machines on the same PostgreSQL —
    share the list without ever working on one administration twice at the same time.
    `workers` defaults to the config's `workers`.
    """
    factory = adapter_factory or (lambda admin: build_adapter(admin, clock=clock, state_dir=state_dir))
    if dunning and mailer is None:
        from connector.notify.factory import mailer_from_config

        mailer = mailer_from_config(config)
    leases = leases or AdminLeases(store, clock=clock)
    admins = [a for a in config.administrations
              if a.enabled and (not only or a.key in only)]

    def work(admin: AdministrationConfig) -> AdminOutcome:
        try:
            with leases.held(admin.key) as mine:
                if not mine:
                    return AdminOutcome(admin.key, admin.name, admin.package.value, status="busy",
                                        error=f"being worked on by {leases.holder_of(admin.key) or 'another worker'}")
                cycle = _AdminCycle(config, admin, store, factory, today=today, dry_run=dry_run, mailer=mailer)
                return cycle.run(dunning=dunning)
        except Exception as exc:  # e.g. the state store refused the lease: the others go on
            log.exception("administration %s: not run", admin.key)
            return AdminOutcome(admin.key, admin.name, admin.package.value, status="failed",
                                error=redact_text(f"not run: {type(exc).__name__}: {exc}"))

    workers = workers or config.workers
    report = CycleReport(today=today)
    if workers <= 1:
        report.outcomes = [work(admin) for admin in admins]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cycle") as pool:
            report.outcomes = list(pool.map(work, admins))
    return report


class _AdminCycle:
    def __init__(self, config: ConnectorConfig, admin: AdministrationConfig, store: Store,
                 factory: AdapterFactory, *, today: date, dry_run: bool, mailer: Mailer | None) -> None:
        self.config, self.admin, self.store, self.factory = config, admin, store, factory
        self.today, self.dry_run, self.mailer = today, dry_run, mailer
        self.outcome = AdminOutcome(admin.key, admin.name, admin.package.value)

    def run(self, *, dunning: bool) -> AdminOutcome:
        run_id = self.store.start_run(self.admin.key, "cycle")
        adapter = self._sync()
        try:
            self._import_bank_files()
            self._reconcile(adapter)
            if dunning and self.outcome.status == "ok":
                self._dun(adapter)
        except Exception as exc:  # noqa: BLE001 - one administration's failure never stops the others
            self._failed(exc, "cycle")
        finally:
            self._close(adapter)
        try:
            self._report_state()
        except Exception as exc:  # noqa: BLE001 - the run log must not stay `running`
            self._failed(exc, "summary figures")
        self.store.finish_run(run_id, self.outcome.status, detail=self._detail(), error=self.outcome.error or None)
        return self.outcome

    def _sync(self) -> Adapter | None:
        adapter = None
        try:
            adapter = self.factory(self.admin)
            self.outcome.sync = sync_administration(self.store, adapter, self.admin.key)
        except Exception as exc:  # noqa: BLE001 - later steps still work on what the store knows
            self._failed(exc, "sync")
            self._close(adapter)
            return None
        self._sales_history(adapter)
        return adapter

    def _sales_history(self, adapter: Adapter) -> None:
        """Sales before the first sync, for DSO: a failure is a warning, the next run tries again."""
        key = self.admin.key
        try:
            self.outcome.sales_history = fetch_sales_history(self.store, adapter, key, today=self.today)
        except Exception as exc:  # only DSO waits for the history: the cycle goes on
            if not isinstance(exc, ConnectorError):
                log.error("administration %s: unexpected error reading the sales history", key,
                          exc_info=exc)
            warning = redact_text("sales history not read (tried again next run): "
                                  f"{type(exc).__name__}: {exc}")
            log.warning("administration %s: %s", key, warning)
            self.outcome.warnings.append(warning)

    def _close(self, adapter: Adapter | None) -> None:
        if adapter is None:
            return
        try:
            adapter.close()
        except Exception as exc:  # noqa: BLE001 - the work is done; a failing close is only logged
            log.warning("administration %s: closing the connection failed: %s", self.admin.key, exc)

    def _failed(self, exc: Exception, step: str) -> None:
        """Record why the administration failed: re-consent with its command, a known error as it is
        worded, anything else with its type (logged with the traceback, for a developer)."""
        if isinstance(exc, ReconsentRequired):
            self.outcome.fail(reconsent_message(exc, self.admin.key), reconsent=True)
        elif isinstance(exc, ConnectorError):
            self.outcome.fail(str(exc))
        else:
            log.error("administration %s: unexpected error in %s", self.admin.key, step, exc_info=exc)
            self.outcome.fail(redact_text(f"unexpected error in {step}: {type(exc).__name__}: {exc}"))

    def _import_bank_files(self) -> None:
        inbox = self.config.resolve(self.admin.bank_files.inbox)
        if inbox is None or self.dry_run:
            return
        report = import_inbox(self.store, self.admin.key, inbox, account_iban=self.admin.bank_files.account_iban)
        self.outcome.bank_import = report
        for error in report.errors:
            self.outcome.attention.append(AttentionItem(kind="other", message=f"bankbestand: {error}",
                                                        admin=self.admin.name))

    def _reconcile(self, adapter: Adapter | None) -> None:
        outcome = reconcile_administration(self.admin, self.store, adapter, dry_run=self.dry_run)
        self.outcome.reconcile = outcome
        self.outcome.auto_matches = outcome.auto_matches
        self.outcome.suggestions = outcome.suggestions
        self.outcome.flagged_lines = outcome.flagged_lines
        for error in outcome.booking_errors:
            self.outcome.attention.append(AttentionItem(kind="other", message=error, admin=self.admin.name))

    def _dun(self, adapter: Adapter | None) -> None:
        settings = settings_for(self.admin)
        if not settings.enabled:
            return
        probable = self.outcome.reconcile.probable_payments if self.outcome.reconcile else {}
        output = self.config.resolve(self.config.output_dir) or Path("connector-output")
        templates = [self.config.resolve(self.config.templates_dir), self.config.resolve(settings.templates_dir)]
        plan, result = run_dunning(
            admin_key=self.admin.key, store=self.store, adapter=adapter, mailer=self.mailer, settings=settings,
            today=self.today, output_dir=output, probable_payments=probable, dry_run=self.dry_run,
            sender=self.config.smtp.sender, templates_dirs=templates,
        )
        self.outcome.plan, self.outcome.dunning = plan, result
        if result.reconsent is not None:
            self._failed(result.reconsent, "dunning")
        remarks = {action.idempotency_key: action.remarks for action in plan.actions}
        self.outcome.call_list = [_call_row(item, remarks.get(item.key, ())) for item in result.call_list]
        for step in [*result.failed, *result.unknown]:  # worded by the summary in its language, like the warnings
            invoices = ", ".join(step.invoice_numbers)
            problem = step_problem(status=step.status, level=step.level_name, contact=step.contact_name,
                                   invoices=invoices, reason=step.reason or as_written(step.detail))
            self.outcome.attention.append(AttentionItem(
                kind="email_failed" if step.via == "email" else "other",
                message=f"{step.level_name} aan {step.contact_name} ({invoices}): {step.status} — {step.detail}",
                admin=self.admin.name, wording=problem))
        for warning in dict.fromkeys([*plan.warnings, *result.warnings]):
            self.outcome.attention.append(AttentionItem(kind="other", message=warning.text(self.config.summary.language),
                                                        admin=self.admin.name, wording=warning))

    def _report_state(self) -> None:
        invoices = tuple(self.store.open_invoices(self.admin.key))
        self.outcome.open_invoices = invoices
        self.outcome.aging = aging(invoices, self.today)
        contacts = {c.host_id: c for c in self.store.contacts(self.admin.key)}
        holds = DunningStore(self.store).holds(self.admin.key)
        self.outcome.holds_due = holds_due(holds, invoices, contacts, self.today)

    def _detail(self) -> dict:
        outcome = self.outcome
        detail: dict = {"dry_run": self.dry_run, "sync": outcome.sync.describe() if outcome.sync else None}
        if outcome.sales_history:
            detail["sales_history"] = outcome.sales_history.describe()
        if outcome.warnings:
            detail["warnings"] = list(outcome.warnings)
        if outcome.bank_import:
            detail["bank_files"] = {"files": outcome.bank_import.files, "new": outcome.bank_import.new_lines}
        if outcome.reconcile:
            result = outcome.reconcile.result
            detail["reconcile"] = {"auto": len(result.auto()), "suggested": len(result.matches) - len(result.auto()),
                                   "flags": len(result.flags), "booked": len(outcome.reconcile.booked)}
        if outcome.dunning:
            detail["dunning"] = {"sent": len(outcome.dunning.sent), "failed": len(outcome.dunning.failed),
                                 "unknown": len(outcome.dunning.unknown),
                                 "skipped": len(outcome.plan.skipped) if outcome.plan else 0}
        return detail


def reconsent_message(exc: ReconsentRequired, admin_key: str) -> str:
    """The package's re-consent message with this administration's `connector connect` command in it."""
    command = f"connector connect {admin_key}"
    text = str(exc).replace("connector connect <administration>", command)
    if command not in text:
        text += f" To fix: `{command}`."
    return f"opnieuw toestemming geven (re-consent): {text}"


def _call_row(item: CallItem, remarks: tuple[PlanWarning, ...] = ()) -> CallListRow:
    return CallListRow(customer=item.contact_name, phone=item.phone, amount=D(item.amount),
                       days_overdue=item.days_overdue, note=item.notes, remarks=remarks,
                       last_contact=date.fromisoformat(item.last_contact_on) if item.last_contact_on else None,
                       last_contact_kind=item.last_contact_kind, last_contact_what=item.last_contact_what)
