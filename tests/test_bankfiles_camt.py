"""camt reader rules: every schema version and message type, batches, status, dates, parties."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connector.bankfiles import parse_file

MESSAGES = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt"), "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def _party(role: str, name: str, iban: str, version: int) -> str:
    name_xml = f"<Pty><Nm>{name}</Nm></Pty>" if version >= 8 else f"<Nm>{name}</Nm>"
    return f"<{role}>{name_xml}</{role}><{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>"


def _amount(value: str, version: int) -> str:
    return f'<Amt Ccy="EUR">{value}</Amt>' if version >= 4 else f'<AmtDtls><TxAmt><Amt Ccy="EUR">{value}</Amt></TxAmt></AmtDtls>'


def _document(kind: str = "053", version: int = 2, *, status: str = "BOOK", booked: str = "<Dt>2026-03-02</Dt>",
              extra_entries: str = "") -> str:
    message, container = MESSAGES[kind]
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if version >= 8 else f"<Sts>{status}</Sts>"
    batch = "".join(
        f"<TxDtls><Refs><EndToEndId>E2E-{n}</EndToEndId></Refs>{_amount(amount, version)}"
        f"{_party('Dbtr', name, iban, version)}<RmtInf><Ustrd>Factuur {invoice}</Ustrd></RmtInf></TxDtls>"
        .replace(f"{_party('Dbtr', name, iban, version)}", f"<RltdPties>{_party('Dbtr', name, iban, version)}</RltdPties>")
        for n, (amount, name, iban, invoice) in enumerate([
            ("100.00", "Klant Een", "NL44RABO0123456789", "F2026-0001"),
            ("25.50", "Klant Twee", "NL92ABNA0561234987", "F2026-0002")]))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.0{version}">'
        f"<{message}><GrpHdr><MsgId>M1</MsgId></GrpHdr><{container}><Id>S1</Id>"
        "<Acct><Id><IBAN>NL67INGB0006543210</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f'<Ntry><Amt Ccy="EUR">125.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>{sts}<BookgDt>{booked}</BookgDt>'
        f"<AcctSvcrRef>REF-1</AcctSvcrRef><NtryDtls>{batch}</NtryDtls></Ntry>{extra_entries}"
        f"</{container}></{message}></Document>\n"
    )


def _parse(tmp_path: Path, text: str, name: str = "statement.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path)


def _rows(parsed) -> list[tuple]:
    return [(m.date.isoformat(), m.amount, m.counterparty_name, m.counterparty_iban, m.description, m.end_to_end_id)
            for m in parsed.mutations]


EXPECTED = [
    ("2026-03-02", Decimal("100.00"), "Klant Een", "NL44RABO0123456789", "Factuur F2026-0001", "E2E-0"),
    ("2026-03-02", Decimal("25.50"), "Klant Twee", "NL92ABNA0561234987", "Factuur F2026-0002", "E2E-1"),
]


@pytest.mark.parametrize("kind", sorted(MESSAGES))
@pytest.mark.parametrize("version", [2, 3, 4, 6, 8])
def test_every_version_and_message_type_gives_the_same_rows(tmp_path: Path, kind: str, version: int) -> None:
    parsed = _parse(tmp_path, _document(kind, version))
    assert parsed.format == f"camt.{kind}.001.0{version}"
    assert _rows(parsed) == EXPECTED


def test_entries_not_booked_are_left_out(tmp_path: Path) -> None:
    assert _parse(tmp_path, _document(status="PDNG")).mutations == ()
    assert _parse(tmp_path, _document(version=8, status="INFO")).mutations == ()


def test_a_batch_that_does_not_add_up_stays_one_row(tmp_path: Path) -> None:
    text = _document().replace('<Amt Ccy="EUR">125.50</Amt><CdtDbtInd>', '<Amt Ccy="EUR">130.00</Amt><CdtDbtInd>')
    [row] = _parse(tmp_path, text).mutations
    assert (row.amount, row.counterparty_name) == (Decimal("130.00"), "")
    assert row.description == "Factuur F2026-0001 Factuur F2026-0002"


@pytest.mark.parametrize(("booked", "day"), [
    ("<Dt>2026-03-02</Dt>", "2026-03-02"),
    ("<DtTm>2026-03-02T10:15:00</DtTm>", "2026-03-02"),
    ("<DtTm>2026-03-01T23:30:00Z</DtTm>", "2026-03-02"),  # half past midnight in Amsterdam
    ("<DtTm>2026-03-02T13:15:00+01:00</DtTm>", "2026-03-02"),
])
def test_booking_date_is_the_dutch_calendar_day(tmp_path: Path, booked: str, day: str) -> None:
    assert {m.date.isoformat() for m in _parse(tmp_path, _document(booked=booked)).mutations} == {day}


def test_bad_date_names_its_line(tmp_path: Path) -> None:
    from connector.bankfiles import BankFileError

    with pytest.raises(BankFileError, match="2026-13-02"):
        _parse(tmp_path, _document(booked="<Dt>2026-13-02</Dt>"))


def _single(direction: str, parties: str, *, reversal: bool = False, remittance: str = "<Ustrd>x</Ustrd>") -> str:
    return (
        f'<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>{direction}</CdtDbtInd>'
        f"{'<RvslInd>true</RvslInd>' if reversal else ''}<Sts>BOOK</Sts>"
        f"<BookgDt><Dt>2026-03-03</Dt></BookgDt><NtryDtls><TxDtls><RltdPties>{parties}</RltdPties>"
        f"<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def test_counterparty_is_the_debtor_for_money_in_and_the_creditor_for_money_out(tmp_path: Path) -> None:
    both = _party("Dbtr", "Betaler", "NL44RABO0123456789", 2) + _party("Cdtr", "Ontvanger", "NL92ABNA0561234987", 2)
    entries = _single("CRDT", both) + _single("DBIT", both)
    parsed = _parse(tmp_path, _document(extra_entries=entries))
    assert [m.counterparty_name for m in parsed.mutations[2:]] == ["Betaler", "Ontvanger"]


def test_a_returned_collection_names_the_customer_not_ourselves(tmp_path: Path) -> None:
    parties = _party("Dbtr", "Klant Een", "NL44RABO0123456789", 2) + _party("Cdtr", "Wij", "NL67INGB0006543210", 2)
    entries = _single("DBIT", parties, reversal=True)
    [*_, storno] = _parse(tmp_path, _document(extra_entries=entries)).mutations
    assert (storno.amount, storno.counterparty_name, storno.description) == (Decimal("-10.00"), "Klant Een", "Storno: x")


def test_structured_references_and_ultimate_debtor_reach_the_description(tmp_path: Path) -> None:
    remittance = ("<Ustrd>Betaling</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr>"
                  "</Tp><Ref>2000100020260042</Ref></CdtrRefInf></Strd>")
    parties = _party("Dbtr", "Holding", "NL18INGB0007788990", 2) + "<UltmtDbtr><Nm>Dochter B.V.</Nm></UltmtDbtr>"
    [*_, row] = _parse(tmp_path, _document(extra_entries=_single("CRDT", parties, remittance=remittance))).mutations
    assert row.description == "Betaling 2000100020260042 (namens Dochter B.V.)"
    assert row.counterparty_name == "Holding"


def test_statement_without_namespace_or_document_wrapper_is_read(tmp_path: Path) -> None:
    text = _document().replace(' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', "")
    parsed = _parse(tmp_path, text)
    assert parsed.format == "camt.053" and _rows(parsed) == EXPECTED
