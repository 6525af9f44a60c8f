"""Recording steps in Exact Online through the outbox: a call becomes a task, and a crash between
creating it and marking it sent never creates it twice (the outbox payload says it is a task, so
recovery looks among the tasks, not the communication notes). Real HTTP to the Exact simulator."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from adapters.base import NoteRecord, WriteReceipt
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from connector.notify.mailer import MailboxMailer
from connector.service.dunning_run import recover_dunning, run_dunning
from connector.service.sync import sync_administration
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from tests.dunning_samples import ladder, settings
from tests.pairs.exact_online import JsonFileVault, login, make_adapter

ADMIN = "exact"


class CrashAfterTheWrite:
    """The Exact adapter, but the process 'dies' right after Exact accepted the note or task."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        self.inner.record_note(note, idempotency_key)
        raise KeyboardInterrupt  # not an Exception: nothing after it runs, like a kill


@pytest.fixture
def sim(tmp_path: Path):
    clock = FakeClock()
    with ExactSimulator(clock=clock, invoices=12, paid=0, payables=0) as simulator:
        vault = JsonFileVault(tmp_path / "vault.json")
        login(simulator, vault, clock)
        simulator.adapter = make_adapter(simulator, tmp_path, clock, vault=vault)
        yield simulator
        simulator.adapter.close()


def test_a_call_task_interrupted_before_it_was_recorded_is_found_not_created_again(sim, tmp_path):
    adapter = sim.adapter
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    sync_administration(store, adapter, ADMIN)
    invoice = next(i for i in store.open_invoices(ADMIN) if i.open_amount > 20)
    (contact,) = [c for c in store.contacts(ADMIN) if c.host_id == invoice.contact_id]
    first = invoice.due_date + timedelta(days=5)
    for step in ladder(contact.host_id, (invoice.host_id,), ["herinnering", "tweede_herinnering"], first):
        DunningStore(store).record_step(ADMIN, step)
    every_day = settings(send_days={"skip_weekends": False, "skip_holidays": False})
    arguments = {"admin_key": ADMIN, "store": store, "mailer": MailboxMailer(tmp_path / "mail"),
                 "settings": every_day, "today": first + timedelta(days=30), "output_dir": tmp_path / "out",
                 "invoices": [invoice], "contacts": [contact]}

    with pytest.raises(KeyboardInterrupt):
        run_dunning(adapter=CrashAfterTheWrite(adapter), **arguments)
    (task,) = sim.rows("tasks")
    (note_entry,) = [e for e in Outbox(store).entries(ADMIN) if e.kind == "note"]
    assert note_entry.status == "sending" and note_entry.payload["todo"] is True
    assert note_entry.idempotency_key in task["Notes"]

    assert recover_dunning(admin_key=ADMIN, store=store, adapter=adapter, mailer=None) == []
    assert Outbox(store).get(note_entry.idempotency_key).status == "sent"
    plan, result = run_dunning(adapter=adapter, **arguments)
    assert plan.actions == () and result.notes_recorded == 0
    assert len(sim.rows("tasks")) == 1 and sim.rows("notes") == [], "the task exists once, and no note instead"
    assert [s.level_name for s in DunningStore(store).steps(ADMIN)][-1] == "bellijst"
