"""Dunning: per-invoice principal and interest of each step (art. 6:44 BW), a posted letter's date.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dunning_steps", sa.Column("letter_date", sa.Date, nullable=True))
    op.add_column("dunning_step_invoices", sa.Column("principal_cents", sa.BigInteger, nullable=True))
    op.add_column("dunning_step_invoices", sa.Column("interest_cents", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dunning_step_invoices") as batch:
        batch.drop_column("interest_cents")
        batch.drop_column("principal_cents")
    with op.batch_alter_table("dunning_steps") as batch:
        batch.drop_column("letter_date")
