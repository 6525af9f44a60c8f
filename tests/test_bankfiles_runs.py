"""A run of statements split over files: the second file counts on from what the first one stored.

One day's identical, unreferenced EUR 10 payments of one payer, split over two files (page 2 of
an MT940 statement delivered later, incremental camt.052 reports in separate files), are two
payments; the same page or an overlapping report once more is still a duplicate. Through the
service's import (the inbox of a cycle) with a real state store, SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from connector.bankfiles import import_files, parse_file
from connector.bankfiles.runs import AccountRuns, RunState
from connector.clock import FakeClock
from connector.service.bank_import import import_bank_files, import_inbox
from connector.store import Store
from connector.store.bank_runs import BankFileRuns, RunStateConflict

ADMIN = "studio"
ACCOUNT = "NL67INGB0006543210"
PAYMENT = (":61:2603020302C10,00NTRFNONREF\n"
           ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/NAME/Klant Een/REMI/Contributie\n")


def _page(page: int, *, last: bool, opening: str, closing: str, number: str = "00001") -> str:
    """One page of MT940 statement `number` of 2 March with one EUR 10 payment."""
    first, final = ("60F" if page == 1 else "60M"), ("62F" if last else "62M")
    return (f":20:STMT{number}\n:25:{ACCOUNT}\n:28C:{number}/{page:03d}\n:{first}:C260302EUR{opening}\n"
            f"{PAYMENT}:{final}:C260302EUR{closing}\n-\n")


PAGE_1 = _page(1, last=False, opening="1000,00", closing="1010,00")
PAGE_2 = _page(2, last=True, opening="1010,00", closing="1020,00")


ENTRY = ('<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
         "<BookgDt><Dt>2026-03-02</Dt></BookgDt><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Klant Een</Nm></Dbtr>"
         "</RltdPties><RmtInf><Ustrd>Contributie</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>")


def _camt(kind: str, containers: str) -> str:
    message = {"052": "BkToCstmrAcctRpt", "053": "BkToCstmrStmt"}[kind]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.04"><{message}>'
            f"<GrpHdr><MsgId>M</MsgId></GrpHdr>{containers}</{message}></Document>\n")


def _period(start: str, end: str) -> str:
    return f"<FrToDt><FrDtTm>2026-03-02T{start}:00+01:00</FrDtTm><ToDtTm>2026-03-02T{end}:00+01:00</ToDtTm></FrToDt>"


def _report(number: int, start: str, end: str, payments: int, *, report_id: str = "") -> str:
    """A camt.052 report of 2 March, FrToDt start..end, with `payments` identical EUR 10 payments."""
    return _camt("052", f"<Rpt><Id>{report_id or f'R{number}'}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
                        f"{_period(start, end)}<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
                        f"{ENTRY * payments}</Rpt>")


def _statement_page(page: int) -> str:
    """Page `page` of camt.053 statement 61 of 2 March (every page carries the day as its period)."""
    return (f"<Stmt><Id>S61-{page}</Id><StmtPgntn><PgNb>{page}</PgNb><LastPgInd>{str(page == 2).lower()}</LastPgInd>"
            f"</StmtPgntn><ElctrncSeqNb>61</ElctrncSeqNb>{_period('00:00', '23:59')}"
            f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>{ENTRY}</Stmt>")


@pytest.fixture
def store(state_url: str) -> Store:
    return Store.open(state_url, clock=FakeClock())


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(store: Store, *paths: Path) -> list[int]:
    """New bank lines per file, each file imported on its own as the inbox does."""
    return [import_bank_files(store, ADMIN, [path]).new_lines for path in paths]


def _amounts(store: Store) -> list[Decimal]:
    return sorted(m.amount for m in store.unbooked_mutations(ADMIN))


def test_page_2_in_a_later_file_is_a_second_payment(store: Store, tmp_path: Path) -> None:
    first, second = _file(tmp_path, "p1.sta", PAGE_1), _file(tmp_path, "p2.sta", PAGE_2)
    assert _import(store, first, second) == [1, 1]
    assert _amounts(store) == [Decimal("10.00"), Decimal("10.00")]
    # the same keys as the whole statement in one file: one payment is one key, however delivered
    whole = {m.host_id for m in parse_file(_file(tmp_path, "whole.sta", PAGE_1 + PAGE_2)).mutations}
    assert {m.host_id for m in store.unbooked_mutations(ADMIN)} == whole


def test_page_2_imported_twice_counts_once(store: Store, tmp_path: Path) -> None:
    first = _file(tmp_path, "p1.sta", PAGE_1)
    second, again = _file(tmp_path, "p2.sta", PAGE_2), _file(tmp_path, "p2-again.sta", PAGE_2)
    assert _import(store, first, second, again, first) == [1, 1, 0, 0]
    assert len(store.unbooked_mutations(ADMIN)) == 2


def test_the_whole_statement_then_page_2_alone_adds_nothing(store: Store, tmp_path: Path) -> None:
    whole = _file(tmp_path, "whole.sta", PAGE_1 + PAGE_2)
    assert _import(store, whole, _file(tmp_path, "p2.sta", PAGE_2), _file(tmp_path, "p1.sta", PAGE_1)) == [2, 0, 0]


def test_a_page_3_after_a_re_import_of_page_2_counts_on_after_page_2(store: Store, tmp_path: Path) -> None:
    page_2 = _page(2, last=False, opening="1010,00", closing="1020,00")
    page_3 = _page(3, last=True, opening="1020,00", closing="1030,00")
    files = [_file(tmp_path, "p1.sta", PAGE_1), _file(tmp_path, "p2.sta", page_2),
             _file(tmp_path, "p2-p3.sta", page_2 + page_3)]
    assert _import(store, *files) == [1, 1, 1]
    assert len(store.unbooked_mutations(ADMIN)) == 3


def test_pages_of_a_camt053_statement_in_two_files_are_two_payments(store: Store, tmp_path: Path) -> None:
    first = _file(tmp_path, "s1.xml", _camt("053", _statement_page(1)))
    second = _file(tmp_path, "s2.xml", _camt("053", _statement_page(2)))
    both = _file(tmp_path, "s.xml", _camt("053", _statement_page(1) + _statement_page(2)))
    assert len(parse_file(both).mutations) == 2  # the pages share the period: still two payments
    assert _import(store, first, second, second, both) == [1, 1, 0, 0]


def test_incremental_camt052_reports_in_two_files_are_two_payments(store: Store, tmp_path: Path) -> None:
    morning = _file(tmp_path, "r1.xml", _report(1, "09:00", "12:00", 1))
    afternoon = _file(tmp_path, "r2.xml", _report(2, "12:00", "15:00", 1))
    assert _import(store, morning, afternoon, afternoon) == [1, 1, 0]
    assert _amounts(store) == [Decimal("10.00"), Decimal("10.00")]


def test_an_overlapping_report_repeats_and_is_dropped(store: Store, tmp_path: Path) -> None:
    files = [_file(tmp_path, "r1.xml", _report(1, "09:00", "12:00", 1)),
             _file(tmp_path, "r2.xml", _report(2, "12:00", "15:00", 1))]
    # cumulative 09-15 h: both payments again; a re-export of 12-15 h under another number and id
    repeats = [_file(tmp_path, "cumulative.xml", _report(3, "09:00", "15:00", 2)),
               _file(tmp_path, "again.xml", _report(7, "12:00", "15:00", 1, report_id="X7"))]
    assert _import(store, *files, *repeats) == [1, 1, 0, 0]
    # what comes after still counts on: a third payment from 15 h
    assert _import(store, _file(tmp_path, "r3.xml", _report(4, "15:00", "18:00", 1))) == [1]
    assert len(store.unbooked_mutations(ADMIN)) == 3


def test_a_cumulative_report_then_the_next_increment_keeps_every_payment(store: Store, tmp_path: Path) -> None:
    # 09-12 h (one payment), cumulative 09-15 h (that one and a second), then 15-18 h (a third)
    files = [_file(tmp_path, "r1.xml", _report(1, "09:00", "12:00", 1)),
             _file(tmp_path, "cumulative.xml", _report(2, "09:00", "15:00", 2)),
             _file(tmp_path, "r3.xml", _report(3, "15:00", "18:00", 1))]
    assert _import(store, *files) == [1, 1, 1]


def test_the_inbox_of_a_cycle_keeps_the_run_in_the_state_file(tmp_path: Path) -> None:
    # A real SQLite file, opened anew for each cycle as the service does.
    url = f"sqlite:///{tmp_path / 'state.db'}"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _file(inbox, "NL67INGB0006543210_20260302_1.sta", PAGE_1)
    assert import_inbox(Store.open(url, clock=FakeClock()), ADMIN, inbox).new_lines == 1
    _file(inbox, "NL67INGB0006543210_20260302_2.sta", PAGE_2)
    report = import_inbox(Store.open(url, clock=FakeClock()), ADMIN, inbox)
    assert (report.files, report.new_lines, report.errors) == (1, 1, [])
    assert len(Store.open(url, clock=FakeClock()).unbooked_mutations(ADMIN)) == 2
    assert len(list((inbox / "processed").iterdir())) == 2
    # nothing in the state names the account or a statement id
    with Store.open(url).engine.connect() as conn:
        stored = json.dumps([dict(row._mapping) for row in conn.execute(sa.text("SELECT * FROM bank_file_runs"))],
                            default=str)
    assert ACCOUNT not in stored and "STMT00001" not in stored and "3210-" in stored


def test_lines_imported_before_the_run_state_existed_keep_their_keys(tmp_path: Path) -> None:
    # An import of the old release stored the lines without any run state; the same files
    # imported again must not turn into new payments.
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=FakeClock())
    whole = _file(tmp_path, "whole.sta", PAGE_1 + PAGE_2)
    demo = Path(__file__).resolve().parent / "data" / "bankfiles" / "demo-camt053.xml"
    assert store.add_mutations(ADMIN, import_files([whole, demo]).mutations) == 16
    assert _import(store, whole, _file(tmp_path, "p2.sta", PAGE_2), demo) == [0, 0, 0]


def test_the_state_moves_only_with_its_lines(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=FakeClock())
    runs = BankFileRuns(store)
    stale = runs.load(ADMIN)
    assert _import(store, _file(tmp_path, "p1.sta", PAGE_1)) == [1]
    # an import that read the state before page 1 was stored must store nothing at all
    second = import_files([_file(tmp_path, "p2.sta", PAGE_2)], runs=stale.state)
    with pytest.raises(RunStateConflict):
        runs.add_mutations(ADMIN, second.mutations, second.runs, stale)
    assert len(store.unbooked_mutations(ADMIN)) == 1
    assert _import(store, tmp_path / "p2.sta") == [1]


def test_the_pure_side_takes_the_state_in_and_gives_it_out(tmp_path: Path) -> None:
    first = parse_file(_file(tmp_path, "p1.sta", PAGE_1))
    alone = parse_file(_file(tmp_path, "p2.sta", PAGE_2))
    after = parse_file(tmp_path / "p2.sta", runs=first.runs)
    assert alone.mutations[0].host_id == first.mutations[0].host_id  # on its own: indistinguishable
    assert after.mutations[0].host_id != first.mutations[0].host_id
    # the state survives its JSON form (what the store keeps)
    stored = RunState(accounts={key: AccountRuns.from_data(json.loads(json.dumps(runs.to_data())))
                                for key, runs in first.runs.accounts.items()})
    assert stored == first.runs
    assert parse_file(tmp_path / "p2.sta", runs=stored).mutations == after.mutations
    # a batch carries the state from file to file, and starts from what it is given
    assert [m.host_id for m in import_files([tmp_path / "p1.sta", tmp_path / "p2.sta"]).mutations] == [
        first.mutations[0].host_id, after.mutations[0].host_id]
    assert import_files([tmp_path / "p2.sta"], runs=after.runs).mutations == after.mutations


def test_this_years_statement_1_is_not_last_years(tmp_path: Path) -> None:
    # :28C: numbers start again each year; last year's page 2 must not pass for this year's.
    last_year = (PAGE_1 + PAGE_2).replace(":61:2603020302", ":61:2503020302").replace("C260302EUR", "C250302EUR")
    state = parse_file(_file(tmp_path, "2025.sta", last_year)).runs
    first = parse_file(_file(tmp_path, "p1.sta", PAGE_1), runs=state)
    second = parse_file(_file(tmp_path, "p2.sta", PAGE_2), runs=first.runs)
    assert first.mutations[0].host_id != second.mutations[0].host_id


def test_the_import_bank_command_counts_on_across_its_runs(cli, tmp_path: Path) -> None:
    """`connector import-bank --config --admin`, one run per file, keeps the run state too."""
    import yaml

    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "state": {"url": f"sqlite:///{tmp_path / 'state.db'}"},
        "administrations": [{"key": ADMIN, "name": "Studio", "package": "eboekhouden", "eboekhouden": {}}],
    }), encoding="utf-8")
    first, second = _file(tmp_path, "p1.sta", PAGE_1), _file(tmp_path, "p2.sta", PAGE_2)
    outputs = [cli("import-bank", str(path), "--config", str(config), "--admin", ADMIN)
               for path in (first, second, second)]
    assert [done.returncode for done in outputs] == [0, 0, 0], outputs[-1].stderr
    assert [done.stdout.splitlines()[-1].split()[0] for done in outputs] == ["1", "1", "0"]
    assert _amounts(Store.open(f"sqlite:///{tmp_path / 'state.db'}")) == [Decimal("10.00")] * 2
