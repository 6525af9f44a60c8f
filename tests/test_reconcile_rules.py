"""Each rule of the engine on a small, readable administration (records API, as in the cycle)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from connector.legal.references import format_betalingskenmerk, make_betalingskenmerk, make_rf
from connector.reconcile import ReconcileResult, ReconcileSettings, reconcile
from connector.records import BankMutation, Contact, Invoice

JANSEN_IBAN = "NL91ABNA0417164300"
BAKKER_IBAN = "NL20INGB0001234567"
KENMERK = make_betalingskenmerk("20260043")
RF = make_rf("20260101")


def contacts() -> list[Contact]:
    return [
        Contact(host_id="c-jansen", name="Jansen ICT B.V.", ibans=(JANSEN_IBAN,)),
        Contact(host_id="c-dijk", name="Lotte van Dijk"),
        Contact(host_id="c-bakker", name="Bakkerij De Vries", ibans=(BAKKER_IBAN,)),
        Contact(host_id="c-meer", name="Van der Meer Installatietechniek V.O.F."),
        Contact(host_id="c-noord", name="Noord Consultancy"),
        Contact(host_id="c-yilmaz", name="Yilmaz Bouw BV"),
        Contact(host_id="c-mulder", name="Mulder Advies"),
    ]


def invoice(
    host_id: str,
    number: str,
    contact: str,
    total: str,
    open_amount: str | None = None,
    *,
    reference: str = "",
    age: int = 30,
) -> Invoice:
    day = date(2026, 2, 1) - timedelta(days=age)
    return Invoice(
        host_id=host_id,
        number=number,
        contact_id=contact,
        invoice_date=day,
        due_date=day + timedelta(days=14),
        currency="EUR",
        total=Decimal(total),
        open_amount=Decimal(total if open_amount is None else open_amount),
        payment_reference=reference,
    )


def invoices() -> list[Invoice]:
    return [
        invoice("i41", "2026-0041", "c-jansen", "121.00", age=40),
        invoice("i42", "2026-0042", "c-jansen", "60.50", age=30),
        invoice("i50", "2026-0050", "c-jansen", "-20.00", age=10),
        invoice("i43", "2026-0043", "c-dijk", "250.00", reference=format_betalingskenmerk(KENMERK)),
        invoice("i44", "2026-0044", "c-bakker", "50.00", age=60),
        invoice("i45", "2026-0045", "c-bakker", "50.00", age=30),
        invoice("i47", "2026-0047", "c-bakker", "75.00", age=20),
        invoice("i101", "2026-0101", "c-meer", "1210.00", reference=RF),
        invoice("i30", "2026-0030", "c-noord", "99.00", "0.00"),
        invoice("i05", "2026-0005", "c-yilmaz", "399.30"),
        invoice("i2505", "2025-0005", "c-mulder", "150.00", age=400),
    ]


def pay(
    description: str, amount: str, *, name: str = "", iban: str = "", mutation_id: str = "m1"
) -> BankMutation:
    return BankMutation(
        host_id=mutation_id,
        date=date(2026, 2, 5),
        amount=Decimal(amount),
        counterparty_name=name,
        counterparty_iban=iban,
        description=description,
    )


def run(
    *mutations: BankMutation, extra: list[Invoice] | None = None, **settings
) -> ReconcileResult:
    return reconcile(
        invoices() + (extra or []),
        contacts(),
        list(mutations),
        settings=ReconcileSettings(**settings),
    )


def only(result: ReconcileResult, mutation_id: str = "m1"):
    rows = result.for_mutation(mutation_id)
    return [(m.invoice_id, m.status) for m in rows]


@pytest.mark.parametrize(
    "text",
    [
        "Factuur 2026-0041",
        "factuur 20260041",
        "F2026 41",
        "fact.nr. 2026.0041",
        "INV-2026-0041 bedankt",
        (
            "/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/X/REMI/2026 - "
            "0041/EREF/NOTPROVIDED"
        ),
        "betreft 2026-00041 d.d. 12-01-2026",
        "termijn 1 factuur 2026-0041",
    ],
)
def test_invoice_number_in_any_spelling_with_the_open_amount_is_automatic(text):
    result = run(pay(text, "121.00", name="JANSEN ICT BV"))
    assert only(result) == [("i41", "auto")]
    match = result.matches[0]
    assert (
        match.rule == "invoice_number"
        and match.amount == Decimal("121.00")
        and match.remainder == 0
    )
    assert "2026-0041" in match.reason and 0.95 <= match.confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        KENMERK,
        format_betalingskenmerk(KENMERK),
        f"betalingskenmerk{KENMERK}dank",
        f"/REMI/STRD/CUR/{KENMERK}/",
    ],
)
def test_betalingskenmerk_is_automatic_from_anyone(text):
    assert only(run(pay(text, "250.00", name="MW L. VAN DIJK", iban="NL02RABO0123456789"))) == [
        ("i43", "auto")
    ]


@pytest.mark.parametrize("text", [RF, RF.lower(), "rf47 2026 0101", f"{RF}factuur"])
def test_rf_reference_is_automatic(text):
    result = run(pay(text, "1210.00"))
    assert only(result) == [("i101", "auto")]
    assert result.matches[0].rule == "reference"


def test_reference_with_a_typing_error_is_only_suggested():
    broken = KENMERK[:-2] + KENMERK[-1] + KENMERK[-2]  # two digits swapped: check digit fails
    result = run(pay(f"kenmerk {broken}", "250.00", name="L van Dijk"))
    assert ("i43", "suggested") in only(result)
    assert not result.auto()
    assert "swapped" in result.for_mutation("m1")[0].reason


def test_known_account_and_unique_amount_is_automatic():
    result = run(pay("", "60.50", iban=JANSEN_IBAN))
    assert only(result) == [("i42", "auto")]
    assert result.matches[0].rule == "iban_amount"


def test_the_same_fee_twice_is_ambiguous():
    result = run(pay("maand", "50.00", iban=BAKKER_IBAN))
    assert only(result) == [("i44", "suggested"), ("i45", "suggested")]  # oldest first


def test_known_account_is_not_certain_when_other_invoices_add_up_too():
    extra = [
        invoice("i48", "2026-0048", "c-bakker", "30.00"),
        invoice("i49", "2026-0049", "c-bakker", "45.00"),
    ]
    result = run(pay("", "75.00", iban=BAKKER_IBAN), extra=extra)
    assert not result.auto()
    assert {m.invoice_id for m in result.matches} == {"i47", "i48", "i49"}


def test_listed_invoices_with_a_credit_note_are_automatic():
    result = run(
        pay(
            "facturen 2026-0041 en 2026-0042 minus creditnota 2026-0050", "161.50", iban=JANSEN_IBAN
        )
    )
    assert sorted(only(result)) == [("i41", "auto"), ("i42", "auto"), ("i50", "auto")]
    assert sum(m.amount for m in result.matches) == Decimal("161.50")


def test_everything_open_of_a_known_account_is_automatic():
    result = run(pay("rekeningoverzicht", "161.50", iban=JANSEN_IBAN))
    assert sorted(only(result)) == [("i41", "auto"), ("i42", "auto"), ("i50", "auto")]
    assert {m.rule for m in result.matches} == {"customer_balance"}


def test_a_total_of_some_invoices_is_suggested():
    result = run(pay("alle facturen", "181.50", iban=JANSEN_IBAN))
    assert sorted(only(result)) == [("i41", "suggested"), ("i42", "suggested")]


def test_part_payment_with_reference_is_booked_and_the_rest_stays_open():
    result = run(pay(f"1e termijn {RF}", "500.00"))
    (match,) = result.matches
    assert (match.invoice_id, match.status, match.amount, match.remainder) == (
        "i101",
        "auto",
        Decimal("500.00"),
        Decimal("710.00"),
    )


def test_part_payment_quoting_a_number_from_a_stranger_is_only_suggested():
    result = run(pay("factuur 2026-0041", "50.00", name="ONBEKEND", iban="NL02RABO0123456789"))
    assert only(result) == [("i41", "suggested")]


@pytest.mark.parametrize(
    ("amount", "words"),
    [("118.58", "2% payment discount"), ("120.65", "costs"), ("120.98", "rounding")],
)
def test_short_payment_is_suggested_with_the_remainder_named(amount, words):
    result = run(pay("factuur 2026-0041", amount, iban=JANSEN_IBAN))
    (match,) = result.matches
    assert match.status == "suggested" and match.rule == "short_payment"
    assert words in match.reason
    assert match.remainder == Decimal("121.00") - Decimal(amount)


def test_name_and_amount_give_a_suggestion():
    result = run(pay("", "250.00", name="Dijk, L. van", iban="NL02RABO0123456789"))
    assert only(result) == [("i43", "suggested")]
    assert result.matches[0].rule == "name_amount"


def test_amount_only_unique_is_suggested_and_ambiguous_is_nothing():
    result = run(pay("", "399.30", mutation_id="m1"), pay("", "50.00", mutation_id="m2"))
    assert only(result, "m1") == [("i05", "suggested")]
    assert only(result, "m2") == []


def test_parent_company_quoting_the_number_is_automatic():
    result = run(
        pay(
            "factuur 2026-0041 namens Jansen ICT",
            "121.00",
            name="JANSEN HOLDING BV",
            iban="NL02RABO0123456789",
        )
    )
    assert only(result) == [("i41", "auto")]


def test_a_customer_number_that_looks_like_an_invoice_number_is_ignored():
    result = run(pay("klantnr 2026-0005 factuur 2026-0041", "121.00", iban=JANSEN_IBAN))
    assert only(result) == [("i41", "auto")]
    lookalike = run(pay("klantnummer 2026-0005", "17.00", name="Yilmaz"))
    assert not lookalike.auto()


def test_short_number_fitting_several_invoices_is_only_suggested():
    result = run(pay("factuur 5", "399.30", name="YILMAZ BOUW"))
    assert ("i05", "suggested") in only(result)
    assert not result.auto()


@pytest.mark.parametrize(
    ("name", "iban", "text", "kind"),
    [
        (
            "Stichting Mollie Payments",
            "NL55ABNA0408441224",
            "Uitbetaling st.nr. 1234567",
            "psp_payout",
        ),
        ("Stripe Technology Europe Ltd", "", "STRIPE PAYOUT 8812", "psp_payout"),
        (
            "BELASTINGDIENST",
            "NL86INGB0002445588",
            "TERUGGAAF OMZETBELASTING 4E KWARTAAL",
            "not_a_customer_payment",
        ),
        ("ABN AMRO BANK NV", "", "CREDITRENTE 4E KWARTAAL", "not_a_customer_payment"),
        ("", "", "Van spaarrekening", "not_a_customer_payment"),
        ("TECHNISCHE UNIE B.V.", "", "creditnota 8812345 retour", "not_a_customer_payment"),
        ("DE GROOT HOLDING B.V.", "", "rc holding", "not_a_customer_payment"),
        ("OFFICE CENTRE BV", "", "RETOUR Onjuist rekeningnummer (AC01) oorspr. betaling",
         "not_a_customer_payment"),
        ("KANTOORPARTNER B.V.", "", "/TRTP/SEPA Terugboeking/RTRN/AC04/REMI/huur maart",
         "not_a_customer_payment"),
    ],
)
def test_money_that_is_no_customer_payment_is_flagged_not_matched(name, iban, text, kind):
    result = run(pay(text, "399.30", name=name, iban=iban))
    assert result.matches == ()
    assert [f.kind for f in result.flags] == [kind]


def test_one_invoice_paid_through_a_payment_provider_with_its_exact_amount_is_booked():
    ideal = pay("tr_7UhSN1zuXS Factuur 2026-0005", "399.30", name="Stichting Mollie Payments",
                iban="NL55ABNA0408441224")
    assert only(run(ideal)) == [("i05", "auto")]
    short = pay("tr_7UhSN1zuXS Factuur 2026-0005", "398.01", name="Stichting Mollie Payments",
                iban="NL55ABNA0408441224")
    assert not run(short).auto(), "the provider kept a fee: a person decides"


def test_a_tikkie_counts_the_payers_own_account_written_in_its_text():
    tikkie = pay("Tikkie ID 000051239876, Bestelling, Van Jan de Vries, NL20INGB0001234567",
                 "75.00", name="AAB INZ TIKKIE", iban="NL61ABNA9032103246")
    assert only(run(tikkie)) == [("i47", "auto")]
    assert "NL20INGB0001234567" in run(tikkie).matches[0].reason
    wrong_check = pay("Tikkie ID 000051239876, Bestelling, Van Jan de Vries, NL21INGB0001234567",
                      "75.00", name="AAB INZ TIKKIE", iban="NL61ABNA9032103246")
    assert not run(wrong_check).auto()


def test_an_invoice_paid_net_of_an_unnamed_credit_note_is_suggested_with_the_credit_note():
    result = run(pay("factuur 2026-0041", "101.00", iban=JANSEN_IBAN))
    assert not result.auto()
    assert sorted((m.invoice_id, m.amount) for m in result.matches) == [
        ("i41", Decimal("121.00")), ("i50", Decimal("-20.00"))]
    assert "credit note 2026-0050" in result.matches[0].reason


def test_a_part_payment_that_says_something_was_deducted_is_only_suggested():
    result = run(pay("factuur 2026-0041 minus retour 2 dozen 11,00", "110.00", iban=JANSEN_IBAN))
    assert only(result) == [("i41", "suggested")]
    assert "deducted" in result.matches[0].reason
    plain = run(pay("factuur 2026-0041 eerste termijn", "60.00", iban=JANSEN_IBAN))
    assert only(plain) == [("i41", "auto")], "a plain instalment is still booked"


def test_a_known_account_paying_a_paid_invoices_amount_again_names_that_invoice():
    paid = invoice("i48", "2026-0048", "c-bakker", "300.00", "0.00")
    result = run(pay("De Vries", "300.00", iban=BAKKER_IBAN), extra=[paid])
    (flag,) = result.flags
    assert (flag.kind, flag.invoice_id) == ("overpayment", "i48")
    assert not result.auto()


def test_an_advance_beyond_what_is_open_is_no_overpayment():
    result = run(pay("voorschot verbouwing, factuur volgt", "900.00", iban=BAKKER_IBAN))
    assert result.flags == () and not result.auto()


def test_an_invoice_booked_by_one_payment_is_not_suggested_for_another():
    result = run(
        pay("", "75.00", iban=BAKKER_IBAN, mutation_id="m1"),  # its only invoice of 75.00
        pay("", "30.00", iban=BAKKER_IBAN, mutation_id="m2"),  # part of which one?
    )
    assert only(result) == [("i47", "auto")]
    assert "i47" not in {m.invoice_id for m in result.for_mutation("m2")}


def test_a_number_inside_an_rf_reference_with_wrong_check_digits_is_only_suggested():
    checks = int(RF[2:4])
    wrong = f"RF{(checks + 1) % 100:02d}{RF[4:]}"
    result = run(pay(wrong, "1210.00"))
    assert only(result) == [("i101", "suggested")]
    assert wrong in result.matches[0].reason
    assert only(run(pay(RF, "1210.00"))) == [("i101", "auto")]


def test_a_notarys_client_account_is_no_payment_provider():
    result = run(pay("Afrekening passeren dossier 2026.0311", "1210.00",
                     name="STICHTING DERDENGELDEN BOSCH EN VAN ROOIJ", iban="NL06RABO0177788822"))
    assert result.flags == ()
    assert ("i101", "suggested") in only(result)


def test_own_account_is_an_own_transfer():
    result = run(
        pay("", "399.30", iban="NL11OWNB0000000001"), own_ibans=("NL11 OWNB 0000 0000 01",)
    )
    assert [f.kind for f in result.flags] == ["not_a_customer_payment"]


def test_a_line_in_the_administrations_own_name_is_an_own_transfer():
    own = pay("saldo naar ING", "399.30", name="VAN LEEUWEN INSTALLATIETECHNIEK BV", iban="NL80ABNA6323689662")
    result = run(own, own_names=("Van Leeuwen Installatietechniek B.V.",))
    assert result.matches == () and [f.kind for f in result.flags] == ["not_a_customer_payment"]
    assert run(own).flags == ()  # without the own name it is just an unknown payer


def test_a_refund_from_an_insurer_is_not_called_a_tax_refund():
    result = run(pay("restitutie premie polis 2049317", "399.30", name="INTERPOLIS"))
    (flag,) = result.flags
    assert flag.kind == "not_a_customer_payment" and "refund" in flag.reason
    assert "Belastingdienst" not in flag.reason


@pytest.mark.parametrize(
    "text", ["betalingsregeling 20518 1/4", "20518 1e termijn", "termijn 2 van 4 20518"]
)
def test_an_instalment_count_next_to_a_plain_number_leaves_it_a_full_number(text):
    plain = [invoice("i518", "20518", "c-jansen", "1694.00")]
    (match,) = run(pay(text, "423.50", iban=JANSEN_IBAN), extra=plain).matches
    assert (match.invoice_id, match.status, match.remainder) == ("i518", "auto", Decimal("1270.50"))


def test_a_part_payment_the_size_of_another_open_invoice_of_the_customer_is_only_suggested():
    # Bakkerij De Vries has 2026-0044 and 2026-0045 open for 50.00 each: 50.00 quoting 2026-0047
    # (75.00) may be a part payment of it, or one of those paid with the wrong number.
    result = run(pay("factuur 2026-0047", "50.00", iban=BAKKER_IBAN))
    assert result.matches and not result.auto()
    assert result.matches[0].invoice_id in {"i44", "i45", "i47"}


def test_a_short_number_puts_the_fee_it_fits_first():
    result = run(pay("fact 45", "50.00", iban=BAKKER_IBAN))
    assert only(result) == [("i45", "suggested"), ("i44", "suggested")]
    assert "'45' fits invoice 2026-0045" in result.matches[0].reason


def test_a_payment_is_called_part_of_an_invoice_only_when_the_invoice_is_larger():
    result = run(pay("", "55.00", iban=BAKKER_IBAN))
    assert result.matches[0].invoice_id == "i47"  # 55.00 can be part of the 75.00 one
    assert "part payment of invoice 2026-0047" in result.matches[0].reason
    assert all("part payment" not in m.reason for m in result.matches[1:])


def test_paying_a_paid_invoice_again_is_an_overpayment():
    result = run(pay("factuur 2026-0030", "99.00", name="NOORD CONSULTANCY"))
    assert result.auto() == ()
    (flag,) = result.flags
    assert (flag.kind, flag.invoice_id, flag.amount) == ("overpayment", "i30", Decimal("99.00"))


def test_two_payments_for_one_invoice_in_one_batch_are_not_automatic():
    result = run(
        pay("factuur 2026-0041", "121.00", mutation_id="m1"),
        pay("Factuur 2026-0041", "121.00", mutation_id="m2"),
    )
    assert result.auto() == ()
    assert sorted(f.kind for f in result.flags) == ["ambiguous", "ambiguous"]


def test_one_payer_paying_one_invoice_twice_books_the_first_and_flags_the_second():
    result = run(
        pay("factuur 2026-0041", "121.00", iban=JANSEN_IBAN, mutation_id="m1"),
        pay("Factuur 2026-0041", "121.00", iban=JANSEN_IBAN, mutation_id="m2"),
    )
    assert [(m.mutation_id, m.invoice_id) for m in result.auto()] == [("m1", "i41")]
    (flag,) = result.flags
    assert (flag.mutation_id, flag.kind, flag.invoice_id) == ("m2", "overpayment", "i41")
    assert not [m for m in result.matches if m.mutation_id == "m2"]


def test_a_weaker_second_payment_of_a_booked_invoice_is_flagged_not_dropped():
    result = run(
        pay("inv. 0041", "121.00", iban=JANSEN_IBAN, mutation_id="m1"),
        pay("factuur 2026-0041", "121.00", iban=JANSEN_IBAN, mutation_id="m2"),
    )
    assert [(m.mutation_id, m.invoice_id) for m in result.auto()] == [("m2", "i41")]
    (flag,) = result.flags
    assert (flag.mutation_id, flag.kind, flag.invoice_id) == ("m1", "overpayment", "i41")


def test_an_invoice_dated_after_the_payment_is_not_what_it_pays():
    later = invoice("i46", "2026-0046", "c-bakker", "75.00", age=-10)  # dated after the payment
    assert only(run(pay("", "75.00", iban=BAKKER_IBAN), extra=[later])) == [("i47", "auto")]


def test_name_short_number_and_exact_amount_together_are_certain():
    result = run(pay("105", "250.50", name="YILMAZ BOUW B.V.", iban="NL11OTHR0000000001"),
                 extra=[invoice("i105", "2026-0105", "c-yilmaz", "250.50")])
    assert ("i105", "auto") in only(result) and len(result.auto()) == 1
    assert "'105' fits invoice 2026-0105" in result.matches[0].reason
    name_only = run(pay("105", "250.50", name="Mulder", iban="NL11OTHR0000000001"),
                    extra=[invoice("i105", "2026-0105", "c-yilmaz", "250.50")])
    assert not name_only.auto(), "without the customer's name it stays a suggestion"


def test_a_monthly_fee_is_booked_once_the_batch_has_paid_the_other_month():
    """January's fee paid on 20 January (February's did not exist yet), then a second 40.00 on
    5 February: of the two invoices of 40.00, only February's is left for it."""
    import dataclasses

    fees = [invoice("i48", "2026-0048", "c-bakker", "40.00", age=31),
            invoice("i49", "2026-0049", "c-bakker", "40.00", age=-2)]
    january = dataclasses.replace(pay("", "40.00", iban=BAKKER_IBAN, mutation_id="m1"),
                                  date=date(2026, 1, 20))
    february = pay("", "40.00", iban=BAKKER_IBAN, mutation_id="m2")
    result = run(january, february, extra=fees)
    assert [(m.mutation_id, m.invoice_id) for m in result.auto()] == [("m1", "i48"), ("m2", "i49")]


def test_a_named_month_ranks_that_months_invoice_first_but_books_nothing():
    january = run(pay("abonnement januari", "50.00", iban=BAKKER_IBAN))
    assert only(january) == [("i45", "suggested"), ("i44", "suggested")]  # i45: 2 January
    plain = run(pay("abonnement", "50.00", iban=BAKKER_IBAN))
    assert only(plain) == [("i44", "suggested"), ("i45", "suggested")]  # oldest first


def test_two_payers_claiming_one_invoice_stay_ambiguous():
    result = run(
        pay("factuur 2026-0041", "121.00", iban=JANSEN_IBAN, mutation_id="m1"),
        pay("Factuur 2026-0041", "121.00", iban=BAKKER_IBAN, mutation_id="m2"),
    )
    assert result.auto() == ()
    assert sorted(f.kind for f in result.flags) == ["ambiguous", "ambiguous"]


def test_instalments_beyond_the_open_amount_are_not_booked():
    result = run(
        pay(f"{RF} deel 1", "700.00", mutation_id="m1"),
        pay(f"{RF} deel 2", "700.00", mutation_id="m2"),
    )
    assert result.auto() == ()


def test_instalments_within_the_open_amount_are_both_booked():
    result = run(
        pay(f"{RF} deel 1", "600.00", mutation_id="m1"),
        pay(f"{RF} deel 2", "600.00", mutation_id="m2"),
    )
    assert [m.remainder for m in result.auto()] == [Decimal("610.00"), Decimal("610.00")]


def test_a_fee_paid_with_another_customers_number_is_not_automatic():
    extra = [invoice("i46", "2026-0046", "c-jansen", "50.00")]
    result = run(pay("factuur 2026-0044", "50.00", iban=JANSEN_IBAN), extra=extra)
    assert not result.auto()
    assert {m.invoice_id for m in result.matches} == {"i44", "i46"}


def test_payment_by_reference_frees_the_account_rule_for_the_other_payment():
    """Phase 1 settles quoted invoices, so the unquoted fee is then unique for the account."""
    result = run(
        pay("factuur 2026-0044", "50.00", iban=BAKKER_IBAN, mutation_id="m1"),
        pay("", "50.00", iban=BAKKER_IBAN, mutation_id="m2"),
    )
    assert only(result, "m1") == [("i44", "auto")]
    assert only(result, "m2") == [("i45", "auto")]


def test_outgoing_payments_are_ignored():
    result = run(pay("terugbetaling factuur 2026-0041", "-121.00", iban=JANSEN_IBAN))
    assert result == ReconcileResult()


def test_other_currency_never_matches():
    mutation = BankMutation(
        host_id="m1",
        date=date(2026, 2, 5),
        amount=Decimal("121.00"),
        currency="USD",
        description="factuur 2026-0041",
        counterparty_iban=JANSEN_IBAN,
    )
    assert run(mutation).matches == ()


def test_suggestions_are_capped_and_best_first():
    extra = [invoice(f"x{k}", f"2026-09{k:02d}", "c-bakker", "50.00", age=k) for k in range(8)]
    result = run(pay("", "50.00", iban=BAKKER_IBAN), extra=extra)
    rows = result.for_mutation("m1")
    assert len(rows) == 5
    assert [m.confidence for m in rows] == sorted((m.confidence for m in rows), reverse=True)
