"""Per package: log in, let the user pick the administration, and say what goes in the config.

The result (`Connected`) holds everything `connector init` writes for the package: the
config section with its comments, the secrets to store under the administration's key, and
OAuth tokens to store in the token vault. Nothing is stored here: the wizard stores it all
once the whole set-up is complete, except Exact Online's login, which is saved at once
because a new consent ends the previous login of the same user and app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from connector.clock import Clock
from connector.errors import AuthenticationFailed, ConfigError
from connector.onboarding import logins
from connector.onboarding.asker import Asker
from connector.onboarding.logins import ConsentOptions


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageAnswers:
    """The flags of `connector init` that concern the package (None: ask)."""

    base_url: str | None = None
    auth: str | None = None
    api_token: str | None = None
    token_env: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    administration_id: str | None = None
    division: int | None = None
    country: str | None = None
    new_login: bool = False


@dataclass(slots=True, kw_only=True)
class Connected:
    settings: dict[str, Any]
    suggested_name: str | None
    secrets: dict[str, str] = field(default_factory=dict)
    vault: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    bank_inbox: bool = False


def _token(answers: PackageAnswers, asker: Asker, question: str) -> str:
    if answers.token_env:
        value = os.environ.get(answers.token_env)
        if not value:
            raise click.UsageError(f"--token-env {answers.token_env}: that environment variable is empty or not set")
        return value
    return asker.secret(question, value=answers.api_token, flag="--api-token")


def _pick(asker: Asker, rows: list[dict[str, Any]], *, wanted: str | None, id_key: str, label, flag: str,
          what: str, default: str | None = None) -> dict[str, Any]:
    by_id = {str(row.get(id_key)): row for row in rows}
    if not rows:
        raise ConfigError(f"this login cannot see any {what}")
    if wanted is not None:
        if str(wanted) not in by_id:
            visible = ", ".join(f"{k} ({label(v)})" for k, v in by_id.items())
            raise ConfigError(f"{what} {wanted} is not visible to this login (visible: {visible})")
        return by_id[str(wanted)]
    if len(rows) == 1:
        asker.echo(f"Using the only {what}: {label(rows[0])}")
        return rows[0]
    choice = asker.choice(f"Which {what}?", [(key, f"{key}  {label(row)}") for key, row in by_id.items()],
                          flag=flag, default=default)
    return by_id[choice]


def moneybird(answers: PackageAnswers, asker: Asker, *, consent: ConsentOptions, clock: Clock) -> Connected:
    base_url = answers.base_url or logins.MONEYBIRD_DEFAULT_URL
    auth = asker.choice("How does the connector log in to Moneybird?", [
        ("oauth", "OAuth app: log in in the browser (needs the app's client id and secret)"),
        ("token", "personal API token (Moneybird > Settings > External applications > New API token)"),
    ], value=answers.auth, default="oauth", flag="--auth")
    secrets: dict[str, str] = {}
    if auth == "token":
        access = _token(answers, asker, "Moneybird API token (scopes: sales invoices, bank, settings)")
        if not answers.token_env:
            secrets["api_token"] = access
        tokens = None
    else:
        client_id = asker.text("Client id of the connector's Moneybird app", value=answers.client_id,
                               flag="--client-id")
        client_secret = asker.secret("Client secret of the app", value=answers.client_secret, flag="--client-secret")
        tokens = logins.moneybird_consent(base_url, client_id, client_secret, consent=consent, clock=clock)
        secrets.update(client_id=client_id, client_secret=client_secret)
        access = tokens["access_token"]
    rows = logins.moneybird_administrations(base_url, access, clock=clock)
    chosen = _pick(asker, rows, wanted=answers.administration_id, id_key="id", label=lambda r: r.get("name", ""),
                   flag="--administration-id", what="Moneybird administration")
    admin_id = str(chosen["id"])
    settings: dict[str, Any] = {"administration_id": admin_id, "auth": auth}
    comments = {"moneybird.administration_id": "Moneybird > Administration settings; digits only",
                "moneybird.auth": "token (personal API token) | oauth (login: `connector connect KEY`)"}
    if answers.base_url:
        settings["base_url"] = base_url
        comments["moneybird.base_url"] = "not the real Moneybird: a simulator or proxy"
    if answers.token_env:
        settings["token_env"] = answers.token_env
        comments["moneybird.token_env"] = "the API token is read from this environment variable"
    vault = {f"moneybird:{admin_id}": tokens} if tokens else {}
    return Connected(settings=settings, suggested_name=str(chosen.get("name") or "") or None, secrets=secrets,
                     vault=vault, comments=comments)


def exact(answers: PackageAnswers, asker: Asker, *, consent: ConsentOptions, clock: Clock, state_dir: Path,
          vault: Any) -> Connected:
    from adapters.exact_online.oauth import EXACT_HOSTS, default_vault_key

    country = "nl"
    if not answers.base_url:
        country = asker.choice("Which Exact Online country is the account on?",
                               [(c, f"{c}  {url}") for c, url in EXACT_HOSTS.items()],
                               value=answers.country, default="nl", flag="--country")
    host = logins.exact_host(country, answers.base_url)
    client_id = asker.text("Client id of the connector's Exact Online app (App Center)", value=answers.client_id,
                           flag="--client-id")
    client_secret = asker.secret("Client secret of the app", value=answers.client_secret, flag="--client-secret")
    vault_key = default_vault_key(host, client_id)

    def divisions() -> list[dict[str, Any]]:
        return logins.exact_divisions(country=country, base_url=answers.base_url, client_id=client_id,
                                      client_secret=client_secret, vault_key=vault_key, vault=vault, clock=clock,
                                      state_dir=state_dir)

    rows = None
    stored = vault.load(vault_key)
    if stored and stored.get("refresh_token") and not answers.new_login:
        asker.echo(f"A login for this app on {host.name} is already stored (other divisions use it); using it.")
        try:
            rows = divisions()
        except AuthenticationFailed as exc:
            asker.echo(f"  it no longer works ({exc}); logging in again.")
    if rows is None:
        vault.save(vault_key, logins.exact_consent(host, client_id, client_secret, consent=consent, clock=clock))
        rows = divisions()
    current = next((str(r["Code"]) for r in rows if r.get("Current")), None)
    chosen = _pick(asker, rows, wanted=None if answers.division is None else str(answers.division), id_key="Code",
                   label=lambda r: f"{r.get('Description', '')}{' (current in Exact)' if r.get('Current') else ''}",
                   flag="--division", what="Exact Online division", default=current)
    settings: dict[str, Any] = {"division": int(chosen["Code"])}
    comments = {"exact.division": "the Exact Online division (administration) this entry reads and writes",
                "exact.book_payments": "write payments back as bank entry lines: off by default (docs/hosts.md)"}
    if answers.base_url:
        settings["base_url"] = answers.base_url
        comments["exact.base_url"] = "not the real Exact Online: a simulator or proxy"
    else:
        settings["country"] = country
        comments["exact.country"] = "the Exact host the account lives on; the login is only valid there"
    settings["book_payments"] = False
    days = logins.exact_days_left(vault.load(vault_key), clock.now())
    notes = [(f"Exact Online login stored; it expires after {logins.EXACT_IDLE_DAYS} days without a run "
             f"({days:.0f} days left now; every run renews it).")] if days is not None else []
    return Connected(settings=settings, suggested_name=str(chosen.get("Description") or "") or None,
                     secrets={"client_id": client_id, "client_secret": client_secret}, comments=comments, notes=notes)


def eboekhouden(answers: PackageAnswers, asker: Asker, *, clock: Clock) -> Connected:
    token = _token(answers, asker, "e-Boekhouden API token (Beheer > Inrichting > Koppelingen > API)")
    info = logins.eboekhouden_check(answers.base_url, token, clock=clock)
    settings: dict[str, Any] = {"source": "Debiteuren", "book_payments": False}
    comments = {"eboekhouden.source": "max 10 characters, shown in e-Boekhouden's API log",
                "eboekhouden.book_payments": "book 'factuurbetaling ontvangen' mutations: off by default "
                                             "(docs/hosts.md)"}
    if answers.base_url:
        settings["base_url"] = answers.base_url
        comments["eboekhouden.base_url"] = "not api.e-boekhouden.nl: the .be host, a simulator or proxy"
    if answers.token_env:
        settings["token_env"] = answers.token_env
        comments["eboekhouden.token_env"] = "the API token is read from this environment variable"
    notes = [f"e-Boekhouden: {info.detail}", *info.warnings]
    return Connected(settings=settings, suggested_name=None,
                     secrets={} if answers.token_env else {"api_token": token},
                     comments=comments, notes=notes, bank_inbox=True)
