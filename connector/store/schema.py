"""Tables of the state store (SQLAlchemy Core). Alembic migrations create them; a test keeps both equal.

Amounts are integer cents; record payloads are JSON so a schema change in a record does
not need a migration, while the columns we query on are real columns.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

contacts = Table(
    "contacts",
    metadata,
    Column("admin", String(64), primary_key=True),
    Column("host_id", String(64), primary_key=True),
    Column("version", String(64), nullable=False, default=""),
    Column("name", String(255), nullable=False, default=""),
    Column("data", JSON, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
)

invoices = Table(
    "invoices",
    metadata,
    Column("admin", String(64), primary_key=True),
    Column("host_id", String(64), primary_key=True),
    Column("version", String(64), nullable=False, default=""),
    Column("number", String(64), nullable=False, default=""),
    Column("contact_id", String(64), nullable=False, default=""),
    Column("due_date", Date, nullable=False),
    Column("open_cents", BigInteger, nullable=False),
    Column("is_open", Boolean, nullable=False, default=True),
    Column("data", JSON, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Index("ix_invoices_admin_open", "admin", "is_open"),
)

mutations = Table(
    "mutations",
    metadata,
    Column("admin", String(64), primary_key=True),
    Column("host_id", String(64), primary_key=True),
    Column("version", String(64), nullable=False, default=""),
    Column("date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("booked", Boolean, nullable=False, default=False),
    Column("source", String(255), nullable=False, default="host"),
    Column("data", JSON, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    Index("ix_mutations_admin_booked", "admin", "booked"),
)

bookmarks = Table(
    "bookmarks",
    metadata,
    Column("admin", String(64), primary_key=True),
    Column("stream", String(32), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(255), nullable=False),
    Column("admin", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("host_response", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("idempotency_key", name="uq_outbox_key"),
    Index("ix_outbox_admin_status", "admin", "status"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("admin", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("detail", JSON, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_runs_admin_started", "admin", "started_at"),
)

reconciliations = Table(
    "reconciliations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("admin", String(64), nullable=False),
    Column("mutation_id", String(128), nullable=False),
    Column("invoice_id", String(64), nullable=False, default=""),
    Column("kind", String(16), nullable=False),  # auto | suggested | flag
    Column("rule", String(32), nullable=False, default=""),
    Column("amount_cents", BigInteger, nullable=False),
    Column("remainder_cents", BigInteger, nullable=False, default=0),
    Column("confidence", String(8), nullable=False, default=""),
    Column("reason", Text, nullable=False),
    Column("decision", String(16), nullable=False, default=""),  # "", accepted, rejected
    Column("found_at", DateTime(timezone=True), nullable=False),
    Index("ix_reconciliations_admin_mutation", "admin", "mutation_id"),
)

admin_leases = Table(
    "admin_leases",
    metadata,
    Column("admin", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("acquired_at", Float, nullable=False),
)

# Sales invoiced per day before the connector's first sync (from Adapter.invoiced_per_day), so DSO
# has its 90 days of sales from the first summary on. Every day of the fetched range has a row
# (0 on days without invoices): the last day is where the history ends and the store's own
# invoices take over.
sales_history = Table(
    "sales_history",
    metadata,
    Column("admin", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("invoiced_cents", BigInteger, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

bank_file_runs = Table(
    "bank_file_runs",
    metadata,
    # where each account's runs of bank statements stand (connector.bankfiles.runs), so a page
    # or report in a later file counts on; written with the bank lines it covers
    Column("admin", String(64), primary_key=True),
    Column("account", String(32), primary_key=True),  # runs.account_key: tail and hash, not the IBAN
    Column("currency", String(8), primary_key=True),
    Column("revision", Integer, nullable=False),  # optimistic lock: a concurrent import retries
    Column("state", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
