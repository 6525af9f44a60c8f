"""`reconcile_csv`: the CSV command as a function (used by the CLI and the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from connector.reconcile.csv_io import BadRow, read_books_csv, write_matches_csv
from connector.reconcile.engine import output_rows, reconcile_books
from connector.reconcile.model import DEFAULT_SETTINGS, ReconcileSettings


@dataclass(frozen=True, slots=True)
class CsvRunSummary:
    invoices: int
    payments: int
    incoming: int
    auto: int
    suggested: int
    flags: int
    rows_written: int
    bad_rows: list[BadRow] = field(default_factory=list)


def reconcile_csv(
    invoices_csv: Path,
    mutations_csv: Path,
    output_csv: Path,
    *,
    skip_bad_rows: bool = False,
    settings: ReconcileSettings = DEFAULT_SETTINGS,
) -> CsvRunSummary:
    """Read both files, reconcile, write matches.csv; raises BadInputFile on bad input
    (unless `skip_bad_rows`, which skips and reports the bad rows instead)."""
    books, bad = read_books_csv(
        Path(invoices_csv), Path(mutations_csv), skip_bad_rows=skip_bad_rows
    )
    matches, flags = reconcile_books(books, settings)
    rows = output_rows(matches, flags, books.mutations["mutation_id"])
    write_matches_csv(Path(output_csv), rows)
    status = matches["status"]
    return CsvRunSummary(
        invoices=len(books.invoices),
        payments=len(books.mutations),
        incoming=int((books.mutations["amount_cents"] > 0).sum()),
        auto=int(matches.loc[status == "auto", "mutation_id"].nunique()),
        suggested=int(matches.loc[status == "suggested", "mutation_id"].nunique()),
        flags=len(flags),
        rows_written=len(rows),
        bad_rows=bad,
    )
