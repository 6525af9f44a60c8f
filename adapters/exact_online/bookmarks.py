"""What an Exact stream remembers between pulls, as a small JSON bookmark.

`ts` is the highest sync `Timestamp` (a row version, unrelated to time) whose rows are all
stored; `deleted_ts` the same for `sync/Deleted`. `move` is the division's DivisionMoveDate:
when Exact moves a division to another database all Timestamps restart, so a changed value
means "sync everything again". `check` asks the next pull to verify the open set with a bulk
snapshot (after an interrupted full pass, or when the bookmark is older than the two months
Exact keeps its deletion log). `bank_modified` is the contacts stream's bank-account watermark.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

DELETED_LOG_DAYS = 55  # Exact keeps sync/Deleted for about 2 months; stay on the safe side


@dataclass(frozen=True, slots=True)
class SyncBookmark:
    division: int
    ts: int = 1
    deleted_ts: int = 1
    move: str = ""
    check: bool = False
    pulled_at: float = 0.0
    bank_modified: str = ""

    @classmethod
    def parse(cls, text: str | None, division: int) -> SyncBookmark | None:
        """None when there is no usable bookmark (first pull, other division, unreadable)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            mark = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (ValueError, TypeError):
            return None
        return mark if mark.division == division else None

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def stale(self, now: float) -> bool:
        return bool(self.pulled_at) and now - self.pulled_at > DELETED_LOG_DAYS * 86400

    def but(self, **changes: object) -> SyncBookmark:
        return replace(self, **changes)
