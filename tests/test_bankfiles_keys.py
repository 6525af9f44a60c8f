"""Duplicate keys: stable across re-imports and overlapping exports, distinct for identical payments."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from connector.bankfiles import import_files, parse_file

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
KEY = re.compile(r"^[0-9A-Z]{4}-[0-9a-f]{16}$")


def _keys(path: Path) -> list[str]:
    return [m.host_id for m in parse_file(path).mutations]


def test_keys_are_short_masked_and_stable_across_reimports(tmp_path: Path) -> None:
    copy = tmp_path / "again.xml"
    copy.write_bytes((DATA / "demo-camt053.xml").read_bytes())
    first, second = _keys(DATA / "demo-camt053.xml"), _keys(copy)
    assert first == second
    assert all(KEY.match(key) and key.startswith("3210-") for key in first)
    result = import_files([DATA / "demo-camt053.xml", copy])
    assert result.per_file == {"demo-camt053.xml": 14, "again.xml": 0}
    assert result.files[1].duplicates == 14


def test_identical_rows_in_one_statement_are_distinct_payments() -> None:
    abn = parse_file(DATA / "abnamro-mt940.sta").mutations
    twins = [m for m in abn if m.description == "F2026-0044"]
    assert len(twins) == 2 and twins[0].host_id != twins[1].host_id
    ing = parse_file(DATA / "ing-mt940.txt").mutations
    assert len([m for m in ing if m.description == "Voorschot F2026-0035"]) == 2
    assert len({m.host_id for m in ing}) == len(ing)


def _split_daily_mt940(source: str, keep: range) -> str:
    """The SWIFT blocks (one per day) of an ASN export with the given indexes."""
    blocks = [b for b in source.split("-}{5:}\n") if b.strip()]
    return "".join(blocks[i] + "-}{5:}\n" for i in keep)


def test_overlapping_daily_mt940_exports_give_the_same_keys(tmp_path: Path) -> None:
    source = (DATA / "asn-mt940.txt").read_text(encoding="utf-8")
    early, late = tmp_path / "asn-early.txt", tmp_path / "asn-late.txt"
    early.write_text(_split_daily_mt940(source, range(2)), encoding="utf-8")
    late.write_text(_split_daily_mt940(source, range(1, 3)), encoding="utf-8")
    full = _keys(DATA / "asn-mt940.txt")
    assert set(_keys(early)) | set(_keys(late)) == set(full)
    result = import_files([early, late])
    assert sorted(m.host_id for m in result.mutations) == sorted(full)


def _ing_export(source: str, first_day: str, last_day: str) -> str:
    """An ING download of a different period: one statement, entries of [first_day, last_day]."""
    head, body = source.split(":61:", 1)
    entries, tail = (":61:" + body).split(":62F:", 1)
    chunks = [":61:" + chunk for chunk in entries.split(":61:") if chunk]
    kept = [c for c in chunks if first_day <= c[4:10] <= last_day]
    head = head.replace(":20:P260302000000001", f":20:P{last_day}0000000{first_day[-2:]}")
    return head + "".join(kept) + ":62F:" + tail


def test_overlapping_ing_downloads_with_other_statement_bounds_give_the_same_keys(tmp_path: Path) -> None:
    # ING puts a whole download in one statement (:28C:00000), so positions shift between
    # downloads; the bank reference and the booking day keep the keys stable.
    source = (DATA / "ing-mt940.txt").read_bytes().decode("utf-8")
    first, second = tmp_path / "ing-week1.txt", tmp_path / "ing-week2.txt"
    first.write_bytes(_ing_export(source, "260223", "260225").encode("utf-8"))
    second.write_bytes(_ing_export(source, "260225", "260227").encode("utf-8"))
    full = _keys(DATA / "ing-mt940.txt")
    result = import_files([first, second])
    assert sorted(m.host_id for m in result.mutations) == sorted(full)
    assert result.files[1].duplicates == 2  # the two entries of 25 February


def _camt_days(source: str, keep: range) -> str:
    head, rest = source.split("    <Stmt>", 1)
    statements = ("    <Stmt>" + rest).split("    </Stmt>\n")
    tail = statements.pop()
    return head + "".join(statements[i] + "    </Stmt>\n" for i in keep) + tail


def test_overlapping_camt_exports_give_the_same_keys(tmp_path: Path) -> None:
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    early, late = tmp_path / "early.xml", tmp_path / "late.xml"
    early.write_text(_camt_days(source, range(3)), encoding="utf-8")
    late.write_text(_camt_days(source, range(2, 5)), encoding="utf-8")
    result = import_files([early, late])
    assert sorted(m.host_id for m in result.mutations) == sorted(_keys(DATA / "demo-camt053.xml"))
    assert result.files[1].duplicates == 3


def test_a_report_repeating_entries_counts_them_once(tmp_path: Path) -> None:
    # Intraday camt.052 reports are cumulative: the morning's entries come again in the afternoon.
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    doubled = _camt_days(source, range(1))
    statement = doubled[doubled.index("    <Stmt>"):doubled.index("  </BkToCstmrStmt>")]
    doubled = doubled.replace(statement, statement + statement)
    path = tmp_path / "repeat.xml"
    path.write_text(doubled, encoding="utf-8")
    parsed = parse_file(path)
    assert len(parsed.mutations) == 2 and parsed.duplicates == 2


def test_the_same_entries_on_another_account_are_other_payments(tmp_path: Path) -> None:
    source = (DATA / "bunq-mt940.sta").read_text(encoding="utf-8")
    other = tmp_path / "other.sta"
    other.write_text(source.replace("NL58BUNQ2031457896", "NL10BUNQ2290325473"), encoding="utf-8")
    assert not set(_keys(DATA / "bunq-mt940.sta")) & set(_keys(other))
    assert Counter(k[:4] for k in _keys(other)) == {"5473": 5}


# The auditor's reproduction (/tmp/audit7/pages.sta): one statement over two pages, each page
# holding EUR 10 from the same payer without a bank reference. Two payments, not one.
PAGE_1 = (":20:STMT1\n:25:NL67INGB0006543210\n:28C:00001/001\n:60F:C260302EUR1000,00\n"
          ":61:2603020302C10,00NTRFNONREF\n"
          ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/NAME/Klant Een/REMI/Contributie\n"
          ":62M:C260302EUR1010,00\n-\n")
PAGE_2 = PAGE_1.replace("00001/001", "00001/002").replace(":60F:C260302EUR1000,00", ":60M:C260302EUR1010,00") \
    .replace(":62M:C260302EUR1010,00", ":62F:C260302EUR1020,00")
NEXT_DAY = (":20:STMT2\n:25:NL67INGB0006543210\n:28C:00002/001\n:60F:C260302EUR1020,00\n"
            ":61:2603030303C10,00NTRFNONREF\n"
            ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/NAME/Klant Een/REMI/Contributie\n"
            ":62F:C260303EUR1030,00\n-\n")


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_identical_payments_on_two_pages_of_one_mt940_statement_are_two(tmp_path: Path) -> None:
    parsed = parse_file(_file(tmp_path, "pages.sta", PAGE_1 + PAGE_2))
    assert [m.amount for m in parsed.mutations] == [Decimal("10.00"), Decimal("10.00")]
    assert parsed.duplicates == 0 and len({m.host_id for m in parsed.mutations}) == 2


def test_a_62m_to_60m_continuation_without_page_numbers_is_one_statement(tmp_path: Path) -> None:
    text = (PAGE_1 + PAGE_2).replace("00001/001", "7").replace("00001/002", "8")
    assert len(parse_file(_file(tmp_path, "intermediate.sta", text)).mutations) == 2


def test_a_statement_exported_twice_in_one_file_counts_once(tmp_path: Path) -> None:
    parsed = parse_file(_file(tmp_path, "twice.sta", PAGE_1 + PAGE_2 + PAGE_1 + PAGE_2))
    assert (len(parsed.mutations), parsed.duplicates) == (2, 2)


def test_overlapping_mt940_files_with_paged_statements_still_dedupe(tmp_path: Path) -> None:
    both_pages = _file(tmp_path, "a.sta", PAGE_1 + PAGE_2)
    again = _file(tmp_path, "b.sta", PAGE_1 + PAGE_2 + NEXT_DAY)  # repeats 2 March, adds 3 March
    first_page_only = _file(tmp_path, "c.sta", PAGE_1)
    result = import_files([first_page_only, both_pages, again])
    assert result.per_file == {"c.sta": 1, "a.sta": 1, "b.sta": 1}
    assert [m.date.isoformat() for m in result.mutations] == ["2026-03-02", "2026-03-02", "2026-03-03"]
    assert sorted(m.host_id for m in result.mutations) == sorted(_keys(again))


def _camt(kind: str, statements: str) -> str:
    message, container = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt")}[kind]
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.04">'
            f"<{message}><GrpHdr><MsgId>M</MsgId></GrpHdr>{statements.replace('CONTAINER', container)}</{message}></Document>\n")


def _camt_statement(head: str, entries: int, *, reference: str = "") -> str:
    """A statement (or report) of the demo account with `entries` identical EUR 10 payments."""
    ref = f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else ""
    entry = ('<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
             f"<BookgDt><Dt>2026-03-02</Dt></BookgDt>{ref}<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Klant Een</Nm></Dbtr>"
             "</RltdPties><RmtInf><Ustrd>Contributie</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>")
    return (f"<CONTAINER>{head}<Acct><Id><IBAN>NL67INGB0006543210</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            f"{entry * entries}</CONTAINER>")


def _period(start: str, end: str) -> str:
    return f"<FrToDt><FrDtTm>2026-03-02T{start}:00+01:00</FrDtTm><ToDtTm>2026-03-02T{end}:00+01:00</ToDtTm></FrToDt>"


def test_identical_payments_on_two_pages_of_one_camt_statement_are_two(tmp_path: Path) -> None:
    pages = "".join(_camt_statement(f"<Id>S1-{page}</Id><StmtPgntn><PgNb>{page}</PgNb><LastPgInd>{str(page == 2).lower()}"
                                    f"</LastPgInd></StmtPgntn><ElctrncSeqNb>61</ElctrncSeqNb>", 1) for page in (1, 2))
    parsed = parse_file(_file(tmp_path, "pages.xml", _camt("053", pages)))
    assert (len(parsed.mutations), parsed.duplicates) == (2, 0)


def test_identical_camt_entries_with_their_own_bank_reference_are_distinct_wherever_they_are(tmp_path: Path) -> None:
    statements = (_camt_statement("<Id>S1</Id>", 1, reference="ACR-1") + _camt_statement("<Id>S2</Id>", 1, reference="ACR-2"))
    assert len(parse_file(_file(tmp_path, "refs.xml", _camt("053", statements))).mutations) == 2
    again = _camt_statement("<Id>S9</Id>", 1, reference="ACR-2")  # a re-export names ACR-2 again
    result = import_files([tmp_path / "refs.xml", _file(tmp_path, "again.xml", _camt("053", again))])
    assert result.per_file == {"refs.xml": 2, "again.xml": 0}


def test_incremental_camt052_reports_count_on_and_cumulative_ones_repeat(tmp_path: Path) -> None:
    # Incremental: 09-12 h and 12-15 h, each one new EUR 10 payment: two payments.
    incremental = (_camt_statement(f"<Id>R1</Id><ElctrncSeqNb>1</ElctrncSeqNb>{_period('09:00', '12:00')}", 1)
                   + _camt_statement(f"<Id>R2</Id><ElctrncSeqNb>2</ElctrncSeqNb>{_period('12:00', '15:00')}", 1))
    parsed = parse_file(_file(tmp_path, "incremental.xml", _camt("052", incremental)))
    assert (len(parsed.mutations), parsed.duplicates) == (2, 0)
    # Cumulative: 09-12 h holds the first payment, 09-15 h repeats it and adds the second.
    cumulative = (_camt_statement(f"<Id>R1</Id><ElctrncSeqNb>1</ElctrncSeqNb>{_period('09:00', '12:00')}", 1)
                  + _camt_statement(f"<Id>R2</Id><ElctrncSeqNb>2</ElctrncSeqNb>{_period('09:00', '15:00')}", 2))
    parsed = parse_file(_file(tmp_path, "cumulative.xml", _camt("052", cumulative)))
    assert (len(parsed.mutations), parsed.duplicates) == (2, 1)
    # Either way the same two payments: importing both files adds nothing the second time.
    result = import_files([tmp_path / "incremental.xml", tmp_path / "cumulative.xml"])
    assert result.per_file == {"incremental.xml": 2, "cumulative.xml": 0}
