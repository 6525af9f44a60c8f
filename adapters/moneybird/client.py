"""Moneybird REST API v2 client: paths, auth, and Moneybird's own rate-limit semantics.

Moneybird allows 150 requests per 5 minutes and answers 429 with `Retry-After` and
`RateLimit-Reset` as *absolute* UTC epoch seconds (not delta seconds as RFC 9110 says);
reading them as deltas would make us wait decades or not at all.

The limit belongs to the token, not to the administration: every client in this process that
uses the same token (several administrations, `workers` > 1) draws on one shared limiter.
Separate processes on one token are not coordinated; they meet Moneybird's 429 and wait it out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ApiError
from connector.http import HttpClient, RetryPolicy
from connector.http.client import Auth
from connector.http.ratelimit import shared_limiter

RATE_LIMIT = 150
RATE_WINDOW = 300.0
SYNC_BATCH = 100
PER_PAGE = 100  # the spec's maximum; the default (50, or 25 on some lists) is unconfirmed


def moneybird_retry_at(response: requests.Response, now: float) -> float | None:
    """Epoch seconds from Retry-After / RateLimit-Reset; tolerate a delta from proxies that send one."""
    for header in ("Retry-After", "RateLimit-Reset"):
        value = response.headers.get(header, "").strip()
        if value.isdigit():
            number = int(value)
            return float(number) if number > 1_000_000_000 else now + number
    return None


def moneybird_error_message(response: requests.Response) -> str:
    """Moneybird errors: {"error": "text", "symbolic": {...}}, {"error": {"field": ["msg"]}} or "Retry later"."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return "; ".join(f"{field}: {', '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                             for field, msgs in error.items())
        return str(error)
    return str(body)


def next_link(response: requests.Response) -> str | None:
    """The `rel="next"` URL of a `Link` header (not simply the first URL: tap-moneybird's bug)."""
    for part in response.headers.get("Link", "").split(","):
        url, _, params = part.partition(";")
        rels = {p.strip().removeprefix("rel=").strip('"') for p in params.split(";") if "rel=" in p}
        if "next" in rels and url.strip().startswith("<") and url.strip().endswith(">"):
            return url.strip()[1:-1]
    return None


class MoneybirdAuth(Auth, Protocol):
    @property
    def limit_key(self) -> str:
        """A stable, non-secret name of the token whose quota the requests use."""


class MoneybirdClient:
    """Calls scoped to one administration, rate-limited to stay under 150 per 5 minutes per token."""

    def __init__(self, base_url: str, administration_id: str, auth: MoneybirdAuth, *,
                 clock: Clock = SYSTEM_CLOCK, timeout: float = 30.0, refused_hint: str = "") -> None:
        self.administration_id = administration_id
        self.limiter = shared_limiter(f"moneybird {base_url.rstrip('/')} {auth.limit_key}", RATE_LIMIT,
                                      RATE_WINDOW, clock)
        self.http = HttpClient(
            "moneybird", base_url, auth=auth, clock=clock, limiter=self.limiter,
            retry=RetryPolicy(max_attempts=6, max_wait=RATE_WINDOW + 60),
            retry_at=moneybird_retry_at, error_message=moneybird_error_message,
            timeout=timeout, on_response=self._observe_limit, refused_hint=refused_hint,
        )

    def _observe_limit(self, response: requests.Response) -> None:
        """When the host says the window is spent, wait for its reset rather than collect a 429."""
        if response.headers.get("RateLimit-Remaining") == "0":
            reset = moneybird_retry_at(response, self.http.clock.now())
            if reset is not None:
                self.limiter.block_until(reset)

    def _path(self, resource: str) -> str:
        return f"{self.administration_id}/{resource}.json"

    @property
    def calls(self) -> int:
        return self.http.calls

    def administrations(self) -> list[dict[str, Any]]:
        return self.http.get_json("administrations.json")

    def get(self, resource: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.http.get_json(self._path(resource), params=params)

    def pages(self, resource: str, filter_terms: str) -> Iterator[list[dict[str, Any]]]:
        """Each page of a paginated list (100 a page), following the `Link: rel="next"` header.

        A next link to another host is refused: it would receive our token."""
        url: str | None = self._path(resource)
        params: dict[str, Any] | None = {"filter": filter_terms, "per_page": PER_PAGE}
        seen: set[str] = set()
        while url is not None:
            response = self.http.request("GET", url, params=params)
            yield list(self.http.parse_json(response) or [])
            following = next_link(response)
            if following is not None and (following in seen or not self._same_host(following)):
                raise ApiError(f"moneybird: refusing paging link {following!r} from {resource}")
            if following is not None:
                seen.add(following)
            url, params = following, None

    def _same_host(self, url: str) -> bool:
        ours, theirs = urlsplit(self.http.base_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    def sync_versions(self, resource: str, filter_terms: str | None = None) -> dict[str, str]:
        """id -> version for every record matching the filter (one call, no paging)."""
        params = {"filter": filter_terms} if filter_terms else None
        listing = self.http.get_json(self._path(f"{resource}/synchronization"), params=params) or []
        return {str(item["id"]): str(item["version"]) for item in listing}

    def sync_fetch(self, resource: str, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Full records for at most 100 ids (Moneybird ignores the rest, so we never send more)."""
        if len(ids) > SYNC_BATCH:
            raise ValueError(f"at most {SYNC_BATCH} ids per synchronization fetch")
        return self.http.post_json(self._path(f"{resource}/synchronization"), {"ids": list(ids)}) or []

    def post(self, resource: str, body: Any) -> Any:
        return self.http.post_json(self._path(resource), body)

    def patch(self, resource: str, body: Any) -> Any:
        return self.http.parse_json(self.http.request("PATCH", self._path(resource), json_body=body))
