"""Injectable time: the real clock in production, a fake one in tests so nothing ever waits.

The core never reads the clock; IO layers (HTTP retries, rate limiters, simulators, the
scheduler) take a `Clock` so a test can move time forward instantly.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch."""

    def sleep(self, seconds: float) -> None:
        """Wait (or pretend to wait) this many seconds."""


class SystemClock:
    """Wall-clock time and real sleeping."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock that only moves when someone sleeps or calls `advance`.

    Shared between a client and a simulator, it lets a test drive rate-limit windows of
    minutes in microseconds. Thread-safe because simulators serve from other threads.
    """

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.slept = 0.0

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)
            with self._lock:
                self.slept += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


SYSTEM_CLOCK = SystemClock()
