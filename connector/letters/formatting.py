"""Amounts and dates as a Dutch reader expects them, through babel: `€ 1.234,56`, `23 november 2026`.

English letters use babel's en_NL locale: English month names with Dutch number formatting, so an
amount reads the same in both languages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

__all__ = ["LOCALES", "format_iban", "format_long_date", "format_money", "format_number", "format_short_date",
           "locale_for"]

LOCALES = {"nl": "nl_NL", "en": "en_NL"}


def locale_for(language: str) -> str:
    return LOCALES.get(language, LOCALES["nl"])


def format_money(amount: Decimal, language: str = "nl") -> str:
    """`€ 1.234,56` (with a no-break space, so the sign never wraps away from the number)."""
    if not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amounts are Decimal, got {amount!r}")
    return format_currency(Decimal(amount), "EUR", locale=locale_for(language))


def format_number(value: Decimal | int, language: str = "nl") -> str:
    return format_decimal(value, locale=locale_for(language))


def format_long_date(day: date, language: str = "nl") -> str:
    """`23 november 2026` / `23 November 2026`."""
    return format_date(day, "long", locale=locale_for(language))


def format_short_date(day: date, language: str = "nl") -> str:
    """`23-11-2026` in both languages (the Dutch numeric form)."""
    return format_date(day, "dd-MM-yyyy", locale=locale_for("nl"))


def format_iban(iban: str) -> str:
    """Groups of four: `NL91 ABNA 0417 1643 00`."""
    compact = iban.replace(" ", "").upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
