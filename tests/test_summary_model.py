"""The summary model: key figures, aging shares, DSO and its trend, attention items, combined totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from connector.records import Invoice
from connector.summary import AttentionItem, CallListRow, HoldDue, Summary, build_summary
from connector.summary.figures import customers_overdue, sales_in_period
from tests.summary_samples import TODAY, bakery_invoices, invoice, sample_summary


def test_key_figures_of_the_sample_bakery():
    bakery = sample_summary().admins[0]
    fig = bakery.figures
    assert fig.total_open == Decimal("6597.80")
    assert fig.open_count == 8
    # everything past its due date, the credit note included (it lowers what is overdue)
    assert fig.overdue == Decimal("5291.00")
    assert fig.overdue_count == 6
    # c5 has 1452.00 overdue and a -121.00 credit note: still overdue; c2, c3, c4 too
    assert fig.customers_overdue == 4
    assert fig.dso == Decimal("32.7")  # 6597.80 / 18150.00 * 90
    assert fig.dso_trend == Decimal("-8.6")
    assert [row.key for row in bakery.aging] == ["not_due", "1_30", "31_60", "61_90", "over_90"]
    assert sum(row.amount for row in bakery.aging) == fig.total_open
    assert [row.share for row in bakery.aging] == [Decimal(x) for x in ("19.8", "46.3", "2.8", "9.2", "22.0")]
    # the excess of an overpayment and a double payment; a payout or tax refund is not money to give back
    assert (bakery.overpaid, len(bakery.overpayments)) == (Decimal("1107.50"), 2)


def test_a_credit_note_can_cancel_a_customer_out_of_the_overdue_count():
    invoices = [invoice(1, "c1", 10, "100.00"), invoice(2, "c1", 5, "-100.00"), invoice(3, "c2", 1, "5.00")]
    assert customers_overdue(invoices, TODAY) == 1


def test_sales_in_period_counts_each_invoice_once_and_only_inside_the_window():
    inside = invoice(1, "c1", 0, "100.00", invoice_days_before_due=30)
    outside = invoice(2, "c1", 0, "999.00", invoice_days_before_due=120)
    credit = invoice(3, "c1", 0, "-20.00", invoice_days_before_due=10)
    assert sales_in_period([inside, inside, outside, credit], TODAY, 90) == Decimal("80.00")


def test_no_sales_means_no_dso_and_no_trend():
    admin = build_summary(key="a", name="A", package="moneybird", today=TODAY, open_invoices=bakery_invoices(),
                          previous_dso=Decimal(40))
    assert admin.figures.dso is None and admin.figures.dso_trend is None


def test_attention_from_the_cycle_is_classified_deduplicated_and_put_in_order():
    admin = build_summary(
        key="g", name="Garage Smit", package="exact", today=TODAY, open_invoices=[],
        status="failed", error="refresh token expired",
        needs_attention=["Garage Smit: opnieuw toestemming geven (re-consent): refresh token expired"],
        attention=[AttentionItem(kind="email_failed", message="550 mailbox unavailable")],
    )
    assert [(a.kind, a.message, a.admin) for a in admin.attention] == [
        ("reconsent", "opnieuw toestemming geven (re-consent): refresh token expired", "Garage Smit"),
        ("email_failed", "550 mailbox unavailable", "Garage Smit"),
    ]
    failed = build_summary(key="h", name="H", package="moneybird", today=TODAY, open_invoices=[],
                           status="failed", error="host down")
    assert [(a.kind, a.message) for a in failed.attention] == [("admin_failed", "host down")]


def test_lists_are_sorted_for_reading():
    admin = build_summary(
        key="a", name="A", package="moneybird", today=TODAY, open_invoices=[],
        call_list=[CallListRow(customer="B", phone="1", amount=Decimal(10), days_overdue=40),
                   CallListRow(customer="A", phone="2", amount=Decimal(20), days_overdue=90),
                   CallListRow(customer="C", phone="3", amount=Decimal(30), days_overdue=40)],
        holds_due=[HoldDue(kind="promise", customer="X", amount=Decimal(1), due_date=date(2026, 10, 20)),
                   HoldDue(kind="dispute", customer="Y", amount=Decimal(1), due_date=date(2026, 10, 15))],
    )
    assert [r.customer for r in admin.call_list] == ["A", "C", "B"]
    assert [h.customer for h in admin.holds_due] == ["Y", "X"]
    assert [f.date.day for f in sample_summary().admins[0].flagged_lines] == [11, 12, 13, 13, 13]


def test_combined_totals_weigh_dso_by_sales():
    one = build_summary(key="a", name="A", package="moneybird", today=TODAY,
                        open_invoices=[invoice(1, "c", 5, "100.00")], sales_last_period=Decimal("900.00"))
    two = build_summary(key="b", name="B", package="exact", today=TODAY,
                        open_invoices=[invoice(2, "d", -5, "200.00")], sales_last_period=Decimal("300.00"))
    totals = Summary(today=TODAY, admins=(one, two)).totals
    assert totals.total_open == Decimal("300.00")
    assert totals.overdue == Decimal("100.00")
    assert totals.customers_overdue == 1
    assert totals.dso == Decimal("22.5")  # 300 / 1200 * 90
    unknown = build_summary(key="c", name="C", package="exact", today=TODAY, open_invoices=[])
    assert Summary(today=TODAY, admins=(one, unknown)).totals.dso is None


amounts = st.decimals(min_value=Decimal(-500), max_value=Decimal(10000), places=2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-60, 400), amounts, st.sampled_from(["c1", "c2", "c3"])), max_size=40))
def test_aging_adds_up_and_overdue_is_the_past_due_buckets(rows):
    invoices: list[Invoice] = [invoice(n, contact, age, str(amount)) for n, (age, amount, contact) in enumerate(rows)]
    admin = build_summary(key="a", name="A", package="moneybird", today=TODAY, open_invoices=invoices)
    open_ones = [i for i in invoices if i.open_amount != 0]
    assert admin.figures.open_count == len(open_ones)
    assert sum(r.amount for r in admin.aging) == admin.figures.total_open == sum(i.open_amount for i in open_ones)
    assert admin.figures.overdue == sum(r.amount for r in admin.aging if r.key != "not_due")
    assert sum(r.count for r in admin.aging) == len(open_ones)
    assert all(isinstance(r.amount, Decimal) for r in admin.aging)
    assert 0 <= admin.figures.customers_overdue <= 3
