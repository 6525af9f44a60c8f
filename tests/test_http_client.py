"""The shared HTTP layer against a real local server: retries, vendor retry headers, pacing, redaction
and the request trace, on a fake clock so no test waits for a backoff."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections import deque
from dataclasses import dataclass

import pytest
from werkzeug.wrappers import Request, Response

from adapters.moneybird.client import moneybird_retry_at
from adapters.simserver import LocalServer
from connector.clock import FakeClock
from connector.errors import ApiError, HostUnavailable, QuotaExhausted
from connector.http import HttpClient, RetryPolicy, SlidingWindowLimiter
from connector.http.client import BearerToken, OutcomeUnknown
from connector.http.trace import TRACE_ENV

TOKEN = "tok-SECRET-0123456789"


class RecordingClock(FakeClock):
    """A fake clock that remembers each sleep and can run something when the client starts waiting."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps: list[float] = []
        self.on_sleep = lambda: None

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.on_sleep()
        super().sleep(seconds)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    body: str
    at: float


class ScriptedHost:
    """A WSGI host answering with queued (status, headers, body) replies, 200 `{}` when none are left."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.replies: deque[tuple[int, dict[str, str], object]] = deque()
        self.seen: list[Seen] = []
        self.release = threading.Event()  # a reply with body `HANG` waits for it (until stop)
        self._server = LocalServer("scripted-host")
        self.url = ""

    def reply(self, status: int, body: object = None, **headers: str) -> None:
        self.replies.append((status, {k.replace("_", "-"): v for k, v in headers.items()}, body or {}))

    def __call__(self, environ: dict, start_response) -> object:
        request = Request(environ)
        self.seen.append(Seen(request.method, request.full_path.rstrip("?"), request.get_data(as_text=True),
                              self.clock.now()))
        status, headers, body = self.replies.popleft() if self.replies else (200, {}, {})
        if body == "HANG":
            self.release.wait(10)
        return Response(json.dumps(body), status=status, headers=headers,
                        content_type="application/json")(environ, start_response)

    def start(self, port: int = 0) -> str:
        self.url = self._server.start(self, port=port)
        return self.url

    def stop(self) -> None:
        self.release.set()
        self._server.stop()


@pytest.fixture
def clock() -> RecordingClock:
    return RecordingClock()


@pytest.fixture
def host(clock):
    scripted = ScriptedHost(clock)
    scripted.start()
    yield scripted
    scripted.stop()


def client(url: str, clock: FakeClock, **kwargs) -> HttpClient:
    return HttpClient("testvendor", url, auth=BearerToken(TOKEN), clock=clock, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- retries ----------------------------------------------------------------------------------------
def test_a_read_is_retried_on_5xx_with_growing_backoff(host, clock):
    host.reply(503)
    host.reply(502)
    assert client(host.url, clock).get_json("things") == {}
    assert [s.method for s in host.seen] == ["GET"] * 3
    first, second = clock.sleeps
    assert 0.4 <= first <= 0.6 and 0.8 <= second <= 1.2  # 0.5 s, then 1 s, each with ±20 % jitter


def test_a_write_is_not_resent_after_a_500_but_is_after_a_503(host, clock):
    host.reply(500, {"error": "boom"})
    with pytest.raises(HostUnavailable, match="failed with 500: boom"):
        client(host.url, clock).post_json("things", {"a": 1})
    assert len(host.seen) == 1 and clock.sleeps == []
    host.reply(503)  # "unavailable": the host refused before doing anything
    host.reply(201, {"id": 7})
    assert client(host.url, clock).post_json("things", {"a": 1}) == {"id": 7}
    assert len(host.seen) == 3


def test_a_refused_connection_is_retried_until_the_host_is_up(clock):
    port = free_port()
    scripted = ScriptedHost(clock)
    clock.on_sleep = lambda: scripted.url or scripted.start(port)  # the host comes up during the backoff
    try:
        assert client(f"http://127.0.0.1:{port}", clock).get_json("things") == {}
    finally:
        scripted.stop()
    assert len(clock.sleeps) == 1 and len(scripted.seen) == 1


def test_a_host_that_stays_down_is_reported_after_the_connect_attempts(clock):
    with pytest.raises(HostUnavailable, match=r"cannot reach 127\.0\.0\.1:\d+ \(ConnectionError\); is it up\?"):
        client(f"http://127.0.0.1:{free_port()}", clock, retry=RetryPolicy(connect_attempts=3)).get_json("x")
    assert len(clock.sleeps) == 2


def test_a_connect_timeout_on_a_write_means_not_sent_so_it_is_retried(clock):
    """requests' ConnectTimeout: no connection was made, so the POST cannot have reached the host."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=1):  # fills the accept queue
            http = client(f"http://127.0.0.1:{port}", clock, timeout=0.05, retry=RetryPolicy(connect_attempts=2))
            with pytest.raises(HostUnavailable, match=r"\(ConnectTimeout\)"):
                http.post_json("things", {"a": 1})
    assert len(clock.sleeps) == 1, "retried once, as for any connection that never opened"


def test_a_read_timeout_on_a_write_is_outcome_unknown_and_a_read_is_retried(host, clock):
    host.reply(200, "HANG")
    with pytest.raises(OutcomeUnknown, match="timed out after sending; outcome unknown"):
        client(host.url, clock, timeout=0.05).post_json("things", {"a": 1})
    assert clock.sleeps == []
    host.reply(200, "HANG")
    host.reply(200, {"ok": True})
    assert client(host.url, clock, timeout=0.05).get_json("things") == {"ok": True}
    assert len(clock.sleeps) == 1


# ---- the vendor's retry headers -----------------------------------------------------------------------
def test_moneybird_429_waits_until_the_absolute_epoch_in_retry_after(host, clock):
    reset = int(clock.now()) + 120
    host.reply(429, "Retry later", Retry_After=str(reset), RateLimit_Reset=str(reset), RateLimit_Remaining="0")
    http = client(host.url, clock, retry_at=moneybird_retry_at, limiter=SlidingWindowLimiter(150, 300, clock))
    assert http.get_json("things") == {}
    assert 120 <= sum(clock.sleeps) <= 121  # the epoch minus now, plus at most 0.5 s jitter; not 56 years
    assert host.seen[1].at >= reset


def test_an_rfc_retry_after_in_seconds_and_one_beyond_the_longest_wait(host, clock):
    host.reply(429, {"error": "slow down"}, Retry_After="7")
    assert client(host.url, clock).get_json("things") == {}
    assert 7 <= clock.sleeps[0] <= 7.5
    host.reply(429, {"error": "slow down"}, Retry_After="3600")
    with pytest.raises(QuotaExhausted, match="asks to wait 3600 s"):
        client(host.url, clock, retry=RetryPolicy(max_wait=600)).get_json("things")


def test_the_limiter_keeps_every_window_under_its_limit(host, clock):
    http = client(host.url, clock, limiter=SlidingWindowLimiter(3, 60, clock))
    for _ in range(7):
        http.get_json("things")
    arrivals = [s.at for s in host.seen]
    assert all(sum(1 for t in arrivals if start <= t < start + 60) <= 3 for start in arrivals)
    assert arrivals[-1] - arrivals[0] >= 120 and clock.now() - arrivals[0] < 121


# ---- nothing secret leaves the process ------------------------------------------------------------
def test_tokens_are_redacted_from_log_lines_and_error_messages(host, clock, caplog):
    host.reply(200)
    host.reply(422, {"error": f"Bearer {TOKEN} may not book on NL91ABNA0417164300"})
    with caplog.at_level(logging.DEBUG, logger="connector"):
        http = client(host.url, clock)
        http.get_json("things", params={"filter": "state:open", "access_token": "qs-SECRET-42"})
        with pytest.raises(ApiError) as info:
            http.post_json("things", {"a": 1})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "filter=state:open" in logged and "access_token=[redacted]" in logged
    assert "SECRET" not in logged + str(info.value)
    assert "Bearer [redacted]" in str(info.value) and "NL91****4300" in str(info.value)
    assert "access_token=qs-SECRET-42" in host.seen[0].path, "the host itself still gets the real query"


def test_the_trace_is_one_json_line_per_request_with_the_full_url_and_nothing_else(host, clock, tmp_path,
                                                                                  monkeypatch):
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv(TRACE_ENV, str(trace))
    http = client(host.url, clock)
    http.get_json("things", params={"filter": "period:20200101..20261231,state:open", "page": 2})
    http.post_json("things", {"secret-body-value": TOKEN})
    with pytest.raises(HostUnavailable):
        client(f"http://127.0.0.1:{free_port()}", clock, retry=RetryPolicy(connect_attempts=1)).get_json("x")
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [set(line) for line in lines] == [{"vendor", "method", "url", "status", "ms"}] * 3
    assert [(line["vendor"], line["method"], line["status"]) for line in lines] == [
        ("testvendor", "GET", 200), ("testvendor", "POST", 200), ("testvendor", "GET", None)]
    assert lines[0]["url"] == f"{host.url}/things?filter=period:20200101..20261231,state:open&page=2"
    assert all(isinstance(line["ms"], float) and line["ms"] >= 0 for line in lines)
    text = trace.read_text()
    assert TOKEN not in text and "secret-body-value" not in text and "Authorization" not in text
