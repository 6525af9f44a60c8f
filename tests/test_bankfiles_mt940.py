""":86: layouts of the Dutch banks, and the MT940 structure rules mt-940 alone gets wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.bankfiles.mt940_details import Details, interpret, join_wrapped
from connector.bankfiles.mt940_reader import read_mt940
from connector.records import BankMutation


@pytest.mark.parametrize(("lines", "expected"), [
    pytest.param(  # ING: /CNTP/ iban/bic/name/city, REMI with USTD//, wrapped at 65 columns mid-word
        ["/EREF/E2E-77//CNTP/NL44RABO0123456789/RABONL2U/Bakkerij De Go", "uden Korst B.V./UTRECHT//REMI/USTD//Factuur F2026-0041/"],
        Details(name="Bakkerij De Gouden Korst B.V.", iban="NL44RABO0123456789", description="Factuur F2026-0041",
                end_to_end_id="E2E-77"), id="ing"),
    pytest.param(  # ING structured reference (betalingskenmerk)
        ["/EREF/NOTPROVIDED//CNTP/NL92ABNA0561234987/ABNANL2A/Jansen///REMI/STRD/CUR/2000100020260042/"],
        Details(name="Jansen", iban="NL92ABNA0561234987", description="2000100020260042",
                creditor_reference="2000100020260042"), id="ing-cur"),
    pytest.param(  # ABN AMRO SEPA
        ["/TRTP/SEPA OVERBOEKING/IBAN/NL55INGB0003456789/BIC/INGBNL2A/NAME/", "Van der Berg Advies/REMI/F2026-0044/EREF/VDBA1"],
        Details(name="Van der Berg Advies", iban="NL55INGB0003456789", description="F2026-0044", end_to_end_id="VDBA1"),
        id="abn"),
    pytest.param(  # Rabobank: party code with empty value, then /NAME/; structured reference in CDTRREF
        ["/ORDP//NAME/Jansen Installatietechniek/REMI//CDTRREFTP//CD/SCOR/I", "SSR/CUR/CDTRREF/2000100020260042/ISDT/2026-03-02"],
        Details(name="Jansen Installatietechniek", description="2000100020260042",
                creditor_reference="2000100020260042"), id="rabobank"),
    pytest.param(  # ABN AMRO acceptgiro: the betalingskenmerk as "ISSUER: CUR REF: ..." in /REMI/
        ["/TRTP/ACCEPTGIRO/IBAN/NL92ABNA0561234987/BIC/ABNANL2A/NAME/Jansen/REMI/ISSUER: CUR                  REF: 20001",
         "00020260042/EREF/NOTPROVIDED"],
        Details(name="Jansen", iban="NL92ABNA0561234987", description="ISSUER: CUR REF: 2000100020260042",
                creditor_reference="2000100020260042"), id="abn-acceptgiro"),
    pytest.param(  # Rabobank ultimate debtor
        ["/EREF/X/ORDP//NAME/Holding/REMI/F1/ULTD//NAME/Dochter B.V./ISDT/2026-03-04"],
        Details(name="Holding", description="F1", end_to_end_id="X", ultimate="Dochter B.V."), id="rabobank-ultd"),
    pytest.param(  # bunq: one line, card payment without IBAN
        ["/NAME/ALBERT HEIJN 1016/REMI/ALBERT HEIJN 1016 ARNHEM, NL"],
        Details(name="ALBERT HEIJN 1016", description="ALBERT HEIJN 1016 ARNHEM, NL"), id="bunq"),
    pytest.param(  # return of a direct debit
        ["/RTRN/MD06//EREF/F-33//CNTP/NL74RABO0398765432/RABONL2U/Klimcentrum///REMI/USTD//Factuur F-33/"],
        Details(name="Klimcentrum", iban="NL74RABO0398765432", description="Factuur F-33", end_to_end_id="F-33",
                return_reason="MD06"), id="ing-return"),
    pytest.param(  # ABN AMRO 2014 labelled columns
        ["SEPA ACCEPTGIROBETALING          IBAN: NL86INGB0002445588", "BIC: INGBNL2A                    NAAM: BELASTINGDIENST",
         "BETALINGSKENM.: 1234567890098876 ID DEBITEUR: 777777777"],
        Details(name="BELASTINGDIENST", iban="NL86INGB0002445588",
                description="BETALINGSKENM.: 1234567890098876 ID DEBITEUR: 777777777"), id="abn-2014"),
    pytest.param(  # Knab
        ["FACTUUR 201403110, 201403113", "REK: NL65INGB0123456789/NAAM: PICQER"],
        Details(name="PICQER", iban="NL65INGB0123456789", description="FACTUUR 201403110, 201403113"), id="knab"),
    pytest.param(  # old Triodos sub-fields, SEPA variant with BIC and IBAN first
        ["000>100000000000", ">20BBBBNL2U", ">21NL44RABO0123456789", ">22FACTUUR 12", ">310666666666"],
        Details(iban="NL44RABO0123456789", description="FACTUUR 12"), id="triodos-old"),
    pytest.param(  # German ?xx sub-fields, read by mt-940
        ["166?00SEPA-UEBERWEISUNG?20SVWZ+Rechnung 4711?30COBADEFFXXX?31DE89370400440532013000?32Max Muster"],
        Details(name="Max Muster", iban="DE89370400440532013000", description="Rechnung 4711"), id="german"),
    pytest.param(  # free text: no counterparty, the text itself
        ["GIRO   428428 KPN BV             BETALINGSKENM.  000000018503995", "5109227317"],
        Details(description="GIRO 428428 KPN BV BETALINGSKENM. 000000018503995 5109227317"), id="free-text"),
])
def test_layouts(lines: list[str], expected: Details) -> None:
    assert interpret(lines) == expected


def test_de_volksbank_layout() -> None:
    lines = ["NL55INGB0003456789 van der berg advies", " " * 65,
             "F2026-0044 advieswerk februari 2026 conform offerte 2026-017 en u".ljust(65),
             "renspecificatie bijlage".ljust(65), " " * 65]
    assert interpret(lines, volksbank=True) == Details(
        name="van der berg advies", iban="NL55INGB0003456789",
        description="F2026-0044 advieswerk februari 2026 conform offerte 2026-017 en urenspecificatie bijlage")


def test_wrapped_lines_join_without_space_only_when_full() -> None:
    assert join_wrapped(["a" * 65, "b"]) == "a" * 65 + "b"
    assert join_wrapped(["short", "next"]) == "short next"
    assert join_wrapped(["a" * 64, "b"]) == "a" * 64 + " b"


def _statement(body: str) -> str:
    return f":20:T\n:25:NL67INGB0006543210EUR\n:28C:1\n:60F:C260301EUR100,00\n{body}\n:62F:C260301EUR100,00\n-\n"


def _mutations(text: str) -> list:
    return [item for item in read_mt940(text, file="t.940") if not hasattr(item, "balance_ok")]


def test_statement_level_86_after_the_closing_balance_is_not_a_transaction_detail() -> None:
    text = (":20:T\n:25:NL67INGB0006543210EUR\n:28C:1\n:60F:C260301EUR100,00\n"
            ":61:2603010301C10,00NTRFNONREF//1\n:86:/REMI/USTD//eigen tekst/\n:62F:C260301EUR110,00\n"
            ":86:/NAME/ING BANK N.V.//SUM/0/1/0,00/10,00/\n-}{5:}\n")
    [entry] = _mutations(text)
    assert entry.description == "eigen tekst"


def test_consecutive_86_tags_belong_together_and_entries_without_86_are_kept() -> None:
    text = _statement(":61:2603010301D5,NTRFNONREF\n:61:2603010301D10,00N0710121212122      NEWPAPER\n"
                      ":86:L20129999 741\n:86:PERIODE 2026")
    first, second = _mutations(text)
    assert (first.amount, first.description) == (Decimal(-5), "")
    assert (second.counterparty_name, second.description) == ("NEWPAPER", "L20129999 741 PERIODE 2026")


@pytest.mark.parametrize(("mark", "amount"), [("C", "12.34"), ("D", "-12.34"), ("RC", "-12.34"), ("RD", "12.34")])
def test_debit_credit_and_reversal_marks(mark: str, amount: str) -> None:
    [entry] = _mutations(_statement(f":61:2603010301{mark}12,34NTRFNONREF"))
    assert entry.amount == Decimal(amount)
    assert entry.description.startswith("Storno") == mark.startswith("R")


def test_entry_date_crossing_the_year_boundary() -> None:
    [entry] = _mutations(_statement(":61:2512310102C1,00NTRFNONREF"))
    assert entry.booking_date.isoformat() == "2026-01-02"


def test_bank_record_has_no_float() -> None:
    [entry] = _mutations(_statement(":61:2603010301C0,1NTRFNONREF"))
    mutation = BankMutation(host_id="x", date=entry.booking_date, amount=entry.amount)
    assert isinstance(mutation.amount, Decimal) and mutation.amount == Decimal("0.1")
