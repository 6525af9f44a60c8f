"""Dunning: history of steps sent (with their invoices), holds and instalments.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dunning_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("admin", sa.String(64), nullable=False),
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("level_name", sa.String(64), nullable=False),
        sa.Column("level_index", sa.Integer, nullable=False),
        sa.Column("level_kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("sent_on", sa.Date, nullable=False),
        sa.Column("term_end", sa.Date, nullable=True),
        sa.Column("costs_from", sa.Date, nullable=True),
        sa.Column("principal_cents", sa.BigInteger, nullable=False),
        sa.Column("costs_cents", sa.BigInteger, nullable=False),
        sa.Column("announced_costs_cents", sa.BigInteger, nullable=False),
        sa.Column("interest_cents", sa.BigInteger, nullable=False),
        sa.Column("wik_valid", sa.Boolean, nullable=False),
        sa.Column("host_reminders", sa.Integer, nullable=False),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.UniqueConstraint("idempotency_key", name="uq_dunning_steps_key"),
    )
    op.create_index("ix_dunning_steps_admin_contact", "dunning_steps", ["admin", "contact_id"])
    op.create_table(
        "dunning_step_invoices",
        sa.Column("step_id", sa.Integer, sa.ForeignKey("dunning_steps.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("invoice_id", sa.String(64), primary_key=True),
        sa.Column("admin", sa.String(64), nullable=False),
    )
    op.create_index("ix_dunning_step_invoices_admin_invoice", "dunning_step_invoices", ["admin", "invoice_id"])
    op.create_table(
        "dunning_holds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("admin", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("invoice_ids", sa.JSON, nullable=False),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("until", sa.Date, nullable=True),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("released_on", sa.Date, nullable=True),
        sa.Column("release_reason", sa.Text, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_dunning_holds_admin_contact", "dunning_holds", ["admin", "contact_id"])
    op.create_table(
        "dunning_instalments",
        sa.Column("hold_id", sa.Integer, sa.ForeignKey("dunning_holds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("amount_cents", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("dunning_instalments", "dunning_holds", "dunning_step_invoices", "dunning_steps"):
        op.drop_table(table)
