"""JSON with Decimal amounts written as JSON numbers, never as floats or strings.

e-Boekhouden's API is typed (`amount` is a number in its OpenAPI), so an amount sent as
the string "12.50" risks a validation error, and a float would risk rounding. Decimals
are first written as marked strings and the marks are then stripped, which leaves the
exact decimal text as a JSON number.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

_MARK = "\u0000dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _MARK + format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """Serialise `value`; Decimals become plain JSON numbers with their exact digits."""
    text = json.dumps(value, default=_default, separators=(",", ":"))
    return _MARKED.sub(r"\1", text)


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as Decimal."""
    return json.loads(text, parse_float=Decimal)
