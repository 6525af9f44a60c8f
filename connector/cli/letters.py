"""`connector letters …`: letters that went by post, and the day they were really posted.

    connector letters list   [--admin KEY]
    connector letters posted ID --date 2026-11-26 [--admin KEY]

Why: a letter by post counts its term from delivery, and delivery from the day it is posted. The
run records the run day; when the letter goes into the mailbox later, `posted` records the real
day, and the term end, the first day the 14-dagenbrief's costs may be charged and the day the
next level may follow all move with it. The letter itself prints no end date, so it stays valid.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from connector.cli._common import config_option, open_config, open_store
from connector.cli.plan import one_admin
from connector.dunning.claims import letter_term
from connector.dunning.model import DunningStep, Via
from connector.dunning.policy import DunningSettings, settings_for
from connector.store.dunning_store import DunningStore

ISO = click.DateTime(formats=["%Y-%m-%d"])
admin_option = click.option("--admin", "admin_key", default=None,
                            help="Administration key (needed when there are several).")


@click.group("letters")
def letters_group() -> None:
    """Letters by post: list them, record the day each was posted."""


@letters_group.command("list")
@config_option
@admin_option
def list_command(config_path: Path, admin_key: str | None) -> None:
    """Letters by post with their dispatch date, term end and (14-dagenbrief) first cost day."""
    config = open_config(config_path)
    admin = one_admin(config, admin_key)
    posted = DunningStore(open_store(config)).step_ids(admin.key, via=Via.POST)
    if not posted:
        click.echo("no letters by post")
    for step_id, step in posted:
        click.echo(_describe(step_id, step))


@letters_group.command("posted")
@config_option
@admin_option
@click.argument("step")
@click.option("--date", "posted_on", type=ISO, required=True, help="The day the letter went into the post.")
def posted_command(config_path: Path, admin_key: str | None, step: str, posted_on: datetime) -> None:
    """Record the day letter STEP (its id from `connector letters list`, or its key) was posted."""
    config = open_config(config_path)
    admin = one_admin(config, admin_key)
    settings = settings_for(admin)
    store = open_store(config)
    dunning = DunningStore(store)
    step_id, letter = _find(dunning.step_ids(admin.key, via=Via.POST), step)
    day = posted_on.date()
    printed = letter.letter_date or letter.sent_on
    if day < printed:
        raise click.BadParameter(f"the letter is dated {printed.isoformat()}; it cannot have been posted before",
                                 param_hint="--date")
    later = [s for s in dunning.steps(admin.key, contact_id=letter.contact_id)
             if s.key != letter.key and s.level_index > letter.level_index
             and set(s.invoice_ids) & set(letter.invoice_ids)]
    if later:
        raise click.UsageError(f"'{later[0].level_name}' already followed on {later[0].sent_on.isoformat()}: "
                               "the dispatch date can no longer change what that step did")
    term_end, costs_from = _term(letter, day, settings, _contact_kind(store, admin.key, letter))
    history = f"dispatch date {letter.sent_on.isoformat()} corrected to {day.isoformat()}"
    corrected = dunning.correct_dispatch(admin.key, letter.key, sent_on=day, term_end=term_end,
                                         costs_from=costs_from if letter.wik_valid else None,
                                         detail="; ".join(part for part in (letter.detail, history) if part))
    click.echo(_describe(step_id, corrected))


def _find(posted: list[tuple[int, DunningStep]], text: str) -> tuple[int, DunningStep]:
    for step_id, step in posted:
        if text.strip() in (str(step_id), step.key):
            return step_id, step
    raise click.BadParameter(f"no letter by post {text!r} (see `connector letters list`)", param_hint="STEP")


def _contact_kind(store, admin_key: str, step: DunningStep) -> str:  # type: ignore[no-untyped-def]
    for contact in store.contacts(admin_key):
        if contact.host_id == step.contact_id:
            return contact.kind.value
    raise click.UsageError(f"contact {step.contact_id} is not in the store any more: sync first")


def _term(step: DunningStep, day: date, settings: DunningSettings, kind: str) -> tuple[date | None, date | None]:
    policy = settings.policy_for(kind)
    index = policy.index_of(step.level_name)
    if index is None:
        raise click.UsageError(f"level '{step.level_name}' is no longer in the policy: its term cannot be "
                               "computed again")
    return letter_term(policy.levels[index - 1], day, settings, by_post=True)


def _describe(step_id: int, step: DunningStep) -> str:
    printed = (step.letter_date or step.sent_on).isoformat()
    parts = [f"#{step_id:<4} {step.level_name} to contact {step.contact_id}", f"dated {printed}",
             f"posted {step.sent_on.isoformat()}"]
    if step.term_end:
        parts.append(f"term ends {step.term_end.isoformat()}")
    if step.costs_from:
        parts.append(f"costs from {step.costs_from.isoformat()}")
    return ", ".join(parts)


def register(group: click.Group) -> None:
    group.add_command(letters_group)
