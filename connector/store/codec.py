"""Records to JSON-safe dicts and back, without losing a cent or a date.

Generic over the frozen dataclasses in connector.records: Decimal <-> str, date <-> ISO,
Enum <-> value, tuple <-> list, nested records as dicts.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(cls: type[T], data: dict[str, Any]) -> T:
    hints = _hints(cls)
    kwargs = {name: _decode_value(hints[name], raw) for name, raw in data.items() if name in hints}
    return cls(**kwargs)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_value(hint: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode_value(args[0], raw) if len(args) == 1 else raw
    if origin is tuple:
        (item,) = typing.get_args(hint)[:1]
        return tuple(_decode_value(item, v) for v in raw)
    if hint is Decimal:
        return Decimal(raw)
    if hint is date:
        return date.fromisoformat(raw)
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(raw)
    if dataclasses.is_dataclass(hint):
        return decode(hint, raw)
    return raw
