"""`connector secrets`: store the API tokens and passwords in the OS keyring, never in the config."""

from __future__ import annotations

import sys

import click

from connector import secrets as secret_store


@click.group("secrets")
def secrets_group() -> None:
    """Store, check or remove secrets (API tokens, SMTP password) in the OS keyring."""


@secrets_group.command("set")
@click.argument("admin")
@click.argument("name")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the value from standard input (for scripts).")
def set_secret(admin: str, name: str, from_stdin: bool) -> None:
    """Store secret NAME (e.g. api_token) for administration ADMIN (use 'smtp' for the mail server)."""
    if from_stdin:
        value = sys.stdin.read().strip()
    else:
        value = click.prompt(f"{name} for {admin}", hide_input=True).strip()
    if not value:
        raise click.UsageError("empty secret; nothing stored")
    secret_store.set_secret(admin, name, value)
    click.echo(f"stored {name} for {admin} in the keyring")


@secrets_group.command("check")
@click.argument("admin")
@click.argument("name")
def check_secret(admin: str, name: str) -> None:
    """Tell whether secret NAME is stored for ADMIN (never prints the value)."""
    if secret_store.get_secret(admin, name):
        click.echo(f"{name} for {admin}: stored")
    else:
        click.echo(f"{name} for {admin}: missing (connector secrets set {admin} {name})")
        raise SystemExit(1)


@secrets_group.command("delete")
@click.argument("admin")
@click.argument("name")
def delete_secret(admin: str, name: str) -> None:
    """Remove secret NAME for ADMIN from the keyring."""
    secret_store.delete_secret(admin, name)
    click.echo(f"removed {name} for {admin}")


def register(group: click.Group) -> None:
    group.add_command(secrets_group)
