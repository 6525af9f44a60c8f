"""Structured payment references: the Dutch betalingskenmerk and the ISO 11649 RF reference.

Why: a payment that carries a reference we issued can be matched to its invoice exactly,
so the reconciliation engine tries these before any fuzzy amount/name matching.

Betalingskenmerk (Betaalvereniging spec, research note §6.1):
* 16 digits: ``C + 15 digits``; 9–14 digits: ``C + L + digits`` where the length code
  ``L = (number of digits after L) mod 10`` is part of the check; 7 digits: no check digit;
  lengths 8 and 15 are undefined.
* C = weighted modulus 11 over everything after C, weights from the rightmost digit leftwards
  2, 4, 8, 5, 10, 9, 7, 3, 6, 1 (repeating); ``C = 11 - (A mod 11)``, 10 → 1, 11 → 0.
* Guarantees: weights are non-zero mod 11 and neighbouring weights differ, so every single-digit
  substitution and every adjacent transposition after C changes ``A mod 11``; it goes unnoticed
  only when C is 1, because remainders 1 and 10 both give C = 1 (tests check exactly this).

RF creditor reference (ISO 11649): ``RF`` + 2 check digits (ISO 7064 MOD 97-10) + 1–21
alphanumerics; the checks come from python-stdnum.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

__all__ = [
    "BETALINGSKENMERK_LENGTHS",
    "betalingskenmerk_check_digit",
    "format_betalingskenmerk",
    "format_rf",
    "is_valid_betalingskenmerk",
    "is_valid_rf",
    "make_betalingskenmerk",
    "make_rf",
    "normalise_reference",
]

#: Lengths the Betaalvereniging defines; 7 has no check digit.
BETALINGSKENMERK_LENGTHS = (7, 9, 10, 11, 12, 13, 14, 16)
_CHECKED_LENGTHS = (9, 10, 11, 12, 13, 14, 16)
_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
# Separators people type or banks insert: spaces (incl. no-break), dots, dashes, slashes.
_SEPARATORS = re.compile(r"[\s.\-/_,:\u00a0\u202f]+")
_RF_BODY = re.compile(r"[A-Z0-9]{1,21}")


def normalise_reference(text: str) -> str:
    """Upper-case the text and drop spaces, dots, dashes, slashes and similar separators.

    ``"rf18 5390.0754-7034"`` → ``"RF18539007547034"``; ``"5000 0567 8901 2345"`` →
    ``"5000056789012345"``. Other characters are kept so validation can reject them.
    """
    return _SEPARATORS.sub("", str(text)).upper()


def betalingskenmerk_check_digit(payload: str) -> int:
    """Check digit C for the digits that follow it (for 9–14 digits: the length code L + number)."""
    if not payload.isdigit() or not payload.isascii():
        raise ValueError(f"betalingskenmerk payload must be digits, got {payload!r}")
    total = sum(
        int(digit) * _WEIGHTS[position % len(_WEIGHTS)]
        for position, digit in enumerate(reversed(payload))
    )
    check = 11 - (total % 11)
    if check == 10:
        return 1
    if check == 11:
        return 0
    return check


def is_valid_betalingskenmerk(s: str, *, allow_unchecked: bool = False) -> bool:
    """True when `s` (separators allowed) is a betalingskenmerk with a correct check digit.

    The 7-digit form has no check digit, so any 7 digits would pass; it is only accepted
    with ``allow_unchecked=True`` because a matcher would otherwise take any 7-digit number
    in a bank description for a reference.
    """
    digits = normalise_reference(s)
    if not digits.isdigit() or not digits.isascii():
        return False
    length = len(digits)
    if length == 7:
        return allow_unchecked
    if length not in _CHECKED_LENGTHS:
        return False
    payload = digits[1:]
    if length != 16 and int(payload[0]) != (length - 2) % 10:
        return False
    return betalingskenmerk_check_digit(payload) == int(digits[0])


def make_betalingskenmerk(number: str | int, length: int = 16) -> str:
    """A betalingskenmerk of `length` digits for an invoice number (zero-padded on the left).

    Separators in `number` (``"2024-0012"``) are ignored; letters are refused because dropping
    them would let two invoices share one reference — use `make_rf` for alphanumeric numbers.
    Raises ValueError when the number does not fit or `length` is not a defined length.
    """
    if isinstance(number, bool):
        raise ValueError(f"not an invoice number: {number!r}")
    if isinstance(number, int):
        if number < 0:
            raise ValueError(f"invoice number must not be negative: {number}")
        digits = str(number)
    else:
        digits = normalise_reference(number)
        if not digits:
            raise ValueError("invoice number is empty")
        if not (digits.isdigit() and digits.isascii()):
            raise ValueError(
                f"invoice number {number!r} contains non-digits; a betalingskenmerk holds digits "
                "only (use make_rf for alphanumeric invoice numbers)"
            )
    if length not in BETALINGSKENMERK_LENGTHS:
        raise ValueError(
            f"betalingskenmerk length {length} is not defined; use one of "
            f"{', '.join(map(str, BETALINGSKENMERK_LENGTHS))}"
        )
    if length == 7:
        room = 7
    elif length == 16:
        room = 15
    else:
        room = length - 2
    # Leading zeros carry no information; strip them so "0012" fits where "12" fits.
    digits = digits.lstrip("0") or "0"
    if len(digits) > room:
        raise ValueError(
            f"invoice number {number!r} has {len(digits)} digits; a {length}-digit "
            f"betalingskenmerk has room for {room}"
        )
    body = digits.zfill(room)
    if length == 7:
        return body
    payload = body if length == 16 else str((length - 2) % 10) + body
    return str(betalingskenmerk_check_digit(payload)) + payload


def format_betalingskenmerk(s: str) -> str:
    """Groups of four digits from the left, as on Dutch invoices: ``5000 0567 8901 2345``."""
    digits = normalise_reference(s)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def is_valid_rf(s: str) -> bool:
    """True for a well-formed ISO 11649 reference with correct check digits (separators allowed)."""
    compact = normalise_reference(s)
    if not compact.startswith("RF") or not _RF_BODY.fullmatch(compact[4:]):
        return False
    if not compact[2:4].isdigit():
        return False
    return iso11649.is_valid(compact)


def make_rf(reference: str) -> str:
    """The compact RF reference (``RF`` + check digits + reference) for 1–21 letters/digits.

    Separators and case in `reference` are normalised away (``"inv-2024/12"`` → ``INV202412``).
    Raises ValueError for an empty, too long or non-alphanumeric reference.
    """
    body = normalise_reference(reference)
    if not _RF_BODY.fullmatch(body):
        raise ValueError(
            f"RF reference body must be 1-21 letters A-Z or digits after removing separators, "
            f"got {reference!r}"
        )
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def format_rf(s: str) -> str:
    """Print form in groups of four: ``RF18 5390 0754 7034`` (the input is not validated)."""
    return iso11649.format(normalise_reference(s))
