"""Stable duplicate keys for statement entries: same payment, same key, whichever file it came in.

The key hashes what the bank itself fixed when it booked the entry: the account, the
booking date, the amount and currency and the bank's own reference (when it gives one),
plus the entry's position among identical entries of its run of statements (`sequence`:
one statement with all its pages, incremental reports that follow on). Why not the
statement id and the row number: banks number exports, not days (Rabobank's camt Stmt/Id
embeds the export's message number, ING puts a whole download in one MT940 statement), so
an overlapping export would shift every position; a day's identical payments keep their order.

* Identical rows within one statement (five equal Belastingdienst payments on one day) get
  ordinals 0..4 and so distinct keys, also when the statement is split over pages.
* The same entry in another file covering that day gets the same key, so it is dropped.
* The same entry repeated in a later statement of one file that repeats rather than
  continues (the statement exported twice, cumulative camt.052 reports) gets the same key too.
* A run split over files (page 2 delivered alone, incremental camt.052 reports in separate
  files) counts on from where the earlier file left it: `runs.RunBook` is handed what the
  earlier imports stored, so the second file's EUR 10 is a second payment, and a page or
  period imported before restarts where it started then and is dropped.

Known limit, narrowed: the counts of earlier imports are kept for `runs.HORIZON` (40 days)
and the last `runs.MAX_RUNS` runs per account; a continuation arriving later than that, a
report filling a gap between two imported ones, or page 2 of a page 1 imported before the
run state existed (or without it: `import_files` with no `runs`) counts as a re-export.
Banks that give a reference per entry (AcctSvcrRef, the :61: bank reference) are not affected.

Parsed texts (names, descriptions, extracted IBANs) stay out of the key on purpose: a
better :86: heuristic in a later release must not turn old imports into new payments.
"""

from __future__ import annotations

from decimal import Decimal
from hashlib import blake2b

from connector.bankfiles.entry import StatementEntry
from connector.bankfiles.runs import RunBook
from connector.bankfiles.text import account_tail

_KEY_VERSION = "bankfile-v1"
_CENT = Decimal("0.01")


def _amount_text(amount: Decimal) -> str:
    if amount == 0:
        return "0.00"
    return format(amount.quantize(_CENT), "f")


class MutationKeys:
    """Hands out keys for the entries of one file, in file order; `book` numbers identical ones."""

    def __init__(self, book: RunBook | None = None) -> None:
        self.book = book or RunBook()

    def key(self, entry: StatementEntry) -> str:
        """`<last 4 of the account>-<16 hex>`, e.g. "4567-9f0c3e1a2b4d5e6f"; never the full account."""
        material = "|".join((
            _KEY_VERSION, entry.account, entry.booking_date.isoformat(), _amount_text(entry.amount),
            entry.currency, entry.bank_reference,
        ))
        # The slot names the entry's kind without its position; it starts with the day so the
        # stored counts can forget old days.
        slot = f"{entry.booking_date.isoformat()}|{blake2b(material.encode(), digest_size=8).hexdigest()}"
        ordinal = self.book.ordinal(entry.statement, entry.mark, slot)
        digest = blake2b(f"{material}|{ordinal}".encode(), digest_size=8).hexdigest()
        return f"{account_tail(entry.account)}-{digest}"
