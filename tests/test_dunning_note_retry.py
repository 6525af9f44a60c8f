"""A note that records a step in the package goes there exactly once, whatever cut its first attempt short.

The step is recorded before its note is written, so the step is never planned again: the run after a
crash (or after the package refused the note) writes the pending note itself, once, through the outbox
— and never one the package already has. The note is kept in its step's outbox entry from the start, so
a kill -9 after the step was marked sent and before the note had an entry of its own loses nothing; a
step that failed for good never gets a note. Real HTTP to the Exact simulator, a real SQLite store, and
a real child process killed at the named point.
"""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.base import NoteRecord, WriteReceipt
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from connector.errors import HostUnavailable
from connector.notify.mailer import MailboxMailer
from connector.service.dunning_run import KILL_ENV, recover_dunning, run_dunning
from connector.service.sync import sync_administration
from connector.store import Store
from connector.store.codec import encode
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from connector.store.schema import outbox
from tests.dunning_samples import settings
from tests.pairs.exact_online import JsonFileVault, login, make_adapter

ADMIN = "exact"
REPO = Path(__file__).resolve().parents[1]


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


CHILD = """
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace
sys.path.insert(0, {repo!r})
from connector.clock import FakeClock
from connector.notify.mailer import MailboxMailer
from connector.service.dunning_run import run_dunning
from connector.store import Store
from tests.dunning_samples import settings
from tests.pairs.exact_online import JsonFileVault, make_adapter

tmp = Path({tmp!r})
exact = SimpleNamespace(base_url={base_url!r}, division={division!r}, client_id={client_id!r},
                        client_secret={client_secret!r})
adapter = make_adapter(exact, tmp, FakeClock(), vault=JsonFileVault(tmp / "vault.json"))
store = Store.open("sqlite:///" + str(tmp / "state.db"))
(invoice,) = [i for i in store.open_invoices({admin!r}) if i.host_id == {invoice!r}]
contacts = [c for c in store.contacts({admin!r}) if c.host_id == invoice.contact_id]
run_dunning(admin_key={admin!r}, store=store, adapter=adapter, mailer=MailboxMailer(tmp / "mail"),
            settings=settings(send_days={{"skip_weekends": False, "skip_holidays": False}}),
            today=date.fromisoformat({today!r}), output_dir=tmp / "out", invoices=[invoice], contacts=contacts)
"""


def killed_run(sim, arguments, tmp_path: Path, point: str) -> None:  # type: ignore[no-untyped-def]
    """The world's run in a child process (the Exact simulator over HTTP) that SIGKILLs itself at `point`."""
    (invoice,) = arguments["invoices"]
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(repo=str(REPO), tmp=str(tmp_path), base_url=sim.base_url, division=sim.division,
                                   client_id=sim.client_id, client_secret=sim.client_secret, admin=ADMIN,
                                   invoice=invoice.host_id, today=arguments["today"].isoformat()), encoding="utf-8")
    child = subprocess.run([sys.executable, str(script)], env={**os.environ, KILL_ENV: point},
                           capture_output=True, text=True, timeout=180, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr


def the_step_entry(store: Store):  # type: ignore[no-untyped-def]
    (entry,) = [e for e in Outbox(store).entries(ADMIN) if e.kind != "note"]
    return entry


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


@pytest.mark.parametrize("point", ["after_mark_sent", "before_note"])
def test_a_kill_after_the_step_was_marked_sent_loses_no_note(sim, world, tmp_path, point):
    """Killed once the step's entry is sent, before the note had an entry of its own (before or after the
    step was recorded): the restart records the step and writes its note, once."""
    store, arguments = world
    killed_run(sim, arguments, tmp_path, point)
    step_entry = the_step_entry(store)
    key = f"{step_entry.idempotency_key}:note"
    assert step_entry.status == "sent" and len(list((tmp_path / "mail").glob("*.eml"))) == 1
    assert [e.kind for e in Outbox(store).entries(ADMIN)] == ["dunning_email"], "the note has no entry yet"
    assert step_entry.payload["note"]["contact_id"] == step_entry.payload["contact_id"], "it is in its step's"
    assert notes_in_exact(sim, key) == []

    plan, result = run_dunning(adapter=sim.adapter, **arguments)  # the restart
    assert plan.actions == () and result.notes_recorded == 1 and result.warnings == []
    (step,) = DunningStore(store).steps(ADMIN)
    assert step.key == step_entry.idempotency_key
    (note,) = notes_in_exact(sim, key)
    assert step.level_name in note["Notes"] and note["Document"], "with the letter's PDF, as it would have had"
    assert Outbox(store).get(key).status == "sent" and len(list((tmp_path / "mail").glob("*.eml"))) == 1

    _, again = run_dunning(adapter=sim.adapter, **arguments)
    assert again.notes_recorded == 0 and len(notes_in_exact(sim, key)) == 1


def test_a_step_sent_before_its_note_was_kept_with_it_gets_its_note_once(sim, world, tmp_path):
    """An outbox row from before the note was kept in its step's entry, cut off by a kill before its note
    was enqueued: the restart builds the note from the step and writes it, once."""
    store, arguments = world
    killed_run(sim, arguments, tmp_path, "before_note")
    step_entry = the_step_entry(store)
    older = {name: value for name, value in step_entry.payload.items() if name != "note"}
    with store.engine.begin() as conn:  # the row as the code before this change left it
        conn.execute(outbox.update().where(outbox.c.idempotency_key == step_entry.idempotency_key)
                     .values(payload=encode(older)))
    key = f"{step_entry.idempotency_key}:note"

    plan, result = run_dunning(adapter=sim.adapter, **arguments)
    assert plan.actions == () and result.notes_recorded == 1
    (note,) = notes_in_exact(sim, key)
    (invoice,) = arguments["invoices"]
    assert Outbox(store).get(key).payload == step_entry.payload["note"], "the same note as the new code keeps"
    assert invoice.number in note["Notes"] and note["Document"]
    _, again = run_dunning(adapter=sim.adapter, **arguments)
    assert again.notes_recorded == 0 and len(notes_in_exact(sim, key)) == 1


class Refusing:
    """A mail server that refuses the address: the step fails for good."""

    def send(self, message):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPRecipientsRefused({"x@y": (550, b"no such user")})


def test_a_step_that_failed_for_good_never_gets_a_note(sim, world):
    store, arguments = world
    _, first = run_dunning(adapter=sim.adapter, **{**arguments, "mailer": Refusing()})
    assert first.sent == [] and [o.status for o in first.failed] == ["failed"] and first.notes_recorded == 0
    step_entry = the_step_entry(store)
    assert step_entry.status == "failed" and [e.kind for e in Outbox(store).entries(ADMIN)] == ["dunning_email"]

    for _ in range(2):  # later runs, with a mail server that would take it
        _, later = run_dunning(adapter=sim.adapter, **arguments)
        assert later.sent == [] and later.notes_recorded == 0
    assert [e.kind for e in Outbox(store).entries(ADMIN)] == ["dunning_email"]
    assert DunningStore(store).steps(ADMIN) == [] and sim.rows("notes") == []
