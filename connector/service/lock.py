"""Single-instance lock: a lease row in the state database, renewed by a heartbeat.

A file lock would only guard one machine; two services on two machines sharing one
PostgreSQL store must not both run either, so the lease lives in the store itself.
A lease is free when its holder stopped renewing it for `ttl` seconds, or at once when
the holder ran on this host and its process is gone (a `kill -9` or a crash), so a
restart after a kill does not have to wait.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ConnectorError
from connector.service.tables import ensure_service_tables, service_lease

log = logging.getLogger("connector.service")

LEASE_NAME = "service"


class LockHeld(ConnectorError):
    """Another connector process holds the service lock on this state store."""

    exit_code = 3


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    holder: str
    host: str
    pid: int
    pid_started: float | None
    acquired_at: float
    heartbeat_at: float


def process_started(pid: int) -> float | None:
    """When a process started (to tell a reused pid from the original), None if unknown."""
    try:
        import psutil
    except ImportError:
        return None
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.Error, OSError):
        return None


def process_alive(pid: int, started: float | None) -> bool:
    """Is the process that took the lease still running on this host?"""
    if pid == os.getpid():
        return False  # an earlier life of this very process id (e.g. pid 1 in a restarted container)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    if started is not None:
        now_started = process_started(pid)
        if now_started is not None and abs(now_started - started) > 1.0:
            return False  # the pid was reused by another process
    return True


class ServiceLock:
    def __init__(self, engine: Engine, *, ttl: float = 90.0, clock: Clock = SYSTEM_CLOCK, name: str = LEASE_NAME,
                 host: str | None = None, pid: int | None = None,
                 alive: Callable[[int, float | None], bool] = process_alive) -> None:
        self.engine, self.ttl, self.clock, self.name = engine, ttl, clock, name
        self.host = host or socket.gethostname()
        self.pid = pid if pid is not None else os.getpid()
        self.pid_started = process_started(self.pid)
        self.holder = uuid.uuid4().hex
        self.alive = alive
        ensure_service_tables(engine)

    def current(self) -> LeaseInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(service_lease).where(service_lease.c.name == self.name)).first()
        return _info(row) if row is not None else None

    def is_free(self, lease: LeaseInfo | None) -> bool:
        if lease is None or lease.holder == self.holder:
            return True
        if self.clock.now() - lease.heartbeat_at > self.ttl:
            return True
        return lease.host == self.host and not self.alive(lease.pid, lease.pid_started)

    def acquire(self) -> LeaseInfo:
        """Take the lease or raise LockHeld naming who has it."""
        now = self.clock.now()
        values = {"holder": self.holder, "host": self.host, "pid": self.pid, "pid_started": self.pid_started,
                  "acquired_at": now, "heartbeat_at": now}
        lease = self.current()
        if not self.is_free(lease):
            raise LockHeld(self._held_message(lease))
        with self.engine.begin() as conn:
            if lease is None:
                try:
                    conn.execute(service_lease.insert().values(name=self.name, **values))
                except sa.exc.IntegrityError:
                    taken = True
                else:
                    taken = False
            else:
                result = conn.execute(
                    service_lease.update()
                    .where(service_lease.c.name == self.name, service_lease.c.holder == lease.holder,
                           service_lease.c.heartbeat_at == lease.heartbeat_at)
                    .values(**values))
                taken = result.rowcount != 1
        if taken:
            raise LockHeld(self._held_message(self.current()))
        if lease is not None and lease.holder != self.holder:
            log.warning("took over the service lock from pid %s on %s (last heartbeat %.0f s ago)",
                        lease.pid, lease.host, now - lease.heartbeat_at)
        info = self.current()
        assert info is not None
        return info

    def renew(self) -> bool:
        """Heartbeat; False when the lease was lost (taken over after we stalled longer than the ttl)."""
        with self.engine.begin() as conn:
            result = conn.execute(
                service_lease.update()
                .where(service_lease.c.name == self.name, service_lease.c.holder == self.holder)
                .values(heartbeat_at=self.clock.now()))
        return result.rowcount == 1

    def release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(service_lease.delete().where(service_lease.c.name == self.name,
                                                      service_lease.c.holder == self.holder))

    def _held_message(self, lease: LeaseInfo | None) -> str:
        if lease is None:
            return "another connector process took the service lock at the same moment; try again"
        age = self.clock.now() - lease.heartbeat_at
        wait = max(0.0, self.ttl - age)
        return (f"another connector process holds the lock on this state store: pid {lease.pid} on {lease.host}, "
                f"last heartbeat {age:.0f} s ago. Stop that one first"
                + (f" (if its machine is gone, the lock frees itself in {wait:.0f} s)" if lease.host != self.host
                   else "") + ".")


@contextlib.contextmanager
def held(lock: ServiceLock, *, heartbeat: float, on_lost: Callable[[], None] | None = None) -> Iterator[LeaseInfo]:
    """Hold the lock for the `with` block, renewing it from a daemon thread every `heartbeat` seconds."""
    info = lock.acquire()
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(heartbeat):
            try:
                if not lock.renew():
                    log.error("lost the service lock (another process took it over); stopping")
                    if on_lost:
                        on_lost()
                    return
            except sa.exc.SQLAlchemyError as exc:
                log.warning("could not renew the service lock: %s", exc)

    thread = threading.Thread(target=beat, name="connector-lock-heartbeat", daemon=True)
    thread.start()
    try:
        yield info
    finally:
        stop.set()
        thread.join(timeout=5)
        lock.release()


def _info(row: sa.Row) -> LeaseInfo:
    return LeaseInfo(holder=row.holder, host=row.host, pid=row.pid, pid_started=row.pid_started,
                     acquired_at=row.acquired_at, heartbeat_at=row.heartbeat_at)
