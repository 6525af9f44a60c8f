"""Statutory interest rates (art. 6:119 consumer, art. 6:119a commercial) as an immutable table.

Why a table and not a formula: the consumer rate is set by decree and has not always followed
its own formula (research note §4.1), so only published rates are used. The table ships as
package data (`rates.csv`, copied from the research folder); when the government publishes a
new rate before a release, pass the path of an updated CSV to `load_rates`.

CSV columns: ``kind,effective_from,rate_percent,source`` with kind ``consumer`` or
``commercial``, an ISO date and a percentage like ``10.15``. A row whose source starts with
``UNCONFIRMED`` (currently: commercial 10.40 % from 2026-07-01) is loaded and flagged;
`RateTable.confirmed_only()` drops such rows for callers that want only corroborated rates, and
keeps them aside so `unconfirmed_between` can still say which period an unverified rate covers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "InterestKind",
    "RateRow",
    "RateTable",
    "RateTableError",
    "default_rates",
    "load_rates",
    "parse_rates_csv",
]

_HEADER = ("kind", "effective_from", "rate_percent", "source")
_PACKAGED = "rates.csv"


class InterestKind(StrEnum):
    """Which statute sets the rate: consumer/non-commercial (6:119) or commercial (6:119a)."""

    CONSUMER = "consumer"
    COMMERCIAL = "commercial"


class RateTableError(ValueError):
    """A rates CSV that cannot be trusted; the message names the file and line."""


@dataclass(frozen=True, kw_only=True)
class RateRow:
    kind: InterestKind
    effective_from: date
    rate_percent: Decimal
    source: str
    line: int = 0

    @property
    def unconfirmed(self) -> bool:
        return self.source.lstrip().upper().startswith("UNCONFIRMED")


@dataclass(frozen=True)
class RateTable:
    """Rates per kind, sorted by effective date; `origin` says where they were read from.

    `dropped` holds the UNCONFIRMED rows `confirmed_only()` left out: they are never charged,
    but a letter can say that the period they would cover is charged at the last confirmed rate.
    """

    rows: tuple[RateRow, ...]
    origin: str = "<memory>"
    dropped: tuple[RateRow, ...] = ()

    def for_kind(self, kind: InterestKind | str) -> tuple[RateRow, ...]:
        wanted = InterestKind(kind)
        return tuple(row for row in self.rows if row.kind is wanted)

    def rate_on(self, kind: InterestKind | str, day: date) -> Decimal:
        """The percentage in force on `day`; ValueError before the first known rate."""
        return self.row_on(kind, day).rate_percent

    def row_on(self, kind: InterestKind | str, day: date) -> RateRow:
        current: RateRow | None = None
        for row in self.for_kind(kind):
            if row.effective_from > day:
                break
            current = row
        if current is None:
            raise ValueError(
                f"no {InterestKind(kind).value} interest rate known for {day.isoformat()} "
                f"in {self.origin}"
            )
        return current

    def change_dates(self, kind: InterestKind | str, after: date, up_to: date) -> tuple[date, ...]:
        """Effective dates d with ``after < d <= up_to`` where the rate actually differs."""
        dates: list[date] = []
        previous: Decimal | None = None
        for row in self.for_kind(kind):
            if (
                previous is not None
                and row.rate_percent != previous
                and after < row.effective_from <= up_to
            ):
                dates.append(row.effective_from)
            previous = row.rate_percent
        return tuple(dates)

    def newest(self, kind: InterestKind | str) -> RateRow:
        rows = self.for_kind(kind)
        if not rows:
            raise ValueError(f"no {InterestKind(kind).value} rates in {self.origin}")
        return rows[-1]

    def is_stale(self, kind: InterestKind | str, today: date, *, months: int = 7) -> bool:
        """True when the newest row is older than `months` (note §8.2: warn after ~7 months)."""
        newest = self.newest(kind).effective_from
        elapsed = (today.year - newest.year) * 12 + (today.month - newest.month)
        if today.day < newest.day:
            elapsed -= 1
        return elapsed >= months

    def confirmed_only(self) -> RateTable:
        """The same table without rows whose source is marked UNCONFIRMED."""
        return RateTable(
            tuple(r for r in self.rows if not r.unconfirmed),
            self.origin + " (confirmed only)",
            dropped=self.dropped + tuple(r for r in self.rows if r.unconfirmed),
        )

    def unconfirmed_between(
        self, kind: InterestKind | str, first_day: date, last_day: date
    ) -> tuple[RateRow, ...]:
        """UNCONFIRMED rows (charged or dropped) that are in force on some day of
        [first_day, last_day] in the full published table."""
        wanted = InterestKind(kind)
        full = sorted(
            (r for r in (*self.rows, *self.dropped) if r.kind is wanted),
            key=lambda r: r.effective_from,
        )
        found = []
        for row, following in zip(full, [*full[1:], None], strict=True):
            ends_after_first = following is None or following.effective_from > first_day
            if row.unconfirmed and row.effective_from <= last_day and ends_after_first:
                found.append(row)
        return tuple(found)

    def is_charged(self, row: RateRow) -> bool:
        """True when `row` is one of the rows this table charges (not dropped)."""
        return row in self.rows

    @classmethod
    def fixed(cls, kind: InterestKind | str, rate_percent: Decimal) -> RateTable:
        """A single flat rate, for an agreed contractual rate (art. 6:119 lid 3)."""
        row = RateRow(
            kind=InterestKind(kind),
            effective_from=date.min,
            rate_percent=Decimal(rate_percent),
            source="agreed rate",
        )
        return cls((row,), f"fixed {rate_percent}%")


def parse_rates_csv(text: str, origin: str = "<memory>") -> RateTable:
    """Parse CSV text into a RateTable; a bad row raises RateTableError naming origin and line."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header[:4]) != _HEADER:
        raise RateTableError(f"{origin}:1: expected header {','.join(_HEADER)}, got {header!r}")
    rows: list[RateRow] = []
    seen: dict[tuple[InterestKind, date], int] = {}
    for fields in reader:
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) < 3:
            raise RateTableError(
                f"{origin}:{line}: expected kind,effective_from,rate_percent[,source]"
            )
        kind_text, date_text, rate_text = (f.strip() for f in fields[:3])
        source = fields[3].strip() if len(fields) > 3 else ""
        try:
            kind = InterestKind(kind_text.lower())
        except ValueError:
            raise RateTableError(
                f"{origin}:{line}: kind must be 'consumer' or 'commercial', got {kind_text!r}"
            ) from None
        try:
            effective = date.fromisoformat(date_text)
        except ValueError:
            raise RateTableError(
                f"{origin}:{line}: effective_from must be a date YYYY-MM-DD, got {date_text!r}"
            ) from None
        try:
            rate = Decimal(rate_text.replace(",", "."))
        except InvalidOperation:
            raise RateTableError(
                f"{origin}:{line}: rate_percent is not a number: {rate_text!r}"
            ) from None
        if not rate.is_finite() or rate < 0 or rate >= 100:
            raise RateTableError(
                f"{origin}:{line}: rate_percent must be in [0, 100), got {rate_text!r}"
            )
        key = (kind, effective)
        if key in seen:
            raise RateTableError(
                f"{origin}:{line}: duplicate {kind.value} rate for {effective.isoformat()} "
                f"(first on line {seen[key]})"
            )
        seen[key] = line
        rows.append(
            RateRow(
                kind=kind, effective_from=effective, rate_percent=rate, source=source, line=line
            )
        )
    if not rows:
        raise RateTableError(f"{origin}: no rate rows")
    rows.sort(key=lambda r: (r.kind.value, r.effective_from))
    return RateTable(tuple(rows), origin)


def load_rates(path: str | Path | None = None) -> RateTable:
    """The shipped table (cached), or the CSV at `path` when the user supplies a newer one."""
    if path is None:
        return default_rates()
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RateTableError(f"{file}: cannot read rates file: {exc.strerror or exc}") from None
    return parse_rates_csv(text, str(file))


@lru_cache(maxsize=1)
def default_rates() -> RateTable:
    """The rates table shipped inside the package (read once)."""
    text = resources.files("connector.legal").joinpath(_PACKAGED).read_text(encoding="utf-8")
    return parse_rates_csv(text, f"connector/legal/{_PACKAGED}")
