"""The dunning history and holds in the state store, and the history's view of the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from connector.dunning import Hold, HoldKind, Instalment
from connector.store import Store
from connector.store.codec import encode
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from connector.store.store import StoreError
from tests.dunning_samples import step


@pytest.fixture
def store(tmp_path):
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}")


def test_steps_round_trip_once_per_key_and_are_found_per_invoice_and_contact(store):
    dunning = DunningStore(store)
    first = step("herinnering", 1, date(2026, 10, 5), ("1", "2"), costs=Decimal(0), principal=Decimal("300.50"),
                 documents=("/tmp/a.pdf",))
    second = step("veertiendagenbrief", 2, date(2026, 10, 20), ("2",), kind="fourteen_day", wik_valid=True,
                  costs_from=date(2026, 11, 7), announced_costs=Decimal("45.00"))
    assert dunning.record_step("a", first) is True
    assert dunning.record_step("a", first) is False
    dunning.record_step("a", second)
    dunning.record_step("b", replace(first, key="other-admin"))
    assert dunning.steps("a") == [first, second]
    assert dunning.steps("a", invoice_id="1") == [first]
    assert dunning.steps("a", contact_id="c1", invoice_id="2") == [first, second]
    assert dunning.steps("a", contact_id="nobody") == []


def test_history_sees_sent_but_unrecorded_steps_and_interrupted_sends(store):
    dunning, outbox = DunningStore(store), Outbox(store)
    sent = step("herinnering", 1, date(2026, 10, 5), ("1",))
    interrupted = step("herinnering", 1, date(2026, 10, 5), ("2",), contact_id="c2")
    for entry_step, kind in ((sent, "dunning_email"), (interrupted, "reminder")):
        outbox.enqueue("a", kind, entry_step.key, {"step": encode(entry_step)})
        outbox.claim(entry_step.key)
    outbox.mark_sent(sent.key, "<id@x>")  # ...and the process died before record_step
    outbox.enqueue("a", "payment", "not-dunning", {"invoice_id": "1"})
    history = dunning.history("a")
    assert history == [sent, replace(interrupted, status="unknown")]
    assert dunning.repair("a") == 1
    assert dunning.steps("a") == [sent]
    assert dunning.history("a") == [sent, replace(interrupted, status="unknown")]


def test_a_pending_retry_carries_the_day_it_is_really_sent(store):
    dunning, outbox = DunningStore(store), Outbox(store)
    old = step("herinnering", 1, date(2026, 10, 5), ("1",))
    outbox.enqueue("a", "dunning_email", old.key, {"step": encode(old)})
    new = replace(old, sent_on=date(2026, 10, 6))
    dunning.refresh_pending(old.key, {"step": encode(new)})
    assert outbox.get(old.key).payload["step"]["sent_on"] == "2026-10-06"
    outbox.claim(old.key)
    dunning.refresh_pending(old.key, {"step": encode(old)})  # no longer pending: left alone
    assert outbox.get(old.key).payload["step"]["sent_on"] == "2026-10-06"


def test_holds_with_instalments_round_trip_and_release(store):
    dunning = DunningStore(store)
    arrangement = Hold(kind=HoldKind.ARRANGEMENT, contact_id="c1", invoice_ids=("1", "2"), created_on=date(2026, 11, 1),
                       amount=Decimal("450.00"), reason="per telefoon",
                       instalments=(Instalment(due_date=date(2027, 1, 1), amount=Decimal("150.00")),
                                    Instalment(due_date=date(2026, 12, 1), amount=Decimal("300.00"))))
    saved = dunning.add_hold("a", arrangement)
    assert saved.id > 0 and saved.amount == Decimal("450.00")
    assert [i.due_date for i in saved.instalments] == [date(2026, 12, 1), date(2027, 1, 1)]
    dispute = dunning.add_hold("a", Hold(kind=HoldKind.DISPUTE, contact_id="c1", invoice_ids=("3",),
                                         created_on=date(2026, 11, 2)))
    assert [h.id for h in dunning.holds("a")] == [saved.id, dispute.id]
    released = dunning.release_hold("a", dispute.id, date(2026, 11, 20), "creditnota gemaakt")
    assert released.released_on == date(2026, 11, 20)
    assert [h.id for h in dunning.holds("a")] == [saved.id]
    assert len(dunning.holds("a", include_released=True)) == 2
    assert dunning.holds("other") == []
    with pytest.raises(StoreError, match="no hold #999"):
        dunning.release_hold("a", 999, date(2026, 11, 20))
