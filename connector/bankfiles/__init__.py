"""Bank statement files (camt.053/.052/.054 and MT940 of Dutch banks) to `BankMutation` records.

Public API:
    parse_file(path, runs=None) -> ParsedFile  one file, all-or-nothing (raises BankFileError)
    import_files(paths, account=None, runs=None)
                                               many files, errors as data, de-duplicated by key;
                                               with `account`, files of other accounts refused
    write_mutations_csv(mutations, path)       the import-bank CSV

`runs` is the `RunState` earlier imports stored (`.runs` of a ParsedFile / ImportResult is
the state after): with it a statement page or report continuing an imported one counts on.
"""

from __future__ import annotations

from connector.bankfiles.csv_output import (
    CSV_COLUMNS,
    format_amount,
    mutation_row,
    write_mutations_csv,
)
from connector.bankfiles.detect import detect_format
from connector.bankfiles.errors import BankFileError, FileError
from connector.bankfiles.importer import (
    FileSummary,
    ImportResult,
    ParsedFile,
    import_files,
    parse_file,
)
from connector.bankfiles.runs import RunState
from connector.bankfiles.text import mask_account, mask_ibans

__all__ = [
    "CSV_COLUMNS",
    "BankFileError",
    "FileError",
    "FileSummary",
    "ImportResult",
    "ParsedFile",
    "RunState",
    "detect_format",
    "format_amount",
    "import_files",
    "mask_account",
    "mask_ibans",
    "mutation_row",
    "parse_file",
    "write_mutations_csv",
]
