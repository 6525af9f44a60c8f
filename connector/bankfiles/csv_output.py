"""Write mutations as the import-bank CSV: fixed columns, ISO dates, signed dot-decimal amounts.

Payers write the remittance text, so a description could start with "=" and run as a
formula when an accountant opens the CSV in a spreadsheet; such cells get a leading quote.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from connector.money import quantize
from connector.records import BankMutation

CSV_COLUMNS = ("mutation_id", "date", "amount", "currency", "counterparty_name", "counterparty_iban", "description")
_FORMULA_START = re.compile(r"^(?:[=+@\t\r]|-(?![\d\s]))")


def format_amount(amount: Decimal) -> str:
    """"1234.50", "-7.50": two decimals, a dot, a minus for money out, never "-0.00"."""
    if amount == 0:
        return "0.00"
    return format(quantize(amount), "f")


def _safe_text(value: str) -> str:
    return f"'{value}" if _FORMULA_START.match(value) else value


def mutation_row(mutation: BankMutation) -> list[str]:
    """One CSV row in `CSV_COLUMNS` order."""
    return [
        mutation.host_id, mutation.date.isoformat(), format_amount(mutation.amount), mutation.currency,
        _safe_text(mutation.counterparty_name), mutation.counterparty_iban, _safe_text(mutation.description),
    ]


def write_mutations_csv(mutations: Iterable[BankMutation], path: Path | str | TextIO) -> int:
    """Write the header and one row per mutation (UTF-8, "\\n" line ends); "-" means stdout.

    Returns the number of rows written.
    """
    if isinstance(path, (str, Path)) and str(path) != "-":
        with Path(path).open("w", encoding="utf-8", newline="") as handle:
            return _write(mutations, handle)
    return _write(mutations, sys.stdout if isinstance(path, (str, Path)) else path)


def _write(mutations: Iterable[BankMutation], handle: TextIO) -> int:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for mutation in mutations:
        writer.writerow(mutation_row(mutation))
        count += 1
    return count
