"""MT940 statements to entries: mt-940 parses each tag's grammar, we own the file's structure.

mt-940 (the maintained `mt940` package) is used tag by tag for :61: (dates with the
year-boundary fix, debit/credit/reversal marks, amounts, references) and the balances, so
a tag it cannot read is reported with the line it sits on. The :86: text is read by
`mt940_details`, which knows the Dutch layouts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import mt940

from connector.bankfiles.entry import StatementEntry, StatementInfo, annotate_description
from connector.bankfiles.errors import BankFileError
from connector.bankfiles.mt940_blocks import Block, Field, Split, split_blocks
from connector.bankfiles.mt940_details import interpret
from connector.bankfiles.sequence import StatementMark, page_number
from connector.bankfiles.text import (
    VOLKSBANK_CODES,
    bank_code,
    bank_name,
    collapse,
    compact,
    iban_or_empty,
    is_iban_shaped,
    split_account_currency,
)

# mt-940 logs the raw tag value (IBANs included) at ERROR whenever a pattern does not match,
# and we try two :61: grammars on purpose; keep those lines out of every log.
logging.getLogger("mt940").setLevel(logging.CRITICAL)

_OPTIONS = mt940.Options.all()
_STATEMENT = mt940.tags.Statement()
_STATEMENT_ASN = mt940.tags.StatementASNB()  # de Volksbank puts a 34-character IBAN in the reference
_OPENING = {"60F": mt940.tags.FinalOpeningBalance(), "60M": mt940.tags.IntermediateOpeningBalance(),
            "60": mt940.tags.OpeningBalance()}
_CLOSING = {"62F": mt940.tags.FinalClosingBalance(), "62M": mt940.tags.IntermediateClosingBalance(),
            "62": mt940.tags.ClosingBalance()}
_HEADER_BIC = re.compile(r"(?<![A-Z])([A-Z]{4}NL[0-9A-Z]{2})")
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED"})


def decode(data: bytes) -> str:
    """MT940 is mostly ASCII; Dutch banks export UTF-8 or Windows-1252 for the rest."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_mt940(text: str, *, file: str) -> Iterator[StatementEntry | StatementInfo]:
    """Yield each statement's entries, then its facts; raise BankFileError on a bad tag or a cut-off file."""
    split = split_blocks(text)
    if not split.blocks:
        raise BankFileError(file, "no MT940 statement found (no :20:/:25:/:61: tags)", 1)
    _refuse_cut_off(split, file=file)
    for index, block in enumerate(split.blocks):
        yield from _read_block(block, index, file=file)


def _refuse_cut_off(split: Split, *, file: str) -> None:
    """A file that stops inside a statement or a SWIFT message lost its end: read none of it.

    A statement is complete once it has its closing balance (:62F:, or :62M: for a page that
    goes on) or its terminator line; inside a SWIFT envelope also the message's closing `-}`.
    """
    last = split.blocks[-1]
    if not last.terminated and not any(field.tag in _CLOSING for field in last.fields):
        raise BankFileError(file, f"the file ends inside the statement that starts on line {last.line} "
                                  "(no closing balance :62F:): it looks cut off", split.last_line)
    if split.open_message is not None:
        raise BankFileError(file, f"the file ends inside the SWIFT message opened on line {split.open_message} "
                                  "(no closing '-}'): it looks cut off", split.last_line)
    if split.trailing_header is not None:
        raise BankFileError(file, f"the file ends with the header of a next statement (line {split.trailing_header}) "
                                  "but no statement: it looks cut off", split.last_line)


def _mark(block: Block, *, account: str, currency: str, day: date | None) -> StatementMark:
    """What tells whether this statement continues the one before it (pages, :62M: -> :60M:)."""
    by_tag = {field.tag: field for field in reversed(block.fields)}
    numbering = by_tag.get("28C") or by_tag.get("28")
    number, _, page = (numbering.value if numbering else "").partition("/")
    reference = by_tag.get("20")
    return StatementMark(
        account=account, currency=currency, reference=reference.value if reference else "",
        number=number.strip(), page=page_number(page), day=day,
        opens_intermediate="60M" in by_tag, closes_intermediate="62M" in by_tag,
    )


def _context() -> mt940.models.Transactions:
    return mt940.models.Transactions(options=_OPTIONS)


def _balance(field: Field, tags: dict[str, Any], *, file: str) -> tuple[Decimal, str, date | None]:
    tag = tags[field.tag]
    try:
        data = tag.parse(_context(), field.value)
        balance = tag(_context(), data)[tag.slug]
        day = balance.date
        return (balance.amount.amount, (balance.amount.currency or "").strip().upper(),
                date(day.year, day.month, day.day) if day else None)
    except (RuntimeError, ValueError, ArithmeticError, TypeError, KeyError, AttributeError):
        raise BankFileError(file, f"balance :{field.tag}: not understood (expected C|D YYMMDD currency amount)",
                            field.line) from None


def _statement_line(field: Field, *, file: str, volksbank: bool) -> dict[str, Any]:
    context = _context()
    for tag in ((_STATEMENT_ASN, _STATEMENT) if volksbank else (_STATEMENT, _STATEMENT_ASN)):
        try:
            data = tag.parse(context, field.value)
        except RuntimeError:
            continue
        try:
            data = mt940.processors.date_fixup_pre_processor(context, tag, data)
            return tag(context, data)
        except (ValueError, InvalidOperation, TypeError, KeyError):
            raise BankFileError(file, ":61: has an impossible date or amount", field.line) from None
    raise BankFileError(file, ":61: statement line not understood (expected YYMMDD[MMDD] C|D amount type reference)",
                        field.line)


def _reference(data: dict[str, Any]) -> str:
    """The bank's own id of the entry (after "//" on :61:), part of the duplicate key."""
    reference = (data.get("bank_reference") or "").strip()
    customer = (data.get("customer_reference") or "").strip()
    if not reference and customer.startswith("//"):
        reference = customer[2:].strip()
    return "" if reference.upper() in _NO_REFERENCE else reference


def _entry(field: Field, details_lines: list[str], *, statement: int, mark: StatementMark, account: str,
           currency: str, volksbank: bool, file: str) -> StatementEntry:
    data = _statement_line(field, file=file, volksbank=volksbank)
    amount: Decimal = data["amount"].amount
    details = interpret(details_lines, volksbank=volksbank)
    extra = [line.strip() for line in (data.get("extra_details") or "").split("\n") if line.strip()]
    name, iban = details.name, details.iban
    if not iban:
        # Rabobank puts the counterparty IBAN on the line after :61:, de Volksbank in the reference.
        iban = next((compact(line) for line in extra if is_iban_shaped(compact(line))), "")
        if not iban and volksbank:
            iban = iban_or_empty(data.get("customer_reference"))
    # Pre-SEPA Rabobank: the name follows the 16-character reference on the :61: line itself;
    # de Volksbank: the name is the line after :61:.
    single_line = "\n" not in field.value
    if not name and extra and not is_iban_shaped(compact(extra[0])) and (single_line or volksbank):
        name = collapse(extra[0])
    credit = amount > 0
    description = annotate_description(
        details.description, credit=credit, reversal=str(data.get("status", "")).upper().startswith("R"),
        return_reason=details.return_reason, ultimate=details.ultimate, counterparty=name,
    )
    return StatementEntry(
        account=account, statement=statement, mark=mark, booking_date=data.get("entry_date") or data["date"],
        amount=amount,
        currency=currency, counterparty_name=name, counterparty_iban=iban, description=description,
        end_to_end_id=details.end_to_end_id, creditor_reference=details.creditor_reference,
        bank_reference=_reference(data), line=field.line,
    )


def _bank(block: Block, account: str, bic: str) -> str:
    """From the IBAN or header BIC; pre-IBAN files give themselves away by other marks."""
    name = bank_name(account, bic)
    if not name and ":940:" in block.header:
        name = "Rabobank"  # Rabobank starts its files with a ":940:" line
    if not name and account.upper().startswith("TRIODOSBANK"):
        name = "Triodos"
    return name


def _read_block(block: Block, index: int, *, file: str) -> Iterator[StatementEntry | StatementInfo]:
    fields = block.fields
    by_tag = {field.tag: field for field in reversed(fields)}  # first occurrence wins
    if "25" not in by_tag:
        raise BankFileError(file, "statement without an account (:25:)", block.line)
    account, account_currency = split_account_currency(by_tag["25"].lines[0])
    opening_field = next((f for f in fields if f.tag in _OPENING), None)
    if opening_field is None:
        raise BankFileError(file, "statement without an opening balance (:60F:)", block.line)
    opening, currency, opened_on = _balance(opening_field, _OPENING, file=file)
    closing_field = next((f for f in fields if f.tag in _CLOSING), None)
    closing = _balance(closing_field, _CLOSING, file=file)[0] if closing_field else None
    currency = currency or account_currency or "EUR"
    mark = _mark(block, account=account, currency=currency, day=opened_on)
    bic = _HEADER_BIC.search(block.header)
    code = bank_code(account) or (bic.group(1)[:4] if bic else "")
    volksbank = code in VOLKSBANK_CODES
    total = Decimal(0)
    count = 0
    for position, field in enumerate(fields):
        if field.tag != "61":
            continue
        details: list[str] = []
        for following in fields[position + 1:]:
            if following.tag != "86":
                break
            details.extend(following.lines)
        entry = _entry(field, details, statement=index, mark=mark, account=account, currency=currency,
                       volksbank=volksbank, file=file)
        total += entry.amount
        count += 1
        yield entry
    identifier = (by_tag.get("28C") or by_tag.get("28") or by_tag.get("20"))
    yield StatementInfo(
        index=index, format="mt940", account=account, bank=_bank(block, account, bic.group(1) if bic else ""),
        currency=currency, identifier=identifier.value if identifier else "", opening=opening,
        closing=closing, total=total, entries=count, mark=mark,
    )
