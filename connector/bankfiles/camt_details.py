"""The transaction details (`TxDtls`) of a camt entry, and how an entry becomes rows.

Kept apart from the streaming loop in camt.py: this is the part with the business rules
(who is the counterparty, what is the description, when is a batch split).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from connector.bankfiles.entry import annotate_description
from connector.bankfiles.errors import BankFileError
from connector.bankfiles.text import collapse, compact

if TYPE_CHECKING:
    from lxml import etree

_NOT_PROVIDED = frozenset({"", "NOTPROVIDED", "NONREF"})
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


class _Names(Protocol):
    prefix_length: int

    def __call__(self, path: str) -> str: ...


@dataclass(frozen=True, slots=True)
class _Party:
    name: str = ""
    iban: str = ""
    ultimate: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TxDetails:
    """What one `TxDtls` says; amounts are unsigned, `credit` is None when it gives no direction."""

    amount: Decimal | None
    currency: str
    credit: bool | None
    debtor: _Party
    creditor: _Party
    remittance: str
    additional_info: str
    structured_note: str
    creditor_reference: str
    end_to_end_id: str
    reference: str
    return_reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One output row of an entry: signed amount plus the counterparty and text."""

    amount: Decimal
    name: str = ""
    iban: str = ""
    description: str = ""
    end_to_end_id: str = ""
    creditor_reference: str = ""
    reference: str = ""


def parse_amount(text: str | None, *, file: str, line: int | None) -> Decimal:
    """camt amounts are plain decimals with a dot ("1234.56"); anything else is an error."""
    value = (text or "").strip()
    if not _AMOUNT.match(value):
        raise BankFileError(file, f"amount {value!r} is not a decimal number", line)
    return Decimal(value)


def children(element: etree._Element, prefix_length: int) -> dict[str, etree._Element]:
    """The element's children by local name (first one wins): one pass instead of a lookup per field."""
    found: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            found.setdefault(tag[prefix_length:], child)
    return found


def _text(element: etree._Element | None, names: _Names, path: str) -> str:
    return collapse(element.findtext(names(path))) if element is not None else ""


def _party(parties: dict[str, etree._Element], names: _Names, role: str) -> _Party:
    """Name (v2 `Nm` or v8 `Pty/Nm`), account IBAN (or IBAN-shaped `Othr/Id`), ultimate party name."""
    party, account, ultimate = parties.get(role), parties.get(f"{role}Acct"), parties.get(f"Ultmt{role}")
    return _Party(
        name=_text(party, names, "Nm") or _text(party, names, "Pty/Nm"),
        iban=_text(account, names, "Id/IBAN") or _text(account, names, "Id/Othr/Id"),
        ultimate=_text(ultimate, names, "Nm") or _text(ultimate, names, "Pty/Nm"),
    )


def _remittance(remittance: etree._Element | None, names: _Names) -> tuple[str, str, str]:
    """Unstructured lines joined, then structured creditor references (RF, betalingskenmerk) not
    already in them; the first creditor reference itself; and the free text of the structured
    part, a last resort for the description."""
    if remittance is None:
        return "", "", ""
    parts = [collapse(u.text) for u in remittance.iterfind(names("Ustrd")) if collapse(u.text)]
    joined = " ".join(parts)
    reference = note = ""
    for structured in remittance.iterfind(names("Strd")):
        for path in ("CdtrRefInf/Ref", "RfrdDocInf/Nb"):
            for node in structured.iterfind(names(path)):
                value = collapse(node.text)
                if value and path == "CdtrRefInf/Ref":
                    reference = reference or value
                if value and value not in joined:
                    joined = f"{joined} {value}".strip()
        note = note or _text(structured, names, "AddtlRmtInf")
    return joined, reference, note


def read_tx_details(details: etree._Element, names: _Names, *, file: str) -> TxDetails:
    """Read one TxDtls; its amount is `Amt` (v3+) or `AmtDtls/TxAmt/Amt` (v2)."""
    fields = children(details, names.prefix_length)
    amount_element = fields.get("Amt")
    if amount_element is None and "AmtDtls" in fields:
        amount_element = fields["AmtDtls"].find(names("TxAmt/Amt"))
    amount = None
    currency = ""
    if amount_element is not None:
        amount = parse_amount(amount_element.text, file=file, line=amount_element.sourceline)
        currency = amount_element.get("Ccy", "")
    direction = collapse(fields["CdtDbtInd"].text) if "CdtDbtInd" in fields else ""
    refs = fields.get("Refs")
    e2e = _text(refs, names, "EndToEndId")
    parties = children(fields["RltdPties"], names.prefix_length) if "RltdPties" in fields else {}
    remittance, creditor_reference, note = _remittance(fields.get("RmtInf"), names)
    return TxDetails(
        amount=amount, currency=currency,
        credit=True if direction == "CRDT" else False if direction == "DBIT" else None,
        debtor=_party(parties, names, "Dbtr"), creditor=_party(parties, names, "Cdtr"),
        remittance=remittance,
        additional_info=collapse(fields["AddtlTxInf"].text) if "AddtlTxInf" in fields else "",
        structured_note=note, creditor_reference=creditor_reference,
        end_to_end_id="" if e2e.upper() in _NOT_PROVIDED else e2e,
        reference=_text(refs, names, "AcctSvcrRef"),
        return_reason=_text(fields.get("RtrInf"), names, "Rsn/Cd"),
    )


def _splittable(amount: Decimal, currency: str, credit: bool, details: list[TxDetails]) -> bool:
    """Split a batch only when the parts are complete and add up to the booked amount."""
    if len(details) < 2 or any(d.amount is None or (d.currency and d.currency != currency) for d in details):
        return False
    signed = sum(((d.amount or Decimal(0)) * (1 if (d.credit if d.credit is not None else credit) else -1)
                  for d in details), Decimal(0))
    return signed == (amount if credit else -amount)


def _describe(details: TxDetails | None, entry_info: str, *, reversal: bool, credit: bool,
              counterparty: _Party) -> str:
    """Remittance text, else the bank's own texts; reversals and returns say so up front."""
    text = ""
    if details is not None:
        text = details.remittance or details.additional_info
    text = text or collapse(entry_info) or (details.structured_note if details is not None else "")
    return annotate_description(
        text, credit=credit, reversal=reversal,
        return_reason=details.return_reason if details is not None else "",
        ultimate=counterparty.ultimate, counterparty=counterparty.name,
    )


def _is_missing_or_own(party: _Party, own_account: str) -> bool:
    if not (party.name or party.iban or party.ultimate):
        return True
    return bool(own_account) and compact(party.iban) == own_account


def _row(amount: Decimal, credit: bool, details: TxDetails | None, *, reversal: bool, entry_info: str,
         own_account: str) -> Row:
    if details is None:
        return Row(amount=amount if credit else -amount,
                   description=_describe(None, entry_info, reversal=reversal, credit=credit, counterparty=_Party()))
    party, other = (details.debtor, details.creditor) if credit else (details.creditor, details.debtor)
    if _is_missing_or_own(party, own_account) and not _is_missing_or_own(other, own_account):
        # Reversals and returns keep the parties of the original payment (a storno of a
        # collection lists the customer as debtor and us as creditor): the one that is not
        # us is the counterparty, whichever way the money went.
        party = other
    name = party.name or party.ultimate
    return Row(
        amount=amount if credit else -amount, name=name, iban=party.iban,
        description=_describe(details, entry_info, reversal=reversal, credit=credit, counterparty=party),
        end_to_end_id=details.end_to_end_id, creditor_reference=details.creditor_reference,
        reference=details.reference,
    )


def entry_rows(*, amount: Decimal, currency: str, credit: bool, reversal: bool,
               details: list[TxDetails], entry_info: str, own_account: str = "") -> list[Row]:
    """One row per TxDtls of a complete batch, else one row for the entry as booked."""
    if _splittable(amount, currency, credit, details):
        return [
            _row(d.amount or Decimal(0), d.credit if d.credit is not None else credit, d,
                 reversal=reversal, entry_info=entry_info, own_account=own_account)
            for d in details
        ]
    if len(details) == 1:
        return [_row(amount, credit, details[0], reversal=reversal, entry_info=entry_info,
                     own_account=own_account)]
    if details:
        texts = " ".join(dict.fromkeys(d.remittance for d in details if d.remittance))
        return [Row(amount=amount if credit else -amount,
                    description=_describe(None, entry_info or texts, reversal=reversal, credit=credit,
                                          counterparty=_Party()))]
    return [_row(amount, credit, None, reversal=reversal, entry_info=entry_info, own_account=own_account)]
