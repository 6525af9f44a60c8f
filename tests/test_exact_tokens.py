"""Exact's OAuth rules against the simulator's login server: rotation, 570 s, reuse, 30 days."""

from __future__ import annotations

import pytest
import requests
from filelock import FileLock

from adapters.exact_online import oauth
from adapters.exact_online.adapter import build_adapter
from adapters.exact_online.oauth import ExactHost, RefreshOutcomeUnknown, TooEarlyToRefresh
from adapters.exact_online.simulator import ExactSimulator
from adapters.exact_online.tokens import ExactTokenManager
from connector.clock import FakeClock
from connector.errors import AuthenticationFailed, ReconsentRequired
from tests.pairs.exact_online import JsonFileVault, login, secrets_for, settings_for


@pytest.fixture
def sim():
    clock = FakeClock()
    with ExactSimulator(clock=clock, invoices=5) as simulator:
        simulator.clock_ = clock
        yield simulator


def manager(sim, tmp_path, vault=None, *, host=None, **options) -> ExactTokenManager:
    host = host or ExactHost(sim.base_url)
    return ExactTokenManager(
        host=host,
        client_id=sim.client_id,
        client_secret=sim.client_secret,
        vault=vault or JsonFileVault(tmp_path / "vault.json"),
        vault_key=oauth.default_vault_key(host, sim.client_id),
        clock=sim.clock_,
        lock_path=tmp_path / "login.lock",
        **options,
    )


def me(sim, tokens: ExactTokenManager) -> requests.Response:
    return requests.get(
        f"{sim.base_url}/api/v1/current/Me", headers=dict(tokens.headers()), timeout=5
    )


def test_country_hosts_have_their_own_login_endpoints() -> None:
    assert ExactHost.for_country("be").token_url == "https://start.exactonline.be/api/oauth2/token"
    assert (
        ExactHost.for_country("uk").authorize_url
        == "https://start.exactonline.co.uk/api/oauth2/auth"
    )
    assert (
        ExactHost.for_country("nl", "http://127.0.0.1:9/").api_url == "http://127.0.0.1:9/api/v1/"
    )
    with pytest.raises(ValueError, match="unknown Exact country"):
        ExactHost.for_country("xx")


def test_authorization_code_flow_with_an_exclamation_mark_in_the_code(sim) -> None:
    host = ExactHost(sim.base_url)
    url, state = oauth.authorization_url(host, sim.client_id, sim.redirect_uri)
    redirect = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    assert "code=SIM%21" in redirect
    tokens = oauth.exchange_code(
        host,
        sim.client_id,
        sim.client_secret,
        redirect_uri=sim.redirect_uri,
        clock=sim.clock_,
        authorization_response=redirect,
        state=state,
    )
    assert tokens["expires_at"] - tokens["issued_at"] == 600  # "600" arrives as a string
    assert tokens["host"] == sim.base_url
    with pytest.raises(ReconsentRequired):  # codes are single-use
        oauth.exchange_code(
            host,
            sim.client_id,
            sim.client_secret,
            redirect_uri=sim.redirect_uri,
            clock=sim.clock_,
            authorization_response=redirect,
            state=state,
        )


def test_refreshes_only_after_570_seconds_and_saves_the_new_token_first(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    first = login(sim, vault, sim.clock_)
    tokens = manager(sim, tmp_path, vault)
    for _ in range(57):
        assert me(sim, tokens).status_code == 200
        sim.clock_.advance(10)
    assert tokens.refreshes == 0 and sim.clock_.now() - first["issued_at"] == 570
    assert me(sim, tokens).status_code == 200
    stored = vault.load(tokens.vault_key)
    assert tokens.refreshes == 1 and stored["refresh_token"] != first["refresh_token"]
    assert stored["access_token"] == tokens.access_token()
    assert sim.login.stats["refreshes"] == 1 and sim.login.stats["too_early"] == 0


def test_a_reused_refresh_token_ends_the_login_for_good(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    first = login(sim, vault, sim.clock_)
    tokens = manager(sim, tmp_path, vault)
    sim.clock_.advance(600)
    tokens.access_token()
    with pytest.raises(ReconsentRequired, match="already been used.*log in to Exact Online again"):
        oauth.refresh(
            ExactHost(sim.base_url),
            sim.client_id,
            sim.client_secret,
            first["refresh_token"],
            clock=sim.clock_,
        )
    assert sim.login.stats["reuse_detected"] == 1
    assert me(sim, tokens).status_code == 401  # the whole chain is gone
    sim.clock_.advance(600)
    with pytest.raises(ReconsentRequired):
        tokens.access_token()


def test_a_401_on_a_young_token_is_not_answered_with_a_refresh(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    login(sim, vault, sim.clock_)
    tokens = manager(sim, tmp_path, vault)
    tokens.access_token()
    sim.login.expire_access_tokens()
    assert tokens.renew() is False
    assert sim.login.stats["too_early"] == 0 and sim.login.stats["refreshes"] == 0


def test_a_second_process_uses_the_token_the_first_one_just_stored(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    login(sim, vault, sim.clock_)
    one, two = manager(sim, tmp_path, vault), manager(sim, tmp_path, vault)
    assert one.access_token() == two.access_token()
    sim.clock_.advance(600)  # both hold the same, now expired, token in memory
    fresh = one.access_token()
    assert two.access_token() == fresh
    assert one.refreshes + two.refreshes == 1 and sim.login.stats["too_early"] == 0


def test_thirty_idle_days_need_a_new_login_and_cost_no_call(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    login(sim, vault, sim.clock_)
    sim.clock_.advance(31 * 86400)
    with pytest.raises(ReconsentRequired, match="more than 30 days.*log in to Exact Online again"):
        manager(sim, tmp_path, vault).access_token()
    assert sum(sim.login.stats.values()) == 0


def test_a_token_from_another_country_host_is_refused(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    login(sim, vault, sim.clock_)
    belgian = ExactHost.for_country("be")
    stored = vault.load(oauth.default_vault_key(ExactHost(sim.base_url), sim.client_id))
    vault.save(oauth.default_vault_key(belgian, sim.client_id), stored)
    with pytest.raises(ReconsentRequired, match=r"127\.0\.0\.1.*start\.exactonline\.be"):
        manager(sim, tmp_path, vault, host=belgian).access_token()


def test_too_early_refresh_answer_is_recognised(sim) -> None:
    tokens = sim.grant()
    with pytest.raises(TooEarlyToRefresh, match="too early"):
        oauth.refresh(
            ExactHost(sim.base_url),
            sim.client_id,
            sim.client_secret,
            tokens["refresh_token"],
            clock=sim.clock_,
        )
    assert sim.login.stats["too_early"] == 1


def test_a_vault_that_cannot_save_is_reported(sim, tmp_path) -> None:
    class BrokenVault(JsonFileVault):
        def save(self, key: str, tokens: dict) -> None:
            if self.path.exists():
                raise OSError("keyring locked")
            super().save(key, tokens)

    vault = BrokenVault(tmp_path / "vault.json")
    login(sim, vault, sim.clock_)
    sim.clock_.advance(600)
    with pytest.raises(AuthenticationFailed, match="could not store it"):
        manager(sim, tmp_path, vault).access_token()


def test_a_short_expires_in_does_not_bring_the_refresh_before_570_seconds(tmp_path) -> None:
    clock = FakeClock()
    with ExactSimulator(clock=clock, invoices=5, access_lifetime=300) as sim:
        sim.clock_ = clock
        vault = JsonFileVault(tmp_path / "vault.json")
        first = login(sim, vault, clock)
        assert first["expires_at"] - first["issued_at"] == 300
        tokens = manager(sim, tmp_path, vault)
        clock.advance(280)  # within 30 s of expiry, but only 280 s after the refresh
        assert me(sim, tokens).status_code == 200 and tokens.refreshes == 0
        clock.advance(40)  # expired; Exact still refuses a refresh for 250 s: wait, then refresh
        assert me(sim, tokens).status_code == 200 and tokens.refreshes == 1
        assert clock.now() - first["issued_at"] == 570
        assert sim.login.stats["too_early"] == 0 and sim.stats["errors"] == 0


@pytest.mark.parametrize("processed", [False, True], ids=["never-processed", "answer-lost"])
def test_a_refresh_without_answer_keeps_the_token_and_frees_the_lock(sim, tmp_path, processed):
    vault = JsonFileVault(tmp_path / "vault.json")
    first = login(sim, vault, sim.clock_)
    sim.clock_.advance(600)
    release = sim.stall_token_endpoint(processed=processed)
    try:
        with pytest.raises(RefreshOutcomeUnknown, match="no answer.*may have carried it out"):
            manager(sim, tmp_path, vault, token_timeout=0.3).access_token()
    finally:
        release()
    lost_at = sim.clock_.now()
    assert (
        vault.load(oauth.default_vault_key(ExactHost(sim.base_url), sim.client_id))["refresh_token"]
        == first["refresh_token"]
    )
    FileLock(str(tmp_path / "login.lock")).acquire(timeout=0).lock.release()  # not held

    next_run = manager(sim, tmp_path, vault)  # the old token is tried once, 570 s later
    if processed:  # Exact spent it with the lost answer: only a new consent helps
        with pytest.raises(ReconsentRequired, match="already been used"):
            next_run.access_token()
        assert sim.login.stats["reuse_detected"] == 1
    else:
        assert me(sim, next_run).status_code == 200 and next_run.refreshes == 1
    assert sim.clock_.now() - lost_at == 570
    assert sim.login.stats["too_early"] == 0


def test_the_reconsent_message_names_the_administration(sim, tmp_path) -> None:
    vault = JsonFileVault(tmp_path / "vault.json")
    login(sim, vault, sim.clock_)
    sim.clock_.advance(31 * 86400)
    adapter = build_adapter(
        settings_for(sim),
        secret=secrets_for(sim),
        clock=sim.clock_,
        state_dir=tmp_path,
        token_vault=vault,
        administration="smit-bv",
    )
    with pytest.raises(ReconsentRequired, match="run `connector connect smit-bv`") as caught:
        adapter.check_connection()
    assert caught.value.administration == "smit-bv"
