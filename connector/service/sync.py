"""Pull every stream of one administration into the store, batch by batch.

Each batch is committed with its bookmark in one transaction (Store.apply_batch), so the
sync can be killed at any point and the next one continues where the data stopped.

Once per administration the sales of the last 90 days are also read (`fetch_sales_history`):
the streams only show invoices still open, so invoices paid before the first sync would be
missing from DSO's sales; the host's per-day totals fill that gap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from adapters.base import Adapter, Stream, StreamState
from connector.store import Store
from connector.summary.figures import DSO_PERIOD_DAYS

log = logging.getLogger("connector.sync")

#: Days of sales history read on the first sync: DSO's whole period.
HISTORY_DAYS = DSO_PERIOD_DAYS


@dataclass
class StreamReport:
    upserted: int = 0
    removed: int = 0
    batches: int = 0


@dataclass
class SyncReport:
    admin: str
    streams: dict[str, StreamReport] = field(default_factory=dict)
    api_calls: int = 0

    def describe(self) -> str:
        parts = [f"{name}: {r.upserted} changed, {r.removed} gone" for name, r in self.streams.items()]
        return f"{self.admin}: " + "; ".join(parts) + f" ({self.api_calls} API calls)"


def sync_administration(store: Store, adapter: Adapter, admin: str) -> SyncReport:
    report = SyncReport(admin)
    calls_before = _calls(adapter)
    for stream in adapter.streams:
        report.streams[stream.value] = _sync_stream(store, adapter, admin, stream)
    report.api_calls = _calls(adapter) - calls_before
    log.info("synced %s", report.describe())
    return report


def _sync_stream(store: Store, adapter: Adapter, admin: str, stream: Stream) -> StreamReport:
    state = StreamState(bookmark=store.bookmark(admin, stream), known_versions=store.known_versions(admin, stream))
    stream_report = StreamReport()
    for batch in adapter.pull(stream, state):
        store.apply_batch(admin, batch)
        stream_report.upserted += len(batch.upserts)
        stream_report.removed += len(batch.removed_ids)
        stream_report.batches += 1
    return stream_report


@dataclass(frozen=True)
class SalesHistoryReport:
    """What `fetch_sales_history` did: `stored` (first..last), `present` (already there, kept)
    or `unsupported` (the host cannot tell)."""

    admin: str
    status: str
    first: date | None = None
    last: date | None = None
    total: Decimal = Decimal("0.00")
    api_calls: int = 0

    def describe(self) -> str:
        if self.status == "stored":
            return (f"sales history {self.first}..{self.last} stored: {self.total} invoiced "
                    f"({self.api_calls} API calls)")
        return {"present": "sales history already stored",
                "unsupported": "sales history: the host cannot tell"}.get(self.status, self.status)


def fetch_sales_history(store: Store, adapter: Adapter, admin: str, *, today: date,
                        days: int = HISTORY_DAYS) -> SalesHistoryReport:
    """Store the host's sales per day of the `days` days up to and including `today`, unless stored.

    Run after a successful sync. `today` is the last day of the history: DSO takes the days up to
    `Store.invoiced_history_end` from the history and the later days from the store's own
    invoices, so nothing is counted twice. A host error propagates with nothing stored (the next
    run tries again); a host that cannot tell (None) stores nothing either.
    """
    if store.invoiced_history_end(admin) is not None:
        return SalesHistoryReport(admin, "present")
    first = today - timedelta(days=days - 1)
    calls_before = _calls(adapter)
    invoiced = adapter.invoiced_per_day(first, today)
    calls = _calls(adapter) - calls_before
    if invoiced is None:
        return SalesHistoryReport(admin, "unsupported", api_calls=calls)
    store.save_invoiced_history(admin, invoiced, first=first, last=today)
    total = sum(invoiced.values(), Decimal("0.00"))
    report = SalesHistoryReport(admin, "stored", first, today, total, calls)
    log.info("%s: %s", admin, report.describe())
    return report


def _calls(adapter: Adapter) -> int:
    client = getattr(adapter, "client", None)
    return int(getattr(client, "calls", 0) or 0)
