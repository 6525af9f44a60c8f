"""`connector doctor` on an Exact Online login that nearly lapsed or lapsed, against the Exact simulator.

Exact ends a login that is not used for 30 days. The simulator's clock is set back to when the
consent was given, then moved to now: the doctor (a real subprocess on the wall clock) finds a
login that has not been used since.
"""

from __future__ import annotations

import json
import textwrap
import time

import pytest

from adapters.exact_online.oauth import ExactHost, default_vault_key, token_record
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from connector.secrets import KeyringTokenVault, set_secret
from tests.conftest import run_cli
from tests.encrypted_keyring import encrypted_keyring

DAY = 86400.0


@pytest.fixture(scope="module", autouse=True)
def keyring_file(tmp_path_factory):
    with encrypted_keyring(tmp_path_factory.mktemp("keyring")):
        yield


def login_unused_for(days: float, key: str, tmp_path):
    """A simulator whose only login was given `days` ago and not used since; the config that uses it."""
    clock = FakeClock(time.time() - days * DAY)
    simulator = ExactSimulator(clock=clock, invoices=5)
    simulator.start()
    host = ExactHost.for_country("nl", simulator.base_url)
    set_secret(key, "client_id", simulator.client_id)
    set_secret(key, "client_secret", simulator.client_secret)
    KeyringTokenVault().save(default_vault_key(host, simulator.client_id),
                             token_record(simulator.grant(), host=host, clock=clock))
    clock.advance(time.time() - clock.now())
    config = tmp_path / "config.yaml"
    config.write_text(textwrap.dedent(f"""\
        state: {{url: "sqlite:///state.db"}}
        smtp: {{mailbox_dir: mailbox}}
        administrations:
          - key: {key}
            name: Installatiebedrijf Smit
            package: exact
            exact: {{division: 101234, base_url: "{simulator.base_url}"}}
        """), encoding="utf-8")
    return simulator, config


def doctor_rows(config, key):
    result = run_cli("doctor", "--config", str(config), "--admin", key, "--format", "json")
    rows = {row["name"]: row for row in json.loads(result.stdout) if row["scope"] == key}
    return result, rows


def test_a_login_close_to_lapsing_is_a_warning_with_the_days_left(tmp_path):
    simulator, config = login_unused_for(25, "dr-bijna", tmp_path)
    try:
        result, rows = doctor_rows(config, "dr-bijna")
    finally:
        simulator.stop()
    assert result.returncode == 0, result.stdout + result.stderr  # a warning, not a failure
    assert rows["login and administration"]["status"] == "ok"
    row = rows["days before re-consent"]
    assert row["status"] == "warn"
    assert row["detail"].startswith("only 5 days were left before this check renewed the login; 30 days left")
    assert "connector connect dr-bijna" in row["fix"] and "service" in row["fix"]


def test_a_lapsed_login_fails_with_the_command_that_fixes_it(tmp_path):
    simulator, config = login_unused_for(31, "dr-verlopen", tmp_path)
    try:
        result, rows = doctor_rows(config, "dr-verlopen")
    finally:
        simulator.stop()
    assert result.returncode == 1
    login = rows["login and administration"]
    assert login["status"] == "FAIL" and "not used for more than 30 days" in login["detail"]
    assert login["fix"] == "connector connect dr-verlopen"
    row = rows["days before re-consent"]
    assert row["status"] == "FAIL" and row["detail"].startswith("the Exact login has expired: not used for 31 days")
    assert row["fix"] == "connector connect dr-verlopen"
