"""Tables of the dunning engine, on the store's shared `metadata` (migrations 0002 and 0006).

Steps are the history the planner reads (which level went to whom for which invoices, when);
a link table makes "all steps of invoice X" a query. Holds carry the accountant's reasons not
to chase; instalments belong to a betalingsregeling. Amounts are integer cents.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from connector.store.schema import metadata

__all__ = ["dunning_holds", "dunning_instalments", "dunning_step_invoices", "dunning_steps"]

dunning_steps = Table(
    "dunning_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(255), nullable=False),
    Column("admin", String(64), nullable=False),
    Column("contact_id", String(64), nullable=False),
    Column("level_name", String(64), nullable=False),
    Column("level_index", Integer, nullable=False),
    Column("level_kind", String(32), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("via", String(16), nullable=False),
    Column("sent_on", Date, nullable=False),
    Column("term_end", Date, nullable=True),
    Column("costs_from", Date, nullable=True),
    Column("principal_cents", BigInteger, nullable=False),
    Column("costs_cents", BigInteger, nullable=False),
    Column("announced_costs_cents", BigInteger, nullable=False),
    Column("interest_cents", BigInteger, nullable=False),
    Column("wik_valid", Boolean, nullable=False),
    Column("host_reminders", Integer, nullable=False),
    Column("documents", JSON, nullable=False),
    Column("detail", Text, nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("letter_date", Date, nullable=True),
    UniqueConstraint("idempotency_key", name="uq_dunning_steps_key"),
    Index("ix_dunning_steps_admin_contact", "admin", "contact_id"),
)

dunning_step_invoices = Table(
    "dunning_step_invoices",
    metadata,
    Column("step_id", Integer, ForeignKey("dunning_steps.id", ondelete="CASCADE"), primary_key=True),
    Column("invoice_id", String(64), primary_key=True),
    Column("admin", String(64), nullable=False),
    Column("principal_cents", BigInteger, nullable=True),  # per invoice, for art. 6:44 later on
    Column("interest_cents", BigInteger, nullable=True),
    Index("ix_dunning_step_invoices_admin_invoice", "admin", "invoice_id"),
)

dunning_holds = Table(
    "dunning_holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("admin", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("contact_id", String(64), nullable=False),
    Column("invoice_ids", JSON, nullable=False),
    Column("created_on", Date, nullable=False),
    Column("until", Date, nullable=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("released_on", Date, nullable=True),
    Column("release_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_dunning_holds_admin_contact", "admin", "contact_id"),
)

dunning_instalments = Table(
    "dunning_instalments",
    metadata,
    Column("hold_id", Integer, ForeignKey("dunning_holds.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
)
