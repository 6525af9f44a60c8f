"""CSV in and out for `connector reconcile`, straight to frames (no per-row Python records).

Every value is read as text and checked per column with vectorised string operations; a
bad value is reported as ``file:line: column 'x': problem (got '...')``. Line numbers are
those of the file (a quoted field may span lines), worked out only when something is wrong.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from connector.errors import ConnectorError
from connector.reconcile.amounts import format_cents, parse_cents
from connector.reconcile.frames import Books, days_from_iso

INVOICE_CSV_COLUMNS = (
    "invoice_id",
    "number",
    "contact_id",
    "contact_name",
    "contact_ibans",
    "invoice_date",
    "due_date",
    "currency",
    "total",
    "open_amount",
    "payment_reference",
)
MUTATION_CSV_COLUMNS = (
    "mutation_id",
    "date",
    "amount",
    "currency",
    "counterparty_name",
    "counterparty_iban",
    "description",
)
OUTPUT_COLUMNS = ("mutation_id", "invoice_id", "amount", "status", "confidence", "reason")


class BadInputFile(ConnectorError):
    """An input file cannot be used as it is; the message names file, line and column."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class BadRow:
    path: str
    line: int
    column: str
    problem: str
    value: str = ""

    def __str__(self) -> str:
        got = f" (got {self.value!r})" if self.value else ""
        return f"{self.path}:{self.line}: column {self.column!r}: {self.problem}{got}"


def _read_text_frame(path: Path, columns: Sequence[str]) -> tuple[pd.DataFrame, list[BadRow]]:
    """All columns as str; rows with the wrong number of fields come back as BadRows."""
    name = str(path)
    try:
        frame = pd.read_csv(
            path,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            engine="c",
        )
        structural: list[BadRow] = []
    except FileNotFoundError:
        raise BadInputFile(f"{name}: no such file") from None
    except UnicodeDecodeError as exc:
        raise BadInputFile(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except pd.errors.EmptyDataError:
        raise BadInputFile(
            f"{name}:1: the file is empty; expected a header with {', '.join(columns)}"
        ) from None
    except pd.errors.ParserError:
        frame, structural = _read_with_csv_module(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BadInputFile(
            f"{name}:1: missing column(s) {', '.join(missing)}; the header must hold "
            f"{', '.join(columns)}"
        )
    return frame[list(columns)], structural


def _read_with_csv_module(path: Path) -> tuple[pd.DataFrame, list[BadRow]]:
    """Slow but exact: used only when pandas reports a malformed row."""
    bad: list[BadRow] = []
    rows: list[list[str]] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        previous = reader.line_num
        for record in reader:
            line = previous + 1
            previous = reader.line_num
            if not record:
                continue
            if len(record) != len(header):
                bad.append(
                    BadRow(
                        str(path),
                        line,
                        "(row)",
                        f"expected {len(header)} fields, found {len(record)}",
                    )
                )
                continue
            rows.append(record)
    return pd.DataFrame(rows, columns=header, dtype=object), bad


def _record_lines(path: Path) -> list[int]:
    """The line each data record starts on (1 is the header)."""
    lines = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        previous = reader.line_num
        for record in reader:
            if record:
                lines.append(previous + 1)
            previous = reader.line_num
    return lines


class _Checker:
    """Collects (row, column, problem) for one file and turns them into BadRows."""

    def __init__(self, path: Path, frame: pd.DataFrame) -> None:
        self.path = path
        self.frame = frame
        self.problems: list[tuple[np.ndarray, str, str]] = []
        self._texts: dict[str, np.ndarray] = {}

    def text(self, column: str, *, repeats: bool = False) -> np.ndarray:
        """The column's values trimmed, computed once. With `repeats` (dates, customer ids and
        names) each distinct value is trimmed once; a list comprehension beats `.str` either way."""
        found = self._texts.get(column)
        if found is None:
            values = self.frame[column].to_numpy(dtype=object)
            if repeats:
                codes, uniques = pd.factorize(values)
                table = np.array([str(v).strip() for v in uniques] + [""], dtype=object)
                found = table[codes]
            else:
                found = np.array(
                    [v.strip() if type(v) is str else str(v).strip() for v in values], dtype=object
                )
            self._texts[column] = found
        return found

    def check(self, bad: np.ndarray, column: str, problem: str) -> None:
        rows = np.flatnonzero(bad)
        if len(rows):
            self.problems.append((rows, column, problem))

    def required(self, column: str, *, repeats: bool = False) -> None:
        self.check(self.text(column, repeats=repeats) == "", column, "empty")

    def unique(self, column: str) -> None:
        self.check(
            pd.Series(self.text(column), dtype=object).duplicated(keep="first").to_numpy(),
            column,
            "duplicate id",
        )

    def bad_rows(self) -> list[BadRow]:
        if not self.problems:
            return []
        lines = _record_lines(self.path)
        seen: dict[int, BadRow] = {}
        for rows, column, problem in self.problems:
            values = self.frame[column].to_numpy()
            for row in rows.tolist():
                if row not in seen:
                    line = lines[row] if row < len(lines) else row + 2
                    seen[row] = BadRow(str(self.path), line, column, problem, str(values[row])[:60])
        return [seen[r] for r in sorted(seen)]

    def bad_mask(self) -> np.ndarray:
        mask = np.zeros(len(self.frame), dtype=bool)
        for rows, _, _ in self.problems:
            mask[rows] = True
        return mask


def _currency(values: pd.Series, checker: _Checker) -> np.ndarray:
    codes, uniques = pd.factorize(values)
    texts = [str(u).strip().upper() or "EUR" for u in uniques]
    bad_code = np.array(
        [not (len(t) == 3 and t.isalpha() and t.isascii()) for t in texts] + [False]
    )
    checker.check(bad_code[codes], "currency", "not a currency code like EUR")
    table = np.array(texts + ["EUR"], dtype=object)
    return table[codes]


_ANY_SPACE = re.compile(r"\s")


def _joined(values: np.ndarray) -> str | None:
    """All values joined by NUL, or None when one is not a str: lets one C-speed scan
    answer a question about a whole column (False answers mean "look at each value")."""
    try:
        return "\x00".join(values.tolist())
    except TypeError:
        return None


def _compact_ibans(values: np.ndarray) -> np.ndarray:
    """IBANs as compared: no spaces, upper case (each distinct text worked out once)."""
    values = np.asarray(values, dtype=object)
    joined = _joined(values)
    if joined is not None and not _ANY_SPACE.search(joined) and joined.upper() == joined:
        return values
    codes, uniques = pd.factorize(values)
    table = np.array([_compact_iban(v) for v in uniques] + [""], dtype=object)
    return table[codes]


def _compact_iban(text: object) -> str:
    text = str(text)
    return text.upper() if " " not in text and "\t" not in text else "".join(text.split()).upper()


def _finish(bad: list[BadRow], skip_bad_rows: bool) -> None:
    if bad and not skip_bad_rows:
        more = (
            f" (and {len(bad) - 1} more bad row(s); --skip-bad-rows skips them)"
            if len(bad) > 1
            else ""
        )
        raise BadInputFile(f"{bad[0]}{more}")


def read_invoices_csv(
    path: Path, *, skip_bad_rows: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[BadRow]]:
    """(invoices, contacts, contact_ibans, bad rows) from an invoices.csv."""
    raw, structural = _read_text_frame(path, INVOICE_CSV_COLUMNS)
    checker = _Checker(path, raw)
    checker.required("invoice_id")
    for column in ("contact_id", "invoice_date", "due_date"):
        checker.required(column, repeats=True)
    checker.unique("invoice_id")
    invoice_day, bad_date = days_from_iso(checker.text("invoice_date", repeats=True))
    checker.check(bad_date, "invoice_date", "not an ISO date (YYYY-MM-DD)")
    due_day, bad_due = days_from_iso(checker.text("due_date", repeats=True))
    checker.check(bad_due, "due_date", "not an ISO date (YYYY-MM-DD)")
    total, bad_total = parse_cents(raw["total"].to_numpy())
    checker.check(bad_total, "total", "not an amount like 1234.56")
    open_cents, bad_open = parse_cents(raw["open_amount"].to_numpy())
    checker.check(bad_open, "open_amount", "not an amount like 1234.56")
    currency = _currency(raw["currency"], checker)
    bad = sorted(structural + checker.bad_rows(), key=lambda b: b.line)
    _finish(bad, skip_bad_rows)
    keep = ~checker.bad_mask()
    invoices = pd.DataFrame(
        {
            "invoice_id": checker.text("invoice_id"),
            "number": raw["number"].to_numpy(dtype=object),
            "contact_id": checker.text("contact_id", repeats=True),
            "currency": currency,
            "invoice_day": invoice_day,
            "due_day": due_day,
            "total_cents": total,
            "open_cents": open_cents,
            "payment_reference": raw["payment_reference"].to_numpy(dtype=object),
        }
    )[keep].reset_index(drop=True)
    people = pd.DataFrame(
        {
            "contact_id": invoices["contact_id"].to_numpy(),
            "name": checker.text("contact_name", repeats=True)[keep],
            "ibans": raw["contact_ibans"].to_numpy()[keep],
        }
    ).drop_duplicates("contact_id")
    contacts = pd.DataFrame(
        {"contact_id": people["contact_id"].to_numpy(), "name": people["name"].to_numpy()}
    )
    # "NL..;NL..": all lists split at once, each piece owned by its contact
    texts = [str(t) for t in people["ibans"].tolist()]
    pieces = np.array(";".join(texts).split(";") if texts else [], dtype=object)
    per_contact = np.fromiter((t.count(";") + 1 for t in texts), dtype=np.int64, count=len(texts))
    owners = np.repeat(people["contact_id"].to_numpy(dtype=object), per_contact)
    compact = _compact_ibans(pieces)
    given = np.fromiter((bool(p.strip()) for p in pieces.tolist()), dtype=bool, count=len(pieces))
    ibans = pd.DataFrame(
        {"contact_id": owners[given], "iban": compact[given]}, dtype=object
    ).drop_duplicates()
    ibans = ibans.reset_index(drop=True)
    return invoices, contacts, ibans, bad


def read_mutations_csv(
    path: Path, *, skip_bad_rows: bool = False
) -> tuple[pd.DataFrame, list[BadRow]]:
    """(mutations, bad rows) from a mutations.csv (incoming money positive)."""
    raw, structural = _read_text_frame(path, MUTATION_CSV_COLUMNS)
    checker = _Checker(path, raw)
    checker.required("mutation_id")
    checker.required("date", repeats=True)
    checker.unique("mutation_id")
    day, bad_day = days_from_iso(checker.text("date", repeats=True))
    checker.check(bad_day, "date", "not an ISO date (YYYY-MM-DD)")
    amount, bad_amount = parse_cents(raw["amount"].to_numpy())
    checker.check(bad_amount, "amount", "not an amount like 1234.56")
    currency = _currency(raw["currency"], checker)
    bad = sorted(structural + checker.bad_rows(), key=lambda b: b.line)
    _finish(bad, skip_bad_rows)
    keep = ~checker.bad_mask()
    mutations = pd.DataFrame(
        {
            "mutation_id": checker.text("mutation_id"),
            "day": day,
            "amount_cents": amount,
            "currency": currency,
            "counterparty_name": checker.text("counterparty_name"),
            "counterparty_iban": _compact_ibans(raw["counterparty_iban"].to_numpy()),
            "description": raw["description"].to_numpy(),
        }
    )[keep].reset_index(drop=True)
    return mutations, bad


def read_books_csv(
    invoices_path: Path, mutations_path: Path, *, skip_bad_rows: bool = False
) -> tuple[Books, list[BadRow]]:
    """Both CSV files as engine input, plus the rows that were skipped (empty unless asked)."""
    invoices, contacts, ibans, bad_invoices = read_invoices_csv(
        Path(invoices_path), skip_bad_rows=skip_bad_rows
    )
    mutations, bad_mutations = read_mutations_csv(Path(mutations_path), skip_bad_rows=skip_bad_rows)
    return Books(invoices, contacts, ibans, mutations), bad_invoices + bad_mutations


def _field(text: str) -> str:
    """CSV quoting only where needed (ids rarely need it; reasons usually do)."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _fields(values: np.ndarray) -> list[str]:
    """A column as CSV fields; one scan shows when no value needs quotes (ids, statuses)."""
    values = np.asarray(values, dtype=object)
    joined = _joined(values)
    if joined is not None and not any(c in joined for c in ',"\r\n'):
        return values.tolist()
    return [_field(str(v)) for v in values.tolist()]


def _confidences(values: np.ndarray) -> list[str]:
    """'0.960'-style text; confidences take few distinct values, each formatted once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=float))
    table = np.array([f"{c:.3f}" for c in uniques.tolist()] + [""], dtype=object)
    return table[codes].tolist()


def write_matches_csv(path: Path, rows: pd.DataFrame) -> None:
    """Write engine output rows (cents, float confidence) as the documented CSV columns.

    Lines are built directly (csv.writer costs a third of the run at 100,000 rows); quoting
    follows RFC 4180 like csv.writer's minimal quoting.
    """
    columns = (
        _fields(rows["mutation_id"].to_numpy()),
        _fields(rows["invoice_id"].to_numpy()),
        format_cents(rows["amount_cents"].to_numpy()),
        _fields(rows["status"].to_numpy()),
        _confidences(rows["confidence"].to_numpy()),
        [_field(str(r)) for r in rows["reason"].to_numpy(dtype=object).tolist()],
    )
    lines = [",".join(OUTPUT_COLUMNS), *map(",".join, zip(*columns, strict=True))]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
