"""The local HTTP server every vendor simulator runs on: a threaded werkzeug server in the background.

Shared by the simulators only (never by adapters), so starting, stopping and quiet request
logging are written once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """Keep-alive connections like the real APIs, and no access log: simulators keep their own."""

    protocol_version = "HTTP/1.1"

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return


class LocalServer:
    """`start(app)` serves a WSGI app on 127.0.0.1 (a free port by default) until `stop()`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.port = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, app: Callable[..., Any], *, host: str = "127.0.0.1", port: int = 0) -> str:
        """Returns the root URL, e.g. http://127.0.0.1:54321."""
        if self._server is not None:
            raise RuntimeError(f"{self.name} already started")
        self._server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=self.name, daemon=True)
        self._thread.start()
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
