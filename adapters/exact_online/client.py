"""Exact Online REST client: division-scoped paths, OData paging, Exact's error bodies and limits.

Every call except `current/Me` carries the division in its path (`/api/v1/{division}/…`);
Exact's "current division" follows whatever administration the user last opened in the UI,
so it is used once to discover, never to decide where data goes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from adapters.exact_online import odata
from adapters.exact_online.limits import EndpointErrorBudget, ExactRateGovernor, endpoint_of
from adapters.exact_online.oauth import ExactHost
from connector.clock import Clock
from connector.errors import ApiError, AuthenticationFailed
from connector.http import HttpClient, RetryPolicy
from connector.http.client import Auth

SYNC_PAGE = 1000
NORMAL_PAGE = 60
ME_FIELDS = (
    "UserID",
    "CurrentDivision",
    "FullName",
    "Email",
    "DivisionCustomerName",
    "LanguageCode",
)


class NoAccess(AuthenticationFailed):
    """403 on a division path: the login may not use this division (or this endpoint in it)."""


def exact_error_message(response: requests.Response) -> str:
    """`{"error":{"code":"","message":{"lang":"","value":"…"}}}` plus the `Reason` header if any."""
    reason = response.headers.get("Reason", "").strip()
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()[:200] or response.reason or ""
        return f"{text} ({reason})" if reason else text
    message: Any = body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            inner = error.get("message", error)
            message = inner.get("value", inner) if isinstance(inner, dict) else inner
        else:
            message = body.get("error_description") or error
    text = str(message)[:300]
    return f"{text} ({reason})" if reason and reason not in text else text


def _results(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    data = body.get("d", body) if isinstance(body, dict) else body
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict) and "results" in data:
        return list(data["results"] or []), data.get("__next")
    if isinstance(data, dict):
        return [data], None
    return [], None


class ExactClient:
    """Calls for one division, within Exact's minute, day and error limits."""

    def __init__(
        self,
        *,
        host: ExactHost,
        division: int,
        auth: Auth,
        clock: Clock,
        state_dir: Path | None = None,
        daily_reserve: int = 100,
        error_budget: int = 5,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.host = host
        self.division = int(division)
        self.clock = clock
        self.governor = ExactRateGovernor(
            clock, division=self.division, daily_reserve=daily_reserve
        )
        errors_file = state_dir / f"exact-errors-{self.division}.json" if state_dir else None
        self.errors = EndpointErrorBudget(
            clock, division=self.division, limit=error_budget, path=errors_file
        )
        self.http = HttpClient(
            "exact",
            host.api_url,
            auth=auth,
            clock=clock,
            limiter=self.governor,
            retry=RetryPolicy(max_attempts=4, backoff_base=2.0, backoff_cap=30.0, max_wait=75.0),
            retry_at=self.governor.retry_at,
            error_message=exact_error_message,
            timeout=timeout,
            session=session,
            on_response=self._on_response,
        )

    @property
    def calls(self) -> int:
        return self.http.calls

    def _on_response(self, response: requests.Response) -> None:
        self.governor.observe(response)
        if response.status_code >= 400 and response.status_code != 429:
            self.errors.record(
                endpoint_of(response.url), response.status_code, exact_error_message(response)[:160]
            )

    def path(self, resource: str, division: int | None = None) -> str:
        return f"{self.division if division is None else division}/{resource.lstrip('/')}"

    def _same_host(self, url: str) -> bool:
        ours, theirs = urlsplit(self.host.api_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    # -- reads -----------------------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """`current/Me`: who we are and Exact's *current* division (not in the daily limit)."""
        self.errors.check("current/Me")
        body = self.http.get_json("current/Me", params={"$select": ",".join(ME_FIELDS)})
        rows, _ = _results(body)
        if not rows:
            raise ApiError("Exact Online: current/Me returned no user")
        return rows[0]

    def pages(
        self,
        resource: str,
        *,
        select: Sequence[str],
        filter: str | None = None,
        params: Mapping[str, str] | None = None,
        division: int | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield each page of rows, following `__next` verbatim (it keeps `$select`/`$filter`)."""
        query: dict[str, str] | None = {"$select": ",".join(select), **(params or {})}
        if filter:
            query["$filter"] = filter
        url: str | None = self.path(resource, division)
        seen: set[str] = set()
        while url:
            self.errors.check(endpoint_of(self.http.url(url)))
            response = self.http.request("GET", url, params=query, allow_statuses=frozenset({403}))
            if response.status_code == 403:
                raise NoAccess(
                    f"Exact Online: this login may not use {resource} of division "
                    f"{self.division if division is None else division} "
                    f"({exact_error_message(response)})"
                )
            rows, following = _results(self.http.parse_json(response))
            yield rows
            if following and (following in seen or not self._same_host(following)):
                raise ApiError(f"Exact Online: refusing paging link {following!r} from {resource}")
            if following:
                seen.add(following)
            url, query = following, None

    def rows(
        self,
        resource: str,
        *,
        select: Sequence[str],
        filter: str | None = None,
        division: int | None = None,
    ) -> list[dict[str, Any]]:
        return [
            row
            for page in self.pages(resource, select=select, filter=filter, division=division)
            for row in page
        ]

    # -- writes ----------------------------------------------------------------------------------

    def post(self, resource: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a record; Exact returns it (with its ID) under `d`; amounts as exact numbers."""
        path = self.path(resource)
        self.errors.check(endpoint_of(self.http.url(path)))
        with self.governor.writing():
            response = self.http.request(
                "POST",
                path,
                data=odata.dumps(body).encode("utf-8"),
                headers={"Content-Type": "application/json", "Prefer": "return=representation"},
            )
        rows, _ = _results(self.http.parse_json(response) or {})
        return rows[0] if rows else {}
