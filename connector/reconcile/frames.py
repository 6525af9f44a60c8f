"""The engine's input as pandas frames, built once (from domain records or straight from CSV).

Money is int64 cents, dates are int64 day numbers (days since 1970-01-01), text is str.
Column sets are fixed here so the record path and the CSV path feed the engine the same
shape and the same rules run on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from connector.money import to_cents
from connector.records import BankMutation, Contact, Invoice

INVOICE_COLUMNS = (
    "invoice_id",
    "number",
    "contact_id",
    "currency",
    "invoice_day",
    "due_day",
    "total_cents",
    "open_cents",
    "payment_reference",
)
CONTACT_COLUMNS = ("contact_id", "name")
CONTACT_IBAN_COLUMNS = ("contact_id", "iban")
MUTATION_COLUMNS = (
    "mutation_id",
    "day",
    "amount_cents",
    "currency",
    "counterparty_name",
    "counterparty_iban",
    "description",
)
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Books:
    """Everything the engine reads: invoices (open and recently paid), customers, payments."""

    invoices: pd.DataFrame
    contacts: pd.DataFrame
    contact_ibans: pd.DataFrame
    mutations: pd.DataFrame

    def __post_init__(self) -> None:
        for name, frame, columns in (
            ("invoices", self.invoices, INVOICE_COLUMNS),
            ("contacts", self.contacts, CONTACT_COLUMNS),
            ("contact_ibans", self.contact_ibans, CONTACT_IBAN_COLUMNS),
            ("mutations", self.mutations, MUTATION_COLUMNS),
        ):
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ValueError(f"{name} frame lacks columns {missing}")


def normalise_iban(text: pd.Series) -> pd.Series:
    """Upper case without spaces: how IBANs are compared."""
    return pd.Series(
        ["".join(str(v).split()).upper() for v in text.to_numpy()], index=text.index, dtype=object
    )


def day_number(value: date) -> int:
    return (value - _EPOCH).days


def day_to_date(day: int) -> date:
    return date.fromordinal(_EPOCH.toordinal() + int(day))


def days_from_iso(values) -> tuple[np.ndarray, np.ndarray]:
    """(days, bad) for a column of ISO dates (YYYY-MM-DD); bad rows get day 0.

    Dates repeat a lot in bank files, so each distinct text is parsed once.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y-%m-%d", errors="coerce")
    bad_unique = parsed.isna().to_numpy()
    days_unique = np.where(bad_unique, 0, parsed.to_numpy(dtype="datetime64[D]").astype(np.int64))
    return days_unique[codes], bad_unique[codes]


def _text(values: Sequence[str]) -> pd.Series:
    return pd.Series([str(v) for v in values], dtype=object)


def books_from_records(
    invoices: Sequence[Invoice], contacts: Sequence[Contact], mutations: Sequence[BankMutation]
) -> Books:
    """Frames from the domain records the adapters deliver."""
    invoice_frame = pd.DataFrame(
        {
            "invoice_id": _text([i.host_id for i in invoices]),
            "number": _text([i.number for i in invoices]),
            "contact_id": _text([i.contact_id for i in invoices]),
            "currency": _text([(i.currency or "EUR").upper() for i in invoices]),
            "invoice_day": np.array([day_number(i.invoice_date) for i in invoices], dtype=np.int64),
            "due_day": np.array([day_number(i.due_date) for i in invoices], dtype=np.int64),
            "total_cents": np.array([to_cents(i.total) for i in invoices], dtype=np.int64),
            "open_cents": np.array([to_cents(i.open_amount) for i in invoices], dtype=np.int64),
            "payment_reference": _text([i.payment_reference for i in invoices]),
        }
    )
    contact_frame = pd.DataFrame(
        {
            "contact_id": _text([c.host_id for c in contacts]),
            "name": _text([c.name for c in contacts]),
        }
    )
    pairs = [(c.host_id, iban) for c in contacts for iban in c.ibans if iban]
    iban_frame = pd.DataFrame(
        {
            "contact_id": _text([p[0] for p in pairs]),
            "iban": normalise_iban(_text([p[1] for p in pairs])),
        }
    )
    mutation_frame = pd.DataFrame(
        {
            "mutation_id": _text([m.host_id for m in mutations]),
            "day": np.array([day_number(m.date) for m in mutations], dtype=np.int64),
            "amount_cents": np.array([to_cents(m.amount) for m in mutations], dtype=np.int64),
            "currency": _text([(m.currency or "EUR").upper() for m in mutations]),
            "counterparty_name": _text([m.counterparty_name for m in mutations]),
            "counterparty_iban": normalise_iban(_text([m.counterparty_iban for m in mutations])),
            "description": _text([m.description for m in mutations]),
        }
    )
    return Books(invoice_frame, contact_frame, iban_frame, mutation_frame)
