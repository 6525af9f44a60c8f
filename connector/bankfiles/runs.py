"""Where each account's runs of statements stand across files, so a page in a later file counts on.

The duplicate key numbers identical entries within a run of statements (`sequence`). Within
one file the run is in plain sight; a page or report delivered in a later file needs to know
how far the run got when the earlier file was imported. `RunBook` starts from what earlier
imports left (a `RunState`), is fed one file's statements and entries in file order, hands
out each entry's ordinal and gives back the new state. It does no IO: the caller loads the
state and stores the new one together with the entries it covers.

Per account and currency, a statement is placed, in this order:

1. already imported (same number and page, same opening day and period): it starts where it
   started then, so its entries get the same keys and are dropped;
2. another page of a numbered statement the run holds (page 2 after page 1, or page 1
   after page 2 came first): it starts after every ordinal the run handed out. Before the
   overlap rule, because the pages of a camt statement all carry the statement's period;
3. its period overlaps what a run covers (a re-export, a cumulative report): it starts where
   the run stood at the stored statement its period begins in;
4. it continues the statement before it in this file, or, as the file's first statement of
   the account, the last statement of a stored run (:62M: -> :60M:, a period starting where
   the run ended): it starts after every ordinal the run handed out;
5. otherwise a new run, counted from 0 as a file on its own would be.

Counting too low only ever drops a repeat; counting too high would book a payment twice.
So restarts never go beyond the stored start, and the state may forget (days and runs older
than `HORIZON`): a forgotten run behaves as if the file came on its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from hashlib import blake2b
from typing import Any

from connector.bankfiles.sequence import StatementMark, continues, same_statement
from connector.bankfiles.text import account_tail

HORIZON = timedelta(days=40)  # how long a run may still be continued or repeated
MAX_MARKS = 64  # statements kept per run (older ones fold into its base counts)
MAX_RUNS = 32  # runs kept per account and currency
_FORMAT = 1

Counts = Mapping[str, int]  # slot ("YYYY-MM-DD|<hash of the entry's key material>") -> entries


def account_key(account: str) -> str:
    """How the state names an account: its last four characters and a hash, never the account itself."""
    return f"{account_tail(account)}-{blake2b(account.encode(), digest_size=6).hexdigest()}"


def _reference_key(reference: str) -> str:
    return blake2b(reference.encode(), digest_size=6).hexdigest() if reference else ""


def _stored_form(mark: StatementMark) -> StatementMark:
    """The mark as the state keeps it: account and statement id hashed (camt ids may hold the IBAN)."""
    return replace(mark, account=account_key(mark.account), currency=mark.currency[:8],
                   reference=_reference_key(mark.reference))


@dataclass(frozen=True, slots=True)
class ChainMark:
    """A statement of a run and the entries per slot it added when it was first imported."""

    mark: StatementMark
    counts: Counts


@dataclass(frozen=True, slots=True)
class Run:
    """Statements that continue each other, and how far their counts got.

    Attributes:
        marks: the statements in run order (pages, follow-on reports).
        base: the counts of statements that were folded away (older than MAX_MARKS).
        used: per slot, one past the highest ordinal handed out in this run (also by
            re-exports and cumulative reports, which are not statements of the run).
        start / end: the period everything imported into the run covers, when known.
    """

    marks: tuple[ChainMark, ...]
    base: Counts = field(default_factory=dict)
    used: Counts = field(default_factory=dict)
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccountRuns:
    """The runs of one account and currency, most recently used last."""

    runs: tuple[Run, ...] = ()

    def to_data(self) -> dict[str, Any]:
        """A JSON-able form (what the store keeps)."""
        return {"format": _FORMAT, "runs": [_run_data(run) for run in self.runs]}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AccountRuns:
        """The inverse of `to_data`; ValueError when the data is not that."""
        try:
            if data.get("format") != _FORMAT:
                raise ValueError(f"unknown format {data.get('format')!r}")
            return cls(runs=tuple(_run_from(item) for item in data["runs"]))
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a bank-file run state ({type(error).__name__}: {error})") from None


@dataclass(frozen=True, slots=True)
class RunState:
    """What earlier imports left, per (account key, currency); empty for a first import."""

    accounts: Mapping[tuple[str, str], AccountRuns] = field(default_factory=dict)


class RunBook:
    """One file's pass over the runs: statements are placed as their entries come, in file order."""

    def __init__(self, state: RunState | None = None) -> None:
        self._runs: dict[tuple[str, str], list[_Run]] = {
            key: [_Run.of(run) for run in account.runs] for key, account in (state or RunState()).accounts.items()
        }
        # per account: this file's latest statement and the run it went to
        self._previous: dict[tuple[str, str], tuple[StatementMark, _Run]] = {}
        self._open: _Placement | None = None

    def ordinal(self, statement: int, mark: StatementMark, slot: str) -> int:
        """The position of this entry among identical ones (same slot) in its run."""
        return self._enter(statement, mark).take(slot)

    def close(self, statement: int, mark: StatementMark | None) -> None:
        """Statement `statement` has ended (placed now if it had no entries)."""
        if mark is not None:
            self._enter(statement, mark)
        self._finish()

    def state(self) -> RunState:
        """Everything known after this file, pruned to what may still matter."""
        self._finish()
        return RunState(accounts={key: AccountRuns(runs=_pruned(runs)) for key, runs in self._runs.items() if runs})

    def _enter(self, statement: int, mark: StatementMark) -> _Placement:
        if self._open is not None and self._open.statement == statement:
            return self._open
        self._finish()
        self._open = self._place(statement, _stored_form(mark))
        return self._open

    def _finish(self) -> None:
        placement, self._open = self._open, None
        if placement is None:
            return
        run = placement.run
        for slot, count in placement.seen.items():
            run.used[slot] = max(run.used.get(slot, 0), placement.start.get(slot, 0) + count)
        if placement.chained:
            run.marks.append(ChainMark(mark=placement.mark, counts=placement.seen))
        run.cover(placement.mark)
        runs = self._runs[placement.key]
        runs.remove(run)
        runs.append(run)
        self._previous[placement.key] = (placement.mark, run)

    def _place(self, statement: int, mark: StatementMark) -> _Placement:
        key = (mark.account, mark.currency)
        runs = self._runs.setdefault(key, [])

        def restart(run: _Run, start: dict[str, int]) -> _Placement:
            return _Placement(statement=statement, mark=mark, key=key, run=run, start=start)

        def carry_on(run: _Run) -> _Placement:
            # no copy: a run's counts only change once the statement being read is finished
            return _Placement(statement=statement, mark=mark, key=key, run=run, start=run.used, chained=True)

        for run in reversed(runs):
            index = run.index_of(mark)
            if index is not None:
                return restart(run, run.start_of(index))
        # pages of a statement repeat its period, so a new page goes before an overlap
        previous = self._previous.get(key)
        for run in ([previous[1]] if previous is not None else []) + runs[::-1]:
            if run.has_other_page_of(mark):
                return carry_on(run)
        for run in reversed(runs):
            if run.overlaps(mark):
                return restart(run, run.start_at(mark))
        if previous is not None and continues(previous[0], mark):
            return carry_on(previous[1])
        if previous is None:
            for run in reversed(runs):
                if run.marks and continues(run.marks[-1].mark, mark):
                    return carry_on(run)
        run = _Run(marks=[], base={}, used={})
        runs.append(run)
        return _Placement(statement=statement, mark=mark, key=key, run=run, start={}, chained=True)


@dataclass(slots=True, kw_only=True)
class _Placement:
    """Where the statement being read counts from, and what it has counted so far."""

    statement: int
    mark: StatementMark
    key: tuple[str, str]
    run: _Run
    start: dict[str, int]
    chained: bool = False  # a statement of the run (else a repeat, re-export or cumulative report)
    seen: dict[str, int] = field(default_factory=dict)

    def take(self, slot: str) -> int:
        count = self.seen.get(slot, 0)
        self.seen[slot] = count + 1
        return self.start.get(slot, 0) + count


@dataclass(slots=True, kw_only=True, eq=False)  # runs are told apart by identity
class _Run:
    """A `Run` being worked on."""

    marks: list[ChainMark]
    base: dict[str, int]
    used: dict[str, int]
    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def of(cls, run: Run) -> _Run:
        return cls(marks=list(run.marks), base=dict(run.base), used=dict(run.used), start=run.start, end=run.end)

    def frozen(self) -> Run:
        return Run(marks=tuple(self.marks), base=dict(self.base), used=dict(self.used), start=self.start, end=self.end)

    def index_of(self, mark: StatementMark) -> int | None:
        return next((i for i in range(len(self.marks) - 1, -1, -1) if same_statement(self.marks[i].mark, mark)), None)

    def start_of(self, index: int) -> dict[str, int]:
        """The counts before statement `index` of the run."""
        counts = dict(self.base)
        for chained in self.marks[:index]:
            for slot, count in chained.counts.items():
                counts[slot] = counts.get(slot, 0) + count
        return counts

    def overlaps(self, mark: StatementMark) -> bool:
        if None in (mark.start, mark.end, self.start, self.end):
            return False
        try:
            return mark.start < self.end and (self.start < mark.end or self.start <= mark.start)
        except TypeError:  # one with a time zone, one without: no verdict
            return False

    def start_at(self, mark: StatementMark) -> dict[str, int]:
        """The counts at the latest statement of the run that began no later than `mark`; none before."""
        best: tuple[datetime, int] | None = None
        for index, chained in enumerate(self.marks):
            begun = chained.mark.start
            try:
                if begun is not None and begun <= mark.start and (best is None or begun >= best[0]):
                    best = (begun, index)
            except TypeError:
                continue
        return self.start_of(best[1]) if best is not None else {}

    def has_other_page_of(self, mark: StatementMark) -> bool:
        """Another page of the same numbered statement is in this run (the opening days agreeing)."""
        if mark.page is None or not mark.number:
            return False
        return any(c.mark.number == mark.number and c.mark.page not in (None, mark.page)
                   and _near(c.mark.day, mark.day) for c in self.marks)

    def cover(self, mark: StatementMark) -> None:
        if mark.start is None:
            return
        end = mark.end or mark.start
        try:
            start = mark.start if self.start is None else min(self.start, mark.start)
            end = end if self.end is None else max(self.end, end)
        except TypeError:
            return  # a period with a time zone beside one without: keep what we had
        self.start, self.end = start, end

    def newest(self) -> str:
        """The latest day this run knows of ("" when none)."""
        days = [slot[:10] for slot in self.used]
        days += [c.mark.day.isoformat() for c in self.marks if c.mark.day is not None]
        return max(days, default="")


def _near(first: date | None, second: date | None) -> bool:
    return first is None or second is None or abs(first - second) <= HORIZON


def _pruned(runs: list[_Run]) -> tuple[Run, ...]:
    """Forget days and runs older than HORIZON, and statements beyond MAX_MARKS per run."""
    newest = max((run.newest() for run in runs), default="")
    kept = []
    for run in runs:
        last = run.newest()
        if last and newest and last < (date.fromisoformat(newest) - HORIZON).isoformat():
            continue
        if last:
            cutoff = (date.fromisoformat(last) - HORIZON).isoformat()
            run.used = _recent(run.used, cutoff)
            run.base = _recent(run.base, cutoff)
            run.marks = [replace(c, counts=_recent(c.counts, cutoff)) for c in run.marks]
        while len(run.marks) > MAX_MARKS:
            folded = run.marks.pop(0)
            for slot, count in folded.counts.items():
                run.base[slot] = run.base.get(slot, 0) + count
        kept.append(run.frozen())
    return tuple(kept[-MAX_RUNS:])


def _recent(counts: Counts, cutoff: str) -> dict[str, int]:
    return {slot: count for slot, count in counts.items() if slot[:10] >= cutoff}


# -- JSON form ---------------------------------------------------------------------------------

_FLAGS = (("opens_intermediate", "om"), ("closes_intermediate", "cm"))


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _mark_data(mark: StatementMark) -> dict[str, Any]:
    data: dict[str, Any] = {"account": mark.account, "currency": mark.currency, "reference": mark.reference,
                            "number": mark.number, "page": mark.page,
                            "day": mark.day.isoformat() if mark.day else None,
                            "start": _moment(mark.start), "end": _moment(mark.end)}
    data.update({short: True for name, short in _FLAGS if getattr(mark, name)})
    return data


def _mark_from(data: Mapping[str, Any]) -> StatementMark:
    return StatementMark(
        account=str(data["account"]), currency=str(data["currency"]), reference=str(data["reference"]),
        number=str(data["number"]), page=None if data["page"] is None else int(data["page"]),
        day=date.fromisoformat(data["day"]) if data["day"] else None,
        start=_parse_moment(data["start"]), end=_parse_moment(data["end"]),
        **{name: bool(data.get(short)) for name, short in _FLAGS},
    )


def _counts_from(data: Mapping[str, Any]) -> dict[str, int]:
    return {str(slot): int(count) for slot, count in data.items()}


def _run_data(run: Run) -> dict[str, Any]:
    return {"marks": [{"mark": _mark_data(c.mark), "counts": dict(c.counts)} for c in run.marks],
            "base": dict(run.base), "used": dict(run.used), "start": _moment(run.start), "end": _moment(run.end)}


def _run_from(data: Mapping[str, Any]) -> Run:
    return Run(
        marks=tuple(ChainMark(mark=_mark_from(item["mark"]), counts=_counts_from(item["counts"]))
                    for item in data["marks"]),
        base=_counts_from(data["base"]), used=_counts_from(data["used"]),
        start=_parse_moment(data["start"]), end=_parse_moment(data["end"]),
    )


def changed_accounts(before: RunState, after: RunState) -> Iterator[tuple[tuple[str, str], AccountRuns]]:
    """The accounts whose runs differ between two states (what a store has to write)."""
    for key, runs in after.accounts.items():
        if before.accounts.get(key) != runs:
            yield key, runs
