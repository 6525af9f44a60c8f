"""The Exact login as the HTTP layer's `auth`: one rotating token chain, shared safely by processes.

Exact's refresh tokens are single-use, so two runs that refresh at once burn the chain: the
second presents a token the first already spent and Exact logs the user out for good. Every
refresh therefore happens under a file lock in the state folder, and the vault is re-read
*inside* the lock, so a process that waited uses the token the other one just stored
instead of refreshing again (which would also hit `TooEarlyToRefreshTokens`). New tokens are
saved before their first use, so a crash right after a refresh loses nothing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

from adapters.exact_online import oauth
from adapters.exact_online.oauth import ExactHost, TooEarlyToRefresh
from connector.clock import Clock
from connector.errors import AuthenticationFailed, ReconsentRequired

log = logging.getLogger("connector.exact.tokens")

REFRESH_MARGIN = 30.0  # refresh when this little is left: 600 - 30 = 570, Exact's earliest moment


class TokenVault(Protocol):
    """Where tokens live between runs (the connector's keyring vault; a JSON file in tests)."""

    def load(self, key: str) -> dict | None: ...

    def save(self, key: str, tokens: dict) -> None: ...


class ExactTokenManager:
    """Bearer headers from a valid access token; refreshes at most once per 570 s, all processes."""

    def __init__(
        self,
        *,
        host: ExactHost,
        client_id: str,
        client_secret: str,
        vault: TokenVault,
        vault_key: str,
        clock: Clock,
        lock_path: Path | None,
        lock_timeout: float = 120.0,
    ) -> None:
        self.host = host
        self.client_id = client_id
        self.client_secret = client_secret
        self.vault = vault
        self.vault_key = vault_key
        self.clock = clock
        self.lock_path = lock_path
        self._file_lock = FileLock(str(lock_path), timeout=lock_timeout) if lock_path else None
        self._thread_lock = threading.RLock()
        self._tokens: dict[str, Any] | None = None
        self.refreshes = 0

    # -- the Auth protocol of connector.http -----------------------------------------------------

    def headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}

    def renew(self) -> bool:
        """After a 401: take the token another process stored, or refresh if ours may be.

        A 401 on a token younger than 570 s cannot be cured by refreshing (Exact would refuse it
        as too early and count an error), so we give up and let the 401 surface.
        """
        with self._thread_lock:
            stale = self._tokens["access_token"] if self._tokens else None
            try:
                tokens = self._refresh(stale=stale, after_401=True)
            except TooEarlyToRefresh as exc:
                log.warning("%s", exc)
                return False
            return tokens["access_token"] != stale

    # -- public helpers --------------------------------------------------------------------------

    def access_token(self) -> str:
        with self._thread_lock:
            tokens = self._tokens or self._load()
            self._tokens = tokens
            if self._due(tokens):
                tokens = self._refresh(stale=tokens["access_token"], after_401=False)
            return str(tokens["access_token"])

    def login_age_days(self) -> float:
        """Days since the current refresh token was issued (Exact drops it after 30 idle days)."""
        tokens = self._tokens or self._load()
        return (self.clock.now() - float(tokens.get("issued_at", 0))) / 86400

    # -- internals ---------------------------------------------------------------------------------

    def _due(self, tokens: Mapping[str, Any]) -> bool:
        return self.clock.now() >= float(tokens.get("expires_at", 0)) - REFRESH_MARGIN

    def _load(self) -> dict[str, Any]:
        tokens = self.vault.load(self.vault_key)
        if not tokens or not tokens.get("refresh_token"):
            raise ReconsentRequired(
                f"Exact Online ({self.host.name}): no login is stored for this app. "
                f"To fix: {oauth.RECONSENT_HINT}."
            )
        stored_host = str(tokens.get("host") or "").rstrip("/")
        if stored_host and stored_host != self.host.base_url:
            raise ReconsentRequired(
                f"Exact Online: the stored login was made on {ExactHost(stored_host).name}, but "
                f"this administration uses {self.host.name}; a token from one Exact host is not "
                f"valid on another. To fix: {oauth.RECONSENT_HINT} (on {self.host.name})."
            )
        return dict(tokens)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self._file_lock is None:
            yield
            return
        try:
            with self._file_lock.acquire(poll_interval=0.01):
                yield
        except Timeout:
            raise AuthenticationFailed(
                f"Exact Online: waited too long for the login lock {self.lock_path}; "
                "another connector run seems stuck (stop it, then try again)"
            ) from None

    def _refresh(self, *, stale: str | None, after_401: bool) -> dict[str, Any]:
        with self._locked():
            stored = self._load()  # inside the lock: another process may have refreshed meanwhile
            if stored["access_token"] != stale and not self._due(stored):
                self._tokens = stored
                return stored
            if not self._due(stored):
                self._tokens = stored
                if after_401:
                    age = self.clock.now() - float(stored.get("issued_at", 0))
                    raise TooEarlyToRefresh(
                        f"Exact Online ({self.host.name}) refused an access token issued "
                        f"{age:.0f} s ago; it cannot be refreshed before {oauth.MIN_REFRESH_AGE} s"
                    )
                return stored
            self._check_idle(stored)
            fresh = oauth.refresh(
                self.host,
                self.client_id,
                self.client_secret,
                stored["refresh_token"],
                clock=self.clock,
            )
            self._save(fresh)
            self._tokens = fresh
            self.refreshes += 1
            return fresh

    def _check_idle(self, tokens: Mapping[str, Any]) -> None:
        idle_limit = oauth.REFRESH_TOKEN_IDLE_DAYS * 86400
        if self.clock.now() - float(tokens.get("issued_at", 0)) > idle_limit:
            raise ReconsentRequired(
                f"Exact Online ({self.host.name}): the login was not used for more than "
                f"{oauth.REFRESH_TOKEN_IDLE_DAYS} days and has expired. "
                f"To fix: {oauth.RECONSENT_HINT}."
            )

    def _save(self, tokens: dict[str, Any]) -> None:
        """Persist before use; the old refresh token is already spent, so a failed save is fatal."""
        for attempt in (1, 2):
            try:
                self.vault.save(self.vault_key, tokens)
                return
            except Exception as exc:
                if attempt == 2:
                    raise AuthenticationFailed(
                        f"Exact Online: got a new login but could not store it ({exc}); the next "
                        "run will need a new login. Fix the vault first, then: "
                        f"{oauth.RECONSENT_HINT}."
                    ) from exc
