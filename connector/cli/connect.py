"""`connector connect ADMIN`: log in again (OAuth consent or a new API token) for one administration."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli._common import config_option, open_config, state_dir
from connector.cli.init import consent_options
from connector.clock import SYSTEM_CLOCK
from connector.onboarding.asker import Asker
from connector.onboarding.logins import ConsentOptions
from connector.onboarding.reconnect import ReconnectAnswers, echo_result, reconnect


@click.command("connect")
@click.argument("admin")
@config_option
@consent_options
@click.option("--api-token", envvar="CONNECTOR_INIT_API_TOKEN",
              help="Moneybird / e-Boekhouden: the new API token (env CONNECTOR_INIT_API_TOKEN); asked when left out.")
@click.option("--client-id", envvar="CONNECTOR_INIT_CLIENT_ID", help="A new OAuth client id (default: the stored one).")
@click.option("--client-secret", envvar="CONNECTOR_INIT_CLIENT_SECRET",
              help="A new OAuth client secret (default: the stored one).")
@click.option("--no-input", is_flag=True, help="Never ask: fail when a value is missing.")
def connect_command(admin: str, config_path: Path, no_browser: bool, redirect_uri: str, consent_timeout: float,
                    api_token: str | None, client_id: str | None, client_secret: str | None, no_input: bool) -> None:
    """Log in again for administration ADMIN and check the connection; the config file is not changed.

    Exact Online and Moneybird (OAuth): the consent page opens in the browser. Moneybird
    (API token) and e-Boekhouden: you are asked for the new token. Exact Online needs this
    when the login was not used for 30 days, or when the connector says "log in again".
    """
    config = open_config(config_path)
    consent = ConsentOptions(redirect_uri=redirect_uri, open_browser=not no_browser, timeout=consent_timeout,
                             echo=lambda line: click.echo(line))
    answers = ReconnectAnswers(api_token=api_token, client_id=client_id, client_secret=client_secret)
    result = reconnect(config, admin, answers, Asker(interactive=not no_input), consent=consent, clock=SYSTEM_CLOCK,
                       state_dir=state_dir(config))
    echo_result(result, admin)


def register(group: click.Group) -> None:
    group.add_command(connect_command)
