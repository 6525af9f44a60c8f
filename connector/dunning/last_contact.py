"""The last contact with a customer, for the call list: whoever rings should know what came before. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from connector.dunning.holds import Hold
from connector.dunning.model import DunningStep, Via

__all__ = ["LastContact", "last_contact"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LastContact:
    """`kind`: "step" (a level we sent), "host_reminder" (the package reminded on its own), or the
    hold recorded ("dispute", "promise", "pause", "arrangement"); `what`: the level or the reason."""

    on: date
    kind: str
    what: str = ""


def last_contact(steps: Iterable[DunningStep], holds: Iterable[Hold], *, contact_id: str, today: date,
                 exclude_key: str = "") -> LastContact | None:
    """The most recent sent step or recorded hold of `contact_id` up to `today`; a hold wins a tie
    (it is what the customer said after the letter)."""
    found: list[tuple[date, int, LastContact]] = []
    for step in steps:
        if step.contact_id != contact_id or step.status != "sent" or step.key == exclude_key or step.sent_on > today:
            continue
        kind = "host_reminder" if step.via == Via.HOST_OWN else "step"
        found.append((step.sent_on, 0, LastContact(on=step.sent_on, kind=kind, what=step.level_name)))
    for hold in holds:
        if hold.contact_id != contact_id or hold.created_on > today:
            continue
        found.append((hold.created_on, 1, LastContact(on=hold.created_on, kind=hold.kind.value, what=hold.reason)))
    return max(found, key=lambda item: (item[0], item[1]))[2] if found else None
