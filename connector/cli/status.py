"""`connector status`: last runs, bookmarks and counts per administration."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store
from connector.clock import SYSTEM_CLOCK
from connector.config import ConnectorConfig
from connector.config.service_schema import load_schedule_file, schedule_of
from connector.store import Store


@click.command("status")
@config_option
@click.option("--schedule", "schedule_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The schedule file `connector serve --schedule` uses, if any.")
@click.option("--check", is_flag=True, help="Health check: print one line, exit 1 unless the service is running.")
def status_command(config_path: Path, schedule_path: Path | None, check: bool) -> None:
    """Show the service and its jobs (last and next runs), then the runs, bookmarks and counts per administration."""
    config = open_config(config_path)
    store = open_store(config)
    if check:
        _health_check(config, store, schedule_path)
        return
    click.echo(f"state store: {store.engine.url.render_as_string(hide_password=True)} "
               f"(schema {store.schema_revision()})")
    from connector.service.status import service_status_lines

    schedule = load_schedule_file(schedule_path) if schedule_path else schedule_of(config)
    for line in service_status_lines(config, store, schedule, now=SYSTEM_CLOCK.now()):
        click.echo(line)
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


def _health_check(config: ConnectorConfig, store: Store, schedule_path: Path | None) -> None:
    from connector.service.status import service_running, service_status_lines

    schedule = load_schedule_file(schedule_path) if schedule_path else schedule_of(config)
    now = SYSTEM_CLOCK.now()
    click.echo(service_status_lines(config, store, schedule, now=now)[0])
    if not service_running(store, schedule, now=now):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(status_command)
