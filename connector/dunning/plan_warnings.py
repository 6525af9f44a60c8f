"""Warnings of a dunning plan as data (a code and its values), worded in the reader's language.

Why data: the planner is pure and does not know who reads its warnings — the accountant's
Dutch summary, the English CLI, a JSON export. Each reader picks the language with `text()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["PlanWarning", "arrangement_broken", "no_creditor_iban", "promise_broken"]

_TEXTS: dict[str, dict[str, str]] = {
    "no_creditor_iban": {
        "en": "no creditor IBAN in dunning.creditor: letters carry no bank details and no QR code",
        "nl": "geen IBAN van de schuldeiser in dunning.creditor: de brieven hebben geen bankgegevens en "
              "geen QR-code",
    },
    "promise_broken": {
        "en": "promise to pay by {until} broken{hold}: {invoices} still open; dunning resumes",
        "nl": "betaalbelofte voor {until} niet nagekomen{hold}: {invoices} nog open; het aanmanen gaat verder",
    },
    "arrangement_broken": {
        "en": "betalingsregeling broken{hold}: instalment of {amount} due {due_date} not paid "
              "(paid {paid} of {due_so_far} due); dunning resumes",
        "nl": "betalingsregeling niet nagekomen{hold}: termijn van {amount} van {due_date} niet betaald "
              "(betaald {paid} van {due_so_far}); het aanmanen gaat verder",
    },
}


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """`params` are (name, value) pairs of plain strings, so a warning is hashable and JSON-safe."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, language: str = "en") -> str:
        wording = _TEXTS[self.code]
        return wording.get(language, wording["en"]).format(**_localised(dict(self.params), language))

    def __str__(self) -> str:
        return self.text("en")


def _localised(params: dict[str, str], language: str) -> dict[str, str]:
    hold = params.get("hold", "")
    params["hold"] = f" (hold #{hold})" if hold else ""
    for name in ("amount", "paid", "due_so_far"):
        if name in params:
            params[name] = _money(Decimal(params[name]))
    return params


def _money(amount: Decimal) -> str:
    """`€ 1.234,56` in both languages, as the letters print it."""
    return f"€ {amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def no_creditor_iban() -> PlanWarning:
    return PlanWarning("no_creditor_iban")


def promise_broken(*, hold_id: int, until: str, invoices: str) -> PlanWarning:
    return PlanWarning("promise_broken", (("hold", str(hold_id or "")), ("until", until), ("invoices", invoices)))


def arrangement_broken(*, hold_id: int, amount: Decimal, due_date: str, paid: Decimal,
                       due_so_far: Decimal) -> PlanWarning:
    return PlanWarning("arrangement_broken", (
        ("hold", str(hold_id or "")), ("amount", str(amount)), ("due_date", due_date), ("paid", str(paid)),
        ("due_so_far", str(due_so_far))))
