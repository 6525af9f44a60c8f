"""The watched inbox with a real SQLite store: a statement of another account than the
administration's `bank_files.account_iban` is refused whole and set aside, never stored."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from connector.clock import FakeClock
from connector.service.bank_import import import_bank_files, import_inbox
from connector.store import Store

DATA = Path(__file__).resolve().parent / "data" / "bankfiles"
OWN = "NL91ABNA0417164300"  # the account of the ABN AMRO samples
FULL_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z]{4}\d{7,}")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}", clock=FakeClock())


def _inbox(tmp_path: Path, *names: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in names:
        shutil.copy(DATA / name, inbox / name)
    return inbox


def test_a_statement_of_another_account_is_rejected_and_nothing_of_it_stored(
        tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    # abnamro-mt940.sta names the account the old way ("417164300"): that is the same account.
    inbox = _inbox(tmp_path, "abnamro-camt053.xml", "abnamro-mt940.sta", "ing-mt940.txt")
    with caplog.at_level(logging.DEBUG):
        report = import_inbox(store, "studio", inbox, account_iban="NL91 ABNA 0417 1643 00")
    assert (report.files, report.new_lines) == (2, 10)
    assert {m.source for m in store.unbooked_mutations("studio")} == {"abnamro-camt053.xml", "abnamro-mt940.sta"}
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["abnamro-camt053.xml", "abnamro-mt940.sta"]
    assert sorted(p.name for p in (inbox / "rejected").iterdir()) == ["ing-mt940.txt", "ing-mt940.txt.error.txt"]
    [error] = report.errors
    assert error == ("ing-mt940.txt: statement of account NL67****3210, but this administration's account "
                     "(bank_files.account_iban) is NL91****4300: nothing imported from this file")
    assert (inbox / "rejected" / "ing-mt940.txt.error.txt").read_text(encoding="utf-8") == error + "\n"
    assert not FULL_IBAN.search(caplog.text) and "****3210" in caplog.text


def test_without_account_iban_every_account_is_accepted(tmp_path: Path, store: Store) -> None:
    report = import_bank_files(store, "studio", [DATA / "ing-mt940.txt", DATA / "abnamro-mt940.sta"])
    assert (report.files, report.new_lines, report.errors) == (2, 16, [])


def test_a_file_with_a_second_account_is_refused_whole(tmp_path: Path, store: Store) -> None:
    # One statement of ours and one of a savings account in the same export: all-or-nothing.
    ours = (DATA / "bunq-mt940.sta").read_text(encoding="utf-8")
    path = tmp_path / "two-accounts.sta"
    path.write_text(ours + ours.replace("NL58BUNQ2031457896", "NL45BUNQ2045678912"), encoding="utf-8")
    report = import_bank_files(store, "studio", [path], account_iban="NL58BUNQ2031457896")
    assert report.new_lines == 0 and store.unbooked_mutations("studio") == []
    assert report.errors == [("two-accounts.sta: statement of account NL45****8912, but this administration's "
                              "account (bank_files.account_iban) is NL58****7896: nothing imported from this file")]
