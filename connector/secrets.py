"""Secrets live in the OS keyring (or an environment variable named in the config), never in the file.

Keyring entries are stored under the service `debiteurenbeheer-connector` with the user
name `<administration key>/<secret name>`. On a headless server without a desktop
keyring, select the connector's encrypted-file backend
(PYTHON_KEYRING_BACKEND=connector.keyring_backend.EncryptedFileKeyring with CONNECTOR_KEYRING_PASSWORD,
see docs/operations.md) or name an environment variable in the config (`token_env:`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping

import keyring
import keyring.errors

from connector.errors import KeyringUnavailable, SecretMissing

SERVICE = "debiteurenbeheer-connector"
SERVER_BACKEND = "connector.keyring_backend.EncryptedFileKeyring"


def _username(admin_key: str, name: str) -> str:
    return f"{admin_key}/{name}"


def _keyring_problem(action: str, exc: keyring.errors.KeyringError) -> KeyringUnavailable:
    """Name the backend and what to set: a locked keyring is not a missing secret."""
    backend = keyring.get_keyring()
    backend_name = f"{type(backend).__module__}.{type(backend).__qualname__}"
    if backend_name == SERVER_BACKEND:
        from connector.keyring_backend import PASSWORD_ENV

        fix = f"{PASSWORD_ENV} must hold the passphrase the keyring file was created with"
    else:
        fix = (f"on a server, set PYTHON_KEYRING_BACKEND={SERVER_BACKEND} and CONNECTOR_KEYRING_PASSWORD, "
               "or name an environment variable in the config (docs/operations.md)")
    return KeyringUnavailable(f"cannot {action}: keyring {backend_name}: {exc}; {fix}")


def set_secret(admin_key: str, name: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, _username(admin_key, name), value)
    except keyring.errors.KeyringError as exc:
        raise _keyring_problem(f"store secret {name!r} of {admin_key!r}", exc) from None


def get_secret(admin_key: str, name: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, _username(admin_key, name))
    except keyring.errors.KeyringError as exc:
        raise _keyring_problem(f"read secret {name!r} of {admin_key!r}", exc) from None


def delete_secret(admin_key: str, name: str) -> None:
    try:
        keyring.delete_password(SERVICE, _username(admin_key, name))
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise _keyring_problem(f"delete secret {name!r} of {admin_key!r}", exc) from None


def secret_reader(admin_key: str, env_names: Mapping[str, str | None] | None = None) -> Callable[[str], str]:
    """A function `secret(name)` for one administration: environment variable first, then keyring.

    A missing secret raises SecretMissing naming the exact command that stores it.
    """
    env_names = dict(env_names or {})

    def secret(name: str) -> str:
        env = env_names.get(name)
        if env:
            value = os.environ.get(env)
            if value:
                return value
        value = get_secret(admin_key, name)
        if value:
            return value
        hint = f" or set the environment variable {env}" if env else ""
        raise SecretMissing(
            f"administration {admin_key!r}: secret {name!r} is not set; store it with "
            f"`connector secrets set {admin_key} {name}`{hint}"
        )

    return secret


class KeyringTokenVault:
    """OAuth tokens (which rotate) kept as one JSON keyring entry per token chain.

    The key names the login, not the administration (e.g. `exact:<host>:<client id>`): several
    administrations reached through one Exact login share one single-use refresh-token chain,
    and two copies of it would log each other out.
    """

    def load(self, key: str) -> dict | None:
        raw = get_secret("oauth", key)
        return json.loads(raw) if raw else None

    def save(self, key: str, tokens: dict) -> None:
        set_secret("oauth", key, json.dumps(tokens))
