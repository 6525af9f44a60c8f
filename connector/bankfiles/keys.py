"""Stable duplicate keys for statement entries: same payment, same key, whichever file it came in.

The key hashes what the bank itself fixed when it booked the entry: the account, the
booking date, the amount and currency and the bank's own reference (when it gives one),
plus the entry's position among identical entries of its statement. Why not the statement
id and the row number: banks number exports, not days (Rabobank's camt Stmt/Id embeds the
export's message number, ING puts a whole download in one MT940 statement), so an
overlapping export would shift every position; a day's identical payments keep their order.

* Identical rows within one statement (five equal Belastingdienst payments on one day) get
  ordinals 0..4 and so distinct keys.
* The same entry in another file covering that day gets the same key, so it is dropped.
* The same entry repeated in later statements of one file (cumulative camt.052 reports)
  gets the same key too.

Parsed texts (names, descriptions, extracted IBANs) stay out of the key on purpose: a
better :86: heuristic in a later release must not turn old imports into new payments.
"""

from __future__ import annotations

from decimal import Decimal
from hashlib import blake2b

from connector.bankfiles.entry import StatementEntry
from connector.bankfiles.text import account_tail

_KEY_VERSION = "bankfile-v1"
_CENT = Decimal("0.01")


def _amount_text(amount: Decimal) -> str:
    if amount == 0:
        return "0.00"
    return format(amount.quantize(_CENT), "f")


class MutationKeys:
    """Hands out keys for the entries of one file, in file order."""

    def __init__(self) -> None:
        self._statement = -1
        self._ordinals: dict[bytes, int] = {}

    def key(self, entry: StatementEntry) -> str:
        """`<last 4 of the account>-<16 hex>`, e.g. "4567-9f0c3e1a2b4d5e6f"; never the full account."""
        material = "|".join((
            _KEY_VERSION, entry.account, entry.booking_date.isoformat(), _amount_text(entry.amount),
            entry.currency, entry.bank_reference,
        ))
        if entry.statement != self._statement:
            # Ordinals count within one statement; entries come statement by statement.
            self._statement = entry.statement
            self._ordinals.clear()
        slot = blake2b(material.encode(), digest_size=8).digest()
        ordinal = self._ordinals.get(slot, 0)
        self._ordinals[slot] = ordinal + 1
        digest = blake2b(f"{material}|{ordinal}".encode(), digest_size=8).hexdigest()
        return f"{account_tail(entry.account)}-{digest}"
