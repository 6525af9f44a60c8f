"""`connector demo`: a full cycle on local simulators, leaving every file it made in one folder."""

from __future__ import annotations

import time
from pathlib import Path

import click

from connector.aging import BUCKET_LABELS
from connector.clock import SYSTEM_CLOCK
from connector.config import load_config
from connector.demo import demo_systems, prepare_output
from connector.service.cycle import run_cycle
from connector.store import Store
from connector.store.store import today_in


@click.command("demo")
@click.option("--output", "output", type=click.Path(path_type=Path), default="demo-output", show_default=True,
              help="Folder for the demo's config, database, letters, mails and summary.")
@click.option("--invoices", type=int, default=60, show_default=True, help="Invoices per simulated administration.")
def demo_command(output: Path, invoices: int) -> None:
    """Run a full cycle against local simulators of every package and keep the results."""
    started = time.perf_counter()
    try:
        out = prepare_output(output.resolve())
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from None
    today = today_in("Europe/Amsterdam", SYSTEM_CLOCK)
    with demo_systems(out, today=today, invoices=invoices) as systems:
        config = load_config(systems.config_path)
        store = Store.open(config.state_url)
        report = run_cycle(config, store, today=today, state_dir=out / ".connector")
    labels = BUCKET_LABELS["en"]
    for outcome in report.outcomes:
        click.echo(f"\n== {outcome.name} ({outcome.package}) — {outcome.status}")
        if outcome.error:
            click.echo(f"   error: {outcome.error}")
        if outcome.sync:
            click.echo(f"   sync: {outcome.sync.describe()}")
        click.echo(f"   open invoices by age (today {today:%Y-%m-%d}):")
        for bucket in outcome.aging:
            click.echo(f"     {labels[bucket.key]:<14} {bucket.count:>4} invoices  EUR {bucket.amount:>12,.2f}")
    click.echo(f"\ndemo finished in {time.perf_counter() - started:.1f} s; files are in {out}")
    click.echo(f"  config:   {systems.config_path}")
    click.echo(f"  database: {out / 'state.db'}")
    if report.failed:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(demo_command)
