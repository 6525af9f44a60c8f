"""`connector demo`: a full cycle on local simulators of every package, leaving every file it made."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from connector.aging import BUCKET_LABELS
from connector.clock import SYSTEM_CLOCK, FakeClock
from connector.config import load_config
from connector.demo import demo_systems, prepare_output
from connector.dunning.senddays import SendCalendar
from connector.service.cycle import AdminOutcome, run_cycle
from connector.store import Store
from connector.store.store import today_in


@click.command("demo")
@click.option("--output", "output", type=click.Path(path_type=Path), default="demo-output", show_default=True,
              help="Folder for the demo's config, database, letters, mails and summary.")
@click.option("--invoices", type=int, default=60, show_default=True, help="Invoices per simulated administration.")
@click.option("--days", default="0,14,28,42,63", show_default=True,
              help="Run the cycle on these days from today (comma-separated) to show the dunning ladder move on.")
@click.option("--today", "start_day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Pretend today is this date (YYYY-MM-DD), to replay the demo of another day.")
def demo_command(output: Path, invoices: int, days: str, start_day: datetime | None) -> None:
    """Run full cycles against local simulators of every package and keep the results.

    The first cycle runs today; the later ones on simulated days after it, each moved to the
    next working day when it falls on a weekend or a holiday (the simulators and
    the connector share a simulated clock, so nothing waits), so herinnering, tweede
    herinnering, bellijst, 14-dagenbrief, ingebrekestelling and the incasso dossier all appear
    with their letters.
    """
    from connector.summary.deliver import write_summary

    try:
        offsets = sorted({int(part) for part in days.split(",") if part.strip()})
    except ValueError:
        raise click.BadParameter("use whole numbers of days, e.g. 0,14,28", param_hint="--days") from None
    if not offsets or offsets[0] < 0:
        raise click.BadParameter("give at least one day, none negative", param_hint="--days")
    started = time.perf_counter()
    try:
        out = prepare_output(output.resolve())
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from None
    clock = FakeClock(start=SYSTEM_CLOCK.now() if start_day is None else _morning(start_day.date()))
    today = today_in("Europe/Amsterdam", clock)
    click.echo(f"connector demo — {today:%d-%m-%Y}: Moneybird, Exact Online and e-Boekhouden simulators")
    deliveries = []
    with demo_systems(out, today=today, invoices=invoices, clock=clock) as systems:
        config = load_config(systems.config_path)
        store = Store.open(config.state_url)
        # Each run falls on a send day, so a weekend or a holiday never leaves a step of the ladder out.
        calendar = SendCalendar()
        for offset in offsets:
            day = calendar.next_send_day(today + timedelta(days=offset))
            clock.advance(max(0.0, (day - today_in("Europe/Amsterdam", clock)).days * 86400.0))
            report = run_cycle(config, store, today=day, clock=clock, state_dir=out / ".connector")
            deliveries = write_summary(config, store, report, clock=clock, out_dir=out / "summary")
            if offset == offsets[0]:
                for outcome in report.outcomes:
                    _print_outcome(outcome)
            else:
                _print_later(day, (day - today).days, report.outcomes)
    click.echo(f"\nfinished in {time.perf_counter() - started:.1f} s; everything is in {out}")
    click.echo(f"  config           {_rel(systems.config_path, out)}")
    click.echo(f"  state database   {_rel(out / 'state.db', out)}   (try: connector status --config {systems.config_path})")
    click.echo(f"  letters and PDFs {_rel(out / 'output', out)}/<administration>/")
    dossiers = sorted((out / "output").rglob("dossier.json"))
    if dossiers:
        click.echo(f"  incasso dossiers {len(dossiers)}, e.g. {_rel(dossiers[0].parent, out)}/")
    click.echo(f"  sent mail        {_rel(out / 'mailbox', out)}/ (.eml files)")
    for delivery in deliveries:
        click.echo(f"  summary          {_rel(delivery.eml_path, out)}  (open {_rel(delivery.preview_path, out)})")
    if report.failed:
        raise SystemExit(1)


def _print_outcome(outcome: AdminOutcome) -> None:
    click.echo(f"\n== {outcome.name} [{outcome.package}] — {outcome.status}")
    if outcome.error:
        click.echo(f"   error: {outcome.error}")
    if outcome.sync:
        click.echo(f"   synced: {outcome.sync.describe().split(': ', 1)[1]}")
    if outcome.bank_import:
        click.echo(f"   bank file: {outcome.bank_import.files} file(s), {outcome.bank_import.new_lines} new lines")
    labels = BUCKET_LABELS["en"]
    ages = "  ".join(f"{labels[b.key]}: {b.count} (EUR {b.amount:,.2f})" for b in outcome.aging if b.count)
    click.echo(f"   open by age: {ages or 'nothing open'}")
    if outcome.reconcile:
        result = outcome.reconcile.result
        click.echo(f"   reconciliation: {len(result.auto())} certain, "
                   f"{len({m.mutation_id for m in result.matches if m.status == 'suggested'})} lines with suggestions, "
                   f"{len(result.flags)} flagged, {len(outcome.reconcile.booked)} booked in the package")
        for match in outcome.auto_matches[:4]:
            click.echo(f"     ✓ {match.customer}: {match.invoice_number} EUR {match.amount:,.2f} — {match.reason}")
    if outcome.plan is not None and outcome.dunning is not None:
        click.echo(f"   dunning: {len(outcome.plan.actions)} planned, {len(outcome.dunning.sent)} sent, "
                   f"{len(outcome.plan.skipped)} invoices held back, {len(outcome.call_list)} to call")
        for step in outcome.dunning.sent[:5]:
            click.echo(f"     → {step.level_name} to {step.contact_name} via {step.via}: "
                       f"{', '.join(step.invoice_numbers)}")


def _print_later(day: date, offset: int, outcomes: list[AdminOutcome]) -> None:
    click.echo(f"\n== {offset} days later, {day:%d-%m-%Y}")
    for outcome in outcomes:
        sent = Counter(step.level_name for step in outcome.dunning.sent) if outcome.dunning else Counter()
        steps = ", ".join(f"{count} {level}" for level, count in sent.items()) or "nothing new to send"
        click.echo(f"   {outcome.name}: {outcome.status}; {steps}; {len(outcome.call_list)} to call")


def _morning(day: date) -> float:
    """08:00 in Amsterdam on `day`, as a Unix time: the start of a replayed demo."""
    return datetime.combine(day, day_time(8), tzinfo=ZoneInfo("Europe/Amsterdam")).timestamp()


def _rel(path: Path | None, base: Path) -> str:
    if path is None:
        return "-"
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def register(group: click.Group) -> None:
    group.add_command(demo_command)
