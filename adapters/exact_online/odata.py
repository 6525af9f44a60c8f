"""Exact's OData v2 dialect: `/Date(ms)/` values, filter literals and JSON with exact decimals.

Exact's FAQ says the number inside `/Date(…)/` is "in CET, not GMT": it is the Amsterdam
wall-clock time written as if it were UTC. Reading it as real UTC shifts every midnight
date-only value (InvoiceDate, DueDate) to 23:00 or 22:00 of the day before, so we read it
as wall time, and date-only fields become plain dates. Filter literals go back the same way:
`datetime'2024-03-01T00:00:00'` without a zone.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_EPOCH = datetime(1970, 1, 1)
_ODATA_DATE = re.compile(r"^/Date\((-?\d+)(?:([+-])(\d{2})(\d{2}))?\)/$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def parse_wall_time(value: Any) -> datetime | None:
    """`/Date(1672531200000)/` -> naive Amsterdam wall time 2023-01-01 00:00; None for empty values.

    An explicit offset (`/Date(ms+0100)/`, OData's DateTimeOffset form) is honoured and the
    value converted to Amsterdam wall time.
    """
    if value in (None, ""):
        return None
    match = _ODATA_DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"not an OData date: {value!r}")
    millis, sign, _hours, _minutes = match.groups()
    if sign is None:
        return _EPOCH + timedelta(milliseconds=int(millis))
    instant = datetime.fromtimestamp(int(millis) / 1000, UTC)
    return instant.astimezone(AMSTERDAM).replace(tzinfo=None)


def parse_date(value: Any) -> date | None:
    """A date-only field (InvoiceDate, DueDate): the calendar date Exact shows, never shifted."""
    moment = parse_wall_time(value)
    return moment.date() if moment else None


def parse_datetime(value: Any) -> datetime | None:
    """A moment (Modified, Created) as an aware datetime in Europe/Amsterdam."""
    moment = parse_wall_time(value)
    return moment.replace(tzinfo=AMSTERDAM) if moment else None


def format_wall_time(moment: datetime | date) -> str:
    """The inverse of `parse_wall_time`: what Exact sends for this wall-clock moment or date."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM).replace(tzinfo=None)
    millis = (moment - _EPOCH) // timedelta(milliseconds=1)
    return f"/Date({millis})/"


def wall_now(epoch: float) -> datetime:
    """Amsterdam wall time of a Unix time (what Exact would call "now")."""
    return datetime.fromtimestamp(epoch, AMSTERDAM).replace(tzinfo=None)


def wall_iso(moment: datetime | date) -> str:
    """`2024-03-01T00:00:00`: Amsterdam wall time without a zone, as Exact wants dates sent."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat()


def datetime_literal(moment: datetime | date) -> str:
    """`datetime'2024-03-01T00:00:00'` for a filter (a `Z` would get shifted by Exact)."""
    return f"datetime'{wall_iso(moment)}'"


def guid_literal(value: str) -> str:
    """`guid'…'` for a filter; refuses anything that is not a GUID so nothing can be injected."""
    if not is_guid(value):
        raise ValueError(f"not a GUID: {value!r}")
    return f"guid'{value.lower()}'"


def string_literal(value: str) -> str:
    """A quoted OData string with embedded quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def is_guid(value: Any) -> bool:
    return isinstance(value, str) and bool(_GUID.match(value))


_MARK = "\u0000dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _MARK + format(value, "f")
    if isinstance(value, (datetime, date)):
        return wall_iso(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """JSON where Decimals are written as numbers with their exact digits (Edm.Double fields)."""
    return _MARKED.sub(r"\1", json.dumps(value, default=_json_default, separators=(",", ":")))


def loads(text: str | bytes) -> Any:
    """JSON with every non-integer number as Decimal (a float never touches money)."""
    return json.loads(text, parse_float=Decimal)
