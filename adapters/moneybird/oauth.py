"""Moneybird OAuth2 (authorization code + refresh) with authlib; tokens persisted after each refresh.

Moneybird access tokens may or may not expire (sources disagree), so we keep both tokens,
refresh when `expires_in` says so and once on any 401.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from connector.clock import SYSTEM_CLOCK, Clock
from connector.errors import HostUnavailable, ReconsentRequired
from connector.http.trace import trace_response

SCOPES = "sales_invoices bank settings"


class TokenVault(Protocol):
    def load(self, key: str) -> dict | None: ...

    def save(self, key: str, tokens: dict) -> None: ...


def oauth_urls(base_url: str) -> tuple[str, str]:
    """Authorize and token URLs next to the API base (…/api/v2 -> …/oauth/…)."""
    root = base_url.rstrip("/").removesuffix("/api/v2")
    return f"{root}/oauth/authorize", f"{root}/oauth/token"


class MoneybirdOAuth:
    """requests-style auth for the HTTP layer: bearer header from the vault, refresh on demand."""

    def __init__(self, *, base_url: str, client_id: str, client_secret: str, vault: TokenVault,
                 vault_key: str, admin_key: str, clock: Clock = SYSTEM_CLOCK, timeout: float = 30.0) -> None:
        self.authorize_url, self.token_url = oauth_urls(base_url)
        self.client_id = client_id
        self.client_secret = client_secret
        self.vault = vault
        self.vault_key = vault_key
        self.admin_key = admin_key
        self.clock = clock
        self.timeout = timeout

    @property
    def limit_key(self) -> str:
        """The login's token chain: its access tokens rotate, its quota is one."""
        return f"oauth:{self.vault_key}"

    def _tokens(self) -> dict:
        tokens = self.vault.load(self.vault_key)
        if not tokens or not tokens.get("access_token"):
            raise ReconsentRequired(
                f"Moneybird: no OAuth login stored for {self.admin_key!r}; run `connector connect {self.admin_key}`"
                " (or `connector init`)"
            )
        return tokens

    def headers(self) -> Mapping[str, str]:
        tokens = self._tokens()
        expires_at = tokens.get("expires_at")
        if expires_at and self.clock.now() > float(expires_at) - 60:
            self.renew()
            tokens = self._tokens()
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    def renew(self) -> bool:
        tokens = self._tokens()
        refresh_token = tokens.get("refresh_token")
        if not refresh_token:
            return False
        session = OAuth2Session(self.client_id, self.client_secret, scope=SCOPES, default_timeout=self.timeout)
        session.hooks["response"].append(trace_response("moneybird"))
        try:
            new = session.refresh_token(self.token_url, refresh_token=refresh_token)
        except OAuthError as exc:
            raise ReconsentRequired(
                f"Moneybird refused the stored refresh token of {self.admin_key!r} ({exc.error}); "
                f"log in again with `connector connect {self.admin_key}`"
            ) from None
        except (requests.RequestException, ValueError) as exc:
            raise HostUnavailable(
                f"Moneybird: cannot refresh the login of {self.admin_key!r} at {self.token_url} "
                f"({type(exc).__name__}); try again later"
            ) from None
        fresh = {"access_token": new["access_token"], "refresh_token": new.get("refresh_token", refresh_token)}
        if new.get("expires_in"):
            fresh["expires_at"] = self.clock.now() + float(new["expires_in"])
        self.vault.save(self.vault_key, fresh)
        return True
