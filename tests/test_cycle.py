"""The full cycle on the demo's three simulated administrations: bookings and sends happen once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from connector.clock import FakeClock
from connector.config import load_config
from connector.demo import demo_systems, prepare_output
from connector.service.cycle import run_cycle
from connector.store import Store
from connector.store.outbox import Outbox
from connector.store.reconciliations import ReconciliationStore
from connector.summary import Summary
from connector.summary.from_cycle import admin_summaries_from_report
from connector.summary.render import render_summary
from tests.conftest import run_cli

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def two_cycles(tmp_path_factory):
    """Two cycles on the same day, then one a week later, against the same simulators."""
    out = prepare_output(tmp_path_factory.mktemp("cycle") / "demo")
    (out / "bank-inbox").mkdir()
    clock = FakeClock()
    with demo_systems(out, today=TODAY, invoices=40, clock=clock) as systems:
        inbox = out / "bank-inbox" / "kapsalon-bakker"
        (inbox / "truncated.xml").write_text("<?xml version='1.0'?>\n<Document><BkToCstmrStmt>\n", encoding="utf-8")
        config = load_config(systems.config_path)
        store = Store.open(config.state_url)
        first = run_cycle(config, store, today=TODAY, clock=clock, state_dir=out / ".connector")
        outbox_after_first = [(e.idempotency_key, e.status) for e in Outbox(store).entries()]
        second = run_cycle(config, store, today=TODAY, clock=clock, state_dir=out / ".connector")
        outbox_after_second = [(e.idempotency_key, e.status) for e in Outbox(store).entries()]
        moneybird = systems.simulators[0]
        reminders_sent = len(moneybird.sent_reminders)
        later = run_cycle(config, store, today=TODAY + timedelta(days=21), clock=clock,
                          state_dir=out / ".connector")
        calls = run_cycle(config, store, today=TODAY + timedelta(days=35), clock=clock,
                          state_dir=out / ".connector")
        yield {"out": out, "config": config, "store": store, "first": first, "second": second, "later": later,
               "calls": calls,
               "outbox_first": outbox_after_first, "outbox_second": outbox_after_second,
               "reminders_after_two": reminders_sent, "moneybird": moneybird, "path": systems.config_path}


def outcome(report, key):
    return next(o for o in report.outcomes if o.key == key)


def test_every_administration_runs_ok(two_cycles):
    assert [(o.key, o.status) for o in two_cycles["first"].outcomes] == [
        ("hollands-glorie", "ok"), ("van-dijk-installatie", "ok"), ("kapsalon-bakker", "ok")]


def test_certain_payments_are_booked_once(two_cycles):
    first = outcome(two_cycles["first"], "hollands-glorie").reconcile
    assert first.booked, "the Moneybird demo data has certain matches"
    assert {m.status for m in first.booked} == {"auto"}
    payments = [key for key, status in two_cycles["outbox_first"] if key.startswith("payment:")]
    assert len(payments) == len(first.booked)
    assert all(status == "sent" for key, status in two_cycles["outbox_first"] if key.startswith("payment:"))
    second = outcome(two_cycles["second"], "hollands-glorie").reconcile
    assert second.booked == [], "booked lines left the unbooked set in Moneybird"


def test_a_second_run_on_the_same_day_never_repeats_a_letter(two_cycles):
    sent_first = {(o.key, a.contact_id, a.level_name, i) for o in two_cycles["first"].outcomes
                  for a in o.plan.actions for i in a.invoice_ids}
    assert sent_first, "the first run sent reminders"
    for key in ("van-dijk-installatie", "kapsalon-bakker"):
        assert outcome(two_cycles["second"], key).dunning.sent == []
    # In Moneybird the first run booked part payments; the rest of those invoices, held back then
    # as "probably paid", may now get their first reminder — but nothing is sent twice.
    second = outcome(two_cycles["second"], "hollands-glorie")
    again = {(second.key, a.contact_id, a.level_name, i) for a in second.plan.actions for i in a.invoice_ids}
    assert not again & sent_first
    booked = {m.invoice_id for m in outcome(two_cycles["first"], "hollands-glorie").reconcile.booked}
    assert {i for *_, i in again} <= booked


def test_bank_inbox_is_imported_and_a_bad_file_is_set_aside(two_cycles):
    out = two_cycles["out"]
    inbox = out / "bank-inbox" / "kapsalon-bakker"
    assert [p.name for p in (inbox / "processed").iterdir()] == ["ING-camt053-demo.xml"]
    assert (inbox / "rejected" / "truncated.xml").exists()
    error = (inbox / "rejected" / "truncated.xml.error.txt").read_text()
    assert "truncated.xml" in error and "line" in error
    kapsalon = outcome(two_cycles["first"], "kapsalon-bakker")
    assert kapsalon.bank_import.new_lines == 8
    assert any("bankbestand" in item.message for item in kapsalon.attention)
    assert kapsalon.reconcile.result.auto(), "statement lines matched to e-Boekhouden invoices"
    flags = {f.kind for f in kapsalon.reconcile.result.flags}
    assert {"psp_payout", "not_a_customer_payment"} <= flags


def test_probable_payments_hold_back_dunning(two_cycles):
    kapsalon = outcome(two_cycles["first"], "kapsalon-bakker")
    held = {s.invoice_id for s in kapsalon.plan.skipped if s.invoice_id in kapsalon.reconcile.probable_payments}
    assert held, "an invoice with a probable unbooked payment is not chased"
    chased = {i for action in kapsalon.plan.actions for i in action.invoice_ids}
    assert not chased & set(kapsalon.reconcile.probable_payments)


def test_three_weeks_later_the_ladder_moves_on(two_cycles):
    later = outcome(two_cycles["later"], "van-dijk-installatie")
    levels = {action.level_name for action in later.plan.actions}
    assert levels and "herinnering" not in levels or len(levels) > 1, levels


def test_matches_command_lists_what_needs_a_person(two_cycles):
    store = two_cycles["store"]
    open_results = ReconciliationStore(store).open_results("kapsalon-bakker", ("suggested", "flag"))
    result = run_cli("matches", "--config", str(two_cycles["path"]), "--admin", "kapsalon-bakker")
    assert result.returncode == 0, result.stderr
    assert f"#{open_results[0].id}" in result.stdout
    assert "psp_payout" in result.stdout


def test_the_bellijst_says_when_each_customer_was_last_contacted(two_cycles):
    rows = [row for o in two_cycles["calls"].outcomes for row in o.call_list]
    assert rows, "five weeks on, customers are on the bellijst"
    assert all(TODAY <= row.last_contact <= TODAY + timedelta(days=35) for row in rows)
    assert {(row.last_contact_kind, row.last_contact_what) for row in rows} <= {
        ("step", "herinnering"), ("step", "tweede_herinnering"), ("host_reminder", "herinnering")}
    (summary, *_) = admin_summaries_from_report(two_cycles["calls"], two_cycles["store"])
    text = render_summary(Summary(today=summary.today, admins=(summary,)), charts=False).text
    assert "(2e herinnering)" in text.split("-- Bellijst --")[1]
