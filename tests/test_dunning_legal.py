"""The law in the plan: consumer costs only after a valid 14-dagenbrief's term, B2B € 40 and handelsrente,
contract terms, VAT uplift. The amounts come from connector.legal; here we test that the ladder applies them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from connector.dunning import DunningStep
from connector.dunning.claims import ClaimInput, claim_for, rate_table
from connector.dunning.policy import Channel, Level, LevelKind
from connector.legal.costs import DebtorKind, collection_costs
from connector.legal.interest import statutory_interest
from connector.legal.letters import fourteen_day_term
from connector.legal.rates import default_rates
from tests.dunning_samples import TODAY, company, consumer, invoice, ladder, plan, settings, step
from tests.test_dunning_planner import simulate

CONSUMER_LADDER = ["herinnering", "tweede_herinnering", "bellijst"]


def test_consumer_ladder_announces_then_charges_exactly_the_staffel():
    inv = invoice("1", "p1", "300.00", date(2026, 9, 30))
    sent = simulate([inv], [consumer()], date(2026, 9, 30), 90)
    names = [a.level_name for _, a in sent]
    assert names == ["herinnering", "tweede_herinnering", "bellijst", "veertiendagenbrief", "incasso"]
    (wik_day, wik), (handover_day, handover) = sent[3], sent[4]
    term = fourteen_day_term(wik_day)
    assert wik.costs == 0 and wik.announced_costs == Decimal("45.00")
    assert wik.new_term_date == term.last_term_day and wik.costs_from == term.costs_chargeable_from
    assert handover_day >= term.costs_chargeable_from
    assert handover.costs == Decimal("45.00")
    expected_interest = statutory_interest(Decimal("300.00"), term.costs_chargeable_from, handover_day, "consumer")
    assert handover.interest == expected_interest.total


def test_consumer_without_a_valid_fourteen_day_letter_gets_no_costs():
    inv = invoice("1", "p1", "300.00", date(2026, 9, 30))
    invalid = ladder("p1", ("1",), CONSUMER_LADDER + ["veertiendagenbrief"], date(2026, 10, 5))
    (action,) = plan([inv], [consumer()], invalid, today=date(2026, 12, 15)).actions
    assert action.level_name == "incasso" and action.costs == 0 and action.interest == 0
    assert any("no valid 14-dagenbrief" in note for note in action.notes)


def test_company_gets_the_40_euro_minimum_and_handelsrente_from_the_day_after_the_due_date():
    inv = invoice("1", "c1", "120.00", date(2026, 10, 1))
    history = ladder("c1", ("1",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6))
    (action,) = plan([inv], [company()], history).actions
    assert action.level_name == "ingebrekestelling"
    assert action.costs == Decimal("40.00")  # staffel minimum; the B2B floor is the same € 40
    # the 10,40 % from 2026-07-01 is UNCONFIRMED: by default the last confirmed 10,15 % continues, and the
    # plan says so; 120,00 × 10,15 % × 53/365 = 1,77 (at 10,40 % it would have been 1,81)
    expected = statutory_interest(Decimal("120.00"), date(2026, 10, 2), TODAY, "commercial",
                                  table=default_rates().confirmed_only())
    assert action.interest == expected.total == Decimal("1.77")
    assert action.invoices[0].interest_from == date(2026, 10, 2)
    assert action.total_due == Decimal("160.00") + expected.total
    note = "commercial rate from 2026-07-01 unconfirmed (10,40 %); charged at the last confirmed 10,15 %"
    assert action.notes == (note,)
    charged = settings(legal={"confirmed_rates_only": False})
    (unconfirmed,) = plan([inv], [company()], history, cfg=charged).actions
    assert unconfirmed.interest == Decimal("1.81")
    assert "unconfirmed (10,40 %); charged all the same" in unconfirmed.notes[0]
    agreed = settings(contract_terms={"interest_percent": "8"})
    assert plan([inv], [company()], history, cfg=agreed).actions[0].notes == (), "an agreed rate is no table rate"


def test_contract_terms_replace_the_statutory_defaults_for_companies_only():
    cfg = settings(contract_terms={"cost_percentage": "15", "cost_minimum": "50", "interest_percent": "12"})
    company_inv = invoice("1", "c1", "1000.00", date(2026, 10, 1))
    history = ladder("c1", ("1",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6))
    (action,) = plan([company_inv], [company()], history, cfg=cfg).actions
    assert action.costs == Decimal("150.00") and action.costs_basis == "contract"
    days = (TODAY - date(2026, 10, 1)).days
    assert action.interest == (Decimal("1000.00") * Decimal("0.12") * days / 365).quantize(Decimal("0.01"))
    consumer_inv = invoice("2", "p1", "1000.00", date(2026, 10, 1))
    wik = ladder("p1", ("2",), CONSUMER_LADDER, date(2026, 10, 6))
    (letter,) = plan([consumer_inv], [consumer()], wik, cfg=cfg).actions
    assert letter.announced_costs == collection_costs([Decimal("1000.00")], debtor=DebtorKind.CONSUMER).total


def test_vat_uplift_and_b2b_minimum_per_invoice_are_options():
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1)), invoice("2", "c1", "100.00", date(2026, 10, 1))]
    history = ladder("c1", ("1", "2"), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6))
    (plain,) = plan(invoices, [company()], history).actions
    assert plain.costs == Decimal("40.00")
    per_invoice = settings(legal={"b2b_minimum_per_invoice": True, "vat_uplift": True})
    (action,) = plan(invoices, [company()], history, cfg=per_invoice).actions
    assert action.costs == Decimal("96.80") and action.vat_uplift


def test_consumer_costs_wait_for_the_term_and_never_exceed_what_was_announced():
    cfg = settings()
    rates = rate_table(cfg)
    handover = Level(name="incasso", kind=LevelKind.HANDOVER, delay_days=0, channel=Channel.HANDOVER,
                     charge_costs=True, charge_interest=True)
    letter = step("veertiendagenbrief", 4, date(2026, 11, 2), ("1",), contact_id="p1", kind="fourteen_day",
                  wik_valid=True, costs_from=date(2026, 11, 19), announced_costs=Decimal("40.00"))
    line = [ClaimInput("1", "2026-1", Decimal("500.00"), date(2026, 10, 1))]
    early = claim_for(handover, "consumer", line, today=date(2026, 11, 18), settings=cfg,
                      wik_by_invoice={"1": letter}, rates=rates)
    assert early.costs == 0 and "runs until 2026-11-18" in early.notes[0]
    later = claim_for(handover, "consumer", line, today=date(2026, 11, 19), settings=cfg,
                      wik_by_invoice={"1": letter}, rates=rates)
    assert later.costs == Decimal("40.00") and later.costs_basis == "announced"  # staffel would be 75.00


levels = st.lists(st.sampled_from(["herinnering", "tweede_herinnering", "bellijst", "veertiendagenbrief",
                                   "incasso", "custom"]), max_size=5)


@hsettings(max_examples=200, deadline=None)
@given(
    history_levels=levels,
    wik_flags=st.lists(st.booleans(), min_size=5, max_size=5),
    offsets=st.lists(st.integers(min_value=0, max_value=60), min_size=5, max_size=5),
    charge_on=st.sets(st.sampled_from([0, 1, 2, 4])),  # a 14-dagenbrief level cannot charge (config error)
    today_offset=st.integers(min_value=0, max_value=120),
    amount=st.decimals(min_value=Decimal(10), max_value=Decimal(50000), places=2),
)
def test_a_consumer_is_never_charged_costs_without_a_valid_fourteen_day_letter_whose_term_has_passed(
        history_levels, wik_flags, offsets, charge_on, today_offset, amount):
    """Whatever the history and whichever levels the accountant marks as charging costs."""
    policy_levels = [
        {"name": "herinnering", "delay_days": 5, "delay_from": "due_date", "channel": "smtp_email"},
        {"name": "tweede_herinnering", "delay_days": 3, "channel": "smtp_email"},
        {"name": "bellijst", "kind": "call", "delay_days": 1, "channel": "phone"},
        {"name": "veertiendagenbrief", "kind": "fourteen_day", "delay_days": 1, "channel": "smtp_email"},
        {"name": "incasso", "kind": "handover", "delay_days": 1, "channel": "handover"},
    ]
    for index in charge_on:
        policy_levels[index] = {**policy_levels[index], "charge_costs": True, "charge_interest": True}
    cfg = settings(consumer={"levels": policy_levels}, min_amount="0",
                   send_days={"skip_weekends": False, "skip_holidays": False})
    due = date(2026, 6, 1)
    inv = invoice("1", "p1", str(amount), due)
    history = []
    for n, (name, valid, offset) in enumerate(zip(history_levels, wik_flags, offsets)):
        sent_on = due + timedelta(days=1 + offset)
        costs_from = sent_on + timedelta(days=17) if valid else None
        history.append(DunningStep(key=f"k{n}", contact_id="p1", level_name=name, level_index=n + 1,
                                   level_kind="fourteen_day" if valid else "reminder", channel="smtp_email",
                                   via="smtp", sent_on=sent_on, invoice_ids=("1",), wik_valid=valid,
                                   costs_from=costs_from, announced_costs=Decimal("40.00") if valid else Decimal(0)))
    today = due + timedelta(days=1 + today_offset)
    result = plan([inv], [consumer()], history, cfg=cfg, today=today)
    for action in result.actions:
        if action.costs > 0:
            valid_letters = [s for s in history if s.wik_valid and s.costs_from and s.costs_from <= today]
            assert valid_letters, "costs without a valid 14-dagenbrief whose term has passed"
            assert action.costs <= sum(s.announced_costs for s in valid_letters[:1])
        if action.level_kind == "fourteen_day":
            assert action.costs == 0
            assert action.announced_costs == collection_costs([action.principal], debtor=DebtorKind.CONSUMER).total
