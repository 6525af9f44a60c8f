"""Pull every stream of one administration into the store, batch by batch.

Each batch is committed with its bookmark in one transaction (Store.apply_batch), so the
sync can be killed at any point and the next one continues where the data stopped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from adapters.base import Adapter, Stream, StreamState
from connector.store import Store

log = logging.getLogger("connector.sync")


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


def _calls(adapter: Adapter) -> int:
    client = getattr(adapter, "client", None)
    return int(getattr(client, "calls", 0) or 0)
