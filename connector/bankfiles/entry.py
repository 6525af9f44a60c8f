"""What a statement reader produces before keys are assigned: entries and per-statement facts.

Readers of every format yield the same two records, so keying, de-duplication, balance
checks and the summary table are written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connector.bankfiles.sequence import StatementMark


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementEntry:
    """One booked line (or one transaction of a split batch), in the file's own terms.

    Attributes:
        account: the own account the statement is for (normalised, may be a non-IBAN number).
        statement: index (from 0) of the entry's statement (Stmt / :20: block) in the file.
        mark: that statement's place among the others (number, page, period), which decides
            the run identical entries are counted in (`runs.RunBook`).
        booking_date: the bank's booking date (value date when a file has no booking date).
        amount: signed; money in is positive.
        end_to_end_id: the payer's end-to-end id (camt EndToEndId, MT940 /EREF/).
        creditor_reference: the structured remittance reference (betalingskenmerk, RF), also in the description.
        bank_reference: the bank's own id for the entry ("" when none or NONREF); part of the key.
        line: where the entry starts in the file, for messages.
    """

    account: str
    statement: int
    mark: StatementMark
    booking_date: date
    amount: Decimal
    currency: str
    counterparty_name: str = ""
    counterparty_iban: str = ""
    description: str = ""
    end_to_end_id: str = ""
    creditor_reference: str = ""
    bank_reference: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementInfo:
    """Facts about one statement, yielded by a reader after that statement's entries.

    Attributes:
        format: "mt940" or the camt message version such as "camt.053.001.02".
        opening / closing: booked balances when the file gives them (signed).
        total: the sum of the entries this reader produced for the statement.
        mark: as on the statement's entries; also there when it has none.
    """

    index: int
    format: str
    account: str
    bank: str
    currency: str
    identifier: str = ""
    opening: Decimal | None = None
    closing: Decimal | None = None
    total: Decimal = Decimal(0)
    entries: int = 0
    mark: StatementMark | None = None

    @property
    def balance_ok(self) -> bool | None:
        """Whether opening + entries = closing; None when the file gives no balances."""
        if self.opening is None or self.closing is None:
            return None
        return self.opening + self.total == self.closing


def annotate_description(text: str, *, credit: bool, reversal: bool = False, return_reason: str = "",
                         ultimate: str = "", counterparty: str = "") -> str:
    """Add what the remittance text does not say: a storno or return, and on whose behalf money came in.

    Reconciliation needs these: a returned direct debit re-opens an invoice, and a payment
    "namens" a customer (via a parent company or a payment provider) belongs to that customer.
    """
    if credit and ultimate and ultimate != counterparty:
        text = f"{text} (namens {ultimate})".strip()
    if reversal or return_reason:
        label = " ".join(part for part in ("Storno" if reversal else "Retour", return_reason) if part)
        text = f"{label}: {text}".strip()
    return text
