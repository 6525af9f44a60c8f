"""`connector simulate eboekhouden`: prints a base URL and API token that really work."""

from __future__ import annotations

import re
import sys

import requests
from click.testing import CliRunner

import adapters.eboekhouden.simulator as simulator_module
from connector.cli.main import main as cli


def test_simulate_command_is_registered() -> None:
    command = cli.commands["simulate"].commands["eboekhouden"]  # type: ignore[attr-defined]
    assert {param.name for param in command.params} >= {"port", "seed", "invoices"}


def test_simulate_prints_a_working_base_url_and_token(monkeypatch) -> None:
    open_items: list[int] = []

    def use_it_then_stop() -> None:  # instead of waiting for Ctrl-C: prove the printed values work
        printed = sys.stdout.buffer.getvalue().decode()  # CliRunner's captured output so far
        base_url = re.search(r"base_url:\s+(\S+)", printed)[1]
        token = re.search(r"API token:\s+(\S+)", printed)[1]
        session = requests.post(f"{base_url}/v1/session", json={"accessToken": token, "source": "CLI"}).json()
        answer = requests.get(f"{base_url}/v1/mutation/invoice/outstanding", params={"credDeb": "D"},
                              headers={"Authorization": session["token"]})
        open_items.append(len(answer.json()["items"]))

    monkeypatch.setattr(simulator_module, "_wait_forever", use_it_then_stop)
    result = CliRunner().invoke(cli, ["simulate", "eboekhouden", "--seed", "4", "--invoices", "25"])
    assert result.exit_code == 0, result.output
    assert "API token: sim-" in result.output and "25 open invoices" in result.output
    assert open_items == [25]
