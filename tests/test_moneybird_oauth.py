"""Moneybird OAuth through the adapter: consent, expiry, refresh, rotation saved, and a dead grant."""

from __future__ import annotations

import json
import socket
from datetime import date

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from adapters.base import Stream, StreamState
from adapters.moneybird.adapter import build_adapter
from adapters.moneybird.oauth import SCOPES, MoneybirdOAuth, oauth_urls
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.errors import HostUnavailable, ReconsentRequired


class DictVault:
    def __init__(self) -> None:
        self.data: dict[str, dict] = {}
        self.saves = 0

    def load(self, key: str) -> dict | None:
        return self.data.get(key)

    def save(self, key: str, tokens: dict) -> None:
        self.data[key] = dict(tokens)
        self.saves += 1


def consent(simulator: MoneybirdSimulator) -> dict:
    """What `connector init` does: authorize in the 'browser', catch the code, exchange it."""
    authorize_url, token_url = oauth_urls(simulator.base_url)
    redirect = "http://localhost:8400/callback"
    session = OAuth2Session(simulator.client_id, simulator.client_secret, scope=SCOPES, redirect_uri=redirect)
    url, _state = session.create_authorization_url(authorize_url)
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    return session.fetch_token(token_url, authorization_response=answer.headers["Location"])


@pytest.fixture
def setup():
    clock = FakeClock()
    with MoneybirdSimulator(seed=1, invoices=20, clock=clock, today=date(2026, 11, 23),
                            oauth_token_lifetime=3600) as simulator:
        token = consent(simulator)
        vault = DictVault()
        key = f"moneybird:{simulator.administration_id}"
        vault.save(key, {"access_token": token["access_token"], "refresh_token": token["refresh_token"],
                         "expires_at": clock.now() + token["expires_in"]})
        secrets = {"client_id": simulator.client_id, "client_secret": simulator.client_secret}
        adapter = build_adapter(
            {"administration_id": simulator.administration_id, "base_url": simulator.base_url, "auth": "oauth"},
            secret=secrets.__getitem__, clock=clock, token_vault=vault, admin_key="bakkerij-jansen")
        yield simulator, adapter, vault, key, clock


def test_expired_access_token_is_refreshed_and_the_rotation_saved(setup):
    simulator, adapter, vault, key, clock = setup
    assert adapter.check_connection().administration_name
    first = dict(vault.load(key))
    clock.advance(3600)  # the access token has expired
    batches = list(adapter.pull(Stream.INVOICES, StreamState()))
    assert sum(len(b.upserts) for b in batches) > 0
    second = vault.load(key)
    assert second["refresh_token"] != first["refresh_token"], "the new refresh token is kept"
    assert second["access_token"] != first["access_token"]
    assert all(entry.status != 401 for entry in simulator.request_log if "/oauth/" not in entry.path)


def test_a_refused_refresh_asks_for_a_new_consent(setup):
    simulator, adapter, vault, key, clock = setup
    tokens = vault.load(key)
    vault.save(key, {**tokens, "refresh_token": "burned", "expires_at": clock.now() - 1})
    with pytest.raises(ReconsentRequired, match=r"of 'bakkerij-jansen' \(invalid_grant\); log in again with "
                                                r"`connector connect bakkerij-jansen`"):
        adapter.check_connection()
    vault.data.clear()
    with pytest.raises(ReconsentRequired, match="no OAuth login stored for 'bakkerij-jansen'; run "
                                                "`connector connect bakkerij-jansen`"):
        adapter.check_connection()


def test_the_refresh_is_traced_like_every_other_request(setup, tmp_path, monkeypatch):
    simulator, adapter, vault, key, clock = setup
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv("CONNECTOR_HTTP_TRACE", str(trace))
    clock.advance(3600)
    adapter.check_connection()
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert (lines[0]["method"], lines[0]["url"], lines[0]["status"]) == \
        ("POST", f"{simulator.root_url}/oauth/token", 200)
    assert all(set(line) == {"vendor", "method", "url", "status", "ms"} for line in lines)
    assert vault.load(key)["refresh_token"] not in trace.read_text()


def test_a_token_endpoint_that_does_not_answer_times_out_as_host_unavailable(setup):
    _simulator, _adapter, vault, key, clock = setup
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts the connection, never answers
        auth = MoneybirdOAuth(base_url=f"http://127.0.0.1:{listener.getsockname()[1]}/api/v2",
                              client_id="id", client_secret="secret", vault=vault, vault_key=key,
                              admin_key="bakkerij-jansen", clock=clock, timeout=0.1)
        with pytest.raises(HostUnavailable, match="cannot refresh the login of 'bakkerij-jansen'.*ReadTimeout"):
            auth.renew()
