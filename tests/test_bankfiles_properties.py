"""Properties: the :86: reader never crashes, amounts survive both formats exactly, bad input only ever
raises BankFileError."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector.bankfiles import BankFileError, format_amount, parse_file
from connector.bankfiles.mt940_details import Details, interpret
from connector.bankfiles.mt940_reader import read_mt940
from connector.bankfiles.text import is_iban_shaped

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
SCRATCH = Path(tempfile.mkdtemp(prefix="bankfile-props-"))
KEYS = ["TRTP", "IBAN", "BIC", "NAME", "CNTP", "REMI", "EREF", "ORDP", "BENM", "ULTD", "RTRN", "CDTRREF", "ID", "ADDR"]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

amounts = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("9999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)
line_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
structured = st.lists(
    st.tuples(st.sampled_from(KEYS), st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /-.,:", max_size=40)),
    min_size=1, max_size=8,
).map(lambda pairs: "".join(f"/{key}/{value}" for key, value in pairs))


def _check(details: Details) -> None:
    assert isinstance(details, Details)
    assert details.iban == "" or is_iban_shaped(details.iban)
    assert "\n" not in details.description and details.description == details.description.strip()


@FAST
@given(st.lists(line_text, max_size=8), st.booleans())
def test_the_86_reader_accepts_any_text(lines: list[str], volksbank: bool) -> None:
    _check(interpret(lines, volksbank=volksbank))


@FAST
@given(structured, st.integers(min_value=1, max_value=70))
def test_the_86_reader_accepts_any_slash_code_soup_wrapped_anywhere(text: str, width: int) -> None:
    lines = [text[i:i + width] for i in range(0, len(text), width)]
    _check(interpret(lines))


def _mt940(rows: list[tuple[str, Decimal]], opening: Decimal) -> str:
    closing = opening + sum((a if mark == "C" else -a for mark, a in rows), Decimal(0))

    def balance(tag: str, amount: Decimal) -> str:
        return f":{tag}:{'C' if amount >= 0 else 'D'}260301EUR{format(abs(amount), 'f').replace('.', ',')}"

    body = "".join(f":61:2603010301{mark}{format(a, 'f').replace('.', ',')}NTRFNONREF\n:86:/REMI/USTD//r{i}/\n"
                   for i, (mark, a) in enumerate(rows))
    return (f":20:P\n:25:NL67INGB0006543210EUR\n:28C:1\n{balance('60F', opening)}\n{body}"
            f"{balance('62F', closing)}\n-\n")


@FAST
@given(st.lists(st.tuples(st.sampled_from("CD"), amounts), min_size=1, max_size=12), amounts)
def test_mt940_amounts_are_exact(rows: list[tuple[str, Decimal]], opening: Decimal) -> None:
    items = list(read_mt940(_mt940(rows, opening), file="p.940"))
    entries, [info] = items[:-1], items[-1:]
    assert [e.amount for e in entries] == [a if mark == "C" else -a for mark, a in rows]
    assert info.balance_ok is True


def _camt(rows: list[tuple[str, Decimal]]) -> str:
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{a}</Amt><CdtDbtInd>{"CRDT" if mark == "C" else "DBIT"}</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2026-03-01</Dt></BookgDt></Ntry>" for mark, a in rows)
    return ('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>'
            f"<Acct><Id><IBAN>NL67INGB0006543210</IBAN></Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>")


@FAST
@given(st.lists(st.tuples(st.sampled_from("CD"), amounts), min_size=1, max_size=12))
def test_camt_amounts_are_exact_and_csv_keeps_them(rows: list[tuple[str, Decimal]]) -> None:
    path = SCRATCH / "amounts.xml"
    path.write_text(_camt(rows), encoding="utf-8")
    mutations = parse_file(path).mutations
    assert [m.amount for m in mutations] == [a if mark == "C" else -a for mark, a in rows]
    assert [Decimal(format_amount(m.amount)) for m in mutations] == [m.amount for m in mutations]


def _must_not_crash(data: bytes, suffix: str) -> None:
    path = SCRATCH / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        parsed = parse_file(path)
    except BankFileError as error:
        assert error.file == path.name
        return
    for mutation in parsed.mutations:
        assert isinstance(mutation.amount, Decimal)


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_ever_raise_bank_file_error(data: bytes) -> None:
    _must_not_crash(data, ".bin")
    _must_not_crash(b":20:X\n:25:NL67INGB0006543210\n" + data, ".940")


SAMPLE_940 = (DATA / "ing-mt940.txt").read_bytes()
SAMPLE_CAMT = (DATA / "triodos-camt053.xml").read_bytes()


@FAST
@given(st.data())
def test_damaged_real_files_only_ever_raise_bank_file_error(data: st.DataObject) -> None:
    for sample, suffix in ((SAMPLE_940, ".940"), (SAMPLE_CAMT, ".xml")):
        cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
        position = data.draw(st.integers(min_value=0, max_value=len(sample) - 1))
        junk = data.draw(st.binary(min_size=1, max_size=6))
        _must_not_crash(sample[:cut], suffix)
        _must_not_crash(sample[:position] + junk + sample[position + len(junk):], suffix)
