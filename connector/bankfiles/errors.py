"""Errors of the bank file import: one exception while parsing, one record per failed file after.

A bad file must be named with the line that broke it (the accountant opens it and looks),
and the batch of files must go on, so `import_files` turns the exception into a `FileError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.bankfiles.text import mask_ibans
from connector.errors import InputFileError


class BankFileError(InputFileError):
    """A statement file we cannot read; nothing from that file is imported.

    File name and message are masked: any IBAN in them shows only its last four characters.
    """

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        file = mask_ibans(file)
        self.file = file
        self.line = line
        self.reason = mask_ibans(message)
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {self.reason}")


@dataclass(frozen=True, slots=True, kw_only=True)
class FileError:
    """A file that failed in a batch import: which file, which line, and why."""

    file: str
    message: str
    line: int | None = None

    @classmethod
    def from_exception(cls, error: BankFileError) -> FileError:
        return cls(file=error.file, message=error.reason, line=error.line)

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"
