"""Read statement files into `BankMutation` records: one file all-or-nothing, many files errors-as-data.

`parse_file` raises on the first problem, so a half-read file never reaches the store;
`import_files` catches that per file, so one bad download does not stop the others, and
drops entries another file already delivered (same key). Both take the run state of earlier
imports (`runs.RunState`) and give the new one back, for the caller to store with the entries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from connector.bankfiles.camt import read_camt
from connector.bankfiles.detect import CAMT, MT940, detect_format
from connector.bankfiles.entry import StatementEntry, StatementInfo
from connector.bankfiles.errors import BankFileError, FileError
from connector.bankfiles.keys import MutationKeys
from connector.bankfiles.mt940_reader import decode, read_mt940
from connector.bankfiles.runs import RunBook, RunState
from connector.bankfiles.text import mask_account, mask_ibans, same_account, show_account
from connector.records import BankMutation

log = logging.getLogger(__name__)

_HEAD_BYTES = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFile:
    """Everything one statement file holds, with keys assigned.

    Attributes:
        duplicates: entries left out because an earlier statement of the same file already
            had them (cumulative reports repeat entries).
        entries: with `parse_file(..., with_entries=True)`, the reader's entry behind each
            mutation (same order), for the bank's references a BankMutation has no field for.
        runs: the run state after this file (the one passed in, carried on by its statements).
    """

    name: str
    format: str
    statements: tuple[StatementInfo, ...]
    mutations: tuple[BankMutation, ...]
    duplicates: int = 0
    entries: tuple[StatementEntry, ...] = ()
    runs: RunState = field(default_factory=RunState)

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.account for s in self.statements if s.account))

    @property
    def bank(self) -> str:
        return next((s.bank for s in self.statements if s.bank), "")

    @property
    def period(self) -> tuple[date, date] | None:
        if not self.mutations:
            return None
        dates = [m.date for m in self.mutations]
        return min(dates), max(dates)

    @property
    def balance_ok(self) -> bool | None:
        """False when some statement's opening + entries differs from its closing balance."""
        checks = [s.balance_ok for s in self.statements if s.balance_ok is not None]
        return all(checks) if checks else None


@dataclass(frozen=True, slots=True, kw_only=True)
class FileSummary:
    """One imported file in a batch: what it was and how many new rows it gave."""

    file: str
    format: str
    bank: str
    accounts: tuple[str, ...]
    rows: int
    duplicates: int
    period: tuple[date, date] | None
    balance_ok: bool | None

    @property
    def masked_accounts(self) -> str:
        return ", ".join(mask_account(a) for a in self.accounts)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """The outcome of a batch: mutations of the files that could be read, and one error per other file.

    `runs` is the run state after the files that were read; store it with their mutations.
    """

    mutations: tuple[BankMutation, ...]
    errors: tuple[FileError, ...]
    files: tuple[FileSummary, ...]
    runs: RunState = field(default_factory=RunState)

    @property
    def per_file(self) -> dict[str, int]:
        """New rows per readable file (after dropping ones an earlier file already had)."""
        return {summary.file: summary.rows for summary in self.files}


def _entries(path: Path, name: str) -> Iterator[StatementEntry | StatementInfo]:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as error:
        raise BankFileError(name, f"cannot read the file ({error.strerror or error})") from None
    kind = detect_format(head)
    if kind == CAMT:
        return read_camt(path, display_name=name)
    if kind == MT940:
        return read_mt940(decode(path.read_bytes()), file=name)
    if not head.strip():
        raise BankFileError(name, "the file is empty")
    raise BankFileError(name, "not a bank statement: expected camt.052/053/054 XML or MT940", 1)


def parse_file(path: Path | str, *, name: str | None = None, with_entries: bool = False,
               runs: RunState | None = None) -> ParsedFile:
    """Read one camt or MT940 file completely, or raise BankFileError naming file and line.

    `name` is what messages and `BankMutation.source` call the file (default: its file name);
    banks put the account's IBAN in export names, so an IBAN in it is masked. `with_entries`
    keeps the reader's entries too (off by default: a year of entries is memory). `runs` is
    what earlier imports stored, so a page continuing an imported statement counts on.
    """
    path = Path(path)
    name = mask_ibans(name or path.name)
    keys = MutationKeys(RunBook(runs))
    seen: set[str] = set()
    mutations: list[BankMutation] = []
    entries: list[StatementEntry] = []
    statements: list[StatementInfo] = []
    duplicates = 0
    for item in _entries(path, name):
        if isinstance(item, StatementInfo):
            keys.book.close(item.index, item.mark)
            statements.append(item)
            continue
        key = keys.key(item)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        mutations.append(BankMutation(
            host_id=key, date=item.booking_date, amount=item.amount, currency=item.currency,
            counterparty_name=item.counterparty_name, counterparty_iban=item.counterparty_iban,
            description=item.description, end_to_end_id=item.end_to_end_id, source=name,
        ))
        if with_entries:
            entries.append(item)
    formats = [s.format for s in statements if s.format]
    return ParsedFile(
        name=name, format=formats[0] if formats else "", statements=tuple(statements),
        mutations=tuple(mutations), duplicates=duplicates, entries=tuple(entries), runs=keys.book.state(),
    )


def import_files(paths: Iterable[Path | str], *, account: str | None = None,
                 runs: RunState | None = None) -> ImportResult:
    """Read several files; a bad file becomes a FileError and yields nothing, the others go on.

    Mutations are de-duplicated by key across the files, first file first, so overlapping
    downloads can be imported together. With `account` (the administration's own IBAN), a
    file holding a statement of any other account is refused as a whole: a private or a
    colleague's export dropped in the inbox must not become this administration's payments.
    `runs` (what earlier imports stored) is carried from file to file; a refused file leaves
    it as it was.
    """
    state = runs or RunState()
    mutations: list[BankMutation] = []
    errors: list[FileError] = []
    files: list[FileSummary] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        try:
            parsed = parse_file(path, runs=state)
        except BankFileError as error:
            log.info("bank file rejected: %s", error)  # returned as data; the caller reports it
            errors.append(FileError.from_exception(error))
            continue
        except Exception as error:  # noqa: BLE001 - a reader bug must not lose the other files
            message = mask_ibans(f"unexpected {type(error).__name__}: {error}")
            log.error("bank file %s failed: %s", mask_ibans(path.name), message)
            errors.append(FileError(file=mask_ibans(path.name), message=message))
            continue
        foreign = _foreign_account(parsed, account)
        if foreign is not None:
            log.info("bank file rejected: %s", foreign)
            errors.append(foreign)
            continue
        state = parsed.runs
        fresh = [m for m in parsed.mutations if m.host_id not in seen]
        seen.update(m.host_id for m in fresh)
        mutations.extend(fresh)
        files.append(FileSummary(
            file=parsed.name, format=parsed.format, bank=parsed.bank, accounts=parsed.accounts,
            rows=len(fresh), duplicates=parsed.duplicates + len(parsed.mutations) - len(fresh),
            period=parsed.period, balance_ok=parsed.balance_ok,
        ))
        log.info("bank file %s: %s, %s, %d rows", parsed.name, parsed.format,
                 ", ".join(mask_account(a) for a in parsed.accounts), len(fresh))
    return ImportResult(mutations=tuple(mutations), errors=tuple(errors), files=tuple(files), runs=state)


def _foreign_account(parsed: ParsedFile, account: str | None) -> FileError | None:
    """The refusal of a file with a statement of another account than `account`, else None."""
    if not account:
        return None
    others = list(dict.fromkeys(s.account for s in parsed.statements if not same_account(s.account, account)))
    if not others:
        return None
    shown = ", ".join(show_account(other) for other in others)
    return FileError(file=parsed.name, message=(
        f"statement of account {shown}, but this administration's account (bank_files.account_iban) "
        f"is {show_account(account)}: nothing imported from this file"))
