"""A letter never goes out twice, also when the process is killed between sending and recording.

A real child process runs the dunning step against a SQLite store and a mailbox folder; an env
var makes it SIGKILL itself right after the first e-mail left and before the outbox recorded it.
The next run must find that mail (mailbox) or refuse to guess (plain SMTP), never send it again,
and still send the letters the killed run never reached.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from adapters.base import Batch, Stream
from connector.service.dunning_run import KILL_ENV
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from tests.dunning_samples import company, invoice

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import sys
from datetime import date
from pathlib import Path
sys.path.insert(0, {repo!r})
from connector.notify.mailer import MailboxMailer
from connector.service.dunning_run import run_dunning
from connector.store import Store
from tests.dunning_samples import settings
from tests.test_dunning_run import FakeHost

class BlindMailer:
    '''Delivers like SMTP: cannot tell afterwards whether a message went out.'''
    def __init__(self, folder):
        self.inner = MailboxMailer(folder)
    def send(self, message):
        return self.inner.send(message)

tmp = Path({tmp!r})
mailer = MailboxMailer(tmp / "mailbox") if {mailbox!r} else BlindMailer(tmp / "mailbox")
store = Store.open("sqlite:///" + str(tmp / "state.db"))
# no PDF attachment: the same path through the outbox, without a second of WeasyPrint per process
cfg = settings(company={{"levels": [{{"name": "herinnering", "delay_days": 5, "delay_from": "due_date",
                                     "channel": "smtp_email", "attach_pdf": False}}]}})
plan, result = run_dunning(admin_key="bakkerij", store=store, adapter=FakeHost(), mailer=mailer,
                           settings=cfg, today=date(2026, 11, 23), output_dir=tmp / "out")
print("sent", len(result.sent), "unknown", len(result.unknown), "skipped", sorted({{s.code for s in plan.skipped}}))
"""


def run_child(tmp_path: Path, *, mailbox: bool, kill: bool) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(repo=str(REPO), tmp=str(tmp_path), mailbox=mailbox), encoding="utf-8")
    env = {**os.environ}
    env.pop(KILL_ENV, None)
    if kill:
        env[KILL_ENV] = "after_send"
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def subjects(tmp_path: Path) -> list[str]:
    parser = BytesParser(policy=policy.default)
    return sorted(str(parser.parsebytes(p.read_bytes())["Subject"]) for p in (tmp_path / "mailbox").glob("*.eml"))


@pytest.mark.parametrize("mailbox", [True, False], ids=["mailbox-can-confirm", "smtp-cannot-tell"])
def test_killed_right_after_sending_never_sends_twice(tmp_path, mailbox):
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    contacts = (company("c1"), company("c2", name="Smit B.V.", emails=("smit@example.nl",)))
    invoices = (invoice("1", "c1", "100.00", date(2026, 10, 1)), invoice("2", "c2", "200.00", date(2026, 10, 1)))
    store.apply_batch("bakkerij", Batch(Stream.CONTACTS, contacts))
    store.apply_batch("bakkerij", Batch(Stream.INVOICES, invoices))

    killed = run_child(tmp_path, mailbox=mailbox, kill=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert subjects(tmp_path) == ["Betalingsherinnering factuur 2026-1"]
    (entry,) = Outbox(store).entries("bakkerij")
    assert entry.status == "sending", "killed between the send and mark_sent"

    again = run_child(tmp_path, mailbox=mailbox, kill=False)
    assert again.returncode == 0, again.stderr
    assert subjects(tmp_path) == ["Betalingsherinnering factuur 2026-1", "Betalingsherinnering factuur 2026-2"]
    statuses = {e.payload["contact_id"]: e.status for e in Outbox(store).entries("bakkerij") if "contact_id" in e.payload}
    if mailbox:
        assert statuses == {"c1": "sent", "c2": "sent"}
        assert sorted(s.contact_id for s in DunningStore(store).steps("bakkerij")) == ["c1", "c2"]
    else:
        assert statuses == {"c1": "unknown", "c2": "sent"}
        assert "unknown_outcome" in again.stdout

    third = run_child(tmp_path, mailbox=mailbox, kill=False)
    assert third.returncode == 0 and len(subjects(tmp_path)) == 2
