"""`connector matches`: what reconciliation found that needs a person, and their decision on it."""

from __future__ import annotations

from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store, state_dir
from connector.reconcile.model import Match
from connector.store.reconciliations import ReconciliationStore


@click.group("matches", invoke_without_command=True)
@config_option
@click.option("--admin", "admin_key", help="Only this administration.")
@click.option("--all", "show_all", is_flag=True, help="Also list the certain (auto) matches.")
@click.pass_context
def matches_group(ctx: click.Context, config_path: Path, admin_key: str | None, show_all: bool) -> None:
    """List suggested matches and flagged bank lines awaiting a decision (see `accept` / `reject`)."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    if ctx.invoked_subcommand is not None:
        return
    config = open_config(config_path)
    store = open_store(config)
    results = ReconciliationStore(store)
    kinds = ("auto", "suggested", "flag") if show_all else ("suggested", "flag")
    admins = [config.administration(admin_key)] if admin_key else config.administrations
    for admin in admins:
        rows = results.open_results(admin.key, kinds)
        numbers = {i.host_id: i.number for i in store.open_invoices(admin.key)}
        click.echo(f"\n{admin.key} — {admin.name}: {len(rows)} open")
        for row in rows:
            what = f"flag {row.rule}" if row.kind == "flag" else f"{row.kind} {row.confidence}"
            invoice = f" → invoice {numbers.get(row.invoice_id, row.invoice_id)}" if row.invoice_id else ""
            decided = f" [{row.decision}]" if row.decision else ""
            click.echo(f"  #{row.id:<5} line {row.mutation_id}{invoice}  EUR {row.amount}  ({what}){decided}")
            click.echo(f"         {row.reason}")


@matches_group.command("accept")
@click.argument("admin_key")
@click.argument("result_id", type=int)
@click.pass_context
def accept(ctx: click.Context, admin_key: str, result_id: int) -> None:
    """Accept suggestion RESULT_ID: book it in the package where it can, else mark it as handled."""
    from connector.service.factory import build_adapter
    from connector.service.reconcile_step import book_matches

    config = open_config(ctx.obj["config_path"])
    admin = config.administration(admin_key)
    store = open_store(config)
    results = ReconciliationStore(store)
    row = results.get(admin.key, result_id)
    if row is None or row.kind == "flag":
        raise click.UsageError(f"no suggestion #{result_id} for {admin.key} (see `connector matches`)")
    adapter = build_adapter(admin, state_dir=state_dir(config))
    try:
        if adapter.capabilities.books_payments:
            mutation = {m.host_id: m for m in store.unbooked_mutations(admin.key)}
            match = Match(mutation_id=row.mutation_id, invoice_id=row.invoice_id, amount=row.amount,  # type: ignore[arg-type]
                          status="auto", confidence=1.0, reason=row.reason, rule=row.rule)
            booked, errors = book_matches(admin, store, adapter, [match], mutation, dry_run=False)
            if errors:
                raise click.ClickException("; ".join(errors))
            click.echo("booked in the package" if booked else "nothing to book (already booked?)")
        else:
            click.echo(f"{admin.package.value} cannot book payments through its API: book it there yourself")
    finally:
        adapter.close()
    results.decide(admin.key, result_id, "accepted")


@matches_group.command("reject")
@click.argument("admin_key")
@click.argument("result_id", type=int)
@click.pass_context
def reject(ctx: click.Context, admin_key: str, result_id: int) -> None:
    """Reject suggestion RESULT_ID: it is not proposed again and does not hold back dunning."""
    config = open_config(ctx.obj["config_path"])
    admin = config.administration(admin_key)
    results = ReconciliationStore(open_store(config))
    if results.get(admin.key, result_id) is None:
        raise click.UsageError(f"no result #{result_id} for {admin.key}")
    results.decide(admin.key, result_id, "rejected")
    click.echo(f"#{result_id} rejected")


def register(group: click.Group) -> None:
    group.add_command(matches_group)
