"""Money helpers: every amount is a Decimal in euros or an integer of cents, never a float.

One constructor (`D`) turns host strings into Decimals so a float can never slip in,
and `to_cents`/`from_cents` convert at the edges of code that wants integers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
CENT = Decimal("0.01")


def D(value: str | int | Decimal | None) -> Decimal:
    """Parse an amount from a host payload ("12.50", 12, Decimal) into a Decimal.

    Floats are refused: a float amount means a parser somewhere lost precision.
    """
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        raise TypeError(f"refusing float amount {value!r}: parse JSON with parse_float=Decimal")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def quantize(amount: Decimal) -> Decimal:
    """Round to whole cents, half up (the Dutch convention for amounts on letters)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(amount: Decimal) -> int:
    """Whole cents of an amount, rounding half up."""
    return int(quantize(amount) * 100)


def from_cents(cents: int) -> Decimal:
    """Decimal euros with two places from integer cents."""
    return (Decimal(cents) / 100).quantize(CENT)
