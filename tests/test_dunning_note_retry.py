"""A note that records a step in the package goes there exactly once, whatever cut its first attempt short.

The step is recorded before its note is written, so the step is never planned again: the run after a
crash (or after the package refused the note) writes the pending note itself, once, through the outbox
— and never one the package already has. Real HTTP to the Exact simulator, a real SQLite store.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from adapters.base import NoteRecord, WriteReceipt
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from connector.errors import HostUnavailable
from connector.notify.mailer import MailboxMailer
from connector.service.dunning_run import recover_dunning, run_dunning
from connector.service.sync import sync_administration
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from tests.dunning_samples import settings
from tests.pairs.exact_online import JsonFileVault, login, make_adapter

ADMIN = "exact"


class Wrapped:
    """The Exact adapter with something happening around `record_note`."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.inner, name)


class KilledBeforeTheWrite(Wrapped):
    """The process 'dies' after the outbox claimed the note, before the request left."""

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        raise KeyboardInterrupt  # not an Exception: nothing after it runs, like a kill


class KilledAfterTheWrite(Wrapped):
    """The process 'dies' right after Exact accepted the note."""

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        self.inner.record_note(note, idempotency_key)
        raise KeyboardInterrupt


class TimedOutAfterTheWrite(Wrapped):
    """Exact wrote the note, but the answer never came back."""

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        self.inner.record_note(note, idempotency_key)
        raise HostUnavailable("Exact Online: read timed out")


@pytest.fixture
def sim(tmp_path: Path):
    clock = FakeClock()
    with ExactSimulator(clock=clock, invoices=12, paid=0, payables=0) as simulator:
        vault = JsonFileVault(tmp_path / "vault.json")
        login(simulator, vault, clock)
        simulator.adapter = make_adapter(simulator, tmp_path, clock, vault=vault)
        yield simulator
        simulator.adapter.close()


@pytest.fixture
def world(sim, tmp_path: Path):
    """A store synced from Exact and the arguments of a run that sends one reminder with its letter PDF."""
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    sync_administration(store, sim.adapter, ADMIN)
    invoice = next(i for i in store.open_invoices(ADMIN) if i.open_amount > 20)
    (contact,) = [c for c in store.contacts(ADMIN) if c.host_id == invoice.contact_id]
    every_day = settings(send_days={"skip_weekends": False, "skip_holidays": False})
    arguments = {"admin_key": ADMIN, "store": store, "mailer": MailboxMailer(tmp_path / "mail"),
                 "settings": every_day, "today": invoice.due_date + timedelta(days=10),
                 "output_dir": tmp_path / "out", "invoices": [invoice], "contacts": [contact]}
    return store, arguments


def notes_in_exact(sim, key: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [row for row in sim.rows("notes") if f"[connector:{key}]" in str(row.get("Notes"))]


def the_note_entry(store: Store):  # type: ignore[no-untyped-def]
    (entry,) = [e for e in Outbox(store).entries(ADMIN) if e.kind == "note"]
    return entry


def test_a_note_the_package_never_got_is_written_once_after_the_restart(sim, world):
    store, arguments = world
    with pytest.raises(KeyboardInterrupt):
        run_dunning(adapter=KilledBeforeTheWrite(sim.adapter), **arguments)
    entry = the_note_entry(store)
    assert entry.status == "sending" and notes_in_exact(sim, entry.idempotency_key) == []
    (step,) = DunningStore(store).steps(ADMIN)
    assert entry.idempotency_key == f"{step.key}:note", "the step is recorded: it is never planned again"

    assert recover_dunning(admin_key=ADMIN, store=store, adapter=sim.adapter, mailer=None) == []
    assert Outbox(store).get(entry.idempotency_key).status == "pending", "Exact says it has no such note"
    plan, result = run_dunning(adapter=sim.adapter, **arguments)  # the restart
    assert plan.actions == () and result.notes_recorded == 1 and result.warnings == []
    (note,) = notes_in_exact(sim, entry.idempotency_key)
    assert step.level_name in note["Notes"]
    assert note["Document"] and len(sim.rows("attachments")) == 1, "with the letter's PDF, as the first try had"
    assert Outbox(store).get(entry.idempotency_key).status == "sent"

    _, again = run_dunning(adapter=sim.adapter, **arguments)
    assert again.notes_recorded == 0 and len(notes_in_exact(sim, entry.idempotency_key)) == 1


def test_a_note_the_package_did_get_is_not_written_again(sim, world):
    store, arguments = world
    with pytest.raises(KeyboardInterrupt):
        run_dunning(adapter=KilledAfterTheWrite(sim.adapter), **arguments)
    entry = the_note_entry(store)
    assert entry.status == "sending" and len(notes_in_exact(sim, entry.idempotency_key)) == 1

    assert recover_dunning(admin_key=ADMIN, store=store, adapter=sim.adapter, mailer=None) == []
    assert Outbox(store).get(entry.idempotency_key).status == "sent"
    for _ in range(2):
        plan, result = run_dunning(adapter=sim.adapter, **arguments)
        assert plan.actions == () and result.notes_recorded == 0
    assert len(notes_in_exact(sim, entry.idempotency_key)) == 1


def test_a_note_the_package_refused_is_written_on_the_next_run(sim, world):
    store, arguments = world
    sim.fail_endpoint("activities/CommunicationNotes", 400, times=1, message="Tijdelijk niet beschikbaar")
    _, first = run_dunning(adapter=sim.adapter, **arguments)
    assert [o.status for o in first.sent] == ["sent"] and first.notes_recorded == 0
    (warning,) = first.warnings
    assert warning.code == "note_not_recorded" and "niet vastgelegd in het pakket" in warning.text("nl")
    entry = the_note_entry(store)
    assert entry.status == "pending" and entry.error and notes_in_exact(sim, entry.idempotency_key) == []

    plan, second = run_dunning(adapter=sim.adapter, **arguments)
    assert plan.actions == () and second.notes_recorded == 1 and second.warnings == []
    assert len(notes_in_exact(sim, entry.idempotency_key)) == 1
    assert len(sim.rows("documents")) == 1, "the document of the first attempt is reused, not made twice"


def test_a_note_whose_answer_timed_out_is_found_in_the_package_not_written_twice(sim, world):
    store, arguments = world
    _, first = run_dunning(adapter=TimedOutAfterTheWrite(sim.adapter), **arguments)
    assert first.notes_recorded == 0 and [w.code for w in first.warnings] == ["note_not_recorded"]
    entry = the_note_entry(store)
    assert entry.status == "pending" and len(notes_in_exact(sim, entry.idempotency_key)) == 1

    _, second = run_dunning(adapter=sim.adapter, **arguments)
    assert second.notes_recorded == 0 and Outbox(store).get(entry.idempotency_key).status == "sent"
    assert len(notes_in_exact(sim, entry.idempotency_key)) == 1
