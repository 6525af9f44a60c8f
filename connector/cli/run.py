"""`connector run`: one full cycle for every administration, then the summary e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from connector.cli._common import config_option, open_config, open_store, state_dir
from connector.clock import SYSTEM_CLOCK
from connector.store.store import today_in


@click.command("run")
@config_option
@click.option("--dry-run", is_flag=True, help="Change nothing anywhere: no bookings, no reminders, no mails; the "
                                              "summary is only written to <output_dir>/summary. Use it first.")
@click.option("--only", "only", multiple=True, metavar="KEY", help="Only this administration (repeatable).")
@click.option("--no-summary", is_flag=True, help="Skip the summary e-mail.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Administrations worked on at the same time (default: the config's `workers`, 1).")
def run_command(config_path: Path, dry_run: bool, only: tuple[str, ...], no_summary: bool,
                workers: int | None) -> None:
    """Sync, reconcile, book, plan and SEND dunning for every administration, then mail the summary.

    This sends for real (reminders, bookings, e-mails): try `--dry-run` first. One administration
    failing does not stop the others; each result is in the run log (`connector status`). Exits 1
    when any administration failed, after doing all the others.

    Several runs (and a `connector serve`) may work on one state store at the same time: each
    administration is worked on only under its lease, so they share the list instead of waiting.
    """
    from connector.service.cycle import run_cycle
    from connector.summary.deliver import send_summaries
    from connector.summary.from_cycle import admin_summaries_from_report

    config = open_config(config_path)
    for key in only:
        config.administration(key)
    store = open_store(config)
    clock = SYSTEM_CLOCK
    today = today_in(config.timezone, clock)
    report = run_cycle(config, store, today=today, clock=clock, state_dir=state_dir(config), dry_run=dry_run,
                       only=only, workers=workers)
    for outcome in report.outcomes:
        line = f"{outcome.key}: {outcome.status}"
        if outcome.sync:
            line += f" — {outcome.sync.describe()}"
        if outcome.error:
            line += f" — {outcome.error}"
        click.echo(line)
        for detail in _step_lines(outcome):
            click.echo(f"  {detail}")
    if not no_summary:
        slot = "run-" + datetime.fromtimestamp(clock.now(), UTC).strftime("%Y%m%dT%H%M%SZ")
        deliveries = send_summaries(config, store, admin_summaries_from_report(report, store), slot=slot,
                                    clock=clock, dry_run=dry_run)
        for delivery in deliveries:
            where = f" → {delivery.preview_path}" if delivery.preview_path else ""
            error = f" — {delivery.error}" if delivery.error else ""
            click.echo(f"summary {delivery.subject!r}: {delivery.status}{error}{where}")
    if report.failed:
        raise SystemExit(1)


def _step_lines(outcome: Any) -> list[str]:
    """What reconciliation and dunning did, in one line each (details are in the summary)."""
    lines = []
    if outcome.bank_import and (outcome.bank_import.files or outcome.bank_import.errors):
        lines.append(f"bank files: {outcome.bank_import.files} read, {outcome.bank_import.new_lines} new lines, "
                     f"{len(outcome.bank_import.errors)} rejected")
    if outcome.reconcile:
        result = outcome.reconcile.result
        lines.append(f"reconcile: {len(result.auto())} certain ({len(outcome.reconcile.booked)} booked), "
                     f"{len(outcome.suggestions)} suggestions, {len(result.flags)} flagged")
    if outcome.dunning and outcome.plan:
        run = outcome.dunning
        lines.append(f"dunning: {len(outcome.plan.actions)} planned, {len(run.sent)} sent, {len(run.failed)} failed, "
                     f"{len(run.unknown)} unknown, {len(outcome.call_list)} to call")
        lines.extend(f"  failed: {step.level_name} to {step.contact_name}: {step.detail}" for step in run.failed[:5])
    return lines


def register(group: click.Group) -> None:
    group.add_command(run_command)
