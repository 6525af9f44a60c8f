"""A file cut off after any line: either it ends between statements and gives exactly the rows of
the statements it holds, or it ends inside one and is refused as a whole, naming file and line.

The rule: an MT940 statement is complete with its closing balance (:62F:, or :62M: for a page
that goes on) or its terminator line; inside a SWIFT envelope (`{1:...}{4:`) only with the
message's closing `-}`; header lines of a next statement with nothing after them mean the rest
is missing. A camt file is XML: any cut before its last closing tag is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.bankfiles import BankFileError, import_files, parse_file

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"

# Read off the files by hand: after which line a statement (or its terminator) is complete,
# and how many rows the file holds up to there. Every other cut is inside a statement.
COMPLETE_AFTER = {
    # plain MT940: :62F: completes a statement, "-" may follow; the "ABNANL2A/940" header of
    # the next statement (lines 20-22) without the statement itself is a cut-off file
    "abnamro-mt940.sta": {18: 3, 19: 3, 37: 6, 38: 6},
    # no terminators at all: each :62F: completes a statement
    "rabobank-mt940.swi": {19: 3, 24: 3, 40: 6},
    # one SWIFT message per day: complete only at each "-}{5:}"
    "asn-mt940.txt": {23: 2, 30: 2, 59: 5},
    "knab-mt940.txt": {13: 2, 25: 4},
    # one SWIFT message, CRLF: nothing before its final "-}"
    "ing-mt940.txt": {53: 10},
}


def _prefixes(name: str):
    lines = (DATA / name).read_bytes().splitlines(keepends=True)
    for count in range(1, len(lines) + 1):
        yield count, b"".join(lines[:count]), lines[:count]


def _last_line_with_content(lines: list[bytes]) -> int:
    return max(n for n, text in enumerate(lines, start=1) if text.strip(b" \t\r\n\x1a\x03"))


@pytest.mark.parametrize("name", sorted(COMPLETE_AFTER))
def test_every_line_cut_of_an_mt940_file_is_complete_or_refused(tmp_path: Path, name: str) -> None:
    full = [m.host_id for m in parse_file(DATA / name).mutations]
    path = tmp_path / name
    first_tag = next(n for n, _, lines in _prefixes(name) if lines[-1].startswith(b":20:"))
    for count, data, lines in _prefixes(name):
        path.write_bytes(data)
        rows = COMPLETE_AFTER[name].get(count)
        if rows is not None:
            assert [m.host_id for m in parse_file(path).mutations] == full[:rows], count
            continue
        with pytest.raises(BankFileError) as raised:
            parse_file(path)
        assert raised.value.file == name, count
        if count >= first_tag:
            assert "cut off" in raised.value.reason, (count, raised.value.reason)
            assert raised.value.line == _last_line_with_content(lines), (count, raised.value.reason)
        assert import_files([path]).mutations == (), count


def test_every_line_cut_of_a_camt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sns-camt053.xml"
    prefixes = list(_prefixes("sns-camt053.xml"))
    for count, data, _ in prefixes[:-1]:
        path.write_bytes(data)
        with pytest.raises(BankFileError) as raised:
            parse_file(path)
        assert raised.value.file == path.name and raised.value.line, count
    path.write_bytes(prefixes[-1][1])
    assert len(parse_file(path).mutations) == 4


def test_the_auditors_cuts_name_the_file_and_the_line_where_it_stops(tmp_path: Path) -> None:
    # ASN cut after line 24: a new SWIFT message header and nothing after it.
    asn = tmp_path / "asn.txt"
    asn.write_bytes(b"".join((DATA / "asn-mt940.txt").read_bytes().splitlines(keepends=True)[:24]))
    with pytest.raises(BankFileError, match=r"^asn\.txt, line 24: the file ends inside the SWIFT message "
                                            r"opened on line 24 \(no closing '-}'\): it looks cut off$"):
        parse_file(asn)
    # Knab cut after line 14: the same, after a complete first message.
    knab = tmp_path / "knab.txt"
    knab.write_bytes(b"".join((DATA / "knab-mt940.txt").read_bytes().splitlines(keepends=True)[:14]))
    with pytest.raises(BankFileError, match=r"^knab\.txt, line 14: .*SWIFT message opened on line 14"):
        parse_file(knab)
    # ABN AMRO cut after the next statement's "ABNANL2A / 940 / ABNANL2A" header lines.
    abn = tmp_path / "abn.sta"
    abn.write_bytes(b"".join((DATA / "abnamro-mt940.sta").read_bytes().splitlines(keepends=True)[:22]))
    with pytest.raises(BankFileError, match=r"^abn\.sta, line 22: .*header of a next statement \(line 20\)"):
        parse_file(abn)


def test_a_statement_closed_by_its_terminator_is_complete_even_without_closing_balance(tmp_path: Path) -> None:
    # Trimmed real files do this (the corpus' OCA SNS file): the terminator shows the file was not cut.
    path = tmp_path / "no-62f.940"
    path.write_text(":20:X\n:25:NL67INGB0006543210\n:28C:1/1\n:60F:C260301EUR1,00\n"
                    ":61:2603010301C1,00NTRFNONREF\n:86:/REMI/USTD//a/\n-\n", encoding="utf-8")
    assert len(parse_file(path).mutations) == 1
