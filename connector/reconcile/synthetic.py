"""A made-up but realistic Dutch administration: customers, invoices, IBANs, bank-line text.

Used by the labelled cases (`labelled`) and the benchmark. Names are Dutch persons and
companies with legal forms; IBANs are generated with schwifty; invoice numbers follow
the habits of Moneybird ("2026-0041"), Exact Online ("26100041"), e-Boekhouden
("F00041") or a plain counter ("10452"); bank lines look like the :86: and camt text
Dutch banks export.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from schwifty import IBAN

from connector.legal.references import (
    format_betalingskenmerk,
    format_rf,
    make_betalingskenmerk,
    make_rf,
)

FIRST_NAMES = (
    "Lotte",
    "Jan",
    "Pieter",
    "Sanne",
    "Emma",
    "Daan",
    "Sophie",
    "Lucas",
    "Julia",
    "Thomas",
    "Anna",
    "Bram",
    "Fleur",
    "Kees",
    "Marieke",
    "Joost",
    "Ingrid",
    "Willem",
    "Fatima",
    "Mohamed",
    "Anouk",
    "Ruben",
    "Iris",
    "Koen",
    "Eva",
    "Sven",
    "Noor",
    "Henk",
    "Tineke",
    "Gerrit",
    "Yusuf",
    "Priya",
)
SURNAMES = (
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
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
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "de Jong",
    "Yilmaz",
    "El Amrani",
    "Çelik",
    "Nguyen",
    "Kaya",
    "Wouters",
    "Postma",
    "Kuipers",
    "Veenstra",
    "Timmermans",
    "Groen",
)
SECTORS = (
    "ICT",
    "Installatietechniek",
    "Bouw",
    "Schilderwerken",
    "Advies",
    "Consultancy",
    "Transport",
    "Bakkerij",
    "Loodgietersbedrijf",
    "Administratiekantoor",
    "Hoveniers",
    "Makelaardij",
    "Fysiotherapie",
    "Autobedrijf",
    "Catering",
    "Design",
    "Media",
    "Elektrotechniek",
    "Tandartspraktijk",
    "Webdevelopment",
)
PLACE_WORDS = (
    "Noord",
    "Zuid",
    "Delta",
    "Polder",
    "Kanaal",
    "Molen",
    "Duin",
    "Horizon",
    "Brug",
    "Tulp",
    "Eik",
    "Linde",
    "Zeeland",
    "Veluwe",
    "Amstel",
    "Rijn",
)
LEGAL_FORMS = ("B.V.", "B.V.", "BV", "V.O.F.", "Holding B.V.", "", "", "")
BANKS = ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "KNAB", "BUNQ", "ASNB", "RBRB")
NUMBER_STYLES = ("moneybird", "exact", "eboekhouden", "plain")
REFERENCE_STYLES = ("none", "kenmerk", "rf")


@dataclass
class Customer:
    contact_id: str
    name: str  # as the books have it
    is_company: bool
    first: str = ""
    surname: str = ""
    ibans: list[str] = field(default_factory=list)
    customer_number: str = ""


@dataclass
class InvoiceRow:
    invoice_id: str
    number: str
    customer: Customer
    invoice_date: date
    due_date: date
    total: int  # cents
    open: int
    reference: str = ""

    def csv(self) -> dict[str, str]:
        return {
            "invoice_id": self.invoice_id,
            "number": self.number,
            "contact_id": self.customer.contact_id,
            "contact_name": self.customer.name,
            "contact_ibans": ";".join(self.customer.ibans),
            "invoice_date": self.invoice_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "currency": "EUR",
            "total": cents_text(self.total),
            "open_amount": cents_text(self.open),
            "payment_reference": self.reference,
        }


def cents_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def euro_text(cents: int) -> str:
    """Dutch notation as people type it in a description: '1.234,56'."""
    whole = f"{cents // 100:,}".replace(",", ".")
    return f"{whole},{cents % 100:02d}"


class World:
    """One administration's customers and invoice numbering; all randomness from `rng`."""

    def __init__(
        self,
        rng: random.Random,
        *,
        number_style: str,
        reference_style: str,
        key: str,
        year: int = 2026,
    ) -> None:
        self.rng = rng
        self.number_style = number_style
        self.reference_style = reference_style
        self.key = key
        self.year = year
        self.customers: list[Customer] = []
        self.invoices: list[InvoiceRow] = []
        self._seq = 0
        self._ids = 0
        self._used_ibans: set[str] = set()
        self.numbers: set[str] = set()

    # -- parties --------------------------------------------------------------------
    def iban(self, country: str = "NL") -> str:
        rng = self.rng
        while True:
            if country == "BE":
                value = str(
                    IBAN.generate(
                        "BE",
                        bank_code=f"{rng.randrange(100, 999)}",
                        account_code=f"{rng.randrange(10**6, 10**7)}",
                    )
                )
            elif country == "DE":
                value = str(
                    IBAN.generate(
                        "DE", bank_code="37040044", account_code=f"{rng.randrange(10**9, 10**10)}"
                    )
                )
            else:
                value = str(
                    IBAN.generate(
                        "NL",
                        bank_code=rng.choice(BANKS),
                        account_code=f"{rng.randrange(10**9, 10**10)}",
                    )
                )
            if value not in self._used_ibans:
                self._used_ibans.add(value)
                return value

    def customer(self, *, company: bool | None = None, ibans: int | None = None) -> Customer:
        rng = self.rng
        company = rng.random() < 0.6 if company is None else company
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        if company:
            style = rng.random()
            if style < 0.5:
                base = f"{surname[0].upper() + surname[1:]} {rng.choice(SECTORS)}"
            elif style < 0.8:
                base = f"{rng.choice(PLACE_WORDS)} {rng.choice(SECTORS)}"
            else:
                base = f"{rng.choice(SECTORS)} {surname[0].upper() + surname[1:]}"
            form = rng.choice(LEGAL_FORMS)
            name = f"{base} {form}".strip()
        else:
            name = f"{first} {surname}"
        self._ids += 1
        n_ibans = ibans if ibans is not None else rng.choices((0, 1, 2), weights=(12, 78, 10))[0]
        customer = Customer(
            contact_id=f"{self.key}C{self._ids:05d}",
            name=name,
            is_company=company,
            first=first,
            surname=surname,
            ibans=[self.iban(rng.choice(("NL",) * 9 + ("BE",))) for _ in range(n_ibans)],
            customer_number=str(rng.randrange(1000, 99999)),
        )
        self.customers.append(customer)
        return customer

    def bank_name(self, customer: Customer) -> str:
        """The account holder's name as a bank prints it."""
        rng = self.rng
        if customer.is_company:
            name = customer.name
            roll = rng.random()
            if roll < 0.4:
                return name.upper()
            if roll < 0.6:
                return name.replace("B.V.", "BV").replace("V.O.F.", "VOF")
            if roll < 0.75:
                for form in ("Holding B.V.", "B.V.", "BV", "V.O.F.", "VOF"):
                    name = name.replace(form, "")
                return name.strip().upper()
            return name
        first, surname = customer.first, customer.surname
        title = rng.choice(("MW ", "DHR ", "Hr ", "Mevr. ", "", "", ""))
        roll = rng.random()
        if roll < 0.3:
            return (
                f"{title}{first[0]}. {surname}".upper()
                if rng.random() < 0.5
                else f"{title}{first[0]}. {surname}"
            )
        if roll < 0.5:
            return f"{first} {surname}"
        if roll < 0.65:
            return f"{first[0]}.{rng.choice('JMACH')}. {surname}".upper()
        if roll < 0.8:
            parts = surname.split(" ")
            core, particle = parts[-1], " ".join(parts[:-1])
            return f"{core}, {first[0]}. {particle}".strip()
        return f"{title}{first[0]} {surname} EO".upper()

    # -- invoices -------------------------------------------------------------------
    def next_number(self) -> str:
        self._seq += 1
        seq = self._seq
        style = self.number_style
        if style == "moneybird":
            number = f"{self.year}-{seq:04d}"
        elif style == "exact":
            number = f"{self.year % 100}1{seq:05d}"
        elif style == "eboekhouden":
            number = f"F{seq:05d}"
        else:
            number = str(10000 + seq * 3)
        self.numbers.add(number)
        return number

    def reference_for(self, number: str) -> str:
        if self.reference_style == "kenmerk":
            digits = "".join(ch for ch in number if ch.isdigit())
            return make_betalingskenmerk(digits + f"{self.rng.randrange(10, 99)}")
        if self.reference_style == "rf":
            return make_rf(number.replace("-", ""))
        return ""

    def amount(self, *, round_fee: bool = False) -> int:
        rng = self.rng
        if round_fee:
            return rng.choice((2500, 4995, 5000, 6050, 7500, 9900, 12100, 15000, 18150, 24200))
        base = rng.choice(
            (rng.randrange(2000, 60000), rng.randrange(20000, 400000), rng.randrange(500, 9000))
        )
        return base * 121 // 100

    def invoice(
        self,
        customer: Customer,
        *,
        total: int | None = None,
        open_cents: int | None = None,
        age_days: int | None = None,
        round_fee: bool = False,
    ) -> InvoiceRow:
        rng = self.rng
        total = self.amount(round_fee=round_fee) if total is None else total
        age = rng.randrange(5, 120) if age_days is None else age_days
        invoice_date = date(self.year, 3, 1) - timedelta(days=age)
        number = self.next_number()
        self._ids += 1
        row = InvoiceRow(
            invoice_id=str(400_000_000_000 + rng.randrange(10**9) * 1000 + self._ids),
            number=number,
            customer=customer,
            invoice_date=invoice_date,
            due_date=invoice_date + timedelta(days=rng.choice((14, 14, 30, 30, 60))),
            total=total,
            open=total if open_cents is None else open_cents,
            reference=self.reference_for(number),
        )
        self.invoices.append(row)
        return row

    # -- how people write things ------------------------------------------------------
    def spell_number(self, number: str, *, certain: bool = True) -> str:
        """The invoice number as a customer may type it (always the full number when certain)."""
        rng = self.rng
        digits = "".join(ch for ch in number if ch.isdigit())
        if self.number_style == "moneybird":
            year, seq = number.split("-")
            options = [
                number,
                f"{year}{seq}",
                f"{year} {seq}",
                f"{year}.{seq}",
                f"{year}-{int(seq)}",
                f"F{number}",
                f"{year}/{seq}",
                f"{year} - {seq}",
                f"INV-{number}",
                f"{year}-0{seq}",
            ]
        elif self.number_style == "exact":
            options = [
                number,
                number,
                f"{number[:3]} {number[3:]}",
                f"{number[:2]}-{number[2:]}",
                f"0{number}",
            ]
        elif self.number_style == "eboekhouden":
            options = [
                number,
                number.lower(),
                f"F-{digits}",
                f"F {digits}",
                digits,
                f"F{int(digits):04d}",
            ]
        else:
            options = [number, number, f"{number[:2]}.{number[2:]}", f"0{number}", f"nr{number}"]
        return rng.choice(options)

    def spell_reference(self, reference: str) -> str:
        rng = self.rng
        compact = reference.replace(" ", "")
        if compact.startswith("RF"):
            options = [compact, format_rf(compact), compact.lower(), format_rf(compact).lower()]
        else:
            options = [
                compact,
                format_betalingskenmerk(compact),
                "-".join(format_betalingskenmerk(compact).split()),
            ]
        return rng.choice(options)

    def remittance(self, core: str, customer: Customer, *, words: bool = True) -> str:
        """Free text around the part that matters, as people type it."""
        rng = self.rng
        if not words:
            return core
        templates = (
            "{c}",
            "Factuur {c}",
            "factuur {c}",
            "FACTUUR {c}",
            "Fact.nr. {c}",
            "fact {c}",
            "Factuurnummer: {c}",
            "inv {c}",
            "Invoice {c}",
            "ref {c}",
            "Betreft factuur {c} d.d. {d}",
            "betaling factuur {c}",
            "{c} {name}",
            "Factuur {c} klantnr {k}",
            "nota {c}",
            "Uw factuur {c} van {d}",
            "fnr {c}",
            "{c} bedrag {a}",
            "Betaling {c} dank u wel",
        )
        when = (date(self.year, 1, 1) + timedelta(days=rng.randrange(0, 59))).strftime(
            rng.choice(("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y-%m-%d"))
        )
        return rng.choice(templates).format(
            c=core,
            d=when,
            name=customer.name,
            k=customer.customer_number,
            a=euro_text(rng.randrange(100, 500000)),
        )

    def bank_line(self, remittance: str, name: str, iban: str) -> tuple[str, str, str]:
        """(counterparty_name, counterparty_iban, description) in one of the banks' styles."""
        rng = self.rng
        bic = (
            {"ABNA": "ABNANL2A", "INGB": "INGBNL2A", "RABO": "RABONL2U"}.get(iban[4:8], "SNSBNL2A")
            if iban
            else ""
        )
        eref = rng.choice(
            ("NOTPROVIDED", f"{rng.randrange(10**11, 10**12)}", f"E2E{rng.randrange(10**8)}")
        )
        sepa_tail = f"/REMI/{remittance}/EREF/{eref}"
        roll = rng.random()
        if roll < 0.35 and iban:
            text = f"/TRTP/SEPA OVERBOEKING/IBAN/{iban}/BIC/{bic}/NAME/{name}" + sepa_tail
            return name, iban, text
        if roll < 0.45 and iban:
            text = f"/TRTP/SEPA OVERBOEKING/IBAN/{iban}/BIC/{bic}/NAME/{name}" + sepa_tail
            return "", "", text  # an export without parsed counterparty fields
        if roll < 0.55 and iban:
            return name, iban, f"{remittance} IBAN: {iban} BIC: {bic} Naam: {name}"
        return name, iban, remittance
