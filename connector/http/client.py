"""One HTTP client for every vendor: timeouts, retries that honour the vendor's own headers,
client-side rate limiting, Decimal JSON, redacted logging and the optional request trace.

Vendor clients compose it with three small vendor-specific pieces: an auth object, a
`retry_at` parser for their rate-limit headers and an `error_message` extractor for their
error bodies. Nothing here knows about Moneybird, Exact or e-Boekhouden.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urljoin

import requests

from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import (
    ApiError,
    AuthenticationFailed,
    HostError,
    HostUnavailable,
    NotFound,
    QuotaExhausted,
)
from connector.http.ratelimit import NoLimiter, SlidingWindowLimiter
from connector.http.redact import redact_text, redact_url
from connector.http.trace import trace_request

log = logging.getLogger("connector.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class OutcomeUnknown(HostError):
    """A write may or may not have reached the host (timeout after sending): never blindly retried."""


class Auth(Protocol):
    """Adds credentials to a request and can try once to renew them after a 401."""

    def headers(self) -> Mapping[str, str]: ...

    def renew(self) -> bool:
        """Get fresh credentials after a 401; False when that is impossible."""


class BearerToken:
    """A fixed bearer token (Moneybird personal token, a simulator token)."""

    def __init__(self, token: str) -> None:
        self._token = token

    @property
    def limit_key(self) -> str:
        """What the host counts requests against: the token, hashed so it can be kept and compared."""
        return "bearer:" + hashlib.sha256(self._token.encode()).hexdigest()

    def headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def renew(self) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts, exponential backoff with jitter, and the longest wait we accept."""

    max_attempts: int = 5
    connect_attempts: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 60.0
    max_wait: float = 600.0
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds_or_date(response: requests.Response, now: float) -> float | None:
    """RFC 9110 Retry-After (delta seconds or HTTP date) as an absolute epoch time."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + int(value)
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def default_error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    if isinstance(body, dict):
        for key in ("error", "message", "title", "detail"):
            if body.get(key):
                return str(body[key])
    return str(body)[:200]


class HttpClient:
    """A vendor's base URL plus everything needed to call it safely."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        *,
        auth: Auth | None = None,
        clock: Clock = SYSTEM_CLOCK,
        limiter: SlidingWindowLimiter | NoLimiter | None = None,
        retry: RetryPolicy = RetryPolicy(),
        retry_at: Callable[[requests.Response, float], float | None] = retry_after_seconds_or_date,
        error_message: Callable[[requests.Response], str] = default_error_message,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        on_response: Callable[[requests.Response], None] | None = None,
        refused_hint: str = "",
    ) -> None:
        """`refused_hint`: what the user can do when the host refuses the credentials (401/403),
        added to that error's message (e.g. the command that stores a new token)."""
        self.vendor = vendor
        self.refused_hint = refused_hint
        self.base_url = base_url.rstrip("/") + "/"
        self.auth = auth
        self.clock = clock
        self.limiter = limiter or NoLimiter()
        self.retry = retry
        self.retry_at = retry_at
        self.error_message = error_message
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "debiteurenbeheer-connector/0.1")
        self.on_response = on_response
        self.calls = 0

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return urljoin(self.base_url, path.lstrip("/"))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        allow_statuses: frozenset[int] = frozenset(),
    ) -> requests.Response:
        """Send with retries; raise a typed error for anything that is not a success."""
        method = method.upper()
        url = self.url(path)
        body = json.dumps(json_body, default=_json_default) if json_body is not None else data
        renewed = False
        attempt = 0
        while True:
            attempt += 1
            self.limiter.acquire()
            request_headers = {"Accept": "application/json", **(headers or {})}
            if json_body is not None:
                request_headers["Content-Type"] = "application/json"
            if self.auth is not None:
                request_headers.update(self.auth.headers())
            started = time.perf_counter()
            try:
                response = self.session.request(
                    method, url, params=params, data=body, headers=request_headers, timeout=self.timeout
                )
            except requests.ConnectionError as exc:
                self._trace(method, url, params, None, started)
                if request_may_have_arrived(exc, method):
                    raise OutcomeUnknown(
                        f"{self.vendor}: {method} {redact_url(url)} lost its connection; outcome unknown"
                    ) from None
                if attempt >= self.retry.connect_attempts:
                    raise self._unreachable(exc) from None
                self._backoff(attempt, None)
                continue
            except requests.Timeout as exc:
                self._trace(method, url, params, None, started)
                if method not in IDEMPOTENT_METHODS:
                    raise OutcomeUnknown(
                        f"{self.vendor}: {method} {redact_url(url)} timed out after sending; outcome unknown"
                    ) from None
                if attempt >= self.retry.max_attempts:
                    raise self._unreachable(exc) from None
                self._backoff(attempt, None)
                continue
            self.calls += 1
            self._trace(method, response.url, None, response.status_code, started)
            if self.on_response is not None:
                self.on_response(response)
            status = response.status_code
            if status < 400 or status in allow_statuses:
                return response
            if status == 401 and self.auth is not None and not renewed and self.auth.renew():
                renewed = True
                continue
            retry_at = self.retry_at(response, self.clock.now()) if status == 429 else None
            if retry_at is not None:
                self.limiter.block_until(retry_at)
            retryable = status in self.retry.retry_statuses and (
                method in IDEMPOTENT_METHODS or status in (429, 503)
            )
            if retryable and attempt < self.retry.max_attempts:
                self._backoff(attempt, retry_at)
                continue
            raise self._error(response)

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.parse_json(self.request("GET", path, params=params))

    def post_json(self, path: str, body: Any, **kwargs: Any) -> Any:
        return self.parse_json(self.request("POST", path, json_body=body, **kwargs))

    def parse_json(self, response: requests.Response) -> Any:
        """Decode a JSON body with Decimal numbers (a float never touches money)."""
        if not response.content:
            return None
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError as exc:
            raise ApiError(
                f"{self.vendor}: expected JSON from {redact_url(response.url)}, got {response.text[:80]!r}",
                status=response.status_code,
            ) from exc

    def _backoff(self, attempt: int, retry_at: float | None) -> None:
        now = self.clock.now()
        if retry_at is not None:
            wait = retry_at - now + random.uniform(0.05, 0.5)
        else:
            wait = min(self.retry.backoff_cap, self.retry.backoff_base * 2 ** (attempt - 1))
            wait *= random.uniform(0.8, 1.2)
        if wait > self.retry.max_wait:
            raise QuotaExhausted(
                f"{self.vendor}: the host asks to wait {wait:.0f} s before the next call; stopping this run"
            )
        log.info("%s: retry %d in %.1f s", self.vendor, attempt, wait)
        self.clock.sleep(max(wait, 0.0))

    def _trace(self, method: str, url: str, params: Mapping[str, Any] | None, status: int | None,
               started: float) -> None:
        if params:
            url = requests.Request(method, url, params=params).prepare().url or url
        trace_request(self.vendor, method, redact_url(url), status, (time.perf_counter() - started) * 1000)

    def _unreachable(self, exc: Exception) -> HostError:
        host = self.base_url.split("/")[2]
        return HostUnavailable(f"{self.vendor}: cannot reach {host} ({type(exc).__name__}); is it up?")

    def _error(self, response: requests.Response) -> HostError:
        status = response.status_code
        message = redact_text(self.error_message(response))
        where = f"{response.request.method} {redact_url(response.url)}"
        if status in (401, 403):
            hint = f"; {self.refused_hint}" if self.refused_hint else ""
            return AuthenticationFailed(f"{self.vendor}: {where} was refused ({status}): {message}{hint}")
        if status == 404:
            return NotFound(f"{self.vendor}: {where}: not found: {message}", status=status)
        if status == 429:
            return QuotaExhausted(f"{self.vendor}: rate limit still exceeded after retries: {message}")
        if status >= 500:
            return HostUnavailable(f"{self.vendor}: {where} failed with {status}: {message}")
        try:
            body = response.json()
        except ValueError:
            body = response.text[:500]
        return ApiError(f"{self.vendor}: {where} rejected ({status}): {message}", status=status, body=body)


def request_may_have_arrived(exc: requests.ConnectionError, method: str) -> bool:
    """A write whose connection broke after sending may have been applied: don't resend it.

    A connect timeout means no connection was made, so nothing was sent and a retry is safe.
    """
    if method in IDEMPOTENT_METHODS or isinstance(exc, requests.ConnectTimeout):
        return False
    text = str(exc)
    return not any(marker in text for marker in ("Connection refused", "Failed to establish", "NameResolution"))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
