"""`connector dossier`: export the incasso hand-over (CSV + JSON + the PDFs sent) for one contact,
or for every contact whose invoices reached the last level of its policy.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store
from connector.cli.plan import date_option, find_contact, one_admin
from connector.dunning.policy import settings_for
from connector.letters.output import export_dossier, slug
from connector.store.dunning_store import DunningStore
from connector.store.store import today_in


@click.command("dossier")
@config_option
@click.option("--admin", "admin_key", default=None, help="Administration key (needed when there are several).")
@click.option("--contact", default=None, help="Contact id, customer number or name.")
@click.option("--all", "all_last_level", is_flag=True, help="Every contact with invoices at the last level.")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Folder for the dossiers (default: <output_dir>/<admin>/dossiers/<date>).")
@date_option
def dossier_command(config_path: Path, admin_key: str | None, contact: str | None, all_last_level: bool,
                    output: Path | None, on_date: datetime | None) -> None:
    """Export the incasso dossier: dossier.json, dossier.csv and the letters sent, per contact."""
    if bool(contact) == all_last_level:
        raise click.UsageError("give either --contact or --all")
    config = open_config(config_path)
    admin = one_admin(config, admin_key)
    settings = settings_for(admin)
    store = open_store(config)
    dunning = DunningStore(store)
    today = on_date.date() if on_date else today_in(config.timezone)
    contacts = store.contacts(admin.key)
    invoices = store.open_invoices(admin.key)
    history = dunning.history(admin.key)
    if contact:
        chosen = [find_contact(contacts, contact)]
    else:
        at_last = set()
        for step in history:
            by_id = {c.host_id: c for c in contacts}
            person = by_id.get(step.contact_id)
            if person is None or step.status != "sent":
                continue
            policy = settings.policy_for(person.kind.value)
            still_open = any(inv.host_id in step.invoice_ids for inv in invoices)
            if step.level_name == policy.levels[-1].name and still_open:
                at_last.add(step.contact_id)
        chosen = [c for c in contacts if c.host_id in at_last]
    base = output or (config.resolve(config.output_dir) or Path("connector-output")) / admin.key / "dossiers" \
        / today.isoformat()
    holds = dunning.holds(admin.key, include_released=True)
    if not chosen:
        click.echo("no contact has invoices at the last level")
    for person in chosen:
        folder = base / f"{slug(person.host_id, 24)}-{slug(person.name)}"
        own = [inv for inv in invoices if inv.contact_id == person.host_id]
        written = export_dossier(folder, admin_key=admin.key, contact=person, invoices=own, steps=history,
                                 holds=holds, settings=settings, today=today)
        click.echo(f"{person.name}: {len(own)} open invoice(s), {len(written)} file(s) in {folder}")


def register(group: click.Group) -> None:
    group.add_command(dossier_command)
