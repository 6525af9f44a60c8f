"""Initial schema: snapshots, bookmarks, outbox, run log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("admin", sa.String(64), primary_key=True),
        sa.Column("host_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("synced_at", TZ, nullable=False),
    )
    op.create_table(
        "invoices",
        sa.Column("admin", sa.String(64), primary_key=True),
        sa.Column("host_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("open_cents", sa.BigInteger, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("synced_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
    )
    op.create_index("ix_invoices_admin_open", "invoices", ["admin", "is_open"])
    op.create_table(
        "mutations",
        sa.Column("admin", sa.String(64), primary_key=True),
        sa.Column("host_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("booked", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("synced_at", TZ, nullable=False),
    )
    op.create_index("ix_mutations_admin_booked", "mutations", ["admin", "booked"])
    op.create_table(
        "bookmarks",
        sa.Column("admin", sa.String(64), primary_key=True),
        sa.Column("stream", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("admin", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("host_response", sa.Text, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_admin_status", "outbox", ["admin", "status"])
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("admin", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_index("ix_runs_admin_started", "runs", ["admin", "started_at"])


def downgrade() -> None:
    for table in ("runs", "outbox", "bookmarks", "mutations", "invoices", "contacts"):
        op.drop_table(table)
