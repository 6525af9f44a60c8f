"""Tell a camt XML file from an MT940 file by its content: banks name their exports anything."""

from __future__ import annotations

import re

CAMT = "camt"
MT940 = "mt940"

_MT940_TAG = re.compile(rb"(?m)^[\x01\s]*:(?:20|25|28C?|60[FM]?|61):")
_LEADING = b"\xef\xbb\xbf \t\r\n\x00"


def detect_format(head: bytes) -> str | None:
    """"camt" for XML (the reader then checks it is a camt message), "mt940" for SWIFT tags, else None."""
    text = head.lstrip(_LEADING)
    if text.startswith(b"<"):
        return CAMT
    if _MT940_TAG.search(head):
        return MT940
    return None
