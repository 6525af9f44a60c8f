"""Small text helpers shared by the statement readers: whitespace, IBAN shape, masking, banks.

Bank files carry personal data; every message we log or raise goes through `mask_ibans`
so a full IBAN never reaches a log line (only the last four characters stay visible).
"""

from __future__ import annotations

import re

from connector.http.redact import mask_iban

_WHITESPACE = re.compile(r"\s+")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_IBAN_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}(?![A-Za-z0-9])")
_CURRENCY_SUFFIX = re.compile(r"^(?P<account>.*?[0-9])(?P<currency>[A-Z]{3})$")

# Bank code (IBAN positions 5-8 for NL) or BIC prefix -> display name.
_BANKS = {
    "INGB": "ING",
    "RABO": "Rabobank",
    "ABNA": "ABN AMRO",
    "BUNQ": "bunq",
    "TRIO": "Triodos",
    "ASNB": "ASN Bank",
    "SNSB": "SNS",
    "RBRB": "RegioBank",
    "KNAB": "Knab",
    "FVLB": "Van Lanschot",
}
VOLKSBANK_CODES = frozenset({"ASNB", "SNSB", "RBRB"})


def collapse(text: str | None) -> str:
    """One line, single spaces: bank texts wrap and pad at fixed widths that mean nothing to us."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", text).strip()


def compact(text: str | None) -> str:
    """Upper case without any whitespace: the normal form of an IBAN or account number."""
    if not text:
        return ""
    return _WHITESPACE.sub("", text).upper()


def is_iban_shaped(value: str) -> bool:
    """Country, check digits and 10-30 alphanumerics; checksums are not verified on purpose.

    Banks print what they received; a mistyped IBAN still identifies the counterparty the
    bank saw, and anonymised test files use invalid ones.
    """
    return bool(_IBAN_SHAPE.match(value))


def iban_or_empty(value: str | None) -> str:
    """The normalised IBAN when the value looks like one, else "" (old account numbers are dropped)."""
    candidate = compact(value)
    return candidate if is_iban_shaped(candidate) else ""


def split_account_currency(raw: str) -> tuple[str, str]:
    """MT940 :25: often glues the currency to the account ("NL20INGB0001234567EUR")."""
    value = compact(raw)
    match = _CURRENCY_SUFFIX.match(value)
    if match:
        return match.group("account"), match.group("currency")
    return value, ""


def mask_account(account: str) -> str:
    """All but the last four characters hidden, so logs and tables never show a full account."""
    visible = re.sub(r"[^0-9A-Za-z]", "", account)[-4:]
    return f"****{visible}" if visible else "****"


def mask_ibans(text: str) -> str:
    """Mask every IBAN-looking token in a message before it is logged or raised."""
    return _IBAN_IN_TEXT.sub(lambda m: mask_account(m.group(0)), text)


def show_account(account: str) -> str:
    """An account for a message to the user: an IBAN as the project masks it ("NL91****4300"),
    an old-style number as its last four ("****4300"), so a message never holds a full account."""
    value = compact(account)
    if not value:
        return "(none)"
    return mask_iban(value) if is_iban_shaped(value) else mask_account(value)


def same_account(account: str, iban: str) -> bool:
    """Whether a statement's account is the account `iban`: equal IBANs, or an old-style number
    (ABN AMRO's "417164300", Knab's "0256781234", "TRIODOSBANK/0390123456", a German
    "BLZ/Konto") that is the IBAN's account number without its bank code and leading zeros."""
    own, value = compact(iban), compact(account)
    if is_iban_shaped(value) or not value:
        return value == own
    own_number = own[4:] if is_iban_shaped(own) else own
    digits = re.sub(r"\D", "", value).lstrip("0")
    return bool(digits) and re.sub(r"\D", "", own_number).lstrip("0") == digits


def account_tail(account: str) -> str:
    """The last four alphanumerics of an account: the readable prefix of a mutation key."""
    tail = re.sub(r"[^0-9A-Za-z]", "", account)[-4:]
    return tail.upper() if tail else "0000"


def bank_code(account: str) -> str:
    """The bank code of a Dutch IBAN (e.g. "INGB"), "" for anything else."""
    value = compact(account)
    if value.startswith("NL") and is_iban_shaped(value):
        return value[4:8]
    return ""


def bank_name(account: str = "", bic: str = "") -> str:
    """A display name for the bank holding `account`, from its IBAN or else the BIC."""
    code = bank_code(account)
    if code in _BANKS:
        return _BANKS[code]
    bic_code = compact(bic)[:4]
    return _BANKS.get(bic_code, "")
