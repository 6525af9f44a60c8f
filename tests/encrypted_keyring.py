"""The connector's encrypted keyring file for tests whose `doctor` must pass: the suite's default
plaintext keyring is one the doctor rightly refuses for real secrets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest

from connector.keyring_backend import FILE_ENV, PASSWORD_ENV, EncryptedFileKeyring


@contextmanager
def encrypted_keyring(folder: Path) -> Iterator[None]:
    """This process and every CLI subprocess it starts keep secrets encrypted in `folder`."""
    previous = keyring.get_keyring()  # before the environment changes: it picks the backend on first use
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHON_KEYRING_BACKEND", "connector.keyring_backend.EncryptedFileKeyring")
        patch.setenv(PASSWORD_ENV, "a long test passphrase")
        patch.setenv(FILE_ENV, str(folder / "keyring.json"))
        keyring.set_keyring(EncryptedFileKeyring())
        try:
            yield
        finally:
            keyring.set_keyring(previous)
