"""e-Boekhouden REST v1 client: the session flow, paths, paging and error mapping.

Authentication is two-step (research/eboekhouden.md §1.1): the long-lived API token is
exchanged at `POST /v1/session` for a short-lived session token, which goes raw (no
"Bearer") in the `Authorization` header. The session is reused until shortly before its
`expiresIn` runs out and renewed once when a call answers 401.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from adapters.eboekhouden.errors import error_message, refusal
from adapters.eboekhouden.jsonnum import dumps, loads
from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import ApiError, ConfigError, HostError
from connector.http import HttpClient, RetryPolicy

VENDOR = "e-Boekhouden"
DEFAULT_BASE_URL = "https://api.e-boekhouden.nl"
MAX_PAGE_SIZE = 2000
INVOICE_SENT = 2  # mutation type "Invoice sent" (SOAP FactuurVerstuurd): a booked sales invoice
DEFAULT_SOURCE = "Debiteuren"
FALLBACK_SESSION_SECONDS = 3600
SOURCE_PATTERN = re.compile(r"^[\w ]{1,10}$")
REFUSALS = frozenset({400, 403})
DEFAULT_RETRY = RetryPolicy()
log = logging.getLogger("connector.adapters.eboekhouden")


def check_source(source: str) -> str:
    """The session `source` must match ^[\\w_ ]{1,10}$ (API_SESSION_002), so refuse bad ones up front."""
    if not SOURCE_PATTERN.match(source):
        raise ConfigError(
            f"e-Boekhouden setting `source` = {source!r}: use 1-10 letters, digits, '_' or spaces"
        )
    return source


def camel_keys(value: Any) -> Any:
    """Lower the first letter of every key: live list DTOs have been seen in PascalCase too."""
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:] if isinstance(k, str) else k): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    return value


class SessionAuth:
    """The `Auth` of connector.http: opens, caches and renews the session token."""

    def __init__(self, http: HttpClient, *, api_token: str, source: str, clock: Clock) -> None:
        self._http = http
        self._api_token = api_token
        self._source = check_source(source)
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0
        self.sessions_opened = 0

    def headers(self) -> Mapping[str, str]:
        if self._token is None or self._clock.now() >= self._renew_at:
            self._open()
        assert self._token is not None
        return {"Authorization": self._token}

    def renew(self) -> bool:
        self._token = None
        self._open()
        return True

    def close(self) -> None:
        """Revoke the session (`DELETE /v1/session`); a failure here must not hide the run's result."""
        if self._token is None:
            return
        token, self._token = self._token, None
        try:
            self._http.request("DELETE", "v1/session", headers={"Authorization": token},
                               allow_statuses=frozenset({401, 403, 404}))
        except HostError as exc:  # best effort: the session expires on its own anyway
            log.info("e-Boekhouden: could not end the session: %s", exc)

    def _open(self) -> None:
        response = self._http.request(
            "POST", "v1/session",
            data=dumps({"accessToken": self._api_token, "source": self._source}),
            headers={"Content-Type": "application/json"},
            allow_statuses=REFUSALS,
        )
        if response.status_code in REFUSALS:
            raise refusal(VENDOR, response)
        body = camel_keys(loads(response.content))
        token = body.get("token") if isinstance(body, dict) else None
        if not token:
            raise ApiError(f"{VENDOR}: POST /v1/session answered without a token", status=response.status_code)
        seconds = int(body.get("expiresIn") or FALLBACK_SESSION_SECONDS)
        margin = min(60.0, seconds / 4)
        self._token = str(token)
        self._renew_at = self._clock.now() + seconds - margin
        self.sessions_opened += 1


class EboekhoudenClient:
    """Typed access to the handful of endpoints the connector needs."""

    def __init__(
        self,
        *,
        api_token: str,
        base_url: str = DEFAULT_BASE_URL,
        source: str = DEFAULT_SOURCE,
        clock: Clock = SYSTEM_CLOCK,
        retry: RetryPolicy = DEFAULT_RETRY,
        timeout: float = 30.0,
        page_size: int = MAX_PAGE_SIZE,
        session: requests.Session | None = None,
        refused_hint: str = "",
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigError(f"e-Boekhouden page size {page_size}: must be 1..{MAX_PAGE_SIZE}")
        shared = session or requests.Session()
        common: dict[str, Any] = {"clock": clock, "retry": retry, "timeout": timeout, "session": shared,
                                  "error_message": error_message, "refused_hint": refused_hint}
        self._session_http = HttpClient(VENDOR, base_url, **common)
        self.auth = SessionAuth(self._session_http, api_token=api_token, source=source, clock=clock)
        self.http = HttpClient(VENDOR, base_url, auth=self.auth, **common)
        self._files = HttpClient(f"{VENDOR} PDF", base_url, **common)
        self.page_size = page_size

    @property
    def calls(self) -> int:
        """Every HTTP call made, session calls and PDF downloads included."""
        return self._session_http.calls + self.http.calls + self._files.calls

    def close(self) -> None:
        self.auth.close()

    # -- plumbing -------------------------------------------------------------------------
    def call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Any = None) -> Any:
        data = dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else None
        response = self.http.request(method, path, params=params, data=data, headers=headers,
                                     allow_statuses=REFUSALS)
        if response.status_code in REFUSALS:
            raise refusal(VENDOR, response)
        return camel_keys(self.http.parse_json(response))

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[dict[str, Any]]]:
        """limit/offset paging: `count` is the page's size, so stop at the first short page."""
        offset = 0
        while True:
            body = self.call("GET", path, params={**(params or {}), "limit": self.page_size, "offset": offset})
            items = list((body or {}).get("items") or [])
            yield items
            if len(items) < self.page_size:
                return
            offset += self.page_size

    # -- endpoints ------------------------------------------------------------------------
    def outstanding_invoices(self) -> Iterator[list[dict[str, Any]]]:
        """Open debtor items (`credDeb=D`, required: MUTA_006 without it)."""
        return self.pages("v1/mutation/invoice/outstanding", {"credDeb": "D"})

    def outstanding_by_number(self, invoice_number: str) -> list[dict[str, Any]]:
        body = self.call("GET", "v1/mutation/invoice/outstanding",
                         params={"credDeb": "D", "invoiceNumber": invoice_number, "limit": 100})
        return list((body or {}).get("items") or [])

    def mutation(self, mutation_id: str | int) -> dict[str, Any]:
        return self.call("GET", f"v1/mutation/{int(mutation_id)}")

    def mutations(self, **filters: Any) -> Iterator[list[dict[str, Any]]]:
        return self.pages("v1/mutation", {k: v for k, v in filters.items() if v not in (None, "")})

    def sales_mutations(self, first_date: str, last_date: str) -> Iterator[list[dict[str, Any]]]:
        """Booked sales invoices (type 2, "Invoice sent") dated within [first, last], credit notes included."""
        return self.pages("v1/mutation", {"type": INVOICE_SENT, "date[range]": f"{first_date},{last_date}"})

    def create_mutation(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return self.call("POST", "v1/mutation", body=dict(body)) or {}

    def relation(self, relation_id: str | int) -> dict[str, Any]:
        return self.call("GET", f"v1/relation/{int(relation_id)}")

    def relations(self) -> Iterator[list[dict[str, Any]]]:
        return self.pages("v1/relation")

    def invoices(self, first_date: str, last_date: str) -> Iterator[list[dict[str, Any]]]:
        """Invoices made in e-Boekhouden's invoicing module, dated within [first, last]."""
        return self.pages("v1/invoice", {"date[range]": f"{first_date},{last_date}"})

    def invoices_by_number(self, invoice_number: str) -> list[dict[str, Any]]:
        body = self.call("GET", "v1/invoice", params={"invoiceNumber": invoice_number, "limit": 100})
        return list((body or {}).get("items") or [])

    def invoice(self, invoice_id: str | int) -> dict[str, Any]:
        return self.call("GET", f"v1/invoice/{int(invoice_id)}")

    def ledgers(self, *, category: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("category", category), ("code", code)) if v}
        return [item for page in self.pages("v1/ledger", params) for item in page]

    def download(self, url: str) -> bytes:
        """Fetch a shareable file link (`urlPdfFile`); sent without our session token."""
        return self._files.request("GET", url, headers={"Accept": "application/pdf"}).content
