"""Shared vocabulary of the per-payment rules: confidences, money in words, near-misses, hits."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from connector.reconcile.context import Context
from connector.reconcile.evidence import REF
from connector.reconcile.model import ReconcileSettings

CONF_REFERENCE = 0.99
CONF_NUMBER = 0.98
CONF_NUMBERS = 0.97
CONF_PARTIAL = 0.96
CONF_IBAN = 0.96
CONF_BALANCE = 0.95
OTHER_PAYER_PENALTY = 0.01
PSP_PENALTY = 0.02
CONF_NAME_NUMBER = 0.95  # name, a short number and the exact amount agree
NAME_CERTAIN = 90  # name similarity that, with a fitting number and amount, is the customer  # one invoice's exact amount forwarded by a payment provider
#: a difference this small (in cents) is rounding, either way
ROUNDING_CENTS = 5


def eur(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}EUR {cents // 100}.{cents % 100:02d}"


def listed_paid_exactly(names: str, amount: int) -> str:
    """Reason for rule 3: every listed invoice found, and together exactly the amount."""
    return (
        f"The description lists invoices {names}; the payment of {eur(amount)} equals their "
        "open amounts together."
    )


def short_payment_reason(words: str, rest: int, open_cents: int, why: str) -> str:
    """Reason for rule 8: a quoted invoice paid a little short."""
    return (
        f"{words}, but the payment is {eur(rest)} short of the open amount {eur(open_cents)} "
        f"({why}); {eur(rest)} would stay open unless written off."
    )


def part_payment_reason(words: str, amount: int, open_cents: int, rest: int) -> str:
    """Reason for rule 4: a quoted invoice paid in part, the rest stays open."""
    return (
        f"{words}; the payment of {eur(amount)} is a part payment of the open "
        f"{eur(open_cents)}, so {eur(rest)} stays open."
    )


def credit_netted_reason(words: str, amount: int, open_cents: int, credit_number: str) -> str:
    """Reason: a quoted invoice paid net of an open credit note the payer did not name."""
    return (
        f"{words}; the payment of {eur(amount)} equals its open {eur(open_cents)} minus open "
        f"credit note {credit_number} of this customer, which the description does not name."
    )


#: Words with which a payer says they kept part of the invoice back on purpose.
_DEDUCTION = re.compile(
    r"\b(?:minus|min\.|retour\w*|verrekend|verrekening|ingehouden|inhouding|aftrek|afgetrokken"
    r"|in mindering|less|deducted)\b",
    re.IGNORECASE,
)


def mentions_deduction(description: str) -> bool:
    return bool(_DEDUCTION.search(description))


#: Words with which a payer says the money is for an invoice still to come.
_ADVANCE = re.compile(
    r"\b(?:voorschot|vooruitbetaling|aanbetaling|factuur volgt|borg|waarborgsom|deposit|"
    r"advance payment|prepayment)\b",
    re.IGNORECASE,
)


def mentions_advance(description: str) -> bool:
    return bool(_ADVANCE.search(description))


_MONTHS = {
    **{name: k for k, names in enumerate(
        (("januari", "january"), ("februari", "february", "feb"),  # not "jan": a first name
         ("maart", "march", "mrt"), ("april", "apr"), ("mei",),
         ("juni", "june", "jun"), ("juli", "july", "jul"), ("augustus", "august", "aug"),
         ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
         ("november", "nov"), ("december", "dec")), start=1) for name in names},
}
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)


def months_named(description: str) -> frozenset[int]:
    """The months (1-12) a description names ("abonnement maart", "lease mrt en apr"): a hint
    for ranking monthly invoices of one amount, never enough to book one (a month's fee is
    often invoiced in the month before)."""
    return frozenset(_MONTHS[m.lower()] for m in _MONTH_WORD.findall(description))


def deduction_reason(words: str, amount: int, open_cents: int, rest: int) -> str:
    """Reason: a part payment whose description says something was kept back."""
    return (
        f"{words}; the payment of {eur(amount)} is {eur(rest)} less than the open "
        f"{eur(open_cents)} and the description says something was deducted: decide whether "
        "to accept the deduction or chase the rest."
    )


def shortfalls(paid: np.ndarray, open_cents: np.ndarray, settings: ReconcileSettings) -> list[str]:
    """`shortfall` for whole arrays ("" where the payment is not a near-miss)."""
    paid = np.asarray(paid, dtype=np.int64)
    open_cents = np.asarray(open_cents, dtype=np.int64)
    diff = open_cents - paid
    why = np.full(len(paid), "", dtype=object)
    undecided = (diff > 0) & (paid > 0)
    for permille in settings.discount_rates_permille:
        expected = (open_cents * (1000 - permille) + 500) // 1000
        hit = undecided & (np.abs(paid - expected) <= 1)
        why[hit] = f"{permille / 10:g}% payment discount deducted"
        undecided &= ~hit
    rounding = undecided & (diff <= ROUNDING_CENTS)
    why[rounding] = "rounding difference"
    undecided &= ~rounding
    costs = (
        undecided
        & (diff <= settings.fee_tolerance_cents)
        & (diff * 1000 <= open_cents * settings.fee_tolerance_permille)
    )
    why[costs] = "bank or payment-provider costs deducted?"
    return why.tolist()


def shortfall(paid: int, open_cents: int, ctx: Context) -> str:
    """Why a payment slightly below the open amount may still be meant as payment in full."""
    diff = open_cents - paid
    if diff <= 0 or paid <= 0:
        return ""
    settings = ctx.settings
    for permille in settings.discount_rates_permille:
        expected = (open_cents * (1000 - permille) + 500) // 1000
        if abs(paid - expected) <= 1:
            return f"{permille / 10:g}% payment discount deducted"
    if diff <= ROUNDING_CENTS:
        return "rounding difference"
    if (
        diff <= settings.fee_tolerance_cents
        and diff * 1000 <= open_cents * settings.fee_tolerance_permille
    ):
        return "bank or payment-provider costs deducted?"
    return ""


@dataclass(frozen=True, slots=True)
class Hit:
    inv: int
    kind: int
    labelled: bool
    quoted: str
    note: str


def key_words(ctx: Context, hit: Hit) -> str:
    """How the description names the invoice, for a reason."""
    return quote_words(hit.kind, ctx.inv_number[hit.inv], ctx.inv_reference[hit.inv], hit.quoted)


def quote_words(kind: int, number: str, reference: str, quoted: str) -> str:
    """How the description names an invoice (`quoted`: the text as written), for a reason."""
    if kind == REF:
        return f"The description holds payment reference {reference} of invoice {number}"
    written = f" (written '{quoted}')" if quoted and quoted != number else ""
    return f"The description holds invoice number {number}{written}"


def unique_invoices(hits: list[Hit]) -> list[Hit]:
    seen: set[int] = set()
    out = []
    for h in hits:
        if h.inv not in seen:
            seen.add(h.inv)
            out.append(h)
    return out
