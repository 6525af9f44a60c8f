"""Reminders recorded as notes/tasks/documents, payments booked (off by default), idempotently."""

from __future__ import annotations

import pytest

from adapters.base import NoteRecord, PaymentBooking, ReminderPush, Stream
from adapters.exact_online.adapter import ExactOnlineAdapter
from adapters.exact_online.simulator import ExactSimulator
from connector.clock import FakeClock
from connector.errors import ConfigError, HostUnavailable
from tests.pairs.exact_online import JsonFileVault, MemoryStore, login, make_adapter

PDF = b"%PDF-1.4\n% herinnering\n"


@pytest.fixture
def sim(tmp_path):
    clock = FakeClock()
    with ExactSimulator(clock=clock, invoices=40, paid=0, payables=0) as simulator:
        simulator.vault = JsonFileVault(tmp_path / "vault.json")
        simulator.tmp_path = tmp_path
        login(simulator, simulator.vault, clock)
        yield simulator


def adapter_for(sim: ExactSimulator, **settings) -> ExactOnlineAdapter:
    return make_adapter(sim, sim.tmp_path, sim.clock, vault=sim.vault, **settings)


def test_exact_cannot_send_reminders_or_book_payments_by_default(sim) -> None:
    adapter = adapter_for(sim)
    assert (
        adapter.capabilities.sends_reminders is False
        and adapter.capabilities.books_payments is False
    )
    assert adapter.capabilities.records_notes is True
    with pytest.raises(NotImplementedError):
        adapter.push_reminder(
            ReminderPush(contact_id="x", invoice_ids=("y",), level="1", text="t"), "k"
        )
    with pytest.raises(NotImplementedError, match="book_payments: true"):
        adapter.register_payment(
            PaymentBooking(invoice_id="a", mutation_id="b", amount=1, payment_date=None), "k"
        )
    assert adapter.was_applied("payment", {"invoice_id": "a"}, "k") is None


def test_a_reminder_note_is_found_again_by_its_key(sim) -> None:
    adapter = adapter_for(sim)
    contact = sim.rows("accounts")[0]["ID"]
    note = NoteRecord(
        contact_id=contact, text="Eerste herinnering verstuurd\nFactuur 26000001, € 121,00"
    )
    payload = {"contact_id": contact, "text": note.text, "todo": False}
    assert adapter.was_applied("note", payload, "run-7:reminder:26000001") is False
    receipt = adapter.record_note(note, "run-7:reminder:26000001")
    [stored] = sim.rows("notes")
    assert receipt.host_id == stored["ID"] and stored["Account"] == contact
    assert stored["Subject"] == "Eerste herinnering verstuurd"
    assert "[connector:run-7:reminder:26000001]" in stored["Notes"]
    assert adapter.was_applied("note", payload, "run-7:reminder:26000001") is True
    assert adapter.was_applied("note", payload, "run-8:reminder:26000001") is False


def test_the_pdf_becomes_one_document_even_when_the_note_failed_the_first_time(sim) -> None:
    adapter = adapter_for(sim)
    contact = sim.rows("accounts")[1]["ID"]
    note = NoteRecord(
        contact_id=contact,
        text="Aanmaning (14-dagenbrief)",
        attachment_name="aanmaning.pdf",
        attachment=PDF,
    )
    sim.fail_endpoint("activities/CommunicationNotes", 500, times=1, message="Internal error")
    with pytest.raises(HostUnavailable):
        adapter.record_note(note, "k-14")
    assert adapter.was_applied("note", {"contact_id": contact}, "k-14") is False
    adapter.record_note(note, "k-14")
    [document] = sim.rows("documents")
    [attachment] = sim.rows("attachments")
    [stored] = sim.rows("notes")
    assert "[connector:k-14]" in document["Subject"] and document["Account"] == contact
    assert attachment["Document"] == document["ID"] and attachment["FileName"] == "aanmaning.pdf"
    assert attachment["FileSize"] == len(PDF)
    assert stored["Document"] == document["ID"]


def test_a_step_for_a_person_becomes_a_task(sim) -> None:
    adapter = adapter_for(sim)
    contact = sim.rows("accounts")[2]["ID"]
    adapter.record_note(
        NoteRecord(contact_id=contact, text="Bel de klant over factuur 26000003", todo=True), "t-1"
    )
    [task] = sim.rows("tasks")
    assert task["Description"] == "Bel de klant over factuur 26000003" and task["ActionDate"]
    assert adapter.was_applied("note", {"contact_id": contact, "todo": True}, "t-1") is True
    assert not sim.rows("notes")


def _unbooked_payment(sim: ExactSimulator, adapter: ExactOnlineAdapter):
    store = MemoryStore()
    store.pull(adapter, Stream.MUTATIONS)
    store.pull(adapter, Stream.INVOICES)
    invoices = store.records[Stream.INVOICES]
    for mutation in store.records[Stream.MUTATIONS].values():
        for invoice in invoices.values():
            reference = invoice.payment_reference or f"factuur {invoice.number}"
            if invoice.open_amount == mutation.amount and mutation.description.endswith(reference):
                return store, mutation, invoice
    raise AssertionError("the seed has a bank line paying an open invoice")


def test_booking_a_payment_moves_the_line_off_suspense_and_settles_the_invoice(sim) -> None:
    adapter = adapter_for(sim, book_payments=True)
    assert adapter.capabilities.books_payments is True
    store, mutation, invoice = _unbooked_payment(sim, adapter)
    booking = PaymentBooking(
        invoice_id=invoice.host_id,
        mutation_id=mutation.host_id,
        amount=invoice.open_amount,
        payment_date=mutation.date,
        invoice_number=invoice.number,
        contact_id=invoice.contact_id,
    )
    payload = {"invoice_id": invoice.host_id, "invoice_number": invoice.number}
    assert adapter.was_applied("payment", payload, "pay-1") is False
    receipt = adapter.register_payment(booking, "pay-1")
    assert "journal 20" in receipt.detail
    lines = sim.rows("bank_lines", where=lambda b: "[connector:pay-1]" in str(b["Notes"]))
    assert sorted(line["AmountFC"] for line in lines) == sorted(
        [invoice.open_amount, -invoice.open_amount]
    )
    customer_line = next(line for line in lines if line["Account"])
    assert customer_line["Account"] == invoice.contact_id and customer_line["OurRef"] == int(
        invoice.number
    )
    assert adapter.was_applied("payment", payload, "pay-1") is True
    assert adapter.was_applied("payment", payload, "pay-2") is False
    assert invoice.host_id in store.pull(adapter, Stream.INVOICES).removed
    after = store.pull(adapter, Stream.MUTATIONS)
    assert after.removed == {mutation.host_id} and not after.upserts


def test_a_payment_from_a_bank_file_needs_the_bank_journal(sim) -> None:
    adapter = adapter_for(sim, book_payments=True)
    store = MemoryStore()
    store.pull(adapter, Stream.INVOICES)
    invoice = next(i for i in store.records[Stream.INVOICES].values() if i.open_amount > 0)
    booking = PaymentBooking(
        invoice_id=invoice.host_id,
        mutation_id="camt053:2026-11-18:4",
        amount=invoice.open_amount,
        payment_date=invoice.due_date,
    )
    with pytest.raises(ConfigError, match="bank_journal"):
        adapter.register_payment(booking, "file-1")
    adapter_for(sim, book_payments=True, bank_journal="20").register_payment(booking, "file-1")
    lines = sim.rows("bank_lines", where=lambda b: "[connector:file-1]" in str(b["Notes"]))
    assert [line["AmountFC"] for line in lines] == [invoice.open_amount]
    assert sim.term(invoice.host_id)["Status"] == 50
