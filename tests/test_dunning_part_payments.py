"""Art. 6:44 BW in the ladder: a part payment after a letter that claimed costs and interest goes to
those costs, then the interest, then the principal — in the next letter, the dossier and the
interest base. Worked figures (handelsrente 10,15 %, the confirmed rate; Actual/365):

ingebrekestelling of Monday 26 October 2026 for invoice 2026-1, € 1.000,00 due 30 September:
  costs: staffel on 1.000,00                                  = 150,00
  interest 1 Oct .. 26 Oct (26 days): 1.000 × 10,15 % × 26/365 =   7,23
the debtor pays € 400 (the package shows € 600 open); incasso on 10 November:
  the payment, dated the letter's day: costs 150,00, interest 7,23, principal 242,77
  principal 1.000,00 − 242,77                                  = 757,23  (600,00 + 157,23)
  interest 27 Oct .. 10 Nov (15 days): 757,23 × 10,15 % × 15/365 =  3,16
  costs left 0,00                                 total claimed = 760,39
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from connector.dunning import DunningStep
from connector.dunning.dossier import dossier_document
from connector.dunning.part_payments import settle_part_payments
from connector.legal.rates import InterestKind, default_rates
from connector.store import Store
from connector.store.dunning_store import DunningStore
from tests.dunning_samples import company, invoice, ladder, plan, settings

LETTER_DAY = date(2026, 10, 26)
HANDOVER_DAY = date(2026, 11, 10)


def notice(invoice_ids: tuple[str, ...], principals: tuple[str, ...], interest: tuple[str, ...],
           costs: str) -> DunningStep:
    return DunningStep(
        key="k:ingebrekestelling", contact_id="c1", level_name="ingebrekestelling", level_index=4,
        level_kind="notice_of_default", channel="smtp_email", via="smtp", sent_on=LETTER_DAY,
        invoice_ids=invoice_ids, term_end=date(2026, 11, 9), costs=Decimal(costs),
        interest=sum((Decimal(i) for i in interest), Decimal(0)),
        principal=sum((Decimal(p) for p in principals), Decimal(0)),
        invoice_principals=tuple(Decimal(p) for p in principals), invoice_interest=tuple(Decimal(i) for i in interest),
    )


def history(*steps: DunningStep) -> list[DunningStep]:
    earlier = ladder("c1", steps[0].invoice_ids, ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 2),
                     gap=7)
    return [*earlier, *steps]


def test_the_notice_of_default_claims_what_the_worked_example_starts_from():
    inv = invoice("1", "c1", "1000.00", date(2026, 9, 30))
    (action,) = plan([inv], [company()], history(notice(("1",), ("1000.00",), ("7.23",), "150.00"))[:3],
                     today=LETTER_DAY).actions
    assert (action.level_name, action.costs, action.interest) == ("ingebrekestelling", Decimal("150.00"),
                                                                  Decimal("7.23"))


def test_a_part_payment_goes_to_costs_then_interest_then_principal():
    paid_400 = invoice("1", "c1", "1000.00", date(2026, 9, 30), open_amount="600.00")
    steps = history(notice(("1",), ("1000.00",), ("7.23",), "150.00"))
    (action,) = plan([paid_400], [company()], steps, today=HANDOVER_DAY).actions
    assert action.level_name == "incasso"
    (item,) = action.invoices
    assert (item.principal, item.reallocated, item.interest) == (Decimal("757.23"), Decimal("157.23"),
                                                                 Decimal("3.16"))
    assert item.interest_from == date(2026, 10, 1)
    assert (action.principal, action.costs, action.costs_basis) == (Decimal("757.23"), Decimal("0.00"), "carried")
    assert action.total_due == Decimal("760.39")
    assert ("art. 6:44 BW: € 400.00 paid on invoice 2026-1 since the ingebrekestelling of 2026-10-26 goes to "
            "costs € 150.00, interest € 7.23, principal € 242.77 (payment date taken as the letter's date)") \
        in action.notes
    # the package's view would have been € 600 principal with fresh costs and interest on it
    assert action.total_due != Decimal("600.00") + Decimal("90.00")


def test_a_payment_smaller_than_the_costs_leaves_principal_and_interest_whole():
    paid_100 = invoice("1", "c1", "1000.00", date(2026, 9, 30), open_amount="900.00")
    steps = history(notice(("1",), ("1000.00",), ("7.23",), "150.00"))
    (action,) = plan([paid_100], [company()], steps, today=HANDOVER_DAY).actions
    # costs 150 − 100 = 50 left; interest 7,23 unpaid + 1.000 × 10,15 % × 15/365 = 4,17 → 11,40
    assert (action.principal, action.costs, action.interest) == (Decimal("1000.00"), Decimal("50.00"),
                                                                 Decimal("11.40"))
    assert action.total_due == Decimal("1061.40") == Decimal("1157.23") - Decimal("100.00") + Decimal("4.17")


def test_without_a_payment_since_the_letter_nothing_changes():
    unpaid = invoice("1", "c1", "1000.00", date(2026, 9, 30))
    steps = history(notice(("1",), ("1000.00",), ("7.23",), "150.00"))
    (action,) = plan([unpaid], [company()], steps, today=HANDOVER_DAY).actions
    assert (action.principal, action.costs, action.reallocated) == (Decimal("1000.00"), Decimal("150.00"), 0)
    assert not any("6:44" in note for note in action.notes)


def test_the_costs_of_a_letter_are_one_pool_for_its_invoices_and_the_dossier_agrees(tmp_path: Path):
    """Notice for A € 1.000 (due 30-09) and B € 500 (due 05-10): costs on 1.500 = 225,00; interest
    A 7,23 (26 days), B 500 × 10,15 % × 21/365 = 2,92. € 300 paid on B: costs 225,00, interest 2,92,
    principal 72,08 → B 427,92; A untouched; no costs left for the next letter."""
    a = invoice("A", "c1", "1000.00", date(2026, 9, 30))
    b = invoice("B", "c1", "500.00", date(2026, 10, 5), open_amount="200.00")
    step = notice(("A", "B"), ("1000.00", "500.00"), ("7.23", "2.92"), "225.00")
    document = dossier_document(admin_key="bakkerij", contact=company(), invoices=[a, b], steps=history(step),
                                holds=[], settings=settings(), today=HANDOVER_DAY,
                                rates=default_rates().confirmed_only())
    lines = {line["id"]: line for line in document["invoices"]}
    assert lines["B"]["claimed_principal"] == "427.92" and lines["B"]["payments_to_costs_and_interest"] == "227.92"
    assert lines["A"]["claimed_principal"] == "1000.00" and lines["A"]["payments_to_costs_and_interest"] == "0.00"
    # A: 1.000 × 10,15 % × 41/365 = 11,40; B after the payment: 427,92 × 10,15 % × 15/365 = 1,78
    assert (lines["A"]["interest"], lines["B"]["interest"]) == ("11.40", "1.78")
    assert document["claim"]["collection_costs"] == "0.00" and document["claim"]["principal"] == "1427.92"
    assert any("€ 300.00 paid on invoice 2026-B" in note and "costs € 225.00, interest € 2.92, principal € 72.08"
               in note for note in document["claim"]["notes"])
    assert "commercial rate from 2026-07-01 unconfirmed (10,40 %); charged at the last confirmed 10,15 %" \
        in document["claim"]["notes"]
    # the per-invoice amounts survive the store
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    DunningStore(store).record_step("bakkerij", step)
    (stored,) = DunningStore(store).steps("bakkerij")
    assert stored.claimed("A") == (Decimal("1000.00"), Decimal("7.23"))
    assert stored.claimed("B") == (Decimal("500.00"), Decimal("2.92"))


def test_settlement_is_pure_and_only_follows_letters_that_claimed_something():
    paid = invoice("1", "c1", "1000.00", date(2026, 9, 30), open_amount="600.00")
    reminder_only = replace(notice(("1",), ("1000.00",), ("0",), "0"), costs=Decimal(0), interest=Decimal(0))

    def start(line):  # type: ignore[no-untyped-def]
        return date(2026, 10, 1), InterestKind.COMMERCIAL, default_rates().confirmed_only()

    line = type("Line", (), {"invoice_id": "1", "number": paid.number, "principal": Decimal("600.00"),
                             "due_date": paid.due_date})()
    assert settle_part_payments([line], [reminder_only], today=HANDOVER_DAY, interest_start=start).invoices == {}
    settled = settle_part_payments([line], [notice(("1",), ("1000.00",), ("7.23",), "150.00")], today=HANDOVER_DAY,
                                   interest_start=start)
    assert settled.invoices["1"].principal == Decimal("757.23") and settled.costs_outstanding == 0
