"""The engine's reasons in Dutch: hand-checked sentences per rule, and every reason the engine
writes on the labelled administrations, the tricky table, the hold-out set and a handful of
crafted payments (for the rare rules) comes out fully Dutch."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from connector.reconcile.classify import classify
from connector.reconcile.csv_io import read_books_csv
from connector.reconcile.engine import reconcile_books
from connector.reconcile.labelled import read_hold_outs, read_labelled_csv, standard_sets
from connector.reconcile.model import ReconcileSettings
from connector.reconcile.reasons_nl import in_dutch

DATA = Path(__file__).resolve().parent / "data"

# English words that no Dutch sentence here uses (not "is", "of", "open", "in": Dutch has them too).
ENGLISH = re.compile(
    r"\b(?:the|and|but|or|to|too|for|by|from|with|this|that|which|who|it|has|have|not|would|"
    r"invoices?|payments?|paid|pays|description|customers?|accounts?|amounts?|reference|money|"
    r"equals|holds|lists|matches|fits|resembles|confirms|covers|claims?|settles?|looks|like|"
    r"exactly|together|already|only|alone|more|less|than|short|stays?|written|off|unless|part|"
    r"another|other|same|although|names|each|certain|oldest|first|shown|maybe|something|else|"
    r"nothing|everything|possibly|twice|double|known|own|transfer|refund|interest|loan|benefit|"
    r"deposit|tax|allowance|supplier|between|sales|book|against|clearing|several|decide|"
    r"combinations?|rounding|discount|deducted|costs|digits?|different|swapped|monthly|fee|"
    r"automatic|because|through|allocated|one|two|EUR|e\.g)\b",
    re.IGNORECASE,
)

# Payments for the rules the labelled sets rarely or never reach: a quoted invoice paid in part
# while another invoice of the customer is open for exactly the amount, listed invoices paid
# short, over or by a subset, several invoices of one amount for a similar name, combinations,
# rounding, more than everything open, an invoice paid twice, a payment that fits nothing, a
# swapped digit, short and partial numbers, and an own transfer.
CRAFTED_INVOICES = """\
invoice_id,number,contact_id,contact_name,contact_ibans,invoice_date,due_date,currency,total,open_amount,payment_reference
A1,2026-0101,C1,Jansen ICT B.V.,NL82ABNA5942859575,2026-01-05,2026-02-04,EUR,100.00,100.00,
A2,2026-0102,C1,Jansen ICT B.V.,NL82ABNA5942859575,2026-01-06,2026-02-05,EUR,50.00,50.00,
B1,2026-0201,C2,Bakkerij De Graaf VOF,NL28INGB8033067611,2026-01-05,2026-02-04,EUR,300.00,300.00,
B2,2026-0202,C2,Bakkerij De Graaf VOF,NL28INGB8033067611,2026-01-06,2026-02-05,EUR,70.00,70.00,
B3,2026-0203,C2,Bakkerij De Graaf VOF,NL28INGB8033067611,2026-01-07,2026-02-06,EUR,40.00,40.00,
D1,2026-0301,C3,Van Dam Installatie,NL91ABNA0417164300,2026-01-05,2026-02-04,EUR,80.00,80.00,
D2,2026-0302,C3,Van Dam Installatie,NL91ABNA0417164300,2026-01-06,2026-02-05,EUR,80.00,80.00,
E1,2026-0401,C4,Pietersen Groente,NL20INGB0001234567,2026-01-05,2026-02-04,EUR,10.00,10.00,
E2,2026-0402,C4,Pietersen Groente,NL20INGB0001234567,2026-01-06,2026-02-05,EUR,20.00,20.00,
E3,2026-0403,C4,Pietersen Groente,NL20INGB0001234567,2026-01-07,2026-02-06,EUR,15.00,15.00,
E4,2026-0404,C4,Pietersen Groente,NL20INGB0001234567,2026-01-08,2026-02-07,EUR,15.00,15.00,
F1,2026-0501,C5,Hotel Zeezicht,NL39RABO0300065264,2026-01-05,2026-02-04,EUR,250.00,250.00,
G1,2026-0601,C6,Smit Transport,NL44RABO0123456789,2026-01-05,2026-02-04,EUR,500.00,500.00,
G2,2026-0602,C6,Smit Transport,NL44RABO0123456789,2026-01-06,2026-02-05,EUR,121.00,0.00,
H1,2026-0701,C7,Bos Advies,NL55INGB0009876543,2026-01-05,2026-02-04,EUR,500.00,500.00,
H2,2026-0702,C7,Bos Advies,NL55INGB0009876543,2026-01-06,2026-02-05,EUR,100.00,100.00,
K1,20545,C8,De Boer Bouw,NL66ABNA0555555555,2026-01-05,2026-02-04,EUR,121.00,121.00,
K2,F00003,C9,Visser Tuinen,NL88ABNA0777777777,2026-01-05,2026-02-04,EUR,99.00,99.00,
"""
CRAFTED_MUTATIONS = """\
mutation_id,date,amount,currency,counterparty_name,counterparty_iban,description
m01,2026-03-02,150.00,EUR,JANSEN ICT,NL82ABNA5942859575,factuur 2026-0101
m02,2026-03-02,70.00,EUR,X,NL00XXXX0000000001,factuur 2026-0201
m03,2026-03-02,70.00,EUR,BAKKERIJ DE GRAAF,NL28INGB8033067611,facturen 2026-0201 2026-0202
m04,2026-03-02,110.00,EUR,BAKKERIJ DE GRAAF,NL28INGB8033067611,facturen 2026-0201 2026-0202 2026-0203
m05,2026-03-02,409.98,EUR,BAKKERIJ DE GRAAF,NL28INGB8033067611,facturen 2026-0201 2026-0202 2026-0203
m06,2026-03-02,500.00,EUR,BAKKERIJ DE GRAAF,NL28INGB8033067611,facturen 2026-0201 2026-0202 2026-0203
m07,2026-03-02,350.00,EUR,BAKKERIJ DE GRAAF,NL28INGB8033067611,facturen 2026-0201 2026-0202 2026-0203
m08,2026-03-02,80.00,EUR,VAN DAM INSTALLATIE,NL11RABO0111111111,betaling
m09,2026-03-02,30.00,EUR,PIETERSEN,NL20INGB0001234567,betaling
m10,2026-03-02,250.03,EUR,HOTEL ZEEZICHT,NL39RABO0300065264,betaling
m11,2026-03-02,900.00,EUR,SMIT TRANSPORT,NL44RABO0123456789,betaling
m12,2026-03-02,121.00,EUR,SMIT TRANSPORT,NL44RABO0123456789,betaling
m13,2026-03-02,300.00,EUR,BOS ADVIES,NL55INGB0009876543,betaling
m14,2026-03-02,33.00,EUR,JANSEN ICT,NL82ABNA5942859575,factuur 2026-0110
m15,2026-03-02,121.00,EUR,ONBEKEND,NL12RABO0999999999,fact 545
m16,2026-03-02,99.00,EUR,ONBEKEND,NL12RABO0999999997,factuur 3
m17,2026-03-02,1000.00,EUR,EIGEN BEDRIJF,NL02ABNA0123456789,overboeking
"""


def dutch(reason: str) -> str:
    """`in_dutch` with the no-break space in amounts written as a space, to keep examples legible."""
    return in_dutch(reason).replace("\u00a0", " ")


# One sentence per rule, checked by hand: English, "->", the Dutch (lines joined by a space).
EXAMPLES = """
Paid from NL82ABNA5942859575, a known account of Jansen ICT B.V.; invoice 2026-0041 is this
customer's only open invoice of EUR 121.00.
->
Betaald vanaf NL82ABNA5942859575, een bekende rekening van Jansen ICT B.V.; factuur 2026-0041 is
de enige openstaande factuur van deze klant van € 121,00.

The description holds invoice number 10798 (written '10.798') and the amount equals the open
amount.
->
De omschrijving bevat factuurnummer 10798 (geschreven als '10.798') en het bedrag is gelijk aan
het openstaande bedrag.

The description holds payment reference RF0320260699 of invoice 2026-0699, but the payment is
EUR 22.65 short of the open amount EUR 1509.97 (1.5% payment discount deducted); EUR 22.65 would
stay open unless written off.
->
De omschrijving bevat betalingskenmerk RF0320260699 van factuur 2026-0699, maar de betaling is
€ 22,65 lager dan het openstaande bedrag van € 1.509,97 (1,5% betalingskorting ingehouden);
€ 22,65 blijft openstaan, tenzij het wordt afgeboekt.

The description holds invoice number 10705; the payment of EUR 412.78 is a part payment of the
open EUR 1651.14, so EUR 1238.36 stays open.
->
De omschrijving bevat factuurnummer 10705; de betaling van € 412,78 is een deelbetaling op het
openstaande bedrag van € 1.651,14, dus € 1.238,36 blijft openstaan.

The description lists invoices 2026-0041, 2026-0050; the payment of EUR 101.00 equals their open
amounts together.
->
De omschrijving noemt de facturen 2026-0041, 2026-0050; de betaling van € 101,00 is gelijk aan
hun openstaande bedragen samen.

The description lists invoices 2026-0041, 2026-0050 (open -EUR 5.00 together); the payment of
EUR 1.00 is EUR 6.00 short, allocated oldest first.
->
De omschrijving noemt de facturen 2026-0041, 2026-0050 (samen -€ 5,00 open); de betaling van
€ 1,00 is € 6,00 te weinig, toegewezen aan de oudste facturen eerst.

The description has 'RF3820265054', which matches no invoice; invoice 2026-0554 (reference
RF3820260554) is the same with two digits swapped; the payment is EUR 3.09 short (bank or
payment-provider costs deducted?).
->
De omschrijving bevat 'RF3820265054', dat bij geen enkele factuur past; factuur 2026-0554
(kenmerk RF3820260554) is gelijk, maar met twee cijfers omgewisseld; de betaling is € 3,09 te
weinig (bank- of transactiekosten ingehouden?).

The description has a reference, which matches no invoice; invoice 2026-0415 (reference
RF0820260415) is the same with one digit different; the amount equals the open amount EUR 28.82.
->
De omschrijving bevat een kenmerk dat bij geen enkele factuur past; factuur 2026-0415 (kenmerk
RF0820260415) is gelijk, op één cijfer na; het bedrag is gelijk aan het openstaande bedrag van
€ 28,82.

The name 'CAFE 'T HOEKJE' resembles customer Café 't Hoekje (91%); invoice 2026-0102 is open for
exactly EUR 242.00 (one of 2 such invoices).
->
De naam 'CAFE 'T HOEKJE' lijkt op klant Café 't Hoekje (91%); factuur 2026-0102 staat open voor
precies € 242,00 (een van 2 facturen met dit bedrag).

Only the amount fits: invoice 11749 is the only open invoice of EUR 117.51; nothing else
(reference, account, name) confirms it.
->
Alleen het bedrag past: factuur 11749 is de enige openstaande factuur van € 117,51; verder
bevestigt niets (kenmerk, rekening, naam) dit.

The description holds invoice number 2026-0501 and the amount equals the open amount EUR 108.90;
not automatic because it came through payment provider Pay.nl.
->
De omschrijving bevat factuurnummer 2026-0501 en het bedrag is gelijk aan het openstaande bedrag
van € 108,90; niet automatisch, omdat de betaling via betaalprovider Pay.nl binnenkwam.

The description holds invoice number 2026-0501 and the amount equals the open amount. Paid from
the account of another customer (Dekker Holding B.V.), e.g. a parent company or partner. Not
automatic: another payment in this batch claims the same invoice.
->
De omschrijving bevat factuurnummer 2026-0501 en het bedrag is gelijk aan het openstaande bedrag.
Betaald vanaf de rekening van een andere klant (Dekker Holding B.V.), bijvoorbeeld een
moederbedrijf of partner. Niet automatisch: een andere betaling in deze verwerking lijkt dezelfde
factuur te betalen.

The description holds invoice number 10717, but that invoice is already paid: this looks like a
double payment of EUR 3128.15 (refund it or agree to settle it with a later invoice).
->
De omschrijving bevat factuurnummer 10717, maar die factuur is al betaald: dit lijkt een dubbele
betaling van € 3.128,15 (terugbetalen of afspreken dat het met een volgende factuur wordt
verrekend).

Payout from payment provider Mollie: it settles many sales in one amount, so book it against the
provider's clearing account, not against one invoice.
->
Uitbetaling van betaalprovider Mollie: deze bundelt veel verkopen in één bedrag, dus boek het op
de tussenrekening van de betaalprovider en niet op één factuur.

Looks like a tax refund or allowance (Belastingdienst): not a customer payment.
->
Lijkt op een belastingteruggave of toeslag (Belastingdienst): geen betaling door een klant.

Several payments claim invoice 2026-0900; decide which one pays it (the other may be a double
payment).
->
Meerdere betalingen lijken factuur 2026-0900 te betalen; beslis welke het is (de andere is
mogelijk een dubbele betaling).
"""


def examples() -> list[tuple[str, str]]:
    pairs = []
    for block in EXAMPLES.strip().split("\n\n"):
        english, expected = block.split("\n->\n")
        pairs.append((" ".join(english.split("\n")), " ".join(expected.split("\n"))))
    return pairs


@pytest.mark.parametrize(("english", "expected"), examples())
def test_reasons_read_as_a_dutch_bookkeeper_writes_them(english, expected):
    assert dutch(english) == expected


def test_amounts_keep_the_euro_sign_with_its_number():
    assert "€\u00a01.474,55" in in_dutch(
        "The name 'X' resembles customer Kees van der Meer (95%); invoice 2026-0354 is open for "
        "exactly EUR 1474.55."
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Something the engine never writes.",
        "€ 3,50 minder dan open: mogelijk bankkosten",
        # a known opening with an unknown rest stays wholly English, never half translated
        "The description holds invoice number 2026-0041 and something unexpected.",
        "Paid from NL82ABNA5942859575, a known account of Jansen ICT B.V.; a new kind of clause.",
    ],
)
def test_text_it_does_not_know_comes_back_unchanged(text):
    assert in_dutch(text) == text


def english_left(reason: str, names: list[str]) -> list[str]:
    """English words in the Dutch reason once names and quoted text (kept as written) are out."""
    text = in_dutch(reason)
    for name in names:
        text = text.replace(name, " ")
    return ENGLISH.findall(re.sub(r"'[^']*'", " ", text))


def reasons_of(invoices: Path, mutations: Path, **kwargs) -> tuple[set[str], list[str]]:
    """The distinct reasons the engine gives for two CSV files, and the names in those files."""
    books, _ = read_books_csv(invoices, mutations)
    matches, flags = reconcile_books(books, **kwargs)
    people = pd.read_csv(invoices, dtype=str, keep_default_na=False)["contact_name"].tolist()
    payers = pd.read_csv(mutations, dtype=str, keep_default_na=False)["counterparty_name"].tolist()
    names = sorted({n for n in people + payers if n}, key=len, reverse=True)
    return set(matches["reason"]) | set(flags["reason"]), names


@pytest.fixture(scope="module")
def engine_reasons(tmp_path_factory) -> list[tuple[str, list[str]]]:
    """Every distinct reason the engine writes on the project's labelled data, with the names
    that may appear in it."""
    root = tmp_path_factory.mktemp("reasons")
    standard = standard_sets(2026, cases_per_phenomenon=25)
    sets = [(f"standard-{k}", labelled) for k, labelled in enumerate(standard)]
    sets += [
        ("tricky", read_labelled_csv(DATA / "reconcile" / "tricky_invoices.csv",
                                     DATA / "reconcile" / "tricky_mutations.csv")),
        *((h.folder.name, h.labelled()) for h in read_hold_outs(DATA)),
    ]
    found: dict[str, list[str]] = {}
    for name, labelled in sets:
        reasons, names = reasons_of(*labelled.write(root / name))
        found.update(dict.fromkeys(reasons, names))
    crafted = root / "crafted"
    crafted.mkdir()
    (crafted / "invoices.csv").write_text(CRAFTED_INVOICES, encoding="utf-8")
    (crafted / "mutations.csv").write_text(CRAFTED_MUTATIONS, encoding="utf-8")
    # the per-payment rules write every template (the fast paths repeat some word for word)
    reasons, names = reasons_of(crafted / "invoices.csv", crafted / "mutations.csv",
                                settings=ReconcileSettings(own_ibans=("NL02ABNA0123456789",)),
                                per_payment_only=True)
    found.update(dict.fromkeys(reasons, names))
    # a payout text whose provider has no name of its own (no bank line reaches it yet)
    nameless = classify("ONBEKEND", "uitbetaling 1234", known_customer=False, own_account=False,
                        payout_text=True)
    found[nameless.reason] = []
    return sorted(found.items())


def test_every_reason_the_engine_writes_is_translated(engine_reasons):
    assert len(engine_reasons) > 1000
    untranslated = [reason for reason, _ in engine_reasons if in_dutch(reason) == reason]
    assert not untranslated, "\n".join(untranslated[:20])


def test_no_english_is_left_in_any_translated_reason(engine_reasons):
    leftovers = [
        f"{in_dutch(reason)}  <- {words}"
        for reason, names in engine_reasons
        if (words := english_left(reason, names))
    ]
    assert not leftovers, "\n".join(leftovers[:20])
