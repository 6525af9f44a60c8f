"""One full cycle over every administration: sync, reconcile, plan, send, report.

Each administration runs on its own: a failure (consent expired, host down, quota spent)
is recorded in the run log and in the report, and the next administration goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from adapters.base import Adapter
from connector.aging import AgingBucket, aging
from connector.clock import SYSTEM_CLOCK, Clock
from connector.config.schema import AdministrationConfig, ConnectorConfig
from connector.errors import ConnectorError, ReconsentRequired
from connector.records import Invoice
from connector.service.factory import build_adapter
from connector.service.sync import SyncReport, sync_administration
from connector.store import Store

log = logging.getLogger("connector.cycle")

AdapterFactory = Callable[[AdministrationConfig], Adapter]


@dataclass
class AdminOutcome:
    """What one administration's part of the cycle did, for the run log and the summary."""

    key: str
    name: str
    package: str
    status: str = "ok"
    error: str = ""
    needs_attention: list[str] = field(default_factory=list)
    sync: SyncReport | None = None
    aging: tuple[AgingBucket, ...] = ()
    open_invoices: tuple[Invoice, ...] = ()


@dataclass
class CycleReport:
    today: date
    outcomes: list[AdminOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[AdminOutcome]:
        return [o for o in self.outcomes if o.status != "ok"]


def run_cycle(
    config: ConnectorConfig,
    store: Store,
    *,
    today: date,
    clock: Clock = SYSTEM_CLOCK,
    state_dir: Path,
    dry_run: bool = False,
    only: tuple[str, ...] = (),
    adapter_factory: AdapterFactory | None = None,
) -> CycleReport:
    factory = adapter_factory or (lambda admin: build_adapter(admin, clock=clock, state_dir=state_dir))
    report = CycleReport(today=today)
    for admin in config.administrations:
        if not admin.enabled or (only and admin.key not in only):
            continue
        report.outcomes.append(_run_admin(admin, store, factory, today=today, dry_run=dry_run))
    return report


def _run_admin(admin: AdministrationConfig, store: Store, factory: AdapterFactory, *, today: date,
               dry_run: bool) -> AdminOutcome:
    outcome = AdminOutcome(admin.key, admin.name, admin.package.value)
    run_id = store.start_run(admin.key, "cycle")
    adapter = None
    try:
        adapter = factory(admin)
        outcome.sync = sync_administration(store, adapter, admin.key)
    except ReconsentRequired as exc:
        outcome.status, outcome.error = "failed", str(exc)
        outcome.needs_attention.append(f"{admin.name}: opnieuw toestemming geven (re-consent): {exc}")
    except ConnectorError as exc:
        outcome.status, outcome.error = "failed", str(exc)
        outcome.needs_attention.append(f"{admin.name}: {exc}")
    finally:
        if adapter is not None:
            adapter.close()
    invoices = tuple(store.open_invoices(admin.key))
    outcome.open_invoices = invoices
    outcome.aging = aging(invoices, today)
    store.finish_run(
        run_id, outcome.status,
        detail={"sync": outcome.sync.describe() if outcome.sync else None, "dry_run": dry_run},
        error=outcome.error or None,
    )
    return outcome
