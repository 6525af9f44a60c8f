"""`connector init` as a sequence of questions: package, login, administration, policy, mail, file.

The order is chosen so that nothing is stored before the set-up is complete (an aborted
run leaves no half administration behind): log in, pick, ask, then store the secrets and
write the config in one go. A config that exists already only gets the new entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from adapters.base import ConnectionInfo
from connector.clock import Clock
from connector.config.loader import load_config
from connector.config.schema import KEY_PATTERN, ConnectorConfig
from connector.errors import ConfigError, ConnectorError
from connector.onboarding import package_setup
from connector.onboarding.asker import Asker
from connector.onboarding.config_writer import (
    AdminEntry,
    GlobalSettings,
    add_administration,
    new_config_text,
    write_config,
)
from connector.onboarding.logins import ConsentOptions
from connector.onboarding.policy_presets import dunning_comments, dunning_section
from connector.secrets import SERVICE, KeyringTokenVault, set_secret

PACKAGES = [("moneybird", "Moneybird"), ("exact", "Exact Online"), ("eboekhouden", "e-Boekhouden")]
RESERVED_KEYS = {"smtp", "oauth"}  # keyring namespaces of the SMTP password and the OAuth token vault
LEGAL_FORMS = re.compile(r"(?:-(?:b-?v|n-?v|v-?o-?f|c-?v|bv|nv|vof))+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class InitAnswers:
    """Everything `connector init` can be told by flags; None means "ask" (or the default with --no-input)."""

    config_path: Path
    package: str | None = None
    key: str | None = None
    name: str | None = None
    language: str | None = None
    payments_book: str | None = None
    company_policy: str | None = None
    consumer_policy: str | None = None
    unknown_contacts: str | None = None
    dunning_enabled: bool = True
    creditor_iban: str | None = None
    creditor_email: str | None = None
    creditor_phone: str | None = None
    summary_to: tuple[str, ...] = ()
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str | None = None
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_sender: str | None = None
    mailbox_dir: str | None = None
    state_url: str | None = None
    package_answers: package_setup.PackageAnswers = field(default_factory=package_setup.PackageAnswers)
    check: bool = True


@dataclass(frozen=True, slots=True)
class InitResult:
    key: str
    config_path: Path
    created: bool
    connection: ConnectionInfo | None
    notes: tuple[str, ...]
    problem: str | None = None


def slug(name: str) -> str:
    """A config key from a name: "Bakkerij Jansen B.V." -> "bakkerij-jansen"."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return LEGAL_FORMS.sub("", text).strip("-")[:63] or "administratie"


def key_problem(key: str, taken: set[str]) -> str | None:
    if not KEY_PATTERN.match(key):
        return "use lower-case letters, digits, '-' or '_' (max 63), e.g. 'bakkerij-jansen'"
    if key in RESERVED_KEYS:
        return f"'{key}' is reserved (secrets of the mail server and the logins live under it)"
    if key in taken:
        return f"'{key}' is already in the config; choose another key, or `connector connect {key}` to log in again"
    return None


def email_problem(value: str) -> str | None:
    from connector.notify.headers import AddressError, parse_address

    try:
        parse_address(value)
    except AddressError as exc:
        return str(exc)
    return None


def iban_problem(value: str) -> str | None:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        IBAN(value)
    except SchwiftyException as exc:
        return f"not a valid IBAN: {exc}"
    return None


def run_init(answers: InitAnswers, asker: Asker, *, consent: ConsentOptions, clock: Clock) -> InitResult:
    path = answers.config_path
    existing_text = path.read_text(encoding="utf-8") if path.exists() else None
    taken: set[str] = set()
    if existing_text is not None:
        try:
            taken = {admin.key for admin in load_config(path).administrations}
        except ConfigError as exc:
            raise ConfigError(f"{exc}\n(fix the config first; `connector init` only adds to a valid file)") from None
        asker.echo(f"Adding an administration to {path} (already there: {', '.join(sorted(taken)) or 'none'}).")
    else:
        asker.echo(f"Creating {path}.")
    if answers.key is not None and (problem := key_problem(answers.key, taken)):
        raise ConfigError(f"--key {answers.key}: {problem}")
    package = asker.choice("Which bookkeeping package does this administration use?", PACKAGES,
                           value=answers.package, flag="--package")
    state_dir = path.resolve().parent / ".connector"
    state_dir.mkdir(parents=True, exist_ok=True)
    vault = KeyringTokenVault()
    pkg = answers.package_answers
    if package == "moneybird":
        connected = package_setup.moneybird(pkg, asker, consent=consent, clock=clock)
    elif package == "exact":
        connected = package_setup.exact(pkg, asker, consent=consent, clock=clock, state_dir=state_dir, vault=vault)
    else:
        connected = package_setup.eboekhouden(pkg, asker, clock=clock)
    for note in connected.notes:
        asker.echo(note)

    name = asker.text("Name of the administration (as in letters and the summary)", value=answers.name,
                      default=connected.suggested_name, flag="--name")
    key = asker.text("Short key (used in commands and for the secrets)", value=answers.key, default=slug(name),
                     flag="--key", check=lambda k: key_problem(k, taken))
    entry = _entry(answers, asker, package, key, name, connected)
    smtp_password = None
    if existing_text is None:
        settings, smtp_password = _global_settings(answers, asker)
        text = new_config_text(settings, [entry], config_name=path.name)
    else:
        text = add_administration(existing_text, entry, source=str(path))

    for secret_name, value in connected.secrets.items():
        set_secret(key, secret_name, value)
    for vault_key, tokens in connected.vault.items():
        vault.save(vault_key, tokens)
    if smtp_password:
        set_secret("smtp", "password", smtp_password)
    if connected.bank_inbox:
        (path.resolve().parent / "bank-inbox" / key).mkdir(parents=True, exist_ok=True)
    config = write_config(path, text)
    stored = ", ".join(sorted(connected.secrets)) or "none"
    notes = [f"Wrote {path} ({'new file' if existing_text is None else 'added ' + key}).",
             f"Secrets stored in the keyring ({SERVICE}) under {key}: {stored}."]
    if smtp_password:
        notes.append("The mail server's password is stored in the keyring too (smtp/password).")
    info, problem = None, None
    if answers.check:
        try:
            info = check_connection(config, key, state_dir, clock)
        except ConnectorError as exc:
            problem = f"the config is written, but the first connection failed: {exc}"
        else:
            notes.append(f"Connected: {info.administration_name}" + (f" ({info.detail})" if info.detail else ""))
            notes.extend(f"warning: {w}" for w in info.warnings)
    notes.append(f"Next: connector doctor --config {path}")
    return InitResult(key=key, config_path=path, created=existing_text is None, connection=info,
                      notes=tuple(notes), problem=problem)


def _entry(answers: InitAnswers, asker: Asker, package: str, key: str, name: str,
           connected: package_setup.Connected) -> AdminEntry:
    language = asker.choice("Language of letters to customers (when the package does not say)",
                            [("nl", "Nederlands"), ("en", "English")], value=answers.language, default="nl",
                            flag="--language")
    book = asker.choice("Book matched payments in the package?", [
        ("suggest_only", "no, only suggest them in the summary (recommended to start)"),
        ("auto", "yes, book the certain matches"),
        ("off", "no, do not match payments"),
    ], value=answers.payments_book, default="suggest_only", flag="--book-payments")
    policies = [("standard", "the standard Dutch ladder, with the legal letters and costs (docs/policy.md)"),
                ("reminders", "reminders and the call list only: no legal letters, no costs, no interest")]
    company = asker.choice("Dunning of business customers?", policies, value=answers.company_policy,
                           default="standard", flag="--company-policy")
    consumer = asker.choice("Dunning of consumers?", policies, value=answers.consumer_policy, default="standard",
                            flag="--consumer-policy")
    unknown = asker.choice("Customers the package does not mark as business or consumer are treated as",
                           [("consumer", "consumers (the safe choice under Dutch law)"), ("company", "businesses")],
                           value=answers.unknown_contacts, default="consumer", flag="--unknown-contacts")
    creditor = {
        "iban": asker.text("Your IBAN for letters and the payment QR code (empty: skip)", value=answers.creditor_iban,
                           flag="--creditor-iban", optional=True, check=iban_problem),
        "email": asker.text("E-mail address for replies to letters (empty: skip)", value=answers.creditor_email,
                            flag="--creditor-email", optional=True, check=email_problem),
        "phone": asker.text("Phone number in letters (empty: skip)", value=answers.creditor_phone,
                            flag="--creditor-phone", optional=True),
    }
    dunning = dunning_section(company=company, consumer=consumer, unknown_contacts=unknown, creditor=creditor,
                              enabled=answers.dunning_enabled)
    comments, above = dunning_comments(company=company, consumer=consumer)
    headline = [f"{name}: added by `connector init`"]
    footer = [(f"Secrets in the keyring: {', '.join(sorted(connected.secrets))} "
              f"(check: `connector secrets check {key} NAME`)")] if connected.secrets else []
    if connected.vault or package == "exact":
        footer.append(f"Log in again: connector connect {key}")
    return AdminEntry(key=key, name=name, package=package, settings=connected.settings, language=language,
                      payments_book=book, dunning=dunning, bank_inbox=f"bank-inbox/{key}" if connected.bank_inbox
                      else None, comments={**connected.comments, **comments}, above=above, headline=headline,
                      footer=footer)


def _global_settings(answers: InitAnswers, asker: Asker) -> tuple[GlobalSettings, str | None]:
    """The file's global part (asked only when the file is new) and the SMTP password to store."""
    recipients_text = ",".join(answers.summary_to) if answers.summary_to else None
    recipients_text = asker.text("Who gets the summary e-mail? (addresses, comma-separated)", value=recipients_text,
                                 flag="--summary-to", check=lambda t: next(
                                     (p for a in t.split(",") if (p := email_problem(a.strip()))), None))
    recipients = [a.strip() for a in recipients_text.split(",") if a.strip()]
    smtp: dict[str, object]
    password = None
    host = answers.smtp_host
    if answers.mailbox_dir is None and host is None:
        host = asker.text("Mail server (SMTP host) for reminders and the summary; empty: write e-mails to a "
                          "folder for now", flag="--smtp-host", optional=True)
    if answers.mailbox_dir is not None or not host:
        smtp = {"sender": answers.smtp_sender or recipients[0], "mailbox_dir": answers.mailbox_dir or "mailbox"}
    else:
        security = asker.choice("Encryption", [("starttls", "STARTTLS (port 587)"), ("ssl", "SSL/TLS (port 465)"),
                                               ("none", "none (a relay on this network only)")],
                                value=answers.smtp_security, default="starttls", flag="--smtp-security")
        port = answers.smtp_port or int(asker.text("Port", default={"ssl": "465", "none": "25"}.get(security, "587"),
                                                   flag="--smtp-port", check=lambda p: None if p.isdigit()
                                                   else "a number, e.g. 587"))
        username = asker.text("Login name at the mail server (empty: no login)", value=answers.smtp_username,
                              flag="--smtp-username", optional=True)
        sender = asker.text("Sender address of the e-mails", value=answers.smtp_sender,
                            default=username if username and "@" in username else None, flag="--smtp-sender",
                            check=email_problem)
        smtp = {"host": host, "port": port, "security": security}
        if username:
            smtp["username"] = username
            password = asker.secret("Password of the mail server", value=answers.smtp_password,
                                    flag="--smtp-password")
        smtp["sender"] = sender
    settings = GlobalSettings(state_url=answers.state_url or "sqlite:///connector-state.db",
                              language=answers.language or "nl", smtp=smtp, summary_recipients=recipients,
                              summary_language=answers.language or "nl")
    return settings, password


def check_connection(config: ConnectorConfig, key: str, state_dir: Path, clock: Clock) -> ConnectionInfo:
    """A real connection with the written config, made exactly as a run makes it."""
    from connector.service.factory import build_adapter

    adapter = build_adapter(config.administration(key), clock=clock, state_dir=state_dir)
    try:
        return adapter.check_connection()
    finally:
        close = getattr(adapter, "close", None)
        if close:
            close()
