"""The dunning choices `connector init` offers, as `dunning:` sections of the config.

"standard" is the built-in Dutch ladder (connector.dunning.policy), written as a comment
only, so a later version's improved defaults reach the administration; "reminders" stops
after the friendly steps and the call list (no legal letters, no costs, no interest) for
clients who do the formal part themselves. Every choice is validated by DunningSettings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.dunning.policy import DunningSettings

PRESETS = ("standard", "reminders")

STANDARD_TEXT = {
    "company": "herinnering, 2e herinnering, bellijst, ingebrekestelling (costs, interest), incasso",
    "consumer": "herinnering, 2e herinnering, bellijst, 14-dagenbrief (costs announced), incasso",
}

REMINDERS_ONLY: list[dict[str, Any]] = [
    {"name": "herinnering", "delay_days": 5, "delay_from": "due_date", "channel": "host_email", "term_days": 7},
    {"name": "tweede_herinnering", "delay_days": 10, "channel": "host_email", "term_days": 7},
    {"name": "bellijst", "kind": "call", "delay_days": 8, "channel": "phone"},
]


def dunning_section(*, company: str = "standard", consumer: str = "standard", unknown_contacts: str = "consumer",
                    creditor: Mapping[str, str] | None = None, enabled: bool = True) -> dict[str, Any]:
    """The `dunning:` mapping for these choices (validated; raises ValueError with the reason)."""
    for kind, choice in (("company", company), ("consumer", consumer)):
        if choice not in PRESETS:
            raise ValueError(f"{kind} policy {choice!r}: choose one of {', '.join(PRESETS)}")
    section: dict[str, Any] = {}
    if not enabled:
        section["enabled"] = False
    section["unknown_contacts"] = unknown_contacts
    details = {k: v for k, v in (creditor or {}).items() if v}
    if details:
        section["creditor"] = details
    if company == "reminders":
        section["company"] = {"levels": [dict(level) for level in REMINDERS_ONLY]}
    if consumer == "reminders":
        section["consumer"] = {"levels": [dict(level) for level in REMINDERS_ONLY]}
    DunningSettings.model_validate(section)
    return section


def dunning_comments(*, company: str, consumer: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Trailing comments and comment lines above keys for the entry's dunning section."""
    comments = {
        "dunning.unknown_contacts": "contacts the package does not mark as company or person: consumer | company",
        "dunning.enabled": "true: plan and send reminders; false: only sync, match and report",
        "dunning.creditor.iban": "printed in letters with a payment QR code",
    }
    only = "reminders and the call list only"
    above: dict[str, list[str]] = {"dunning": [
        "Dunning policy, every option in docs/policy.md.",
        "  business customers: " + (STANDARD_TEXT["company"] if company == "standard" else only),
        "  consumers:          " + (STANDARD_TEXT["consumer"] if consumer == "standard" else only),
    ]}
    if company == "reminders":
        above["dunning.company"] = ["business customers: no ingebrekestelling, no costs, no interest"]
    if consumer == "reminders":
        above["dunning.consumer"] = ["consumers: no 14-dagenbrief, so no collection costs can become due"]
    return comments, above
