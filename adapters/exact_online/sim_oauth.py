"""The simulator's login server, with Exact's token rules enforced as Exact enforces them.

* Authorization codes are valid 3 minutes and single-use, and contain `!` (sent as `%21`).
* Access tokens live `access_lifetime` s (600); `expires_in` is sent as a string.
* Refresh tokens rotate. Presenting an already used one answers 401 "Old refresh token used."
  and ends the whole grant (every token of it stops working): re-consent is the only way back.
* A refresh within `min_refresh_age` s (570) of the last issue is refused with
  400 access_denied and the header `Reason: TooEarlyToRefreshTokens`.
* A refresh token unused for `refresh_lifetime` s (30 days) expires.
* One grant per user and app: a new consent ends the previous grant.
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connector.clock import Clock

CODE_LIFETIME = 180.0


@dataclass
class Grant:
    number: int
    refresh_token: str
    access_token: str
    issued_at: float
    revoked: bool = False
    spent_refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class SimulatedLogin:
    """Codes, grants and tokens of one simulated Exact host, safe to call from server threads."""

    def __init__(
        self,
        *,
        clock: Clock,
        client_id: str,
        client_secret: str,
        access_lifetime: float = 600.0,
        min_refresh_age: float = 570.0,
        refresh_lifetime: float = 30 * 86400.0,
    ) -> None:
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_lifetime = access_lifetime
        self.min_refresh_age = min_refresh_age
        self.refresh_lifetime = refresh_lifetime
        self.stats: Counter[str] = Counter()
        self._codes: dict[str, tuple[str, float]] = {}
        self._grants: list[Grant] = []
        self._by_refresh: dict[str, Grant] = {}
        self._by_access: dict[str, Grant] = {}
        self._lock = threading.Lock()

    # -- authorize ---------------------------------------------------------------------------------

    def authorize(self, client_id: str, redirect_uri: str) -> str | None:
        """Consent is automatic here: a fresh code, or None for an unknown app."""
        if client_id != self.client_id or not redirect_uri:
            return None
        code = "SIM!" + secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = (redirect_uri, self.clock.now())
        return code

    def grant(self) -> dict[str, Any]:
        """A completed consent, as if a person had logged in just now (for tests and the CLI)."""
        with self._lock:
            return self._new_grant()

    # -- token endpoint ----------------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> TokenAnswer:
        if (
            form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
        ):
            self.stats["invalid_client"] += 1
            return TokenAnswer(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        grant_type = form.get("grant_type")
        with self._lock:
            if grant_type == "authorization_code":
                return self._exchange(form.get("code", ""), form.get("redirect_uri", ""))
            if grant_type == "refresh_token":
                return self._refresh(form.get("refresh_token", ""))
        return TokenAnswer(
            400, {"error": "unsupported_grant_type", "error_description": str(grant_type)}
        )

    def _exchange(self, code: str, redirect_uri: str) -> TokenAnswer:
        entry = self._codes.pop(code, None)
        if entry is None or self.clock.now() - entry[1] > CODE_LIFETIME:
            self.stats["bad_code"] += 1
            return TokenAnswer(
                400, {"error": "invalid_grant", "error_description": "Invalid or expired code"}
            )
        if entry[0] != redirect_uri:
            return TokenAnswer(
                400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
            )
        self.stats["code_exchanges"] += 1
        return TokenAnswer(200, self._new_grant())

    def _refresh(self, refresh_token: str) -> TokenAnswer:
        grant = self._by_refresh.get(refresh_token)
        now = self.clock.now()
        if grant is None:
            self.stats["unknown_refresh_token"] += 1
            return TokenAnswer(
                400, {"error": "invalid_grant", "error_description": "Unknown refresh token"}
            )
        if refresh_token in grant.spent_refresh_tokens:
            self.stats["reuse_detected"] += 1
            grant.revoked = True
            return TokenAnswer(
                401,
                {"error": "unauthorized_client", "error_description": "Old refresh token used."},
            )
        if grant.revoked:
            self.stats["revoked_grant_used"] += 1
            return TokenAnswer(
                400, {"error": "invalid_grant", "error_description": "The grant has been revoked"}
            )
        if now - grant.issued_at > self.refresh_lifetime:
            self.stats["expired_refresh"] += 1
            expired = datetime.fromtimestamp(grant.issued_at + self.refresh_lifetime, UTC)
            return TokenAnswer(
                400,
                {
                    "error": "invalid_request",
                    "error_description": f"The refresh token expired at {expired:%m/%d/%Y %H:%M}",
                },
            )
        if now - grant.issued_at < self.min_refresh_age:
            self.stats["too_early"] += 1
            return TokenAnswer(
                400,
                {
                    "error": "access_denied",
                    "error_description": "Rate limit exceeded: access_token not expired",
                },
                {"Reason": "TooEarlyToRefreshTokens: refresh only after 570 seconds"},
            )
        grant.spent_refresh_tokens.add(refresh_token)
        self.stats["refreshes"] += 1
        return TokenAnswer(200, self._issue(grant))

    def _new_grant(self) -> dict[str, Any]:
        for old in self._grants:  # one token chain per user and app
            old.revoked = True
        grant = Grant(
            number=len(self._grants) + 1, refresh_token="", access_token="", issued_at=0.0
        )
        self._grants.append(grant)
        return self._issue(grant)

    def _issue(self, grant: Grant) -> dict[str, Any]:
        now = self.clock.now()
        grant.access_token = f"sim-at-{grant.number}-" + secrets.token_urlsafe(18)
        grant.refresh_token = f"sim-rt-{grant.number}-" + secrets.token_urlsafe(18)
        grant.issued_at = now
        grant.access_tokens[grant.access_token] = now + self.access_lifetime
        self._by_access[grant.access_token] = grant
        self._by_refresh[grant.refresh_token] = grant
        return {
            "access_token": grant.access_token,
            "token_type": "bearer",
            "expires_in": str(int(self.access_lifetime)),
            "refresh_token": grant.refresh_token,
        }

    # -- API access --------------------------------------------------------------------------------

    def check_bearer(self, header: str) -> str | None:
        """None when the bearer token may call the API, else the reason it may not."""
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self._lock:
            grant = self._by_access.get(token)
            if grant is None:
                return "Invalid access token"
            if grant.revoked:
                return "The access token has been revoked"
            if self.clock.now() >= grant.access_tokens.get(token, 0.0):
                return "The access token has expired"
        return None

    def current_refresh_token(self) -> str | None:
        with self._lock:
            live = [g for g in self._grants if not g.revoked]
            return live[-1].refresh_token if live else None

    def expire_access_tokens(self) -> None:
        with self._lock:
            for grant in self._grants:
                grant.access_tokens = {t: 0.0 for t in grant.access_tokens}

    def revoke_all(self) -> None:
        with self._lock:
            for grant in self._grants:
                grant.revoked = True
