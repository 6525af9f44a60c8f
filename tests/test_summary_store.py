"""Summaries made without a fresh cycle (the `summary` and `weekly` jobs) read their lists back from the
store: suggestions awaiting a decision, payments booked and matched, the bellijst with the last contact,
and a recorded dispute. A combined summary that bounced is at the top of the next one."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from adapters.base import Batch, Stream
from connector.clock import FakeClock
from connector.config.schema import ConnectorConfig
from connector.dunning.holds import Hold, HoldKind
from connector.dunning.model import DunningStep, Via
from connector.notify.mailer import SmtpMailer
from connector.reconcile.model import Match
from connector.records import BankMutation, Contact
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from connector.store.reconciliations import ReconciliationStore
from connector.summary.deliver import send_summaries
from connector.summary.from_cycle import admin_summaries_from_store
from connector.summary.model import AutoMatch, CallListRow, HoldDue, Suggestion, Summary
from connector.summary.render import render_summary
from tests.summary_samples import TODAY, bakery_invoices

NOON = datetime(2026, 10, 14, 10, 0, tzinfo=UTC).timestamp()
ADMIN = "bakkerij"


def config(tmp_path: Path, *, combined: bool = False) -> ConnectorConfig:
    return ConnectorConfig.model_validate({
        "smtp": {"sender": "debiteuren@kantoor.example", "mailbox_dir": str(tmp_path / "mailbox")},
        "summary": {"recipients": ["acc@kantoor.example"], "combined": combined},
        "output_dir": str(tmp_path / "out"),
        "administrations": [{"key": ADMIN, "name": "Bakkerij De Vries B.V.", "package": "moneybird",
                             "moneybird": {"administration_id": "1"}}],
    })


def step(key: str, contact: str, level: str, via: str, sent_on: date, invoices: tuple[str, ...]) -> DunningStep:
    return DunningStep(key=key, contact_id=contact, level_name=level, level_index=1, level_kind="reminder",
                       channel=via, via=via, sent_on=sent_on, invoice_ids=invoices)


@pytest.fixture
def store(tmp_path):
    """A bakery after a cycle: invoices, two bank lines, what reconciliation found, a booked payment,
    a reminder and later a call, and a dispute."""
    clock = FakeClock(NOON - 3600)
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=clock)
    contacts = [Contact(host_id=f"c{n}", name=name, phone=phone) for n, name, phone in (
        (1, "Hotel Zeezicht", ""), (2, "Van Dam Installatie", "+31 6 12345678"), (4, "Pietersen Groente", ""),
        (5, "Garage Noord", "020 7654321"))]
    store.apply_batch(ADMIN, Batch(stream=Stream.CONTACTS, upserts=tuple(contacts)))
    store.apply_batch(ADMIN, Batch(stream=Stream.INVOICES, upserts=tuple(bakery_invoices())))
    store.add_mutations(ADMIN, [
        BankMutation(host_id="m1", date=TODAY - timedelta(days=1), amount=Decimal("181.50"),
                     counterparty_name="PIETERSEN GROENTE"),
        BankMutation(host_id="m2", date=TODAY, amount=Decimal("96.80"), counterparty_name="V. DAM")])
    store.start_run(ADMIN, "cycle")
    ReconciliationStore(store).replace(ADMIN, [
        Match(mutation_id="m1", invoice_id="i5", amount=Decimal("181.50"), status="auto", confidence=0.99,
              reason="bedrag en factuurnummer", rule="reference"),
        Match(mutation_id="m2", invoice_id="i2", amount=Decimal("96.80"), status="suggested", confidence=0.7,
              reason="bedrag gelijk, naam lijkt op Van Dam", rule="amount_name"),
        Match(mutation_id="m2", invoice_id="i3", amount=Decimal("96.80"), status="suggested", confidence=0.4,
              reason="naam lijkt op Van Dam", rule="name")], [])
    outbox = Outbox(store)
    outbox.enqueue(ADMIN, "payment", "payment:bakkerij:m0:i1", {
        "invoice_id": "i1", "mutation_id": "m0", "amount": "500.00", "payment_date": TODAY.isoformat()})
    outbox.claim("payment:bakkerij:m0:i1")
    outbox.mark_sent("payment:bakkerij:m0:i1", "p1")
    dunning = DunningStore(store)
    dunning.record_step(ADMIN, step("s1", "c5", "herinnering", Via.HOST, TODAY - timedelta(days=30), ("i7",)))
    dunning.record_step(ADMIN, step("s2", "c5", "bellijst", Via.CALL, TODAY, ("i7",)))
    dunning.add_hold(ADMIN, Hold(kind=HoldKind.DISPUTE, contact_id="c2", invoice_ids=("i3",),
                                 created_on=TODAY - timedelta(days=2), reason="levering onvolledig"))
    clock.advance(3600)
    return store


def test_the_summary_job_reads_every_list_back_from_the_store(tmp_path, store):
    (admin,) = admin_summaries_from_store(config(tmp_path), store, today=TODAY)
    assert admin.suggestions == (Suggestion(
        date=TODAY, customer="Van Dam Installatie", invoice_numbers=("2026-0002", "2026-0003"),
        amount=Decimal("96.80"), reason="bedrag gelijk, naam lijkt op Van Dam", confidence=0.7),)
    assert admin.auto_matches == (
        AutoMatch(date=TODAY - timedelta(days=1), customer="Pietersen Groente", invoice_number="2026-0005",
                  amount=Decimal("181.50"), booked=False, reason="bedrag en factuurnummer"),
        AutoMatch(date=TODAY, customer="Hotel Zeezicht", invoice_number="2026-0001", amount=Decimal("500.00")))
    assert admin.call_list == (CallListRow(
        customer="Garage Noord", phone="020 7654321", amount=Decimal("1452.00"), days_overdue=130,
        last_contact=TODAY - timedelta(days=30), last_contact_kind="step", last_contact_what="herinnering"),)
    assert admin.holds_due == (HoldDue(kind="dispute", customer="Van Dam Installatie", amount=Decimal("423.50"),
                                       due_date=TODAY - timedelta(days=2), note="levering onvolledig"),)

    text = render_summary(Summary(today=TODAY, admins=(admin,)), charts=False).text
    holds = text.split("-- Geschillen, toezeggingen en betalingsregelingen --")[1]
    assert "geschil" in holds and "levering onvolledig" in holds and "Niets dat binnenkort vervalt" not in holds
    assert "14 sep 2026 (herinnering)" in text.split("-- Bellijst --")[1]
    english = render_summary(Summary(today=TODAY, admins=(admin,)), language="en",
                             charts=False).text
    assert "14 Sept 2026 (reminder)" in english.split("-- Call list --")[1]


def test_a_decided_suggestion_and_a_paid_call_are_left_out(tmp_path, store):
    reconciliations = ReconciliationStore(store)
    for result in reconciliations.open_results(ADMIN, ("suggested",)):
        reconciliations.decide(ADMIN, result.id, "rejected")
    store.apply_batch(ADMIN, Batch(stream=Stream.INVOICES, removed_ids=("i7",)))  # Garage Noord paid
    (admin,) = admin_summaries_from_store(config(tmp_path), store, today=TODAY)
    assert admin.suggestions == () and admin.call_list == ()


def test_a_weekly_summary_counts_the_week(tmp_path, store):
    week_ago = datetime.fromtimestamp(NOON, UTC) - timedelta(days=7)
    (admin,) = admin_summaries_from_store(config(tmp_path), store, today=TODAY, sent_since=week_ago)
    assert [m.invoice_number for m in admin.auto_matches if m.booked] == ["2026-0001"]
    assert [row.customer for row in admin.call_list] == ["Garage Noord"]


class _Refuse:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 mailbox unavailable"


def test_a_combined_summary_that_bounced_is_at_the_top_of_the_next_one(tmp_path, store):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = Controller(_Refuse(), hostname="127.0.0.1", port=port)
    server.start()
    try:
        admins = admin_summaries_from_store(config(tmp_path, combined=True), store, today=TODAY)
        (bounced,) = send_summaries(config(tmp_path, combined=True), store, admins, slot="monday",
                                    clock=FakeClock(NOON), mailer=SmtpMailer("127.0.0.1", port, security="none"))
    finally:
        server.stop()
    assert bounced.scope == "_combined" and bounced.status == "failed"

    send_summaries(config(tmp_path, combined=True), store, admins, slot="tuesday", clock=FakeClock(NOON))
    (message,) = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                  for p in (tmp_path / "mailbox").glob("*.eml")]
    assert message["Subject"].startswith("[1] ")
    attention = message.get_body(("plain",)).get_content().split("== ACTIE NODIG (1) ==")[1].split("\n\n")[0]
    assert "E-mail niet afgeleverd: summary_email → acc@kantoor.example: failed: recipients refused: " \
           "acc@kantoor.example (550 5.1.1 mailbox unavailable)" in attention
