"""The Exact contract pair walked through the steps of the shared contract suite."""

from __future__ import annotations

import pytest

from adapters.base import Stream, StreamState
from connector.clock import FakeClock
from connector.errors import AuthenticationFailed, HostUnavailable, ReconsentRequired
from tests.pairs.exact_online import JsonFileVault, MemoryStore, login, make_adapter, make_pair


@pytest.fixture
def pair(tmp_path):
    clock = FakeClock()
    contract_pair = make_pair(tmp_path, clock)
    contract_pair.clock = clock
    contract_pair.tmp_path = tmp_path
    yield contract_pair
    contract_pair.close()


def test_contract_steps(pair) -> None:
    assert pair.adapter.check_connection().administration_name == "Installatiebedrijf Van Dijk B.V."
    store = MemoryStore()
    first = store.pull(pair.adapter, Stream.INVOICES)
    assert set(first.upserts) == set(pair.simulator.invoice_ids())

    changed = pair.change_invoices(3)
    before = pair.request_count()
    second = store.pull(pair.adapter, Stream.INVOICES)
    assert set(second.upserts) == set(changed) and not second.removed
    assert pair.request_count() - before == 2  # sync/Cashflow/PaymentTerms + sync/Deleted

    pair.pay_invoice(changed[0])
    third = store.pull(pair.adapter, Stream.INVOICES)
    assert third.removed == {changed[0]} and not third.upserts


def test_pulls_without_bookmarks_still_give_the_right_answer(pair) -> None:
    """A store that keeps only versions (no bookmark) gets a full pass each time, with removals."""
    versions: dict[str, str] = {}
    for batch in pair.adapter.pull(Stream.INVOICES, StreamState()):
        versions.update({r.host_id: r.version for r in batch.upserts})
    paid = min(versions)
    pair.pay_invoice(paid)
    removed = set()
    for batch in pair.adapter.pull(Stream.INVOICES, StreamState(known_versions=versions)):
        assert not batch.upserts
        removed.update(batch.removed_ids)
    assert removed == {paid}


@pytest.mark.parametrize("stream", list(Stream))
def test_resumable_after_the_first_batch(pair, stream) -> None:
    whole = MemoryStore()
    whole.pull(pair.adapter, stream)
    resumed = MemoryStore()
    resumed.pull(pair.adapter, stream, stop_after=1)
    resumed.pull(pair.adapter, stream)
    assert resumed.records[stream] == whole.records[stream]


def test_bad_credentials_and_host_down(pair) -> None:
    stranger = JsonFileVault(pair.tmp_path / "other-vault.json")
    stranger.save(
        f"exact:{pair.simulator.base_url.split('//')[1]}:{pair.simulator.client_id}",
        {
            "access_token": "wrong",
            "refresh_token": "wrong",
            "issued_at": pair.clock.now() - 900,
            "expires_at": pair.clock.now() - 300,
            "host": pair.simulator.base_url,
        },
    )
    with pytest.raises(ReconsentRequired):
        make_adapter(
            pair.simulator, pair.tmp_path / "b", pair.clock, vault=stranger
        ).check_connection()
    with pytest.raises(AuthenticationFailed, match="client id/secret"):
        login(pair.simulator, stranger, pair.clock)
        pair.clock.advance(600)
        make_adapter(
            pair.simulator, pair.tmp_path / "c", pair.clock, vault=stranger, client_secret="wrong"
        ).check_connection()
    pair.simulator.stop()
    with pytest.raises(HostUnavailable):
        pair.adapter.check_connection()
