"""The slice of OData v2 the Exact simulator understands: `$filter` expressions and Exact's JSON.

Supported in filters: `eq ne gt ge lt le`, `and or not`, parentheses, the literals
`guid'…'`, `datetime'…'`, `'text'` (quotes doubled), integers with an optional `L`, decimals
with an optional `M`/`D`, `true`/`false`/`null`, and the functions `substringof`,
`startswith`, `endswith`, `trim`, `tolower`, `toupper`, `length`. That is what Exact
integrations use in practice; anything else is answered with 400, like Exact does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from adapters.exact_online.odata import format_wall_time, parse_wall_time

COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "substringof": lambda needle, haystack: (
        str(needle or "").lower() in str(haystack or "").lower()
    ),
    "startswith": lambda text, prefix: (
        str(text or "").lower().startswith(str(prefix or "").lower())
    ),
    "endswith": lambda text, suffix: str(text or "").lower().endswith(str(suffix or "").lower()),
    "trim": lambda text: str(text or "").strip(),
    "tolower": lambda text: str(text or "").lower(),
    "toupper": lambda text: str(text or "").upper(),
    "length": lambda text: len(str(text or "")),
}

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<typed>(?:guid|datetime|datetimeoffset|time)'[^']*')"
    r"|(?P<string>'(?:[^']|'')*')"
    r"|(?P<number>-?\d+(?:\.\d+)?[LlMmDdFf]?)(?![\w.])"
    r"|(?P<punct>[(),])"
    r"|(?P<name>[A-Za-z_][\w/]*)"
    r")"
)


class FilterError(ValueError):
    """The filter is not valid OData (or uses something Exact would refuse)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterError(f"cannot parse $filter near {text[pos : pos + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _literal(kind: str, text: str) -> Any:
    if kind == "string":
        return text[1:-1].replace("''", "'")
    if kind == "number":
        body = text.rstrip("LlMmDdFf")
        return Decimal(body) if "." in body or text[-1:] in "MmDdFf" else int(body)
    prefix, _, rest = text.partition("'")
    value = rest[:-1]
    if prefix == "guid":
        return value.lower()
    try:
        return (
            datetime.fromisoformat(value.replace("Z", ""))
            if "T" in value
            else datetime.fromisoformat(value)
        )
    except ValueError:
        raise FilterError(f"bad {prefix} literal {text!r}") from None


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.fields: set[str] = set()

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (expected is not None and token[1] != expected):
            raise FilterError(
                f"$filter: expected {expected or 'more'}, got {token[1] if token else 'end'}"
            )
        self.pos += 1
        return token

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token and token[0] == "name" and token[1].lower() in words:
            self.pos += 1
            return token[1].lower()
        return None

    def parse(self) -> tuple:
        node = self.or_expr()
        if self.peek() is not None:
            raise FilterError(f"$filter: unexpected {self.peek()[1]!r}")
        return node

    def or_expr(self) -> tuple:
        node = self.and_expr()
        while self.keyword("or"):
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> tuple:
        node = self.unary()
        while self.keyword("and"):
            node = ("and", node, self.unary())
        return node

    def unary(self) -> tuple:
        if self.keyword("not"):
            return ("not", self.unary())
        left = self.operand()
        op = self.keyword(*COMPARISONS)
        return ("cmp", op, left, self.operand()) if op else left

    def operand(self) -> tuple:
        kind, text = self.take()
        if text == "(":
            node = self.or_expr()
            self.take(")")
            return node
        if kind in ("string", "number", "typed"):
            return ("lit", _literal(kind, text))
        if kind != "name":
            raise FilterError(f"$filter: unexpected {text!r}")
        lowered = text.lower()
        if lowered in ("true", "false"):
            return ("lit", lowered == "true")
        if lowered == "null":
            return ("lit", None)
        if self.peek() == ("punct", "("):
            if lowered not in FUNCTIONS:
                raise FilterError(f"$filter: function {text!r} is not supported")
            self.take("(")
            args = [self.or_expr()]
            while self.peek() == ("punct", ","):
                self.take(",")
                args.append(self.or_expr())
            self.take(")")
            return ("call", lowered, args)
        self.fields.add(text)
        return ("field", text)


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        return value.lower()
    return value


def _evaluate(node: tuple, row: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "field":
        return row.get(node[1])
    if kind == "call":
        return FUNCTIONS[node[1]](*(_evaluate(arg, row) for arg in node[2]))
    if kind == "not":
        return not _evaluate(node[1], row)
    if kind == "and":
        return bool(_evaluate(node[1], row)) and bool(_evaluate(node[2], row))
    if kind == "or":
        return bool(_evaluate(node[1], row)) or bool(_evaluate(node[2], row))
    op, left, right = (
        node[1],
        _comparable(_evaluate(node[2], row)),
        _comparable(_evaluate(node[3], row)),
    )
    if op in ("eq", "ne"):
        return (left == right) == (op == "eq")
    if left is None or right is None:
        return False
    try:
        return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[
            op
        ]
    except TypeError:
        raise FilterError(f"$filter: cannot compare {left!r} with {right!r}") from None


class ODataFilter:
    """A parsed `$filter`: call it with a row; `fields` names every property it refers to."""

    def __init__(self, text: str) -> None:
        parser = _Parser(text)
        self.tree = parser.parse()
        self.fields = frozenset(parser.fields)

    def __call__(self, row: Mapping[str, Any]) -> bool:
        return bool(_evaluate(self.tree, row))


_MARK = "\u0000dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


def _exact_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _MARK + format(value, "f")
    if isinstance(value, (datetime, date)):
        return format_wall_time(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def exact_dumps(value: Any) -> str:
    """Exact's JSON: `/Date(ms)/` for dates (Amsterdam wall time) and exact numbers for Decimals."""
    return _MARKED.sub(r"\1", json.dumps(value, default=_exact_json, separators=(",", ":")))


def parse_body_date(value: Any) -> datetime | None:
    """A date in a POST body: `2024-03-01T00:00:00` (what Exact wants) or `/Date(ms)/`."""
    if value in (None, ""):
        return None
    text = str(value)
    if text.startswith("/Date("):
        return parse_wall_time(text)
    try:
        return datetime.fromisoformat(text.replace("Z", ""))
    except ValueError:
        raise FilterError(f"not a date: {value!r}") from None
