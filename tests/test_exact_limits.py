"""Exact's minute, day and error limits, kept by the adapter before the host has to enforce them."""

from __future__ import annotations

import pytest
import requests

from adapters.base import NoteRecord, Stream
from adapters.exact_online.limits import (
    DailyBudgetSpent,
    ErrorBudgetSpent,
    ExactRateGovernor,
    endpoint_of,
)
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from connector.errors import ApiError, HostError, HostUnavailable, QuotaExhausted
from tests.pairs.exact_online import JsonFileVault, MemoryStore, login, make_adapter


@pytest.fixture
def env(tmp_path):
    clock = FakeClock()
    started: list[ExactSimulator] = []

    class Env:
        def __init__(self) -> None:
            self.clock, self.tmp_path = clock, tmp_path
            self.vault = JsonFileVault(tmp_path / "vault.json")

        def simulator(self, **options) -> ExactSimulator:
            self.sim = ExactSimulator(clock=clock, **options)
            self.sim.start()
            started.append(self.sim)
            login(self.sim, self.vault, clock)
            return self.sim

        def adapter(self, **settings):
            return make_adapter(self.sim, tmp_path, clock, vault=self.vault, **settings)

        def calls_to(self, endpoint: str) -> int:
            return sum(1 for r in self.sim.request_log if r.path.endswith(endpoint))

    yield Env()
    for simulator in started:
        simulator.stop()


def test_endpoint_names_follow_exacts_counting() -> None:
    assert endpoint_of("https://x/api/v1/123/crm/Accounts(guid'ab')?$select=ID") == "crm/Accounts"
    assert endpoint_of("https://x/api/v1/current/Me?$select=UserID") == "current/Me"
    assert (
        endpoint_of("https://x/api/v1/123/sync/Cashflow/PaymentTerms")
        == "sync/Cashflow/PaymentTerms"
    )


def test_the_minute_window_from_the_headers_is_waited_out_without_a_429(env) -> None:
    sim = env.simulator(invoices=200, paid=0, payables=0, minute_limit=5)
    adapter = env.adapter()
    started = env.clock.now()
    for _ in range(3):
        for stream in Stream:
            MemoryStore().pull(adapter, stream)
    assert sim.request_count() > 20
    assert sim.stats["rate_limited_minute"] == 0
    assert env.clock.now() - started >= 60 * (sim.request_count() // 5 - 1)


def test_a_429_caused_by_another_process_waits_for_the_minutes_reset(env) -> None:
    sim = env.simulator(invoices=10)
    sim.set_calls_left_this_minute(0)
    minute = int(env.clock.now() // 60)
    MemoryStore().pull(env.adapter(), Stream.INVOICES)
    assert sim.stats["rate_limited_minute"] == 1
    assert int(env.clock.now() // 60) == minute + 1


def test_a_pull_that_would_spend_the_day_stops_early_and_resumes_tomorrow(env) -> None:
    sim = env.simulator(invoices=5000, paid=0, payables=0)
    complete = MemoryStore()
    sim.set_calls_left_today(103)
    store = MemoryStore()
    with pytest.raises(QuotaExhausted) as stopped:
        store.pull(env.adapter(daily_reserve=100), Stream.INVOICES)
    message = str(stopped.value)
    assert isinstance(stopped.value, DailyBudgetSpent)
    assert (
        "daily API budget of division 101234" in message
        and "UTC" in message
        and "continues" in message
    )
    assert sim.stats["rate_limited_day"] == 0  # we stopped, Exact did not have to
    assert 0 < len(store.records[Stream.INVOICES]) < 5000 and store.bookmarks[Stream.INVOICES]

    env.clock.advance(86400)  # a new day
    login(sim, env.vault, env.clock)
    store.pull(env.adapter(daily_reserve=100), Stream.INVOICES)
    complete.pull(env.adapter(), Stream.INVOICES)
    assert store.records[Stream.INVOICES] == complete.records[Stream.INVOICES]


def test_writes_may_use_the_reserve_that_reads_leave(env) -> None:
    sim = env.simulator(invoices=10)
    adapter = env.adapter(daily_reserve=100)
    contact = sim.rows("accounts")[0]["ID"]
    MemoryStore().pull(adapter, Stream.INVOICES)
    sim.set_calls_left_today(60)
    with pytest.raises(
        DailyBudgetSpent
    ):  # the first answer says 59 are left: below the reserve of 100
        MemoryStore().pull(adapter, Stream.INVOICES)
    adapter.record_note(NoteRecord(contact_id=contact, text="Herinnering verstuurd"), "k-1")
    assert len(sim.rows("notes")) == 1


def test_a_day_that_is_already_spent_is_not_retried(env) -> None:
    sim = env.simulator(invoices=10)
    sim.set_calls_left_today(0)
    with pytest.raises(DailyBudgetSpent, match="allows calls again after 00:00 UTC"):
        MemoryStore().pull(env.adapter(), Stream.INVOICES)
    assert sim.stats["rate_limited_day"] == 1 and sim.request_count() == 1


@pytest.mark.parametrize("status", [400, 500])
def test_a_failing_endpoint_is_left_alone_before_exact_would_block_the_app(env, status) -> None:
    sim = env.simulator(invoices=10)
    sim.fail_endpoint(
        "sync/Cashflow/PaymentTerms", status, message="Something is wrong with this query"
    )
    started = env.clock.now()
    errors = []
    for _run in range(8):  # eight scheduled runs within the hour, each a new process
        with pytest.raises(HostError) as failed:
            MemoryStore().pull(env.adapter(), Stream.INVOICES)
        errors.append(failed.value)
    assert env.calls_to("sync/Cashflow/PaymentTerms") == 5  # Exact blocks at 10
    assert sim.stats["blocked"] == 0
    first_kind = ApiError if status == 400 else HostUnavailable
    spent = [e for e in errors if isinstance(e, ErrorBudgetSpent)]
    assert all(isinstance(e, first_kind) for e in errors[: len(errors) - len(spent)])
    assert len(spent) == (4 if status == 400 else 7)
    assert "after 5 errors in the last hour" in str(spent[-1]) and "blocks an app" in str(spent[-1])
    assert "Something is wrong with this query" in str(spent[0])
    if status == 500:
        assert env.clock.now() - started > 2  # retries backed off before giving up

    sim.clear_failures()
    env.clock.advance(3601)
    login(sim, env.vault, env.clock)
    MemoryStore().pull(env.adapter(), Stream.INVOICES)  # an hour later the endpoint is used again


def test_the_governor_reads_exacts_millisecond_headers() -> None:
    clock = FakeClock(start=1_700_000_010.0)
    governor = ExactRateGovernor(clock, division=1)
    response = requests.Response()
    response.status_code = 200
    response.headers.update(
        {
            "X-RateLimit-Minutely-Remaining": "0",
            "X-RateLimit-Minutely-Reset": "1700000040000",
            "X-RateLimit-Remaining": "4000",
            "X-RateLimit-Reset": "1700006400000",
            "X-RateLimit-Limit": "5000",
        }
    )
    governor.observe(response)
    governor.acquire()
    assert 1_700_000_040 <= clock.now() <= 1_700_000_041
    assert governor.daily_remaining == 3999 and governor.daily_reset == 1_700_006_400
