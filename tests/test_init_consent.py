"""The browser half of the login (the local redirect listener), and `init` / `connect` refusing what they
should refuse, in-process (CliRunner) against the simulators."""

from __future__ import annotations

import textwrap
import threading

import pytest
import requests
from click.testing import CliRunner

from adapters.eboekhouden.simulator import EboekhoudenSimulator
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.cli import main
from connector.onboarding.consent import ConsentFailed, RedirectListener, browser_consent
from connector.secrets import get_secret, set_secret


def visit(url: str) -> None:
    """A browser arriving at `url` a moment later (in a thread, as the user would)."""
    threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 10}, daemon=True).start()


def test_the_listener_returns_where_the_browser_came_back():
    def authorize(redirect_uri: str) -> str:
        visit(f"{redirect_uri}?code=SIM%21abc&state=s1")
        return "https://login.example/authorize"

    lines: list[str] = []
    callback = browser_consent(authorize, redirect_uri="http://127.0.0.1:0/callback", open_browser=False,
                               timeout=10, echo=lines.append)
    assert callback.url.endswith("/callback?code=SIM%21abc&state=s1")
    assert callback.redirect_uri.startswith("http://127.0.0.1:") and not callback.redirect_uri.endswith(":0/callback")
    assert "https://login.example/authorize" in lines[0]


def test_a_refused_consent_says_why():
    def authorize(redirect_uri: str) -> str:
        visit(f"{redirect_uri}?error=access_denied&error_description=The+user+said+no&state=s1")
        return "https://login.example/authorize"

    with pytest.raises(ConsentFailed, match="Moneybird did not grant access: The user said no"):
        browser_consent(authorize, redirect_uri="http://127.0.0.1:0/callback", open_browser=False, timeout=10,
                        echo=lambda _line: None, vendor="Moneybird")


def test_no_answer_within_the_timeout_and_only_loopback_addresses():
    with pytest.raises(ConsentFailed, match="no answer from the browser within 0 s"):
        browser_consent(lambda uri: "https://login.example", redirect_uri="http://127.0.0.1:0/cb",
                        open_browser=False, timeout=0.05, echo=lambda _line: None)
    with pytest.raises(ConsentFailed, match="loopback"):
        RedirectListener("http://kantoor.example:8400/callback")
    with RedirectListener("http://localhost:0/callback") as listener:
        uri = listener.start()
        assert uri.startswith("http://localhost:") and requests.get(uri.replace("/callback", "/other"),
                                                                    timeout=5).status_code == 404


@pytest.fixture(scope="module")
def sims():
    moneybird, eboekhouden = MoneybirdSimulator(invoices=3), EboekhoudenSimulator(invoices=3)
    moneybird.start()
    eboekhouden.start()
    yield moneybird, eboekhouden
    moneybird.stop()
    eboekhouden.stop()


def test_scripted_init_names_the_missing_flag(tmp_path, sims):
    result = CliRunner().invoke(main, ["init", "--config", str(tmp_path / "c.yaml"), "--package", "eboekhouden",
                                       "--no-input"])
    assert result.exit_code == 2 and "give --api-token or its environment variable" in result.output
    assert not (tmp_path / "c.yaml").exists()


def test_init_refuses_a_key_that_is_taken_and_an_invalid_file(tmp_path, sims):
    _, eboekhouden = sims
    config = tmp_path / "config.yaml"
    config.write_text(textwrap.dedent(f"""\
        administrations:
          - {{key: kapsalon, name: Kapsalon, package: eboekhouden, eboekhouden: {{base_url: "{eboekhouden.base_url}"}}}}
        """), encoding="utf-8")
    before = config.read_text(encoding="utf-8")
    taken = CliRunner().invoke(main, ["init", "--config", str(config), "--key", "kapsalon", "--no-input"])
    assert taken.exit_code == 2 and "'kapsalon' is already in the config" in taken.output
    assert "connector connect kapsalon" in taken.output
    config.write_text(before + "  - key: Verkeerd\n", encoding="utf-8")
    invalid = CliRunner().invoke(main, ["init", "--config", str(config), "--no-input"])
    assert invalid.exit_code == 2 and "fix the config first" in invalid.output


def test_connect_stores_a_new_token_only_when_the_package_accepts_it(tmp_path, sims):
    moneybird, eboekhouden = sims
    config = tmp_path / "config.yaml"
    config.write_text(textwrap.dedent(f"""\
        administrations:
          - {{key: cn-salon, name: Kapsalon, package: eboekhouden, eboekhouden: {{base_url: "{eboekhouden.base_url}"}}}}
          - key: cn-bakker
            name: Bakker
            package: moneybird
            moneybird: {{administration_id: "{moneybird.administration_id}", base_url: "{moneybird.base_url}"}}
          - key: cn-env
            name: Env
            package: eboekhouden
            eboekhouden: {{token_env: CN_TOKEN}}
        """), encoding="utf-8")
    set_secret("cn-salon", "api_token", "revoked-token")
    runner = CliRunner()
    refused = runner.invoke(main, ["connect", "cn-salon", "--config", str(config), "--api-token", "also-wrong"])
    assert refused.exit_code == 1 and "Access token is invalid" in refused.output
    assert get_secret("cn-salon", "api_token") == "revoked-token"
    fixed = runner.invoke(main, ["connect", "cn-salon", "--config", str(config), "--api-token", eboekhouden.api_token])
    assert fixed.exit_code == 0, fixed.output
    assert "cn-salon: connected to Kapsalon" in fixed.output
    assert get_secret("cn-salon", "api_token") == eboekhouden.api_token
    prompted = runner.invoke(main, ["connect", "cn-bakker", "--config", str(config)], input=moneybird.token + "\n")
    assert prompted.exit_code == 0 and "cn-bakker: connected to Hollands Glorie" in prompted.output
    from_env = runner.invoke(main, ["connect", "cn-env", "--config", str(config), "--api-token", "x"])
    assert from_env.exit_code == 2 and "environment variable CN_TOKEN" in from_env.output


def test_a_second_division_of_the_same_exact_login_needs_no_new_consent(tmp_path):
    """Exact allows one login per user and app: a second division reuses the stored one (a new consent
    would end the login the first division uses)."""
    from adapters.exact_online.oauth import ExactHost, default_vault_key, token_record
    from adapters.exact_online.simulator import ExactSimulator
    from connector.clock import SYSTEM_CLOCK
    from connector.config import load_config
    from connector.secrets import KeyringTokenVault

    with ExactSimulator(invoices=3) as exact:
        host = ExactHost.for_country("nl", exact.base_url)
        KeyringTokenVault().save(default_vault_key(host, exact.client_id),
                                 token_record(exact.grant(), host=host, clock=SYSTEM_CLOCK))
        config = tmp_path / "config.yaml"
        result = CliRunner().invoke(main, [
            "init", "--config", str(config), "--package", "exact", "--base-url", exact.base_url, "--client-id",
            exact.client_id, "--client-secret", exact.client_secret, "--division", "101234", "--summary-to",
            "a@kantoor.example", "--mailbox-dir", "mailbox", "--no-input", "--no-browser"])
        assert result.exit_code == 0, result.output
        assert "is already stored (other divisions use it); using it" in result.output
        assert "Log in to Exact Online" not in result.output and exact.login.stats["code_exchanges"] == 0
    admin = load_config(config).administration("installatiebedrijf-van-dijk")
    assert admin.exact.division == 101234 and admin.exact.base_url == exact.base_url
    assert "# Log in again: connector connect installatiebedrijf-van-dijk" in config.read_text(encoding="utf-8")
