"""The planner: the ladder over time, grouping, send days, real term dates, every reason not to chase."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from connector.dunning import DunningStep, Hold, HoldKind, Instalment
from connector.dunning.keys import step_key
from connector.dunning.model import DunningAction, Via
from connector.legal.workdays import is_working_day
from connector.store.codec import encode
from tests.dunning_samples import (
    CREDITOR,
    MONEYBIRD,
    NO_HOST,
    TODAY,
    company,
    consumer,
    invoice,
    ladder,
    plan,
    settings,
    step,
)


def as_step(action: DunningAction, today: date) -> DunningStep:
    """What the executor records after sending `action` (for simulations without IO)."""
    return DunningStep(
        key=action.idempotency_key, contact_id=action.contact_id, level_name=action.level_name,
        level_index=action.level_index, level_kind=action.level_kind, channel=action.channel, via=action.via,
        sent_on=today, invoice_ids=action.invoice_ids, term_end=action.new_term_date, costs=action.costs,
        announced_costs=action.announced_costs, costs_from=action.costs_from,
        wik_valid=action.level_kind == "fourteen_day" and action.debtor_kind == "consumer",
        host_reminders=1 if action.via == Via.HOST else 0,
    )


def simulate(invoices, contacts, start: date, days: int, cfg=None, capabilities=NO_HOST):  # type: ignore[no-untyped-def]
    history: list[DunningStep] = []
    sent: list[tuple[date, DunningAction]] = []
    for offset in range(days):
        today = start + timedelta(days=offset)
        result = plan(invoices, contacts, history, cfg=cfg, today=today, capabilities=capabilities)
        for action in result.actions:
            history.append(as_step(action, today))
            sent.append((today, action))
    return sent


def test_company_ladder_runs_in_order_on_working_days_with_real_terms():
    inv = invoice("1", "c1", "500.00", date(2026, 9, 30))
    sent = simulate([inv], [company()], date(2026, 9, 30), 90)
    assert [a.level_name for _, a in sent] == [
        "herinnering", "tweede_herinnering", "bellijst", "ingebrekestelling", "incasso"]
    assert [d.isoformat() for d, _ in sent] == [
        "2026-10-05", "2026-10-15", "2026-10-23", "2026-10-26", "2026-11-10"]
    for (day, action), (_, previous) in zip(sent[1:], sent):
        assert previous.new_term_date is None or day > previous.new_term_date, "never before the letter's term ends"
    for day, action in sent:
        assert is_working_day(day)
        if action.new_term_date:
            assert is_working_day(action.new_term_date) and action.new_term_date > day
    assert sent[3][1].costs == Decimal("75.00") and sent[3][1].interest > 0


def test_level_n_waits_for_n_minus_1_and_never_repeats():
    inv = invoice("1", "c1", "500.00", date(2026, 9, 30))
    # the first level was never sent, however late it is: the ladder starts at level 1
    (action,) = plan([inv], [company()], today=date(2027, 3, 1)).actions
    assert action.level_index == 1
    history = ladder("c1", ("1",), ["herinnering", "tweede_herinnering", "bellijst", "ingebrekestelling", "incasso"],
                     date(2026, 10, 5))
    result = plan([inv], [company()], history, today=date(2027, 3, 1))
    assert result.actions == () and result.skipped[0].code == "last_level"


def test_one_letter_per_customer_and_level_with_all_open_items_listed():
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1)), invoice("2", "c1", "200.00", date(2026, 10, 15)),
                invoice("3", "c1", "300.00", date(2026, 11, 10)), invoice("4", "c1", "50.00", date(2026, 12, 20))]
    history = ladder("c1", ("1",), ["herinnering"], date(2026, 10, 6))
    result = plan(invoices, [company()], history)
    by_level = {a.level_name: a for a in result.actions}
    assert set(by_level) == {"tweede_herinnering", "herinnering"}
    assert by_level["herinnering"].invoice_numbers == ("2026-2", "2026-3")
    assert by_level["tweede_herinnering"].invoice_numbers == ("2026-1",)
    statement = by_level["herinnering"].statement
    assert [(s.number, s.in_letter, s.note) for s in statement] == [
        ("2026-1", False, "other_letter"), ("2026-2", True, ""), ("2026-3", True, ""), ("2026-4", False, "not_due")]


def test_minimum_amount_is_per_letter():
    small = [invoice("1", "c1", "4.00", date(2026, 10, 1)), invoice("2", "c1", "5.00", date(2026, 10, 2))]
    result = plan(small, [company()])
    assert result.actions == () and {s.code for s in result.skipped} == {"below_minimum"}
    assert len(plan(small, [company()], cfg=settings(min_amount="8")).actions) == 1


def test_no_sends_on_weekends_and_holidays_unless_configured():
    inv = invoice("1", "c1", "100.00", date(2026, 10, 1))
    saturday = plan([inv], [company()], today=date(2026, 11, 21))
    assert saturday.actions == ()
    assert saturday.skipped[0].code == "closed_day" and saturday.skipped[0].next_date == date(2026, 11, 23)
    christmas = plan([inv], [company()], today=date(2026, 12, 25))
    assert christmas.skipped[0].code == "closed_day" and "Christmas" in christmas.skipped[0].reason
    assert christmas.skipped[0].next_date == date(2026, 12, 28)
    open_weekends = settings(send_days={"skip_weekends": False, "skip_holidays": False})
    assert len(plan([inv], [company()], cfg=open_weekends, today=date(2026, 11, 21)).actions) == 1
    closed = settings(send_days={"closed_days": ["2026-11-23"]})
    assert plan([inv], [company()], cfg=closed).skipped[0].code == "closed_day"


@hsettings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), st.sampled_from(["company", "consumer"]))
def test_a_new_term_is_always_a_working_day_after_today(today, kind):
    contact = company() if kind == "company" else consumer()
    inv = invoice("1", contact.host_id, "100.00", today - timedelta(days=40))
    cfg = settings(send_days={"skip_weekends": False, "skip_holidays": False})
    history = ladder(contact.host_id, ("1",), ["herinnering", "tweede_herinnering", "bellijst"],
                     today - timedelta(days=35), gap=5)
    for actions in (plan([inv], [contact], cfg=cfg, today=today).actions,
                    plan([inv], [contact], history, cfg=cfg, today=today).actions):
        for action in actions:
            assert action.new_term_date is not None and action.new_term_date > today
            assert is_working_day(action.new_term_date)


def test_every_reason_not_to_chase_is_shown():
    c = company()
    due = date(2026, 10, 1)
    invoices = [
        invoice("disputed", "c1", "100.00", due), invoice("promised", "c1", "100.00", due),
        invoice("in-plan", "c1", "300.00", due), invoice("paid", "c1", "100.00", due),
        invoice("usd", "c1", "100.00", due, currency="USD"), invoice("new", "c1", "100.00", date(2026, 12, 1)),
        invoice("unknown", "c1", "100.00", due),
        invoice("debit", "c1", "100.00", due, collection_hold="payment_pending"),
        invoice("scheduled", "c1", "100.00", due, collection_hold="not_sent"),
    ]
    holds = [
        Hold(id=1, kind=HoldKind.DISPUTE, contact_id="c1", invoice_ids=("disputed",), created_on=date(2026, 11, 1),
             reason="levering onvolledig"),
        Hold(id=2, kind=HoldKind.PROMISE, contact_id="c1", invoice_ids=("promised",), created_on=date(2026, 11, 20),
             until=date(2026, 11, 30)),
        Hold(id=3, kind=HoldKind.ARRANGEMENT, contact_id="c1", invoice_ids=("in-plan",), created_on=date(2026, 10, 1),
             amount=Decimal("300.00"), instalments=(Instalment(due_date=date(2026, 11, 1), amount=Decimal("100.00")),
                                                    Instalment(due_date=date(2026, 12, 1), amount=Decimal("200.00")))),
    ]
    invoices[2] = replace(invoices[2], open_amount=Decimal("200.00"))  # first instalment paid
    unknown = replace(step("herinnering", 1, date(2026, 11, 20), ("unknown",)), status="unknown")
    result = plan(invoices, [c], [unknown], holds, probable={"paid": "EUR 100,00 from NL91ABNA… on 2026-11-20"})
    reasons = {s.invoice_id: (s.code, s.reason) for s in result.skipped}
    assert reasons["disputed"][0] == "disputed" and "levering onvolledig" in reasons["disputed"][1]
    assert reasons["promised"][0] == "promise" and "2026-11-30" in reasons["promised"][1]
    assert reasons["in-plan"][0] == "arrangement" and "200,00" in reasons["in-plan"][1]
    assert reasons["paid"][0] == "probable_payment" and "NL91ABNA" in reasons["paid"][1]
    assert reasons["usd"][0] == "currency"
    assert reasons["new"][0] == "not_due"
    assert reasons["unknown"][0] == "unknown_outcome"
    assert reasons["debit"][0] == "payment_pending" and "direct debit" in reasons["debit"][1]
    assert reasons["scheduled"][0] == "not_sent"
    assert result.actions == ()


def test_pause_and_released_holds():
    inv = invoice("1", "c1", "100.00", date(2026, 10, 1))
    pause = Hold(id=4, kind=HoldKind.PAUSE, contact_id="c1", created_on=date(2026, 11, 1), until=date(2026, 11, 30))
    assert plan([inv], [company()], holds=[pause]).skipped[0].code == "paused"
    assert len(plan([inv], [company()], holds=[pause], today=date(2026, 12, 1)).actions) == 1
    released = replace(pause, released_on=date(2026, 11, 10))
    assert len(plan([inv], [company()], holds=[released]).actions) == 1


def test_broken_promises_and_arrangements_resume_dunning_with_a_warning():
    inv = invoice("1", "c1", "300.00", date(2026, 10, 1))
    promise = Hold(id=5, kind=HoldKind.PROMISE, contact_id="c1", created_on=date(2026, 11, 1), until=date(2026, 11, 10))
    result = plan([inv], [company()], holds=[promise])
    assert len(result.actions) == 1 and "broken" in result.warnings[0].text("en")
    assert result.warnings[0].text("nl") == ("betaalbelofte voor 2026-11-10 niet nagekomen (hold #5): 2026-1 nog "
                                             "open; het aanmanen gaat verder")
    arrangement = Hold(id=6, kind=HoldKind.ARRANGEMENT, contact_id="c1", invoice_ids=("1",), created_on=date(2026, 10, 5),
                       amount=Decimal("300.00"),
                       instalments=(Instalment(due_date=date(2026, 11, 1), amount=Decimal("150.00")),
                                    Instalment(due_date=date(2026, 12, 1), amount=Decimal("150.00"))))
    result = plan([inv], [company()], holds=[arrangement])
    assert len(result.actions) == 1
    assert "betalingsregeling broken (hold #6): instalment of € 150,00 due 2026-11-01 not paid" in str(result.warnings[0])
    assert result.warnings[0].code == "arrangement_broken"
    assert "termijn van € 150,00 van 2026-11-01 niet betaald" in result.warning_texts("nl")[0]


def test_plan_warnings_are_data_worded_in_the_readers_language():
    inv = invoice("1", "c1", "300.00", date(2026, 10, 1))
    no_iban = settings(creditor={k: v for k, v in CREDITOR.items() if k != "iban"})
    (warning,) = plan([inv], [company()], cfg=no_iban).warnings
    assert (warning.code, warning.params) == ("no_creditor_iban", ())
    assert warning.text("nl").startswith("geen IBAN van de schuldeiser")
    assert warning.text("en").startswith("no creditor IBAN")
    assert encode(warning) == {"code": "no_creditor_iban", "params": []}


def test_open_credit_notes_cover_the_oldest_invoices_first():
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1)), invoice("2", "c1", "80.00", date(2026, 10, 10)),
                invoice("cn", "c1", "-130.00", date(2026, 10, 20))]
    result = plan(invoices, [company()])
    assert [(s.invoice_id, s.code) for s in result.skipped] == [("1", "credit_covered")]
    (action,) = result.actions
    assert action.invoice_numbers == ("2026-2",)
    assert action.principal == Decimal("50.00") and action.credit_applied == Decimal("30.00")
    fully = plan(invoices[:1] + invoices[2:], [company()])
    assert fully.actions == () and fully.skipped[0].code == "credit_covered"


def test_a_reminder_the_host_sent_itself_is_never_doubled():
    inv = invoice("1", "c1", "100.00", date(2026, 10, 1), reminder_count=1)
    result = plan([inv], [company()], capabilities=MONEYBIRD)
    assert result.actions == ()
    assert result.skipped[0].code == "host_reminded"
    (seen,) = result.host_reminders_seen
    assert (seen.level_name, seen.count) == ("herinnering", 1)
    recorded = DunningStep(key=seen.key, contact_id="c1", level_name=seen.level_name, level_index=seen.level_index,
                           level_kind=seen.level_kind, channel="host", via=Via.HOST_OWN, sent_on=TODAY,
                           invoice_ids=("1",), host_reminders=1)
    assert plan([inv], [company()], [recorded], capabilities=MONEYBIRD).skipped[0].code == "waiting"
    later = plan([inv], [company()], [recorded], capabilities=MONEYBIRD, today=TODAY + timedelta(days=10))
    assert [a.level_name for a in later.actions] == ["tweede_herinnering"]
    # our own push through the host raised the counter too: that is not a reminder "of its own"
    pushed = replace(recorded, key="ours", via=Via.HOST)
    counted = replace(inv, reminder_count=1)
    assert plan([counted], [company()], [pushed], capabilities=MONEYBIRD, today=TODAY + timedelta(days=10)).actions


def test_channels_resolve_against_the_host_and_the_contact():
    inv = invoice("1", "c1", "100.00", date(2026, 10, 1))
    assert plan([inv], [company()], capabilities=MONEYBIRD).actions[0].via == Via.HOST
    assert plan([inv], [company()], capabilities=NO_HOST).actions[0].via == Via.SMTP
    no_mail = plan([inv], [company(emails=())]).actions[0]
    assert no_mail.via == Via.POST and "no e-mail address" in no_mail.notes[0]
    history = ladder("p1", ("p",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6))
    wik = invoice("p", "p1", "100.00", date(2026, 10, 1))
    by_post = settings(legal={"email_counts_as_written": False})
    (letter,) = plan([wik], [consumer()], history, cfg=by_post).actions
    assert letter.level_name == "veertiendagenbrief" and letter.via == Via.POST


def test_keys_identify_administration_contact_level_and_invoice_set():
    a = step_key("adm", "c1", "herinnering", ["2", "1"])
    assert a == step_key("adm", "c1", "herinnering", ["1", "2", "1"])
    others = {step_key("adm2", "c1", "herinnering", ["1", "2"]), step_key("adm", "c2", "herinnering", ["1", "2"]),
              step_key("adm", "c1", "tweede_herinnering", ["1", "2"]), step_key("adm", "c1", "herinnering", ["1"])}
    assert a not in others and len(others) == 4 and len(a) < 255
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1)), invoice("2", "c1", "100.00", date(2026, 10, 2))]
    first = plan(invoices, [company()]).actions[0].idempotency_key
    assert first == plan(list(reversed(invoices)), [company()], today=TODAY).actions[0].idempotency_key


def test_renamed_levels_keep_their_rank_and_unknown_contacts_are_consumers():
    inv = invoice("1", "c1", "100.00", date(2026, 10, 1))
    old = step("oude_naam", 2, date(2026, 11, 1), ("1",))
    (action,) = plan([inv], [company()], [old]).actions
    assert action.level_name == "bellijst"
    stranger = plan([inv], []).skipped[0]
    assert stranger.code == "no_contact"
    unknown_kind = replace(company(), kind=consumer().kind.__class__("unknown"))
    assert plan([inv], [unknown_kind]).actions[0].debtor_kind == "consumer"


def test_disabled_dunning_chases_nothing():
    inv = invoice("1", "c1", "100.00", date(2026, 10, 1))
    result = plan([inv], [company()], cfg=settings(enabled=False))
    assert result.actions == () and result.skipped[0].code == "disabled"
