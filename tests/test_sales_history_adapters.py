"""Sales invoiced per day, from each vendor's simulator over real HTTP: the totals match the seeded
invoices (paid and unpaid, credit notes negative, drafts and unbooked concepts left out), and the
host is paged the way its API pages, in exactly as many calls as the paging implies."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from adapters.eboekhouden.simulator import EboekhoudenSimulator
from adapters.exact_online.odata import wall_now
from adapters.exact_online.simulator import ExactSimulator
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from tests.pairs import eboekhouden, exact_online, moneybird

TODAY = date(2026, 11, 23)
DAYS = 90


def window(today: date) -> tuple[date, date]:
    return today - timedelta(days=DAYS - 1), today


def summed(pairs) -> dict[date, Decimal]:
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for day, amount in pairs:
        totals[day] += amount
    return dict(sorted(totals.items()))


# -- Moneybird ----------------------------------------------------------------------------------

@pytest.fixture
def mb():
    clock = FakeClock()
    with MoneybirdSimulator(seed=7, invoices=400, clock=clock, today=TODAY) as simulator:
        yield simulator, moneybird.make_adapter(simulator, clock)


def test_moneybird_sums_sent_invoices_per_day_over_several_pages(mb) -> None:
    simulator, adapter = mb
    start, end = window(TODAY)
    planned = next(i for i in simulator._invoices.values() if i["state"] == "scheduled")
    planned["invoice_date"] = (TODAY - timedelta(days=3)).isoformat()  # in the window, not yet sent
    scheduled = next(i for i in simulator.invoices() if i["id"] == planned["id"])
    in_range = [i for i in simulator.invoices()
                if i["invoice_date"] and start.isoformat() <= i["invoice_date"] <= end.isoformat()]
    sent = [i for i in in_range if i["state"] not in ("draft", "scheduled")]
    assert {"paid", "open", "late"} <= {i["state"] for i in sent}
    assert any(Decimal(i["total_price_incl_tax"]) < 0 for i in sent), "a credit note in the window"
    assert len(sent) > 200, "enough invoices for three pages of 100"

    before = len(simulator.request_log)
    got = adapter.invoiced_per_day(start, end)
    calls = simulator.request_log[before:]

    assert got == summed((date.fromisoformat(i["invoice_date"]), Decimal(i["total_price_incl_tax_base"]))
                         for i in sent)
    assert scheduled in in_range and scheduled not in sent  # so the equality above left it out
    assert len(calls) == math.ceil(len(sent) / 100)
    assert [c.query.get("page") for c in calls] == [None] + [[str(n)] for n in range(2, len(calls) + 1)]
    assert all(c.query["per_page"] == ["100"] and c.status == 200 for c in calls)
    terms = dict(term.split(":", 1) for term in calls[0].query["filter"][0].split(","))
    assert terms["period"] == "20260826..20261123"
    assert "draft" not in terms["state"] and "scheduled" not in terms["state"]


def test_moneybird_leaves_out_the_undated_draft_that_state_all_would_list(mb) -> None:
    simulator, adapter = mb
    start, end = window(TODAY)
    draft = next(i for i in simulator.invoices() if i["state"] == "draft")
    assert draft["invoice_date"] is None  # Moneybird matches it with any period containing today
    got = adapter.invoiced_per_day(start, end)
    assert sum(got.values()) == sum(
        (Decimal(i["total_price_incl_tax"]) for i in simulator.invoices()
         if i["invoice_date"] and start.isoformat() <= i["invoice_date"] <= end.isoformat()
         and i["state"] not in ("draft", "scheduled")), Decimal(0))


def test_moneybird_an_empty_period_costs_one_call(mb) -> None:
    simulator, adapter = mb
    before = len(simulator.request_log)
    assert adapter.invoiced_per_day(date(2001, 1, 1), date(2001, 3, 31)) == {}
    assert len(simulator.request_log) - before == 1


# -- Exact Online -------------------------------------------------------------------------------

@pytest.fixture
def exact(tmp_path):
    clock = FakeClock()
    with ExactSimulator(clock=clock, invoices=2100) as simulator:
        vault = exact_online.JsonFileVault(tmp_path / "vault.json")
        exact_online.login(simulator, vault, clock)
        yield simulator, exact_online.make_adapter(simulator, tmp_path, clock, vault=vault), clock


def test_exact_sums_sales_entries_from_the_ledger_in_pages_of_1000(exact) -> None:
    simulator, adapter, clock = exact
    today = wall_now(clock.now()).date()
    start, end = window(today)
    sales = [t for t in simulator.rows("terms") if t["LineType"] == 20 and start <= t["InvoiceDate"] <= end]
    lines = [r for r in simulator.rows("transaction_lines") if start <= r["Date"] <= end]
    assert {20, 21, 30, 40} <= {r["Type"] for r in lines}, "sales, credit notes, purchases, payments"
    assert {50, 20} <= {t["Status"] for t in sales}, "paid and still open invoices in the window"
    assert any(t["TransactionAmountDC"] < 0 for t in sales)
    assert 1000 < len(sales) <= 2000

    before = len(simulator.request_log)
    got = adapter.invoiced_per_day(start, end)
    calls = [r for r in simulator.request_log[before:] if r.path.startswith("/api/v1/")]

    assert got == summed((t["InvoiceDate"], t["TransactionAmountDC"]) for t in sales)
    assert len(calls) == math.ceil(len(sales) / 1000) == 2
    assert all(c.path.endswith("/bulk/Financial/TransactionLines") and c.status == 200 for c in calls)
    assert "$skiptoken" in calls[1].query and "%24filter" in calls[0].query


# -- e-Boekhouden -------------------------------------------------------------------------------

@pytest.fixture
def eb():
    clock = FakeClock()
    with EboekhoudenSimulator(clock=clock, seed=7, invoices=60, today=TODAY) as simulator:
        yield simulator, eboekhouden.make_adapter(simulator, clock, page_size=25)


def test_eboekhouden_sums_booked_sales_invoices_per_day_across_pages(eb) -> None:
    simulator, adapter = eb
    start, end = window(TODAY)
    booked = [i for i in simulator.data.invoices.values() if start <= i.date <= end]
    assert any(i.outstanding == 0 for i in booked) and any(i.outstanding != 0 for i in booked)
    assert any(i.total < 0 for i in booked), "a credit note in the window"
    assert any(i.document_id is None for i in booked), "an invoice booked without the invoicing module"
    assert any(start <= c.date <= end for c in simulator.data.concepts), "a concept that was never booked"

    before = len(simulator.request_log)
    got = adapter.invoiced_per_day(start, end)
    listed = [r for r in simulator.request_log[before:] if r.endpoint == "get_mutations"]

    assert got == summed((i.date, i.total) for i in booked)
    assert len(listed) == len(booked) // 25 + 1 >= 3
    assert [r.args["offset"] for r in listed] == [str(25 * n) for n in range(len(listed))]
    assert all(r.args["type"] == "2" and r.args["date[range]"] == "2026-08-26,2026-11-23" for r in listed)


def test_eboekhouden_the_invoice_list_would_have_counted_the_concepts(eb) -> None:
    """Why the mutation list: the invoice list holds unbooked concepts and lacks plain mutations."""
    simulator, adapter = eb
    start, end = window(TODAY)
    pages = list(adapter.client.invoices(start.isoformat(), end.isoformat()))
    numbers = {item["invoiceNumber"] for page in pages for item in page}
    assert {c.number for c in simulator.data.concepts if start <= c.date <= end} <= numbers
    plain = {i.number for i in simulator.data.invoices.values() if i.document_id is None and start <= i.date <= end}
    assert plain and not plain & numbers
    got = adapter.invoiced_per_day(start, end)
    assert sum(got.values()) == sum((i.total for i in simulator.data.invoices.values() if start <= i.date <= end),
                                    Decimal(0))
