"""Streaming reader for ISO 20022 camt.053 / camt.052 / camt.054 (versions .001.02 to .001.08+).

Why streaming: a year of a busy account is 100,000 entries; lxml's iterparse hands us one
`Ntry` at a time and we clear it afterwards, so memory stays flat whatever the file size.
The namespace is read from the document, which makes one reader serve every version.

Row rules (the same as the shared reference corpus): only entries with status BOOK; the sign
comes from CdtDbtInd (a reversal keeps its booking direction); a batch entry becomes one row
per TxDtls when every TxDtls has an amount and they add up to the entry, else one row.
Counterparty: the debtor for money in, the creditor for money out.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree

from connector.bankfiles.camt_details import (
    TxDetails,
    children,
    entry_rows,
    parse_amount,
    read_tx_details,
)
from connector.bankfiles.entry import StatementEntry, StatementInfo
from connector.bankfiles.errors import BankFileError
from connector.bankfiles.sequence import StatementMark, page_number, parse_moment
from connector.bankfiles.text import bank_name, compact, iban_or_empty

_MESSAGES = {"BkToCstmrStmt": "Stmt", "BkToCstmrAcctRpt": "Rpt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}
_CONTAINERS = frozenset(_MESSAGES.values())
_VERSION = re.compile(r"camt\.\d{3}\.\d{3}\.\d{2}")
_LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
_OPENING = ("OPBD", "PRCD")
_CLOSING = ("CLBD",)


class _Names:
    """Clark-notation paths for one namespace, so `find` stays a plain C-level lookup."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self.prefix_length = len(self.prefix)
        self._cache: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        found = self._cache.get(path)
        if found is None:
            found = "/".join(self.prefix + part for part in path.split("/"))
            self._cache[path] = found
        return found


def parse_date(element: etree._Element | None, names: _Names, *, file: str) -> date | None:
    """Date of a `BookgDt`/`ValDt`: `Dt`, or `DtTm` read as a Dutch calendar date."""
    if element is None:
        return None
    text = element.findtext(names("Dt"))
    try:
        if text:
            return date.fromisoformat(text.strip()[:10])
        text = element.findtext(names("DtTm"))
        if not text:
            return None
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BankFileError(file, f"date {text!r} is not an ISO date", element.sourceline) from None
    # A UTC timestamp such as 2014-01-04T23:00Z is already 5 January in the Netherlands.
    return moment.astimezone(_LOCAL_TZ).date() if moment.tzinfo else moment.date()


def read_camt(path: Path, *, display_name: str | None = None) -> Iterator[StatementEntry | StatementInfo]:
    """Yield the entries of every statement in a camt file, then that statement's facts.

    Raises BankFileError naming the line of an XML error or of a malformed element.
    """
    file = display_name or path.name
    events = etree.iterparse(
        str(path), events=("start", "end"), resolve_entities=False, no_network=True,
        remove_comments=True, remove_pis=True,
        tag=["{*}Document", *(f"{{*}}{m}" for m in _MESSAGES), *(f"{{*}}{c}" for c in _CONTAINERS), "{*}Ntry"],
    )
    names: _Names | None = None
    version = ""
    container = ""
    statement: _StatementState | None = None
    index = 0
    try:
        for event, element in events:
            namespace, local = _split_tag(element.tag)
            if event == "start":
                if local == "Document" or local in _MESSAGES:
                    if "{" in namespace or "}" in namespace:
                        raise BankFileError(file, f"namespace {namespace!r} is not valid", element.sourceline)
                    names = _Names(namespace)
                    found = _VERSION.search(namespace)
                    version = version or (found.group(0) if found else "")
                    if local in _MESSAGES:
                        container = _MESSAGES[local]
                        version = version or {"Stmt": "camt.053", "Rpt": "camt.052", "Ntfctn": "camt.054"}[container]
                elif local == container and names is not None:
                    statement = _StatementState(index=index, names=names, file=file, version=version)
                continue
            if statement is None or names is None:
                continue
            if local == "Ntry" and element.getparent() is not None and element.getparent().tag == names(container):
                statement.read_header(element.getparent())
                yield from statement.read_entry(element)
                _release(element)
            elif local == container:
                statement.read_header(element)
                yield statement.info()
                statement = None
                index += 1
                _release(element)
    except etree.XMLSyntaxError as error:
        message = error.msg or str(error)
        message = re.sub(r",? line \d+, column \d+$", "", message)
        raise BankFileError(file, f"XML error: {message}", error.lineno) from None
    if not container:
        raise BankFileError(file, "not a camt.052/053/054 document (no BkToCstmrStmt, -AcctRpt or -DbtCdtNtfctn)", 1)


def _split_tag(tag: str) -> tuple[str, str]:
    """"{namespace}local" -> (namespace, local); done by hand because a damaged namespace
    (one holding a brace) makes lxml's QName raise a plain ValueError."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].rpartition("}")
        return namespace, local
    return "", tag


def _release(element: etree._Element) -> None:
    """Drop a processed element and everything before it, which is what keeps memory flat."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class _StatementState:
    """What we know about the statement being read: its header and the running totals."""

    def __init__(self, *, index: int, names: _Names, file: str, version: str) -> None:
        self.index = index
        self.names = names
        self.file = file
        self.version = version
        self.account = ""
        self.currency = ""
        self.bank = ""
        self.identifier = ""
        self.opening: Decimal | None = None
        self.opened_on: date | None = None
        self.closing: Decimal | None = None
        self.mark = StatementMark(account="", currency="")
        self.total = Decimal(0)
        self.entries = 0
        self._header_read = False

    def read_header(self, container: etree._Element) -> None:
        """Account, sequence and balances precede the entries; read them once, before the first."""
        if self._header_read:
            return
        self._header_read = True
        n = self.names
        account_id = container.find(n("Acct/Id"))
        if account_id is not None:
            iban = account_id.findtext(n("IBAN")) or account_id.findtext(n("Othr/Id")) or ""
            self.account = compact(iban)
        self.currency = compact(container.findtext(n("Acct/Ccy")))
        bic = container.findtext(n("Acct/Svcr/FinInstnId/BIC")) or container.findtext(n("Acct/Svcr/FinInstnId/BICFI")) or ""
        self.bank = bank_name(self.account, bic)
        parts = [container.findtext(n(tag)) or "" for tag in ("LglSeqNb", "ElctrncSeqNb", "Id")]
        self.identifier = next((p.strip() for p in parts if p.strip()), "")
        for balance in container.iterfind(n("Bal")):
            code = (balance.findtext(n("Tp/CdOrPrtry/Cd")) or balance.findtext(n("Tp/CdOrPrtry/Prtry")) or "").strip()
            if code not in _OPENING + _CLOSING:
                continue
            amount_element = balance.find(n("Amt"))
            amount = parse_amount(amount_element.text if amount_element is not None else None,
                                  file=self.file, line=balance.sourceline)
            if (balance.findtext(n("CdtDbtInd")) or "").strip() == "DBIT":
                amount = -amount
            self.currency = self.currency or (amount_element.get("Ccy", "") if amount_element is not None else "")
            if code in _CLOSING:
                self.closing = amount
            elif self.opening is None or code == "OPBD":
                self.opening = amount
                self.opened_on = self._balance_day(balance)
        self.mark = self._mark(container, parts)

    def _balance_day(self, balance: etree._Element) -> date | None:
        """The balance's date; None when unreadable (it only steers the count, never rejects a file)."""
        try:
            return parse_date(balance.find(self.names("Dt")), self.names, file=self.file)
        except BankFileError:
            return None

    def _mark(self, container: etree._Element, parts: list[str]) -> StatementMark:
        """Sequence number, page and period: what tells a next page or report from a repeat."""
        n = self.names
        legal, electronic, statement_id = (part.strip() for part in parts)
        local = container.tag[self.names.prefix_length:]
        return StatementMark(
            account=self.account, currency=self.currency, reference=statement_id, number=electronic or legal,
            page=page_number(container.findtext(n(f"{local}Pgntn/PgNb"))), day=self.opened_on,
            start=parse_moment(container.findtext(n("FrToDt/FrDtTm"))),
            end=parse_moment(container.findtext(n("FrToDt/ToDtTm"))),
        )

    def read_entry(self, entry: etree._Element) -> Iterator[StatementEntry]:
        n = self.names
        fields = children(entry, n.prefix_length)
        status_element = fields.get("Sts")
        status = "BOOK"
        if status_element is not None:
            status = (status_element.findtext(n("Cd")) or status_element.text or "").strip()
        if status != "BOOK":
            return
        amount_element = fields.get("Amt")
        if amount_element is None:
            raise BankFileError(self.file, "entry (Ntry) without an amount (Amt)", entry.sourceline)
        amount = parse_amount(amount_element.text, file=self.file, line=amount_element.sourceline)
        currency = sys.intern(amount_element.get("Ccy", "") or self.currency or "EUR")
        direction = (fields["CdtDbtInd"].text or "").strip() if "CdtDbtInd" in fields else ""
        if direction not in ("CRDT", "DBIT"):
            raise BankFileError(self.file, f"entry CdtDbtInd is {direction!r}, expected CRDT or DBIT", entry.sourceline)
        booked = (parse_date(fields.get("BookgDt"), n, file=self.file)
                  or parse_date(fields.get("ValDt"), n, file=self.file))
        if booked is None:
            raise BankFileError(self.file, "entry has neither a booking date nor a value date", entry.sourceline)
        reversal = "RvslInd" in fields and (fields["RvslInd"].text or "").strip().lower() in ("true", "1")
        reference = _bank_reference(_text_of(fields.get("AcctSvcrRef")) or _text_of(fields.get("NtryRef")))
        details: list[TxDetails] = [
            read_tx_details(tx, n, file=self.file) for tx in entry.iterfind(n("NtryDtls/TxDtls"))
        ]
        rows = entry_rows(
            amount=amount, currency=currency, credit=direction == "CRDT", reversal=reversal,
            details=details, entry_info=_text_of(fields.get("AddtlNtryInf")), own_account=self.account,
        )
        for position, row in enumerate(rows):
            suffix = f"#{position}" if len(rows) > 1 else ""
            self.total += row.amount
            self.entries += 1
            yield StatementEntry(
                account=self.account, statement=self.index, mark=self.mark, booking_date=booked, amount=row.amount,
                currency=currency, counterparty_name=row.name, counterparty_iban=iban_or_empty(row.iban),
                description=row.description, end_to_end_id=row.end_to_end_id,
                creditor_reference=row.creditor_reference,
                bank_reference=(row.reference or reference) + suffix if (row.reference or reference) else "",
                line=entry.sourceline or 0,
            )

    def info(self) -> StatementInfo:
        return StatementInfo(
            index=self.index, format=self.version, account=self.account, bank=self.bank,
            currency=self.currency, identifier=self.identifier, opening=self.opening,
            closing=self.closing, total=self.total, entries=self.entries, mark=self.mark,
        )


def _text_of(element: etree._Element | None) -> str:
    return (element.text or "") if element is not None else ""


def _bank_reference(value: str | None) -> str:
    text = (value or "").strip()
    return "" if text.upper() in ("", "NONREF", "NOTPROVIDED") else text
