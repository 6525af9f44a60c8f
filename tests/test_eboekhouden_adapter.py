"""e-Boekhouden adapter against the simulator: mapping, due dates, incremental syncs, PDFs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

import adapters.eboekhouden.adapter as adapter_module
from adapters.base import Batch, Stream, StreamState
from adapters.eboekhouden.adapter import EboekhoudenAdapter, build_adapter
from adapters.eboekhouden.errors import AdministrationBlocked
from adapters.eboekhouden.seed import SimInvoice
from adapters.eboekhouden.simulator import EboekhoudenSimulator
from connector.clock import FakeClock
from connector.errors import ConfigError, NotFound, SecretMissing
from connector.records import ContactKind
from tests.pairs.eboekhouden import make_adapter


@dataclass
class Store:
    """The store's part of the contract: records and bookmarks committed batch by batch."""

    records: dict[Stream, dict[str, object]] = field(default_factory=lambda: {s: {} for s in Stream})
    bookmarks: dict[Stream, str | None] = field(default_factory=dict)

    def state(self, stream: Stream) -> StreamState:
        versions = {key: record.version for key, record in self.records[stream].items()}  # type: ignore[attr-defined]
        return StreamState(bookmark=self.bookmarks.get(stream), known_versions=versions)

    def apply(self, batch: Batch) -> None:
        for record in batch.upserts:
            self.records[batch.stream][record.host_id] = record
        for host_id in batch.removed_ids:
            self.records[batch.stream].pop(host_id, None)
        if batch.bookmark is not None:
            self.bookmarks[batch.stream] = batch.bookmark

    def sync(self, adapter: EboekhoudenAdapter, stream: Stream, *, batches: int | None = None) -> list[Batch]:
        seen = []
        for batch in adapter.pull(stream, self.state(stream)):
            self.apply(batch)
            seen.append(batch)
            if batches is not None and len(seen) == batches:
                break
        return seen

    def full(self, adapter: EboekhoudenAdapter) -> None:
        for stream in (Stream.CONTACTS, Stream.INVOICES):
            self.sync(adapter, stream)


def expected_due(sim: EboekhoudenSimulator, invoice: SimInvoice, default: int = 30) -> date:
    """The truth the simulator holds: invoice term, else the relation's, else the default."""
    term = invoice.document_term if invoice.document_id is not None else invoice.mutation_term
    if term is None:
        term = sim.data.relations[invoice.relation_id].term_of_payment
    return invoice.date + timedelta(days=default if term is None else term)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock):
    with EboekhoudenSimulator(clock=clock, seed=3, invoices=60) as simulator:
        yield simulator


@pytest.fixture
def adapter(sim, clock):
    instance = make_adapter(sim, clock)
    yield instance
    instance.close()


def calls_since(sim: EboekhoudenSimulator, mark: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in sim.request_log[mark:]:
        counts[entry.endpoint] = counts.get(entry.endpoint, 0) + 1
    return counts


def test_capabilities_and_streams() -> None:
    caps = EboekhoudenAdapter.capabilities
    assert (caps.sends_reminders, caps.unbooked_bank_lines, caps.books_payments) == (False, False, False)
    assert EboekhoudenAdapter.streams == (Stream.CONTACTS, Stream.INVOICES)


def test_mutations_stream_yields_nothing_and_calls_nothing(sim, adapter) -> None:
    assert list(adapter.pull(Stream.MUTATIONS, StreamState())) == []
    assert sim.request_count() == 0


def test_contacts_are_the_debtors_with_open_invoices(sim, adapter) -> None:
    store = Store()
    store.full(adapter)
    contacts = store.records[Stream.CONTACTS]
    debtors = {str(inv.relation_id) for inv in sim.open_invoices()}
    assert set(contacts) == debtors
    assert not any(rel.code.startswith("CRED") for rel in sim.data.relations.values() if str(rel.id) in contacts)
    for host_id, contact in contacts.items():
        relation = sim.data.relations[int(host_id)]
        assert contact.kind is {"B": ContactKind.COMPANY, "P": ContactKind.CONSUMER}[relation.type]
        assert contact.customer_number == relation.code
        assert all(iban == iban.replace(" ", "").upper() for iban in contact.ibans)


def test_reminder_address_iban_and_language(sim, adapter) -> None:
    store = Store()
    store.sync(adapter, Stream.CONTACTS)
    contacts = store.records[Stream.CONTACTS]
    bakery = contacts["71254000"]
    assert bakery.name == "Bakkerij de Vries B.V."
    assert bakery.emails == ("facturen@bakkerijdevries.nl",)
    assert bakery.dunning_emails == ("debiteuren@bakkerijdevries.nl",)
    person = contacts["71254007"]
    assert person.kind is ContactKind.CONSUMER and person.name == "Sanne Jansen" and person.attention == ""
    spaced = next(rel for rel in sim.data.relations.values() if " " in rel.iban and str(rel.id) in contacts)
    assert contacts[str(spaced.id)].ibans == (spaced.iban.replace(" ", "").upper(),)
    german = next(rel for rel in sim.data.relations.values() if rel.country == "DE" and str(rel.id) in contacts)
    assert (contacts[str(german.id)].language, contacts[str(german.id)].address.country) == ("en", "DE")


def test_invoices_with_due_dates_derived_from_the_terms(sim, adapter) -> None:
    store = Store()
    store.full(adapter)
    invoices = store.records[Stream.INVOICES]
    assert len(invoices) == len(sim.open_invoices())
    for sim_invoice in sim.open_invoices():
        invoice = invoices[str(sim_invoice.mutation_id)]
        assert invoice.number == sim_invoice.number and invoice.currency == "EUR"
        assert invoice.total == sim_invoice.total and invoice.open_amount == sim_invoice.outstanding
        assert isinstance(invoice.open_amount, Decimal)
        assert invoice.due_date == expected_due(sim, sim_invoice), sim_invoice
    assert any(inv.is_credit_note for inv in invoices.values())
    assert any(inv.host_state == "partially_paid" for inv in invoices.values())
    no_term = [inv for inv in sim.open_invoices() if inv.document_id is None and inv.mutation_term is None]
    assert no_term, "the seed must hold a mutation without a term"


def test_default_term_when_neither_invoice_nor_relation_has_one(sim, clock) -> None:
    relation = next(rel for rel in sim.data.relations.values() if rel.term_of_payment is None and rel.debtor)
    host_id = sim.add_invoice(relation_id=relation.id, term=None, in_module=False, invoice_date=date(2026, 10, 1))
    adapter = make_adapter(sim, clock, default_term_days=21)
    store = Store()
    store.sync(adapter, Stream.INVOICES)
    assert store.records[Stream.INVOICES][host_id].due_date == date(2026, 10, 22)


def test_second_sync_fetches_no_details(sim, adapter, clock) -> None:
    store = Store()
    store.full(adapter)
    mark = sim.request_count()
    fresh = make_adapter(sim, clock)  # a new run: new process, new session
    for stream in (Stream.CONTACTS, Stream.INVOICES):
        batches = store.sync(fresh, stream)
        assert not any(batch.upserts or batch.removed_ids for batch in batches)
    assert calls_since(sim, mark) == {"start_session": 1, "get_outstanding_invoices": 2, "get_relations": 1}


def test_changed_invoices_are_reemitted_without_detail_calls(sim, adapter) -> None:
    store = Store()
    store.full(adapter)
    changed = sim.change_invoices(3)
    mark = sim.request_count()
    batches = store.sync(adapter, Stream.INVOICES)
    upserts = {record.host_id for batch in batches for record in batch.upserts}
    assert upserts == set(changed)
    assert calls_since(sim, mark) == {"get_outstanding_invoices": 1}
    for host_id in changed:
        record = store.records[Stream.INVOICES][host_id]
        assert record.open_amount == sim.data.invoices[int(host_id)].outstanding
        assert record.due_date == expected_due(sim, sim.data.invoices[int(host_id)])


def test_paid_invoice_is_removed_after_one_check(sim, adapter) -> None:
    store = Store()
    store.sync(adapter, Stream.INVOICES)
    paid = str(sim.open_invoices()[4].mutation_id)
    sim.pay_invoice(paid)
    mark = sim.request_count()
    batches = store.sync(adapter, Stream.INVOICES)
    assert batches[-1].removed_ids == (paid,) and batches[-1].bookmark
    assert paid not in store.records[Stream.INVOICES]
    assert calls_since(sim, mark) == {"get_outstanding_invoices": 2}  # the list + the by-number check


def test_many_payments_are_confirmed_by_reading_the_list_again(sim, adapter) -> None:
    store = Store()
    store.sync(adapter, Stream.INVOICES)
    paid = [str(inv.mutation_id) for inv in sim.open_invoices()[:3]]
    for host_id in paid:
        sim.pay_invoice(host_id)
    mark = sim.request_count()
    batches = store.sync(adapter, Stream.INVOICES)
    assert sorted(batches[-1].removed_ids) == sorted(paid)
    assert calls_since(sim, mark) == {"get_outstanding_invoices": 2}  # one list page, read twice


def test_a_list_shifting_while_paging_does_not_fake_a_payment(sim, clock) -> None:
    adapter = make_adapter(sim, clock, page_size=10)
    store = Store()
    store.sync(adapter, Stream.INVOICES)
    open_now = sim.open_invoices()
    first_page_item, skipped = open_now[2], open_now[10]

    def pay_during_paging(endpoint: str, args: dict[str, str]) -> None:
        if endpoint == "get_outstanding_invoices" and args.get("offset") == "10":
            sim.before_request = None
            sim.pay_invoice(first_page_item.mutation_id)  # everything after it moves up one place

    sim.before_request = pay_during_paging
    mark = sim.request_count()
    batches = store.sync(adapter, Stream.INVOICES)
    assert batches[-1].removed_ids == ()  # the paid one was read before it was paid: gone next time
    assert str(skipped.mutation_id) in store.records[Stream.INVOICES]
    checks = [e.args for e in sim.request_log[mark:] if "invoiceNumber" in e.args]
    assert checks == [{"credDeb": "D", "invoiceNumber": skipped.number, "limit": "100"}]
    assert store.sync(adapter, Stream.INVOICES)[-1].removed_ids == (str(first_page_item.mutation_id),)


def test_new_invoice_costs_one_detail_call(sim, adapter) -> None:
    store = Store()
    store.full(adapter)
    host_id = sim.add_invoice(relation_id=71254000, term=45, in_module=False, invoice_date=date(2026, 11, 2))
    mark = sim.request_count()
    store.sync(adapter, Stream.INVOICES)
    assert store.records[Stream.INVOICES][host_id].due_date == date(2026, 12, 17)
    assert calls_since(sim, mark) == {"get_outstanding_invoices": 1, "get_mutation": 1}


def test_relation_changes(sim, adapter, clock) -> None:
    store = Store()
    store.sync(adapter, Stream.CONTACTS)
    rid = 71254000
    sim.update_relation(rid, email_address_reminder="incasso@bakkerijdevries.nl")
    store.sync(adapter, Stream.CONTACTS)  # not visible in the list: kept until the refresh is due
    assert store.records[Stream.CONTACTS][str(rid)].reminder_emails == ("debiteuren@bakkerijdevries.nl",)
    sim.update_relation(71254007, type="B", name="Jansen Advies")  # visible in the list: read now
    mark = sim.request_count()
    store.sync(adapter, Stream.CONTACTS)
    assert store.records[Stream.CONTACTS]["71254007"].kind is ContactKind.COMPANY
    assert calls_since(sim, mark)["get_relation"] == 1
    clock.advance(14 * 86400)  # past every relation's refresh day (7..13 days)
    store.sync(adapter, Stream.CONTACTS)
    assert store.records[Stream.CONTACTS][str(rid)].reminder_emails == ("incasso@bakkerijdevries.nl",)


def test_refreshes_are_spread_over_the_days(sim, adapter, clock) -> None:
    store = Store()
    store.sync(adapter, Stream.CONTACTS)
    per_day = []
    for _ in range(7):
        clock.advance(86400)
        mark = sim.request_count()
        store.sync(adapter, Stream.CONTACTS)
        per_day.append(calls_since(sim, mark).get("get_relation", 0))
    total = len(store.records[Stream.CONTACTS])
    assert sum(per_day) <= total and max(per_day) < total


def test_deleted_relation_is_removed(sim, adapter) -> None:
    store = Store()
    store.sync(adapter, Stream.CONTACTS)
    victim = next(int(key) for key in store.records[Stream.CONTACTS])
    for invoice in list(sim.data.invoices.values()):
        if invoice.relation_id == victim:
            del sim.data.invoices[invoice.mutation_id]
    sim.delete_relation(victim)
    batches = store.sync(adapter, Stream.CONTACTS)
    assert batches[-1].removed_ids == (str(victim),)


def test_resuming_after_the_first_batch_gives_the_same_result(sim, clock, monkeypatch) -> None:
    monkeypatch.setattr(adapter_module, "BATCH_SIZE", 10)
    complete, resumed = Store(), Store()
    complete.full(make_adapter(sim, clock))
    for stream in (Stream.CONTACTS, Stream.INVOICES):
        assert len(resumed.sync(make_adapter(sim, clock), stream, batches=1)) == 1
        assert resumed.bookmarks.get(stream) is None
        resumed.sync(make_adapter(sim, clock), stream)
    assert resumed.records == complete.records


def test_invoice_pdf(sim, clock, adapter) -> None:
    store = Store()
    store.sync(adapter, Stream.INVOICES)
    with_document = next(inv for inv in sim.open_invoices() if inv.document_id is not None)
    mark = sim.request_count()
    assert adapter.invoice_pdf(str(with_document.mutation_id)).startswith(b"%PDF-1.4")
    assert calls_since(sim, mark) == {"invoice_pdf": 1}  # the link came with the pull
    cold = make_adapter(sim, clock)
    mark = sim.request_count()
    assert cold.invoice_pdf(str(with_document.mutation_id)).startswith(b"%PDF")
    assert calls_since(sim, mark) == {"start_session": 1, "get_mutation": 1, "get_invoices": 1, "invoice_pdf": 1}
    plain = next(inv for inv in sim.open_invoices() if inv.document_id is None)
    with pytest.raises(NotFound, match="without the invoicing module"):
        adapter.invoice_pdf(str(plain.mutation_id))


def test_check_connection(sim, adapter) -> None:
    info = adapter.check_connection()
    assert info.administration_name == "Bakkerij Simulatie B.V." and info.warnings == ()
    sim.block_administration()
    with pytest.raises(AdministrationBlocked, match="overdue"):
        adapter.check_connection()


def test_build_adapter_reads_settings_and_the_secret(sim, clock) -> None:
    secrets = {"eb_token": sim.api_token}

    def secret(name: str) -> str:
        if name not in secrets:
            raise SecretMissing(name)
        return secrets[name]

    adapter = build_adapter({"base_url": sim.base_url, "api_token_secret": "eb_token", "name": "Test B.V.",
                             "source": "Test", "book_payments": "yes", "bank_ledger_code": "1100"},
                            secret=secret, clock=clock, state_dir=None)
    assert adapter.capabilities.books_payments and adapter.check_connection().administration_name == "Test B.V."
    assert sim.request_log[0].body["source"] == "Test"
    with pytest.raises(SecretMissing):
        build_adapter({}, secret=secret, clock=clock)
    with pytest.raises(ConfigError, match="source"):
        build_adapter({"api_token_secret": "eb_token", "source": "much too long"}, secret=secret, clock=clock)
