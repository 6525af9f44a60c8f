"""Optional request trace: one JSON line per request when CONNECTOR_HTTP_TRACE names a file.

Only vendor, method, URL (secrets redacted), status and duration are written: no headers,
no bodies, so the trace can be shared with a vendor's support desk. The same line goes to
the debug log (`-vv`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import requests

from connector.http.redact import redact_url

TRACE_ENV = "CONNECTOR_HTTP_TRACE"
_lock = threading.Lock()
log = logging.getLogger("connector.http")


def trace_request(vendor: str, method: str, url: str, status: int | None, ms: float) -> None:
    """`url` must already be redacted (redact_url)."""
    log.debug("%s %s %s -> %s (%.0f ms)", vendor, method, url, status, ms)
    path = os.environ.get(TRACE_ENV)
    if not path:
        return
    line = json.dumps({"vendor": vendor, "method": method, "url": url, "status": status, "ms": round(ms, 1)})
    with _lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def trace_response(vendor: str) -> Callable[..., requests.Response]:
    """A requests response hook for calls made outside HttpClient (OAuth token endpoints)."""

    def hook(response: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
        method = response.request.method or "?"
        trace_request(vendor, method, redact_url(response.url), response.status_code,
                      response.elapsed.total_seconds() * 1000)
        return response

    return hook
