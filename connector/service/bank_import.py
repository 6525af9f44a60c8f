"""Bank statement files as a second source of bank lines, for every package.

Files dropped in an administration's inbox folder are imported at the start of a cycle;
a file that was read is moved to `processed/`, a bad one to `rejected/` with the reason
beside it, so nothing is read twice and nothing silently disappears. With the
administration's `bank_files.account_iban` given, a statement of another account is such a
bad file: imported from nowhere, moved to `rejected/`.

Each file is keyed against what earlier files left of each account's runs of statements
(`connector.bankfiles.runs`), so page 2 of a statement delivered in a later file counts on
from page 1, and that state is stored in the same transaction as the file's bank lines.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from connector.bankfiles import ImportResult, import_files
from connector.store import Store
from connector.store.bank_runs import BankFileRuns, RunStateConflict

IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload")
_ATTEMPTS = 3  # reads of the run state per file when another import stored one meanwhile


@dataclass
class BankImportReport:
    files: int = 0
    new_lines: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def import_bank_files(store: Store, admin: str, paths: Iterable[Path], *,
                      account_iban: str | None = None) -> BankImportReport:
    """Parse and store statement files; each file is all-or-nothing, duplicates are skipped by key,
    and with `account_iban` a file for another account is refused."""
    report = BankImportReport()
    for path in paths:
        _import_one(store, admin, path, report, account_iban)
    return report


def import_inbox(store: Store, admin: str, inbox: Path, *, account_iban: str | None = None) -> BankImportReport:
    """Import every file waiting in `inbox`, then move it to processed/ or rejected/."""
    report = BankImportReport()
    if not inbox.is_dir():
        report.errors.append(f"bank inbox {inbox} does not exist")
        return report
    waiting = sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")
                     and not p.name.endswith(IGNORED_SUFFIXES))
    for path in waiting:
        error = _import_one(store, admin, path, report, account_iban)
        if error:
            target = _move(path, inbox / "rejected")
            target.with_name(target.name + ".error.txt").write_text(error + "\n", encoding="utf-8")
        else:
            _move(path, inbox / "processed")
    return report


def import_and_store(store: Store, admin: str, paths: Iterable[Path], *,
                     account_iban: str | None = None) -> tuple[ImportResult, int]:
    """Read the files against the stored run state and store their lines with the state they
    leave, in one transaction; (what was read, how many lines were new). Files that cannot be
    read are in `result.errors` and store nothing."""
    runs = BankFileRuns(store)
    paths = list(paths)
    for attempt in range(1, _ATTEMPTS + 1):
        loaded = runs.load(admin)
        result = import_files(paths, account=account_iban, runs=loaded.state)
        if not result.mutations and not result.files:
            return result, 0
        try:
            return result, runs.add_mutations(admin, result.mutations, result.runs, loaded)
        except RunStateConflict:  # another import stored its state meanwhile: read it again
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _import_one(store: Store, admin: str, path: Path, report: BankImportReport, account_iban: str | None) -> str:
    """Import one file into the store with the run state it leaves; returns its error text ("" when read)."""
    result, new = import_and_store(store, admin, [path], account_iban=account_iban)
    if result.errors:
        error = "; ".join(str(e) for e in result.errors)
        report.errors.append(error)
        return error
    report.files += 1
    report.new_lines += new
    report.duplicates += len(result.mutations) - new
    return ""


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    counter = 1
    while target.exists():
        target = folder / f"{path.stem}.{counter}{path.suffix}"
        counter += 1
    shutil.move(str(path), target)
    return target
