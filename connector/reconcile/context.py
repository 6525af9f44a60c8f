"""Prepared arrays the rules read: codes instead of strings, cents, days, who owns which IBAN.

Built once per run from `Books`; every rule works on these numpy arrays (or on short
per-payment lists taken from them), never on rows of Python records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from stdnum.iban import is_valid as iban_is_valid

from connector.reconcile.classify import Screening, screen
from connector.reconcile.frames import Books
from connector.reconcile.model import ReconcileSettings
from connector.reconcile.names import name_parts
from connector.reconcile.textscan import (
    TagZones,
    TextBuffer,
    Zones,
    build_buffer,
    envelope_zones,
    find_tags,
)

NO_CONTACT = -1
SEVERAL_CONTACTS = -2


@dataclass(eq=False)
class Context:
    """Everything about one run, indexed by invoice row (`inv_*`) or payment row (`mut_*`).

    Payment rows are the incoming payments only (amount > 0), in input order; `mut_source`
    maps them back to the rows of `books.mutations`.
    """

    books: Books
    settings: ReconcileSettings
    # invoices
    inv_id: np.ndarray
    inv_number: np.ndarray
    inv_contact: np.ndarray  # contact code
    inv_currency: np.ndarray
    inv_due: np.ndarray
    inv_day: np.ndarray  # invoice date (days); an invoice dated after a payment is not what it pays
    inv_total: np.ndarray
    inv_open: np.ndarray  # as given
    inv_reference: np.ndarray
    # contacts
    contact_ids: pd.Index
    contact_names: np.ndarray  # by contact code ("" when unknown)
    # payments
    mut_source: np.ndarray
    mut_id: np.ndarray
    mut_amount: np.ndarray
    mut_currency: np.ndarray
    mut_day: np.ndarray
    mut_name: np.ndarray
    mut_iban: np.ndarray
    mut_description: np.ndarray
    mut_contact: np.ndarray  # contact code of the IBAN, NO_CONTACT or SEVERAL_CONTACTS
    mut_own_account: np.ndarray
    buffer: TextBuffer
    tags: TagZones
    envelope: Zones
    screening: Screening
    remaining: np.ndarray = field(init=False)  # open amount still free, updated between phases

    def __post_init__(self) -> None:
        self.remaining = self.inv_open.copy()

    @property
    def n_mutations(self) -> int:
        return len(self.mut_id)

    def invoices_of(self, contact: int) -> np.ndarray:
        """Invoice rows of a customer with something open as given (credit notes included),
        oldest due first."""
        order, bounds = self._by_contact
        if contact < 0 or contact + 1 >= len(bounds):
            return order[:0]
        return order[bounds[contact] : bounds[contact + 1]]

    def paid_invoices_of(self, contact: int) -> np.ndarray:
        """Recently paid invoices (open 0) of a customer, oldest due first."""
        order, bounds = self._paid_by_contact
        if contact < 0 or contact + 1 >= len(bounds):
            return order[:0]
        return order[bounds[contact] : bounds[contact + 1]]

    @cached_property
    def _by_contact(self) -> tuple[np.ndarray, np.ndarray]:
        return self._group_by_contact(np.flatnonzero(self.inv_open != 0))

    @cached_property
    def _paid_by_contact(self) -> tuple[np.ndarray, np.ndarray]:
        return self._group_by_contact(np.flatnonzero((self.inv_open == 0) & (self.inv_total > 0)))

    def _group_by_contact(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows sorted by (contact, due date) and, per contact code, where its slice starts."""
        order = rows[np.lexsort((rows, self.inv_due[rows], self.inv_contact[rows]))]
        bounds = np.searchsorted(self.inv_contact[order], np.arange(len(self.contact_ids) + 1))
        return order, bounds

    def contacts_of_iban(self, iban: str) -> list[int]:
        """All customers known to pay from this account (several when contacts share it)."""
        pairs = self.books.contact_ibans
        ids = pairs.loc[pairs["iban"].to_numpy() == iban, "contact_id"].tolist()
        codes = self.contact_ids.get_indexer(ids)
        return sorted({int(c) for c in codes if c >= 0})

    def description(self, row: int) -> str:
        return str(self.mut_description[row])

    def set_remaining(self, remaining: np.ndarray) -> None:
        """Open amounts still free after earlier allocations; amount lookups follow them."""
        self.remaining = remaining
        for name in ("_amount_order", "_amount_sorted"):
            self.__dict__.pop(name, None)

    def open_with_amount(self, amount: int, currency: int) -> np.ndarray:
        """Invoice rows whose still-free open amount equals `amount` (same currency), in
        row order."""
        if amount <= 0:
            return _NO_ROWS
        ordered = self._amount_sorted
        low = int(ordered.searchsorted(amount, side="left"))
        high = int(ordered.searchsorted(amount, side="right"))
        rows = self._amount_order[low:high]
        return rows[self.inv_currency[rows] == currency]

    def amount_index(self) -> tuple[np.ndarray, np.ndarray]:
        """(invoice rows sorted by still-free open amount, stable; those amounts)."""
        return self._amount_order, self._amount_sorted

    @cached_property
    def _amount_order(self) -> np.ndarray:
        return np.argsort(self.remaining, kind="stable")

    @cached_property
    def _amount_sorted(self) -> np.ndarray:
        return self.remaining[self._amount_order]


_NO_ROWS = np.zeros(0, dtype=np.int64)


def _texts(column: pd.Series) -> np.ndarray:
    """The column as an object array of str (CSV and record frames hold str already)."""
    values = column.to_numpy(dtype=object)
    if len(values) and not all(type(v) is str for v in values[:: max(1, len(values) // 64)]):
        values = np.array([str(v) for v in values], dtype=object)
    return values


def build_context(books: Books, settings: ReconcileSettings) -> Context:
    inv = books.invoices
    mut = books.mutations
    contact_ids = pd.Index(
        pd.unique(np.concatenate((_texts(books.contacts["contact_id"]), _texts(inv["contact_id"]))))
    )
    names = np.full(len(contact_ids), "", dtype=object)
    named = books.contacts.drop_duplicates("contact_id")
    names[contact_ids.get_indexer(_texts(named["contact_id"]))] = _texts(named["name"])

    currencies = pd.Index(
        pd.unique(np.concatenate((_texts(inv["currency"]), _texts(mut["currency"]))))
    )
    incoming = np.flatnonzero(mut["amount_cents"].to_numpy(dtype=np.int64) > 0)
    descriptions = _texts(mut["description"])[incoming]
    buffer = build_buffer(descriptions.tolist())
    tags = find_tags(buffer)
    envelope = envelope_zones(tags)

    names_in = _texts(mut["counterparty_name"])[incoming]
    ibans_in = _texts(mut["counterparty_iban"])[incoming]
    names_in, ibans_in = names_in.copy(), ibans_in.copy()
    if len(tags.row):  # exports without parsed counterparty fields: take them from the tags
        no_name = names_in == ""
        if no_name.any():
            for row, value in tags.values(buffer, "NAME", rows=no_name).items():
                names_in[row] = value.title()
        no_iban = ibans_in == ""
        if no_iban.any():
            for row, value in tags.values(buffer, "IBAN", rows=no_iban).items():
                ibans_in[row] = value.replace(" ", "").upper()

    _payers_behind_intermediaries(names_in, ibans_in, descriptions)
    iban_owner = _iban_owners(books, contact_ids)
    mut_contact = np.array(iban_owner.reindex(ibans_in).fillna(NO_CONTACT).to_numpy(dtype=np.int64))
    mut_contact[ibans_in == ""] = NO_CONTACT
    own_account = _own_accounts(ibans_in, names_in, settings)
    mut_currency = currencies.get_indexer(_texts(mut["currency"])[incoming]).astype(np.int64)

    return Context(
        books=books,
        settings=settings,
        inv_id=_texts(inv["invoice_id"]),
        inv_number=_texts(inv["number"]),
        inv_contact=contact_ids.get_indexer(_texts(inv["contact_id"])).astype(np.int64),
        inv_currency=currencies.get_indexer(_texts(inv["currency"])).astype(np.int64),
        inv_due=inv["due_day"].to_numpy(dtype=np.int64),
        inv_day=inv["invoice_day"].to_numpy(dtype=np.int64),
        inv_total=inv["total_cents"].to_numpy(dtype=np.int64),
        inv_open=inv["open_cents"].to_numpy(dtype=np.int64),
        inv_reference=_texts(inv["payment_reference"]),
        contact_ids=contact_ids,
        contact_names=names,
        mut_source=incoming,
        mut_id=_texts(mut["mutation_id"])[incoming],
        mut_amount=mut["amount_cents"].to_numpy(dtype=np.int64)[incoming],
        mut_currency=mut_currency,
        mut_day=mut["day"].to_numpy(dtype=np.int64)[incoming],
        mut_name=names_in,
        mut_iban=ibans_in,
        mut_description=descriptions,
        mut_contact=mut_contact,
        mut_own_account=own_account,
        buffer=buffer,
        tags=tags,
        envelope=envelope,
        screening=screen(names_in.tolist(), descriptions.tolist(), settings.psp_names),
    )


#: Counterparties that forward one person's own payment and name that person in the text.
_INTERMEDIARY = re.compile(r"\bTIKKIE\b", re.IGNORECASE)
#: Tikkie: "Tikkie ID 000051239876, Bestelling lunchroom, Van Karin Smit, NL39BUNQ3840472445"
_PAYER_IN_TEXT = re.compile(
    r"\bvan\s+(?P<name>[^,]{2,70}?),\s*"
    r"(?P<iban>[A-Z]{2}\d{2}(?:[A-Z0-9]{10,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))\b",
    re.IGNORECASE,
)


def _payers_behind_intermediaries(names: np.ndarray, ibans: np.ndarray, texts: np.ndarray) -> None:
    """A Tikkie payment comes from ABN AMRO's Tikkie account; the payer's own name and account
    are in the description. Put them in place (in `names`, `ibans`), so the customer's known
    account counts as it would for a direct transfer; an account whose check digits fail is
    ignored."""
    if not len(names):
        return
    codes, distinct = pd.factorize(names)
    via = np.array([bool(_INTERMEDIARY.search(str(n))) for n in distinct] + [False])[codes]
    for row in np.flatnonzero(via).tolist():
        found = _PAYER_IN_TEXT.search(str(texts[row]))
        if found is None:
            continue
        iban = "".join(found["iban"].split()).upper()
        if iban_is_valid(iban):
            names[row] = found["name"].strip()
            ibans[row] = iban


def _own_accounts(ibans: np.ndarray, names: np.ndarray, settings: ReconcileSettings) -> np.ndarray:
    """Payments from the administration's own accounts: by IBAN, or by its own name (core
    words equal, so "VAN LEEUWEN INSTALLATIETECHNIEK BV" is "Van Leeuwen Installatietechniek
    B.V."); each distinct name is compared once."""
    own = {"".join(i.split()).upper() for i in settings.own_ibans}
    found = np.fromiter((iban in own for iban in ibans), dtype=bool, count=len(ibans)) if own else (
        np.zeros(len(ibans), dtype=bool))
    own_words = {name_parts(n).words for n in settings.own_names} - {()}
    if own_words and len(names):
        codes, distinct = pd.factorize(names)
        is_own = np.array([name_parts(str(n)).words in own_words for n in distinct] + [False])
        found |= is_own[codes]
    return found


def _iban_owners(books: Books, contact_ids: pd.Index) -> pd.Series:
    """IBAN → contact code; an IBAN shared by several customers maps to SEVERAL_CONTACTS."""
    pairs = books.contact_ibans
    if len(pairs) == 0:
        return pd.Series(dtype=np.int64)
    codes = contact_ids.get_indexer(_texts(pairs["contact_id"]))
    frame = pd.DataFrame({"iban": _texts(pairs["iban"]), "contact": codes}).drop_duplicates()
    frame = frame[frame["iban"] != ""]
    count = frame.groupby("iban", sort=False)["contact"].transform("size")
    frame = frame.assign(contact=np.where(count > 1, SEVERAL_CONTACTS, frame["contact"]))
    return frame.drop_duplicates("iban").set_index("iban")["contact"]
