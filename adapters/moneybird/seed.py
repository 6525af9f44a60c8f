"""Deterministic Moneybird-shaped data for the simulator: Dutch debtors, invoices of every age, bank lines.

Why generated rather than fixtures: the same code gives a readable demo set (60 invoices) and a
stress set (20,000) from one seed, and every reconciliation case the connector must handle is
planted on purpose (invoice number in odd spellings, payment reference, amount-only from a known
IBAN, one transfer for two invoices, partial and short payments, PSP payout, tax refund, outgoing
payment, a parent company paying). Records are dicts in the API's JSON shape (ids and money as
strings, `version` an int), so the simulator serves them as they are.
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from schwifty import IBAN

CENT = Decimal("0.01")
ZERO = Decimal("0")
PAYMENT_CONDITIONS = (
    "We verzoeken u vriendelijk het bovenstaande bedrag van {document.total_price} voor "
    "{document.due_date} te voldoen op onze bankrekening onder vermelding van de omschrijving "
    "{document.payment_reference}. Voor vragen kunt u contact opnemen per e-mail."
)
BELASTINGDIENST_IBAN = "NL86INGB0002445588"
MOLLIE_IBAN = "NL24ABNA0411380717"  # a valid IBAN standing in for the PSP's payout account

FIRST_NAMES = (
    "Jan Pieter Kees Willem Henk Sanne Lotte Emma Sophie Daan Bram Lars Anouk Fleur Thijs Ruben Eva "
    "Iris Maarten Joost Marieke Annelies Gerrit Hendrik Ingrid Femke Niels Sven Noor Julia Mohammed "
    "Fatima Yusuf Sara Ilse Wouter Jeroen Esther Bas Tim Linda Karin Mustafa Priya Tessa Rik"
).split()
LAST_NAMES = (
    "Jansen|de Vries|van den Berg|van Dijk|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|"
    "Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|"
    "van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|van der Veen|van den Broek|de Bruijn|"
    "de Jong|Schouten|van Beek|Willems|Hoekstra|Koster|Prins|Postma|El Amrani|Yilmaz|Kramer|Verhoeven"
).split("|")
STREETS = (
    "Kerkstraat|Dorpsstraat|Molenweg|Stationsweg|Schoolstraat|Hoofdstraat|Julianalaan|Beatrixstraat|"
    "Wilhelminastraat|Nieuwe Gracht|Prinsengracht|Industrieweg|Marktplein|Lindelaan|Eikenlaan|"
    "Parallelweg|Havenstraat|Raadhuisplein|Energieweg|Handelsweg|Ambachtsweg|Zuiderzeestraat"
).split("|")
CITIES = (  # (city, first two digits of its postcodes)
    ("Amsterdam", 10), ("Rotterdam", 30), ("Den Haag", 25), ("Utrecht", 35), ("Eindhoven", 56),
    ("Groningen", 97), ("Tilburg", 50), ("Almere", 13), ("Breda", 48), ("Nijmegen", 65),
    ("Apeldoorn", 73), ("Haarlem", 20), ("Arnhem", 68), ("Zwolle", 80), ("Leeuwarden", 89),
    ("Maastricht", 62), ("Amersfoort", 38), ("Delft", 26), ("Deventer", 74), ("Alkmaar", 18),
)
TRADES = (
    "Bouw|Installatietechniek|Schilderwerken|Hoveniers|Transport|Advies|ICT|Bakkerij|Loodgieters|"
    "Klussenbedrijf|Fysiotherapie|Architecten|Catering|Autobedrijf|Dakdekkers|Elektrotechniek|"
    "Metaalbewerking|Timmerwerken|Schoonmaakdiensten|Drukkerij|Kozijnen|Tegelzetters|Webdesign"
).split("|")
BRANDS = "Noordlicht Polderwind Tulpenveld Dijkzicht Zeebries Duinrand Kempenhof Waddenzicht Lindehof".split()
DESCRIPTIONS = (
    "Werkzaamheden week {w}|Advieswerk {m}|Installatie warmtepomp|Onderhoudscontract kwartaal {q}|"
    "Levering materialen|Uren consultancy {m}|Webhosting en licenties {y}|Reiskosten|Meerwerk volgens offerte"
).split("|")
MONTHS_NL = "januari februari maart april mei juni juli augustus september oktober november december".split()
BANKS = ("INGB", "RABO", "ABNA", "SNSB", "TRIO", "BUNQ", "KNAB", "ASNB")
CONSUMER_MAIL = ("gmail.com", "hotmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com", "xs4all.nl", "live.nl")


def mb_money(amount: Decimal) -> str:
    """Money the way Moneybird writes it (Ruby BigDecimal#to_s): "363.0", "1210.5", "-12.34"."""
    text = f"{amount.quantize(CENT, ROUND_HALF_UP):.2f}"
    if text[-1] == "0":
        text = text[:-1]
    return "0.0" if text == "-0.0" else text


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_TEXT: dict[int, str] = {}


def mb_timestamp(epoch: float) -> str:
    """UTC timestamp with milliseconds, as in the spec's examples ("2026-08-21T13:50:45.599Z")."""
    millis = int(round(epoch * 1000))
    days, rest = divmod(millis, 86_400_000)
    day = _DAY_TEXT.get(days) or _DAY_TEXT.setdefault(days, date.fromordinal(_EPOCH_ORDINAL + days).isoformat())
    seconds, ms = divmod(rest, 1000)
    hours, seconds = divmod(seconds, 3600)
    return f"{day}T{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}.{ms:03d}Z"


def epoch_at(day: date, seconds: int) -> float:
    """Epoch seconds of `seconds` after midnight UTC on `day`."""
    return datetime.combine(day, time(), UTC).timestamp() + seconds


_RF_DIGITS = {ord(ch): str(int(ch, 36)) for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def rf_reference(body: str) -> tuple[str, str]:
    """ISO 11649 creditor reference (long, zero-padded to 21 characters, and short) for `body`."""
    digits = (body + "RF00").translate(_RF_DIGITS)
    check = f"{98 - int(digits) % 97:02d}"
    return f"RF{check}{body.rjust(21, '0')}", f"RF{check}{body}"


class IdFactory:
    """Moneybird-like 18-digit ids, increasing, deterministic; the simulator keeps drawing from it."""

    def __init__(self, start: int) -> None:
        self._next = start

    def __call__(self) -> str:
        self._next += 4099
        return str(self._next)


@dataclass
class SeedData:
    """Everything the simulator serves, plus the fixed ids it needs to validate writes."""

    administration: dict
    financial_account: dict
    workflows: dict[str, dict]
    document_style_ids: tuple[str, ...]
    identity_id: str
    user_id: str
    ledger_account_id: str
    contacts: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    mutations: list[dict] = field(default_factory=list)
    factory: RecordFactory | None = None  # keeps drawing ids and building records for later writes


class _FastRandom(random.Random):
    """random.Random with cheaper randrange/choice (floor of random() * n): seeding 20,000 invoices
    takes millions of draws, and the tiny bias is irrelevant for demo data."""

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


def _nl_iban(rng: random.Random) -> str:
    """A valid Dutch IBAN whose account number also passes the old 11-test."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        last = (-total) % 11
        if last < 10:
            account = "".join(map(str, digits)) + str(last)
            return IBAN.generate("NL", bank_code=rng.choice(BANKS), account_code=account).compact


def _btw_number(rng: random.Random) -> str:
    """A Dutch VAT number (NL + 9 digits passing the 11-test + B01)."""
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "NL" + "".join(map(str, digits)) + str(check) + "B01"


def _base36(number: int, width: int = 8) -> str:
    """`number` in upper-case base 36, zero-padded: the random part of an RF reference."""
    out = []
    for _ in range(width):
        number, digit = divmod(number, 36)
        out.append("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit])
    return "".join(reversed(out))


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class RecordFactory:
    """Builds API-shaped records (contacts, invoices, bank lines, payments) from one id sequence.

    The generator uses it for the seed; the simulator keeps using it for records created later,
    passing the clock's time as `at` so new records carry "now" instead of a seeded time.
    """

    def __init__(self, seed: int, today: date, administration_id: str) -> None:
        self.rng = _FastRandom(seed)
        self.today = today
        self.aid = administration_id
        self.ids = IdFactory(496_081_500_000_000_000 + (seed % 997) * 1_000_000_000_000)
        self.user_id = self.ids()
        self.ledger_account_id = self.ids()
        self.account_id = self.ids()
        self.identity_id = self.ids()
        self.styles = (self.ids(), self.ids())  # current house style, and last year's
        self.wf_company = self.ids()
        self.wf_consumer = self.ids()
        self.wf_english = str(int(self.wf_consumer) + 1)  # outside the sequence: adding it moved no other id
        self.payment_terms = {self.wf_company: 30, self.wf_consumer: 14, self.wf_english: 30}
        self.tax_rates = {Decimal("0.21"): self.ids(), Decimal("0.09"): self.ids()}
        self.statements: dict[date, str] = {}
        self._descriptions: dict[date, tuple[str, ...]] = {}

    def stamp(self, day: date, hour: int = 9) -> float:
        """A time on `day`; records of today or later are stamped just before today's midnight (UTC), so
        no seeded record looks changed "after" a sync that runs on `today`."""
        seconds = hour * 3600 + self.rng.randrange(3600)
        if day >= self.today:
            day, seconds = self.today, -1 - seconds % 3600
        return epoch_at(day, seconds) + self.rng.randrange(1000) / 1000

    # ---- contacts -------------------------------------------------------------------------
    def contact(self, kind: str, *, index: int, name: str | None = None) -> dict:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, prefix = rng.choice(CITIES)
        cap_last = last[0].upper() + last[1:]
        if kind == "consumer":
            company, domain = "", None
            email = f"{_slug(first)}.{_slug(last)}@{rng.choice(CONSUMER_MAIL)}"
        else:
            trade = rng.choice(TRADES)
            company = name or {
                "bv": f"{cap_last if rng.random() < 0.6 else rng.choice(BRANDS)} {trade} B.V.",
                "vof": f"{cap_last} & {rng.choice(LAST_NAMES).split()[-1]} V.O.F.",
                "eenmanszaak": f"{trade} {first} {last}" if rng.random() < 0.5 else f"{cap_last} {trade}",
                "holding": f"{cap_last} Holding B.V.",
            }[kind]
            domain = _slug(company.replace("B.V.", "").replace("V.O.F.", "")) + ".nl"
            email = f"{rng.choice(('info', 'administratie', 'facturen'))}@{domain}"
        created = self.stamp(self.today - timedelta(days=rng.randrange(420, 1500)))
        has_iban = rng.random() < 0.75
        iban = _nl_iban(rng) if has_iban else ""
        invoices_to = email
        if domain and rng.random() < 0.25:
            invoices_to = f"crediteuren@{domain}, {email}"
        person = kind == "consumer" or rng.random() < 0.5
        return {
            "id": self.ids(), "administration_id": self.aid,
            "company_name": company,
            "firstname": first if person else None, "lastname": last if person else None,
            "address1": f"{rng.choice(STREETS)} {rng.randrange(1, 240)}", "address2": "",
            "zipcode": f"{prefix}{rng.randrange(10, 100)} {rng.choice('ABCEGHJKLMNPRTVWXZ')}"
                       f"{rng.choice('ABCEGHJKLMNPRTVWXZ')}",
            "city": city, "country": "NL",
            "phone": f"06 {rng.randrange(10_000_000, 99_999_999)}" if person else
                     f"0{prefix}{rng.randrange(1, 9)} {rng.randrange(100_000, 999_999)}",
            "delivery_method": "Email", "customer_id": str(1000 + index),
            "tax_number": _btw_number(rng) if kind in ("bv", "holding", "vof") else "",
            "chamber_of_commerce": str(rng.randrange(10_000_000, 99_999_999)) if company else "",
            "bank_account": iban, "is_trusted": False, "max_transfer_amount": None,
            "attention": "", "email": email, "email_ubl": bool(company),
            "send_invoices_to_attention": "", "send_invoices_to_email": invoices_to,
            "send_estimates_to_attention": "", "send_estimates_to_email": email,
            "direct_debit": False, "sepa_active": False, "sepa_iban": "", "sepa_iban_account_name": "",
            "sepa_bic": "", "sepa_mandate_id": "", "sepa_mandate_date": None, "sepa_sequence_type": "RCUR",
            "credit_card_number": "", "credit_card_reference": "", "credit_card_type": None,
            "tax_number_validated_at": None, "tax_number_valid": None,
            "invoice_workflow_id": self.wf_consumer if kind == "consumer" else self.wf_company,
            "estimate_workflow_id": None, "si_identifier": "", "si_identifier_type": None,
            "moneybird_payments_mandate": False,
            "created_at": mb_timestamp(created), "updated_at": mb_timestamp(created), "version": int(created),
            "sales_invoices_url": f"https://moneybird.com/{self.aid}/sales_invoices/{rng.getrandbits(256):064x}/all",
            "notes": [], "custom_fields": [], "contact_people": [], "archived": False, "events": [],
        }

    # ---- invoices --------------------------------------------------------------------------
    def invoice(self, contact: dict, *, invoice_date: date, excl: Decimal, state: str = "open",
                tax_rate: Decimal = Decimal("0.21"), language: str = "nl", at: float | None = None) -> dict:
        rng = self.rng
        workflow = contact["invoice_workflow_id"]
        term = self.payment_terms[workflow]
        tax = (excl * tax_rate).quantize(CENT, ROUND_HALF_UP)
        total = excl + tax
        created = self.stamp(invoice_date, 8) if at is None else at
        at = mb_timestamp(created)
        style = self.styles[0] if invoice_date.year == self.today.year else self.styles[1]
        tax_rate_id = self.tax_rates[tax_rate]
        split = abs(excl) >= 400 and rng.random() < 0.5
        parts = ((excl * Decimal("0.7")).quantize(CENT),) if split else (excl,)
        parts = parts + (excl - parts[0],) if split else parts
        excl_text, tax_text, total_text = mb_money(excl), mb_money(tax), mb_money(total)
        details = []
        texts = self._descriptions.get(invoice_date) or self._describe(invoice_date)
        for row, part in enumerate(parts, start=1):
            text = rng.choice(texts)
            price = excl_text if part is excl else mb_money(part)
            details.append({
                "id": self.ids(), "administration_id": self.aid, "tax_rate_id": tax_rate_id,
                "ledger_account_id": self.ledger_account_id, "project_id": None, "product_id": None,
                "amount": "1 x", "amount_decimal": "1.0", "description": text, "price": price,
                "period": None, "row_order": row, "total_price_excl_tax_with_discount": price,
                "total_price_excl_tax_with_discount_base": price,
                "tax_report_reference": ["NL/1a" if tax_rate == Decimal("0.21") else "NL/1b"],
                "mandatory_tax_text": None, "created_at": at, "updated_at": at,
                "is_optional": False, "is_selected": True,
            })
        reference = rng.random()
        return {
            "id": self.ids(), "administration_id": self.aid, "contact_id": contact["id"],
            "contact_person_id": None, "contact_person": None, "invoice_id": None,
            "recurring_sales_invoice_id": None, "subscription_id": None, "workflow_id": workflow,
            "document_style_id": style, "identity_id": self.identity_id, "draft_id": None,
            "state": state, "invoice_date": invoice_date.isoformat(),
            "due_date": (invoice_date + timedelta(days=term)).isoformat(),
            "payment_conditions": PAYMENT_CONDITIONS, "payment_reference": None,
            "short_payment_reference": None,
            "reference": "" if reference < 0.5 else f"PO-{int(reference * 10**6)}" if reference < 0.75
                         else "Project " + rng.choice(BRANDS),
            "language": language, "currency": "EUR", "discount": "0.0", "original_sales_invoice_id": None,
            "paused": False, "paid_at": None, "sent_at": invoice_date.isoformat(),
            "created_at": at, "updated_at": at,
            "public_view_code": str(rng.randrange(100000, 999999)), "public_view_code_expires_at": None,
            "version": int(created), "details": details, "payments": [],
            "total_paid": "0.0", "total_unpaid": total_text, "total_unpaid_base": total_text,
            "prices_are_incl_tax": False, "total_price_excl_tax": excl_text,
            "total_price_excl_tax_base": excl_text, "total_price_incl_tax": total_text,
            "total_price_incl_tax_base": total_text, "total_discount": "0.0",
            "marked_dubious_on": None, "marked_uncollectible_on": None, "reminder_count": 0,
            "next_reminder": None, "original_estimate_id": None,
            "url": f"https://moneybird.com/{self.aid}/external/{rng.getrandbits(256):064x}/sales_invoice",
            "payment_url": "", "custom_fields": [], "notes": [], "attachments": [], "events": [],
            "tax_totals": [{"tax_rate_id": tax_rate_id, "taxable_amount": excl_text,
                            "taxable_amount_base": excl_text, "tax_amount": tax_text,
                            "tax_amount_base": tax_text}],
            "time_entries": [],
        }

    def _describe(self, day: date) -> tuple[str, ...]:
        texts = tuple(t.format(w=day.isocalendar()[1], m=MONTHS_NL[day.month - 1],
                               q=(day.month - 1) // 3 + 1, y=day.year) for t in DESCRIPTIONS)
        self._descriptions[day] = texts
        return texts

    def assign_number(self, invoice: dict, sequence: int) -> None:
        """Number a sent invoice ("2026-0001") and give it an RF payment reference and payment link."""
        invoice["invoice_id"] = f"{invoice['invoice_date'][:4]}-{sequence:04d}"
        body = _base36(self.rng.getrandbits(41))
        invoice["payment_reference"], invoice["short_payment_reference"] = rf_reference(body)
        invoice["payment_url"] = invoice["url"]

    # ---- bank lines and payments -----------------------------------------------------------
    def mutation(self, day: date, amount: Decimal, message: str, name: str | None, iban: str,
                 at: float | None = None) -> dict:
        statement = self.statements.setdefault(day, self.ids())
        created = self.stamp(day, 5) if at is None else at
        return {
            "id": self.ids(), "administration_id": self.aid, "amount": mb_money(amount), "code": None,
            "date": day.isoformat(), "message": message, "contra_account_name": name,
            "contra_account_number": iban, "state": "unprocessed", "settlement_state": "settled",
            "amount_open": mb_money(amount), "sepa_fields": None, "batch_reference": None,
            "financial_account_id": self.account_id, "currency": "EUR", "original_amount": None,
            "created_at": mb_timestamp(created), "updated_at": mb_timestamp(created), "version": int(created),
            "financial_statement_id": statement, "processed_at": None,
            "account_servicer_transaction_id": None, "payments": [], "ledger_account_bookings": [],
        }

    def pay(self, invoice: dict, day: date, amount: Decimal, mutation: dict | None,
            transaction_identifier: str | None = None, at: float | None = None, **extra) -> dict:
        """Register a payment on `invoice` (and book it on `mutation`), as Moneybird would."""
        at = mb_timestamp(self.stamp(day, 11) if at is None else at)
        payment = {
            "id": self.ids(), "administration_id": self.aid, "invoice_type": "SalesInvoice",
            "invoice_id": invoice["id"], "financial_account_id": self.account_id if mutation else None,
            "user_id": self.user_id, "payment_transaction_id": None,
            "transaction_identifier": transaction_identifier, "price": mb_money(amount),
            "price_base": mb_money(amount), "payment_date": day.isoformat(), "credit_invoice_id": None,
            "financial_mutation_id": mutation["id"] if mutation else None,
            "ledger_account_id": self.ledger_account_id, "linked_payment_id": None,
            "manual_payment_action": None, "created_at": at, "updated_at": at,
        }
        payment.update(extra)
        invoice["payments"].append(payment)
        if mutation is not None:
            mutation["payments"].append(dict(payment))
            book_on_mutation(mutation, amount, at)
        return payment


def book_on_mutation(mutation: dict, price: Decimal, at: str) -> None:
    """Reduce a bank line's open amount by a booking (signed like the line); processed once nothing is open."""
    open_amount = Decimal(mutation["amount_open"]) - price
    mutation["amount_open"] = mb_money(open_amount)
    mutation["updated_at"] = at
    mutation["version"] = max(mutation["version"] + 1, int(datetime.fromisoformat(at).timestamp()))
    if open_amount == 0:
        mutation.update(state="processed", processed_at=at)


def recompute_invoice(invoice: dict, today: date) -> None:
    """Totals and state after payments, by Moneybird's rules: paid once nothing is open, else by due date."""
    total = Decimal(invoice["total_price_incl_tax"])
    paid = sum((Decimal(p["price"]) for p in invoice["payments"]), ZERO)
    unpaid = total - paid
    unpaid_text = mb_money(unpaid)
    invoice.update(total_paid=mb_money(paid), total_unpaid=unpaid_text, total_unpaid_base=unpaid_text)
    if invoice["state"] in ("draft", "scheduled", "uncollectible"):
        return
    settled = unpaid <= 0 if total >= 0 else unpaid >= 0
    if total < 0 and not settled:  # an unsettled credit note stays open whatever its due date
        invoice.update(state="open", paid_at=None)
    elif settled:
        last_payment = max((p["payment_date"] for p in invoice["payments"]), default=None)
        invoice.update(state="paid", next_reminder=None, paid_at=last_payment)
    elif invoice["state"] != "pending_payment":
        invoice["paid_at"] = None
        if invoice["reminder_count"]:
            invoice["state"] = "reminded"
        else:
            invoice["state"] = "late" if date.fromisoformat(invoice["due_date"]) < today else "open"


BUCKETS = (  # share of the ordinary invoices per age bucket (days past due)
    ("paid", 0.42), ("not_due", 0.16), ("od_1_30", 0.14), ("od_31_60", 0.09),
    ("od_61_90", 0.06), ("od_90p", 0.08), ("partial", 0.05),
)
OVERDUE_DAYS = {"od_1_30": (1, 30), "od_31_60": (31, 60), "od_61_90": (61, 90),
                "od_90p": (91, 400), "partial": (5, 75)}
POOL_SCENARIOS = ("num_dash", "num_compact", "num_no_zeros", "num_spaced", "ref_short", "ref_long",
                  "iban_only", "partial", "bank_fee")


def _allocate(count: int, rng: random.Random) -> list[str]:
    """Bucket names for `count` invoices in the BUCKETS shares (largest remainder), shuffled."""
    raw = [(name, share * count) for name, share in BUCKETS]
    sizes = {name: int(x) for name, x in raw}
    by_remainder = sorted(raw, key=lambda item: item[1] - int(item[1]), reverse=True)
    for name, _share in by_remainder[: count - sum(sizes.values())]:
        sizes[name] += 1
    out = [name for name, _ in BUCKETS for _ in range(sizes[name])]
    rng.shuffle(out)
    return out


def _amount(rng: random.Random, company: bool) -> Decimal:
    """Excl.-VAT amount: log-normal around 900 (companies) or 250 (consumers), often round."""
    value = rng.lognormvariate(6.8 if company else 5.5, 0.85 if company else 0.7)
    value = min(max(value, 75 if company else 35), 25000 if company else 4000)
    cents = rng.choice((0, 0, 0, 50, rng.randrange(100)))
    return Decimal(int(value) * 100 + cents) / 100


class _Generator(RecordFactory):
    """Builds the whole data set in phases: contacts, invoices, numbers, payments, bank lines."""

    def run(self, n_invoices: int) -> SeedData:
        rng, today = self.rng, self.today
        self.contacts: list[dict] = []
        self.invoices: list[dict] = []
        self.mutations: list[dict] = []
        self.special: set[str] = set()
        self.psp_paid: list[Decimal] = []
        self.contact_index: dict[str, dict] = {}
        self.unknown_accounts: dict[str, str] = {}
        self.after_numbering: list = []  # callbacks that need invoice numbers
        self._special_contacts()
        n_contacts = max(len(self.contacts), round(n_invoices / 8))
        kinds = (("bv", 0.28), ("vof", 0.08), ("eenmanszaak", 0.16), ("holding", 0.03), ("consumer", 0.45))
        while len(self.contacts) < n_contacts:
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            self._add_contact(kind)
        self._special_invoices()
        self._ordinary_invoices(max(0, n_invoices - len(self.invoices)))
        self._number()
        for callback in self.after_numbering:
            callback()
        self.after_numbering.clear()  # the callbacks close over self: drop the cycle
        self._pool_scenarios(n_invoices)
        self._other_bank_lines()
        for invoice in self.invoices:
            recompute_invoice(invoice, today)
            stamps = [invoice["created_at"]] + [p["created_at"] for p in invoice["payments"]] + \
                     [e["created_at"] for e in invoice["events"]]
            invoice["updated_at"] = max(stamps)
            invoice["version"] = int(datetime.fromisoformat(invoice["updated_at"]).timestamp())
        self.mutations.sort(key=lambda m: (m["date"], m["id"]))
        return SeedData(
            administration={"id": self.aid, "name": "Hollands Glorie Installaties B.V.", "language": "nl",
                            "currency": "EUR", "country": "NL", "time_zone": "Europe/Amsterdam",
                            "access": "user", "suspended": False, "period_locked_until": None,
                            "period_start_date": f"{today.year - 4}-01-01"},
            financial_account={"id": self.account_id, "type": "BankAccount", "name": "Zakelijke rekening",
                               "identifier": "NL20INGB0001234567", "currency": "EUR", "active": True},
            workflows={wf: {"id": wf, "name": name, "language": language, "default": wf == self.wf_company,
                            "payment_term_days": self.payment_terms[wf], "reminder_interval_days": 14}
                       for wf, name, language in ((self.wf_company, "Zakelijk (30 dagen)", "nl"),
                                                  (self.wf_consumer, "Particulier (14 dagen)", "nl"),
                                                  (self.wf_english, "Business, English (30 days)", "en"))},
            document_style_ids=self.styles, identity_id=self.identity_id, user_id=self.user_id,
            ledger_account_id=self.ledger_account_id,
            contacts=self.contacts, invoices=self.invoices, mutations=self.mutations, factory=self,
        )

    # ---- contacts ----------------------------------------------------------------------------
    def _add_contact(self, kind: str, *, name: str | None = None, iban: bool | None = None) -> dict:
        contact = self.contact(kind, index=len(self.contacts), name=name)
        if iban is True and not contact["bank_account"]:
            contact["bank_account"] = _nl_iban(self.rng)
        elif iban is False:
            contact["bank_account"] = ""
        if kind == "consumer" and self.rng.random() < 0.08:
            contact["delivery_method"] = "Post"
        self.contacts.append(contact)
        self.contact_index[contact["id"]] = contact
        return contact

    def _special_contacts(self) -> None:
        c = self._add_contact
        self.holding = c("holding", iban=True)
        self.subsidiary = c("bv", name=self.holding["company_name"].replace("Holding", "Bouw"), iban=False)
        self.instalment_payers = [c(kind, iban=True) for kind in ("consumer", "eenmanszaak", "consumer")]
        self.disputing = c("vof")
        self.peppol = c("bv")
        self.peppol.update(delivery_method="Peppol", si_identifier="0106:" + self.peppol["chamber_of_commerce"],
                           si_identifier_type="NL:KVK")
        self.by_post = c("consumer")
        self.by_post["delivery_method"] = "Post"
        self.foreign_payer = c("bv")
        self.foreign_payer["invoice_workflow_id"] = self.wf_english
        self.foreign_payer["bank_account"] = IBAN.generate(
            "BE", bank_code="363", account_code=f"{self.rng.randrange(10**6, 10**7)}").compact
        self.direct_debit = c("bv", iban=True)
        debit_iban = self.direct_debit["bank_account"]
        self.direct_debit.update(direct_debit=True, sepa_active=True, sepa_iban=debit_iban,
                                 sepa_iban_account_name=self.direct_debit["company_name"],
                                 sepa_bic=IBAN(self.direct_debit["bank_account"]).bic.compact,
                                 sepa_mandate_id=f"MB-{self.direct_debit['customer_id']}",
                                 sepa_mandate_date=(self.today - timedelta(days=600)).isoformat())
        self.two_invoice_payer = c("bv", iban=True)
        self.manual = c("eenmanszaak")
        self.manual["delivery_method"] = "Manual"

    # ---- invoices ----------------------------------------------------------------------------
    def _new(self, contact: dict, *, overdue: int, excl: Decimal | None = None, special: bool = True,
             **kw) -> dict:
        """An invoice whose due date lies `overdue` days before today (negative: not yet due)."""
        term = self.payment_terms[contact["invoice_workflow_id"]]
        invoice_date = self.today - timedelta(days=overdue + term)
        excl = excl if excl is not None else _amount(self.rng, bool(contact["company_name"]))
        invoice = self.invoice(contact, invoice_date=invoice_date, excl=excl, **kw)
        self.invoices.append(invoice)
        if special:
            self.special.add(invoice["id"])
        return invoice

    def _remind(self, invoice: dict, count: int, overdue: int) -> None:
        due = date.fromisoformat(invoice["due_date"])
        days = [d for d in (7, 21, 35)[:count] if d < overdue] or [max(overdue - 1, 0)]
        for offset in days:
            at = mb_timestamp(self.stamp(due + timedelta(days=offset), 7))
            invoice["events"].append({"administration_id": self.aid, "user_id": self.user_id,
                                      "action": "sales_invoice_send_reminder_email", "link_entity_id": None,
                                      "link_entity_type": None, "data": {}, "created_at": at, "updated_at": at})
        invoice["reminder_count"] = len(days)
        invoice["next_reminder"] = (due + timedelta(days=days[-1] + 14)).isoformat()

    def _special_invoices(self) -> None:
        rng, today = self.rng, self.today
        sub = self._new(self.subsidiary, overdue=20)
        self.after_numbering.append(lambda: self._unprocessed(
            sub, Decimal(sub["total_price_incl_tax"]), self.holding,
            f"Betaling factuur {sub['invoice_id']} namens {self.subsidiary['company_name']}"))
        paid = self._new(self.holding, overdue=40)
        self.after_numbering.append(lambda: self._processed(paid, Decimal(paid["total_price_incl_tax"]),
                                                            today - timedelta(days=45)))
        for months, payer in zip((4, 3, 5), self.instalment_payers, strict=True):
            big = self._new(payer, overdue=months * 30 - 14, excl=Decimal(rng.randrange(15, 36) * 100))
            self.after_numbering.append(lambda big=big, months=months: self._instalments(big, months))
        disputed = self._new(self.disputing, overdue=70)
        self._remind(disputed, 2, 70)
        disputed["paused"] = True
        self._note(disputed, "Klant betwist de factuur: meerwerk niet akkoord, in overleg. Niet aanmanen.")
        credit = self._new(self.disputing, overdue=10,
                           excl=-(Decimal(disputed["total_price_excl_tax"]) * Decimal("0.2")).quantize(CENT))
        credit["original_sales_invoice_id"] = disputed["id"]
        self._remind(self._new(self.by_post, overdue=40), 1, 40)
        foreign = self._new(self.foreign_payer, overdue=5, language="en")
        self.after_numbering.append(lambda: self._unprocessed(
            foreign, Decimal(foreign["total_price_incl_tax"]) - Decimal("7.50"), self.foreign_payer,
            f"INVOICE {foreign['invoice_id']} /BENM/{self.foreign_payer['company_name'].upper()}"))
        self._new(self.direct_debit, overdue=-5, state="pending_payment")
        first = self._new(self.two_invoice_payer, overdue=25)
        second = self._new(self.two_invoice_payer, overdue=12)
        self.after_numbering.append(lambda: self._unprocessed(
            first, Decimal(first["total_price_incl_tax"]) + Decimal(second["total_price_incl_tax"]),
            self.two_invoice_payer, f"Fact. {first['invoice_id']} en {second['invoice_id']}"))
        refund = self._new(self.manual, overdue=50, excl=Decimal("-250.00"))
        self.after_numbering.append(lambda: self._processed(
            refund, Decimal(refund["total_price_incl_tax"]), today - timedelta(days=55),
            message=f"Terugbetaling creditnota {refund['invoice_id']}"))
        self._new(self.peppol, overdue=10)
        draft = self._new(self.contacts[-1], overdue=-30, state="draft")
        draft.update(invoice_date=None, sent_at=None, draft_id=1)
        scheduled = self._new(self.manual, overdue=-33, state="scheduled")
        scheduled.update(sent_at=None, draft_id=2)
        lost = self._new(self.by_post, overdue=380, state="uncollectible")
        self._remind(lost, 2, 380)
        lost.update(marked_uncollectible_on=(today - timedelta(days=30)).isoformat(), next_reminder=None)

    def _note(self, invoice: dict, text: str) -> None:
        at = mb_timestamp(self.stamp(self.today - timedelta(days=3), 14))
        invoice["notes"].append({"id": self.ids(), "administration_id": self.aid, "entity_id": invoice["id"],
                                 "entity_type": "SalesInvoice", "user_id": self.user_id, "assignee_id": None,
                                 "todo": False, "note": text, "completed_at": None, "completed_by_id": None,
                                 "todo_type": None, "data": {}, "created_at": at, "updated_at": at})

    def _ordinary_invoices(self, count: int) -> None:
        rng, today = self.rng, self.today
        debtors = [c for c in self.contacts if c is not self.subsidiary]
        for bucket in _allocate(count, rng):
            contact = rng.choice(debtors)
            if bucket == "paid":
                invoice = self._new(contact, overdue=rng.randrange(-10, 420), special=False)
                due = date.fromisoformat(invoice["due_date"])
                day = min(max(due + timedelta(days=rng.randrange(-12, 40)),
                              date.fromisoformat(invoice["invoice_date"]) + timedelta(days=1)),
                          today - timedelta(days=1))
                mollie = rng.random() < 0.15
                self.after_numbering.append(lambda i=invoice, d=day, m=mollie: self._processed(
                    i, Decimal(i["total_price_incl_tax"]), d, psp=m))
                continue
            if bucket == "not_due":  # due within the payment term, invoice date not in the future
                term = self.payment_terms[contact["invoice_workflow_id"]]
                overdue = -rng.randrange(1, term)
            else:
                overdue = rng.randrange(*OVERDUE_DAYS[bucket])
            invoice = self._new(contact, overdue=overdue, special=bucket == "partial")
            if overdue > 7:
                chance = 0.3 if overdue <= 30 else 0.7 if overdue <= 60 else 0.85
                if rng.random() < chance:
                    self._remind(invoice, 1 if overdue <= 30 or rng.random() < 0.3 else 2, overdue)
            if bucket == "partial":
                share = Decimal(rng.randrange(30, 71)) / 100
                part = (Decimal(invoice["total_price_incl_tax"]) * share).quantize(CENT)
                day = today - timedelta(days=rng.randrange(1, overdue + 1))
                self.after_numbering.append(lambda i=invoice, p=part, d=day: self._processed(
                    i, p, d, message=f"Deelbetaling factuur {i['invoice_id']}"))

    def _number(self) -> None:
        """Invoice numbers per year in date order ("2026-0001") and RF payment references."""
        counters: dict[int, int] = {}
        numbered = [i for i in self.invoices if i["state"] not in ("draft", "scheduled")]
        for invoice in sorted(numbered, key=lambda i: (i["invoice_date"], i["id"])):
            year = int(invoice["invoice_date"][:4])
            counters[year] = counters.get(year, 0) + 1
            self.assign_number(invoice, counters[year])

    # ---- bank lines ----------------------------------------------------------------------------
    def _payer(self, contact: dict) -> tuple[str, str]:
        """Name and account a contact pays from: its known IBAN, else one account unknown to the books."""
        name = contact["company_name"] or f"{contact['firstname']} {contact['lastname']}"
        iban = contact["bank_account"] or self.unknown_accounts.get(contact["id"])
        if not iban:
            iban = self.unknown_accounts[contact["id"]] = _nl_iban(self.rng)
        return name, iban

    def _processed(self, invoice: dict, amount: Decimal, day: date, *, message: str | None = None,
                   psp: bool = False) -> None:
        """A payment already booked in Moneybird, with its (processed) bank line unless paid online."""
        if psp:
            tx = "tr_" + "".join(self.rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                                 for _ in range(10))
            self.pay(invoice, day, amount, None, transaction_identifier=tx)
            self.psp_paid.append(amount)
            return
        contact = self._contact_of(invoice)
        name, iban = self._payer(contact)
        number = invoice["invoice_id"]
        text = message or self.rng.choice((f"Factuur {number}", invoice["short_payment_reference"],
                                           f"{invoice['invoice_id']} {name}"))
        mutation = self.mutation(day, amount, text, name, iban)
        self.mutations.append(mutation)
        self.pay(invoice, day, amount, mutation)

    def _unprocessed(self, invoice: dict, amount: Decimal, payer: dict, message: str) -> dict:
        name, iban = self._payer(payer)
        day = self.today - timedelta(days=self.rng.randrange(0, 8))
        mutation = self.mutation(day, amount, message, name, iban)
        self.mutations.append(mutation)
        return mutation

    def _instalments(self, invoice: dict, months: int) -> None:
        total = Decimal(invoice["total_price_incl_tax"])
        part = (total / 6).quantize(CENT)
        start = date.fromisoformat(invoice["invoice_date"])
        for k in range(1, months):
            self._processed(invoice, part, start + timedelta(days=30 * k),
                            message=f"Termijn {k}/6 factuur {invoice['invoice_id']}")
        self._unprocessed(invoice, part, self._contact_of(invoice),
                          f"termijn {months}/6 fact {invoice['invoice_id']}")

    def _contact_of(self, invoice: dict) -> dict:
        return self.contact_index[invoice["contact_id"]]

    def _pool_scenarios(self, n_invoices: int) -> None:
        """Open invoices paid by unbooked bank lines in the ways debtors really pay."""
        pool = [i for i in self.invoices
                if i["id"] not in self.special and i["state"] not in ("draft", "scheduled")
                and not i["payments"] and Decimal(i["total_price_incl_tax"]) > 0]
        self.rng.shuffle(pool)
        wanted = min(len(pool), max(len(POOL_SCENARIOS), n_invoices // 25))
        for k, invoice in enumerate(pool[:wanted]):
            scenario = POOL_SCENARIOS[k % len(POOL_SCENARIOS)]
            contact = self._contact_of(invoice)
            total, number = Decimal(invoice["total_price_incl_tax"]), invoice["invoice_id"]
            year, seq = number.split("-")
            long_ref = invoice["payment_reference"]
            message, amount = {
                "num_dash": (f"Factuur {number}", total),
                "num_compact": (f"factuurnr {year}{seq} {contact['customer_id']}", total),
                "num_no_zeros": (f"betaling fact {year}-{int(seq)}", total),
                "num_spaced": (f"INV {year} {seq}", total),
                "ref_short": (invoice["short_payment_reference"], total),
                "ref_long": (" ".join(long_ref[i:i + 4] for i in range(0, len(long_ref), 4)), total),
                "iban_only": ("", total),
                "partial": (f"Deelbetaling {number}, rest volgt",
                            (total * Decimal("0.4")).quantize(CENT)),
                "bank_fee": (f"Factuur {number}", total - Decimal(self.rng.choice(("0.35", "2.50", "12.50")))),
            }[scenario]
            if scenario == "iban_only" and not contact["bank_account"]:
                contact["bank_account"] = _nl_iban(self.rng)
            self._unprocessed(invoice, amount, contact, message)

    def _other_bank_lines(self) -> None:
        """Lines that must NOT be matched to an invoice: PSP payout, tax refund, outgoing payments."""
        rng, today = self.rng, self.today
        payout = sum(self.psp_paid[:5], ZERO) or Decimal("842.17")
        fee = Decimal("0.29") * max(1, len(self.psp_paid[:5]))
        self.mutations.append(self.mutation(
            today - timedelta(days=2), payout - fee,
            f"Mollie Payments uitbetaling st.{rng.randrange(10**7, 10**8)} "
            f"{len(self.psp_paid[:5]) or 3} transacties",
            "Stichting Mollie Payments", MOLLIE_IBAN))
        quarter = (today.month - 1) // 3 or 4
        self.mutations.append(self.mutation(
            today - timedelta(days=4), Decimal(rng.randrange(300, 4000)),
            f"TERUGGAAF NR. {rng.randrange(10**15, 10**16)} OMZETBELASTING KW{quarter} {today.year}",
            "Belastingdienst", BELASTINGDIENST_IBAN))
        self.mutations.append(self.mutation(
            today - timedelta(days=1), Decimal("-1450.00"),
            f"Huur bedrijfsruimte {MONTHS_NL[today.month - 1]} {today.year}", "Vastgoed Beheer Utrecht B.V.",
            _nl_iban(rng)))
        self.mutations.append(self.mutation(
            today - timedelta(days=6), Decimal("-89.95"),
            f"KPN Zakelijk factuur {rng.randrange(10**9, 10**10)}",
            "KPN B.V.", _nl_iban(rng)))


def generate(*, seed: int = 1, invoices: int = 60, today: date, administration_id: str) -> SeedData:
    """The data set for `seed` and `today`: same inputs, same records, byte for byte."""
    collecting = gc.isenabled()
    gc.disable()  # a 20,000-invoice set allocates ~1M objects and no garbage: skip the collector's rescans
    try:
        return _Generator(seed, today, administration_id).run(invoices)
    finally:
        if collecting:
            gc.enable()
