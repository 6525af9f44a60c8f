"""Bank files: where each account's runs of statements stand, so a page in a later file counts on.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_file_runs",
        sa.Column("admin", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(32), primary_key=True),
        sa.Column("currency", sa.String(8), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bank_file_runs")
