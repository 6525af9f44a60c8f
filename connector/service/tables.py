"""Tables of the background service: the slot ledger and the single-instance lease.

They live on the state store's MetaData and are created by migration 0003. The ledger is keyed by
(job, scheduled slot): "done" is recorded per slot, which is what makes a restart after a
kill re-run an interrupted slot exactly once and never a finished one.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Table, Text
from sqlalchemy.engine import Engine

from connector.store.schema import metadata as service_metadata

service_slots = Table(
    "service_slots",
    service_metadata,
    Column("job_id", String(64), primary_key=True),
    Column("slot", String(32), primary_key=True),  # UTC, "2026-10-12T07:00:00Z": sorts as text
    Column("status", String(16), nullable=False),  # running, done, failed, skipped, missed, baseline, abandoned, folded
    Column("attempts", Integer, nullable=False, default=0),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("detail", JSON, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_service_slots_status", "status"),
)

service_lease = Table(
    "service_lease",
    service_metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("pid_started", Float, nullable=True),
    Column("acquired_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)


def ensure_service_tables(engine: Engine) -> None:
    """For engines not opened through Store.open (which migrates): create just these two tables."""
    service_metadata.create_all(engine, tables=[service_slots, service_lease], checkfirst=True)
