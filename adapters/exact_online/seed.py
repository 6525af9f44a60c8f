"""Deterministic Dutch data for the Exact simulator: accounts, bank accounts, receivables,
bank lines.

Rows use Exact's own field names and Python values (Decimal amounts, dates, lower-case GUID
strings); the simulator renders them as Exact's JSON. A seed gives the same data every time.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from schwifty import IBAN

from connector.legal.references import make_betalingskenmerk

Row = dict[str, Any]

TRADES = (
    "Bakkerij",
    "Installatiebedrijf",
    "Schildersbedrijf",
    "Autobedrijf",
    "Bloemenhandel",
    "Adviesbureau",
    "Transportbedrijf",
    "Kapsalon",
    "Drukkerij",
    "Timmerbedrijf",
    "Loodgietersbedrijf",
    "Cateringbedrijf",
)
SURNAMES = (
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "van Dijk",
    "Janssen",
    "Willems",
    "Koster",
    "Verhoeven",
)
FORMS = ("B.V.", "V.O.F.", "Holding B.V.", "")
INITIALS = ("A.", "J.", "M.", "P.", "S.", "K.", "E.", "R.", "L.", "H.")
CITIES = (
    ("Amsterdam", "10"),
    ("Rotterdam", "30"),
    ("Utrecht", "35"),
    ("Den Haag", "25"),
    ("Eindhoven", "56"),
    ("Groningen", "97"),
    ("Tilburg", "50"),
    ("Almere", "13"),
    ("Breda", "48"),
    ("Nijmegen", "65"),
    ("Zwolle", "80"),
    ("Haarlem", "20"),
    ("Arnhem", "68"),
    ("Leiden", "23"),
    ("Maastricht", "62"),
)
STREETS = (
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenweg",
    "Industrieweg",
    "Schoolstraat",
    "Marktplein",
    "Julianalaan",
    "Beatrixstraat",
    "Nieuwe Gracht",
)
BANKS = ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ")
LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"
COSTS = (
    "Huur bedrijfspand",
    "Belastingdienst omzetbelasting",
    "KPN zakelijk",
    "Eneco energie",
    "Leasemaatschappij",
)


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def dutch_iban(rng: random.Random) -> str:
    return str(
        IBAN.generate(
            "NL", bank_code=rng.choice(BANKS), account_code=f"{rng.randrange(10**9, 10**10)}"
        )
    )


@dataclass
class DivisionData:
    """Tables of one simulated division, keyed by the names the simulator's routes use."""

    code: int
    name: str
    receivables_gl: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    timestamp: int = 10_000_000  # the division's row-version counter (sync `Timestamp`)
    move_date: datetime | None = None

    def table(self, name: str) -> list[Row]:
        return self.tables.setdefault(name, [])

    def next_ts(self) -> int:
        self.timestamp += 1
        return self.timestamp


def _account(
    rng: random.Random, number: int, next_ts: Callable[[], int], modified: datetime
) -> Row:
    city, prefix = rng.choice(CITIES)
    surname = rng.choice(SURNAMES)
    company = rng.random() < 0.7
    if company:
        name = (
            f"{rng.choice(TRADES)} {surname[0].upper() + surname[1:]} {rng.choice(FORMS)}".strip()
        )
    else:
        name = f"{rng.choice(INITIALS)} {surname}"
    slug = "".join(ch for ch in surname.lower() if ch.isalpha())
    email = f"administratie@{slug}{number}.nl" if company else f"{slug}.{number}@example.nl"
    return {
        "Timestamp": next_ts(),
        "ID": new_id(rng),
        "Code": f"{number:>18}",
        "Name": name,
        "Email": email,
        "Phone": f"0{rng.randrange(10, 99)}-{rng.randrange(1000000, 9999999)}",
        "Language": "NL" if rng.random() < 0.9 else "EN",
        "ChamberOfCommerce": f"{rng.randrange(10**7, 10**8)}"
        if company and rng.random() < 0.8
        else None,
        "VATNumber": f"NL{rng.randrange(10**8, 10**9)}B01"
        if company and rng.random() < 0.6
        else None,
        "AddressLine1": f"{rng.choice(STREETS)} {rng.randrange(1, 200)}",
        "Postcode": f"{prefix}{rng.randrange(10, 99)} {''.join(rng.choices(LETTERS, k=2))}",
        "City": city,
        "Country": "NL",
        "Status": "C",
        "IsSales": True,
        "Blocked": False,
        "Modified": modified,
    }


def _term(
    rng: random.Random,
    *,
    account: Row,
    number: int,
    today: date,
    receivables_gl: str,
    next_ts: Callable[[], int],
    status: int = 20,
    line_type: int = 20,
) -> Row:
    invoice_date = today - timedelta(days=rng.randrange(1, 150))
    total = Decimal(rng.randrange(2500, 500000)) / 100
    if rng.random() < 0.04:
        total = -total  # credit note
    open_amount = total
    if status == 20 and total > 0 and rng.random() < 0.05:
        open_amount = (total * Decimal(rng.choice((25, 50, 75))) / 100).quantize(Decimal("0.01"))
    reference = make_betalingskenmerk(number) if rng.random() < 0.6 else None
    return {
        "Timestamp": next_ts(),
        "ID": new_id(rng),
        "LineType": line_type,
        "Status": status,
        "Account": account["ID"],
        "AccountCode": account["Code"],
        "AccountName": account["Name"],
        "InvoiceNumber": number,
        "EntryNumber": number,
        "InvoiceDate": invoice_date,
        "EntryDate": invoice_date,
        "DueDate": invoice_date + timedelta(days=rng.choice((14, 14, 30, 30, 30, 60))),
        "Currency": "EUR",
        "AmountFC": open_amount,
        "AmountDC": open_amount,
        "TransactionAmountFC": total,
        "TransactionAmountDC": total,
        "PaymentReference": reference,
        "PaymentMethod": "I" if rng.random() < 0.05 else "B",
        "IsFullyPaid": status == 50,
        "YourRef": f"PO-{rng.randrange(1000, 9999)}" if rng.random() < 0.3 else None,
        "Description": f"Factuur {number}",
        "GLAccount": receivables_gl,
        "EntryID": new_id(rng),
        "EndDate": today if status == 50 else None,
        "Division": None,
    }


def seed_division(
    *,
    code: int,
    name: str,
    seed: int,
    invoices: int,
    today: date,
    paid: int | None = None,
    payables: int | None = None,
    accounts: int | None = None,
    bank_lines: int | None = None,
) -> DivisionData:
    """One division: `invoices` open receivables plus matched history, payables, bank lines."""
    rng = random.Random(f"exact-{seed}-{code}")
    paid = invoices // 5 if paid is None else paid
    payables = invoices // 20 if payables is None else payables
    account_count = max(3, invoices // 4) if accounts is None else accounts
    modified = datetime.combine(today, datetime.min.time()) - timedelta(days=1)
    data = DivisionData(code=code, name=name, receivables_gl=new_id(rng))
    next_ts = data.next_ts
    suspense_gl, costs_gl = new_id(rng), new_id(rng)
    for number in range(1, account_count + 1):
        account = _account(rng, 1000 + number, next_ts, modified)
        account["Division"] = code
        data.table("accounts").append(account)
        for main in (True, False)[: rng.choice((0, 1, 1, 1, 2))]:
            banks = data.table("bank_accounts")
            banks.append(
                {
                    "ID": new_id(rng),
                    "Account": account["ID"],
                    "AccountName": account["Name"],
                    "BankAccount": dutch_iban(rng),
                    "Main": main,
                    "Type": "A",
                    # entered over the past months, as in a real division (not all at one instant)
                    "Modified": modified - timedelta(minutes=37 * len(banks)),
                    "Division": code,
                }
            )
    customers = data.table("accounts")
    first_number = (today.year % 100) * 1_000_000 + 1
    for index in range(invoices + paid):
        row = _term(
            rng,
            account=rng.choice(customers),
            number=first_number + index,
            today=today,
            receivables_gl=data.receivables_gl,
            next_ts=next_ts,
            status=20 if index < invoices else 50,
        )
        row["Division"] = code
        data.table("terms").append(row)
    for index in range(payables):
        row = _term(
            rng,
            account=rng.choice(customers),
            number=90_000_000 + index,
            today=today,
            receivables_gl=data.receivables_gl,
            next_ts=next_ts,
            line_type=22,
        )
        row.update(Division=code, AmountFC=-row["AmountFC"], AmountDC=-row["AmountDC"])
        data.table("terms").append(row)
    data.tables["journals"] = [
        {
            "ID": new_id(rng),
            "Code": "20",
            "Description": "ING Bank",
            "Type": 12,
            "GLAccount": suspense_gl,
            "BankAccountIBAN": str(
                IBAN.generate("NL", bank_code="INGB", account_code="0001234567")
            ),
            "Currency": "EUR",
            "Division": code,
        },
        {
            "ID": new_id(rng),
            "Code": "70",
            "Description": "Verkoopboek",
            "Type": 20,
            "GLAccount": None,
            "BankAccountIBAN": None,
            "Currency": "EUR",
            "Division": code,
        },
    ]
    _seed_bank_lines(
        rng,
        data,
        today=today,
        suspense_gl=suspense_gl,
        costs_gl=costs_gl,
        count=min(60, max(4, invoices // 10)) if bank_lines is None else bank_lines,
    )
    _seed_ledger(data, seed=seed, today=today, bank_gl=suspense_gl)
    return data


def _seed_ledger(data: DivisionData, *, seed: int, today: date, bank_gl: str) -> None:
    """The general-ledger lines behind the receivables and payables: one entry per term.

    A sales entry (Type 20, credit note 21) has its header on the debtor for the total incl.
    VAT (LineNumber 0) and lines crediting revenue and VAT; a purchase entry (30) mirrors it;
    a matched receivable also has its payment (cash flow, Type 40) on the bank journal. Drawn
    from a random generator of its own, so the data seeded before it stays as it was.
    """
    rng = random.Random(f"exact-ledger-{seed}-{data.code}")
    revenue_gl, vat_gl, costs_gl, creditors_gl = (new_id(rng) for _ in range(4))
    lines = data.table("transaction_lines")
    for term in data.table("terms"):
        total, day = term["TransactionAmountDC"], term["InvoiceDate"]
        excl = (total / Decimal("1.21")).quantize(Decimal("0.01"))
        if term["LineType"] == 20:
            kind, journal = (21 if total < 0 else 20), "70"
            legs = [(term["Account"], data.receivables_gl, total),
                    (None, revenue_gl, -excl), (None, vat_gl, excl - total)]
        else:  # a payable (purchase invoice): the creditor is credited
            kind, journal = (30 if total > 0 else 31), "60"
            legs = [(term["Account"], creditors_gl, -total),
                    (None, costs_gl, excl), (None, vat_gl, total - excl)]
        lines += _entry(rng, data, term, legs, kind=kind, journal=journal, day=day)
        if term["LineType"] == 20 and term["Status"] == 50:
            paid_on = min(today, day + timedelta(days=rng.randrange(5, 40)))
            legs = [(None, bank_gl, total), (term["Account"], data.receivables_gl, -total)]
            lines += _entry(rng, data, term, legs, kind=40, journal="20", day=paid_on)


def _entry(
    rng: random.Random,
    data: DivisionData,
    term: Row,
    legs: list[tuple[str | None, str, Decimal]],
    *,
    kind: int,
    journal: str,
    day: date,
) -> list[Row]:
    entry_id = new_id(rng)
    return [
        {
            "ID": new_id(rng),
            "EntryID": entry_id,
            "EntryNumber": term["EntryNumber"],
            "LineNumber": number,
            "Date": day,
            "Type": kind,
            "JournalCode": journal,
            "Status": 50,
            "Account": account,
            "AccountCode": term["AccountCode"] if account else None,
            "GLAccount": gl_account,
            "InvoiceNumber": term["InvoiceNumber"],
            "Description": term["Description"],
            "AmountDC": amount,
            "AmountFC": amount,
            "Currency": "EUR",
            "FinancialYear": day.year,
            "FinancialPeriod": day.month,
            "Division": data.code,
        }
        for number, (account, gl_account, amount) in enumerate(legs)
    ]


def _seed_bank_lines(
    rng: random.Random,
    data: DivisionData,
    *,
    today: date,
    suspense_gl: str,
    costs_gl: str,
    count: int,
) -> None:
    """Lines on the suspense account (payments for open invoices, costs) and a few booked ones."""
    entry = {
        "EntryID": new_id(rng),
        "EntryNumber": 20000001,
        "JournalCode": "20",
        "Currency": "EUR",
        "Status": 20,
        "Division": data.code,
        "Created": datetime.combine(today, datetime.min.time()),
    }
    data.tables["bank_entries"] = [entry]
    open_terms = [
        t
        for t in data.table("terms")
        if t["Status"] == 20 and t["LineType"] == 20 and t["AmountFC"] > 0
    ]
    for number in range(1, count + 1):
        when = today - timedelta(days=rng.randrange(0, 20))
        kind = rng.random()
        line: Row = {
            "ID": new_id(rng),
            "EntryID": entry["EntryID"],
            "EntryNumber": entry["EntryNumber"],
            "LineNumber": number,
            "Date": when,
            "Notes": None,
            "Account": None,
            "OurRef": None,
            "GLAccount": suspense_gl,
            "Division": data.code,
            "Modified": datetime.combine(when, datetime.min.time()),
        }
        if kind < 0.6 and open_terms:
            term = rng.choice(open_terms)
            reference = term["PaymentReference"] or f"factuur {term['InvoiceNumber']}"
            line.update(
                AmountFC=term["AmountFC"], Description=f"{term['AccountName'][:30]} {reference}"
            )
        elif kind < 0.85:
            line.update(
                AmountFC=-Decimal(rng.randrange(5000, 250000)) / 100, Description=rng.choice(COSTS)
            )
        else:
            line.update(
                AmountFC=-Decimal(rng.randrange(500, 9000)) / 100,
                Description="Bankkosten",
                GLAccount=costs_gl,
            )
        line["AmountDC"] = line["AmountFC"]
        data.table("bank_lines").append(line)
