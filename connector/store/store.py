"""The state store: what we last saw of each host, how far each stream got, and what we did.

Every batch from an adapter is written in one transaction together with its bookmark, so a
bookmark never covers data that is not stored (a kill -9 between two batches loses nothing
and re-pulls only what is missing).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from adapters.base import Batch, Stream
from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ConfigError, ConnectorError
from connector.money import from_cents, to_cents
from connector.records import BankMutation, Contact, Invoice
from connector.store import schema
from connector.store.codec import decode, encode

log = logging.getLogger("connector.store")


class StoreError(ConnectorError):
    """The state database cannot be opened, migrated or written."""


class Store:
    """Thin, explicit access to the state database; one instance per process."""

    def __init__(self, engine: Engine, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.engine = engine
        self.clock = clock

    @classmethod
    def open(cls, url: str, *, clock: Clock = SYSTEM_CLOCK, migrate: bool = True) -> Store:
        try:
            engine = _create_engine(url)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise ConfigError(f"state.url: {bad_url_reason(url, exc)}") from None
        store = cls(engine, clock=clock)
        try:
            if migrate:
                store.migrate()
        except sa.exc.SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise StoreError(f"state store {_safe_url(url)}: {exc.__class__.__name__}: {reason}") from None
        return store

    # -- schema -----------------------------------------------------------------------------

    @cached_property
    def _alembic(self) -> AlembicConfig:
        config = AlembicConfig()
        location = resources.files("connector.store") / "migrations"
        config.set_main_option("script_location", str(location))
        return config

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic).get_current_head()

    def migrate(self) -> None:
        """Bring the schema to the newest revision (a no-op when it already is)."""
        if self.schema_revision() == self.head_revision():
            return
        with self.engine.begin() as conn:
            self._alembic.attributes["connection"] = conn
            command.upgrade(self._alembic, "head")
        log.info("state store migrated to %s", self.head_revision())

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    # -- sync state -----------------------------------------------------------------------

    def bookmark(self, admin: str, stream: Stream | str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(schema.bookmarks.c.value).where(
                    schema.bookmarks.c.admin == admin, schema.bookmarks.c.stream == _stream(stream)
                )
            ).scalar_one_or_none()

    def bookmarks(self, admin: str) -> dict[str, tuple[str, datetime]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(schema.bookmarks.c.stream, schema.bookmarks.c.value, schema.bookmarks.c.updated_at)
                .where(schema.bookmarks.c.admin == admin)
            )
            return {row.stream: (row.value, row.updated_at) for row in rows}

    def known_versions(self, admin: str, stream: Stream | str) -> dict[str, str]:
        """Host id -> version of the records currently in the stream (open invoices, unbooked lines)."""
        table, current = _stream_table(_stream(stream))
        query = sa.select(table.c.host_id, table.c.version).where(table.c.admin == admin)
        if current is not None:
            query = query.where(current)
        with self.engine.connect() as conn:
            return {row.host_id: row.version for row in conn.execute(query)}

    def apply_batch(self, admin: str, batch: Batch) -> None:
        """Store a batch and, in the same transaction, its bookmark."""
        now = self.now()
        with self.engine.begin() as conn:
            self._apply(conn, admin, batch, now)

    def _apply(self, conn: Connection, admin: str, batch: Batch, now: datetime) -> None:
        stream = batch.stream
        if batch.upserts:
            rows = [_row(admin, record, now) for record in batch.upserts]
            table, _ = _stream_table(stream)
            _upsert(conn, table, rows, key=("admin", "host_id"))
        if batch.removed_ids:
            self._remove(conn, admin, stream, batch.removed_ids, now)
        if batch.bookmark is not None:
            _upsert(
                conn,
                schema.bookmarks,
                [{"admin": admin, "stream": stream.value, "value": batch.bookmark, "updated_at": now}],
                key=("admin", "stream"),
            )

    def _remove(self, conn: Connection, admin: str, stream: Stream, ids: Sequence[str], now: datetime) -> None:
        for chunk in _chunks(list(ids), 500):
            if stream is Stream.INVOICES:
                conn.execute(
                    schema.invoices.update()
                    .where(schema.invoices.c.admin == admin, schema.invoices.c.host_id.in_(chunk),
                           schema.invoices.c.is_open.is_(True))
                    .values(is_open=False, open_cents=0, closed_at=now)
                )
            elif stream is Stream.MUTATIONS:
                conn.execute(
                    schema.mutations.update()
                    .where(schema.mutations.c.admin == admin, schema.mutations.c.host_id.in_(chunk))
                    .values(booked=True)
                )
            else:
                conn.execute(
                    schema.contacts.delete().where(
                        schema.contacts.c.admin == admin, schema.contacts.c.host_id.in_(chunk)
                    )
                )

    def add_mutations(self, admin: str, mutations: Iterable[BankMutation]) -> int:
        """Store bank-file lines, ignoring ones already stored (same stable key). Returns how many were new."""
        now = self.now()
        rows = [_row(admin, m, now) for m in mutations]
        if not rows:
            return 0
        with self.engine.begin() as conn:
            existing = set()
            for chunk in _chunks([r["host_id"] for r in rows], 500):
                existing.update(
                    conn.execute(
                        sa.select(schema.mutations.c.host_id).where(
                            schema.mutations.c.admin == admin, schema.mutations.c.host_id.in_(chunk)
                        )
                    ).scalars()
                )
            new = [r for r in rows if r["host_id"] not in existing]
            if new:
                conn.execute(schema.mutations.insert(), new)
        return len(new)

    # -- reading snapshots -------------------------------------------------------------------

    def contacts(self, admin: str) -> list[Contact]:
        return self._records(schema.contacts, Contact, schema.contacts.c.admin == admin)

    def open_invoices(self, admin: str) -> list[Invoice]:
        return self._records(
            schema.invoices, Invoice, schema.invoices.c.admin == admin, schema.invoices.c.is_open.is_(True)
        )

    def closed_invoices(self, admin: str, since: datetime) -> list[Invoice]:
        """Invoices that left the open set recently: a later payment for one is an overpayment.

        Their open amount is 0: an invoice the host stopped listing as open (paid) keeps the
        last snapshot it was stored with, whose open amount is from before it was paid."""
        closed = self._records(
            schema.invoices, Invoice, schema.invoices.c.admin == admin,
            schema.invoices.c.is_open.is_(False), schema.invoices.c.closed_at >= since,
        )
        return [i if i.open_amount == 0 else dataclasses.replace(i, open_amount=Decimal("0.00")) for i in closed]

    def unbooked_mutations(self, admin: str) -> list[BankMutation]:
        return self._records(
            schema.mutations, BankMutation, schema.mutations.c.admin == admin,
            schema.mutations.c.booked.is_(False),
        )

    def _records(self, table: sa.Table, cls: type, *where: Any) -> list[Any]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(table.c.data).where(*where).order_by(table.c.host_id))
            return [decode(cls, row.data) for row in rows]

    def counts(self, admin: str) -> dict[str, int]:
        with self.engine.connect() as conn:
            def count(table: sa.Table, *where: Any) -> int:
                return conn.execute(
                    sa.select(sa.func.count()).select_from(table).where(table.c.admin == admin, *where)
                ).scalar_one()

            return {
                "contacts": count(schema.contacts),
                "open_invoices": count(schema.invoices, schema.invoices.c.is_open.is_(True)),
                "closed_invoices": count(schema.invoices, schema.invoices.c.is_open.is_(False)),
                "unbooked_mutations": count(schema.mutations, schema.mutations.c.booked.is_(False)),
                "outbox_pending": count(schema.outbox, schema.outbox.c.status.in_(("pending", "sending"))),
                "outbox_unknown": count(schema.outbox, schema.outbox.c.status == "unknown"),
            }

    def snapshot_digest(self, admin: str) -> dict[str, list[tuple[str, str]]]:
        """(host id, version) per table: two syncs that ended in the same state compare equal."""
        out = {}
        with self.engine.connect() as conn:
            for name, table in (("contacts", schema.contacts), ("invoices", schema.invoices),
                                ("mutations", schema.mutations)):
                rows = conn.execute(
                    sa.select(table.c.host_id, table.c.version).where(table.c.admin == admin)
                    .order_by(table.c.host_id)
                )
                out[name] = [(r.host_id, r.version) for r in rows]
        return out

    # -- sales history (before the first sync) ------------------------------------------------

    def save_invoiced_history(self, admin: str, invoiced: Mapping[date, Decimal], *, first: date,
                              last: date) -> None:
        """Store the host's sales per day for `first`..`last` (both included), replacing any before.

        Every day of the range gets a row, 0 where nothing was invoiced, so the stored range is
        exactly what the host was asked. One transaction: a half-written history never exists."""
        outside = sorted(day for day in invoiced if not first <= day <= last)
        if first > last or outside:
            raise ValueError(f"history {first}..{last} cannot hold {outside[:3] or 'an empty range'}")
        now = self.now()
        rows = [{"admin": admin, "day": first + timedelta(days=n),
                 "invoiced_cents": to_cents(invoiced.get(first + timedelta(days=n), Decimal(0))),
                 "fetched_at": now}
                for n in range((last - first).days + 1)]
        with self.engine.begin() as conn:
            conn.execute(schema.sales_history.delete().where(schema.sales_history.c.admin == admin))
            for chunk in _chunks(rows, 500):
                conn.execute(schema.sales_history.insert(), chunk)

    def invoiced_history(self, admin: str) -> dict[date, Decimal]:
        """Sales per day before the first sync, as the host reported them (empty until fetched)."""
        table = schema.sales_history
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(table.c.day, table.c.invoiced_cents)
                                .where(table.c.admin == admin).order_by(table.c.day))
            return {row.day: from_cents(row.invoiced_cents) for row in rows}

    def invoiced_history_end(self, admin: str) -> date | None:
        """The last day the history covers (later days come from the store's invoices); None until fetched."""
        table = schema.sales_history
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(table.c.day)).where(table.c.admin == admin)).scalar()

    # -- run log -------------------------------------------------------------------------------

    def start_run(self, admin: str, kind: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                schema.runs.insert().values(admin=admin, kind=kind, status="running", started_at=self.now())
            )
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str, detail: dict | None = None, error: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                schema.runs.update().where(schema.runs.c.id == run_id).values(
                    status=status, finished_at=self.now(), detail=encode(detail) if detail else None, error=error
                )
            )

    def last_runs(self, admin: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        query = sa.select(schema.runs).order_by(schema.runs.c.id.desc()).limit(limit)
        if admin is not None:
            query = query.where(schema.runs.c.admin == admin)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def _stream(stream: Stream | str) -> Stream:
    return stream if isinstance(stream, Stream) else Stream(stream)


def _stream_table(stream: Stream) -> tuple[sa.Table, Any]:
    if stream is Stream.INVOICES:
        return schema.invoices, schema.invoices.c.is_open.is_(True)
    if stream is Stream.MUTATIONS:
        return schema.mutations, schema.mutations.c.booked.is_(False)
    return schema.contacts, None


def _row(admin: str, record: Contact | Invoice | BankMutation, now: datetime) -> dict[str, Any]:
    base = {"admin": admin, "host_id": record.host_id, "version": record.version or "",
            "data": encode(record), "synced_at": now}
    if isinstance(record, Invoice):
        return {**base, "number": record.number, "contact_id": record.contact_id, "due_date": record.due_date,
                "open_cents": to_cents(record.open_amount), "is_open": record.is_open, "closed_at": None}
    if isinstance(record, BankMutation):
        return {**base, "date": record.date, "amount_cents": to_cents(record.amount), "booked": record.booked,
                "source": record.source}
    return {**base, "name": record.name[:255]}


def _upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    updates = {c: statement.excluded[c] for c in rows[0] if c not in key}
    conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=updates), rows)


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def bad_url_reason(url: str, exc: Exception) -> str:
    """Why SQLAlchemy cannot use `url`, in words for the person who wrote it (no password shown)."""
    if isinstance(exc, ImportError):
        return (f"{_safe_url(url)} needs a database driver that is not installed ({exc.name or exc}); "
                "for PostgreSQL: pip install '.[postgres]'")
    if isinstance(exc, sa.exc.NoSuchModuleError):
        return f"{_safe_url(url)}: unknown kind of database; use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
    # Not echoed: an unparsable URL may still hold a password.
    return "not a database URL; use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"


def _safe_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(invalid URL)"


def today_in(tz: str, clock: Clock = SYSTEM_CLOCK) -> date:
    """Today's date in the configured timezone (an edge helper: the core gets it passed in)."""
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(clock.now(), ZoneInfo(tz)).date()
