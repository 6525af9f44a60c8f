"""The state store: snapshots, bookmarks, the outbox and the run log, on SQLAlchemy (SQLite or PostgreSQL)."""

from connector.store.store import Store

__all__ = ["Store"]
