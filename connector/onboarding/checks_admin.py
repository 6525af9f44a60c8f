"""Doctor checks for one administration: secrets, host reachable, login and ids, Exact's login age, letters."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import requests

from connector.clock import Clock
from connector.config.schema import AdministrationConfig, ConnectorConfig
from connector.errors import (
    AuthenticationFailed,
    ConfigError,
    ConnectorError,
    HostError,
    HostUnavailable,
    KeyringUnavailable,
    QuotaExhausted,
    ReconsentRequired,
    SecretMissing,
)
from connector.onboarding.checks import CheckResult, Status, fail, ok, skip, warn
from connector.onboarding.logins import EXACT_IDLE_DAYS, exact_days_left
from connector.records import Package
from connector.secrets import KeyringTokenVault, get_secret

EXACT_WARN_DAYS = 7
LETTER_CHANNELS = {"host_email", "smtp_email", "letter"}  # the channels that render a letter template


def required_secrets(admin: AdministrationConfig) -> list[tuple[str, str | None]]:
    """(secret name, environment variable that may hold it) for the administration's package and login."""
    settings = admin.vendor_settings
    if admin.package is Package.MONEYBIRD:
        if settings.auth == "oauth":
            return [("client_id", None), ("client_secret", None)]
        return [("api_token", settings.token_env)]
    if admin.package is Package.EXACT:
        return [("client_id", settings.client_id_env), ("client_secret", None)]
    return [("api_token", settings.token_env)]


def _secret_value(admin_key: str, name: str, env: str | None) -> tuple[str | None, str]:
    if env and os.environ.get(env):
        return os.environ[env], f"env {env}"
    value = get_secret(admin_key, name)
    return (value, "keyring") if value else (None, "")


def vault_key(admin: AdministrationConfig) -> str | None:
    """Where the administration's OAuth tokens live in the token vault; None for token logins."""
    settings = admin.vendor_settings
    if admin.package is Package.MONEYBIRD:
        return f"moneybird:{settings.administration_id}" if settings.auth == "oauth" else None
    if admin.package is Package.EXACT:
        from adapters.exact_online.oauth import ExactHost, default_vault_key

        if settings.token_key:
            return settings.token_key
        client_id, _ = _secret_value(admin.key, "client_id", settings.client_id_env)
        if not client_id:
            return None
        return default_vault_key(ExactHost.for_country(settings.country, settings.base_url), client_id)
    return None


def base_url(admin: AdministrationConfig) -> str:
    settings = admin.vendor_settings
    if admin.package is Package.EXACT:
        from adapters.exact_online.oauth import ExactHost

        return ExactHost.for_country(settings.country, settings.base_url).base_url
    return settings.base_url


def secrets_check(admin: AdministrationConfig) -> CheckResult:
    try:
        return _secrets_check(admin)
    except KeyringUnavailable as exc:
        return fail(admin.key, "secrets", str(exc), "make the keyring readable (see 'keyring: backend'), then "
                                                    "run the doctor again")


def _secrets_check(admin: AdministrationConfig) -> CheckResult:
    found, missing, fixes = [], [], []
    for name, env in required_secrets(admin):
        value, where = _secret_value(admin.key, name, env)
        if value:
            found.append(f"{name} ({where})")
        else:
            missing.append(name)
            fixes.append(f"connector secrets set {admin.key} {name}" + (f" (or set the environment variable {env})"
                                                                        if env else ""))
    key = vault_key(admin)
    if key is not None:
        tokens = KeyringTokenVault().load(key) if not missing else None
        if tokens and tokens.get("access_token"):
            found.append("login (keyring)")
        elif not missing:
            missing.append("the OAuth login")
            fixes.append(f"connector connect {admin.key}")
    if missing:
        return fail(admin.key, "secrets", f"missing: {', '.join(missing)}" + (f"; present: {', '.join(found)}"
                                                                            if found else ""), "; ".join(fixes))
    return ok(admin.key, "secrets", ", ".join(found))


def reachable_check(admin: AdministrationConfig, *, timeout: float) -> CheckResult:
    url = base_url(admin)
    try:
        response = requests.get(url, timeout=timeout, allow_redirects=False)
    except requests.exceptions.SSLError as exc:
        return fail(admin.key, "host reachable", f"{url}: the TLS certificate was not accepted ({exc.__class__.__name__})",
                    "a proxy or virus scanner may intercept HTTPS: set REQUESTS_CA_BUNDLE to its certificate")
    except (requests.ConnectionError, requests.Timeout) as exc:
        return fail(admin.key, "host reachable", f"cannot reach {url} ({type(exc).__name__})",
                    "check the internet connection and proxy of this machine; if the config sets base_url, check it")
    return ok(admin.key, "host reachable", f"{url} answers (HTTP {response.status_code})")


def login_check(admin: AdministrationConfig, *, clock: Clock, state_dir: Path) -> list[CheckResult]:
    """Log in as a run does and ask the host for the configured administration / division."""
    from connector.service.factory import build_adapter

    name = "login and administration"
    what = "administration_id" if admin.package is Package.MONEYBIRD else "division"
    exact = admin.package is Package.EXACT
    days_before = exact_days_left(_exact_tokens(admin), clock.now()) if exact else None
    adapter = None
    try:
        adapter = build_adapter(admin, clock=clock, state_dir=state_dir)
        info = adapter.check_connection()
    except ReconsentRequired as exc:
        results = [fail(admin.key, name, str(exc), f"connector connect {admin.key}")]
        if exact:
            results.append(exact_login_age(admin, clock, before=days_before))
        return results
    except AuthenticationFailed as exc:
        fix = (f"check the app's client id and secret: connector secrets set {admin.key} client_secret"
               if "client id" in str(exc) else f"store a valid login: connector connect {admin.key}")
        return [fail(admin.key, name, f"the package refused the login: {exc}", fix)]
    except SecretMissing as exc:
        return [fail(admin.key, name, str(exc), f"connector secrets set {admin.key} NAME (the name is above)")]
    except ConfigError as exc:
        return [fail(admin.key, name, str(exc), f"set `{what}` under `{admin.package.value}:` to one of the visible "
                                               f"ones (listed above), or run `connector init` to pick it")]
    except QuotaExhausted as exc:
        return [warn(admin.key, name, f"the API quota is spent for now: {exc}", "try again later")]
    except HostUnavailable as exc:
        return [fail(admin.key, name, str(exc), "the package's API is down or unreachable; try again later")]
    except (HostError, ConnectorError) as exc:
        return [fail(admin.key, name, f"{type(exc).__name__}: {exc}", "see the message; `-vv` shows the requests")]
    finally:
        close = getattr(adapter, "close", None)
        if close:
            close()
    detail = f"connected to {info.administration_name}" + (f" ({info.detail})" if info.detail else "")
    results = [warn(admin.key, name, detail + "; " + "; ".join(info.warnings)) if info.warnings
               else ok(admin.key, name, detail)]
    if exact:
        results.append(exact_login_age(admin, clock, before=days_before))
    return results


def _exact_tokens(admin: AdministrationConfig) -> dict | None:
    key = vault_key(admin)
    return KeyringTokenVault().load(key) if key else None


def exact_login_age(admin: AdministrationConfig, clock: Clock, *, before: float | None = None) -> CheckResult:
    """Days until Exact ends the login. `before` is what was left before the doctor's own login, which
    renews it: a login that was close to lapsing means no run has used it for weeks."""
    days = exact_days_left(_exact_tokens(admin), clock.now())
    name = "days before re-consent"
    renew = f"make sure the service (or a daily `connector run`) runs, or log in again: connector connect {admin.key}"
    if days is None:
        return fail(admin.key, name, "no Exact login stored", f"connector connect {admin.key}")
    if days <= 0 or (before is not None and before <= 0):
        idle = EXACT_IDLE_DAYS - min(days, before if before is not None else days)
        return fail(admin.key, name, f"the Exact login has expired: not used for {idle:.0f} days (Exact ends it "
                                     f"after {EXACT_IDLE_DAYS})", f"connector connect {admin.key}")
    detail = (f"{days:.0f} days left: Exact ends a login that is not used for {EXACT_IDLE_DAYS} days "
              "(every run renews it)")
    if days < EXACT_WARN_DAYS:
        return warn(admin.key, name, detail, renew)
    if before is not None and before < EXACT_WARN_DAYS:
        return warn(admin.key, name, f"only {before:.0f} days were left before this check renewed the login; "
                                     f"{detail}", renew)
    return ok(admin.key, name, detail)


def bank_inbox_check(config: ConnectorConfig, admin: AdministrationConfig) -> CheckResult | None:
    folder = config.resolve(admin.bank_files.inbox)
    if folder is None:
        return None
    if folder.is_dir():
        return ok(admin.key, "bank file inbox", str(folder))
    return warn(admin.key, "bank file inbox", f"{folder} does not exist, so no bank files can be dropped there",
                f"create it: mkdir -p {folder}")


def administration_checks(config: ConnectorConfig, admin: AdministrationConfig, *, clock: Clock, state_dir: Path,
                          offline: bool, timeout: float) -> list[CheckResult]:
    results = [secrets_check(admin)]
    inbox = bank_inbox_check(config, admin)
    if inbox is not None:
        results.append(inbox)
    if offline:
        return results + [skip(admin.key, "host", "--offline: host and login not checked")]
    reach = reachable_check(admin, timeout=timeout)
    results.append(reach)
    if results[0].status is Status.FAIL:
        results.append(skip(admin.key, "login and administration", "secrets missing: not tried"))
    elif reach.status is Status.FAIL:
        results.append(skip(admin.key, "login and administration", "host unreachable: not tried"))
    else:
        results.extend(login_check(admin, clock=clock, state_dir=state_dir))
    return results


def letters_check(config: ConnectorConfig, admin: AdministrationConfig, *, today: date) -> CheckResult:
    """Render every letter of both ladders in nl and en with the configured template folders."""
    from jinja2 import TemplateError

    from connector.dunning.policy import settings_for
    from connector.letters.render import LetterRenderer, TemplateProblem
    from connector.onboarding.samples import sample_action

    settings = settings_for(admin)
    if not settings.enabled:
        return skip(admin.key, "letter templates", "dunning is switched off")
    folders = [config.resolve(config.templates_dir), config.resolve(settings.templates_dir)]
    missing = [str(f) for f in folders if f is not None and not f.is_dir()]
    if missing:
        return fail(admin.key, "letter templates", f"templates_dir {', '.join(missing)} does not exist",
                    "create the folder or remove templates_dir from the config")
    renderer = LetterRenderer(folders)
    rendered = 0
    for kind, policy in (("company", settings.company), ("consumer", settings.consumer)):
        for index, level in enumerate(policy.levels, start=1):
            if level.channel.value not in LETTER_CHANNELS:
                continue
            for language in ("nl", "en"):
                action = sample_action(level, index=index, count=len(policy.levels), debtor_kind=kind,
                                       language=language, today=today, admin_key=admin.key)
                try:
                    renderer.render(action, settings, today)
                except (TemplateProblem, TemplateError) as exc:
                    where = _template_error(exc)
                    return fail(admin.key, "letter templates", f"{kind} level '{level.name}' ({language}): {where}",
                                "correct that template (or delete it from templates_dir to use the shipped one)")
                rendered += 1
    custom = " (with your templates_dir)" if any(folders) else ""
    return ok(admin.key, "letter templates", f"{rendered} letters render{custom}")


def _template_error(exc: BaseException) -> str:
    """`template FILE:LINE: message`. Jinja's runtime errors (an undefined name) carry no line of
    their own; it is in the template's frame of the traceback, also behind a TemplateProblem."""
    original = exc.__context__ if exc.__context__ is not None and not hasattr(exc, "lineno") else exc
    filename = getattr(original, "filename", None)
    line = getattr(original, "lineno", None)
    frame = original.__traceback__
    while frame is not None:
        template = frame.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:  # a compiled template's frame: map its Python line to the template line
            filename, line = template.filename or template.name, template.get_corresponding_lineno(frame.tb_lineno)
        frame = frame.tb_next
    if not filename:
        return str(exc)
    message = getattr(original, "message", None) or str(original)
    return f"template {filename}{f':{line}' if line else ''}: {message}"
