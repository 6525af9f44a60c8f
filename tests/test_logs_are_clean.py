"""No secret, token or full IBAN reaches a log line, even at the most verbose level."""

from __future__ import annotations

import re
from datetime import date

from adapters.moneybird.simulator import MoneybirdSimulator
from tests.conftest import run_cli

IBAN = re.compile(r"\b[A-Z]{2}\d{2}[A-Z]{4}\d{6,}\b")


def test_debug_logs_of_a_full_run_hold_no_token_and_no_iban(tmp_path):
    with MoneybirdSimulator(seed=2, invoices=40, today=date(2026, 11, 23)) as simulator:
        (tmp_path / "config.yaml").write_text(f"""
state: {{url: "sqlite:///state.db"}}
smtp: {{mailbox_dir: mailbox}}
summary: {{recipients: [a@example.nl]}}
administrations:
  - key: jansen
    name: Jansen
    package: moneybird
    moneybird:
      administration_id: "{simulator.administration_id}"
      base_url: {simulator.base_url}
      token_env: MB_TOKEN
    payments: {{book: auto}}
""", encoding="utf-8")
        ibans = {c["bank_account"].replace(" ", "") for c in simulator.contacts() if c.get("bank_account")}
        for fmt in ("text", "json"):
            result = run_cli("-vv", "--log-format", fmt, "run", "--config", str(tmp_path / "config.yaml"),
                             cwd=tmp_path, env={"MB_TOKEN": simulator.token})
            assert result.returncode == 0, result.stderr
            log = result.stderr
            assert "GET" in log, "the debug log shows the requests"
            assert simulator.token not in log
            leaked = [iban for iban in ibans if iban in log]
            assert leaked == [], leaked
            assert not IBAN.findall(log), IBAN.findall(log)[:3]
