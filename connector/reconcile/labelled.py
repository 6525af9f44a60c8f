"""Labelled payments per phenomenon, for measuring the engine (see `bench/eval_reconcile.py`).

Every generated payment carries its truth: the invoices it pays, whether a careful
accountant could book it without asking (`certain`), whether the right invoices can be
found from the data at all (`determinable`), and the flag it should raise. Each
phenomenon of the issue has its own case builder; background customers and invoices
make amounts, names and numbers collide the way they do in real books.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from connector.reconcile.csv_io import INVOICE_CSV_COLUMNS, MUTATION_CSV_COLUMNS
from connector.reconcile.model import ReconcileSettings
from connector.reconcile.subsets import subsets_summing_to
from connector.reconcile.synthetic import Customer, InvoiceRow, World, cents_text

PHENOMENA = (
    "number_spelling",
    "structured_reference",
    "iban_amount_unique",
    "iban_amount_ambiguous",
    "multi_listed",
    "multi_total",
    "partial_payment",
    "short_payment",
    "reference_typo",
    "name_only",
    "amount_only",
    "third_party",
    "lookalike_numbers",
    "short_reference",
    "not_customer",
    "psp_payout",
    "double_payment",
    "outgoing",
)


@dataclass(frozen=True, slots=True)
class Expectation:
    mutation_id: str
    phenomenon: str
    invoices: tuple[str, ...]
    certain: bool
    determinable: bool
    flag: str = ""


@dataclass
class LabelledSet:
    """Invoices and mutations in the CSV command's columns, plus the truth per mutation."""

    invoices: pd.DataFrame
    mutations: pd.DataFrame
    expectations: dict[str, Expectation]

    def write(self, folder) -> tuple:
        from pathlib import Path

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        inv, mut = folder / "invoices.csv", folder / "mutations.csv"
        self.invoices.to_csv(inv, index=False, lineterminator="\n")
        self.mutations.to_csv(mut, index=False, lineterminator="\n")
        return inv, mut


@dataclass
class _Builder:
    world: World
    rows: list[dict] = field(default_factory=list)
    truth: list[Expectation] = field(default_factory=list)
    _n: int = 0

    @property
    def rng(self) -> random.Random:
        return self.world.rng

    def pay(
        self,
        phenomenon: str,
        amount: int,
        remittance: str,
        *,
        customer: Customer | None,
        expected: list[InvoiceRow],
        certain: bool,
        determinable: bool | None = None,
        flag: str = "",
        name: str | None = None,
        iban: str | None = None,
        plain: bool = False,
    ) -> str:
        w = self.world
        self._n += 1
        mutation_id = f"{w.key}M{self._n:05d}"
        if name is None:
            name = w.bank_name(customer) if customer else ""
        if iban is None:
            iban = customer.ibans[0] if customer and customer.ibans else ""
        if plain:
            cp_name, cp_iban, text = name, iban, remittance
        else:
            cp_name, cp_iban, text = w.bank_line(remittance, name, iban)
        day = date(w.year, 3, 1) + timedelta(days=self.rng.randrange(0, 20))
        self.rows.append(
            {
                "mutation_id": mutation_id,
                "date": day.isoformat(),
                "amount": cents_text(amount),
                "currency": "EUR",
                "counterparty_name": cp_name,
                "counterparty_iban": cp_iban,
                "description": text,
            }
        )
        self.truth.append(
            Expectation(
                mutation_id,
                phenomenon,
                tuple(i.invoice_id for i in expected),
                certain,
                bool(expected) if determinable is None else determinable,
                flag,
            )
        )
        return mutation_id


def _no_number_text(rng: random.Random) -> str:
    return rng.choice(
        (
            "",
            "betaling",
            "Bedankt!",
            "januari",
            "betaling openstaand bedrag",
            "zie factuur",
            "overboeking",
            "abonnement",
            "Bestelling",
            "diensten maart",
            "order 88123 3 stuks",
            "tel 0612345678",
            "ref 2 van 3",
            "week 12",
            "Dorpsstraat 41 Utrecht",
            "PO 45001234",
        )
    )


# -- case builders (one per phenomenon) ------------------------------------------------------


def number_spelling(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    for _ in range(rng.randrange(0, 3)):
        w.invoice(c)
    inv = w.invoice(c)
    text = w.remittance(w.spell_number(inv.number), c, words=rng.random() < 0.8)
    b.pay("number_spelling", inv.open, text, customer=c, expected=[inv], certain=True)


def structured_reference(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    inv = w.invoice(c)
    if not inv.reference:
        return number_spelling(b)
    ref = w.spell_reference(inv.reference)
    text = rng.choice(
        (
            "{r}",
            "betalingskenmerk {r}",
            "kenmerk: {r} bedankt",
            "Betaling {r} {n}",
            "{r}factuur",
            "STRD/CUR/{r}",
        )
    ).format(r=ref, n=c.name)
    other_payer = rng.random() < 0.2
    b.pay(
        "structured_reference",
        inv.open,
        text,
        customer=c,
        expected=[inv],
        certain=True,
        iban=w.iban() if other_payer else None,
    )


def iban_amount_unique(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=rng.choice((1, 1, 2)))
    others = [w.invoice(c) for _ in range(rng.randrange(0, 4))]
    inv = w.invoice(c)
    while any(o.open == inv.open for o in others):
        inv.total = inv.open = inv.open + 1
    if rng.random() < 0.2:  # smaller invoices of the customer that happen to add up to the paid one
        part = rng.randrange(inv.open // 4, inv.open * 3 // 4)
        others += [w.invoice(c, total=part), w.invoice(c, total=inv.open - part)]
    smaller = np.array([o.open for o in others if o.open < inv.open])
    certain = not subsets_summing_to(smaller, inv.open)
    b.pay(
        "iban_amount_unique",
        inv.open,
        _no_number_text(rng),
        customer=c,
        expected=[inv],
        certain=certain,
        iban=rng.choice(c.ibans),
    )


def iban_amount_ambiguous(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=1)
    fee = w.amount(round_fee=True)
    invs = [w.invoice(c, total=fee, age_days=30 * k + 10) for k in range(rng.randrange(2, 5))]
    target = min(invs, key=lambda i: i.due_date)
    b.pay(
        "iban_amount_ambiguous",
        fee,
        rng.choice(("maandbijdrage", "abonnement", "", "contributie")),
        customer=c,
        expected=[target],
        certain=False,
    )


def multi_listed(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    invs = [w.invoice(c) for _ in range(rng.randrange(2, 5))]
    numbers = [w.spell_number(i.number) if rng.random() < 0.3 else i.number for i in invs]
    joiner = rng.choice((", ", " ", " en ", "/", " + ", "; "))
    text = rng.choice(("Facturen {x}", "factuur {x}", "{x}", "betaling fact {x}")).format(
        x=joiner.join(numbers)
    )
    b.pay("multi_listed", sum(i.open for i in invs), text, customer=c, expected=invs, certain=True)


def multi_total(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=1)
    invs = [w.invoice(c) for _ in range(rng.randrange(2, 6))]
    everything = rng.random() < 0.5
    chosen = (
        invs
        if everything
        else sorted(invs, key=lambda i: i.due_date)[: rng.randrange(2, len(invs) + 1)]
    )
    if len(chosen) < 2:
        chosen = invs
    amount = sum(i.open for i in chosen)
    fits = subsets_summing_to(
        np.array([i.open for i in sorted(invs, key=lambda i: i.due_date)]), amount
    )
    unique = len(fits) == 1
    text = rng.choice(
        (
            "rekeningoverzicht",
            "alle facturen",
            "openstaande posten",
            "saldo",
            "",
            "facturen jan/feb",
        )
    )
    certain = unique and len(chosen) == len(invs)
    b.pay(
        "multi_total",
        amount,
        text,
        customer=c,
        expected=chosen,
        certain=certain,
        determinable=unique,
    )


def partial_payment(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=1)
    total = rng.randrange(60000, 500000)
    if rng.random() < 0.3:
        paid_before = total // 3
        inv = w.invoice(c, total=total, open_cents=total - paid_before)
        amount = inv.open
        core = inv.reference and w.spell_reference(inv.reference) or w.spell_number(inv.number)
        text = rng.choice(("restant factuur {c}", "{c} rest", "factuur {c} tweede termijn")).format(
            c=core
        )
    else:
        inv = w.invoice(c, total=total)
        amount = rng.choice(
            (total // 2, total // 3, total // 4, rng.randrange(total // 10, total * 7 // 10))
        )
        core = (
            inv.reference and rng.random() < 0.5 and w.spell_reference(inv.reference) or inv.number
        )
        text = rng.choice(
            (
                "termijn 1 factuur {c}",
                "deelbetaling {c}",
                "1e termijn {c}",
                "{c} gedeeltelijk",
                "aflossing {c} volgens regeling",
                "factuur {c}",
            )
        ).format(c=core)
    b.pay(
        "partial_payment", amount, text, customer=c, expected=[inv], certain=True, iban=c.ibans[0]
    )


def short_payment(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    inv = w.invoice(c, total=rng.randrange(20000, 300000))
    kind = rng.choice(("fee", "discount", "rounding"))
    if kind == "fee":
        amount = inv.open - rng.choice((35, 50, 125, 250, 500, 750, min(1500, inv.open // 40)))
        note = rng.choice(("", " minus kosten", " excl. transactiekosten"))
    elif kind == "discount":
        pct = rng.choice((1, 2, 2, 3))
        amount = inv.open - (inv.open * pct + 50) // 100
        note = f" -{pct}% betalingskorting"
    else:
        amount = inv.open - rng.randrange(1, 5)
        note = ""
    how = rng.random()
    if how < 0.7:
        core = (
            inv.reference and rng.random() < 0.5 and w.spell_reference(inv.reference) or inv.number
        )
        text = f"factuur {core}{note}"
        b.pay("short_payment", amount, text, customer=c, expected=[inv], certain=False)
    else:
        c.ibans = c.ibans or [w.iban()]
        b.pay(
            "short_payment",
            amount,
            f"betaling{note}",
            customer=c,
            expected=[inv],
            certain=False,
            iban=c.ibans[0],
        )


def reference_typo(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    roll = rng.random()
    if roll < 0.2 and w.invoices:
        # a monthly fee paid with someone else's invoice number: both invoices are 50.00
        fee = w.amount(round_fee=True)
        other = w.invoice(w.customer(), total=fee)
        c.ibans = c.ibans or [w.iban()]
        inv = w.invoice(c, total=fee)
        b.pay(
            "reference_typo",
            fee,
            f"factuur {other.number}",
            customer=c,
            expected=[inv],
            certain=False,
            iban=c.ibans[0],
        )
        return
    inv = w.invoice(c)
    source = inv.reference.replace(" ", "") if inv.reference and rng.random() < 0.6 else inv.number
    land_on_other = roll > 0.8  # realistic: a typo that is another existing invoice number
    for _ in range(20):
        typo = _typo(rng, source)
        if typo and typo != source and (land_on_other or typo not in w.numbers):
            break
    else:
        return
    text = rng.choice(("factuur {t}", "{t}", "betalingskenmerk {t}", "ref {t}")).format(t=typo)
    b.pay(
        "reference_typo",
        inv.open,
        text,
        customer=c,
        expected=[inv],
        certain=False,
        iban=None if rng.random() < 0.5 else w.iban(),
    )


def _typo(rng: random.Random, text: str) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    if text.startswith("RF"):
        positions = [i for i in positions if i >= 4]
    if len(positions) < 4:
        return ""
    chars = list(text)
    if rng.random() < 0.5:
        i = rng.choice(positions)
        chars[i] = rng.choice([d for d in "0123456789" if d != chars[i]])
    else:
        pairs = [i for i in positions if i + 1 in positions and chars[i] != chars[i + 1]]
        if not pairs:
            return ""
        i = rng.choice(pairs)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def name_only(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=0)
    inv = w.invoice(c)
    if rng.random() < 0.5:  # a namesake with another amount
        twin = w.customer(company=c.is_company, ibans=1)
        twin.surname = c.surname
        w.invoice(twin)
    b.pay(
        "name_only",
        inv.open,
        _no_number_text(rng),
        customer=c,
        expected=[inv],
        certain=False,
        iban=w.iban() if rng.random() < 0.7 else "",
        plain=True,
    )


def amount_only(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=0)
    if rng.random() < 0.6:
        inv = w.invoice(c, total=rng.randrange(10000, 900000) + rng.randrange(1, 99))
        b.pay(
            "amount_only",
            inv.open,
            _no_number_text(rng),
            customer=None,
            expected=[inv],
            certain=False,
            name="",
            iban=w.iban(),
            plain=True,
        )
    else:
        fee = w.amount(round_fee=True)
        invs = [w.invoice(w.customer(ibans=0), total=fee) for _ in range(2)] + [
            w.invoice(c, total=fee)
        ]
        b.pay(
            "amount_only",
            fee,
            "",
            customer=None,
            expected=[invs[-1]],
            certain=False,
            determinable=False,
            name="",
            iban=w.iban(),
            plain=True,
        )


def third_party(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(company=True)
    inv = w.invoice(c)
    payer_name = rng.choice(
        (
            f"{c.surname} Holding B.V.",
            f"{c.surname} Beheer BV",
            f"Stichting Vrienden van {c.surname}",
            f"{rng.choice(('MW', 'DHR'))} {c.first[0]}. {c.surname}",
        )
    )
    core = inv.reference and rng.random() < 0.5 and w.spell_reference(inv.reference) or inv.number
    text = rng.choice(("factuur {c} namens {n}", "{c}", "betaling {c} voor {n}")).format(
        c=core, n=c.name
    )
    b.pay(
        "third_party",
        inv.open,
        text,
        customer=None,
        expected=[inv],
        certain=True,
        name=payer_name.upper(),
        iban=w.iban(),
    )


def lookalike_numbers(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer(ibans=1)
    decoy = w.invoice(w.customer())
    inv = w.invoice(c)
    roll = rng.random()
    if roll < 0.3:
        text = f"klantnr {decoy.number} factuur {inv.number}"
    elif roll < 0.5:
        text = (
            f"factuur {inv.number} postcode {rng.randrange(1000, 9999)} "
            f"{rng.choice(('AB', 'KL', 'ZX'))}"
        )
    elif roll < 0.7:
        text = (
            f"Betreft {inv.number} d.d. "
            f"{rng.randrange(1, 28):02d}-{rng.randrange(1, 12):02d}-{w.year}"
        )
    else:  # no invoice number at all: only a customer number that looks like one
        text = rng.choice(
            ("klantnummer {d}", "debiteurnr. {d}", "order {d}", "Dorpsstraat {s}")
        ).format(d=decoy.number, s=rng.randrange(1, 200))
    b.pay(
        "lookalike_numbers",
        inv.open,
        text,
        customer=c,
        expected=[inv],
        certain=True,
        iban=c.ibans[0],
    )


def short_reference(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    inv = w.invoice(c)
    digits = "".join(ch for ch in inv.number if ch.isdigit())
    short = str(int(digits[-3:]) if int(digits[-3:]) else digits[-4:])
    text = rng.choice(("factuur {s}", "fact {s}", "nr {s}", "F{s}")).format(s=short)
    b.pay(
        "short_reference",
        inv.open,
        text,
        customer=c,
        expected=[inv],
        certain=False,
        iban=w.iban() if rng.random() < 0.5 else None,
    )


NOT_CUSTOMER_LINES = (
    (
        "BELASTINGDIENST",
        "NL86INGB0002445588",
        "TERUGGAAF OMZETBELASTING 4E KWARTAAL 2025 BETALINGSKENM. {k}",
    ),
    ("Belastingdienst", "NL86INGB0002445588", "Teruggave VPB 2024 aanslagnummer {n}"),
    ("ING BANK NV", "", "Creditrente 4e kwartaal 2025"),
    ("bunq", "NL33BUNQ2035037549", "Interest payment"),
    ("Rabobank", "", "Rentevergoeding spaarrekening {n}"),
    ("QREDITS MICROFINANCIERING", "NL27INGB0000026500", "Uitbetaling lening {n}"),
    ("RVO", "NL04INGB0705003600", "Subsidie MIT regeling {n}"),
    ("", "", "Van spaarrekening {i}"),
    ("", "", "Overboeking eigen rekening"),
    ("ABN AMRO BANK NV", "", "Kasstorting filiaal {n}"),
)


def not_customer(b: _Builder) -> None:
    w, rng = b.world, b.rng
    name, iban, text = rng.choice(NOT_CUSTOMER_LINES)
    text = text.format(
        k="".join(str(rng.randrange(10)) for _ in range(16)),
        n=rng.randrange(10**5, 10**8),
        i=w.iban(),
    )
    b.pay(
        "not_customer",
        rng.randrange(5000, 500000),
        text,
        customer=None,
        expected=[],
        certain=False,
        flag="not_a_customer_payment",
        name=name,
        iban=iban,
        plain=True,
    )


PSP_LINES = (
    (
        "Stichting Mollie Payments",
        "NL55ABNA0408441224",
        "Mollie Payments uitbetaling st.nr. {n} {d}",
    ),
    ("Stripe Technology Europe Ltd", "IE89CITI99005193467830", "STRIPE PAYOUT {n}"),
    ("Adyen N.V.", "NL21ADYB2017400157", "Adyen settlement batch {n}"),
    ("Buckaroo B.V.", "NL74INGB0007722520", "Buckaroo uitbetaling {n}"),
    ("Stichting Pay.nl", "NL35RABO0117713678", "Uitbetaling Pay.nl {n} periode {d}"),
    ("PayPal Europe S.a.r.l. et Cie S.C.A", "DE88500700100175526303", "PAYPAL UITBETALING {n}"),
    ("", "", "MULTISAFEPAY UITBETALING {n}"),
)


def psp_payout(b: _Builder) -> None:
    w, rng = b.world, b.rng
    name, iban, text = rng.choice(PSP_LINES)
    text = text.format(n=rng.randrange(10**6, 10**9), d=f"{rng.randrange(1, 28):02d}-02-{w.year}")
    b.pay(
        "psp_payout",
        rng.randrange(10000, 2_000_000),
        text,
        customer=None,
        expected=[],
        certain=False,
        flag="psp_payout",
        name=name,
        iban=iban,
        plain=True,
    )


def double_payment(b: _Builder) -> None:
    w, rng = b.world, b.rng
    c = w.customer()
    inv = w.invoice(c, open_cents=0)
    core = inv.reference and rng.random() < 0.5 and w.spell_reference(inv.reference) or inv.number
    b.pay(
        "double_payment",
        inv.total,
        f"factuur {core}",
        customer=c,
        expected=[],
        certain=False,
        flag="overpayment",
    )


def outgoing(b: _Builder) -> None:
    w = b.world
    c = w.customer()
    inv = w.invoice(c)
    b.pay(
        "outgoing",
        -inv.open,
        f"terugbetaling creditnota {inv.number}",
        customer=c,
        expected=[],
        certain=False,
    )


BUILDERS = {
    "number_spelling": number_spelling,
    "structured_reference": structured_reference,
    "iban_amount_unique": iban_amount_unique,
    "iban_amount_ambiguous": iban_amount_ambiguous,
    "multi_listed": multi_listed,
    "multi_total": multi_total,
    "partial_payment": partial_payment,
    "short_payment": short_payment,
    "reference_typo": reference_typo,
    "name_only": name_only,
    "amount_only": amount_only,
    "third_party": third_party,
    "lookalike_numbers": lookalike_numbers,
    "short_reference": short_reference,
    "not_customer": not_customer,
    "psp_payout": psp_payout,
    "double_payment": double_payment,
    "outgoing": outgoing,
}


def build_set(
    seed: int,
    *,
    number_style: str,
    reference_style: str,
    cases_per_phenomenon: int = 25,
    background_customers: int = 150,
    key: str = "A",
) -> LabelledSet:
    """One administration with labelled payments for every phenomenon, interleaved."""
    rng = random.Random(seed)
    world = World(rng, number_style=number_style, reference_style=reference_style, key=key)
    builder = _Builder(world)
    for _ in range(background_customers):
        customer = world.customer()
        for _ in range(rng.randrange(0, 4)):
            world.invoice(customer, round_fee=rng.random() < 0.2)
    plan = [p for p in PHENOMENA for _ in range(cases_per_phenomenon)]
    rng.shuffle(plan)
    for phenomenon in plan:
        BUILDERS[phenomenon](builder)
    invoices = pd.DataFrame([i.csv() for i in world.invoices], columns=list(INVOICE_CSV_COLUMNS))
    mutations = pd.DataFrame(builder.rows, columns=list(MUTATION_CSV_COLUMNS))
    truth = _check_amount_only(builder.truth, world.invoices)
    return LabelledSet(invoices, mutations, {t.mutation_id: t for t in truth})


def _check_amount_only(truth: list[Expectation], invoices: list[InvoiceRow]) -> list[Expectation]:
    """An 'amount only' payment is determinable only when no other open invoice has its amount."""
    counts: dict[int, int] = {}
    by_id = {i.invoice_id: i for i in invoices}
    for i in invoices:
        if i.open > 0:
            counts[i.open] = counts.get(i.open, 0) + 1
    out = []
    for t in truth:
        if t.phenomenon == "amount_only" and t.determinable:
            amount = by_id[t.invoices[0]].open
            if counts.get(amount, 0) != 1:
                t = Expectation(t.mutation_id, t.phenomenon, t.invoices, False, False, t.flag)
        out.append(t)
    return out


LABEL_COLUMNS = ("phenomenon", "expect_invoices", "certain", "determinable", "expect_flag")


def read_labelled_csv(invoices_csv, mutations_csv) -> LabelledSet:
    """A hand-labelled pair of CSV files: the command's columns plus, in mutations.csv,
    phenomenon, expect_invoices (';'-separated ids), certain (1/0), determinable (1/0) and
    expect_flag (a flag kind or empty)."""
    invoices = pd.read_csv(invoices_csv, dtype=str, keep_default_na=False)
    mutations = pd.read_csv(mutations_csv, dtype=str, keep_default_na=False)
    missing = [c for c in LABEL_COLUMNS if c not in mutations.columns]
    if missing:
        raise ValueError(f"{mutations_csv}: label column(s) missing: {', '.join(missing)}")
    truth = {
        r.mutation_id: Expectation(
            r.mutation_id,
            r.phenomenon,
            tuple(x for x in r.expect_invoices.split(";") if x),
            r.certain.strip() == "1",
            r.determinable.strip() == "1",
            r.expect_flag.strip(),
        )
        for r in mutations.itertuples(index=False)
    }
    return LabelledSet(invoices, mutations, truth)


STANDARD_WORLDS = (
    ("moneybird", "none"),
    ("moneybird", "rf"),
    ("exact", "kenmerk"),
    ("eboekhouden", "none"),
    ("plain", "kenmerk"),
)


def standard_sets(seed: int = 2026, cases_per_phenomenon: int = 25) -> list[LabelledSet]:
    """The evaluation set: five administrations with different numbering and references."""
    return [
        build_set(
            seed + k,
            number_style=style,
            reference_style=ref,
            cases_per_phenomenon=cases_per_phenomenon,
            key=chr(ord("A") + k),
        )
        for k, (style, ref) in enumerate(STANDARD_WORLDS)
    ]


@dataclass(frozen=True, slots=True)
class HoldOut:
    """A hand-labelled folder (invoices.csv, mutations.csv, administration.json with the
    administration's own names and accounts), as the independent evaluators leave them."""

    folder: Path
    about: str
    settings: ReconcileSettings

    def labelled(self) -> LabelledSet:
        return read_labelled_csv(self.folder / "invoices.csv", self.folder / "mutations.csv")


def read_hold_outs(data: Path) -> list[HoldOut]:
    """Every `reconcile_holdout*` folder below `data` that carries an administration.json."""
    out = []
    for meta in sorted(Path(data).glob("reconcile_holdout*/administration.json")):
        info = json.loads(meta.read_text(encoding="utf-8"))
        settings = ReconcileSettings(
            own_names=tuple(info.get("own_names", ())), own_ibans=tuple(info.get("own_ibans", ()))
        )
        out.append(HoldOut(meta.parent, str(info.get("about", "")), settings))
    return out

