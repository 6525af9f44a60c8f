"""State store: bookmarks move with their data, snapshots round-trip, migrations match the schema."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from adapters.base import Batch, Stream
from connector.errors import ConfigError
from connector.records import BankMutation, Contact, ContactKind, Invoice
from connector.store import Store
from connector.store.outbox import Outbox
from connector.store.schema import metadata


def invoice(host_id: str, open_amount: str = "121.00", version: str = "1") -> Invoice:
    return Invoice(host_id=host_id, number=f"2026-{host_id}", contact_id="c1", invoice_date=date(2026, 9, 1),
                   due_date=date(2026, 10, 1), currency="EUR", total=Decimal("121.00"),
                   open_amount=Decimal(open_amount), version=version)


@pytest.fixture
def store(tmp_path):
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}")


def test_migrations_create_exactly_the_declared_schema(store):
    import connector.service.tables  # noqa: F401  (tables of other modules on the same metadata)
    import connector.store.dunning_tables  # noqa: F401

    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": lambda obj, name, type_, *_: name != "apscheduler_jobs"})
        diff = compare_metadata(context, metadata)
    assert diff == []
    assert store.schema_revision() == store.head_revision()


def test_batch_and_bookmark_commit_together(store):
    store.apply_batch("a", Batch(Stream.INVOICES, (invoice("1"), invoice("2")), bookmark="b1"))
    assert store.bookmark("a", Stream.INVOICES) == "b1"
    assert store.known_versions("a", Stream.INVOICES) == {"1": "1", "2": "1"}

    bad = Batch(Stream.INVOICES, (invoice("3"), "not a record"), bookmark="b2")  # type: ignore[arg-type]
    with pytest.raises(Exception):
        store.apply_batch("a", bad)
    assert store.bookmark("a", Stream.INVOICES) == "b1", "a failed batch must not move the bookmark"
    assert {i.host_id for i in store.open_invoices("a")} == {"1", "2"}


def test_removed_invoices_close_and_records_round_trip(store):
    contact = Contact(host_id="c1", name="Jansen ICT B.V.", kind=ContactKind.COMPANY, ibans=("NL91ABNA0417164300",))
    store.apply_batch("a", Batch(Stream.CONTACTS, (contact,)))
    store.apply_batch("a", Batch(Stream.INVOICES, (invoice("1"), invoice("2", "10.05"))))
    store.apply_batch("a", Batch(Stream.INVOICES, removed_ids=("1",)))
    assert store.contacts("a") == [contact]
    assert store.open_invoices("a") == [invoice("2", "10.05")]
    assert store.counts("a")["closed_invoices"] == 1
    assert store.open_invoices("other") == []
    (closed,) = store.closed_invoices("a", since=datetime(2000, 1, 1, tzinfo=UTC))
    assert closed.host_id == "1" and closed.open_amount == 0, "gone from the open set: nothing open"


def test_bank_file_lines_are_deduplicated_by_key(store):
    line = BankMutation(host_id="k1", date=date(2026, 11, 2), amount=Decimal("50.00"), source="x.xml")
    assert store.add_mutations("a", [line, BankMutation(host_id="k2", date=date(2026, 11, 2),
                                                        amount=Decimal("50.00"))]) == 2
    assert store.add_mutations("a", [line]) == 0
    assert len(store.unbooked_mutations("a")) == 2


def test_outbox_never_repeats_a_key_and_recovers_after_a_crash(store):
    outbox = Outbox(store)
    first = outbox.enqueue("a", "reminder", "key-1", {"invoice_ids": ["1"]})
    again = outbox.enqueue("a", "reminder", "key-1", {"invoice_ids": ["1"]})
    assert first.id == again.id
    assert outbox.claim("key-1") is not None
    assert outbox.claim("key-1") is None, "a claimed entry cannot be claimed twice"
    # crash here: the row stays in 'sending'; recovery asks the host
    assert outbox.recover("a", lambda kind, payload, key: None) == ["key-1"]
    assert outbox.get("key-1").status == "unknown"
    outbox.resolve_unknown("key-1", sent=False)
    assert outbox.claim("key-1").attempts == 2
    outbox.mark_sent("key-1", "ok")
    assert outbox.get("key-1").status == "sent"


def test_recovery_confirms_or_requeues(store):
    outbox = Outbox(store)
    for key in ("sent-before-crash", "not-sent"):
        outbox.enqueue("a", "payment", key, {})
        outbox.claim(key)
    assert outbox.recover("a", lambda kind, payload, key: key == "sent-before-crash") == []
    assert outbox.get("sent-before-crash").status == "sent"
    assert outbox.get("not-sent").status == "pending"


@pytest.mark.parametrize(("url", "expected"), [
    ("sqlite//state.db", "state.url: not a database URL; use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"),
    ("postgres:/user:hunter2@db/x", "state.url: not a database URL"),
    ("mysqlx://u:hunter2@db/x", "state.url: mysqlx://u:***@db/x: unknown kind of database"),
])
def test_a_bad_url_is_a_config_error_naming_state_url(url, expected):
    with pytest.raises(ConfigError) as info:
        Store.open(url)
    assert str(info.value).startswith(expected) and "hunter2" not in str(info.value)
    assert info.value.exit_code == 2
