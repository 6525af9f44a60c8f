"""Every error the connector raises on purpose, named by what the caller should do about it.

The CLI turns these into one clear line and an exit code; the cycle records them per
administration and goes on with the next one.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of all expected failures: the message is written for the accountant."""

    exit_code = 1


class ConfigError(ConnectorError):
    """The config file (or another input file) is wrong; the message names file, line and key."""

    exit_code = 2


class SecretMissing(ConnectorError):
    """A secret the config needs is not stored; the message names the command that stores it."""

    exit_code = 2


class KeyringUnavailable(ConnectorError):
    """The keyring cannot be read or written (locked, wrong passphrase, none installed): not a missing secret."""

    exit_code = 2


class HostError(ConnectorError):
    """The package's API failed in a way a later run may not see (down, 5xx, timeouts)."""


class HostUnavailable(HostError):
    """Could not reach the host at all (connection refused, DNS, timeout) after retries."""


class AuthenticationFailed(HostError):
    """The host rejected our credentials (401/403): a token is wrong, expired or revoked."""


def token_hint(admin_key: str, name: str = "api_token") -> str:
    """What to do when a package refuses an API token: store a valid one."""
    return (f"store a valid token with `connector secrets set {admin_key} {name}` (or in the variable "
            "the config names in token_env), then `connector doctor`")


class ReconsentRequired(AuthenticationFailed):
    """The OAuth grant is gone (refresh token expired or burned): a person must log in again."""


class QuotaExhausted(HostError):
    """The host's rate limit or daily budget is spent; the run stops early for this administration."""


class ApiError(HostError):
    """The host answered a request with an error body we cannot recover from automatically."""

    def __init__(self, message: str, *, status: int | None = None, body: object = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class NotFound(ApiError):
    """The host does not know the requested record."""


class InputFileError(ConnectorError):
    """A CSV or bank file is malformed; the message names file, line and column."""

    exit_code = 2
