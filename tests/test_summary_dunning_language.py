"""What the dunning run reports reads Dutch in a Dutch summary and English in an English one.

The run keeps its warnings, the notes on a bellijst row and why a step was not sent as data (a code
and its values); the summary words them in its own language. Checked on a real cycle (the demo's
e-Boekhouden administration over HTTP, a real SQLite store) and on every code of the catalogue.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from connector.clock import FakeClock
from connector.config import load_config
from connector.demo import demo_systems, prepare_output
from connector.dunning import plan_warnings as pw
from connector.service.cycle import run_cycle
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from connector.summary import AttentionItem, CallListRow, Summary, build_summary
from connector.summary.from_cycle import admin_summaries_from_report
from connector.summary.render import render_summary
from tests.dunning_samples import ladder

TODAY = date(2026, 11, 23)
ADMIN = "kapsalon-bakker"  # e-Boekhouden: some invoices were booked without the invoicing module, so no PDF


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """One cycle that mails reminders (one invoice has no PDF in the package), puts a customer without a
    phone number on the bellijst, and finds an e-mail of an earlier run whose outcome is unknown."""
    out = prepare_output(tmp_path_factory.mktemp("language") / "demo")
    clock = FakeClock()
    with demo_systems(out, today=TODAY, invoices=24, clock=clock) as systems:
        eboekhouden = systems.simulators[2]
        oldest = min((i for i in eboekhouden.open_invoices() if i.outstanding > 0), key=lambda i: i.date)
        eboekhouden.update_relation(oldest.relation_id, phone_number="")
        config = load_config(systems.config_path)
        store = Store.open(config.state_url)
        run_cycle(config, store, today=TODAY, clock=clock, state_dir=out / ".connector", only=(ADMIN,),
                  dunning=False)  # the sync, so the history below can name the package's invoices
        contact = str(oldest.relation_id)
        open_ids = tuple(i.host_id for i in store.open_invoices(ADMIN) if i.contact_id == contact)
        for step in ladder(contact, open_ids, ["herinnering", "tweede_herinnering"], TODAY - timedelta(days=30)):
            DunningStore(store).record_step(ADMIN, step)
        outbox = Outbox(store)
        outbox.enqueue(ADMIN, "dunning_email", "earlier-run", {"recipients": ["klant@voorbeeld.example"]})
        outbox.claim("earlier-run")
        outbox.mark_unknown("earlier-run", "SMTP 451 4.3.0")
        report = run_cycle(config, store, today=TODAY, clock=clock, state_dir=out / ".connector", only=(ADMIN,))
        (outcome,) = report.outcomes
        (admin,) = admin_summaries_from_report(report, store)
        yield outcome, Summary(today=TODAY, admins=(admin,))


def reported(outcome, summary):  # type: ignore[no-untyped-def]
    """Everything the run reported as data and the summary shows: attention items and bellijst notes."""
    worded = [item.wording for item in summary.attention if item.wording is not None]
    return worded + [remark for row in outcome.call_list for remark in row.remarks]


def test_the_cycle_reports_its_warnings_as_data(cycle):
    outcome, summary = cycle
    codes = {getattr(w, "code", type(w).__name__) for w in reported(outcome, summary)}
    assert {"for_contact", "no_phone", "OutboxProblem"} <= codes
    warning = next(w for w in outcome.dunning.warnings if w.code == "for_contact")
    assert dict(warning.params)["problem"].code == "invoice_pdf_unavailable"


def test_a_dutch_summary_has_no_english_warning_text(cycle):
    outcome, summary = cycle
    rendered = render_summary(summary, language="nl", charts=False)
    text, html = " ".join(rendered.text.split()), rendered.html
    for warning in reported(outcome, summary):
        english, dutch = warning.text("en"), warning.text("nl")
        assert english != dutch
        assert english not in text and english not in html, english
        assert dutch in text, dutch
    attention = text.split("== ACTIE NODIG")[1].split("-- Kerncijfers --")[0]
    assert "niet meegestuurd: het pakket heeft geen pdf van deze factuur" in attention
    assert "aanmaning per e-mail → klant@voorbeeld.example: niet bekend of het is gelukt" in attention
    assert "(geen telefoonnummer bekend)" in text.split("-- Bellijst --")[1]
    for english in ("not attached", "invoice PDF", "no phone number known", "outcome unknown", ": failed"):
        assert english not in text, english


def test_an_english_summary_has_them_in_english(cycle):
    outcome, summary = cycle
    rendered = render_summary(summary, language="en", charts=False)
    text = " ".join(rendered.text.split())
    for warning in reported(outcome, summary):
        assert warning.text("en") in text
        assert warning.text("nl") not in text
    assert "invoice PDF of F" in text and "not attached" in text
    assert "(no phone number known)" in text.split("-- Call list --")[1]
    assert "dunning_email → klant@voorbeeld.example: outcome unknown, please check: SMTP 451 4.3.0" in text


SAMPLES = [
    pw.no_creditor_iban(), pw.promise_broken(hold_id=5, until="2026-11-10", invoices="2026-1"),
    pw.no_email_post(), pw.fourteen_day_by_post(with_copy=False), pw.fourteen_day_by_post(with_copy=True),
    pw.no_phone(), pw.no_costs_without_wik("2026-1"), pw.no_costs_yet("2026-1", sent_on="2026-11-02",
                                                                       until="2026-11-18"),
    pw.costs_capped(announced=Decimal("1040.00"), staffel=Decimal("1075.00")),
    pw.no_interest_without_wik("2026-1"),
    pw.rate_unconfirmed(interest_kind="commercial", effective_from="2026-07-01", rate="10,40 %", charged=True),
    pw.rate_unconfirmed(interest_kind="consumer", effective_from="2026-07-01", rate="4,00 %", charged=False,
                        confirmed="6,00 %"),
    pw.part_payment_settled(payment=Decimal("1400.00"), number="2026-1", level="ingebrekestelling",
                            sent_on="2026-10-26", to_costs=Decimal("150.00"), to_interest=Decimal("7.23"),
                            to_principal=Decimal("1242.77")),
    pw.invoice_pdf_unavailable("2026-1", "e-Boekhouden: booked without the invoicing module"),
    pw.invoice_pdf_failed("2026-1", "HostUnavailable"), pw.invoice_pdf_not_pdf("2026-1"),
    pw.invoice_pdf_too_large("2026-1", 10), pw.email_copy_no_mailer("veertiendagenbrief"),
    pw.email_copy_failed("veertiendagenbrief", "550"), pw.note_not_recorded("Jansen ICT B.V.", "400"),
    pw.vat_undeclared(), pw.wik_letter_invalid("the letter must state the exact collection costs"),
    pw.interrupted_earlier(), pw.failed_earlier(), pw.host_stopped("QuotaExhausted"), pw.claimed_elsewhere(),
]


@pytest.mark.parametrize("warning", SAMPLES, ids=lambda w: w.code)
def test_every_code_has_its_own_dutch_wording(warning):
    assert warning.text("nl") != warning.text("en")
    assert str(warning) == warning.text("en")


def test_amounts_and_words_follow_the_language():
    capped = pw.costs_capped(announced=Decimal("1040.00"), staffel=Decimal("1075.00"))
    assert "€ 1040.00" in capped.text("en") and "€ 1.040,00" in capped.text("nl")
    rate = pw.rate_unconfirmed(interest_kind="commercial", effective_from="2026-07-01", rate="10,40 %",
                               charged=True)
    assert rate.text("en").startswith("commercial rate") and rate.text("nl").startswith("wettelijke handelsrente")


def test_a_failed_step_and_its_reason_are_worded_together():
    reason = pw.vat_undeclared()
    failed = pw.step_problem(status="failed", level="ingebrekestelling", contact="Jansen ICT B.V.",
                             invoices="2026-1", reason=reason)
    unknown = pw.step_problem(status="unknown", level="herinnering", contact="Jansen ICT B.V.",
                              invoices="2026-2", reason=pw.as_written("SMTPServerDisconnected: closed"))
    admin = build_summary(key="b", name="Bakkerij", package="exact", today=TODAY, open_invoices=[], attention=[
        AttentionItem(kind="other", message=failed.text("nl"), wording=failed),
        AttentionItem(kind="other", message=unknown.text("nl"), wording=unknown)],
        call_list=[CallListRow(customer="Jansen ICT B.V.", phone="", amount=Decimal("10.00"), days_overdue=40,
                               note="no phone number known", remarks=(pw.no_phone(),))])
    dutch = render_summary(Summary(today=TODAY, admins=(admin,)), language="nl", charts=False).text
    assert f"ingebrekestelling aan Jansen ICT B.V. (2026-1): mislukt — {reason.text('nl')}" in " ".join(dutch.split())
    assert "herinnering aan Jansen ICT B.V. (2026-2): niet bekend of het is verstuurd — SMTPServerDisconnected" in dutch
    assert "(geen telefoonnummer bekend)" in dutch and "no phone" not in dutch
    english = render_summary(Summary(today=TODAY, admins=(admin,)), language="en", charts=False).text
    assert "ingebrekestelling to Jansen ICT B.V. (2026-1): failed — not sent: the costs include BTW" in english
    assert "(no phone number known)" in english
