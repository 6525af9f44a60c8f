"""The Exact login as the HTTP layer's `auth`: one rotating token chain, shared safely by processes.

Exact's refresh tokens are single-use, so two runs that refresh at once burn the chain: the
second presents a token the first already spent and Exact logs the user out for good. Every
refresh therefore happens under a file lock in the state folder, and the vault is re-read
*inside* the lock, so a process that waited uses the token the other one just stored
instead of refreshing again (which would also hit `TooEarlyToRefreshTokens`). New tokens are
saved before their first use, so a crash right after a refresh loses nothing.

A refresh is due when the access token is within 30 s of its expiry *and* 570 s have passed
since the last refresh: Exact's 570 s rule does not follow `expires_in`, so a shorter lifetime
must not bring the refresh forward. A token that expires before Exact allows the next refresh
is waited out (on the injected clock) rather than used or refreshed too early.
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
from adapters.exact_online.oauth import (
    ExactHost,
    ExactReconsentRequired,
    RefreshOutcomeUnknown,
    TooEarlyToRefresh,
)
from connector.clock import Clock
from connector.errors import AuthenticationFailed

log = logging.getLogger("connector.exact.tokens")

REFRESH_MARGIN = 30.0  # refresh when this little is left: 600 - 30 = 570, Exact's earliest moment
UNANSWERED_AT = "refresh_unanswered_at"  # in the vault record: when a refresh got no answer


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
        token_timeout: float = oauth.TOKEN_TIMEOUT,
        administration: str | None = None,
    ) -> None:
        self.host = host
        self.client_id = client_id
        self.client_secret = client_secret
        self.vault = vault
        self.vault_key = vault_key
        self.clock = clock
        self.lock_path = lock_path
        # well below lock_timeout: a hung token endpoint holds the lock this long at most
        self.token_timeout = token_timeout
        self.administration = administration
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
            if self.clock.now() >= float(tokens.get("expires_at", 0)):
                # Expired, yet Exact refuses a refresh for a while (a short `expires_in`, or a
                # refresh whose answer was lost): a call with it would only add a 401 to the
                # endpoint's error count.
                wait = self._refresh_allowed_at(tokens) - self.clock.now()
                log.info("Exact Online: token expired, %.0f s until Exact allows a refresh", wait)
                self.clock.sleep(wait)
                tokens = self._refresh(stale=tokens["access_token"], after_401=False)
            return str(tokens["access_token"])

    def login_age_days(self) -> float:
        """Days since the current refresh token was issued (Exact drops it after 30 idle days)."""
        tokens = self._tokens or self._load()
        return (self.clock.now() - float(tokens.get("issued_at", 0))) / 86400

    # -- internals ---------------------------------------------------------------------------------

    def _refresh_allowed_at(self, tokens: Mapping[str, Any]) -> float:
        """570 s after the last refresh, counting one whose answer never came (it may have worked)."""
        last = max(float(tokens.get("issued_at", 0)), float(tokens.get(UNANSWERED_AT, 0)))
        return last + oauth.MIN_REFRESH_AGE

    def _may_refresh(self, tokens: Mapping[str, Any]) -> bool:
        return self.clock.now() >= self._refresh_allowed_at(tokens)

    def _due(self, tokens: Mapping[str, Any]) -> bool:
        near_expiry = self.clock.now() >= float(tokens.get("expires_at", 0)) - REFRESH_MARGIN
        return near_expiry and self._may_refresh(tokens)

    def _reconsent(self, why: str) -> ExactReconsentRequired:
        return ExactReconsentRequired(self.host, why, administration=self.administration)

    def _load(self) -> dict[str, Any]:
        tokens = self.vault.load(self.vault_key)
        if not tokens or not tokens.get("refresh_token"):
            raise self._reconsent("no login is stored for this app")
        stored_host = str(tokens.get("host") or "").rstrip("/")
        if stored_host and stored_host != self.host.base_url:
            raise self._reconsent(
                f"the stored login was made on {ExactHost(stored_host).name}, but this "
                f"administration uses {self.host.name}, and a token from one Exact host is not "
                "valid on another"
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
            # After a 401 the token is worthless however young; otherwise wait until it is due.
            if not (self._may_refresh(stored) if after_401 else self._due(stored)):
                self._tokens = stored
                if after_401:
                    age = self.clock.now() - float(stored.get("issued_at", 0))
                    raise TooEarlyToRefresh(
                        f"Exact Online ({self.host.name}) refused an access token issued "
                        f"{age:.0f} s ago; it cannot be refreshed before {oauth.MIN_REFRESH_AGE} s"
                    )
                return stored
            self._check_idle(stored)
            try:
                fresh = oauth.refresh(
                    self.host,
                    self.client_id,
                    self.client_secret,
                    stored["refresh_token"],
                    clock=self.clock,
                    timeout=self.token_timeout,
                    administration=self.administration,
                )
            except RefreshOutcomeUnknown:
                self._keep_after_lost_answer(stored)
                raise
            self._save(fresh)
            self._tokens = fresh
            self.refreshes += 1
            return fresh

    def _keep_after_lost_answer(self, stored: dict[str, Any]) -> None:
        """A refresh went out and no answer came back: keep the old refresh token.

        Either Exact never processed the request, and the old token still works; or it did,
        spent the old token and issued a new one that was lost with the answer, and only a new
        consent helps. Presenting the old token again is the only way to tell, and cannot make
        things worse, but not within 570 s of this attempt (Exact would refuse that as too early
        if it did count it). The mark in the vault holds every run to that; the lock is free
        again. The next refresh then works, or fails with "Old refresh token used" (re-consent).
        """
        now = self.clock.now()
        kept = {**stored, UNANSWERED_AT: now}
        self._tokens = kept
        log.warning(
            "Exact Online (%s): a login refresh got no answer; the stored login is kept and "
            "tried again after %.0f s",
            self.host.name,
            oauth.MIN_REFRESH_AGE,
        )
        try:
            self.vault.save(self.vault_key, kept)
        except Exception as exc:  # noqa: BLE001 - the mark only spares other runs a refused refresh
            log.warning(
                "Exact Online: could not mark the unanswered refresh in the vault (%s)", exc
            )

    def _check_idle(self, tokens: Mapping[str, Any]) -> None:
        idle_limit = oauth.REFRESH_TOKEN_IDLE_DAYS * 86400
        if self.clock.now() - float(tokens.get("issued_at", 0)) > idle_limit:
            raise self._reconsent(
                f"the login was not used for more than {oauth.REFRESH_TOKEN_IDLE_DAYS} days "
                "and has expired"
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
                        f"{oauth.reconsent_hint(self.administration)}."
                    ) from exc
