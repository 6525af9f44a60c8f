"""Sending the summaries of a run: one combined or one per administration, once per slot, previews,
and the figures kept in the run log for next week's DSO trend."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.notify.delivery import SUMMARY_KIND
from connector.store import Store
from connector.store.outbox import Outbox
from connector.summary.deliver import send_summaries, write_summary
from connector.summary.from_cycle import (
    admin_summaries_from_report,
    admin_summaries_from_store,
    previous_dso,
    sales_last_period,
    sent_levels,
)
from tests.summary_samples import TODAY, bakery_invoices, sample_summary

NOON = datetime(2026, 10, 14, 10, 0, tzinfo=UTC).timestamp()


def config(tmp_path: Path, *, combined: bool = True, recipients: tuple[str, ...] = ("acc@kantoor.example",),
           language: str = "nl") -> ConnectorConfig:
    return ConnectorConfig.model_validate({
        "smtp": {"sender": "debiteuren@kantoor.example", "mailbox_dir": str(tmp_path / "mailbox")},
        "summary": {"recipients": list(recipients), "combined": combined, "language": language},
        "output_dir": str(tmp_path / "out"),
    })


@pytest.fixture
def store(tmp_path):
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=FakeClock(NOON))


def mailbox(tmp_path: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted((tmp_path / "mailbox").glob("*.eml"))]


def test_one_combined_summary_per_slot_however_often_the_slot_runs(tmp_path, store):
    admins = sample_summary().admins
    clock = FakeClock(NOON)
    first = send_summaries(config(tmp_path), store, admins, slot="daily@1", clock=clock)
    again = send_summaries(config(tmp_path), store, admins, slot="daily@1", clock=clock)
    assert [(d.scope, d.status) for d in first] == [("_combined", "sent")]
    assert again[0].status == "sent" and again[0].message_id == first[0].message_id
    (message,) = mailbox(tmp_path)
    assert message["To"] == "acc@kantoor.example"
    assert message["Subject"] == "[2] Debiteurenoverzicht 2 administraties — 14 okt 2026"
    assert message["Date"] == "Wed, 14 Oct 2026 12:00:00 +0200"
    assert message["X-Connector-Summary"] == "summary:daily:_combined:daily@1"
    assert Outbox(store).get("summary:daily:_combined:daily@1").kind == SUMMARY_KIND


def test_one_summary_per_administration_in_english(tmp_path, store):
    deliveries = send_summaries(config(tmp_path, combined=False, language="en"), store, sample_summary().admins,
                                slot="s", clock=FakeClock(NOON))
    assert [(d.scope, d.status) for d in deliveries] == [("bakkerij-de-vries", "sent"), ("garage-smit", "sent")]
    subjects = [m["Subject"] for m in mailbox(tmp_path)]
    assert subjects == ["[1] Receivables summary Bakkerij De Vries B.V. — 14 Oct 2026",
                        "[1] Receivables summary Garage Smit — 14 Oct 2026"]


def test_a_dry_run_writes_the_preview_and_sends_nothing(tmp_path, store):
    (delivery,) = send_summaries(config(tmp_path), store, sample_summary().admins, slot="s", dry_run=True,
                                 clock=FakeClock(NOON))
    assert delivery.status == "dry_run"
    assert delivery.preview_path == tmp_path / "out" / "summary" / "summary-daily-all-2026-10-14.html"
    html = delivery.preview_path.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "cid:" not in html
    assert delivery.eml_path.exists() and not (tmp_path / "mailbox").exists()
    assert Outbox(store).entries() == [] and store.last_runs() == []


def test_without_recipients_the_summary_is_kept_but_not_sent(tmp_path, store):
    (delivery,) = send_summaries(config(tmp_path, recipients=()), store, sample_summary().admins, slot="s",
                                 preview_dir=tmp_path / "preview", clock=FakeClock(NOON))
    assert delivery.status == "no_recipients" and delivery.preview_path.exists()
    assert Outbox(store).entries() == []


def test_a_newer_summary_closes_an_older_one_still_pending(tmp_path, store):
    outbox = Outbox(store)
    outbox.enqueue("_combined", SUMMARY_KIND, "summary:daily:_combined:yesterday", {"to": ["acc@kantoor.example"]})
    send_summaries(config(tmp_path), store, sample_summary().admins, slot="today", clock=FakeClock(NOON))
    old = outbox.get("summary:daily:_combined:yesterday")
    assert old.status == "failed" and old.error == "superseded by summary:daily:_combined:today"
    assert len(mailbox(tmp_path)) == 1


def test_the_figures_of_a_summary_give_next_weeks_dso_trend(tmp_path):
    clock = FakeClock(NOON)
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=clock)
    bakery = sample_summary().admins[0]
    send_summaries(config(tmp_path), store, [bakery], slot="w1", clock=clock)
    assert previous_dso(store, bakery.key, TODAY) is None  # today's own figure is too recent
    later = TODAY.replace(day=21)
    assert previous_dso(store, bakery.key, later) == (Decimal("32.7"), TODAY)


def test_summaries_from_a_cycle_report_and_from_the_store(tmp_path, store):
    outcome = SimpleNamespace(key="bakkerij", name="Bakkerij", package="moneybird", status="failed",
                              error="moneybird: cannot reach host",
                              needs_attention=["Bakkerij: moneybird: cannot reach host"],
                              open_invoices=tuple(bakery_invoices()))
    (admin,) = admin_summaries_from_report(SimpleNamespace(today=TODAY, outcomes=[outcome]), store)
    assert admin.figures.total_open == Decimal("6597.80")
    assert [(a.kind, a.message) for a in admin.attention] == [("admin_failed", "moneybird: cannot reach host")]
    assert admin.figures.sales is None and admin.figures.dso is None  # too little history for DSO yet

    outbox = Outbox(store)
    outbox.enqueue("bakkerij", "reminder_email", "r1", {"to": ["klant@example.nl"], "level": "reminder_1",
                                                        "amount": "121.00"})
    outbox.mark_sent("r1", "<id@x>")
    outbox.enqueue("bakkerij", "dunning_email", "r3", {"recipients": ["b@example.nl"], "total_due": "50.00",
                                                       "step": {"level_name": "wik_14_days"}})
    outbox.mark_sent("r3", "<id2@x>")
    outbox.enqueue("bakkerij", "reminder_email", "r2", {"to": ["weg@example.nl"], "level": "reminder_1"})
    outbox.claim("r2")
    outbox.mark_failed("r2", "SMTP 550: mailbox unavailable", retry=False)
    since = datetime(2026, 10, 7, tzinfo=UTC)
    levels = sent_levels(store, "bakkerij", since=since)
    assert [(level.level, level.count, level.amount) for level in levels] == [
        ("reminder_1", 1, Decimal("121.00")), ("wik_14_days", 1, Decimal("50.00"))]
    cfg = ConnectorConfig.model_validate({"administrations": [
        {"key": "bakkerij", "name": "Bakkerij", "package": "moneybird", "moneybird": {"administration_id": "1"}}]})
    store.start_run("bakkerij", "cycle")  # a cycle whose sends went out at the same (fake) moment
    (this_run,) = admin_summaries_from_report(SimpleNamespace(today=TODAY, outcomes=[outcome]), store)
    assert [s.level for s in this_run.sent] == ["reminder_1", "wik_14_days"]
    (from_store,) = admin_summaries_from_store(cfg, store, today=TODAY, sent_since=since)
    assert [s.level for s in from_store.sent] == ["reminder_1", "wik_14_days"]
    assert [(a.kind, a.message) for a in from_store.attention] == [
        ("email_failed", "reminder_email → weg@example.nl: failed: SMTP 550: mailbox unavailable")]


def test_dso_is_known_once_the_connector_has_watched_for_the_whole_period(tmp_path):
    clock = FakeClock(NOON - 91 * 86400)
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=clock)
    store.finish_run(store.start_run("bakkerij", "cycle"), "ok")  # the first cycle, 91 days ago
    clock.advance(91 * 86400)
    invoices = bakery_invoices()
    assert sales_last_period(store, "bakkerij", invoices, TODAY) == Decimal("4815.80")  # invoiced in the last 90 days, credit note off
    clock.advance(-2 * 86400)
    assert sales_last_period(store, "bakkerij", invoices, TODAY.replace(day=12)) is None


def test_write_summary_for_the_demo_leaves_an_eml_and_an_html_preview(tmp_path, store):
    outcome = SimpleNamespace(key="bakkerij", name="Bakkerij", package="moneybird", status="ok", error="",
                              needs_attention=[], open_invoices=tuple(bakery_invoices()))
    report = SimpleNamespace(today=TODAY, outcomes=[outcome])
    (delivery,) = write_summary(config(tmp_path), store, report, clock=FakeClock(NOON), out_dir=tmp_path / "demo")
    assert delivery.status == "sent"
    assert delivery.eml_path.parent == tmp_path / "demo" and delivery.eml_path.suffix == ".eml"
    assert delivery.preview_path.suffix == ".html" and "Bakkerij" in delivery.preview_path.read_text("utf-8")
    assert len(mailbox(tmp_path)) == 1


def test_the_top_level_language_is_the_summarys_default(tmp_path, store):
    def english(**sections) -> ConnectorConfig:
        return ConnectorConfig.model_validate({
            "language": "en", "smtp": {"mailbox_dir": str(tmp_path / "mailbox")},
            "summary": {"recipients": ["acc@kantoor.example"], **sections}})

    send_summaries(english(), store, sample_summary().admins, slot="a", clock=FakeClock(NOON))
    send_summaries(english(language="nl"), store, sample_summary().admins, slot="b", clock=FakeClock(NOON))
    subjects = {m["X-Connector-Summary"]: m["Subject"].split(" 2 ")[0] for m in mailbox(tmp_path)}
    assert subjects == {"summary:daily:_combined:a": "[2] Receivables summary",
                        "summary:daily:_combined:b": "[2] Debiteurenoverzicht"}  # summary.language, when set, wins
