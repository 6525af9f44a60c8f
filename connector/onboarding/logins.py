"""Logging in to each package during set-up, and listing what the login can see.

These are the onboarding's only calls to the hosts: the OAuth consents (Moneybird, Exact
Online) through the browser, the list of Moneybird administrations and Exact divisions to
choose from, and a first check of an e-Boekhouden token. Tokens are returned in the shape
the adapters keep in their token vault, so a run picks them up unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session

from adapters.base import ConnectionInfo
from connector.clock import Clock
from connector.errors import AuthenticationFailed, HostUnavailable
from connector.onboarding.consent import browser_consent

MONEYBIRD_DEFAULT_URL = "https://moneybird.com/api/v2"
EXACT_IDLE_DAYS = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentOptions:
    """How to run the browser part: the registered redirect URI, open a browser or only print."""

    redirect_uri: str
    open_browser: bool = True
    timeout: float = 300.0
    echo: Callable[[str], None] = print


# -- Moneybird ---------------------------------------------------------------------------------------


def moneybird_consent(base_url: str, client_id: str, client_secret: str, *, consent: ConsentOptions,
                      clock: Clock) -> dict[str, Any]:
    """OAuth consent for the connector's Moneybird app; the tokens as MoneybirdOAuth stores them."""
    from adapters.moneybird.oauth import SCOPES, oauth_urls

    authorize_url, token_url = oauth_urls(base_url)
    started: dict[str, Any] = {}

    def authorize(redirect_uri: str) -> str:
        session = OAuth2Session(client_id, client_secret, scope=SCOPES, redirect_uri=redirect_uri)
        url, state = session.create_authorization_url(authorize_url)
        started.update(session=session, state=state)
        return url

    callback = browser_consent(authorize, redirect_uri=consent.redirect_uri, open_browser=consent.open_browser,
                               timeout=consent.timeout, echo=consent.echo, vendor="Moneybird")
    session: OAuth2Session = started["session"]
    try:
        token = session.fetch_token(token_url, authorization_response=callback.url, state=started["state"])
    except AuthlibBaseError as exc:
        raise AuthenticationFailed(f"Moneybird refused the login ({exc.error}: {exc.description or ''}); "
                                   "check the app's client id and secret") from None
    except requests.RequestException as exc:
        raise HostUnavailable(f"Moneybird: cannot reach {token_url} ({type(exc).__name__})") from None
    tokens = {"access_token": str(token["access_token"]), "refresh_token": str(token.get("refresh_token") or "")}
    if token.get("expires_in"):
        tokens["expires_at"] = clock.now() + float(token["expires_in"])
    return tokens


def moneybird_administrations(base_url: str, access_token: str, *, clock: Clock) -> list[dict[str, Any]]:
    """Every administration the token may use: [{id, name, ...}]."""
    from adapters.moneybird.client import MoneybirdClient
    from connector.http.client import BearerToken

    client = MoneybirdClient(base_url, "", BearerToken(access_token), clock=clock, timeout=20.0)
    return [dict(item) for item in client.administrations() or []]


# -- Exact Online ------------------------------------------------------------------------------------


def exact_host(country: str, base_url: str | None):  # -> ExactHost
    from adapters.exact_online.oauth import ExactHost

    return ExactHost.for_country(country, base_url)


def exact_consent(host: Any, client_id: str, client_secret: str, *, consent: ConsentOptions,
                  clock: Clock) -> dict[str, Any]:
    """OAuth consent at the Exact host; the first token record, as the adapter's vault keeps it."""
    from adapters.exact_online.oauth import authorization_url, exchange_code

    started: dict[str, str] = {}

    def authorize(redirect_uri: str) -> str:
        url, state = authorization_url(host, client_id, redirect_uri)
        started["state"] = state
        return url

    callback = browser_consent(authorize, redirect_uri=consent.redirect_uri, open_browser=consent.open_browser,
                               timeout=consent.timeout, echo=consent.echo, vendor=f"Exact Online ({host.name})")
    return exchange_code(host, client_id, client_secret, redirect_uri=callback.redirect_uri, clock=clock,
                         authorization_response=callback.url, state=started["state"])


def exact_divisions(*, country: str, base_url: str | None, client_id: str, client_secret: str, vault_key: str,
                    vault: Any, clock: Clock, state_dir: Path) -> list[dict[str, Any]]:
    """The divisions the stored login may use: [{Code, Description, Status, Current}]."""
    from adapters.exact_online.adapter import discover_divisions

    values = {"client_id": client_id, "client_secret": client_secret}
    settings = {"country": country, "base_url": base_url, "client_id": client_id, "token_key": vault_key}
    return discover_divisions(settings, secret=values.__getitem__, clock=clock, state_dir=state_dir,
                              token_vault=vault)


def exact_days_left(tokens: Mapping[str, Any] | None, now: float) -> float | None:
    """Days until the stored Exact login expires if no run refreshes it (None: no login stored)."""
    if not tokens or not tokens.get("refresh_token"):
        return None
    return EXACT_IDLE_DAYS - (now - float(tokens.get("issued_at") or 0)) / 86400


# -- e-Boekhouden --------------------------------------------------------------------------------------


def eboekhouden_check(base_url: str | None, api_token: str, *, source: str = "Debiteuren",
                      clock: Clock) -> ConnectionInfo:
    """Open a session with the token and read the ledgers: proves the token and the administration."""
    from adapters.eboekhouden.adapter import build_adapter

    settings = {"source": source, **({"base_url": base_url} if base_url else {})}
    adapter = build_adapter(settings, secret=lambda _name: api_token, clock=clock)
    try:
        return adapter.check_connection()
    finally:
        adapter.close()
