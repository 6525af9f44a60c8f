"""The browser half of an OAuth login: open the consent page, catch the redirect on this computer.

The package sends the browser back to `redirect_uri` with `?code=...&state=...`; a one-shot
HTTP server on the loopback address receives it (RFC 8252 §7.3). The redirect URI must be
the one registered with the app at Moneybird / Exact (default http://localhost:8400/callback);
port 0 picks a free port (tests, packages that accept any loopback port). On a server
without a browser, `--no-browser` prints the address: open it on a desktop with an SSH
tunnel to the listener (`ssh -L 8400:localhost:8400 server`), see docs/operations.md.
"""

from __future__ import annotations

import html
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Self
from urllib.parse import parse_qs, urlsplit, urlunsplit

from connector.errors import ConnectorError

DEFAULT_REDIRECT_URI = "http://localhost:8400/callback"
LOOPBACK = {"localhost": "127.0.0.1", "127.0.0.1": "127.0.0.1", "[::1]": "::1", "::1": "::1"}

DONE_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Connector</title></head>
<body style="font-family: sans-serif; margin: 3em"><h1>{title}</h1><p>{text}</p></body></html>"""


class ConsentFailed(ConnectorError):
    """The login in the browser did not complete (refused, timed out, wrong answer)."""


@dataclass(frozen=True, slots=True)
class Callback:
    """Where the browser was sent back to, as a full URL, and the redirect URI it was sent to."""

    url: str
    redirect_uri: str


class RedirectListener:
    """Serves one GET on the redirect path of a loopback address and remembers its URL."""

    def __init__(self, redirect_uri: str = DEFAULT_REDIRECT_URI) -> None:
        parts = urlsplit(redirect_uri)
        host = parts.hostname or ""
        if parts.scheme != "http" or (host not in LOOPBACK and f"[{host}]" not in LOOPBACK):
            raise ConsentFailed(f"redirect URI {redirect_uri!r}: use http://localhost:PORT/PATH (a loopback "
                                "address on this computer), as registered with the app")
        self._parts = parts
        self._bind = LOOPBACK.get(host, LOOPBACK.get(f"[{host}]", "127.0.0.1"))
        self._path = parts.path or "/"
        self._received: str | None = None
        self._event = threading.Event()
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.redirect_uri = redirect_uri

    def start(self) -> str:
        """Listen; returns the redirect URI with the real port (when 0 was asked for)."""
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if urlsplit(self.path).path != listener._path or listener._event.is_set():
                    self.send_error(404)
                    return
                host = self.headers.get("Host") or f"{listener._bind}:{listener.port}"
                listener._received = f"http://{host}{self.path}"
                query = parse_qs(urlsplit(self.path).query)
                failed = "error" in query or "code" not in query
                title = "Niet gelukt / Not connected" if failed else "Gekoppeld / Connected"
                text = (html.escape(query.get("error_description", query.get("error", ["no code"]))[0])
                        if failed else "U kunt dit venster sluiten en teruggaan naar de terminal. "
                        "You can close this window and return to the terminal.")
                body = DONE_PAGE.format(title=title, text=text).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                listener._event.set()

            def log_message(self, *args: object) -> None:  # keep the terminal for the user's prompts
                return

        server_class = HTTPServer
        if ":" in self._bind:
            import socket

            class V6Server(HTTPServer):
                address_family = socket.AF_INET6

            server_class = V6Server
        try:
            self._server = server_class((self._bind, self._parts.port or 0), Handler)
        except OSError as exc:
            raise ConsentFailed(f"cannot listen on {self.redirect_uri} for the login's answer: {exc.strerror}; "
                                "is another `connector init` running? Use --redirect-uri with another port "
                                "(and register it with the app)") from None
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="oauth-redirect", daemon=True)
        self._thread.start()
        netloc = f"{self._parts.hostname}:{self.port}" if ":" not in self._bind else f"[::1]:{self.port}"
        self.redirect_uri = urlunsplit((self._parts.scheme, netloc, self._path, "", ""))
        return self.redirect_uri

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else 0

    def wait(self, timeout: float) -> str:
        """The URL the browser arrived at; ConsentFailed when nothing came within `timeout` seconds."""
        if not self._event.wait(timeout):
            raise ConsentFailed(f"no answer from the browser within {timeout:.0f} s; run the command again "
                                "and finish the login in the browser")
        assert self._received is not None
        return self._received

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def browser_consent(authorize: Callable[[str], str], *, redirect_uri: str = DEFAULT_REDIRECT_URI,
                    open_browser: bool = True, timeout: float = 300.0,
                    echo: Callable[[str], None] = print, vendor: str = "the package") -> Callback:
    """Run one consent: `authorize(redirect_uri)` returns the page to open; returns where it came back.

    A refused consent (`?error=...`) raises ConsentFailed with the package's reason.
    """
    with RedirectListener(redirect_uri) as listener:
        actual = listener.start()
        url = authorize(actual)
        echo(f"Log in to {vendor} and allow access in your browser. Address:\n\n  {url}\n")
        if open_browser and not webbrowser.open(url):
            echo("(could not open a browser here: open the address above yourself)")
        echo(f"Waiting for the answer on {actual} ...")
        received = listener.wait(timeout)
    query = parse_qs(urlsplit(received).query)
    if "error" in query:
        reason = query.get("error_description", query["error"])[0]
        raise ConsentFailed(f"{vendor} did not grant access: {reason}")
    if "code" not in query:
        raise ConsentFailed(f"{vendor} sent the browser back without a code ({received})")
    return Callback(url=received, redirect_uri=actual)
