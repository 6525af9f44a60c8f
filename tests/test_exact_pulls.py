"""Exact pulls against the simulator: call counts, mapping, deletions, contacts, bank lines."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from adapters.base import Stream
from adapters.exact_online import pulls
from adapters.exact_online.adapter import build_adapter, discover_divisions
from adapters.exact_online.simulator import OTHER_DIVISION, ExactSimulator
from connector.clock import FakeClock
from connector.errors import ConfigError
from connector.records import ContactKind
from tests.pairs.exact_online import (
    JsonFileVault,
    MemoryStore,
    login,
    make_adapter,
    secrets_for,
    settings_for,
)


@pytest.fixture
def env(tmp_path):
    clock = FakeClock()
    simulators: list[ExactSimulator] = []

    class Env:
        def __init__(self) -> None:
            self.clock, self.tmp_path = clock, tmp_path
            self.vault = JsonFileVault(tmp_path / "vault.json")

        def simulator(self, **options) -> ExactSimulator:
            simulator = ExactSimulator(clock=clock, **options)
            simulator.start()
            simulators.append(simulator)
            login(simulator, self.vault, clock)
            self.sim = simulator
            return simulator

        def adapter(self, **settings):
            """A fresh adapter, as a new connector run would build it."""
            return make_adapter(self.sim, tmp_path, clock, vault=self.vault, **settings)

        def calls(self, action) -> int:
            before = self.sim.request_count()
            action()
            return self.sim.request_count() - before

    yield Env()
    for simulator in simulators:
        simulator.stop()


def _sync_rows(simulator: ExactSimulator) -> int:
    return len(simulator.rows("terms"))


def test_first_sync_and_incremental_cost_ceil_rows_per_1000_plus_two(env) -> None:
    sim = env.simulator(invoices=2500, paid=300, payables=120)
    store = MemoryStore()
    first = env.calls(lambda: store.pull(env.adapter(), Stream.INVOICES))
    assert first == math.ceil(_sync_rows(sim) / 1000) + 2  # + system/Divisions + sync/Deleted
    assert len(store.records[Stream.INVOICES]) == 2500

    changed = set(sim.change_invoices(500))
    result = {}
    second = env.calls(lambda: result.setdefault("r", store.pull(env.adapter(), Stream.INVOICES)))
    assert second == math.ceil(500 / 1000) + 2
    assert set(result["r"].upserts) == changed
    assert sim.stats["rate_limited_minute"] == sim.stats["rate_limited_day"] == 0


def test_receivables_carry_reference_due_date_status_and_open_amount(env) -> None:
    sim = env.simulator(invoices=120, paid=0, payables=5)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.INVOICES)
    invoices = store.records[Stream.INVOICES]
    terms = {t["ID"]: t for t in sim.rows("terms", where=lambda t: t["LineType"] == 20)}
    assert set(invoices) == set(terms)
    for host_id, invoice in invoices.items():
        term = terms[host_id]
        assert invoice.number == str(term["InvoiceNumber"])
        assert invoice.contact_id == term["Account"]
        assert invoice.due_date == term["DueDate"] and invoice.invoice_date == term["InvoiceDate"]
        assert invoice.payment_reference == (term["PaymentReference"] or "")
        assert (
            invoice.total == term["TransactionAmountFC"] and invoice.open_amount == term["AmountFC"]
        )
        assert isinstance(invoice.total, Decimal)
        assert invoice.host_state == ("direct_debit" if term["PaymentMethod"] == "I" else "open")
    assert any(i.is_credit_note for i in invoices.values())
    assert any(
        i.open_amount != i.total and not i.is_credit_note for i in invoices.values()
    )  # partly paid


def test_dates_around_the_dst_switch_are_not_shifted(env) -> None:
    sim = env.simulator(invoices=5, paid=0, payables=0)
    target = sim.invoice_ids()[0]
    sim.change_row("terms", target, InvoiceDate=date(2026, 3, 29), DueDate=date(2026, 10, 25))
    store = MemoryStore()
    store.pull(env.adapter(), Stream.INVOICES)
    invoice = store.records[Stream.INVOICES][target]
    assert (invoice.invoice_date, invoice.due_date) == (date(2026, 3, 29), date(2026, 10, 25))


def test_paid_partly_paid_and_deleted_receivables(env) -> None:
    sim = env.simulator(invoices=30, paid=0, payables=0)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.INVOICES)
    paid, partial, deleted = [i for i in sim.invoice_ids() if sim.term(i)["AmountFC"] > 10][:3]
    sim.pay_invoice(paid)
    sim.pay_invoice(partial, amount=Decimal("10.00"))
    sim.delete("terms", deleted)
    result = store.pull(env.adapter(), Stream.INVOICES)
    assert result.removed == {paid, deleted}
    assert set(result.upserts) == {partial}
    assert result.upserts[partial].open_amount == sim.term(partial)["AmountFC"]


def test_payables_and_other_divisions_stay_out(env) -> None:
    sim = env.simulator(invoices=20, paid=0, payables=10)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.INVOICES)
    payables = {t["ID"] for t in sim.rows("terms", where=lambda t: t["LineType"] == 22)}
    assert payables and not payables & set(store.records[Stream.INVOICES])

    other = MemoryStore()
    before = len(sim.request_log)
    other.pull(env.adapter(division=OTHER_DIVISION), Stream.INVOICES)
    assert set(other.records[Stream.INVOICES]) == set(sim.invoice_ids(OTHER_DIVISION))
    assert all(f"/{OTHER_DIVISION}/" in r.path for r in sim.request_log[before:])


def test_a_division_move_restarts_the_sync_from_timestamp_one(env) -> None:
    sim = env.simulator(invoices=40, paid=0, payables=0)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.INVOICES)
    gone = sim.invoice_ids()[0]
    sim.move_division()
    sim.delete("terms", gone)
    sim.forget_deletions()  # only the full pass can notice it is gone
    before = len(sim.request_log)
    result = store.pull(env.adapter(), Stream.INVOICES)
    queries = [r.query for r in sim.request_log[before:] if "PaymentTerms" in r.path]
    assert "Timestamp+gt+1L" in queries[0].replace("%20", "+")
    assert result.removed == {gone} and not result.upserts
    assert set(store.records[Stream.INVOICES]) == set(sim.invoice_ids())


def test_a_bookmark_older_than_the_deletion_log_checks_the_open_set_in_bulk(env) -> None:
    sim = env.simulator(invoices=40, paid=0, payables=0)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.INVOICES)
    gone = sim.invoice_ids()[0]
    sim.delete("terms", gone)
    with sim._lock:
        sim.divisions[sim.division].tables[
            "deleted"
        ] = []  # Exact forgets deletions after ~2 months
    env.clock.advance(60 * 86400)
    login(
        sim, env.vault, env.clock
    )  # the refresh token expired meanwhile; the accountant logged in again
    before = len(sim.request_log)
    result = store.pull(env.adapter(), Stream.INVOICES)
    assert result.removed == {gone}
    assert any("bulk/Cashflow/Receivables" in r.path for r in sim.request_log[before:])


def test_contacts_with_email_bank_accounts_and_their_changes(env) -> None:
    sim = env.simulator(invoices=40, paid=0, payables=0)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.CONTACTS)
    contacts = store.records[Stream.CONTACTS]
    accounts = {a["ID"]: a for a in sim.rows("accounts")}
    assert set(contacts) == set(accounts)
    for host_id, contact in contacts.items():
        account = accounts[host_id]
        assert contact.emails == (account["Email"],)
        assert contact.customer_number == account["Code"].strip()
        ibans = {
            b["BankAccount"]
            for b in sim.rows("bank_accounts", where=lambda b, h=host_id: b["Account"] == h)
        }
        assert set(contact.ibans) == ibans
        if account["ChamberOfCommerce"]:
            assert contact.kind is ContactKind.COMPANY
        assert contact.language == ("nl" if account["Language"] == "NL" else "en")

    with_banks = sorted(h for h, c in contacts.items() if c.ibans)
    first, third = sorted(set(accounts) - {with_banks[0]})[:2]
    second = with_banks[0]
    env.clock.advance(3600)
    added = sim.add_row(
        "bank_accounts",
        {
            "Account": first,
            "BankAccount": "NL91 ABNA 0417 1643 00",
            "Main": False,
            "Type": "A",
            "Modified": None,
        },
    )
    doomed = sim.rows("bank_accounts", where=lambda b: b["Account"] == second)
    for bank in doomed:
        sim.delete("bank_accounts", bank["ID"])
    sim.delete("accounts", third)
    result = store.pull(env.adapter(), Stream.CONTACTS)
    assert "NL91ABNA0417164300" in result.upserts[first].ibans
    assert doomed and result.upserts[second].ibans == ()
    assert result.removed == {third}
    assert set(result.upserts) == {first, second}
    assert added["ID"] not in result.upserts


def test_a_quiet_division_costs_four_contact_calls_and_changes_cost_long_filters(env) -> None:
    sim = env.simulator(invoices=40, accounts=400, paid=0, payables=0)
    store = MemoryStore()
    first = env.calls(lambda: store.pull(env.adapter(), Stream.CONTACTS))
    banks = len(sim.rows("bank_accounts"))
    assert first == 1 + math.ceil(banks / 60) + 1 + 1  # Divisions, bank accounts, sync, Deleted
    env.clock.advance(3600)
    quiet = env.calls(lambda: store.pull(env.adapter(), Stream.CONTACTS))
    assert quiet == 4  # the bank accounts modified since last time are known: no refresh

    changed = sorted(a["ID"] for a in sim.rows("accounts"))[:300]
    for account in changed:
        sim.change_row("accounts", account, Phone="020-7654321")
    before = len(sim.request_log)
    result = store.pull(env.adapter(), Stream.CONTACTS)
    log = sim.request_log[before:]
    their_banks = len(sim.rows("bank_accounts", where=lambda b: b["Account"] in set(changed)))
    assert pulls.guids_per_filter("Account") > 70  # fits Exact's 6,000-character URLs
    # about one full 60-row page per call (the old 40 accounts per filter took ⌈300/40⌉ = 8)
    bank_calls = sum(r.path.endswith("crm/BankAccounts") for r in log) - 1  # 1: modified since
    assert bank_calls <= math.ceil(their_banks / 58) < math.ceil(300 / 40)
    assert set(result.upserts) == set(changed)
    assert all(r.status == 200 for r in log) and sim.stats["url_too_long"] == 0


def test_a_bank_account_moved_to_another_customer_updates_both(env) -> None:
    sim = env.simulator(invoices=40, paid=0, payables=0)
    store = MemoryStore()
    store.pull(env.adapter(), Stream.CONTACTS)
    bank = sim.rows("bank_accounts")[0]
    old_owner = bank["Account"]
    new_owner = next(a["ID"] for a in sim.rows("accounts") if a["ID"] != old_owner)
    env.clock.advance(3600)
    sim.change_row("bank_accounts", bank["ID"], Account=new_owner)
    result = store.pull(env.adapter(), Stream.CONTACTS)
    iban = bank["BankAccount"].replace(" ", "")
    assert set(result.upserts) == {old_owner, new_owner}
    assert iban in result.upserts[new_owner].ibans
    assert iban not in result.upserts[old_owner].ibans


def test_bank_lines_are_the_unallocated_lines_without_counterparty(env) -> None:
    sim = env.simulator(invoices=80, paid=0, payables=0)
    adapter = env.adapter()
    assert adapter.capabilities.bank_counterparty is False
    store = MemoryStore()
    store.pull(adapter, Stream.MUTATIONS)
    suspense = {j["GLAccount"] for j in sim.rows("journals") if j["Type"] == 12}
    lines = {b["ID"]: b for b in sim.rows("bank_lines", where=lambda b: b["GLAccount"] in suspense)}
    mutations = store.records[Stream.MUTATIONS]
    assert set(mutations) == set(lines) and mutations
    for host_id, mutation in mutations.items():
        assert (
            mutation.amount == lines[host_id]["AmountFC"]
            and mutation.date == lines[host_id]["Date"]
        )
        assert mutation.counterparty_iban == "" and mutation.booked is False
    allocated = min(lines)
    sim.change_row("bank_lines", allocated, GLAccount=sim.divisions[sim.division].receivables_gl)
    result = store.pull(adapter, Stream.MUTATIONS)
    assert result.removed == {allocated} and not result.upserts


def test_divisions_are_discovered_once_then_named_in_the_config(env) -> None:
    sim = env.simulator(invoices=5)
    found = discover_divisions(
        settings_for(sim, division=None),
        secret=secrets_for(sim),
        clock=env.clock,
        state_dir=env.tmp_path,
        token_vault=env.vault,
    )
    assert {(d["Code"], d["Current"]) for d in found} == {
        (sim.division, True),
        (OTHER_DIVISION, False),
    }
    info = env.adapter(division=OTHER_DIVISION).check_connection()
    assert info.administration_name == "Lunchroom De Linde V.O.F."
    assert any("current division is 101234" in w for w in info.warnings)
    with pytest.raises(ConfigError, match="division 999 is not accessible.*101235"):
        env.adapter(division=999).check_connection()
    with pytest.raises(ConfigError, match="`division` is missing"):
        build_adapter({"base_url": sim.base_url}, secret=secrets_for(sim), token_vault=env.vault)
