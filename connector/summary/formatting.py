"""Babel formatting of money, numbers, dates and percentages in the summary's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from connector.summary.labels import LOCALES


class Formatter:
    """Bound to one locale so templates can call `money(x)`, `day(d)` without passing it around."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = LOCALES[language]

    def money(self, amount: Decimal | None) -> str:
        if amount is None:
            return "—"
        return format_currency(amount, "EUR", locale=self.locale)

    def number(self, value: int | Decimal | None, pattern: str | None = None) -> str:
        if value is None:
            return "—"
        return format_decimal(value, format=pattern, locale=self.locale)

    def days(self, value: Decimal | None) -> str:
        return self.number(value, "#,##0.0")

    def signed_days(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        text = format_decimal(abs(value), format="#,##0.0", locale=self.locale)
        return ("+" if value > 0 else "−" if value < 0 else "±") + text

    def percent(self, share: Decimal | None) -> str:
        """`share` is already a percentage (12.5 means 12.5 %)."""
        if share is None:
            return "—"
        number = format_decimal(share, format="#,##0.0", locale=self.locale)
        return f"{number}\u00a0%" if self.language == "nl" else f"{number}%"

    def day(self, value: date | None, style: str = "medium") -> str:
        if value is None:
            return "—"
        return format_date(value, format=style, locale=self.locale)

    def long_day(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)
