"""Optional request trace: one JSON line per request when CONNECTOR_HTTP_TRACE names a file.

Only vendor, method, URL (secrets redacted), status and duration are written: no headers,
no bodies, so the trace can be shared with a vendor's support desk.
"""

from __future__ import annotations

import json
import os
import threading

TRACE_ENV = "CONNECTOR_HTTP_TRACE"
_lock = threading.Lock()


def trace_request(vendor: str, method: str, url: str, status: int | None, ms: float) -> None:
    path = os.environ.get(TRACE_ENV)
    if not path:
        return
    line = json.dumps({"vendor": vendor, "method": method, "url": url, "status": status, "ms": round(ms, 1)})
    with _lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
