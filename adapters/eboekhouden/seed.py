"""Seeded Dutch bookkeeping data for the e-Boekhouden simulator.

Deterministic for a seed, and fast (20,000 invoices in well under a second). It holds what
the adapter must cope with: companies (B) and private persons (P), a relation with a
separate reminder e-mail, IBANs typed with spaces and in lower case, payment terms on the
invoice, only on the relation, or nowhere; invoices made in the invoicing module (with a
PDF) and invoices booked as plain mutations; open, partly paid, fully paid and credit notes
of every age from not yet due to over two years overdue; the paid history of the last 90 days
that DSO needs; and concept invoices that were never booked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from connector.money import quantize

VAT_HIGH = Decimal("0.21")


@dataclass
class SimLedger:
    id: int
    code: str
    description: str
    category: str
    group: str


@dataclass
class SimRelation:
    id: int
    type: str
    code: str
    date: date
    name: str
    contact: str = ""
    gender: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "NL"
    phone_number: str = ""
    email_address: str = ""
    email_address_invoice: str = ""
    email_address_reminder: str = ""
    iban: str = ""
    bic: str = ""
    vat_number: str = ""
    company_registration_number: str = ""
    term_of_payment: int | None = None
    inactive: bool = False
    debtor: bool = True


@dataclass
class SimInvoice:
    """A sales invoice: its mutation (type 2) and, when made in the invoicing module, its document."""

    mutation_id: int
    number: str
    relation_id: int
    date: date
    total: Decimal
    paid: Decimal = Decimal("0.00")
    mutation_term: int | None = None
    document_id: int | None = None  # None: booked as a plain mutation, no PDF
    document_term: int | None = None
    description: str = ""

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid

    @property
    def total_excl(self) -> Decimal:
        return quantize(self.total / (1 + VAT_HIGH))


@dataclass
class SimMutation:
    """A mutation created through the API (payments), kept as sent."""

    id: int
    type: int
    date: date
    ledger_id: int
    description: str
    invoice_number: str
    relation_id: int | None
    in_ex_vat: str
    payment_reference: str
    entry_number: str
    term_of_payment: int | None
    rows: list[dict[str, object]] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((Decimal(str(row.get("amount", 0))) for row in self.rows), Decimal(0))


@dataclass
class SimData:
    ledgers: list[SimLedger]
    relations: dict[int, SimRelation]
    invoices: dict[int, SimInvoice]
    mutations: dict[int, SimMutation] = field(default_factory=dict)
    next_mutation_id: int = 0
    # invoicing-module documents never booked ("concepts"): in the invoice list only, no mutation
    concepts: list[SimInvoice] = field(default_factory=list)


LEDGERS = [
    SimLedger(22206450, "1000", "Kas", "FIN", "Liquide middelen"),
    SimLedger(22206452, "1100", "ING Bank", "FIN", "Liquide middelen"),
    SimLedger(22206454, "1110", "Rabobank spaarrekening", "FIN", "Liquide middelen"),
    SimLedger(22206453, "1300", "Debiteuren", "DEB", "Vorderingen"),
    SimLedger(22206460, "1600", "Crediteuren", "CRED", "Kortlopende schulden"),
    SimLedger(22206470, "1500", "Te betalen btw hoog", "AF19", "Btw"),
    SimLedger(22206480, "8000", "Omzet diensten", "VW", "Omzet"),
]
REVENUE_LEDGER = 22206480
DEBTOR_LEDGER = 22206453

_FIRST = ["Jan", "Sanne", "Pieter", "Fleur", "Daan", "Emma", "Lucas", "Julia", "Bram", "Noor", "Thijs", "Lotte"]
_LAST = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
         "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "van Leeuwen"]
_TRADE = ["Bakkerij", "Installatiebedrijf", "Schildersbedrijf", "Adviesbureau", "Hoveniersbedrijf",
          "Transportbedrijf", "Kapsalon", "Architectenbureau", "Drukkerij", "Autobedrijf", "Fietsenmaker"]
_FORM = ["B.V.", "V.O.F.", "", "Holding B.V.", "& Zn."]
_CITIES = [("Amsterdam", "1012"), ("Rotterdam", "3011"), ("Utrecht", "3511"), ("Zwolle", "8011"),
           ("Groningen", "9711"), ("Eindhoven", "5611"), ("Haarlem", "2011"), ("Leiden", "2311"),
           ("Deventer", "7411"), ("Maastricht", "6211")]
_STREETS = ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Hoofdstraat", "Marktplein"]
_BANKS = [("INGB", "INGBNL2A"), ("RABO", "RABONL2U"), ("ABNA", "ABNANL2A"), ("SNSB", "SNSBNL2A"),
          ("KNAB", "KNABNL2H"), ("BUNQ", "BUNQNL2A")]
# age in days of an invoice: not yet due, just late, months late, up to two and a half years
_AGE_BANDS = [(0, 13, 25), (14, 45, 25), (46, 120, 20), (121, 365, 20), (366, 900, 10)]


def iban(rng: random.Random, bank: str) -> str:
    """A valid Dutch IBAN (ISO 13616 mod-97 check digits)."""
    account = "".join(rng.choice("0123456789") for _ in range(10))
    digits = "".join(str(int(ch, 36)) for ch in bank + account + "NL00")
    check = 98 - int(digits) % 97
    return f"NL{check:02d}{bank}{account}"


def _spaced(value: str) -> str:
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def _relation(rng: random.Random, index: int, today: date) -> SimRelation:
    rid = 71254000 + index * 7
    private = index % 10 in (3, 7, 9)  # 30 % private persons
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    city, postcode = rng.choice(_CITIES)
    bank, bic = rng.choice(_BANKS)
    account = iban(rng, bank)
    if index % 11 == 5:
        account = _spaced(account).lower()  # typed by hand into e-Boekhouden
    slug = last.replace(" ", "").lower()
    relation = SimRelation(
        id=rid, type="P" if private else "B", code=f"DEB{index + 1:05d}",
        date=today - timedelta(days=400 + index % 900), name="",
        address=f"{rng.choice(_STREETS)} {rng.randint(1, 180)}",
        postal_code=f"{postcode} {rng.choice('ABCDEGHJKL')}{rng.choice('ABCDEGHJKL')}",
        city=city, country="NL", phone_number=f"0{rng.randint(100000000, 799999999)}",
        iban=account if index % 13 != 4 else "", bic=bic if index % 13 != 4 else "",
    )
    if private:
        relation.name = f"{first} {last}"
        relation.gender = rng.choice("mv")
        relation.email_address = f"{first.lower()}.{slug}{index}@example.nl"
        relation.term_of_payment = 14 if index % 2 else None
    else:
        trade = rng.choice(_TRADE)
        relation.name = f"{trade} {last} {rng.choice(_FORM)}".strip()
        relation.contact = f"{first} {last}"
        relation.gender = rng.choice("mva")
        domain = f"{trade.lower()}{slug}{index}.nl"
        relation.email_address = f"info@{domain}"
        if index % 3 == 0:
            relation.email_address_invoice = f"facturen@{domain}"
        if index % 4 == 0:
            relation.email_address_reminder = f"debiteuren@{domain}"
        relation.vat_number = f"NL{rng.randint(100000000, 999999999)}B01"
        relation.company_registration_number = f"{rng.randint(10000000, 99999999)}"
        relation.term_of_payment = rng.choice([30, 30, 30, 14, 60, None])
    if index % 17 == 8:
        relation.country = "DE"
        relation.city, relation.postal_code = "Köln", "50667"
    return relation


def _age(rng: random.Random) -> int:
    roll = rng.randrange(100)
    for low, high, weight in _AGE_BANDS:
        if roll < weight:
            return rng.randint(low, high)
        roll -= weight
    return 0


def seed_administration(seed: int, invoices: int, today: date, *, relations: int | None = None,
                        paid_share: float = 0.1, history: int | None = None) -> SimData:
    """An administration with `invoices` open debtor invoices (plus paid ones and a few suppliers).

    `history` (default half of `invoices`, at most 1000) more invoices of the last 90 days are
    paid in full, so the sales of the DSO period hold more than what is still open."""
    rng = random.Random(seed)
    count = relations or max(12, min(1000, invoices // 20 + 4))
    rels = {rel.id: rel for rel in (_relation(rng, index, today) for index in range(count))}
    relation_ids = list(rels)
    for index in range(3):  # suppliers: relations without sales invoices
        supplier = _relation(rng, count + index, today)
        supplier.debtor, supplier.code = False, f"CRED{index + 1:04d}"
        rels[supplier.id] = supplier
    # relation 0 always has a separate reminder address, relation 1 is a private person
    first = rels[relation_ids[0]]
    first.type, first.email_address_reminder = "B", "debiteuren@bakkerijdevries.nl"
    first.email_address_invoice, first.name = "facturen@bakkerijdevries.nl", "Bakkerij de Vries B.V."
    second = rels[relation_ids[1]]
    second.type, second.name, second.contact = "P", "Sanne Jansen", ""
    second.vat_number = second.company_registration_number = ""

    data = SimData(ledgers=list(LEDGERS), relations=rels, invoices={})
    total_count = invoices + int(invoices * paid_share)
    for index in range(total_count):
        relation = rels[relation_ids[index % len(relation_ids)] if index < len(relation_ids)
                        else rng.choice(relation_ids)]
        age = _age(rng)
        invoice_date = today - timedelta(days=age)
        credit = index % 50 == 49
        amount = quantize(Decimal(rng.randint(2500, 1_500_000)) / 100)
        total = -quantize(amount / 5) if credit else amount
        term = relation.term_of_payment if relation.term_of_payment is not None else 30
        in_module = index % 50 != 7  # one in fifty booked as a plain mutation (no document, no PDF)
        invoice = SimInvoice(
            mutation_id=71366000 + index * 3,
            number=f"F{invoice_date.year}-{index + 1:05d}",
            relation_id=relation.id,
            date=invoice_date,
            total=total,
            mutation_term=term if in_module or index % 100 != 7 else None,
            document_id=5_000_000 + index if in_module else None,
            document_term=term if in_module else None,
            description=("Creditnota" if credit else "Werkzaamheden") + f" {invoice_date:%B %Y}",
        )
        if index >= invoices:
            invoice.paid = invoice.total  # paid in full: only in the invoice and mutation lists
        elif not credit and index % 7 == 3:
            invoice.paid = quantize(invoice.total * Decimal(rng.choice(["0.25", "0.5", "0.4"])))
        data.invoices[invoice.mutation_id] = invoice
    data.next_mutation_id = 71366000 + total_count * 3 + 1000
    _paid_history(data, seed, today, [rid for rid in relation_ids if rels[rid].debtor],
                  min(invoices // 2, 1000) if history is None else history, first_index=total_count)
    return data


def _paid_history(data: SimData, seed: int, today: date, relation_ids: list[int], count: int, *,
                  first_index: int) -> None:
    """Invoices of the last 90 days that were paid in full (one in ten a credit note, one in ten
    booked without the invoicing module), and two concepts never booked. Drawn from a generator
    of their own, so the invoices seeded before them stay as they were."""
    rng = random.Random(f"eboekhouden-history-{seed}")
    for k in range(count):
        index = first_index + k
        invoice_date = today - timedelta(days=rng.randint(1, 89))
        amount = quantize(Decimal(rng.randint(5000, 600_000)) / 100)
        credit = k % 10 == 9
        term = rng.choice([14, 30, 30])
        invoice = SimInvoice(
            mutation_id=72_000_000 + k * 3, number=f"F{invoice_date.year}-{index + 1:05d}",
            relation_id=rng.choice(relation_ids), date=invoice_date,
            total=-quantize(amount / 5) if credit else amount, mutation_term=term,
            document_id=None if k % 10 == 4 else 6_000_000 + k, document_term=term,
            description=("Creditnota" if credit else "Werkzaamheden") + f" {invoice_date:%B %Y}",
        )
        invoice.paid = invoice.total
        data.invoices[invoice.mutation_id] = invoice
    for k in range(2):
        invoice_date = today - timedelta(days=rng.randint(0, 20))
        data.concepts.append(SimInvoice(
            mutation_id=0, number=f"CONCEPT-{k + 1}", relation_id=rng.choice(relation_ids), date=invoice_date,
            total=quantize(Decimal(rng.randint(10_000, 200_000)) / 100), document_id=6_900_000 + k,
            document_term=30, description=f"Concept {invoice_date:%B %Y}",
        ))
