"""Adapter + simulator pairs for the shared contract suite (tests/test_contract.py).

Each vendor module here exposes `make_pair(tmp_path, clock) -> ContractPair`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.base import Adapter


@dataclass
class ContractPair:
    """A live simulator and an adapter connected to it.

    Attributes:
        adapter: the adapter under test, pointed at the simulator.
        simulator: the running simulator (stopped by `close`).
        change_invoices: make k open invoices change on the host side; returns their host ids.
        pay_invoice: make the host see invoice `host_id` as fully paid (so it leaves the open set).
        close: stop everything.
        request_count: number of API requests the simulator has served so far.
        bad_credentials: an adapter for the same simulator with a wrong secret.
    """

    adapter: Adapter
    simulator: Any
    change_invoices: Callable[[int], list[str]]
    pay_invoice: Callable[[str], None]
    request_count: Callable[[], int]
    close: Callable[[], None]
    bad_credentials: Callable[[], Adapter] | None = None
