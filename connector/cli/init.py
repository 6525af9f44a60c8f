"""`connector init`: set up an administration (and the config file, the first time) by answering questions.

Every question has a flag, so the same set-up can be scripted (`--no-input` fails on a
missing answer instead of asking). Secrets can come from environment variables instead
of flags (`CONNECTOR_INIT_API_TOKEN`, ...), which keeps them out of the shell history.
"""

from __future__ import annotations

from pathlib import Path

import click

from connector.clock import SYSTEM_CLOCK
from connector.onboarding.asker import Asker
from connector.onboarding.consent import DEFAULT_REDIRECT_URI
from connector.onboarding.logins import ConsentOptions
from connector.onboarding.package_setup import PackageAnswers
from connector.onboarding.policy_presets import PRESETS
from connector.onboarding.wizard import InitAnswers, run_init

CHOICES = {
    "package": click.Choice(["moneybird", "exact", "eboekhouden"]),
    "policy": click.Choice(list(PRESETS)),
}


def consent_options(function):
    """Options of the browser login, shared with `connector connect`."""
    for option in reversed([
        click.option("--no-browser", is_flag=True,
                     help="Do not open a browser: print the login address (open it yourself, e.g. on a desktop "
                          "with an SSH tunnel to this machine)."),
        click.option("--redirect-uri", default=DEFAULT_REDIRECT_URI, show_default=True,
                     help="Where the package sends the browser back; must be registered with the app. "
                          "Port 0 picks a free port."),
        click.option("--consent-timeout", type=float, default=300.0, show_default=True,
                     help="Seconds to wait for the login in the browser."),
    ]):
        function = option(function)
    return function


@click.command("init")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), default="config.yaml",
              show_default=True, envvar="CONNECTOR_CONFIG",
              help="Config file to create, or to add the administration to (env CONNECTOR_CONFIG).")
@click.option("--package", type=CHOICES["package"], help="The administration's bookkeeping package.")
@click.option("--key", help="Short name of the administration in commands and secrets (e.g. bakkerij-jansen).")
@click.option("--name", help="Name of the administration (default: as the package calls it).")
@click.option("--auth", type=click.Choice(["oauth", "token"]), help="Moneybird: OAuth app or personal API token.")
@click.option("--api-token", envvar="CONNECTOR_INIT_API_TOKEN", help="Moneybird / e-Boekhouden API token "
              "(env CONNECTOR_INIT_API_TOKEN).")
@click.option("--token-env", help="Do not store the API token: the config names this environment variable, "
              "which holds it (servers without a keyring).")
@click.option("--client-id", envvar="CONNECTOR_INIT_CLIENT_ID", help="OAuth app client id (Moneybird, Exact).")
@click.option("--client-secret", envvar="CONNECTOR_INIT_CLIENT_SECRET",
              help="OAuth app client secret (env CONNECTOR_INIT_CLIENT_SECRET).")
@click.option("--administration-id", help="Moneybird administration id (default: ask, or the only one).")
@click.option("--division", type=int, help="Exact Online division code (default: ask, or the only one).")
@click.option("--country", type=click.Choice(["nl", "be", "de", "uk", "us", "es", "fr"]),
              help="Exact Online: the country host of the account.")
@click.option("--new-login", is_flag=True, help="Exact Online: log in again even when this app's login is stored.")
@click.option("--base-url", help="The package's API address, only for a simulator or proxy.")
@consent_options
@click.option("--language", type=click.Choice(["nl", "en"]), help="Default language of letters.")
@click.option("--book-payments", "payments_book", type=click.Choice(["auto", "suggest_only", "off"]),
              help="Book matched payments in the package (auto), suggest them (suggest_only), or off.")
@click.option("--company-policy", type=CHOICES["policy"], help="Dunning of business customers.")
@click.option("--consumer-policy", type=CHOICES["policy"], help="Dunning of consumers.")
@click.option("--unknown-contacts", type=click.Choice(["consumer", "company"]),
              help="How to treat customers the package does not mark as business or consumer.")
@click.option("--no-dunning", is_flag=True, help="Write the administration with dunning switched off.")
@click.option("--creditor-iban", help="Your IBAN, printed in letters with a payment QR code.")
@click.option("--creditor-email", help="Reply address printed in letters.")
@click.option("--creditor-phone", help="Phone number printed in letters.")
@click.option("--summary-to", multiple=True, help="New config: recipient of the summary e-mail (repeatable).")
@click.option("--smtp-host", help="New config: mail server.")
@click.option("--smtp-port", type=int, help="New config: mail server port.")
@click.option("--smtp-security", type=click.Choice(["starttls", "ssl", "none"]), help="New config: encryption.")
@click.option("--smtp-username", help="New config: login at the mail server.")
@click.option("--smtp-password", envvar="CONNECTOR_INIT_SMTP_PASSWORD",
              help="New config: mail server password (env CONNECTOR_INIT_SMTP_PASSWORD); stored in the keyring.")
@click.option("--smtp-sender", help="New config: sender address of the e-mails.")
@click.option("--mailbox-dir", help="New config: write e-mails to this folder instead of sending them.")
@click.option("--state-url", help="New config: state database URL (default: SQLite next to the config).")
@click.option("--no-input", is_flag=True, help="Never ask: use the flags and defaults, fail on a missing answer.")
@click.option("--skip-check", is_flag=True, help="Do not connect with the written config at the end.")
def init_command(config_path: Path, no_input: bool, no_browser: bool, redirect_uri: str, consent_timeout: float,
                 skip_check: bool, no_dunning: bool, summary_to: tuple[str, ...], **flags: object) -> None:
    """Set up an administration: log in to its package, choose policies, and write (or add to) the config.

    The first run creates the config file (and asks for the summary recipients and the mail
    server); later runs add one administration each and leave the others exactly as they are.
    Moneybird and Exact Online logins open the package's consent page in the browser.
    """
    package_keys = ("base_url", "auth", "api_token", "token_env", "client_id", "client_secret", "administration_id",
                    "division", "country")
    package = PackageAnswers(**{k: flags.pop(k) for k in package_keys}, new_login=bool(flags.pop("new_login")))
    answers = InitAnswers(config_path=config_path, package_answers=package, check=not skip_check,
                          dunning_enabled=not no_dunning, summary_to=summary_to, **flags)  # type: ignore[arg-type]
    asker = Asker(interactive=not no_input)
    consent = ConsentOptions(redirect_uri=redirect_uri, open_browser=not no_browser, timeout=consent_timeout,
                             echo=lambda line: click.echo(line))
    result = run_init(answers, asker, consent=consent, clock=SYSTEM_CLOCK)
    click.echo("")
    for note in result.notes:
        click.echo(note)
    if result.problem:
        click.echo(f"error: {result.problem}", err=True)
        click.echo(f"Fix it, then check with: connector doctor --config {result.config_path}", err=True)
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(init_command)
