"""Bad input: every failure names the file and the line, a bad file yields nothing, the batch goes on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connector.bankfiles import BankFileError, import_files, parse_file

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_truncated_camt_names_file_and_line_and_imports_nothing_from_it(tmp_path: Path) -> None:
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    cut = source[: int(len(source) * 0.6)]
    path = _write(tmp_path, "cut-camt053.xml", cut)
    with pytest.raises(BankFileError) as raised:
        parse_file(path)
    assert raised.value.file == "cut-camt053.xml"
    assert raised.value.line == cut.count("\n") + 1
    assert "cut-camt053.xml, line" in str(raised.value)

    result = import_files([DATA / "sns-camt053.xml", path, DATA / "bunq-mt940.sta"])
    assert [e.file for e in result.errors] == ["cut-camt053.xml"]
    assert result.per_file == {"sns-camt053.xml": 4, "bunq-mt940.sta": 5}
    assert {m.source for m in result.mutations} == {"sns-camt053.xml", "bunq-mt940.sta"}


def test_mt940_cut_inside_a_statement_line_names_that_line(tmp_path: Path) -> None:
    source = (DATA / "rabobank-mt940.swi").read_text(encoding="utf-8")
    position = source.index(":61:260304C")
    path = _write(tmp_path, "rabo.swi", source[: position + len(":61:2603")])
    with pytest.raises(BankFileError) as raised:
        parse_file(path)
    assert raised.value.line == _line_of(source, ":61:260304C")
    assert "cut off" in raised.value.reason


def test_impossible_date_in_mt940_names_its_line(tmp_path: Path) -> None:
    source = (DATA / "bunq-mt940.sta").read_text(encoding="utf-8")
    broken = source.replace(":61:2603030303C1149,5", ":61:2613330303C1149,5")
    path = _write(tmp_path, "bunq.sta", broken)
    with pytest.raises(BankFileError) as raised:
        parse_file(path)
    assert raised.value.line == _line_of(broken, ":61:2613330303C")


def test_bad_camt_amount_names_the_element_line(tmp_path: Path) -> None:
    source = (DATA / "demo-camt053.xml").read_text(encoding="utf-8")
    broken = source.replace('<Amt Ccy="EUR">847.50</Amt>', '<Amt Ccy="EUR">847,50</Amt>', 1)
    path = _write(tmp_path, "bad.xml", broken)
    with pytest.raises(BankFileError) as raised:
        parse_file(path)
    assert raised.value.line == _line_of(broken, "847,50")
    assert "847,50" in raised.value.reason


def test_bad_direction_and_missing_dates_in_camt(tmp_path: Path) -> None:
    source = (DATA / "sns-camt053.xml").read_text(encoding="utf-8")
    broken = re.sub(r"<CdtDbtInd>DBIT</CdtDbtInd>(\s*<Sts>)", r"<CdtDbtInd>DEBIT</CdtDbtInd>\1", source, count=1)
    assert broken != source
    with pytest.raises(BankFileError, match="CdtDbtInd"):
        parse_file(_write(tmp_path, "dir.xml", broken))
    undated = re.sub(r"<BookgDt>\s*<Dt>2026-03-02</Dt>\s*</BookgDt>\s*<ValDt>\s*<Dt>2026-03-02</Dt>\s*</ValDt>", "", source, count=1)
    with pytest.raises(BankFileError, match="booking date"):
        parse_file(_write(tmp_path, "undated.xml", undated))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.xml", "", "empty"),
    ("notes.txt", "Dit is geen bankafschrift.\nMaar een briefje.\n", "not a bank statement"),
    ("pain.xml", ('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
                  "<CstmrCdtTrfInitn/></Document>"), "not a camt"),
    ("broken.xml", "<Document><BkToCstmrStmt><Stmt></BkToCstmrStmt>", "XML error"),
    ("brace.xml", '<Document xmlns="u}rn:camt.053"><BkToCstmrStmt/></Document>', "namespace"),
    ("no-account.940", ":20:X\n:28C:1\n:60F:C260301EUR1,00\n:62F:C260301EUR1,00\n", "account (:25:)"),
    ("no-opening.940", ":20:X\n:25:NL67INGB0006543210\n:61:2603010301C1,00NTRFNONREF\n:62F:C260301EUR1,00\n", "opening"),
])
def test_unreadable_files_are_errors(tmp_path: Path, name: str, content: str, message: str) -> None:
    with pytest.raises(BankFileError, match=re.escape(message)):
        parse_file(_write(tmp_path, name, content))


def test_missing_file_is_an_error_in_the_batch_not_a_crash(tmp_path: Path) -> None:
    result = import_files([tmp_path / "gone.xml", DATA / "knab-mt940.txt"])
    assert [(e.file, e.line) for e in result.errors] == [("gone.xml", None)]
    assert len(result.mutations) == 4


def test_error_messages_never_show_a_full_iban(tmp_path: Path) -> None:
    text = (":20:X\n:25:NL67INGB0006543210\n:28C:1\n:60F:C260301EUR1,00\n"
            ":61:2603010301CXX1,00NOVBNL44RABO0123456789\n:62F:C260301EUR2,00\n")
    with pytest.raises(BankFileError) as raised:
        parse_file(_write(tmp_path, "NL44RABO0123456789.940", text))
    message = str(BankFileError("x.940", "see NL67INGB0006543210 and NL44 RABO 0123 4567 89"))
    assert not IBAN.search(str(raised.value))
    assert raised.value.file == "****6789.940"
    assert "NL67INGB0006543210" not in message and "****3210" in message and "****6789" in message


def test_export_names_with_the_account_iban_are_masked_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "NL67INGB0006543210_01-03-2026_06-03-2026.xml"
    path.write_bytes((DATA / "demo-camt053.xml").read_bytes())
    result = import_files([path])
    assert result.files[0].file == "****3210_01-03-2026_06-03-2026.xml"
    assert {m.source for m in result.mutations} == {"****3210_01-03-2026_06-03-2026.xml"}


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", "TOPSECRET")
    xml = ('<?xml version="1.0"?>\n'
           f'<!DOCTYPE Document [<!ENTITY s SYSTEM "file://{secret}">]>\n'
           '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>'
           "<Acct><Id><IBAN>NL67INGB0006543210</IBAN></Id></Acct><Ntry><Amt Ccy=\"EUR\">1.00</Amt>"
           "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt>"
           "<AddtlNtryInf>&s;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>")
    parsed = parse_file(_write(tmp_path, "xxe.xml", xml))
    assert "TOPSECRET" not in parsed.mutations[0].description


def test_a_reader_bug_in_one_file_does_not_stop_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connector.bankfiles import importer

    real = importer.read_mt940

    def flaky(text: str, *, file: str):
        if file == "knab-mt940.txt":
            raise KeyError("NL44RABO0123456789")
        return real(text, file=file)

    monkeypatch.setattr(importer, "read_mt940", flaky)
    result = import_files([DATA / "knab-mt940.txt", DATA / "bunq-mt940.sta"])
    assert len(result.errors) == 1 and "KeyError" in result.errors[0].message
    assert "NL44RABO0123456789" not in result.errors[0].message
    assert result.per_file == {"bunq-mt940.sta": 5}
