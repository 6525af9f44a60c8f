"""An encrypted-file keyring for servers: no desktop keyring, no password prompt.

Use it with
    PYTHON_KEYRING_BACKEND=connector.keyring_backend.EncryptedFileKeyring
    CONNECTOR_KEYRING_PASSWORD=<a long passphrase, e.g. from systemd's LoadCredential or a secret store>
    CONNECTOR_KEYRING_FILE=/var/lib/connector/keyring.json   (optional; default in the XDG data folder)

Each secret is encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the
passphrase with scrypt and a per-file salt; the file holds only ciphertext. keyrings.alt's own
encrypted backend asks for its password on the terminal, which a service cannot answer.

All secrets share one file, and rotating OAuth tokens are rewritten on every refresh, so each
change is a read-modify-write under a lock file that also holds across processes (two runs
refreshing different logins must not drop each other's new refresh token), with the file
re-read inside the lock and replaced atomically.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from filelock import FileLock, Timeout
from keyring.backend import KeyringBackend
from keyring.errors import InitError, KeyringError, PasswordDeleteError

PASSWORD_ENV = "CONNECTOR_KEYRING_PASSWORD"
FILE_ENV = "CONNECTOR_KEYRING_FILE"
LOCK_TIMEOUT = 60.0
_lock = threading.Lock()


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "debiteurenbeheer-connector" / "keyring.json"


class EncryptedFileKeyring(KeyringBackend):
    priority = 0.5  # type: ignore[assignment]  # only chosen when named explicitly

    @property
    def path(self) -> Path:
        return Path(os.environ.get(FILE_ENV) or default_path())

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"salt": base64.b64encode(os.urandom(16)).decode(), "entries": {}}

    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict]:
        """The file's current content, written back when the block ends without an error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with _lock, FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT):
                data = self._load()
                yield data
                self._save(data)
        except Timeout:
            raise KeyringError(
                f"another process has held the lock of {self.path} for {LOCK_TIMEOUT:.0f} s"
            ) from None

    def _save(self, data: dict) -> None:
        """Write a temporary file (0600 from the start), flush it to disk, then swap it in."""
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def _fernet(self, data: dict) -> Fernet:
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise InitError(f"set {PASSWORD_ENV} to unlock the encrypted keyring file {self.path}")
        kdf = Scrypt(salt=base64.b64decode(data["salt"]), length=32, n=2**15, r=8, p=1)
        return Fernet(base64.urlsafe_b64encode(kdf.derive(password.encode())))

    @staticmethod
    def _name(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        data = self._load()
        token = data["entries"].get(self._name(service, username))
        if token is None:
            return None
        try:
            return self._fernet(data).decrypt(token.encode()).decode()
        except InvalidToken:
            raise KeyringError(f"{PASSWORD_ENV} does not unlock {self.path}") from None

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._changing() as data:
            fernet = self._fernet(data)
            for token in list(data["entries"].values())[:1]:
                try:
                    fernet.decrypt(token.encode())
                except InvalidToken:
                    raise KeyringError(f"{PASSWORD_ENV} does not unlock {self.path}") from None
            data["entries"][self._name(service, username)] = fernet.encrypt(password.encode()).decode()

    def delete_password(self, service: str, username: str) -> None:
        with self._changing() as data:
            if data["entries"].pop(self._name(service, username), None) is None:
                raise PasswordDeleteError("no such secret")
