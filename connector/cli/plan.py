"""`connector plan`: the dry run of the next dunning run — who gets what, at which level, and why not.

Read-only: it plans from the store's snapshot, history and holds exactly as the cycle would,
but sends nothing and records nothing (`--render` also writes the letters it would send into
the output folder's `preview/`). The helpers at the bottom are shared with `holds` and `dossier`.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import click

from adapters.base import Adapter, Capabilities
from connector.cli._common import config_option, open_config, open_store
from connector.config.schema import AdministrationConfig, ConnectorConfig
from connector.dunning.model import DunningAction, DunningPlan, Via
from connector.dunning.planner import plan_dunning
from connector.dunning.policy import DunningSettings, settings_for
from connector.errors import ConfigError
from connector.letters.formatting import format_long_date, format_money, format_short_date
from connector.records import Contact, Invoice
from connector.store import Store
from connector.store.codec import encode
from connector.store.dunning_store import DunningStore
from connector.store.store import today_in

VIA_WORDS = {Via.HOST: "e-mail sent by the package", Via.SMTP: "e-mail from the connector",
             Via.POST: "PDF letter for the post", Via.CALL: "call list", Via.DOSSIER: "incasso dossier"}

date_option = click.option("--date", "on_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                           help="Plan as if today were this date (YYYY-MM-DD); default: today.")
admin_option = click.option("--admin", "admin_keys", multiple=True,
                            help="Only this administration (repeatable); default: all enabled ones.")


@click.command("plan")
@config_option
@date_option
@admin_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also list invoices that are simply not due yet.")
@click.option("--render", is_flag=True, help="Write the letters it would send to <output_dir>/<admin>/preview/.")
def plan_command(config_path: Path, on_date: datetime | None, admin_keys: tuple[str, ...], output_format: str,
                 show_all: bool, render: bool) -> None:
    """Show the next dunning run without sending: invoices, level, channel, costs, interest, or why skipped."""
    config = open_config(config_path)
    store = open_store(config)
    today = on_date.date() if on_date else today_in(config.timezone)
    documents: list[str] = []
    plans = []
    for admin in selected_admins(config, admin_keys):
        settings = settings_for(admin)
        plan = plan_for(store, admin, settings, today)
        plans.append((admin, plan))
        if render:
            from connector.service.dunning_run import write_previews

            output = config.resolve(config.output_dir) or Path("connector-output")
            result = write_previews(plan, settings=settings, output_dir=output,
                                    templates_dirs=[config.resolve(config.templates_dir),
                                                    config.resolve(settings.templates_dir)])
            documents.extend(str(p) for p in result.documents)
    if output_format == "json":
        click.echo(json.dumps([encode(plan) for _, plan in plans], indent=2, ensure_ascii=False))
    else:
        for admin, plan in plans:
            click.echo(describe_plan(admin, plan, show_all=show_all))
        if documents:
            click.echo(f"\npreview files: {len(documents)} written, e.g. {documents[0]}")


def describe_plan(admin: AdministrationConfig, plan: DunningPlan, *, show_all: bool = False) -> str:
    counts = Counter(action.via for action in plan.actions)
    lines = [
        f"{admin.key} — {admin.name} — dunning plan for {plan.today.isoformat()} (dry run)",
        (f"  {counts[Via.HOST] + counts[Via.SMTP]} e-mail(s), {counts[Via.POST]} letter(s) by post, "
         f"{counts[Via.CALL]} call(s), {counts[Via.DOSSIER]} dossier(s); {len(plan.skipped)} invoice(s) skipped"),
    ]
    for action in plan.actions:
        lines.extend(_describe_action(action))
    not_due = [s for s in plan.skipped if s.code == "not_due"]
    for skip in plan.skipped:
        if skip.code == "not_due" and not show_all:
            continue
        lines.append(f"  SKIP  {skip.invoice_number:<14} {skip.contact_name[:28]:<28} "
                     f"{format_money(skip.open_amount):>14}  {skip.code}: {skip.reason}")
    if not_due and not show_all:
        lines.append(f"  ({len(not_due)} invoice(s) not due yet; --all lists them)")
    for seen in plan.host_reminders_seen:
        lines.append(f"  NOTE  invoice {seen.invoice_id}: the package sent {seen.count} reminder(s) itself; "
                     f"the run records it as '{seen.level_name or 'no level'}'")
    for warning in plan.warning_texts("en"):
        lines.append(f"  WARNING {warning}")
    return "\n".join(lines).replace("\u00a0", " ") + "\n"  # plain spaces: easier to grep


def _describe_action(action: DunningAction) -> list[str]:
    verb = {Via.CALL: "CALL", Via.DOSSIER: "HAND"}.get(action.via, "SEND")
    to = f" to {', '.join(action.recipients)}" if action.via in (Via.HOST, Via.SMTP) else ""
    if action.via == Via.CALL:
        to = f" {action.contact.phone or '(no phone number)'}"
    lines = [(f"  {verb}  {action.contact.name} ({action.debtor_kind})  level {action.level_index}/"
              f"{action.level_count} {action.level_name}  via {VIA_WORDS.get(action.via, action.via)}{to}")]
    for item in action.invoices:
        lines.append(f"        {item.invoice.number:<14} due {format_short_date(item.invoice.due_date)}  "
                     f"{item.days_overdue:>4} days  {format_money(item.invoice.open_amount):>14}")
    credit = f" (after credit notes {format_money(action.credit_applied)})" if action.credit_applied else ""
    lines.append(f"        principal {format_money(action.principal)}{credit}  interest {format_money(action.interest)}"
                 f"  costs {format_money(action.costs)}  total {format_money(action.total_due)}")
    posted = " if posted today (the letter counts from delivery)" if action.by_post else ""
    if action.announced_costs:
        lines.append(f"        announces costs of {format_money(action.announced_costs)} if unpaid by "
                     f"{format_long_date(action.new_term_date) if action.new_term_date else '?'}{posted}")
    elif action.new_term_date:
        lines.append(f"        pay by {format_long_date(action.new_term_date)}{posted}")
    if action.email_copy:
        lines.append(f"        and a copy by e-mail to {', '.join(action.recipients)}")
    lines.extend(f"        note: {note}" for note in action.notes)
    return lines


# -- shared with `holds` and `dossier` ----------------------------------------------------------

def selected_admins(config: ConnectorConfig, keys: tuple[str, ...]) -> list[AdministrationConfig]:
    if keys:
        return [config.administration(k) for k in keys]
    return [a for a in config.administrations if a.enabled]


def one_admin(config: ConnectorConfig, key: str | None) -> AdministrationConfig:
    if key:
        return config.administration(key)
    if len(config.administrations) == 1:
        return config.administrations[0]
    known = ", ".join(a.key for a in config.administrations) or "none"
    raise ConfigError(f"say which administration with --admin (known: {known})")


def host_capabilities(admin: AdministrationConfig) -> Capabilities:
    """The adapter class's capabilities, without connecting to the host."""
    from connector.service.factory import ADAPTER_MODULES

    try:
        module = importlib.import_module(ADAPTER_MODULES[admin.package])
    except ImportError:
        return Capabilities()
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Adapter) and value is not Adapter \
                and getattr(value, "package", None) is admin.package:
            return value.capabilities
    return Capabilities()


def probable_payments(store: Store, admin_key: str) -> dict[str, str]:
    """Invoice id -> reason, from the reconciliation engine when it offers `probable_payments`."""
    try:
        from connector import reconcile
    except ImportError:
        return {}
    finder = getattr(reconcile, "probable_payments", None)
    return dict(finder(store, admin_key)) if callable(finder) else {}


def plan_for(store: Store, admin: AdministrationConfig, settings: DunningSettings, today: date) -> DunningPlan:
    dunning = DunningStore(store)
    return plan_dunning(
        store.open_invoices(admin.key), store.contacts(admin.key), dunning.history(admin.key),
        dunning.holds(admin.key), probable_payments(store, admin.key), settings, today, host_capabilities(admin),
        admin_key=admin.key,
    )


def find_contact(contacts: list[Contact], text: str) -> Contact:
    """By host id, customer number or (case-insensitive) name; a clear error when none or several match."""
    wanted = text.strip().lower()
    for field in ("host_id", "customer_number", "name"):
        matches = [c for c in contacts if str(getattr(c, field)).lower() == wanted]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            ids = ", ".join(c.host_id for c in matches)
            raise click.BadParameter(f"{text!r} matches several contacts ({ids}); use the id", param_hint="--contact")
    similar = [c.name for c in contacts if wanted in c.name.lower()][:5]
    hint = f" (did you mean: {', '.join(similar)}?)" if similar else ""
    raise click.BadParameter(f"no contact {text!r} in the store{hint}", param_hint="--contact")


def find_invoice(invoices: list[Invoice], text: str) -> Invoice:
    wanted = text.strip().lower()
    for invoice in invoices:
        if invoice.host_id.lower() == wanted or invoice.number.lower() == wanted:
            return invoice
    raise click.BadParameter(f"no open invoice {text!r} in the store", param_hint="--invoice")


def register(group: click.Group) -> None:
    group.add_command(plan_command)
