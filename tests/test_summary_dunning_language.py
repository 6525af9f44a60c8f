"""What the dunning run reports reads Dutch in a Dutch summary and English in an English one.

The run keeps its warnings, the notes on a bellijst row and why a step was not sent as data (a code
and its values); the summary words them in its own language. Checked on a real cycle (the demo's
e-Boekhouden administration over HTTP, a real SQLite store) and on every code of the catalogue. The
legal core's notes (remarks on the costs, the problems of a 14-dagenbrief) have codes of their own and
are worded alike; their English stays exactly the legal core's, as the CLI and the dossier show it.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from connector.clock import FakeClock
from connector.config import load_config
from connector.demo import demo_systems, prepare_output
from connector.dunning import plan_warnings as pw
from connector.legal.costs import ContractCostTerms, CumulationRule, DebtorKind, collection_costs
from connector.legal.letters import FourteenDayLetterDraft, LetterProblem, check_fourteen_day_letter
from connector.notify.mailer import MailboxMailer
from connector.service.cycle import run_cycle
from connector.service.dunning_run import run_dunning
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from connector.summary import AttentionItem, CallListRow, Summary, build_summary
from connector.summary.from_cycle import admin_summaries_from_report
from connector.summary.render import render_summary
from tests.dunning_samples import company, consumer, invoice, ladder, plan, settings

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


def every_legal_note() -> list:  # type: ignore[type-arg]
    """Real notes of the legal core, one of each code: a 14-dagenbrief wrong in every way, and costs."""
    wrong = FourteenDayLetterDraft(
        text="Betaal binnen 14 dagen na dagtekening.", send_date=date(2026, 10, 1), due_date=date(2026, 10, 1),
        principals=(Decimal("1300.00"),), announced_costs=Decimal("1.00"), vat_uplift=True,
        stated_deadline=date(2026, 10, 5), debtor=DebtorKind.BUSINESS)
    problems = check_fourteen_day_letter(wrong)
    costs = [
        collection_costs(Decimal("0.00")),
        collection_costs(Decimal("1000.00"), contract_terms=ContractCostTerms(percentage=Decimal(30))),
        collection_costs(Decimal("1000.00"), debtor="business", contract_terms=ContractCostTerms(percentage=Decimal(30))),
        collection_costs(Decimal("100.00"), cumulation=CumulationRule(charged_in_window=Decimal("120.00"))),
    ]
    return [*problems, *(remark for result in costs for remark in result.remarks)]


LEGAL_NOTES = every_legal_note()


def test_every_legal_note_has_a_code_and_keeps_its_english_wording():
    codes = [note.code for note in LEGAL_NOTES]
    assert len(codes) == len(set(codes)) == 14, codes
    for note in LEGAL_NOTES:
        worded = pw.legal_note(note)
        assert worded.code == f"legal_{note.code}", "not passed through as written"
        assert worded.text("en") == note.message, "the CLI, the dossier and a step's detail stay as they were"
        assert worded.text("nl") != note.message


def test_a_legal_note_without_a_wording_yet_is_passed_on_as_written():
    new = LetterProblem(code="something_new", message="a problem the catalogue does not know yet")
    assert pw.legal_note(new) == pw.as_written("a problem the catalogue does not know yet")


def test_legal_amounts_follow_the_language_and_dates_stay_iso():
    above = next(pw.legal_note(n) for n in LEGAL_NOTES if n.code == "contract_above_staffel")
    assert "agreed costs 300.00 exceed the staffel 150.00" in above.text("en")
    assert "de afgesproken kosten van € 300,00 zijn hoger dan de staffel (€ 150,00)" in above.text("nl")
    wrong = next(pw.legal_note(n) for n in LEGAL_NOTES if n.code == "cost_amount_wrong")
    assert wrong.text("nl") == "de aangekondigde kosten van € 1,00 wijken af van de staffel (€ 235,95)"
    missing = next(pw.legal_note(n) for n in LEGAL_NOTES if n.code == "principal_missing")
    assert missing.text("en") == "the outstanding amount € 1300.00 is not in the letter"
    assert missing.text("nl") == "het openstaande bedrag van € 1.300,00 staat niet in de brief"
    early = next(pw.legal_note(n) for n in LEGAL_NOTES if n.code == "sent_before_default")
    assert early.text("nl") == ("verstuurd op 2026-10-01, maar de schuldenaar is pas in verzuim vanaf 2026-10-02 "
                                "(vervaldatum 2026-10-01)")


def test_the_legal_notes_of_a_run_read_dutch_in_a_dutch_summary(tmp_path):
    """A 14-dagenbrief the legal check stopped (a real run, a real SQLite store) and contract costs above
    the staffel noted on a bellijst row (the real planner): Dutch in the Dutch summary, the legal core's
    own English in the English one."""
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    overrides = tmp_path / "templates" / "nl"
    overrides.mkdir(parents=True)
    (overrides / "veertiendagenbrief.txt.j2").write_text(
        "{% macro subject() %}Aanmaning{% endmacro %}{% macro body() %}Betaal {{ principal|money }} binnen "
        "14 dagen na dagtekening.{% endmacro %}", encoding="utf-8")
    for step in ladder("p1", ("1",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6)):
        DunningStore(store).record_step("bakkerij", step)
    _, result = run_dunning(admin_key="bakkerij", store=store, adapter=None, mailer=MailboxMailer(tmp_path / "mail"),
                            settings=settings(), today=TODAY, output_dir=tmp_path / "out",
                            invoices=[invoice("1", "p1", "300.00", date(2026, 10, 1))], contacts=[consumer()],
                            templates_dirs=[tmp_path / "templates"])
    (failed,) = result.failed
    assert failed.reason is not None and failed.reason.code == "wik_letter_invalid"
    problems = [value for _, value in dict(failed.reason.params)["problems"].params]
    assert {p.code for p in problems} >= {"legal_term_wording_wrong", "legal_term_wording_missing"}
    assert failed.detail == failed.reason.text("en") and "na dagtekening" in failed.detail, "English as before"

    calling = settings(contract_terms={"cost_percentage": "30"}, company={"levels": [
        {"name": "bellijst", "kind": "call", "delay_days": 5, "delay_from": "due_date", "channel": "phone",
         "charge_costs": True}]})
    (call,) = plan([invoice("2", "c1", "1000.00", date(2026, 10, 1))], [company()], cfg=calling).actions
    remark = next(r for r in call.remarks if r.code == "legal_contract_above_staffel")

    problem = pw.step_problem(status="failed", level=failed.level_name, contact=failed.contact_name,
                              invoices=", ".join(failed.invoice_numbers), reason=failed.reason)
    admin = build_summary(key="b", name="Bakkerij", package="exact", today=TODAY, open_invoices=[], attention=[
        AttentionItem(kind="other", message=problem.text("nl"), wording=problem)],
        call_list=[CallListRow(customer=call.contact.name, phone=call.contact.phone, amount=call.total_due,
                               days_overdue=40, note="; ".join(call.notes), remarks=call.remarks)])
    summary = Summary(today=TODAY, admins=(admin,))
    dutch = " ".join(render_summary(summary, language="nl", charts=False).text.split())
    english = " ".join(render_summary(summary, language="en", charts=False).text.split())
    for legal in [*problems, remark]:
        assert legal.text("nl") in dutch and legal.text("en") not in dutch, legal.text("en")
        assert legal.text("en") in english and legal.text("nl") not in english
    assert "de termijn telt vanaf de brief in plaats van vanaf de ontvangst" in dutch
    assert "de afgesproken kosten van € 300,00 zijn hoger dan de staffel (€ 150,00)" in dutch
    for english_words in ("term counted", "the letter must", "agreed costs", "a court may"):
        assert english_words not in dutch, english_words


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
    pw.wik_letter_invalid([pw.legal_note(note) for note in LEGAL_NOTES[:3]]),
    *(pw.legal_note(note) for note in LEGAL_NOTES),
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
