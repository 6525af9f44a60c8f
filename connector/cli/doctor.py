"""`connector doctor`: check everything a run needs and print a table with a fix for each failure."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli._common import config_option
from connector.clock import SYSTEM_CLOCK
from connector.onboarding.checks import as_json, as_table, exit_code, run_doctor


@click.command("doctor")
@config_option
@click.option("--admin", "only", multiple=True, metavar="KEY", help="Only this administration (repeatable).")
@click.option("--offline", is_flag=True, help="Do not contact the packages or the mail server.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for each server.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
def doctor_command(config_path: Path, only: tuple[str, ...], offline: bool, timeout: float,
                   output_format: str) -> None:
    """Check the config, secrets, each package's login and administration ids, the mail server, the
    templates, the state database and the service lock; print what to do about each failure.

    Exit code 0 when nothing failed (warnings allowed), 1 when a check failed, 2 when the
    config file itself cannot be read.
    """
    results = run_doctor(config_path, clock=SYSTEM_CLOCK, only=only, offline=offline, timeout=timeout)
    if output_format == "json":
        click.echo(as_json(results))
    else:
        click.echo(f"connector doctor: {config_path}\n")
        click.echo(as_table(results))
    raise SystemExit(exit_code(results))


def register(group: click.Group) -> None:
    group.add_command(doctor_command)
