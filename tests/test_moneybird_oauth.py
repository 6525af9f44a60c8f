"""Moneybird OAuth through the adapter: consent, expiry, refresh, rotation saved, and a dead grant."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from adapters.base import Stream, StreamState
from adapters.moneybird.adapter import build_adapter
from adapters.moneybird.oauth import SCOPES, oauth_urls
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.errors import ReconsentRequired


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
            secret=secrets.__getitem__, clock=clock, token_vault=vault)
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
    with pytest.raises(ReconsentRequired, match="connector connect"):
        adapter.check_connection()
