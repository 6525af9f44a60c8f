"""How many calls a sync of a large administration takes, asserted as a formula.

First sync, N open invoices, page size L (2000), R relations, B debtors with open invoices,
M invoices of the invoicing module dated within the open invoices' date range, K open
invoices booked without the invoicing module:

    calls   = 1 session + 2 x (N // L + 1) outstanding pages (contacts and invoices stream)
              + (R // L + 1) relation pages + B relation details
              + (M // L + 1) invoice pages + K mutation details
    details = B + K

Second sync with nothing changed: 1 + 2 x (N // L + 1) + (R // L + 1) calls, no details.
(For 25 new invoices or fewer, the invoice pages are skipped and each gets a detail call.)
"""

from __future__ import annotations

import time

import pytest

from adapters.base import Stream, StreamState
from adapters.eboekhouden.client import MAX_PAGE_SIZE
from adapters.eboekhouden.simulator import EboekhoudenSimulator
from adapters.eboekhouden.terms import BULK_THRESHOLD
from connector.clock import FakeClock
from tests.pairs.eboekhouden import make_adapter


def expected_calls(sim: EboekhoudenSimulator, page: int = MAX_PAGE_SIZE) -> dict[str, int]:
    open_invoices = sim.open_invoices()
    n = len(open_invoices)
    debtors = len({inv.relation_id for inv in open_invoices})
    first, last = min(inv.date for inv in open_invoices), max(inv.date for inv in open_invoices)
    in_range = sum(1 for inv in sim.data.invoices.values()
                   if inv.document_id is not None and first <= inv.date <= last)
    bulk = n > BULK_THRESHOLD
    invoice_pages = in_range // page + 1 if bulk else 0
    mutation_details = sum(1 for inv in open_invoices if inv.document_id is None) if bulk else n
    list_calls = 1 + 2 * (n // page + 1) + len(sim.data.relations) // page + 1
    return {"first": list_calls + debtors + invoice_pages + mutation_details,
            "first_details": debtors + mutation_details, "second": list_calls, "second_details": 0}


def sync_all(adapter, versions: dict[Stream, dict[str, str]]) -> dict[Stream, dict[str, str]]:
    result = {}
    for stream in (Stream.CONTACTS, Stream.INVOICES):
        known = dict(versions.get(stream, {}))
        for batch in adapter.pull(stream, StreamState(known_versions=known)):
            known.update({record.host_id: record.version for record in batch.upserts})
            for host_id in batch.removed_ids:
                known.pop(host_id, None)
        result[stream] = known
    return result


@pytest.mark.parametrize("invoices", [60, 20_000])
def test_sync_calls_follow_the_formula(invoices: int, record_property) -> None:
    clock = FakeClock()
    with EboekhoudenSimulator(clock=clock, seed=11, invoices=invoices) as sim:
        expected = expected_calls(sim)
        started = time.perf_counter()
        versions = sync_all(make_adapter(sim, clock), {})
        seconds = time.perf_counter() - started
        first, first_details = sim.request_count(), sim.detail_count()
        assert len(versions[Stream.INVOICES]) == invoices
        assert len(versions[Stream.CONTACTS]) == len({inv.relation_id for inv in sim.open_invoices()})
        assert (first, first_details) == (expected["first"], expected["first_details"])

        again = sync_all(make_adapter(sim, clock), versions)
        assert again == versions
        second, second_details = sim.request_count() - first, sim.detail_count() - first_details
        assert (second, second_details) == (expected["second"], expected["second_details"])

    figures = {"invoices": invoices, "first_sync_calls": first, "first_sync_detail_calls": first_details,
               "second_sync_calls": second, "second_sync_detail_calls": second_details,
               "first_sync_seconds": round(seconds, 2)}
    for key, value in figures.items():
        record_property(key, value)
    print(figures)
