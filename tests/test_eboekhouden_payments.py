"""Booking payments as type 3 mutations: off by default, idempotent and findable when on."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest

from adapters.base import PaymentBooking, Stream, StreamState
from adapters.eboekhouden.errors import PeriodClosed
from adapters.eboekhouden.payments import payment_description, payment_tag
from adapters.eboekhouden.simulator import EboekhoudenSimulator
from connector.clock import FakeClock
from connector.errors import ConfigError
from tests.pairs.eboekhouden import make_adapter


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock):
    with EboekhoudenSimulator(clock=clock, seed=5, invoices=30) as simulator:
        yield simulator


def booking_for(sim: EboekhoudenSimulator, amount: str | None = None, **fields) -> PaymentBooking:
    invoice = next(inv for inv in sim.open_invoices() if inv.total > 0 and inv.paid == 0)
    return PaymentBooking(invoice_id=str(invoice.mutation_id), mutation_id="camt-2026-11-01-7",
                          amount=Decimal(amount) if amount else invoice.outstanding,
                          payment_date=date(2026, 11, 1), **fields)


def payload(booking: PaymentBooking) -> dict[str, object]:
    """The outbox keeps PaymentBooking fields as JSON-able values."""
    return {key: (str(value) if isinstance(value, (Decimal, date)) else value)
            for key, value in asdict(booking).items()}


def test_off_by_default(sim, clock) -> None:
    adapter = make_adapter(sim, clock)
    assert adapter.capabilities.books_payments is False
    with pytest.raises(NotImplementedError, match="book_payments"):
        adapter.register_payment(booking_for(sim), "key-1")
    assert adapter.was_applied("payment", payload(booking_for(sim)), "key-1") is None
    assert sim.request_count() == 0


def test_on_books_a_type_3_mutation_that_settles_the_invoice(sim, clock) -> None:
    adapter = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")
    assert adapter.capabilities.books_payments is True
    booking = booking_for(sim)
    receipt = adapter.register_payment(booking, "outbox-42")
    mutation = sim.data.mutations[int(receipt.host_id)]
    assert (mutation.type, mutation.ledger_id, mutation.in_ex_vat) == (3, 22206452, "EX")  # bank 1100 (FIN)
    assert payment_tag("outbox-42") in mutation.description and len(mutation.description) <= 50
    row = mutation.rows[0]
    invoice = sim.data.invoices[int(booking.invoice_id)]
    assert row == {"ledgerId": 22206453, "vatCode": "GEEN", "vatAmount": None, "costCenterId": None,
                   "amount": booking.amount, "description": mutation.description,
                   "invoiceNumber": invoice.number, "relationId": invoice.relation_id}
    batches = list(adapter.pull(Stream.INVOICES, StreamState(known_versions={booking.invoice_id: "x#"})))
    assert booking.invoice_id in batches[-1].removed_ids


def test_partial_payment_leaves_the_rest_open(sim, clock) -> None:
    adapter = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")
    booking = booking_for(sim, "10.05")
    before = sim.data.invoices[int(booking.invoice_id)].outstanding
    adapter.register_payment(booking, "k")
    assert sim.data.invoices[int(booking.invoice_id)].outstanding == before - Decimal("10.05")


def test_retry_with_the_same_key_does_not_book_twice(sim, clock) -> None:
    adapter = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")
    booking = booking_for(sim, "25.00")
    adapter.register_payment(booking, "same-key")
    receipt = adapter.register_payment(booking, "same-key")
    assert "already booked" in receipt.detail and receipt.host_id == ""
    assert len(sim.data.mutations) == 1


def test_was_applied_finds_the_booking_by_its_key(sim, clock) -> None:
    adapter = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")
    booking = booking_for(sim, "12.00")
    assert adapter.was_applied("payment", payload(booking), "crash-key") is False
    adapter.register_payment(booking, "crash-key")
    fresh = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")  # after a crash
    assert fresh.was_applied("payment", payload(booking), "crash-key") is True
    assert fresh.was_applied("payment", payload(booking), "other-key") is False
    assert fresh.was_applied("reminder", {}, "crash-key") is None


def test_closed_period_is_reported_plainly(sim, clock) -> None:
    adapter = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")
    sim.close_period(date(2026, 12, 31))
    with pytest.raises(PeriodClosed, match="period is closed by the accountant.*SECURITY_007"):
        adapter.register_payment(booking_for(sim), "k")


def test_ledger_settings_are_checked(sim, clock) -> None:
    with pytest.raises(ConfigError, match="bank_ledger_code"):
        make_adapter(sim, clock, book_payments=True)
    wrong = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1300")
    with pytest.raises(ConfigError, match="category DEB, not FIN"):
        wrong.check_connection()
    missing = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1199")
    with pytest.raises(ConfigError, match="no ledger with code '1199'"):
        missing.register_payment(booking_for(sim), "k")
    ok = make_adapter(sim, clock, book_payments=True, bank_ledger_code="1100")
    assert any("booked twice" in warning for warning in ok.check_connection().warnings)


def test_description_keeps_the_tag_for_long_invoice_numbers() -> None:
    tag = payment_tag("k")
    text = payment_description("F" + "9" * 60, tag)
    assert len(text) == 50 and text.endswith(tag)
