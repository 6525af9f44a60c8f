"""The adapter contract, run against every adapter + simulator pair.

Same expectations for every package: a full pull, a cheap incremental pull, paid invoices
leaving the open set, resumability after an interruption, and clear errors for bad
credentials and a host that is down.
"""

from __future__ import annotations

import importlib

import pytest

from adapters.base import Adapter, Stream, StreamState
from connector.clock import FakeClock
from connector.errors import AuthenticationFailed, HostUnavailable
from connector.records import BankMutation, Contact, Invoice
from connector.service.sync import sync_administration
from connector.store import Store

PAIRS = ["moneybird", "eboekhouden", "exact_online"]


def _load(name: str):
    try:
        return importlib.import_module(f"tests.pairs.{name}")
    except ModuleNotFoundError as exc:  # a vendor still being built
        pytest.skip(f"no contract pair for {name}: {exc}")


@pytest.fixture(params=PAIRS)
def pair(request, tmp_path):
    module = _load(request.param)
    contract_pair = module.make_pair(tmp_path, FakeClock())
    yield contract_pair
    contract_pair.close()


@pytest.fixture
def store(tmp_path):
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}")


def pull_all(adapter: Adapter, store: Store, admin: str = "a") -> None:
    sync_administration(store, adapter, admin)


def test_full_pull_yields_valid_records(pair, store):
    pull_all(pair.adapter, store)
    invoices = store.open_invoices("a")
    contacts = {c.host_id: c for c in store.contacts("a")}
    assert invoices, "the seeded administration has open invoices"
    assert all(isinstance(i, Invoice) and i.open_amount != 0 for i in invoices)
    assert all(i.contact_id in contacts for i in invoices), "every invoice's debtor is pulled too"
    assert all(isinstance(c, Contact) and c.name for c in contacts.values())
    for mutation in store.unbooked_mutations("a"):
        assert isinstance(mutation, BankMutation)
    assert {i.due_date >= i.invoice_date for i in invoices} == {True}


def test_incremental_pull_fetches_only_what_changed(pair, store):
    pull_all(pair.adapter, store)
    before = store.snapshot_digest("a")
    calls_before = pair.request_count()
    pull_all(pair.adapter, store)
    quiet_calls = pair.request_count() - calls_before
    assert store.snapshot_digest("a") == before, "nothing changed, nothing stored differently"

    changed = pair.change_invoices(3)
    calls_before = pair.request_count()
    pull_all(pair.adapter, store)
    versions = store.known_versions("a", Stream.INVOICES)
    assert all(str(host_id) in versions for host_id in changed)
    assert pair.request_count() - calls_before <= quiet_calls + 3


def test_paid_invoice_leaves_the_open_set(pair, store):
    pull_all(pair.adapter, store)
    target = store.open_invoices("a")[0]
    pair.pay_invoice(target.host_id)
    pull_all(pair.adapter, store)
    assert target.host_id not in {i.host_id for i in store.open_invoices("a")}


def test_interrupted_pull_resumes_to_the_same_state(pair, store, tmp_path):
    reference = Store.open(f"sqlite:///{tmp_path / 'reference.db'}")
    pull_all(pair.adapter, reference)
    for stream in pair.adapter.streams:
        state = StreamState(store.bookmark("a", stream), store.known_versions("a", stream))
        batches = pair.adapter.pull(stream, state)
        first = next(batches, None)
        if first is not None:
            store.apply_batch("a", first)
        batches.close()  # the process "dies" here
    pull_all(pair.adapter, store)
    assert store.snapshot_digest("a") == reference.snapshot_digest("a")


def test_connection_check_and_bad_credentials(pair):
    assert pair.adapter.check_connection().administration_name
    if pair.bad_credentials is None:
        pytest.skip("pair has no bad-credentials adapter")
    with pytest.raises(AuthenticationFailed):
        pair.bad_credentials().check_connection()


def test_host_down_is_a_clear_error(pair):
    pair.simulator.stop()
    with pytest.raises(HostUnavailable):
        pair.adapter.check_connection()
