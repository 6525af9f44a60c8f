"""Holds: when a dispute, promise, pause or betalingsregeling stops dunning, and when it stops doing so."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from connector.dunning.holds import Hold, HoldKind, Instalment, arrangement_status, evaluate_holds
from tests.dunning_samples import invoice

D = Decimal
PLAN = (Instalment(due_date=date(2026, 12, 1), amount=D("100.00")),
        Instalment(due_date=date(2027, 1, 1), amount=D("100.00")),
        Instalment(due_date=date(2027, 2, 1), amount=D("100.00")))


def arrangement(**kw: object) -> Hold:
    fields: dict[str, object] = {"id": 7, "kind": HoldKind.ARRANGEMENT, "contact_id": "c1", "invoice_ids": ("1",),
                                     "created_on": date(2026, 11, 1), "amount": D("300.00"), "instalments": PLAN}
    fields.update(kw)
    return Hold(**fields)  # type: ignore[arg-type]


def test_arrangement_is_kept_while_payments_cover_the_instalments_due():
    hold = arrangement()
    assert arrangement_status(hold, D("300.00"), date(2026, 12, 3)).kept  # within the grace days
    missed = arrangement_status(hold, D("300.00"), date(2026, 12, 5))
    assert not missed.kept and missed.missed == PLAN[0] and missed.due_so_far == D("100.00")
    assert arrangement_status(hold, D("200.00"), date(2027, 1, 2)).kept
    behind = arrangement_status(hold, D("150.00"), date(2027, 1, 10))
    assert not behind.kept and behind.missed == PLAN[1] and behind.paid == D("150.00")
    caught_up = arrangement_status(hold, D("100.00"), date(2027, 1, 10))
    assert caught_up.kept, "paying the arrears restores the arrangement"
    assert arrangement_status(hold, D("0"), date(2027, 3, 1)).completed


@given(st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=6), st.integers(0, 400),
       st.integers(0, 200))
def test_kept_means_paid_covers_every_instalment_due_before_the_grace_cutoff(amounts, paid, day_offset):
    instalments = tuple(Instalment(due_date=date(2026, 12, 1) + timedelta(days=30 * n), amount=D(a))
                        for n, a in enumerate(amounts))
    total = sum((i.amount for i in instalments), D(0))
    hold = arrangement(instalments=instalments, amount=total)
    paid_amount = min(D(paid), total)
    today = date(2026, 12, 1) + timedelta(days=day_offset)
    status = arrangement_status(hold, total - paid_amount, today, grace_days=3)
    due = sum((i.amount for i in instalments if i.due_date <= today - timedelta(days=3)), D(0))
    assert status.kept == (paid_amount >= due)


def test_evaluate_holds_per_invoice_and_contact():
    invoices = [invoice("1", "c1", "300.00", date(2026, 10, 1)), invoice("2", "c1", "50.00", date(2026, 10, 1)),
                invoice("3", "c2", "80.00", date(2026, 10, 1))]
    holds = [
        arrangement(),
        Hold(id=8, kind=HoldKind.PROMISE, contact_id="c1", created_on=date(2026, 11, 20), until=date(2026, 11, 25)),
        Hold(id=9, kind=HoldKind.DISPUTE, contact_id="c2", invoice_ids=("3",), created_on=date(2026, 12, 1)),
    ]
    effect = evaluate_holds(holds, invoices, date(2026, 11, 27))
    assert effect.blocked["1"][0] == "arrangement"
    assert effect.blocked["2"][0] == "promise"  # contact-wide promise, within the grace days
    assert "3" not in effect.blocked, "a hold recorded for a later date does not apply yet"
    after = evaluate_holds(holds, invoices, date(2026, 12, 2))
    assert "2" not in after.blocked and any("promise to pay by 2026-11-25 broken" in w.text("en") for w in after.warnings)
    assert after.blocked["3"][0] == "disputed"
    assert evaluate_holds(holds, invoices, date(2026, 11, 27), promise_grace_days=0).blocked.get("2") is None
