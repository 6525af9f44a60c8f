"""Shared vocabulary of the per-payment rules: confidences, money in words, near-misses, hits."""

from __future__ import annotations

from dataclasses import dataclass

from connector.reconcile.context import Context
from connector.reconcile.evidence import REF

CONF_REFERENCE = 0.99
CONF_NUMBER = 0.98
CONF_NUMBERS = 0.97
CONF_PARTIAL = 0.96
CONF_IBAN = 0.96
CONF_BALANCE = 0.95
OTHER_PAYER_PENALTY = 0.01
#: a difference this small (in cents) is rounding, either way
ROUNDING_CENTS = 5


def eur(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}EUR {cents // 100}.{cents % 100:02d}"


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
    number = ctx.inv_number[hit.inv]
    if hit.kind == REF:
        return (
            f"The description holds payment reference {ctx.inv_reference[hit.inv]} of "
            f"invoice {number}"
        )
    written = f" (written '{hit.quoted}')" if hit.quoted and hit.quoted != number else ""
    return f"The description holds invoice number {number}{written}"


def unique_invoices(hits: list[Hit]) -> list[Hit]:
    seen: set[int] = set()
    out = []
    for h in hits:
        if h.inv not in seen:
            seen.add(h.inv)
            out.append(h)
    return out
