"""Moneybird adapter + simulator pair for the shared contract suite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import requests

from adapters.moneybird.adapter import MoneybirdAdapter
from adapters.moneybird.client import MoneybirdClient
from adapters.moneybird.simulator import MoneybirdSimulator
from connector.clock import Clock
from connector.http.client import BearerToken

from . import ContractPair


def make_adapter(simulator: MoneybirdSimulator, clock: Clock, token: str | None = None) -> MoneybirdAdapter:
    client = MoneybirdClient(simulator.base_url, simulator.administration_id,
                             BearerToken(token or simulator.token), clock=clock)
    return MoneybirdAdapter(client=client, since=date(2015, 1, 1), clock=clock)


def pay_in_full(simulator: MoneybirdSimulator, invoice_id: str) -> None:
    """Register a payment for the whole open amount through the simulator's own API."""
    invoice = next(i for i in simulator.invoices() if str(i["id"]) == str(invoice_id))
    response = requests.post(
        f"{simulator.base_url}/{simulator.administration_id}/sales_invoices/{invoice_id}/payments.json",
        json={"payment": {"payment_date": simulator.today().isoformat(), "price": invoice["total_unpaid"]}},
        headers={"Authorization": f"Bearer {simulator.token}"}, timeout=10,
    )
    response.raise_for_status()


def make_pair(tmp_path: Path, clock: Clock, *, invoices: int = 60, seed: int = 7) -> ContractPair:
    del tmp_path
    simulator = MoneybirdSimulator(seed=seed, invoices=invoices, clock=clock, today=date(2026, 11, 23))
    simulator.start()
    adapter = make_adapter(simulator, clock)
    return ContractPair(
        adapter=adapter,
        simulator=simulator,
        change_invoices=simulator.touch_invoices,
        pay_invoice=lambda invoice_id: pay_in_full(simulator, invoice_id),
        request_count=lambda: len(simulator.request_log),
        close=simulator.stop,
        bad_credentials=lambda: make_adapter(simulator, clock, token="not-a-valid-token"),
    )
