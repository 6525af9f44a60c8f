"""Properties that hold for any batch: money is never over-allocated, results are well-formed,
and the record and CSV entry points agree."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.reconcile import ReconcileSettings, reconcile, reconcile_books
from connector.reconcile.csv_io import read_books_csv
from connector.reconcile.labelled import build_set
from connector.reconcile.synthetic import NUMBER_STYLES, REFERENCE_STYLES
from connector.records import BankMutation, Contact, Invoice


def records_of(labelled):
    """The labelled CSV rows as domain records (as an adapter would deliver them)."""
    contacts, invoices = {}, []
    for r in labelled.invoices.itertuples(index=False):
        ibans = tuple(i for i in r.contact_ibans.split(";") if i)
        contacts[r.contact_id] = Contact(host_id=r.contact_id, name=r.contact_name, ibans=ibans)
        invoices.append(
            Invoice(
                host_id=r.invoice_id,
                number=r.number,
                contact_id=r.contact_id,
                invoice_date=date.fromisoformat(r.invoice_date),
                due_date=date.fromisoformat(r.due_date),
                currency=r.currency,
                total=Decimal(r.total),
                open_amount=Decimal(r.open_amount),
                payment_reference=r.payment_reference,
            )
        )
    mutations = [
        BankMutation(
            host_id=r.mutation_id,
            date=date.fromisoformat(r.date),
            amount=Decimal(r.amount),
            currency=r.currency,
            counterparty_name=r.counterparty_name,
            counterparty_iban=r.counterparty_iban,
            description=r.description,
        )
        for r in labelled.mutations.itertuples(index=False)
    ]
    return invoices, list(contacts.values()), mutations


worlds = st.builds(
    lambda seed, style, ref: build_set(
        seed,
        number_style=style,
        reference_style=ref,
        cases_per_phenomenon=2,
        background_customers=15,
    ),
    st.integers(0, 10_000),
    st.sampled_from(NUMBER_STYLES),
    st.sampled_from(REFERENCE_STYLES),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds)
def test_allocations_are_consistent_and_well_formed(labelled):
    invoices, contacts, mutations = records_of(labelled)
    result = reconcile(invoices, contacts, mutations)
    open_of = {i.host_id: i.open_amount for i in invoices}
    amount_of = {m.host_id: m.amount for m in mutations}
    per_invoice, per_mutation = defaultdict(Decimal), defaultdict(Decimal)
    suggestions, autos = defaultdict(int), defaultdict(int)
    for m in result.matches:
        assert m.status in ("auto", "suggested")
        assert 0.0 <= m.confidence <= 1.0
        assert amount_of[m.mutation_id] > 0, "outgoing payments are ignored"
        assert abs(m.amount) <= abs(open_of[m.invoice_id]) or open_of[m.invoice_id] == 0
        assert m.amount <= amount_of[m.mutation_id]
        assert m.reason and m.rule
        if m.status == "auto":
            assert m.confidence >= 0.95
            assert m.remainder == open_of[m.invoice_id] - m.amount
            per_invoice[m.invoice_id] += m.amount
            per_mutation[m.mutation_id] += m.amount
            autos[m.mutation_id] += 1
        else:
            assert m.confidence < 0.95
            suggestions[m.mutation_id] += 1
    for invoice_id, allocated in per_invoice.items():
        assert (
            allocated <= open_of[invoice_id]
            if open_of[invoice_id] > 0
            else allocated >= open_of[invoice_id]
        )
    for mutation_id, allocated in per_mutation.items():
        assert allocated <= amount_of[mutation_id]
    assert all(n <= 5 for n in suggestions.values())
    assert not set(suggestions) & set(autos), (
        "a payment with an automatic match keeps no suggestions"
    )
    for flag in result.flags:
        assert flag.kind in ("psp_payout", "overpayment", "not_a_customer_payment", "ambiguous")
        assert flag.reason


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(worlds)
def test_record_and_csv_entry_points_agree(tmp_path, labelled):
    invoices, contacts, mutations = records_of(labelled)
    from_records = reconcile(invoices, contacts, mutations)
    inv, mut = labelled.write(tmp_path)
    books, _ = read_books_csv(inv, mut)
    matches, flags = reconcile_books(books, ReconcileSettings())
    csv_rows = [
        (r.mutation_id, r.invoice_id, r.amount_cents, r.status, r.rule)
        for r in matches.itertuples()
    ]
    record_rows = [
        (m.mutation_id, m.invoice_id, int(m.amount * 100), m.status, m.rule)
        for m in from_records.matches
    ]
    assert csv_rows == record_rows
    assert sorted(flags["kind"].tolist()) == sorted(f.kind for f in from_records.flags)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789 -./RFabcfactuurklnr€,", max_size=60),
            st.integers(-10_000, 100_000),
        ),
        max_size=8,
    )
)
def test_arbitrary_descriptions_never_break_the_engine(lines):
    invoices = [
        Invoice(
            host_id="i1",
            number="2026-0041",
            contact_id="c1",
            invoice_date=date(2026, 1, 1),
            due_date=date(2026, 1, 15),
            currency="EUR",
            total=Decimal("121.00"),
            open_amount=Decimal("121.00"),
            payment_reference="RF4720260101",
        )
    ]
    mutations = [
        BankMutation(
            host_id=f"m{k}", date=date(2026, 2, 1), amount=Decimal(cents) / 100, description=text
        )
        for k, (text, cents) in enumerate(lines)
    ]
    result = reconcile(invoices, [Contact(host_id="c1", name="Jansen")], mutations)
    assert sum(m.amount for m in result.auto()) <= Decimal("121.00")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds, st.data())
def test_any_handful_of_payments_alone_reconciles(labelled, data):
    """A daily batch holds a few payments, so a rule's array code meets its edge cases there
    (one short payment whose customer has another invoice of that amount once crashed it)."""
    invoices, contacts, mutations = records_of(labelled)
    picked = data.draw(st.lists(st.sampled_from(mutations), min_size=1, max_size=4, unique_by=lambda m: m.host_id))
    result = reconcile(invoices, contacts, picked)
    assert {m.mutation_id for m in result.matches} <= {m.host_id for m in picked}
