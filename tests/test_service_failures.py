"""An administration that fails in a way nobody planned for (its host sends an invoice whose date is
null, so the mapping raises TypeError halfway through the sync) is recorded as failed with the error's type,
the administrations after it still run, no run-log row stays `running`, and the summary lists it at
the top. A lapsed OAuth login is reported as re-consent with the command that fixes it."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import date

import pytest

from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.config import load_config
from connector.config.schema import ConnectorConfig
from connector.secrets import set_secret
from connector.service.cycle import run_cycle
from connector.store import Store
from connector.summary.from_cycle import admin_summaries_from_report
from tests.conftest import run_cli

TODAY = date(2026, 11, 23)
ERROR = "unexpected error in sync: TypeError: fromisoformat: argument must be str"


@pytest.fixture(scope="module")
def simulators():
    with MoneybirdSimulator(seed=4, invoices=20, today=TODAY) as broken, \
            MoneybirdSimulator(seed=5, invoices=20, today=TODAY) as healthy:
        invoice = broken.add_invoice(amount_excl_tax="100.00")
        broken._invoices[invoice["id"]]["invoice_date"] = None  # the host's bug: a sent invoice without its date
        yield broken, healthy


def write_config(folder, broken, healthy):
    admins = "".join(f"""  - key: {key}
    name: {name}
    package: moneybird
    moneybird:
      administration_id: "{simulator.administration_id}"
      base_url: {simulator.base_url}
      token_env: {env}
""" for key, name, simulator, env in (("kapot", "Kapotte Host B.V.", broken, "BROKEN_TOKEN"),
                                      ("jansen", "Jansen & Zn.", healthy, "HEALTHY_TOKEN")))
    path = folder / "config.yaml"
    path.write_text(f"""state:
  url: sqlite:///state.db
output_dir: out
smtp:
  sender: debiteuren@kantoor.example
  mailbox_dir: mailbox
summary:
  recipients: [accountant@kantoor.example]
  combined: false
administrations:
{admins}""", encoding="utf-8")
    return path


def test_an_unexpected_error_fails_one_administration_and_the_run_goes_on(tmp_path, simulators):
    broken, healthy = simulators
    path = write_config(tmp_path, broken, healthy)
    env = {**os.environ, "BROKEN_TOKEN": broken.token, "HEALTHY_TOKEN": healthy.token}
    result = run_cli("run", "--config", str(path), env=env)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert lines[0] == f"kapot: failed — {ERROR}"
    assert lines[1].startswith("jansen: ok — ")
    assert "Traceback" in result.stderr and "TypeError" in result.stderr  # for a developer, in the log

    store = Store.open(load_config(path).state_url)
    runs = [(r["admin"], r["kind"], r["status"]) for r in store.last_runs(limit=20) if r["kind"] == "cycle"]
    assert sorted(runs) == [("jansen", "cycle", "ok"), ("kapot", "cycle", "failed")]
    assert next(r for r in store.last_runs("kapot") if r["kind"] == "cycle")["error"] == ERROR
    assert store.counts("kapot")["contacts"] > 0, "what the sync read before the error is kept"

    kapot = next(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                 for p in (tmp_path / "mailbox").glob("*.eml") if b"Kapotte Host" in p.read_bytes())
    assert kapot["Subject"].startswith("[1] Debiteurenoverzicht Kapotte Host B.V.")
    text = kapot.get_body(("plain",)).get_content()
    attention = text.split("== ACTIE NODIG (1) ==")[1].split("\n\n")[0]
    assert f"Administratie mislukt: {ERROR}" in attention


def test_a_lapsed_oauth_login_is_a_reconsent_with_its_command(tmp_path, simulators):
    _broken, healthy = simulators
    set_secret("mb-oauth", "client_id", healthy.client_id)
    set_secret("mb-oauth", "client_secret", healthy.client_secret)  # but no login: the grant is gone
    config = ConnectorConfig.model_validate({
        "output_dir": str(tmp_path / "out"), "smtp": {"mailbox_dir": str(tmp_path / "mailbox")},
        "administrations": [{"key": "mb-oauth", "name": "Bakkerij OAuth", "package": "moneybird",
                             "moneybird": {"administration_id": healthy.administration_id, "auth": "oauth",
                                           "base_url": healthy.base_url}}]})
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    report = run_cycle(config, store, today=TODAY, clock=FakeClock(), state_dir=tmp_path, dunning=False)
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and outcome.error.startswith("opnieuw toestemming geven (re-consent): ")
    assert "`connector connect mb-oauth`" in outcome.error
    (summary,) = admin_summaries_from_report(report, store)
    assert [(item.kind, item.message) for item in summary.attention] == [("reconsent", outcome.error)]
