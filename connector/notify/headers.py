"""Header values that cannot break a message: one line, no control characters, valid addresses.

Names come from customers and hosts ("Jansen\r\nBcc: everyone@..."); the standard library
refuses such a header with an exception, which would stop a batch, so we clean first and
validate addresses up front with a message that names the bad one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.errors import HeaderParseError
from email.headerregistry import Address

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MAX_HEADER_CHARS = 200


class AddressError(ValueError):
    """An e-mail address in the config or from a host is not a single valid address."""


def safe_header(text: str, max_chars: int = MAX_HEADER_CHARS) -> str:
    """Collapse to one line and cut at `max_chars` (with an ellipsis), so it can go in any header."""
    one_line = " ".join(_CONTROL.sub(" ", text).split())
    return one_line if len(one_line) <= max_chars else one_line[: max_chars - 1].rstrip() + "…"


def parse_address(value: str, display_name: str = "") -> Address:
    """`name@example.nl` (optionally with a display name) as a validated Address."""
    raw = value.strip()
    if not raw or _CONTROL.search(raw) or "," in raw or " " in raw:
        raise AddressError(f"not a single e-mail address: {value!r}")
    try:
        address = Address(display_name=safe_header(display_name), addr_spec=raw)
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise AddressError(f"not a valid e-mail address: {value!r} ({exc})") from None
    if not address.domain or "." not in address.domain or not address.username:
        raise AddressError(f"not a valid e-mail address: {value!r} (needs name@domain.tld)")
    return address


def parse_addresses(values: Iterable[str]) -> tuple[Address, ...]:
    return tuple(parse_address(value) for value in values)


def domain_of(address: str) -> str:
    """The domain for Message-IDs: the sender's own, so receivers can trace the message to us."""
    return address.rpartition("@")[2] or "connector.local"
