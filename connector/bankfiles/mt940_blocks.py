"""Split an MT940 file into statements and tagged fields, keeping line numbers and raw lines.

Why not let mt-940 do this: it merges all statements of a file into one collection, drops
the line numbers we need for error messages, strips the padding the de Volksbank layout
relies on, and hangs a statement-level :86: (ING's /SUM/, Van Lanschot's D000..C000..) or a
`-}{5:}` trailer on the last transaction. Here a :86: belongs to a :61: only when it follows
it directly; everything between a terminator (`-`, `-}`, `-XXX`) and the next tag is header.
It also records how the file ends, so a cut-off file is refused instead of read short.
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


@dataclass(frozen=True, slots=True)
class Split:
    """The statements of a file and how the file ends.

    Attributes:
        open_message: line of the SWIFT header (`{1:...}{4:`) of a message the file does not
            close with `-}`; None when every message is closed.
        trailing_header: first line of header text after the last statement with no statement
            after it (the next statement's "ABNANL2A" or `{1:` lines); None when there is none.
        last_line: the last line with content.
    """

    blocks: tuple[Block, ...]
    open_message: int | None
    trailing_header: int | None
    last_line: int


def _is_terminator(clean: str) -> bool:
    return clean == "-" or clean.startswith("-}") or re.fullmatch(r"-X+", clean) is not None


def _is_swift_header(clean: str) -> bool:
    return re.match(r"^\{[1-5]:", clean) is not None


def split_blocks(text: str) -> Split:
    """Cut the decoded file into statements; never raises, structure errors surface later."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    fields: list[Field] = []
    header: list[str] = []
    header_line: int | None = None
    current: tuple[str, list[str], int] | None = None
    open_message: int | None = None
    last_line = 0

    def close_field() -> None:
        nonlocal current
        if current is not None:
            tag, body, number = current
            fields.append(Field(tag=tag, lines=tuple(body), line=number))
            current = None

    def close_block(terminated: bool) -> None:
        nonlocal fields, header, header_line
        close_field()
        if fields:
            blocks.append(Block(fields=tuple(fields), header="\n".join(header), terminated=terminated))
            header, header_line = [], None
        fields = []

    def add_header(clean: str, number: int) -> None:
        nonlocal header_line
        header.append(clean)
        if header_line is None and not clean.startswith("{5:"):  # a trailer, not the next statement
            header_line = number

    for number, raw in enumerate(lines, start=1):
        clean = raw.strip(_CONTROL)
        if clean:
            last_line = number
        match = _TAG.match(raw.lstrip(_CONTROL))
        if match and match.group("tag") in KNOWN_TAGS:
            if match.group("tag") == "20":
                close_block(terminated=False)
            close_field()
            current = (match.group("tag"), [match.group("rest")], number)
        elif _is_terminator(clean) or _is_swift_header(clean):
            close_block(terminated=True)
            if clean.startswith("-}"):
                open_message = None
            if _is_swift_header(clean):
                add_header(clean, number)
                if "{4:" in clean:
                    open_message = number
        elif current is not None:
            current[1].append(raw)
        elif clean:
            add_header(clean, number)
    close_block(terminated=False)
    return Split(blocks=tuple(blocks), open_message=open_message,
                 trailing_header=header_line if blocks else None, last_line=last_line)
