"""`connector doctor` end to end: the real CLI in a subprocess against the simulators, a real SMTP server
(aiosmtpd) and a real state database. One healthy set-up passes; one set-up broken in every way the
issue lists reports each failure with its fix (and exits 1)."""

from __future__ import annotations

import json
import os
import socket
import textwrap
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from adapters.eboekhouden.simulator import EboekhoudenSimulator
from adapters.exact_online.oauth import ExactHost, default_vault_key, token_record
from adapters.exact_online.simulator import ExactSimulator
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import SYSTEM_CLOCK
from connector.secrets import KeyringTokenVault, set_secret
from connector.service.lock import ServiceLock
from connector.store import Store
from tests.conftest import run_cli
from tests.encrypted_keyring import encrypted_keyring

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

SMTP_USER, SMTP_PASSWORD = "connector@kantoor.example", "juist-wachtwoord"


class _Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    accepted = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
                and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=accepted, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module", autouse=True)
def keyring_file(tmp_path_factory):
    with encrypted_keyring(tmp_path_factory.mktemp("keyring")):
        yield


@pytest.fixture(scope="module")
def hosts():
    """The three simulators and an SMTP server that wants a login (plain, on localhost)."""
    moneybird, exact, eboekhouden = MoneybirdSimulator(invoices=5), ExactSimulator(invoices=5), \
        EboekhoudenSimulator(invoices=5)
    for simulator in (moneybird, exact, eboekhouden):
        simulator.start()
    smtp = Controller(_Sink(), hostname="127.0.0.1", port=free_port(), auth_required=True,
                      auth_require_tls=False, authenticator=_authenticator)
    smtp.start()
    yield {"moneybird": moneybird, "exact": exact, "eboekhouden": eboekhouden, "smtp_port": smtp.port}
    smtp.stop()
    for simulator in (moneybird, exact, eboekhouden):
        simulator.stop()


def store_exact_login(key: str, exact: ExactSimulator) -> None:
    host = ExactHost.for_country("nl", exact.base_url)
    set_secret(key, "client_id", exact.client_id)
    set_secret(key, "client_secret", exact.client_secret)
    KeyringTokenVault().save(default_vault_key(host, exact.client_id),
                             token_record(exact.grant(), host=host, clock=SYSTEM_CLOCK))


def smtp_section(port: int) -> str:
    return f"""smtp:
  host: 127.0.0.1
  port: {port}
  security: none
  username: {SMTP_USER}
  sender: debiteuren@kantoor.example
summary:
  recipients: [accountant@kantoor.example]
"""


def doctor(config: Path, *extra: str, env: dict[str, str] | None = None):
    result = run_cli("doctor", "--config", str(config), "--format", "json", *extra, env=env)
    rows = json.loads(result.stdout) if result.stdout.strip().startswith("[") else []
    return result, {(row["scope"], row["name"]): row for row in rows}


# -- a healthy set-up ---------------------------------------------------------------------------------


def test_a_healthy_setup_passes_every_check(tmp_path, hosts):
    moneybird, exact, eboekhouden = hosts["moneybird"], hosts["exact"], hosts["eboekhouden"]
    set_secret("dr-ok-bakkerij", "api_token", moneybird.token)
    set_secret("dr-ok-kapsalon", "api_token", eboekhouden.api_token)
    store_exact_login("dr-ok-smit", exact)
    templates = tmp_path / "brieven" / "nl"
    templates.mkdir(parents=True)
    shipped = Path(__file__).resolve().parents[1] / "connector/letters/templates/nl/herinnering.txt.j2"
    (templates / "herinnering.txt.j2").write_text(shipped.read_text(encoding="utf-8").replace(
        "{% macro body() %}", "{% macro body() %}Met vriendelijke groet van de bakker.\n"), encoding="utf-8")
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "config.yaml"
    config.write_text(textwrap.dedent(f"""\
        state: {{url: "sqlite:///state.db"}}
        templates_dir: brieven
        administrations:
          - key: dr-ok-bakkerij
            name: Bakkerij De Vries
            package: moneybird
            moneybird: {{administration_id: "{moneybird.administration_id}", base_url: "{moneybird.base_url}"}}
          - key: dr-ok-smit
            name: Installatiebedrijf Smit
            package: exact
            exact: {{division: 101234, base_url: "{exact.base_url}"}}
          - key: dr-ok-kapsalon
            name: Kapsalon Bakker
            package: eboekhouden
            eboekhouden: {{base_url: "{eboekhouden.base_url}"}}
            bank_files: {{inbox: inbox}}
        """) + smtp_section(hosts["smtp_port"]), encoding="utf-8")
    Store.open(f"sqlite:///{tmp_path / 'state.db'}").engine.dispose()  # an existing, migrated database

    result, rows = doctor(config, env={"CONNECTOR_SMTP_PASSWORD": SMTP_PASSWORD})

    assert result.returncode == 0, result.stdout + result.stderr
    failed = [row for row in rows.values() if row["status"] == "FAIL"]
    assert failed == []
    assert rows[("dr-ok-bakkerij", "login and administration")]["detail"].startswith("connected to ")
    assert rows[("dr-ok-kapsalon", "login and administration")]["status"] == "ok"
    assert rows[("dr-ok-smit", "login and administration")]["status"] == "ok"
    assert rows[("dr-ok-smit", "days before re-consent")]["detail"].startswith("30 days left")
    assert "with your templates_dir" in rows[("dr-ok-bakkerij", "letter templates")]["detail"]
    assert rows[("smtp", "login")]["detail"].endswith(f"login as {SMTP_USER} accepted")
    assert rows[("state", "schema")]["status"] == "ok" and rows[("service", "lock")]["detail"].startswith("free")
    assert rows[("keyring", "backend")]["detail"] == "connector.keyring_backend.EncryptedFileKeyring"
    assert rows[("dr-ok-kapsalon", "bank file inbox")]["status"] == "ok"


# -- everything broken at once --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken(tmp_path_factory, hosts):
    """One config with every failure of the issue, and the doctor's answer to it (table and JSON)."""
    moneybird, exact, eboekhouden = hosts["moneybird"], hosts["exact"], hosts["eboekhouden"]
    folder = tmp_path_factory.mktemp("broken")
    set_secret("dr-down", "api_token", moneybird.token)
    set_secret("dr-unknown-id", "api_token", moneybird.token)
    set_secret("dr-bad-token", "api_token", "not-the-token")
    store_exact_login("dr-unknown-division", exact)
    set_secret("smtp", "password", "verkeerd-wachtwoord")
    broken_template = folder / "brieven" / "nl" / "herinnering.txt.j2"
    broken_template.parent.mkdir(parents=True)
    broken_template.write_text("{% macro subject() %}Herinnering{% endmacro %}\n"
                               "{% macro body() %}\nBeste {{ debiteur.naam }},\n{% endmacro %}\n", encoding="utf-8")
    closed_port = free_port()
    config = folder / "config.yaml"
    config.write_text(textwrap.dedent(f"""\
        state: {{url: "sqlite:///state.db"}}
        templates_dir: brieven
        administrations:
          - key: dr-missing-secret
            name: Zonder Token
            package: moneybird
            moneybird: {{administration_id: "{moneybird.administration_id}", base_url: "{moneybird.base_url}"}}
          - key: dr-down
            name: Host Plat
            package: moneybird
            moneybird: {{administration_id: "{moneybird.administration_id}",
                         base_url: "http://127.0.0.1:{closed_port}/api/v2"}}
          - key: dr-bad-token
            name: Verkeerd Token
            package: eboekhouden
            eboekhouden: {{base_url: "{eboekhouden.base_url}"}}
          - key: dr-unknown-id
            name: Verkeerde Administratie
            package: moneybird
            moneybird: {{administration_id: "999", base_url: "{moneybird.base_url}"}}
          - key: dr-unknown-division
            name: Verkeerde Divisie
            package: exact
            exact: {{division: 4242, base_url: "{exact.base_url}"}}
          - key: dr-disabled
            name: Uitgezet
            package: eboekhouden
            eboekhouden: {{}}
            enabled: false
        """) + smtp_section(hosts["smtp_port"]), encoding="utf-8")
    store = Store.open(f"sqlite:///{folder / 'state.db'}")
    lock = ServiceLock(store.engine)
    lock.acquire()  # a "service" (this test process) holds the lock, as on a healthy server
    table = run_cli("doctor", "--config", str(config), env={"CONNECTOR_SMTP_PASSWORD": ""})
    result, rows = doctor(config, env={"CONNECTOR_SMTP_PASSWORD": ""})
    lock.release()
    store.engine.dispose()
    return {"table": table, "result": result, "rows": rows}


def test_the_broken_setup_exits_1_and_prints_a_fix_under_each_failure(broken):
    assert broken["result"].returncode == 1 and broken["table"].returncode == 1
    text = " ".join(broken["table"].stdout.split())  # the table with its line wrapping undone
    assert "FAIL secrets missing: api_token -> fix: connector secrets set dr-missing-secret api_token" in text
    failures = sum(1 for row in broken["rows"].values() if row["status"] == "FAIL")
    assert text.count("-> fix:") >= failures and f"{failures} failed" in text


def test_missing_secret(broken):
    row = broken["rows"][("dr-missing-secret", "secrets")]
    assert row["status"] == "FAIL" and row["detail"] == "missing: api_token"
    assert row["fix"] == "connector secrets set dr-missing-secret api_token"
    assert broken["rows"][("dr-missing-secret", "login and administration")]["status"] == "skip"


def test_host_down(broken):
    row = broken["rows"][("dr-down", "host reachable")]
    assert row["status"] == "FAIL" and row["detail"].startswith("cannot reach http://127.0.0.1:")
    assert "internet connection" in row["fix"]
    assert broken["rows"][("dr-down", "login and administration")]["detail"] == "host unreachable: not tried"


def test_bad_token(broken):
    row = broken["rows"][("dr-bad-token", "login and administration")]
    assert row["status"] == "FAIL" and "refused" in row["detail"] and "Access token is invalid" in row["detail"]
    assert row["fix"] == "store a valid login: connector connect dr-bad-token"


def test_unknown_administration_id_lists_the_visible_ones(broken, hosts):
    row = broken["rows"][("dr-unknown-id", "login and administration")]
    assert row["status"] == "FAIL" and "administration 999 is not visible" in row["detail"]
    assert hosts["moneybird"].administration_id in row["detail"]
    assert "administration_id" in row["fix"] and "connector init" in row["fix"]


def test_unknown_exact_division_lists_the_accessible_ones(broken):
    row = broken["rows"][("dr-unknown-division", "login and administration")]
    assert row["status"] == "FAIL" and "division 4242 is not accessible" in row["detail"]
    assert "101234" in row["detail"] and "101235" in row["detail"] and "`division`" in row["fix"]


def test_smtp_login_refused(broken):
    row = broken["rows"][("smtp", "login")]
    assert row["status"] == "FAIL" and f"refused the login of {SMTP_USER}: 535" in row["detail"]
    assert "connector secrets set smtp password" in row["fix"]


def test_template_error_names_the_template_and_line(broken):
    row = broken["rows"][("dr-missing-secret", "letter templates")]
    assert row["status"] == "FAIL"
    assert "brieven/nl/herinnering.txt.j2:3: 'debiteur' is undefined" in row["detail"]
    assert "delete it from templates_dir" in row["fix"]
    again = broken["rows"][("dr-unknown-id", "letter templates")]  # same templates, same policy: said once
    assert again["status"] == "FAIL" and again["detail"] == "the same templates and policy as dr-missing-secret"


def test_a_running_service_is_fine(broken):
    row = broken["rows"][("service", "lock")]
    assert row["status"] == "ok"
    assert row["detail"].startswith(f"service running, pid {os.getpid()} on {socket.gethostname()}, heartbeat ")


def test_disabled_administrations_are_skipped(broken):
    assert broken["rows"][("dr-disabled", "administration")]["status"] == "skip"
    assert not [key for key in broken["rows"] if key[0] == "dr-disabled" and key[1] != "administration"]
