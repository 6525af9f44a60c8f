"""Leases on administrations, so any number of workers can share one state store.

A worker works on an administration only while it holds that administration's lease. A
lease is taken with one conditional UPDATE (or an INSERT that a unique key lets only one
worker win), so it is safe on SQLite between threads and processes, and on PostgreSQL between
machines; a worker that dies simply lets its lease expire. This is the whole coordination:
the work list is the config, the store is the only shared state, no queue is needed.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from connector.clock import SYSTEM_CLOCK, Clock
from connector.store.schema import admin_leases
from connector.store.store import Store

DEFAULT_TTL = 30 * 60.0


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class AdminLeases:
    def __init__(self, store: Store, *, holder: str | None = None, ttl: float = DEFAULT_TTL,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.store = store
        self.holder = holder or worker_id()
        self.ttl = ttl
        self.clock = clock

    def try_acquire(self, admin: str) -> bool:
        """Take the lease if it is free, expired or already ours; False when another worker holds it."""
        now = self.clock.now()
        with self.store.engine.begin() as conn:
            taken = conn.execute(
                admin_leases.update()
                .where(admin_leases.c.admin == admin,
                       sa.or_(admin_leases.c.expires_at < now, admin_leases.c.holder == self.holder))
                .values(holder=self.holder, expires_at=now + self.ttl, acquired_at=now)
            ).rowcount
        if taken:
            return True
        try:
            with self.store.engine.begin() as conn:
                conn.execute(admin_leases.insert().values(admin=admin, holder=self.holder,
                                                          expires_at=now + self.ttl, acquired_at=now))
            return True
        except sa.exc.IntegrityError:
            return False

    def renew(self, admin: str) -> bool:
        with self.store.engine.begin() as conn:
            return bool(conn.execute(
                admin_leases.update()
                .where(admin_leases.c.admin == admin, admin_leases.c.holder == self.holder)
                .values(expires_at=self.clock.now() + self.ttl)
            ).rowcount)

    def release(self, admin: str) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(admin_leases.delete().where(
                admin_leases.c.admin == admin, admin_leases.c.holder == self.holder))

    def holder_of(self, admin: str) -> str | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(admin_leases).where(admin_leases.c.admin == admin)).first()
        return row.holder if row and row.expires_at >= self.clock.now() else None

    @contextmanager
    def held(self, admin: str) -> Iterator[bool]:
        """`with leases.held(key) as mine:` — work only when `mine`; released afterwards."""
        mine = self.try_acquire(admin)
        try:
            yield mine
        finally:
            if mine:
                self.release(admin)
