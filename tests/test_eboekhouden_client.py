"""e-Boekhouden client: session flow and expiry, renewal on 401, paging, errors, retries."""

from __future__ import annotations

import pytest

from adapters.eboekhouden.client import EboekhoudenClient, camel_keys, check_source
from adapters.eboekhouden.errors import AdministrationBlocked
from adapters.eboekhouden.simulator import EboekhoudenSimulator
from connector.clock import FakeClock
from connector.errors import ApiError, AuthenticationFailed, ConfigError, HostUnavailable


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock):
    with EboekhoudenSimulator(clock=clock, invoices=60, session_seconds=900) as simulator:
        yield simulator


def make_client(sim: EboekhoudenSimulator, clock: FakeClock, **options) -> EboekhoudenClient:
    return EboekhoudenClient(api_token=options.pop("api_token", sim.api_token), base_url=sim.base_url,
                             clock=clock, **options)


def endpoints(sim: EboekhoudenSimulator) -> list[tuple[str, int]]:
    return [(entry.endpoint, entry.status) for entry in sim.request_log]


def test_one_session_serves_many_calls_with_the_raw_token(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers(category="DEB")
    client.relation(next(iter(sim.data.relations)))
    assert [e for e, _ in endpoints(sim)] == ["start_session", "get_ledgers", "get_relation"]
    assert sim.request_log[0].body == {"accessToken": sim.api_token, "source": "Debiteuren"}
    token = client.auth.headers()["Authorization"]
    assert not token.lower().startswith("bearer") and token in sim.state.sessions
    assert client.calls == 3


def test_session_is_renewed_before_it_expires_on_the_clock(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers()
    clock.advance(900 - 30)  # inside the renewal margin: renew first instead of risking a 401
    client.ledgers()
    assert endpoints(sim) == [("start_session", 200), ("get_ledgers", 200),
                              ("start_session", 200), ("get_ledgers", 200)]


def test_a_401_renews_the_session_once_and_repeats_the_call(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers()
    sim.expire_sessions()  # e.g. the server restarted or the session was revoked elsewhere
    assert client.ledgers()
    assert endpoints(sim)[1:] == [("get_ledgers", 200), ("get_ledgers", 401),
                                  ("start_session", 200), ("get_ledgers", 200)]


def test_revoked_api_token_gives_authentication_failed(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers()
    sim.expire_sessions()
    sim.revoke_api_token()
    with pytest.raises(AuthenticationFailed, match="Access token is invalid"):
        client.ledgers()
    assert [e for e, _ in endpoints(sim)].count("start_session") == 2


def test_wrong_api_token(sim, clock) -> None:
    with pytest.raises(AuthenticationFailed, match="e-Boekhouden: POST .*/v1/session was refused"):
        make_client(sim, clock, api_token="not-the-token").ledgers()


def test_expired_and_empty_tokens_say_what_to_do(sim, clock) -> None:
    with pytest.raises(AuthenticationFailed, match=r"API token is empty.*\[API_SESSION_003\]"):
        make_client(sim, clock, api_token="").ledgers()
    sim.expire_api_token()
    with pytest.raises(AuthenticationFailed, match=r"API token has expired; create a new one.*API_SESSION_004"):
        make_client(sim, clock).ledgers()


@pytest.mark.parametrize("source", ["", "Debiteurenbeheer", "Incasso!", "a-b"])
def test_source_must_match_the_session_pattern(source: str) -> None:
    with pytest.raises(ConfigError, match="source"):
        check_source(source)


def test_simulator_enforces_the_source_pattern_too(sim) -> None:
    import requests

    answer = requests.post(f"{sim.base_url}/v1/session", json={"accessToken": sim.api_token, "source": "x" * 11})
    assert answer.status_code == 400 and answer.json()["code"] == "API_SESSION_002"


def test_limit_offset_paging_stops_at_the_first_short_page(sim, clock) -> None:
    client = make_client(sim, clock, page_size=7)
    items = [item for page in client.outstanding_invoices() for item in page]
    assert len(items) == len({item["mutationId"] for item in items}) == len(sim.open_invoices())
    pages = [entry.args for entry in sim.request_log if entry.endpoint == "get_outstanding_invoices"]
    assert len(pages) == len(items) // 7 + 1
    assert [p["offset"] for p in pages] == [str(7 * n) for n in range(len(pages))]
    assert all(p["limit"] == "7" and p["credDeb"] == "D" for p in pages)


def test_page_size_is_bounded_like_the_api() -> None:
    with pytest.raises(ConfigError):
        EboekhoudenClient(api_token="t", page_size=2001)


def test_validation_error_body_becomes_a_clear_message(sim, clock) -> None:
    client = make_client(sim, clock)
    with pytest.raises(ApiError) as caught:
        client.call("GET", "v1/relation", params={"limit": 5000})
    assert caught.value.status == 400
    assert "limit must be between 1 and 2000 (field limit)" in str(caught.value)
    assert "[PAGE_001]" in str(caught.value)


def test_administration_closed_for_overdue_payment(sim, clock) -> None:
    client = make_client(sim, clock)
    sim.block_administration("SECURITY_005")
    with pytest.raises(AdministrationBlocked, match="payment to e-Boekhouden is overdue") as caught:
        client.ledgers()
    assert caught.value.status == 403 and caught.value.body["code"] == "SECURITY_005"


def test_server_errors_are_retried_on_the_injected_clock(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers()
    sim.fail_next(503, count=2)
    assert client.ledgers()
    assert [s for e, s in endpoints(sim) if e == "get_ledgers"] == [200, 503, 503, 200]
    assert clock.slept > 0


def test_throttling_honours_retry_after(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers()
    before = clock.now()
    sim.fail_next(429, retry_after=20)
    client.ledgers()
    assert clock.now() - before >= 20


def test_host_down_is_host_unavailable(sim, clock) -> None:
    client = make_client(sim, clock)
    sim.stop()
    with pytest.raises(HostUnavailable, match="cannot reach 127.0.0.1"):
        client.ledgers()


def test_close_revokes_the_session(sim, clock) -> None:
    client = make_client(sim, clock)
    client.ledgers()
    client.close()
    client.close()  # nothing left to revoke: no call
    assert endpoints(sim)[-1] == ("end_session", 204)
    assert not sim.state.sessions


def test_pascal_case_bodies_are_read_like_camel_case() -> None:
    assert camel_keys({"Items": [{"MutationId": 1, "OutstandingAmount": 2}], "Count": 1}) == {
        "items": [{"mutationId": 1, "outstandingAmount": 2}], "count": 1}
