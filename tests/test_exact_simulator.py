"""The simulator holds the adapter to Exact's rules: raw HTTP against it, no adapter involved."""

from __future__ import annotations

import pytest
import requests

from adapters.exact_online.simulator import OTHER_DIVISION, ExactSimulator
from connector.clock import FakeClock


@pytest.fixture
def sim():
    with ExactSimulator(
        clock=FakeClock(start=1_795_000_010.0), invoices=2100, paid=0, payables=0
    ) as simulator:
        simulator.token = simulator.grant()["access_token"]
        yield simulator


def get(sim, path: str, token: str | None = None, **params) -> requests.Response:
    url = path if path.startswith("http") else f"{sim.base_url}/api/v1/{sim.division}/{path}"
    return requests.get(
        url,
        params=params or None,
        timeout=5,
        headers={"Authorization": f"Bearer {token or sim.token}", "Accept": "application/json"},
    )


def message(response: requests.Response) -> str:
    return response.json()["error"]["message"]["value"]


def test_sync_pages_are_1000_rows_in_timestamp_order_linked_by_next(sim) -> None:
    first = get(
        sim,
        "sync/Cashflow/PaymentTerms",
        **{"$select": "ID,Timestamp", "$filter": "Timestamp gt 1L"},
    )
    body = first.json()["d"]
    assert len(body["results"]) == 1000
    stamps = [r["Timestamp"] for r in body["results"]]
    assert stamps == sorted(stamps)
    following = get(sim, body["__next"]).json()["d"]
    assert following["results"][0]["Timestamp"] > stamps[-1] and set(following["results"][0]) == {
        "__metadata",
        "ID",
        "Timestamp",
    }
    last = get(sim, following["__next"]).json()["d"]
    assert len(last["results"]) == 100 and "__next" not in last


def test_sync_and_bulk_rules(sim) -> None:
    assert "$select" in message(
        get(sim, "sync/Cashflow/PaymentTerms", **{"$filter": "Timestamp gt 1L"})
    )
    assert get(sim, "sync/Cashflow/PaymentTerms", **{"$select": "*"}).status_code == 400
    refused = get(sim, "sync/Cashflow/PaymentTerms", **{"$select": "ID", "$filter": "Status eq 20"})
    assert refused.status_code == 400 and "Status" in message(refused)
    assert (
        get(
            sim,
            "bulk/Cashflow/Receivables",
            **{"$select": "ID", "$filter": "DueDate lt datetime'2030-01-01'"},
        ).status_code
        == 400
    )
    assert (
        get(
            sim, "bulk/Cashflow/Receivables", **{"$select": "ID", "$filter": "Status lt 50"}
        ).status_code
        == 200
    )
    assert get(sim, "crm/Accounts", **{"$select": "ID", "$skip": "60"}).status_code == 400
    assert "does not exist" in message(get(sim, "crm/Accounts", **{"$select": "ID,Frobnicate"}))
    normal = get(sim, "crm/Accounts", **{"$select": "ID,Name"}).json()["d"]
    assert len(normal["results"]) == 60 and "$skiptoken=guid'" in normal["__next"]


def test_rate_limit_headers_and_the_two_kinds_of_429(sim) -> None:
    ok = get(sim, "financial/Journals", **{"$select": "Code"})
    minute_reset = int(ok.headers["X-RateLimit-Minutely-Reset"])
    assert minute_reset % 60_000 == 0 and minute_reset / 1000 > sim.clock.now()
    assert int(ok.headers["X-RateLimit-Reset"]) % 86_400_000 == 0  # midnight UTC, in milliseconds
    assert (ok.headers["X-RateLimit-Limit"], ok.headers["X-RateLimit-Remaining"]) == (
        "5000",
        "4999",
    )
    assert ok.headers["X-RateLimit-Minutely-Remaining"] == "59"
    sim.set_calls_left_this_minute(0)
    minute = get(sim, "financial/Journals", **{"$select": "Code"})
    assert minute.status_code == 429 and minute.headers["X-RateLimit-Minutely-Remaining"] == "0"
    assert (
        "X-RateLimit-Remaining" not in minute.headers
    )  # only the minutely headers on a minutely 429
    sim.clock.advance(60)
    sim.set_calls_left_today(0)
    day = get(sim, "financial/Journals", **{"$select": "Code"})
    assert day.status_code == 429 and day.headers["X-RateLimit-Remaining"] == "0"
    assert get(sim, "financial/Journals", **{"$select": "Code"}).status_code == 429
    assert (
        requests.get(
            f"{sim.base_url}/api/v1/current/Me",
            headers={"Authorization": f"Bearer {sim.token}"},
            timeout=5,
        ).status_code
        == 200
    )  # current/Me does not count
    other = get(
        sim, f"{sim.base_url}/api/v1/{OTHER_DIVISION}/financial/Journals", **{"$select": "Code"}
    )
    assert other.status_code == 200  # limits are per division


def test_ten_errors_on_an_endpoint_block_it_for_an_hour(sim) -> None:
    for _ in range(10):
        assert get(sim, "crm/Accounts", **{"$select": "Nope"}).status_code == 400
    blocked = get(sim, "crm/Accounts", **{"$select": "ID"})
    assert blocked.status_code == 403 and "blocked" in message(blocked)
    assert get(sim, "crm/BankAccounts", **{"$select": "ID"}).status_code == 200  # per endpoint
    sim.clock.advance(3601)
    sim.token = sim.grant()["access_token"]
    assert get(sim, "crm/Accounts", **{"$select": "ID"}).status_code == 200


def test_tokens_are_checked_and_divisions_are_separate(sim) -> None:
    assert get(sim, "crm/Accounts", token="nonsense", **{"$select": "ID"}).status_code == 401
    assert (
        get(sim, f"{sim.base_url}/api/v1/999/crm/Accounts", **{"$select": "ID"}).status_code == 403
    )
    sim.clock.advance(600)
    assert get(sim, "crm/Accounts", **{"$select": "ID"}).status_code == 401  # 600 s and it is gone


def test_urls_longer_than_6000_characters_are_refused(sim) -> None:
    ids = " or ".join(f"ID eq guid'{n:08d}-0000-4000-8000-000000000000'" for n in range(120))
    refused = get(sim, "crm/Accounts", **{"$select": "ID", "$filter": ids})
    assert refused.status_code == 414 and "6000" in message(refused)
    assert get(sim, "crm/Accounts", **{"$select": "ID", "$filter": ids[:3000]}).status_code != 414
