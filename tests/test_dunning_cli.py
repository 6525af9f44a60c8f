"""The accountant's commands: `connector plan`, `connector holds …`, `connector dossier`.

`connector plan` runs once as a real subprocess; the rest go through click's in-process runner
(the same command code, a second per call cheaper than starting Python).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from adapters.base import Batch, Stream
from connector.store import Store
from connector.store.dunning_store import DunningStore
from tests.dunning_samples import CREDITOR, company, consumer, invoice, ladder


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run() -> Callable[..., Outcome]:
    from connector.cli.main import main

    def invoke(*args: str) -> Outcome:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    config = {
        "state": {"url": "sqlite:///state.db"},
        "output_dir": "out",
        "administrations": [{
            "key": "bakkerij", "name": "Bakkerij De Vries B.V.", "package": "moneybird",
            "moneybird": {"administration_id": "123456"},
            "dunning": {"creditor": {k: v for k, v in CREDITOR.items() if k != "name"}},
        }],
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    store.apply_batch("bakkerij", Batch(Stream.CONTACTS, (company(), consumer())))
    store.apply_batch("bakkerij", Batch(Stream.INVOICES, (
        invoice("1", "c1", "1210.00", date(2026, 9, 15)), invoice("2", "c1", "242.00", date(2026, 10, 1)),
        invoice("3", "p1", "300.00", date(2026, 10, 1)), invoice("4", "p1", "80.00", date(2026, 12, 20)),
    )))
    for step in ladder("p1", ("3",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6)):
        DunningStore(store).record_step("bakkerij", step)
    return tmp_path


def test_plan_shows_who_gets_what_and_why_not(cli, workspace):
    result = cli("plan", "--config", str(workspace / "config.yaml"), "--date", "2026-11-23", "--all")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bakkerij — Bakkerij De Vries B.V. — dunning plan for 2026-11-23" in out
    assert "SEND  Jansen ICT B.V. (company)  level 1/5 herinnering" in out
    assert "SEND  P. de Boer (consumer)  level 4/5 veertiendagenbrief" in out
    assert "announces costs of € 45,00 if unpaid by 9 december 2026" in out
    assert "SKIP  2026-4" in out and "not_due" in out
    as_json = cli("plan", "--config", str(workspace / "config.yaml"), "--date", "2026-11-23", "--format", "json")
    (plan,) = json.loads(as_json.stdout)
    assert {a["level_name"] for a in plan["actions"]} == {"herinnering", "veertiendagenbrief"}
    assert DunningStore(Store.open(f"sqlite:///{workspace / 'state.db'}")).steps("bakkerij", contact_id="c1") == []


def test_holds_commands_record_and_release_and_the_plan_shows_them(run, workspace):
    config = str(workspace / "config.yaml")
    dispute = run("holds", "dispute", "--config", config, "--invoice", "2026-1", "--reason", "levering onvolledig",
                  "--date", "2026-11-20")
    assert dispute.returncode == 0, dispute.stderr
    assert "hold #1 recorded: dispute, contact c1, invoices 1" in dispute.stdout
    arrangement = run("holds", "arrangement", "--config", config, "--contact", "P. de Boer", "--count", "3",
                      "--first", "2026-12-01", "--date", "2026-11-20")
    assert arrangement.returncode == 0, arrangement.stderr
    assert "3 instalments of total 380.00 from 2026-12-01" in arrangement.stdout
    pause = run("holds", "pause", "--config", config, "--contact", "K0001", "--until", "2026-12-31",
                "--date", "2026-11-20")
    assert pause.returncode == 0, pause.stderr
    listing = run("holds", "list", "--config", config, "--date", "2026-11-23")
    assert "#2" in listing.stdout and "kept" in listing.stdout
    plan = run("plan", "--config", config, "--date", "2026-11-23").stdout
    assert "disputed: factuur met verweer (disputed): levering onvolledig (hold #1)" in plan
    assert "arrangement: betalingsregeling being kept" in plan and "SEND" not in plan
    released = run("holds", "release", "--config", config, "3", "--reason", "klant belde", "--date", "2026-11-23")
    assert released.returncode == 0 and "released on 2026-11-23" in released.stdout
    assert "SEND  Jansen ICT B.V." in run("plan", "--config", config, "--date", "2026-11-23").stdout
    broken = run("plan", "--config", config, "--date", "2026-12-10").stdout
    assert "WARNING betalingsregeling broken (hold #2)" in broken and "SEND  P. de Boer" in broken


def test_plan_can_render_the_letters_it_would_send(run, workspace):
    result = run("plan", "--config", str(workspace / "config.yaml"), "--date", "2026-11-23", "--render")
    assert result.returncode == 0 and "preview files:" in result.stdout
    previews = workspace / "out" / "bakkerij" / "preview" / "2026-11-23"
    assert sorted(p.name for p in previews.rglob("*.pdf")) == ["04-veertiendagenbrief.pdf"]
    assert sorted(p.name for p in previews.rglob("*.txt")) == ["01-herinnering.txt", "04-veertiendagenbrief.txt"]
    assert not (workspace / "out" / "bakkerij" / "dunning").exists()


def test_holds_commands_explain_bad_input(run, workspace):
    config = str(workspace / "config.yaml")
    unknown = run("holds", "pause", "--config", config, "--contact", "Jansen", "--until", "2026-12-31")
    assert unknown.returncode == 2 and "no contact 'Jansen'" in unknown.stderr and "Jansen ICT B.V." in unknown.stderr
    short = run("holds", "arrangement", "--config", config, "--contact", "p1", "--instalment", "2026-12-01=100")
    assert short.returncode == 2 and "less than the 380.00 open" in short.stderr
    mixed = run("holds", "promise", "--config", config, "--contact", "c1", "--invoice", "2026-3", "--until", "2027-01-01")
    assert mixed.returncode == 2 and "belong to another contact" in mixed.stderr


def test_dossier_exports_one_contact_or_all_at_the_last_level(run, workspace):
    config = str(workspace / "config.yaml")
    store = Store.open(f"sqlite:///{workspace / 'state.db'}")
    letter = workspace / "letter.pdf"
    letter.write_bytes(b"%PDF-1.7 test")
    handover = ladder("p1", ("3",), ["herinnering", "tweede_herinnering", "bellijst", "veertiendagenbrief", "incasso"],
                      date(2026, 10, 6))
    DunningStore(store).record_step("bakkerij", replace(handover[3], key="wik", documents=(str(letter),)))
    DunningStore(store).record_step("bakkerij", replace(handover[4], key="handover"))
    result = run("dossier", "--config", config, "--all", "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "P. de Boer: 2 open invoice(s)" in result.stdout and "Jansen" not in result.stdout
    folder = workspace / "out" / "bakkerij" / "dossiers" / "2026-11-23" / "p1-p-de-boer"
    document = json.loads((folder / "dossier.json").read_text(encoding="utf-8"))
    assert document["debtor"]["kind"] == "consumer" and len(document["steps"]) == 5
    assert (folder / "dossier.csv").exists() and list((folder / "documents").glob("*.pdf"))
    one = run("dossier", "--config", config, "--contact", "Jansen ICT B.V.", "--output", str(workspace / "d"))
    assert one.returncode == 0 and (workspace / "d" / "c1-jansen-ict-b-v" / "dossier.json").exists()
    assert run("dossier", "--config", config).returncode == 2


def test_letters_posted_records_the_real_dispatch_day_and_the_term_moves_with_it(run, workspace):
    """A 14-dagenbrief printed Monday 23 November but posted Friday 27th: delivery is assumed on
    Tuesday 1 December (Saturday counts, Sunday and Monday do not), the 14 days end on the 15th,
    costs may be charged from the 16th — not from the 10th the run day would have given."""
    config = str(workspace / "config.yaml")
    store = Store.open(f"sqlite:///{workspace / 'state.db'}")
    wik = ladder("p1", ("3",), ["herinnering", "tweede_herinnering", "bellijst", "veertiendagenbrief"],
                 date(2026, 10, 6))[3]
    posted = replace(wik, key="wik-post", level_kind="fourteen_day", via="post", channel="smtp_email",
                     sent_on=date(2026, 11, 23), letter_date=date(2026, 11, 23), term_end=date(2026, 12, 9),
                     costs_from=date(2026, 12, 10), wik_valid=True, announced_costs=Decimal("45.00"))
    DunningStore(store).record_step("bakkerij", posted)
    listing = run("letters", "list", "--config", config)
    assert listing.returncode == 0, listing.stderr
    step_id = listing.stdout.split()[0].lstrip("#")
    assert ("veertiendagenbrief to contact p1, dated 2026-11-23, posted 2026-11-23, term ends 2026-12-09, "
            "costs from 2026-12-10") in listing.stdout
    too_early = run("letters", "posted", step_id, "--date", "2026-11-20", "--config", config)
    assert too_early.returncode == 2 and "dated 2026-11-23" in too_early.stderr
    moved = run("letters", "posted", step_id, "--date", "2026-11-27", "--config", config)
    assert moved.returncode == 0, moved.stderr
    assert "posted 2026-11-27, term ends 2026-12-15, costs from 2026-12-16" in moved.stdout
    (step,) = [s for s in DunningStore(store).steps("bakkerij") if s.key == "wik-post"]
    assert (step.sent_on, step.letter_date, step.term_end, step.costs_from) == (
        date(2026, 11, 27), date(2026, 11, 23), date(2026, 12, 15), date(2026, 12, 16))
    assert "dispatch date 2026-11-23 corrected to 2026-11-27" in step.detail
    waiting = run("plan", "--config", config, "--date", "2026-12-15").stdout
    assert "next level 'incasso' from 2026-12-16" in waiting
    handover = run("plan", "--config", config, "--date", "2026-12-16").stdout
    assert "HAND  P. de Boer (consumer)  level 5/5 incasso" in handover and "costs € 45,00" in handover
    DunningStore(store).record_step("bakkerij", replace(posted, key="later", level_name="incasso", level_index=5,
                                                       via="dossier", sent_on=date(2026, 12, 16)))
    refused = run("letters", "posted", "wik-post", "--date", "2026-11-30", "--config", config)
    assert refused.returncode == 2 and "'incasso' already followed on 2026-12-16" in refused.stderr
    unknown = run("letters", "posted", "999", "--date", "2026-11-30", "--config", config)
    assert unknown.returncode == 2 and "no letter by post '999'" in unknown.stderr


def test_the_plan_says_the_fourteen_day_letter_goes_by_post_with_an_email_copy(cli, workspace):
    out = cli("plan", "--config", str(workspace / "config.yaml"), "--date", "2026-11-23").stdout
    assert "level 4/5 veertiendagenbrief  via PDF letter for the post" in out
    assert "if posted today (the letter counts from delivery)" in out
    assert "and a copy by e-mail to pdeboer@mail.example" in out
    assert "record the day it is posted with `connector letters posted`" in out
