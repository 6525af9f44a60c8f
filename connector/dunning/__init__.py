"""Dunning: policies (levels per debtor kind), holds, the pure planner and its records.

`plan_dunning` decides today's steps; `connector.service.dunning_run.execute_plan` sends them
through the outbox; `connector.letters` renders them.
"""

from connector.dunning.holds import Hold, HoldKind, Instalment
from connector.dunning.model import (
    DunningAction,
    DunningPlan,
    DunningStep,
    HostReminderSeen,
    Skip,
    Via,
)
from connector.dunning.planner import plan_dunning
from connector.dunning.policy import (
    Channel,
    DunningSettings,
    Level,
    LevelKind,
    Policy,
    settings_for,
)

__all__ = [
    "Channel",
    "DunningAction",
    "DunningPlan",
    "DunningSettings",
    "DunningStep",
    "Hold",
    "HoldKind",
    "HostReminderSeen",
    "Instalment",
    "Level",
    "LevelKind",
    "Policy",
    "Skip",
    "Via",
    "plan_dunning",
    "settings_for",
]
