"""The accountant's e-mail summary: a pure model, its figures, templates, chart and delivery."""

from connector.summary.model import (
    AdminSummary,
    AgingRow,
    AttentionItem,
    AutoMatch,
    CallListRow,
    FlaggedLine,
    HoldDue,
    KeyFigures,
    SentLevel,
    Suggestion,
    Summary,
    build_summary,
)

__all__ = [
    "AdminSummary", "AgingRow", "AttentionItem", "AutoMatch", "CallListRow", "FlaggedLine", "HoldDue",
    "KeyFigures", "SentLevel", "Suggestion", "Summary", "build_summary",
]
