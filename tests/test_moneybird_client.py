"""Moneybird's 150 requests / 5 minutes belong to the token: clients sharing one share the pacing."""

from __future__ import annotations

import threading
from datetime import date

from adapters.moneybird.client import RATE_LIMIT, MoneybirdClient
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import FakeClock
from connector.http.client import BearerToken
from connector.http.ratelimit import shared_limiter

WIDE = "state:all,period:20150101..20271231"


def test_two_clients_on_one_token_together_stay_under_the_limit():
    clock = FakeClock()
    with MoneybirdSimulator(seed=1, invoices=20, clock=clock, today=date(2026, 11, 23)) as simulator:
        clients = [MoneybirdClient(simulator.base_url, simulator.administration_id, BearerToken(simulator.token),
                                   clock=clock) for _ in range(2)]
        assert clients[0].limiter is clients[1].limiter
        for _ in range(200):  # alternating: 400 calls, more than two windows' worth
            for client in clients:
                client.sync_versions("sales_invoices", WIDE)
        statuses = [entry.status for entry in simulator.request_log]
    assert len(statuses) == 400 and set(statuses) == {200}, "never a 429"
    assert clock.slept >= 2 * 300, "they waited on the fake clock for the next windows"


def test_other_tokens_hosts_and_clocks_get_their_own_limiter():
    clock = FakeClock()
    base = shared_limiter("moneybird https://moneybird.com/api/v2 a", RATE_LIMIT, 300, clock)
    assert shared_limiter("moneybird https://moneybird.com/api/v2 a", RATE_LIMIT, 300, clock) is base
    assert shared_limiter("moneybird https://moneybird.com/api/v2 b", RATE_LIMIT, 300, clock) is not base
    assert shared_limiter("moneybird http://127.0.0.1:1/api/v2 a", RATE_LIMIT, 300, clock) is not base
    assert shared_limiter("moneybird https://moneybird.com/api/v2 a", RATE_LIMIT, 300, FakeClock()) is not base


def test_threads_asking_at_once_get_the_same_limiter():
    clock, found, start = FakeClock(), [], threading.Barrier(8)

    def ask() -> None:
        start.wait()
        found.append(shared_limiter("moneybird x token", RATE_LIMIT, 300, clock))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and len({id(limiter) for limiter in found}) == 1
