"""Client-side rate limiting so we stay under a vendor's published limit instead of hitting 429s."""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import deque

from connector.clock import Clock


class SlidingWindowLimiter:
    """At most `limit` calls in any `window` seconds (Moneybird: 150 / 300 s; Exact: 60 / 60 s).

    `acquire` waits on the injected clock until a slot is free. `block_until` lets the
    client respect a reset time the server announced (429 with Retry-After).
    """

    def __init__(self, limit: int, window: float, clock: Clock, *, margin: int = 0) -> None:
        self.limit = max(1, limit - margin)
        self.window = window
        self.clock = clock
        self._calls: deque[float] = deque()
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self.clock.now()
                wait = self._blocked_until - now
                if wait <= 0:
                    while self._calls and self._calls[0] <= now - self.window:
                        self._calls.popleft()
                    if len(self._calls) < self.limit:
                        self._calls.append(now)
                        return
                    wait = self._calls[0] + self.window - now
            self.clock.sleep(max(wait, 0.001))

    def block_until(self, epoch: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, epoch)


class NoLimiter:
    """For hosts without a published limit."""

    def acquire(self) -> None:  # noqa: D102 - nothing to wait for
        return

    def block_until(self, epoch: float) -> None:  # noqa: D102
        return


_shared: weakref.WeakKeyDictionary[Clock, dict[str, SlidingWindowLimiter]] = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()


def shared_limiter(key: str, limit: int, window: float, clock: Clock) -> SlidingWindowLimiter:
    """The one limiter of this process for `key` (e.g. host + token): clients sharing a token share its quota.

    Only the key's SHA-256 is kept. Separate processes are not coordinated: each paces itself to
    the full limit, so two processes on one token can still collect 429s (which the client then
    waits out). Per clock, so tests on separate fake clocks never share a count.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()
    with _shared_lock:
        limiters = _shared.setdefault(clock, {})
        if digest not in limiters:
            limiters[digest] = SlidingWindowLimiter(limit, window, clock)
        return limiters[digest]
