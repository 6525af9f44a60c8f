"""`connector holds …`: record why an invoice or a contact must not be chased.

    connector holds dispute     --invoice 2026-014 --reason "levering onvolledig"
    connector holds promise     --invoice 2026-014 --until 2026-12-05
    connector holds pause       --contact "Jansen ICT" --until 2027-01-06
    connector holds arrangement --contact "Jansen ICT" --instalment 2026-12-01=250 --instalment 2027-01-01=250
    connector holds list | release ID

Each shows up in `connector plan` as the reason an invoice is skipped. A betalingsregeling
holds while its instalments are paid; a missed instalment resumes dunning (and the plan says so).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store
from connector.cli.legal import AMOUNT
from connector.cli.plan import find_contact, find_invoice, one_admin
from connector.dunning.holds import Hold, HoldKind, Instalment, arrangement_status
from connector.money import ZERO, quantize
from connector.store.dunning_store import DunningStore
from connector.store.store import today_in

ISO = click.DateTime(formats=["%Y-%m-%d"])


def _common(function):  # type: ignore[no-untyped-def]
    for decorator in reversed((
        config_option,
        click.option("--admin", "admin_key", default=None, help="Administration key (needed when there are several)."),
        click.option("--date", "on_date", type=ISO, default=None, help="Record as of this date (default today)."),
    )):
        function = decorator(function)
    return function


class _Session:
    def __init__(self, config_path: Path, admin_key: str | None, on_date: datetime | None) -> None:
        self.config = open_config(config_path)
        self.admin = one_admin(self.config, admin_key)
        self.store = open_store(self.config)
        self.dunning = DunningStore(self.store)
        self.today = on_date.date() if on_date else today_in(self.config.timezone)

    def targets(self, contact: str | None, invoices: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        """(contact id, invoice ids) from --contact and/or --invoice options."""
        open_invoices = self.store.open_invoices(self.admin.key)
        chosen = [find_invoice(open_invoices, text) for text in invoices]
        if contact:
            contact_id = find_contact(self.store.contacts(self.admin.key), contact).host_id
        elif chosen:
            contact_id = chosen[0].contact_id
        else:
            raise click.UsageError("name a --contact or at least one --invoice")
        strangers = [inv.number for inv in chosen if inv.contact_id != contact_id]
        if strangers:
            raise click.BadParameter(f"invoices {', '.join(strangers)} belong to another contact",
                                     param_hint="--invoice")
        return contact_id, tuple(inv.host_id for inv in chosen)

    def add(self, hold: Hold) -> None:
        saved = self.dunning.add_hold(self.admin.key, hold)
        click.echo(f"hold #{saved.id} recorded: {_describe(saved)}")


@click.group("holds")
def holds_group() -> None:
    """Disputes, promises to pay, pauses and betalingsregelingen that stop dunning."""


@holds_group.command("list")
@_common
@click.option("--all", "show_all", is_flag=True, help="Include released holds.")
def list_command(config_path: Path, admin_key: str | None, on_date: datetime | None, show_all: bool) -> None:
    """List the holds of an administration."""
    session = _Session(config_path, admin_key, on_date)
    holds = session.dunning.holds(session.admin.key, include_released=show_all)
    if not holds:
        click.echo("no holds")
    open_by_id = {inv.host_id: inv for inv in session.store.open_invoices(session.admin.key)}
    for hold in holds:
        line = f"#{hold.id:<4} {_describe(hold)}"
        if hold.kind is HoldKind.ARRANGEMENT:
            open_now = sum((open_by_id[i].open_amount for i in hold.invoice_ids if i in open_by_id), ZERO)
            status = arrangement_status(hold, open_now, session.today)
            line += f" — paid {status.paid:.2f}, {'kept' if status.kept else 'BROKEN'}"
        click.echo(line)


@holds_group.command("dispute")
@_common
@click.option("--invoice", "invoices", multiple=True, required=True, help="Invoice number or id (repeatable).")
@click.option("--reason", default="", help="What the customer disputes.")
def dispute_command(config_path: Path, admin_key: str | None, on_date: datetime | None,
                    invoices: tuple[str, ...], reason: str) -> None:
    """Factuur met verweer: no dunning for these invoices until the dispute is released."""
    session = _Session(config_path, admin_key, on_date)
    contact_id, invoice_ids = session.targets(None, invoices)
    session.add(Hold(kind=HoldKind.DISPUTE, contact_id=contact_id, invoice_ids=invoice_ids,
                     created_on=session.today, reason=reason))


@holds_group.command("promise")
@_common
@click.option("--contact", default=None, help="Contact id, customer number or name (all its invoices).")
@click.option("--invoice", "invoices", multiple=True, help="Invoice number or id (repeatable).")
@click.option("--until", "until", type=ISO, required=True, help="The date the customer promised to pay by.")
@click.option("--reason", default="", help="Who promised what, e.g. 'per telefoon, J. Jansen'.")
def promise_command(config_path: Path, admin_key: str | None, on_date: datetime | None, contact: str | None,
                    invoices: tuple[str, ...], until: datetime, reason: str) -> None:
    """A promise to pay: no dunning until the promised date (plus the grace days)."""
    session = _Session(config_path, admin_key, on_date)
    contact_id, invoice_ids = session.targets(contact, invoices)
    if until.date() < session.today:
        raise click.BadParameter("the promised date is in the past", param_hint="--until")
    session.add(Hold(kind=HoldKind.PROMISE, contact_id=contact_id, invoice_ids=invoice_ids,
                     created_on=session.today, until=until.date(), reason=reason))


@holds_group.command("pause")
@_common
@click.option("--contact", required=True, help="Contact id, customer number or name.")
@click.option("--until", "until", type=ISO, required=True, help="Last day of the pause.")
@click.option("--reason", default="")
def pause_command(config_path: Path, admin_key: str | None, on_date: datetime | None, contact: str,
                  until: datetime, reason: str) -> None:
    """Pause all dunning of a contact until a date."""
    session = _Session(config_path, admin_key, on_date)
    contact_id, _ = session.targets(contact, ())
    session.add(Hold(kind=HoldKind.PAUSE, contact_id=contact_id, created_on=session.today, until=until.date(),
                     reason=reason))


@holds_group.command("arrangement")
@_common
@click.option("--contact", default=None, help="Contact id, customer number or name.")
@click.option("--invoice", "invoices", multiple=True, help="Invoices in the arrangement (default: all open ones).")
@click.option("--instalment", "instalments", multiple=True, metavar="DATE=AMOUNT",
              help="One instalment, e.g. 2026-12-01=250.00 (repeatable).")
@click.option("--count", type=click.IntRange(1, 120), default=None, help="Or: this many equal monthly instalments…")
@click.option("--first", "first", type=ISO, default=None, help="…the first on this date.")
@click.option("--reason", default="")
def arrangement_command(config_path: Path, admin_key: str | None, on_date: datetime | None, contact: str | None,
                        invoices: tuple[str, ...], instalments: tuple[str, ...], count: int | None,
                        first: datetime | None, reason: str) -> None:
    """Betalingsregeling: instalments with dates; dunning resumes when one is missed."""
    session = _Session(config_path, admin_key, on_date)
    contact_id, invoice_ids = session.targets(contact, invoices)
    if not invoice_ids:
        invoice_ids = tuple(inv.host_id for inv in session.store.open_invoices(session.admin.key)
                            if inv.contact_id == contact_id and inv.open_amount > 0)
    open_by_id = {inv.host_id: inv for inv in session.store.open_invoices(session.admin.key)}
    total = sum((open_by_id[i].open_amount for i in invoice_ids), ZERO)
    if total <= 0:
        raise click.UsageError("nothing is open for this contact")
    plan = _parse_instalments(instalments) if instalments else _equal_instalments(total, count, first)
    scheduled = sum((i.amount for i in plan), ZERO)
    if scheduled < total:
        raise click.BadParameter(f"the instalments add up to {scheduled:.2f}, less than the {total:.2f} open",
                                 param_hint="--instalment")
    session.add(Hold(kind=HoldKind.ARRANGEMENT, contact_id=contact_id, invoice_ids=invoice_ids,
                     created_on=session.today, amount=total, instalments=plan, reason=reason))


@holds_group.command("release")
@_common
@click.argument("hold_id", type=int)
@click.option("--reason", default="", help="Why it ends (dispute settled, credit note made, …).")
def release_command(config_path: Path, admin_key: str | None, on_date: datetime | None, hold_id: int,
                    reason: str) -> None:
    """End a hold; dunning of its invoices resumes at the next run."""
    session = _Session(config_path, admin_key, on_date)
    hold = session.dunning.release_hold(session.admin.key, hold_id, session.today, reason)
    click.echo(f"hold #{hold.id} released on {session.today.isoformat()}: {_describe(hold)}")


def _parse_instalments(texts: tuple[str, ...]) -> tuple[Instalment, ...]:
    result = []
    for text in texts:
        day, _, amount = text.partition("=")
        try:
            due = date.fromisoformat(day.strip())
        except ValueError:
            raise click.BadParameter(f"{text!r}: expected DATE=AMOUNT, e.g. 2026-12-01=250.00",
                                     param_hint="--instalment") from None
        value = AMOUNT.convert(amount, None, None)
        if value <= 0:
            raise click.BadParameter(f"{text!r}: the amount must be positive", param_hint="--instalment")
        result.append(Instalment(due_date=due, amount=quantize(value)))
    return tuple(sorted(result, key=lambda i: i.due_date))


def _equal_instalments(total: Decimal, count: int | None, first: datetime | None) -> tuple[Instalment, ...]:
    if count is None or first is None:
        raise click.UsageError("give --instalment DATE=AMOUNT (repeatable), or --count N with --first DATE")
    share = quantize(total / count)
    start = first.date()
    result = []
    for n in range(count):
        amount = share if n < count - 1 else total - share * (count - 1)
        result.append(Instalment(due_date=_add_months(start, n), amount=amount))
    return tuple(result)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _describe(hold: Hold) -> str:
    scope = f"invoices {', '.join(hold.invoice_ids)}" if hold.invoice_ids else "all invoices"
    parts = [hold.kind.value, f"contact {hold.contact_id}", scope]
    if hold.until:
        parts.append(f"until {hold.until.isoformat()}")
    if hold.instalments:
        total = sum((i.amount for i in hold.instalments), ZERO)
        parts.append(f"{len(hold.instalments)} instalments of total {total:.2f} "
                     f"from {hold.instalments[0].due_date.isoformat()}")
    if hold.reason:
        parts.append(f"“{hold.reason}”")
    if hold.released_on:
        parts.append(f"released {hold.released_on.isoformat()}")
    return ", ".join(parts)


def register(group: click.Group) -> None:
    group.add_command(holds_group)
