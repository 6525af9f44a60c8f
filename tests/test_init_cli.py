"""`connector init`, `connector connect` and `connector doctor` driven end to end as a user would, in
subprocesses against the simulators. The browser is played by `requests`: init prints the consent page
(`--no-browser`), the test opens it, the simulator approves and redirects to init's local listener."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from adapters.eboekhouden.simulator import EboekhoudenSimulator
from adapters.exact_online.simulator import ExactSimulator
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.config import load_config
from connector.secrets import KeyringTokenVault, get_secret
from tests.conftest import run_cli
from tests.encrypted_keyring import encrypted_keyring

CONSENT = ("--no-input", "--no-browser", "--redirect-uri", "http://127.0.0.1:0/callback", "--consent-timeout", "60")


@pytest.fixture(scope="module", autouse=True)
def keyring_file(tmp_path_factory):
    with encrypted_keyring(tmp_path_factory.mktemp("keyring")):
        yield


@pytest.fixture(scope="module")
def sims():
    moneybird, exact, eboekhouden = MoneybirdSimulator(invoices=5), ExactSimulator(invoices=5), \
        EboekhoudenSimulator(invoices=5)
    for simulator in (moneybird, exact, eboekhouden):
        simulator.start()
    yield moneybird, exact, eboekhouden
    for simulator in (moneybird, exact, eboekhouden):
        simulator.stop()


def flat(text: str) -> str:
    """Output with the doctor table's line wrapping undone (it depends on the path lengths)."""
    return " ".join(text.split())


def with_browser_consent(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run `connector ARGS`; open the consent address it prints, as a browser would; wait for the end."""
    process = subprocess.Popen([sys.executable, "-m", "connector", *args], env={**os.environ, **(env or {})},
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    seen = []
    address = None
    while address is None:
        line = process.stdout.readline()
        if not line:
            out, err = process.communicate(timeout=30)
            pytest.fail(f"no consent address printed:\n{''.join(seen)}{out}\n{err}")
        seen.append(line)
        if line.strip().startswith("http://") and "redirect_uri=" in line:
            address = line.strip()
    page = requests.get(address, timeout=10)  # the package approves and sends the browser to init's listener
    assert page.status_code == 200 and "Connected" in page.text
    out, err = process.communicate(timeout=60)
    return process.returncode, "".join(seen) + out, err


def test_first_set_up_then_more_administrations_then_doctor_and_reconsent(tmp_path, sims):
    moneybird, exact, eboekhouden = sims
    config = tmp_path / "kantoor" / "config.yaml"

    # 1. The first run: Moneybird through OAuth, and the file's global part (summary, mail) from flags.
    code, out, err = with_browser_consent(
        "init", "--config", str(config), "--package", "moneybird", "--auth", "oauth", "--base-url", moneybird.base_url,
        "--client-id", moneybird.client_id, "--summary-to", "accountant@kantoor.example", "--mailbox-dir", "mailbox",
        "--creditor-iban", "NL91 ABNA 0417 1643 00", *CONSENT,
        env={"CONNECTOR_INIT_CLIENT_SECRET": moneybird.client_secret})
    assert code == 0, out + err
    assert "Using the only Moneybird administration: Hollands Glorie Installaties B.V." in out
    assert "Connected: Hollands Glorie Installaties B.V." in out
    first = load_config(config)
    (bakery,) = first.administrations
    assert bakery.key == "hollands-glorie-installaties" and bakery.moneybird.auth == "oauth"
    assert bakery.dunning.creditor.iban == "NL91ABNA0417164300"
    assert first.summary.recipients == ["accountant@kantoor.example"] and first.smtp.mailbox_dir == Path("mailbox")
    assert get_secret(bakery.key, "client_secret") == moneybird.client_secret
    assert KeyringTokenVault().load(f"moneybird:{moneybird.administration_id}")["access_token"]

    # 2. Interactively: e-Boekhouden with its API token; a wrong IBAN is asked again.
    before = config.read_text(encoding="utf-8")
    answers = ["3", eboekhouden.api_token, "Kapsalon Bakker", "", "", "", "2", "", "", "NL00BANK0000000000", "",
               "debiteuren@kapsalon.example", ""]
    result = run_cli("init", "--config", str(config), "--base-url", eboekhouden.base_url,
                     input_text="\n".join(answers) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not a valid IBAN" in result.stdout and "Connected: Kapsalon Bakker" in result.stdout
    after_two = config.read_text(encoding="utf-8")
    assert after_two.startswith(before)  # the first administration and everything else: not a byte changed
    salon = load_config(config).administration("kapsalon-bakker")
    assert [level.name for level in salon.dunning.company.levels] == ["herinnering", "tweede_herinnering", "bellijst"]
    assert salon.dunning.consumer.levels[3].name == "veertiendagenbrief"  # consumers: the standard ladder
    assert salon.dunning.creditor.email == "debiteuren@kapsalon.example" and not salon.dunning.creditor.iban
    assert (config.parent / "bank-inbox" / "kapsalon-bakker").is_dir()

    # 3. Exact Online: consent, then the division that is not Exact's current one.
    code, out, err = with_browser_consent(
        "init", "--config", str(config), "--package", "exact", "--base-url", exact.base_url, "--client-id",
        exact.client_id, "--client-secret", exact.client_secret, "--division", "101235", "--key", "de-linde", *CONSENT)
    assert code == 0, out + err
    assert "30 days left now" in out and "Connected: Lunchroom De Linde V.O.F. (division 101235" in out
    assert config.read_text(encoding="utf-8").startswith(after_two)
    assert [a.key for a in load_config(config).administrations] == [
        "hollands-glorie-installaties", "kapsalon-bakker", "de-linde"]

    # 4. The doctor is happy with what init made.
    doctor = run_cli("doctor", "--config", str(config))
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "0 failed" in doctor.stdout and "days before re-consent 30 days left" in flat(doctor.stdout)

    # 5. Exact ends the login (as after a burned refresh token): doctor names the command that fixes it.
    exact.login.revoke_all()
    doctor = run_cli("doctor", "--config", str(config), "--admin", "de-linde")
    assert doctor.returncode == 1 and "-> fix: store a valid login: connector connect de-linde" in flat(doctor.stdout)

    # 6. `connector connect` runs only the consent again; the config file is not touched.
    unchanged = config.read_text(encoding="utf-8")
    code, out, err = with_browser_consent("connect", "de-linde", "--config", str(config), *CONSENT)
    assert code == 0, out + err
    assert "de-linde: connected to Lunchroom De Linde V.O.F." in out and "30 days left" in out
    assert config.read_text(encoding="utf-8") == unchanged


def test_a_server_without_keyring_uses_environment_variables(tmp_path, sims):
    """Headless: no keyring at all; the token lives in an environment variable the config names."""
    _, _, eboekhouden = sims
    config = tmp_path / "config.yaml"
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "KAPSALON_TOKEN": eboekhouden.api_token}
    result = run_cli("init", "--config", str(config), "--package", "eboekhouden", "--base-url", eboekhouden.base_url,
                     "--token-env", "KAPSALON_TOKEN", "--name", "Kapsalon Bakker", "--summary-to", "a@kantoor.example",
                     "--mailbox-dir", "mailbox", "--no-input", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "under kapsalon-bakker: none" in result.stdout
    assert load_config(config).administration("kapsalon-bakker").eboekhouden.token_env == "KAPSALON_TOKEN"
    doctor = run_cli("doctor", "--config", str(config), env=env)
    assert doctor.returncode == 0, doctor.stdout
    table = flat(doctor.stdout)
    assert "not needed: every secret comes from the environment" in table
    assert "api_token (env KAPSALON_TOKEN)" in table
