"""The contract pair for e-Boekhouden, walked through the steps of the shared contract suite."""

from __future__ import annotations

import pytest

from adapters.base import Stream, StreamState
from connector.clock import FakeClock
from connector.errors import AuthenticationFailed, HostUnavailable
from tests.pairs.eboekhouden import make_adapter, make_pair


@pytest.fixture
def pair(tmp_path):
    clock = FakeClock()
    contract_pair = make_pair(tmp_path, clock)
    contract_pair.clock = clock
    yield contract_pair
    contract_pair.close()


def pull_all(adapter, stream: Stream, versions: dict[str, str], *, stop_after: int | None = None):
    upserts, removed = {}, set()
    for taken, batch in enumerate(adapter.pull(stream, StreamState(known_versions=dict(versions))), start=1):
        upserts.update({record.host_id: record for record in batch.upserts})
        removed.update(batch.removed_ids)
        versions.update({record.host_id: record.version for record in batch.upserts})
        for host_id in batch.removed_ids:
            versions.pop(host_id, None)
        if stop_after is not None and taken == stop_after:
            break
    return upserts, removed


def test_contract_steps(pair) -> None:
    assert pair.adapter.check_connection().administration_name
    versions: dict[str, str] = {}
    upserts, _ = pull_all(pair.adapter, Stream.INVOICES, versions)
    assert len(upserts) == len(pair.simulator.open_invoices())

    changed = pair.change_invoices(3)
    before = pair.request_count()
    upserts, removed = pull_all(pair.adapter, Stream.INVOICES, versions)
    assert set(upserts) == set(changed) and not removed
    assert pair.request_count() - before <= 2

    pair.pay_invoice(changed[0])
    _, removed = pull_all(pair.adapter, Stream.INVOICES, versions)
    assert removed == {changed[0]}


def test_resumable_after_the_first_batch(pair, monkeypatch) -> None:
    import adapters.eboekhouden.adapter as module

    monkeypatch.setattr(module, "BATCH_SIZE", 8)
    whole: dict[str, str] = {}
    pull_all(pair.adapter, Stream.INVOICES, whole)
    resumed: dict[str, str] = {}
    pull_all(pair.adapter, Stream.INVOICES, resumed, stop_after=1)
    assert 0 < len(resumed) < len(whole)
    pull_all(pair.adapter, Stream.INVOICES, resumed)
    assert resumed == whole


def test_bad_credentials_and_host_down(pair) -> None:
    with pytest.raises(AuthenticationFailed):
        make_adapter(pair.simulator, pair.clock, api_token="wrong").check_connection()
    pair.adapter.check_connection()
    pair.simulator.revoke_token()
    with pytest.raises(AuthenticationFailed):
        pair.adapter.check_connection()
    pair.simulator.stop()
    with pytest.raises(HostUnavailable):
        make_adapter(pair.simulator, pair.clock).check_connection()
