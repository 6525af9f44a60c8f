"""`connector status`: last runs, bookmarks and counts per administration."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store


@click.command("status")
@config_option
def status_command(config_path: Path) -> None:
    """Show the last runs, sync bookmarks and record counts of each administration."""
    config = open_config(config_path)
    store = open_store(config)
    click.echo(f"state store: {store.engine.url.render_as_string(hide_password=True)} "
               f"(schema {store.schema_revision()})")
    for admin in config.administrations:
        click.echo(f"\n{admin.key} — {admin.name} [{admin.package.value}]{'' if admin.enabled else ' (disabled)'}")
        counts = store.counts(admin.key)
        click.echo("  " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
        for stream, (_value, updated) in sorted(store.bookmarks(admin.key).items()):
            click.echo(f"  bookmark {stream}: {updated:%Y-%m-%d %H:%M:%S} UTC")
        runs = store.last_runs(admin.key, limit=3)
        if not runs:
            click.echo("  no runs yet")
        for run in runs:
            finished = f"{run['finished_at']:%Y-%m-%d %H:%M}" if run["finished_at"] else "running"
            error = f" — {run['error']}" if run["error"] else ""
            click.echo(f"  run {run['kind']}: {run['status']} at {finished}{error}")


def register(group: click.Group) -> None:
    group.add_command(status_command)
