"""`connector sync`: pull every administration (or one) into the state store."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store, state_dir
from connector.errors import ConnectorError
from connector.http.redact import redact_text
from connector.service.factory import build_adapter
from connector.service.sync import sync_administration


@click.command("sync")
@config_option
@click.option("--admin", "admin_keys", multiple=True, help="Only this administration (repeatable).")
def sync_command(config_path: Path, admin_keys: tuple[str, ...]) -> None:
    """Pull contacts, open invoices and bank mutations from each package into the store."""
    config = open_config(config_path)
    store = open_store(config)
    admins = [config.administration(k) for k in admin_keys] if admin_keys else [
        a for a in config.administrations if a.enabled]
    failures = 0
    for admin in admins:
        run_id = store.start_run(admin.key, "sync")
        try:
            adapter = build_adapter(admin, state_dir=state_dir(config))
            report = sync_administration(store, adapter, admin.key)
        except ConnectorError as exc:
            failures += 1
            store.finish_run(run_id, "failed", error=str(exc))
            click.echo(f"{admin.key}: FAILED: {exc}", err=True)
            continue
        except BaseException as exc:  # a bug or Ctrl-C: the run row must not stay `running`
            store.finish_run(run_id, "failed", error=redact_text(f"{type(exc).__name__}: {exc}"))
            raise
        store.finish_run(run_id, "ok", detail={"streams": {k: vars(v) for k, v in report.streams.items()},
                                               "api_calls": report.api_calls})
        click.echo(report.describe())
    if failures:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(sync_command)
