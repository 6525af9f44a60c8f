"""The cycle reads the sales history once, after the first successful sync, into a real SQLite store; a
host failing there (even halfway through its pages) leaves the cycle green with a warning, stores
nothing, and the next run tries again; a host that cannot tell stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from adapters.base import Adapter, Batch, Capabilities, ConnectionInfo, Stream, StreamState
from adapters.eboekhouden.simendpoints import ApiFailure
from adapters.eboekhouden.simulator import EboekhoudenSimulator
from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.records import Package
from connector.service.cycle import run_cycle
from connector.store import Store
from tests.pairs import eboekhouden

TODAY = date(2026, 11, 23)
KEY = "kapsalon"


@pytest.fixture
def env(tmp_path):
    clock = FakeClock()
    with EboekhoudenSimulator(clock=clock, seed=7, invoices=60, today=TODAY) as simulator:
        config = ConnectorConfig.model_validate({
            "output_dir": str(tmp_path / "out"), "smtp": {"mailbox_dir": str(tmp_path / "mailbox")},
            "administrations": [{"key": KEY, "name": "Kapsalon Bakker", "package": "eboekhouden",
                                 "eboekhouden": {"base_url": simulator.base_url}}]})
        store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")

        def run(today: date = TODAY, adapter=None):
            factory = (lambda admin: adapter) if adapter else (
                lambda admin: eboekhouden.make_adapter(simulator, clock, page_size=25))
            report = run_cycle(config, store, today=today, clock=clock, state_dir=tmp_path, dunning=False,
                               adapter_factory=factory)
            (outcome,) = report.outcomes
            return outcome

        yield simulator, store, run


def history_calls(simulator: EboekhoudenSimulator) -> int:
    return sum(1 for r in simulator.request_log if r.endpoint == "get_mutations" and r.args.get("type") == "2")


def test_the_first_sync_stores_90_days_of_sales_and_later_runs_do_not_ask_again(env) -> None:
    simulator, store, run = env
    first = run()
    assert first.status == "ok" and first.warnings == []
    start = TODAY - timedelta(days=89)
    booked = [i for i in simulator.data.invoices.values() if start <= i.date <= TODAY]
    history = store.invoiced_history(KEY)
    assert list(history) == [start + timedelta(days=n) for n in range(90)]
    assert sum(history.values()) == sum((i.total for i in booked), Decimal(0)) != 0
    assert store.invoiced_history_end(KEY) == TODAY
    assert first.sales_history.status == "stored"
    assert first.sales_history.api_calls == len(booked) // 25 + 1 == history_calls(simulator)
    detail = store.last_runs(KEY, limit=1)[0]["detail"]
    assert detail["sales_history"].startswith("sales history 2026-08-26..2026-11-23 stored")

    simulator.add_invoice(total=Decimal("500.00"), invoice_date=TODAY)
    later = run(TODAY + timedelta(days=1))
    assert later.sales_history.status == "present"
    assert history_calls(simulator) == first.sales_history.api_calls, "fetched once"
    assert store.invoiced_history(KEY) == history


@pytest.mark.parametrize("fail_on", ["first page", "third page"])
def test_a_failing_host_leaves_the_cycle_green_and_is_asked_again_next_run(env, fail_on) -> None:
    simulator, store, run = env

    def refuse(endpoint: str, args: dict[str, str]) -> None:
        if endpoint == "get_mutations" and args.get("type") == "2" and (
                fail_on == "first page" or args.get("offset") == "50"):
            raise ApiFailure(503, "ERR_001", "Something went wrong.", kind="error")

    simulator.before_request = refuse
    failed = run()
    assert failed.status == "ok" and failed.error == ""
    assert failed.sync is not None and failed.open_invoices, "the sync and the later steps ran"
    assert len(failed.warnings) == 1 and "sales history not read" in failed.warnings[0]
    assert "503" in failed.warnings[0]
    assert store.invoiced_history(KEY) == {} and store.invoiced_history_end(KEY) is None
    run_row = store.last_runs(KEY, limit=1)[0]
    assert run_row["status"] == "ok" and run_row["detail"]["warnings"] == failed.warnings

    simulator.before_request = None
    again = run()
    assert again.warnings == [] and again.sales_history.status == "stored"
    assert store.invoiced_history_end(KEY) == TODAY and len(store.invoiced_history(KEY)) == 90


class NoSalesHost(Adapter):
    """A host whose API cannot tell sales per day: the contract's default answer, None."""

    package = Package.EBOEKHOUDEN
    capabilities = Capabilities()
    streams = (Stream.CONTACTS,)

    def pull(self, stream: Stream, state: StreamState) -> Iterator[Batch]:
        yield Batch(stream, bookmark="empty")

    def check_connection(self) -> ConnectionInfo:
        return ConnectionInfo(administration_name="Kapsalon Bakker")


def test_a_host_that_cannot_tell_stores_nothing(env) -> None:
    _simulator, store, run = env
    outcome = run(adapter=NoSalesHost())
    assert outcome.status == "ok" and outcome.warnings == []
    assert outcome.sales_history.status == "unsupported"
    assert store.invoiced_history(KEY) == {} and store.invoiced_history_end(KEY) is None


def test_a_failed_sync_does_not_read_the_history(env) -> None:
    simulator, store, run = env
    simulator.revoke_token()
    outcome = run()
    assert outcome.status == "failed" and outcome.sales_history is None
    assert history_calls(simulator) == 0 and store.invoiced_history_end(KEY) is None


def test_dso_is_known_from_the_first_summary_and_counts_no_day_twice(env) -> None:
    """History up to the first sync, the store's own invoices after it: DSO from day one."""
    from connector.summary.figures import days_sales_outstanding
    from connector.summary.from_cycle import sales_last_period

    simulator, store, run = env
    run()
    open_invoices = store.open_invoices(KEY)
    sales = sales_last_period(store, KEY, open_invoices, TODAY)
    start = TODAY - timedelta(days=89)
    booked = sum((i.total for i in simulator.data.invoices.values() if start <= i.date <= TODAY), Decimal(0))
    assert sales == booked
    assert days_sales_outstanding(open_invoices, sales) is not None

    simulator.add_invoice(total=Decimal("500.00"), invoice_date=TODAY + timedelta(days=1))
    run(TODAY + timedelta(days=1))
    dropped = sum((i.total for i in simulator.data.invoices.values() if i.date == start), Decimal(0))
    later = sales_last_period(store, KEY, store.open_invoices(KEY), TODAY + timedelta(days=1))
    assert later == booked - dropped + Decimal("500.00")
