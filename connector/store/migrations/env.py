"""Alembic environment: always run with a connection handed over by connector.store.Store."""

from __future__ import annotations

from alembic import context

import connector.store.dunning_tables  # noqa: F401
from connector.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
