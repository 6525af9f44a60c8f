"""Which statements form one run of bookings: pages of a statement go on, a repeat starts over.

The duplicate key counts identical entries (same day, amount, reference) within such a run,
so the count must not restart on a new page of the same statement: page 2's EUR 10 from
the payer who also paid EUR 10 on page 1 is a second payment. It must restart when a
statement repeats what an earlier one covered (the same statement twice, cumulative
intraday reports), so the repeated entries get the same keys and are dropped.

A statement continues the one before it (same account and currency) when the file says so:

* MT940: the same statement number in :28C: with a higher page ("00001/002" after
  "00001/001"), or an intermediate balance in between (:62M: closing, :60M: opening);
* camt: the same sequence number (ElctrncSeqNb / LglSeqNb) with a higher page
  (StmtPgntn / RptPgntn), or a period (FrToDt) that starts where the previous one ended,
  as incremental camt.052 reports do; a period that overlaps the previous one repeats it.

Anything else starts a new run, which for statements of different days changes nothing:
the day is part of the key. `runs.RunBook` applies these rules across files too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementMark:
    """What a statement says about its place among the others.

    Attributes:
        reference: MT940 :20:, camt Stmt/Id.
        number: MT940 :28C: statement number (before the "/"), camt ElctrncSeqNb or LglSeqNb.
        page: MT940 :28C: sequence number (after the "/"), camt StmtPgntn/PgNb; None when absent.
        day: the date of the opening balance (MT940 :60F:/:60M:, camt OPBD/PRCD); None when
            absent. Tells this year's statement 00001 from last year's.
        opens_intermediate / closes_intermediate: MT940 :60M: / :62M: (the statement goes on
            on another page).
        start / end: camt FrToDt.
    """

    account: str
    currency: str
    reference: str = ""
    number: str = ""
    page: int | None = None
    day: date | None = None
    opens_intermediate: bool = False
    closes_intermediate: bool = False
    start: datetime | None = None
    end: datetime | None = None


def continues(previous: StatementMark | None, current: StatementMark) -> bool:
    """Whether `current` carries on the run of `previous`, the statement just before it."""
    if previous is None or (previous.account, previous.currency) != (current.account, current.currency):
        return False
    if (previous.reference, previous.number, previous.page) == (current.reference, current.number, current.page):
        return False  # the same statement (page) once more
    paged = current.page is not None and previous.page is not None
    if paged and current.number and current.number == previous.number:
        return current.page > previous.page
    if previous.closes_intermediate or current.opens_intermediate:
        return True
    if previous.end is not None and current.start is not None:
        try:
            return current.start >= previous.end
        except TypeError:  # one with a time zone, one without: no verdict
            return False
    return False


def same_statement(stored: StatementMark, current: StatementMark) -> bool:
    """Whether `current` is `stored` once more (a re-import or a re-export of that statement or page).

    The statement number names it (a :20: or Stmt/Id may be new in every export), else the
    reference; the page, the opening day and the period must agree too. Without a number or
    a reference nothing can be told, so nothing is the same.
    """
    if (stored.account, stored.currency, stored.page) != (current.account, current.currency, current.page):
        return False
    if stored.number or current.number:
        if stored.number != current.number:
            return False
    elif not stored.reference or stored.reference != current.reference:
        return False
    if stored.day is not None and current.day is not None and stored.day != current.day:
        return False
    return (stored.start, stored.end) == (current.start, current.end)


def parse_moment(text: str | None) -> datetime | None:
    """An ISO date-time such as camt's FrDtTm; None when absent or unreadable (it only steers the count)."""
    try:
        return datetime.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def page_number(text: str | None) -> int | None:
    """A page or sequence number such as "002" or "2"; None when there is none."""
    value = (text or "").strip()
    return int(value) if value.isdigit() else None
