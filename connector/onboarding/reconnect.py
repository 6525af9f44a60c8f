"""`connector connect ADMIN`: log in again for one administration, leaving the config as it is.

This is where Exact Online's "log in again" messages point (after 30 days without a run,
or when a refresh token was burned), and where a new Moneybird or e-Boekhouden API token
is stored after the old one was revoked. Only the login changes; the connection is checked
afterwards exactly as a run would make it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from adapters.base import ConnectionInfo
from connector.clock import Clock
from connector.config.schema import AdministrationConfig, ConnectorConfig
from connector.errors import ConfigError, SecretMissing
from connector.onboarding import logins
from connector.onboarding.asker import Asker
from connector.onboarding.logins import ConsentOptions
from connector.onboarding.wizard import check_connection
from connector.records import Package
from connector.secrets import KeyringTokenVault, get_secret, set_secret


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconnectAnswers:
    api_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


@dataclass(frozen=True, slots=True)
class ReconnectResult:
    info: ConnectionInfo
    notes: tuple[str, ...]


def _stored(admin: AdministrationConfig, name: str, given: str | None, asker: Asker, flag: str,
            question: str, *, secret: bool) -> tuple[str, bool]:
    """A client id/secret: the flag, else what is stored, else asked. True when it is new (to store)."""
    if given:
        return given, True
    env = getattr(admin.vendor_settings, f"{name}_env", None)
    value = (os.environ.get(env) if env else None) or get_secret(admin.key, name)
    if value:
        return value, False
    ask = asker.secret if secret else asker.text
    return ask(question, flag=flag), True


def _new_token(admin: AdministrationConfig, answers: ReconnectAnswers, asker: Asker, question: str) -> str:
    env = getattr(admin.vendor_settings, "token_env", None)
    if env:
        raise ConfigError(f"{admin.key} reads its API token from the environment variable {env}: put the new token "
                          "there (e.g. in the service's secrets file), then run `connector doctor`")
    return asker.secret(question, value=answers.api_token, flag="--api-token")


def reconnect(config: ConnectorConfig, key: str, answers: ReconnectAnswers, asker: Asker, *,
              consent: ConsentOptions, clock: Clock, state_dir: Path) -> ReconnectResult:
    admin = config.administration(key)
    settings = admin.vendor_settings
    vault = KeyringTokenVault()
    notes: list[str] = []
    if admin.package is Package.EXACT:
        from adapters.exact_online.oauth import default_vault_key

        host = logins.exact_host(settings.country, settings.base_url)
        client_id, new_id = _stored(admin, "client_id", answers.client_id, asker, "--client-id",
                                    "Client id of the Exact Online app", secret=False)
        client_secret, new_secret = _stored(admin, "client_secret", answers.client_secret, asker,
                                            "--client-secret", "Client secret of the app", secret=True)
        tokens = logins.exact_consent(host, client_id, client_secret, consent=consent, clock=clock)
        vault_key = settings.token_key or default_vault_key(host, client_id)
        vault.save(vault_key, tokens)
        _store_new(admin.key, {"client_id": (client_id, new_id), "client_secret": (client_secret, new_secret)})
        sharing = [a.key for a in config.administrations if a.key != key and a.package is Package.EXACT
                   and _exact_vault_key(a) == vault_key]
        if sharing:
            notes.append(f"The same Exact login serves {', '.join(sharing)}: they use the new login too.")
    elif admin.package is Package.MONEYBIRD and settings.auth == "oauth":
        client_id, new_id = _stored(admin, "client_id", answers.client_id, asker, "--client-id",
                                    "Client id of the Moneybird app", secret=False)
        client_secret, new_secret = _stored(admin, "client_secret", answers.client_secret, asker,
                                            "--client-secret", "Client secret of the app", secret=True)
        tokens = logins.moneybird_consent(settings.base_url, client_id, client_secret, consent=consent, clock=clock)
        _require_visible(settings.base_url, tokens["access_token"], settings.administration_id, clock)
        vault.save(f"moneybird:{settings.administration_id}", tokens)
        _store_new(admin.key, {"client_id": (client_id, new_id), "client_secret": (client_secret, new_secret)})
    elif admin.package is Package.MONEYBIRD:
        token = _new_token(admin, answers, asker, "New Moneybird API token")
        _require_visible(settings.base_url, token, settings.administration_id, clock)
        set_secret(admin.key, "api_token", token)
    else:
        token = _new_token(admin, answers, asker, "New e-Boekhouden API token")
        logins.eboekhouden_check(settings.base_url, token, source=settings.source, clock=clock)
        set_secret(admin.key, "api_token", token)
    info = check_connection(config, key, state_dir, clock)
    if admin.package is Package.EXACT:
        days = logins.exact_days_left(vault.load(_exact_vault_key(admin) or ""), clock.now())
        if days is not None:
            notes.append(f"The Exact login expires after {logins.EXACT_IDLE_DAYS} days without a run "
                         f"({days:.0f} days left; every run renews it).")
    return ReconnectResult(info=info, notes=tuple(notes))


def _store_new(key: str, values: dict[str, tuple[str, bool]]) -> None:
    for name, (value, new) in values.items():
        if new:
            set_secret(key, name, value)


def _exact_vault_key(admin: AdministrationConfig) -> str | None:
    from adapters.exact_online.oauth import default_vault_key

    settings = admin.vendor_settings
    if settings.token_key:
        return settings.token_key
    env = settings.client_id_env
    client_id = (os.environ.get(env) if env else None) or get_secret(admin.key, "client_id")
    if not client_id:
        return None
    return default_vault_key(logins.exact_host(settings.country, settings.base_url), client_id)


def _require_visible(base_url: str, token: str, administration_id: str, clock: Clock) -> None:
    rows = logins.moneybird_administrations(base_url, token, clock=clock)
    if not any(str(r.get("id")) == administration_id for r in rows):
        visible = ", ".join(f"{r.get('id')} ({r.get('name')})" for r in rows) or "none"
        raise SecretMissing(f"this login cannot see Moneybird administration {administration_id} (visible: "
                            f"{visible}); log in as a user of that administration. Nothing was stored.")


def echo_result(result: ReconnectResult, key: str) -> None:
    info = result.info
    click.echo(f"{key}: connected to {info.administration_name}" + (f" ({info.detail})" if info.detail else ""))
    for warning in info.warnings:
        click.echo(f"  warning: {warning}")
    for note in result.notes:
        click.echo(note)
