"""Exact's three limits, kept from our side so the host never has to enforce them on us.

1. 60 calls per division per *clock* minute (a fixed window: 60 calls in 10:00:00-10:00:40
   means nothing until 10:01:00), shared by every process of the app, so the
   `X-RateLimit-Minutely-*` headers are the truth and our own count only a first guard.
2. 5,000 calls per division per day, reset at midnight UTC; `X-RateLimit-Remaining` tells
   how many are left. We stop *before* running out (keeping a reserve for writes), with a
   message that says when calls are possible again, instead of collecting 429s.
3. More than 10 errors (400/401/403/404) on one endpoint in an hour blocks the app for an
   hour, escalating. We count our own errors per endpoint in a file in the state folder (so
   separate runs add up), 5xx answers included to be safe, and stop well before: after
   `limit` (5) errors in the last hour that endpoint is left alone until the hour is over.
Reset headers are epoch *milliseconds*.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from filelock import FileLock

from adapters.exact_online.odata import AMSTERDAM
from connector.clock import Clock
from connector.errors import QuotaExhausted

MINUTE_LIMIT = 60
DAY_LIMIT = 5000
ERROR_WINDOW = 3600.0
EXACT_ERROR_BLOCK = 10
COUNTED_ERRORS = frozenset({400, 401, 403, 404})

_KEY_SEGMENT = re.compile(r"\(.*?\)")


class DailyBudgetSpent(QuotaExhausted):
    """The division's daily call budget is (nearly) spent; the run stops and resumes tomorrow."""


class ErrorBudgetSpent(QuotaExhausted):
    """Too many errors on one endpoint this hour; we stop before Exact blocks the app."""


def _when(epoch: float) -> str:
    utc = datetime.fromtimestamp(epoch, UTC)
    local = utc.astimezone(AMSTERDAM)
    return f"{utc:%H:%M} UTC ({local:%H:%M} Amsterdam time, {local:%Y-%m-%d})"


def endpoint_of(url: str) -> str:
    """`…/api/v1/123/crm/Accounts(guid'…')?$select=…` -> `crm/Accounts` (Exact counts so)."""
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 3 and parts[0] == "api" and parts[1] == "v1":
        parts = parts[3:] if parts[2] not in ("current", "beta") else parts[2:]
    return _KEY_SEGMENT.sub("", "/".join(parts))


def _header_int(response: requests.Response, name: str) -> int | None:
    value = response.headers.get(name, "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


class ExactRateGovernor:
    """The HTTP client's limiter (`acquire`/`block_until`), fed by `observe` with each response."""

    def __init__(
        self,
        clock: Clock,
        *,
        division: int,
        minute_limit: int = MINUTE_LIMIT,
        daily_reserve: int = 0,
    ) -> None:
        self.clock = clock
        self.division = division
        self.minute_limit = minute_limit
        self.daily_reserve = daily_reserve
        self.daily_limit: int | None = None
        self.daily_remaining: int | None = None
        self.daily_reset: float | None = None
        self.minutely_remaining: int | None = None
        self.minutely_reset: float | None = None
        self._blocked_until = 0.0
        self._own_calls: dict[int, int] = defaultdict(int)
        self._writing = 0
        self._lock = threading.Lock()
        self.waited = 0.0

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Writes (a reminder note, a payment) may use the reserve that reads must leave alone."""
        self._writing += 1
        try:
            yield
        finally:
            self._writing -= 1

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self.clock.now()
                self._check_day(now)
                wait = self._wait_needed(now)
                if wait <= 0:
                    minute = int(now // 60)
                    self._own_calls[minute] += 1
                    for old in [m for m in self._own_calls if m < minute]:
                        del self._own_calls[old]
                    if self.minutely_remaining is not None:
                        self.minutely_remaining -= 1
                    if self.daily_remaining is not None:
                        self.daily_remaining -= 1
                    return
            self.waited += wait
            self.clock.sleep(wait)

    def block_until(self, epoch: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, epoch)

    def _wait_needed(self, now: float) -> float:
        if self._blocked_until > now:
            return self._blocked_until - now
        if self.minutely_reset is not None and now >= self.minutely_reset:
            self.minutely_remaining = None
            self.minutely_reset = None
        if (
            self.minutely_remaining is not None
            and self.minutely_remaining <= 0
            and self.minutely_reset
        ):
            return self.minutely_reset - now + 0.25
        minute = int(now // 60)
        if self._own_calls.get(minute, 0) >= self.minute_limit:
            return (minute + 1) * 60 - now + 0.25
        return 0.0

    def _check_day(self, now: float) -> None:
        if self.daily_reset is not None and now >= self.daily_reset:
            self.daily_remaining = None
            self.daily_reset = None
        if self.daily_remaining is None:
            return
        floor = 0 if self._writing else self.daily_reserve
        if self.daily_remaining <= floor:
            raise self.day_spent()

    def day_spent(self) -> DailyBudgetSpent:
        limit = self.daily_limit or DAY_LIMIT
        reset = self.daily_reset or (math.floor(self.clock.now() / 86400) + 1) * 86400
        reserve = (
            f", {self.daily_reserve} kept for writes"
            if self.daily_reserve and not self._writing
            else ""
        )
        return DailyBudgetSpent(
            f"Exact Online: the daily API budget of division {self.division} is spent "
            f"({self.daily_remaining or 0} of {limit} calls left{reserve}). Exact allows calls "
            f"again after {_when(reset)}. Everything fetched so far is saved; the next run "
            "continues from there."
        )

    def observe(self, response: requests.Response) -> None:
        """Take the host's counters as the truth (they include other processes of this app)."""
        with self._lock:
            minutely_remaining = _header_int(response, "X-RateLimit-Minutely-Remaining")
            minutely_reset = _header_int(response, "X-RateLimit-Minutely-Reset")
            if minutely_remaining is not None and minutely_reset is not None:
                self.minutely_remaining = minutely_remaining
                self.minutely_reset = minutely_reset / 1000
            remaining = _header_int(response, "X-RateLimit-Remaining")
            reset = _header_int(response, "X-RateLimit-Reset")
            if remaining is not None and reset is not None:
                self.daily_remaining = remaining
                self.daily_reset = reset / 1000
                self.daily_limit = _header_int(response, "X-RateLimit-Limit") or self.daily_limit

    def retry_at(self, response: requests.Response, now: float) -> float | None:
        """When to try again after a 429: the minute's reset, or never today (then we stop)."""
        if _header_int(response, "X-RateLimit-Remaining") == 0:
            self.observe(response)
            raise self.day_spent()
        minutely_reset = _header_int(response, "X-RateLimit-Minutely-Reset")
        if minutely_reset is not None:
            return minutely_reset / 1000 + 0.25
        retry_after = response.headers.get("Retry-After", "").strip()
        if retry_after.isdigit():
            return now + int(retry_after)
        return (math.floor(now / 60) + 1) * 60 + 0.25


class EndpointErrorBudget:
    """Our own count of errors per endpoint and hour, shared by runs through a state-folder file."""

    def __init__(
        self, clock: Clock, *, division: int, limit: int = 5, path: Path | None = None
    ) -> None:
        if not 0 < limit < EXACT_ERROR_BLOCK:
            raise ValueError(f"the error budget must be between 1 and {EXACT_ERROR_BLOCK - 1}")
        self.clock = clock
        self.division = division
        self.limit = limit
        self.path = path
        self._file_lock = FileLock(str(path) + ".lock", timeout=30) if path else None
        self._memory: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, endpoint: str, last_error: str = "") -> None:
        """Raise before a call to an endpoint that already had `limit` errors in the last hour."""
        with self._lock, self._file():
            errors = self._recent(self._read()).get(endpoint, [])
        if len(errors) >= self.limit:
            raise self._spent(endpoint, errors, last_error)

    def record(self, endpoint: str, status: int, message: str = "") -> None:
        """Count an error; raise when this one used up the budget (no more retries this hour)."""
        if status not in COUNTED_ERRORS and status < 500:
            return
        with self._lock, self._file():
            data = self._recent(self._read())
            data.setdefault(endpoint, []).append(self.clock.now())
            self._write(data)
            errors = data[endpoint]
        if len(errors) >= self.limit:
            raise self._spent(endpoint, errors, f"{status} {message}".strip())

    def errors_last_hour(self, endpoint: str) -> int:
        with self._lock, self._file():
            return len(self._recent(self._read()).get(endpoint, []))

    def _spent(self, endpoint: str, errors: list[float], last_error: str) -> ErrorBudgetSpent:
        resume = min(errors) + ERROR_WINDOW
        last = f" (last: {last_error})" if last_error else ""
        return ErrorBudgetSpent(
            f"Exact Online: stopped calling {endpoint} for division {self.division} after "
            f"{len(errors)} errors in the last hour{last}. Exact blocks an app for an hour after "
            f"{EXACT_ERROR_BLOCK} errors on one endpoint, so the connector pauses this endpoint "
            f"until {_when(resume)}; please look into the error before then."
        )

    def _recent(self, data: dict[str, list[float]]) -> dict[str, list[float]]:
        since = self.clock.now() - ERROR_WINDOW
        return {
            ep: [t for t in times if t > since]
            for ep, times in data.items()
            if any(t > since for t in times)
        }

    @contextlib.contextmanager
    def _file(self) -> Iterator[None]:
        if self._file_lock is None:
            yield
        else:
            with self._file_lock:
                yield

    def _read(self) -> dict[str, list[float]]:
        if self.path is None:
            return {ep: list(times) for ep, times in self._memory.items()}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {str(ep): [float(t) for t in times] for ep, times in data.items()}

    def _write(self, data: dict[str, list[float]]) -> None:
        if self.path is None:
            self._memory = data
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)
