"""Split an MT940 file into statements and tagged fields, keeping line numbers and raw lines.

Why not let mt-940 do this: it merges all statements of a file into one collection, drops
the line numbers we need for error messages, strips the padding the de Volksbank layout
relies on, and hangs a statement-level :86: (ING's /SUM/, Van Lanschot's D000..C000..) or a
`-}{5:}` trailer on the last transaction. Here a :86: belongs to a :61: only when it follows
it directly; everything between a terminator (`-`, `-}`, `-XXX`) and the next tag is header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The tags a customer statement (MT940, also MT942) can carry; other ":NN:" lines are text.
KNOWN_TAGS = frozenset({
    "13D", "20", "21", "25", "28", "28C", "34F", "60", "60F", "60M", "61", "62", "62F", "62M",
    "64", "65", "86", "90C", "90D", "NS",
})
_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):(?P<rest>.*)$")
_CONTROL = " \t\x01\x02\x03\x1a\ufeff\u00ad"


@dataclass(frozen=True, slots=True)
class Field:
    """One tag with its raw text: the first line after `:tag:` plus continuation lines as in the file."""

    tag: str
    lines: tuple[str, ...]
    line: int

    @property
    def value(self) -> str:
        """The content the way mt-940 sees it: lines right-stripped, empty lines dropped."""
        return "\n".join(text.rstrip() for text in self.lines if text.strip()).strip()


@dataclass(frozen=True, slots=True)
class Block:
    """One statement: the fields from its :20: up to the next :20: or a terminator line.

    Attributes:
        header: the non-tag lines before it (SWIFT block headers, "ABNANL2A", "940 00"),
            which name the bank.
        terminated: it ended on a terminator line, i.e. the file was not cut off inside it.
    """

    fields: tuple[Field, ...]
    header: str
    terminated: bool

    @property
    def line(self) -> int:
        return self.fields[0].line if self.fields else 0


def _is_terminator(clean: str) -> bool:
    return clean == "-" or clean.startswith("-}") or re.fullmatch(r"-X+", clean) is not None


def _is_swift_header(clean: str) -> bool:
    return re.match(r"^\{[1-5]:", clean) is not None


def split_blocks(text: str) -> list[Block]:
    """Cut the decoded file into statements; never raises, structure errors surface later."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    fields: list[Field] = []
    header: list[str] = []
    current: tuple[str, list[str], int] | None = None

    def close_field() -> None:
        nonlocal current
        if current is not None:
            tag, body, number = current
            fields.append(Field(tag=tag, lines=tuple(body), line=number))
            current = None

    def close_block(terminated: bool) -> None:
        nonlocal fields, header
        close_field()
        if fields:
            blocks.append(Block(fields=tuple(fields), header="\n".join(header), terminated=terminated))
            header = []
        fields = []

    for number, raw in enumerate(lines, start=1):
        clean = raw.strip(_CONTROL)
        match = _TAG.match(raw.lstrip(_CONTROL))
        if match and match.group("tag") in KNOWN_TAGS:
            if match.group("tag") == "20":
                close_block(terminated=False)
            close_field()
            current = (match.group("tag"), [match.group("rest")], number)
        elif _is_terminator(clean) or _is_swift_header(clean):
            close_block(terminated=True)
            if _is_swift_header(clean):
                header.append(clean)
        elif current is not None:
            current[1].append(raw)
        elif clean:
            header.append(clean)
    close_block(terminated=False)
    return blocks
