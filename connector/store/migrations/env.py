"""Alembic environment: always run with a connection handed over by connector.store.Store."""

from __future__ import annotations

from alembic import context

import connector.service.tables  # noqa: F401
import connector.store.dunning_tables  # noqa: F401
from connector.store.schema import metadata

connection = context.config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001 - alembic's hook signature
    """APScheduler owns its job table (apscheduler_jobs); migrations leave it alone."""
    return not (type_ == "table" and name == "apscheduler_jobs")


context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  include_object=include_object)
with context.begin_transaction():
    context.run_migrations()
