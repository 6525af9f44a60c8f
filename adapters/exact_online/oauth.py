"""Exact Online OAuth2 endpoints and token calls (authlib), with Exact's token rules made explicit.

Exact runs one login host per country, and a token from one host is not valid on another,
so the host is stored with the tokens and checked before use. Token facts (research note §1):
access tokens live 600 s (`expires_in` arrives as the *string* "600"); refresh tokens are
single-use and rotate on every refresh, and presenting an old one ("Old refresh token used.")
kills the grant for good; a refresh earlier than 570 s after the last one is refused with
`Reason: TooEarlyToRefreshTokens`; a refresh token unused for 30 days expires. Reuse and
expiry mean "a person must log in again", which is `ReconsentRequired`.

Token calls have a timeout because they run under the cross-process login lock: a hung token
endpoint must not block every other run. A refresh that times out after sending may have been
carried out by Exact (`RefreshOutcomeUnknown`); tokens.py decides what to do with the old token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session

from connector.clock import Clock
from connector.errors import AuthenticationFailed, HostUnavailable, ReconsentRequired
from connector.http.client import OutcomeUnknown, request_may_have_arrived

EXACT_HOSTS: Mapping[str, str] = {
    "nl": "https://start.exactonline.nl",
    "be": "https://start.exactonline.be",
    "de": "https://start.exactonline.de",
    "uk": "https://start.exactonline.co.uk",
    "us": "https://start.exactonline.com",
    "es": "https://start.exactonline.es",
    "fr": "https://start.exactonline.fr",
}
AUTHORIZE_PATH = "/api/oauth2/auth"
TOKEN_PATH = "/api/oauth2/token"

ACCESS_TOKEN_SECONDS = 600
MIN_REFRESH_AGE = 570
REFRESH_TOKEN_IDLE_DAYS = 30
TOKEN_TIMEOUT = 30.0  # seconds; a refresh holds the login lock of every run on this login meanwhile


def reconsent_hint(administration: str | None) -> str:
    """The command that restores the login; the cycle fills in `<administration>` when unknown."""
    return (
        f"run `connector connect {administration or '<administration>'}` "
        "and log in to Exact Online again"
    )


class ExactReconsentRequired(ReconsentRequired):
    """The login is gone; carries the administration whose `connector connect` restores it."""

    def __init__(self, host: ExactHost, why: str, *, administration: str | None) -> None:
        super().__init__(
            f"Exact Online ({host.name}): {why}. To fix: {reconsent_hint(administration)}."
        )
        self.administration = administration


class TooEarlyToRefresh(AuthenticationFailed):
    """Exact refused a refresh because the current access token is younger than 570 s."""


class RefreshOutcomeUnknown(OutcomeUnknown):
    """The refresh request may have reached Exact, but no answer came back (timeout, dropped)."""


@dataclass(frozen=True, slots=True)
class ExactHost:
    """One Exact country host: where to log in, where to get tokens, where the API lives."""

    base_url: str

    @classmethod
    def for_country(cls, country: str = "nl", base_url: str | None = None) -> ExactHost:
        if base_url:
            return cls(base_url.rstrip("/"))
        try:
            return cls(EXACT_HOSTS[country.lower()])
        except KeyError:
            raise ValueError(
                f"unknown Exact country {country!r}; use one of {', '.join(EXACT_HOSTS)}"
            ) from None

    @property
    def name(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def authorize_url(self) -> str:
        return self.base_url + AUTHORIZE_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/v1/"


def default_vault_key(host: ExactHost, client_id: str) -> str:
    """Tokens belong to a login (user + app) on a host, not to a division: one chain per key."""
    return f"exact:{host.name}:{client_id}"


def _session(
    client_id: str,
    client_secret: str,
    redirect_uri: str | None = None,
    *,
    timeout: float = TOKEN_TIMEOUT,
) -> OAuth2Session:
    # Exact wants client_id and client_secret in the form body, not in a Basic header.
    return OAuth2Session(
        client_id,
        client_secret,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="client_secret_post",
        default_timeout=timeout,
    )


def _maybe_delivered(exc: requests.RequestException) -> bool:
    """Whether the token request may have reached Exact: only a failed connect proves it did not."""
    if isinstance(exc, requests.ConnectionError):
        return request_may_have_arrived(exc, "POST")
    return isinstance(exc, requests.Timeout)


def authorization_url(
    host: ExactHost,
    client_id: str,
    redirect_uri: str,
    state: str | None = None,
    *,
    force_login: bool = False,
) -> tuple[str, str]:
    """The URL to open in a browser for consent, and the `state` to check on the way back."""
    session = _session(client_id, "", redirect_uri)
    url, state = session.create_authorization_url(
        host.authorize_url, state=state, force_login="1" if force_login else "0"
    )
    return url, state


def exchange_code(
    host: ExactHost,
    client_id: str,
    client_secret: str,
    *,
    redirect_uri: str,
    clock: Clock,
    code: str | None = None,
    authorization_response: str | None = None,
    state: str | None = None,
    administration: str | None = None,
) -> dict[str, Any]:
    """Trade the code (valid 3 minutes, single use) for the first token pair.

    Pass either the full redirect URL (`authorization_response`, from which authlib decodes the
    code: Exact's codes contain `!`, sent as `%21`) or the already decoded `code`.
    """
    session = _session(client_id, client_secret, redirect_uri)
    kwargs: dict[str, Any] = (
        {"authorization_response": authorization_response}
        if authorization_response
        else {"code": code, "grant_type": "authorization_code"}
    )
    captured: dict[str, requests.Response] = {}
    session.register_compliance_hook("access_token_response", _capture(captured))
    try:
        token = session.fetch_token(host.token_url, state=state, **kwargs)
    except AuthlibBaseError as exc:
        raise token_error(
            host, exc.error, exc.description, captured.get("response"), administration
        ) from None
    except requests.RequestException as exc:
        raise HostUnavailable(
            f"Exact Online: cannot reach {host.name} to log in ({type(exc).__name__})"
        ) from None
    return token_record(token, host=host, clock=clock)


def refresh(
    host: ExactHost,
    client_id: str,
    client_secret: str,
    refresh_token: str,
    *,
    clock: Clock,
    timeout: float = TOKEN_TIMEOUT,
    administration: str | None = None,
) -> dict[str, Any]:
    """One refresh: returns the new token record (with the *new* refresh token) or raises."""
    session = _session(client_id, client_secret, timeout=timeout)
    captured: dict[str, requests.Response] = {}
    session.register_compliance_hook("refresh_token_response", _capture(captured))
    try:
        token = session.refresh_token(host.token_url, refresh_token=refresh_token)
    except AuthlibBaseError as exc:
        raise token_error(
            host, exc.error, exc.description, captured.get("response"), administration
        ) from None
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise HostUnavailable(
            f"Exact Online: the token endpoint of {host.name} failed ({status})"
        ) from None
    except requests.RequestException as exc:
        if _maybe_delivered(exc):
            raise RefreshOutcomeUnknown(
                f"Exact Online: the token endpoint of {host.name} gave no answer to a login "
                f"refresh within {timeout:.0f} s ({type(exc).__name__}); Exact may have carried "
                "it out"
            ) from None
        raise HostUnavailable(
            f"Exact Online: cannot reach {host.name} to refresh the login ({type(exc).__name__})"
        ) from None
    except ValueError as exc:
        raise HostUnavailable(
            f"Exact Online: unexpected answer from the token endpoint of {host.name}: {exc}"
        ) from None
    if not token.get("refresh_token") or token.get("refresh_token") == refresh_token:
        raise AuthenticationFailed("Exact Online: the token endpoint returned no new refresh token")
    return token_record(token, host=host, clock=clock)


def token_record(token: Mapping[str, Any], *, host: ExactHost, clock: Clock) -> dict[str, Any]:
    """What we persist: our own clock decides ages (authlib's `expires_at` uses the wall clock)."""
    now = clock.now()
    try:
        lifetime = int(str(token.get("expires_in") or ACCESS_TOKEN_SECONDS).strip())
    except ValueError:
        lifetime = ACCESS_TOKEN_SECONDS
    return {
        "access_token": str(token["access_token"]),
        "refresh_token": str(token["refresh_token"]),
        "token_type": str(token.get("token_type") or "bearer"),
        "issued_at": now,
        "expires_at": now + lifetime,
        "host": host.base_url,
    }


def token_error(
    host: ExactHost,
    error: str | None,
    description: str | None,
    response: requests.Response | None,
    administration: str | None = None,
) -> AuthenticationFailed:
    """Exact's token errors, named by what the accountant has to do."""
    text = f"{error or ''}: {description or ''}".strip(": ")
    reason = response.headers.get("Reason", "") if response is not None else ""
    lowered = text.lower()
    if "toearly" in reason.replace(" ", "").lower() or "not expired" in lowered:
        return TooEarlyToRefresh(
            f"Exact Online ({host.name}) refused a token refresh as too early ({text}); "
            "another copy of the connector probably refreshed just now"
        )
    if error == "invalid_client":
        return AuthenticationFailed(
            f"Exact Online ({host.name}) does not accept the app's client id/secret ({text}); "
            "check the stored client_id and client_secret"
        )
    if "old refresh token" in lowered:
        why = "the stored refresh token had already been used, so Exact ended the login"
    elif "expired" in lowered:
        why = f"the login was not used for more than {REFRESH_TOKEN_IDLE_DAYS} days and expired"
    else:
        why = f"Exact refused the stored login ({text or 'no reason given'})"
    return ExactReconsentRequired(host, why, administration=administration)


def _capture(into: dict[str, requests.Response]):
    def hook(response: requests.Response) -> requests.Response:
        into["response"] = response
        return response

    return hook
