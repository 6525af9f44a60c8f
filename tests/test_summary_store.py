"""Summaries made without a fresh cycle (the `summary` and `weekly` jobs) read their lists back from the
store: suggestions awaiting a decision, payments booked and matched, flagged bank lines, the bellijst
with the last contact, and a recorded dispute. A combined summary that bounced is at the top of the next one."""

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
from connector.service.cycle import AdminOutcome
from connector.service.reconcile_step import reconcile_administration
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from connector.store.reconciliations import ReconciliationStore
from connector.summary.deliver import send_summaries
from connector.summary.from_cycle import admin_summaries_from_store, admin_summary_from_outcome
from connector.summary.model import (
    AutoMatch,
    CallListRow,
    FlaggedLine,
    HoldDue,
    Suggestion,
    Summary,
)
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


def bank_lines(store: Store) -> None:
    """Money no invoice explains: a Mollie payout, a tax refund, EUR 90 paid too much on 2026-0001, and two
    payments both naming 2026-0005."""
    store.add_mutations(ADMIN, [
        BankMutation(host_id=f"f{n}", date=TODAY - timedelta(days=n), amount=Decimal(amount),
                     counterparty_name=name, description=text)
        for n, amount, name, text in (
            (1, "1234.56", "Stichting Mollie Payments", "Uitbetaling st-2026-10-12"),
            (2, "311.00", "BELASTINGDIENST", "teruggaaf omzetbelasting 3e kw"),
            (3, "1300.00", "HOTEL ZEEZICHT", "factuur 2026-0001"),
            (4, "181.50", "PIETERSEN GROENTE", "2026-0005"),
            (5, "181.50", "PIETERSEN GROENTE", "factuur 2026-0005"))])


def summaries_both_ways(tmp_path: Path, store: Store):
    """The summary after a reconciliation run, once from the cycle's outcome and once from the store."""
    admin = config(tmp_path).administrations[0]
    reconciled = reconcile_administration(admin, store, None)
    outcome = AdminOutcome(key=admin.key, name=admin.name, package=admin.package.value,
                           open_invoices=tuple(store.open_invoices(ADMIN)), flagged_lines=reconciled.flagged_lines)
    (stored,) = admin_summaries_from_store(config(tmp_path), store, today=TODAY)
    return admin_summary_from_outcome(outcome, store, today=TODAY), stored


def test_flagged_bank_lines_are_the_same_from_a_cycle_and_from_the_store(tmp_path, store):
    bank_lines(store)
    from_cycle, from_store = summaries_both_ways(tmp_path, store)
    assert from_cycle.flagged_lines == from_store.flagged_lines
    assert [(f.date, f.counterparty, f.kind, f.amount, f.invoice_number) for f in from_store.flagged_lines] == [
        (TODAY - timedelta(days=5), "PIETERSEN GROENTE", "ambiguous", Decimal("181.50"), "2026-0005"),
        (TODAY - timedelta(days=4), "PIETERSEN GROENTE", "ambiguous", Decimal("181.50"), "2026-0005"),
        (TODAY - timedelta(days=3), "HOTEL ZEEZICHT", "overpayment", Decimal("90.00"), "2026-0001"),
        (TODAY - timedelta(days=2), "BELASTINGDIENST", "not_a_customer_payment", Decimal("311.00"), ""),
        (TODAY - timedelta(days=1), "Stichting Mollie Payments", "psp_payout", Decimal("1234.56"), "")]
    assert from_store.overpaid == Decimal("90.00")

    text = render_summary(Summary(today=TODAY, admins=(from_store,)), charts=False).text
    assert "Te veel ontvangen          €\u00a090,00 (1 betaling; terugbetalen of verrekenen)" in text
    section = text.split("-- Bankregels die aandacht vragen --\n")[1].split("\n\n")[0].splitlines()
    assert section[4:6] == [
        "11 okt 2026  HOTEL ZEEZICHT                    € 90,00  dubbel of te veel betaald (factuur 2026-0001)",
        ("    Reden: Er is € 90,00 meer betaald dan er op factuur 2026-0001 openstaat: terugbetalen of als "
         "tegoed voor deze klant laten staan.")]
    assert section[8] == "13 okt 2026  Stichting Mollie Payments      € 1.234,56  uitbetaling betaalprovider"
    english = render_summary(Summary(today=TODAY, admins=(from_store,)), language="en", charts=False).text
    assert "13 Oct 2026  Stichting Mollie Payments       €1,234.56  payment-provider payout" in english


def test_a_dismissed_flag_is_left_out_both_ways(tmp_path, store):
    bank_lines(store)
    summaries_both_ways(tmp_path, store)
    results = ReconciliationStore(store)
    (payout,) = [r for r in results.open_results(ADMIN, ("flag",)) if r.rule == "psp_payout"]
    results.decide(ADMIN, payout.id, "rejected")  # `connector matches reject`: booked on the clearing account
    from_cycle, from_store = summaries_both_ways(tmp_path, store)
    assert from_cycle.flagged_lines == from_store.flagged_lines
    assert "psp_payout" not in {f.kind for f in from_store.flagged_lines} and len(from_store.flagged_lines) == 4


def test_a_booked_bank_line_is_no_longer_flagged(tmp_path, store):
    bank_lines(store)
    summaries_both_ways(tmp_path, store)
    store.apply_batch(ADMIN, Batch(stream=Stream.MUTATIONS, removed_ids=("f1", "f2")))
    (admin,) = admin_summaries_from_store(config(tmp_path), store, today=TODAY)
    assert [f.kind for f in admin.flagged_lines] == ["ambiguous", "ambiguous", "overpayment"]
    assert admin.flagged_lines[2] == FlaggedLine(
        date=TODAY - timedelta(days=3), counterparty="HOTEL ZEEZICHT", amount=Decimal("90.00"), kind="overpayment",
        invoice_number="2026-0001",
        reason="Paid EUR 90.00 more than invoice 2026-0001 has open: refund it or keep it as a credit for this customer.")


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
    assert "E-mail niet afgeleverd: overzichtsmail → acc@kantoor.example: mislukt: recipients refused: " \
           "acc@kantoor.example (550 5.1.1 mailbox unavailable)" in attention


def test_paying_an_invoice_the_package_no_longer_lists_as_open_is_a_double_payment(tmp_path, store):
    """The invoice is paid (it left the open set); the same amount comes in again quoting it."""
    store.apply_batch(ADMIN, Batch(stream=Stream.INVOICES, removed_ids=("i5",)))
    store.add_mutations(ADMIN, [BankMutation(host_id="again", date=TODAY, amount=Decimal("181.50"),
                                             counterparty_name="PIETERSEN GROENTE", description="factuur 2026-0005")])
    reconciled = reconcile_administration(config(tmp_path).administrations[0], store, None)
    assert not [m for m in reconciled.result.auto() if m.mutation_id == "again"], "never booked a second time"
    (flag,) = [f for f in reconciled.result.flags if f.mutation_id == "again"]
    assert flag.kind == "overpayment" and "already paid" in flag.reason
