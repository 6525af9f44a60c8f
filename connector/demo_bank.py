"""A bank statement for the demo: an ING-style camt.053 paying some of a simulator's open invoices.

The demo's e-Boekhouden administration has no bank lines in its API, like the real one; a
statement file is how its payments arrive. Generating it from the simulator's own open
invoices gives every reconciliation case something real to find.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from connector.money import quantize

ACCOUNT = "NL67INGB0006543210"


@dataclass(frozen=True, slots=True)
class StatementLine:
    booked: date
    amount: Decimal
    name: str = ""
    iban: str = ""
    text: str = ""
    reference: str = ""


@dataclass(frozen=True, slots=True)
class OpenItem:
    number: str
    amount: Decimal
    name: str
    iban: str


def demo_lines(items: Sequence[OpenItem], today: date) -> list[StatementLine]:
    """Payments of several kinds for the first open items, plus money that is not a customer payment."""
    day = today - timedelta(days=3)
    lines: list[StatementLine] = []
    spare = list(items)

    def take() -> OpenItem | None:
        return spare.pop(0) if spare else None

    if item := take():
        lines.append(StatementLine(day, item.amount, item.name, item.iban, f"Factuur {item.number}"))
    if item := take():
        lines.append(StatementLine(day, item.amount, item.name.upper(), item.iban, f"fact.nr. {item.number} dank u"))
    if item := take():
        part = quantize(item.amount / 2)
        lines.append(StatementLine(day, part, item.name, item.iban, f"Deelbetaling factuur {item.number}"))
    first, second = take(), take()
    if first and second:
        lines.append(StatementLine(day + timedelta(days=1), first.amount + second.amount, first.name, first.iban,
                                   f"{first.number} en {second.number}"))
    if item := take():
        lines.append(StatementLine(day + timedelta(days=1), item.amount - Decimal("2.50"), item.name, item.iban,
                                   f"Factuur {item.number}"))
    lines.append(StatementLine(day + timedelta(days=1), Decimal("1873.12"), "Stichting Mollie Payments",
                               "NL76ABNA0457125734", "Mollie uitbetaling st.2026110401 settlement"))
    lines.append(StatementLine(day + timedelta(days=2), Decimal("2431.00"), "Belastingdienst",
                               "NL86INGB0002445588", "TERUGGAAF OMZETBELASTING 3E KWARTAAL 2026"))
    lines.append(StatementLine(day + timedelta(days=2), Decimal("-24.50"), "", "",
                               "Kosten zakelijk betalingsverkeer oktober 2026"))
    return lines


def write_camt053(path: Path, lines: Sequence[StatementLine], *, account: str = ACCOUNT,
                  statement_id: str = "DEMO-1") -> Path:
    """Write one camt.053.001.02 statement with the given lines (at least one), balances included."""
    if not lines:
        raise ValueError("a statement needs at least one line: its period comes from the lines")
    opening = Decimal("10000.00")
    closing = opening + sum((line.amount for line in lines), Decimal("0"))
    first = min(line.booked for line in lines)
    last = max(line.booked for line in lines)
    entries = "".join(_entry(index, line, account) for index, line in enumerate(lines, start=1))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n'
        f"<GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{last.isoformat()}T20:00:00</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>{statement_id}</Id><ElctrncSeqNb>1</ElctrncSeqNb>"
        f"<FrToDt><FrDtTm>{first.isoformat()}T00:00:00</FrDtTm><ToDtTm>{last.isoformat()}T23:59:59</ToDtTm></FrToDt>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        f"{_balance('OPBD', opening, first)}{_balance('CLBD', closing, last)}"
        f"{entries}</Stmt>\n</BkToCstmrStmt>\n</Document>\n",
        encoding="utf-8",
    )
    return path


def _balance(code: str, amount: Decimal, day: date) -> str:
    sign = "CRDT" if amount >= 0 else "DBIT"
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{abs(amount):.2f}</Amt>"
            f"<CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n")


def _entry(index: int, line: StatementLine, account: str) -> str:
    incoming = line.amount >= 0
    party, party_account = ("Dbtr", "DbtrAcct") if incoming else ("Cdtr", "CdtrAcct")
    related = ""
    if line.name or line.iban:
        related = "<RltdPties>"
        if line.name:
            related += f"<{party}><Nm>{escape(line.name)}</Nm></{party}>"
        if line.iban:
            related += f"<{party_account}><Id><IBAN>{line.iban}</IBAN></Id></{party_account}>"
        related += "</RltdPties>"
    remittance = f"<RmtInf><Ustrd>{escape(line.text)}</Ustrd></RmtInf>" if line.text else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{abs(line.amount):.2f}</Amt><CdtDbtInd>{"CRDT" if incoming else "DBIT"}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{line.booked.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{line.booked.isoformat()}</Dt></ValDt><AcctSvcrRef>DEMO{index:08d}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{'RCDT' if incoming else 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
        f"</Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E-DEMO-{index}</EndToEndId></Refs>"
        f"{related}{remittance}</TxDtls></NtryDtls></Ntry>\n"
    )
