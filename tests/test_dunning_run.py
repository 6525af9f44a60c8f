"""Executing plans: through Moneybird's own reminders (simulator over HTTP), or mailed by the connector
with the PDF, exactly once; letters, call lists and dossiers in the output folder."""

from __future__ import annotations

import csv
import json
import smtplib
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import ClassVar

import pytest

from adapters.base import (
    Adapter,
    Batch,
    Capabilities,
    ConnectionInfo,
    NoteRecord,
    ReminderPush,
    Stream,
    WriteReceipt,
)
from connector.errors import HostUnavailable
from connector.notify.mailer import MailboxMailer
from connector.records import Package
from connector.service.dunning_run import recover_dunning, run_dunning
from connector.store import Store
from connector.store.dunning_store import DunningStore
from connector.store.outbox import Outbox
from tests.dunning_samples import TODAY, company, consumer, invoice, ladder, settings

ADMIN = "bakkerij"


class FakeHost(Adapter):
    """A package without a reminder API that can keep notes (like Exact Online)."""

    package = Package.EXACT
    capabilities: ClassVar[Capabilities] = Capabilities(records_notes=True)

    def __init__(self) -> None:
        self.notes: list[tuple[NoteRecord, str]] = []
        self.pushes: list[ReminderPush] = []
        self.push_error: Exception | None = None

    def pull(self, stream: Stream, state: object) -> Iterator[Batch]:
        return iter(())

    def check_connection(self) -> ConnectionInfo:
        return ConnectionInfo(administration_name="fake")

    def push_reminder(self, push: ReminderPush, idempotency_key: str) -> WriteReceipt:
        if self.push_error:
            raise self.push_error
        self.pushes.append(push)
        return WriteReceipt(detail="pushed")

    def record_note(self, note: NoteRecord, idempotency_key: str) -> WriteReceipt:
        self.notes.append((note, idempotency_key))
        return WriteReceipt(host_id=str(len(self.notes)), detail="note added")

    def was_applied(self, kind: str, payload: Mapping[str, object], idempotency_key: str) -> bool | None:
        return None


class HostWithReminders(FakeHost):
    capabilities: ClassVar[Capabilities] = Capabilities(sends_reminders=True, records_notes=True)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'state.db'}")


def run(store: Store, tmp_path: Path, invoices, contacts, *, adapter=None, mailer=None, cfg=None, today=TODAY,  # type: ignore[no-untyped-def]
        dry_run=False, templates_dirs=()):
    return run_dunning(admin_key=ADMIN, store=store, adapter=adapter or FakeHost(),
                       mailer=mailer or MailboxMailer(tmp_path / "mailbox"), settings=cfg or settings(), today=today,
                       output_dir=tmp_path / "out", invoices=invoices, contacts=contacts, dry_run=dry_run,
                       sender="debiteuren@devries.example", templates_dirs=templates_dirs)


def mails(tmp_path: Path) -> list:
    folder = tmp_path / "mailbox"
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] \
        if folder.exists() else []


def test_the_connector_mails_itself_with_the_pdf_notes_it_in_the_package_and_never_twice(store, tmp_path):
    adapter = FakeHost()
    invoices = [invoice("1", "c1", "1210.00", date(2026, 10, 1)), invoice("2", "c1", "242.00", date(2026, 10, 15))]
    plan, result = run(store, tmp_path, invoices, [company()], adapter=adapter)
    assert [o.status for o in result.sent] == ["sent"] and result.failed == []
    (message,) = mails(tmp_path)
    assert message["To"] == "boekhouding@jansen.example"
    assert message["From"].addresses[0].display_name == "Bakkerij De Vries B.V."
    assert "Betalingsherinnering facturen 2026-1 en 2026-2" == message["Subject"]
    pdf = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert pdf and pdf[0].get_content().startswith(b"%PDF-")
    (note, key) = adapter.notes[0]
    assert key == f"{plan.actions[0].idempotency_key}:note" and "2026-1, 2026-2" in note.text
    (recorded,) = DunningStore(store).steps(ADMIN)
    assert recorded.level_name == "herinnering" and recorded.term_end == date(2026, 11, 30)
    assert any(doc.endswith(".pdf") for doc in recorded.documents)
    # same day, again (a second cycle, or a retry after a crash): nothing new goes out
    plan2, _result2 = run(store, tmp_path, invoices, [company()], adapter=adapter)
    assert plan2.actions == () and len(mails(tmp_path)) == 1 and len(adapter.notes) == 1
    assert {s.code for s in plan2.skipped} == {"waiting"}
    # and executing the old plan again is refused by the outbox
    from connector.service.dunning_run import execute_plan

    again = execute_plan(plan, admin_key=ADMIN, store=store, adapter=adapter, mailer=MailboxMailer(tmp_path / "mailbox"),
                         settings=settings(), output_dir=tmp_path / "out", today=TODAY)
    assert [o.status for o in again.already_sent] == ["already_sent"] and len(mails(tmp_path)) == 1


def test_moneybird_sends_its_own_reminders_with_our_text_once(store, tmp_path):
    from adapters.moneybird.adapter import build_adapter
    from adapters.moneybird.simulator import MoneybirdSimulator
    from connector.service.sync import sync_administration

    with MoneybirdSimulator(seed=3, invoices=40, today=TODAY) as simulator:
        adapter = build_adapter({"administration_id": simulator.administration_id, "base_url": simulator.base_url},
                                secret=lambda name: simulator.token, since=date(2025, 1, 1))
        sync_administration(store, adapter, ADMIN)

        def cycle():  # type: ignore[no-untyped-def]
            sync_administration(store, adapter, ADMIN)
            return run_dunning(admin_key=ADMIN, store=store, adapter=adapter, mailer=MailboxMailer(tmp_path / "mb"),
                               settings=settings(), today=TODAY, output_dir=tmp_path / "out")

        plan, result = cycle()
        pushed = [a for a in plan.actions if a.via == "host"]
        assert pushed and len(result.sent) == len(pushed) == len(simulator.sent_reminders)
        texts = {" ".join(r["reminder_text"].split()) for r in simulator.sent_reminders}
        assert all(("Rekeningoverzicht" in text and "ten name van Bakkerij De Vries B.V." in text)
                   or ("Statement of account" in text and "in the name of Bakkerij De Vries B.V." in text)
                   for text in texts)
        already = {s.invoice_id for s in plan.skipped if s.code == "host_reminded"}
        assert already, "the seeded data has invoices Moneybird reminded itself"
        reminded_by_us = {i for r in simulator.sent_reminders for i in r["sales_invoice_ids"]}
        assert not already & reminded_by_us, "never a second reminder on top of Moneybird's own"
        assert result.host_reminders_recorded == len(already)
        plan2, _ = cycle()
        assert plan2.actions == () and len(simulator.sent_reminders) == len(pushed)
        assert "host_reminded" not in {s.code for s in plan2.skipped}


def test_a_rejected_address_fails_for_good_and_a_flaky_server_is_retried(store, tmp_path):
    class Refusing:
        def send(self, message):  # type: ignore[no-untyped-def]
            raise smtplib.SMTPRecipientsRefused({"x@y": (550, b"no such user")})

    class Flaky:
        calls = 0

        def send(self, message):  # type: ignore[no-untyped-def]
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise ConnectionRefusedError("smtp down")
            return MailboxMailer(tmp_path / "mailbox").send(message)

    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1))]
    _, result = run(store, tmp_path, invoices, [company()], mailer=Refusing())
    assert result.failed[0].status == "failed" and "SMTPRecipientsRefused" in result.failed[0].detail
    assert Outbox(store).entries(ADMIN)[0].status == "failed"
    other = [invoice("9", "c2", "100.00", date(2026, 10, 1))]
    contact = company("c2", name="Smit B.V.", emails=("smit@example.nl",))
    _, first = run(store, tmp_path, other, [contact], mailer=Flaky())
    assert first.failed and Outbox(store).entries(ADMIN)[1].status == "pending"
    _, second = run(store, tmp_path, other, [contact], mailer=Flaky(), today=TODAY + timedelta(days=1))
    assert [o.status for o in second.sent] == ["sent"] and len(mails(tmp_path)) == 1
    (step,) = DunningStore(store).steps(ADMIN)
    assert step.sent_on == TODAY + timedelta(days=1), "the retry records the day it really went out"


def test_an_unknown_outcome_is_never_sent_again_until_a_person_resolves_it(store, tmp_path):
    adapter = HostWithReminders()
    adapter.push_error = HostUnavailable("read timeout")
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1))]
    _, result = run(store, tmp_path, invoices, [company()], adapter=adapter)
    assert [o.status for o in result.unknown] == ["unknown"]
    adapter.push_error = None
    plan, _ = run(store, tmp_path, invoices, [company()], adapter=adapter, today=TODAY + timedelta(days=1))
    assert plan.actions == () and plan.skipped[0].code == "unknown_outcome" and adapter.pushes == []
    key = Outbox(store).entries(ADMIN)[0].idempotency_key
    Outbox(store).resolve_unknown(key, sent=False)
    plan, result = run(store, tmp_path, invoices, [company()], adapter=adapter, today=TODAY + timedelta(days=1))
    assert len(adapter.pushes) == 1 and result.sent[0].via == "host"


def test_recovery_finds_a_mail_that_left_before_the_crash(store, tmp_path):
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1))]
    plan, _ = run(store, tmp_path, invoices, [company()], dry_run=True)
    action = plan.actions[0]
    from connector.service.dunning_run import _payload, _step

    outbox = Outbox(store)
    outbox.enqueue(ADMIN, "dunning_email", action.idempotency_key, _payload(action, _step(action, TODAY, False, [])))
    outbox.claim(action.idempotency_key)
    mailer = MailboxMailer(tmp_path / "mailbox")
    from email.message import EmailMessage

    from connector.letters.email import message_id_for

    message = EmailMessage()
    message["Subject"], message["Message-ID"] = "x", message_id_for(action.idempotency_key)
    message.set_content("sent just before the kill")
    mailer.send(message)
    assert recover_dunning(admin_key=ADMIN, store=store, adapter=FakeHost(), mailer=mailer) == []
    assert outbox.get(action.idempotency_key).status == "sent"
    assert [s.level_name for s in DunningStore(store).steps(ADMIN)] == ["herinnering"]


def test_post_letters_call_list_and_dossier_land_in_the_output_folder(store, tmp_path):
    cfg = settings(company={"levels": [
        {"name": "herinnering", "delay_days": 5, "delay_from": "due_date", "channel": "letter", "term_days": 7},
        {"name": "bellijst", "kind": "call", "delay_days": 8, "channel": "phone"},
        {"name": "incasso", "kind": "handover", "delay_days": 1, "channel": "handover", "charge_costs": True,
         "charge_interest": True},
    ]})
    invoices = [invoice("1", "c1", "500.00", date(2026, 10, 1)), invoice("cn", "c1", "-50.00", date(2026, 10, 5))]
    _, first = run(store, tmp_path, invoices, [company()], cfg=cfg, today=date(2026, 10, 6))
    letter = [Path(d) for d in first.sent[0].documents if d.endswith(".pdf")]
    assert letter and letter[0].read_bytes().startswith(b"%PDF") and mails(tmp_path) == []
    # posted Tuesday 6 October, deemed delivered Thursday 8th: the 7 days run until the 15th
    (posted,) = DunningStore(store).steps(ADMIN)
    assert (posted.sent_on, posted.letter_date, posted.term_end) == (date(2026, 10, 6), date(2026, 10, 6),
                                                                     date(2026, 10, 15))
    assert "binnen 7 dagen nadat deze brief bij u is bezorgd" in " ".join(
        Path(next(d for d in first.sent[0].documents if d.endswith(".txt"))).read_text(encoding="utf-8").split())
    plan_15, _ = run(store, tmp_path, invoices, [company()], cfg=cfg, today=date(2026, 10, 15), dry_run=True)
    assert plan_15.actions == () and plan_15.skipped[0].code == "waiting"
    _, second = run(store, tmp_path, invoices, [company()], cfg=cfg, today=date(2026, 10, 16))
    assert second.call_list_file is not None
    rows = list(csv.DictReader(second.call_list_file.open(encoding="utf-8")))
    assert rows[0]["phone"] == "06-12345678" and rows[0]["invoices"] == "2026-1" and rows[0]["amount"] == "450.00"
    assert (rows[0]["last_contact_on"], rows[0]["last_contact_kind"], rows[0]["last_contact_what"]) == (
        "2026-10-06", "step", "herinnering")
    _, third = run(store, tmp_path, invoices, [company()], cfg=cfg, today=date(2026, 10, 19))
    (folder,) = third.dossiers
    document = json.loads((folder / "dossier.json").read_text(encoding="utf-8"))
    assert document["debtor"]["name"] == "Jansen ICT B.V." and document["claim"]["principal"] == "450.00"
    assert document["claim"]["collection_costs"] == "67.50"
    assert [s["level"] for s in document["steps"]] == ["herinnering", "bellijst"]
    assert list((folder / "documents").glob("*.pdf")), "the letters sent are copied into the dossier"
    rows = list(csv.DictReader((folder / "dossier.csv").open(encoding="utf-8")))
    assert rows[0]["invoice"] == "2026-1" and "herinnering 2026-10-06" in rows[0]["steps"]


def test_dry_run_renders_previews_and_sends_nothing(store, tmp_path):
    adapter = HostWithReminders()
    invoices = [invoice("1", "c1", "100.00", date(2026, 10, 1))]
    _plan, result = run(store, tmp_path, invoices, [company()], adapter=adapter, dry_run=True)
    assert adapter.pushes == [] and mails(tmp_path) == [] and Outbox(store).entries() == []
    assert [o.status for o in result.previews] == ["preview"]
    assert all("/preview/" in str(p) for p in result.documents)
    assert any(p.suffix == ".html" for p in result.documents)


def test_an_invalid_fourteen_day_letter_is_never_sent(store, tmp_path):
    overrides = tmp_path / "templates" / "nl"
    overrides.mkdir(parents=True)
    (overrides / "veertiendagenbrief.txt.j2").write_text(
        "{% macro subject() %}Aanmaning{% endmacro %}{% macro body() %}Betaal {{ principal|money }} binnen "
        "14 dagen na dagtekening, anders {{ announced_costs|money }} kosten.{% endmacro %}", encoding="utf-8")
    inv = invoice("1", "p1", "300.00", date(2026, 10, 1))
    history = ladder("p1", ("1",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6))
    for step in history:
        DunningStore(store).record_step(ADMIN, step)
    _, result = run(store, tmp_path, [inv], [consumer()], templates_dirs=[tmp_path / "templates"])
    assert result.sent == [] and "14-dagenbrief not sent" in result.failed[0].detail
    assert "dagtekening" in result.failed[0].detail and mails(tmp_path) == []
    assert [s.level_name for s in DunningStore(store).steps(ADMIN)][-1] == "bellijst"
    _, valid = run(store, tmp_path, [inv], [consumer()])
    (step,) = [s for s in DunningStore(store).steps(ADMIN) if s.level_name == "veertiendagenbrief"]
    assert valid.sent and step.wik_valid and step.costs_from == date(2026, 12, 10)


def test_a_fourteen_day_letter_goes_by_post_with_a_marked_email_copy(store, tmp_path):
    inv = invoice("1", "p1", "300.00", date(2026, 10, 1))
    for step in ladder("p1", ("1",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6)):
        DunningStore(store).record_step(ADMIN, step)
    plan, result = run(store, tmp_path, [inv], [consumer()])
    (action,) = plan.actions
    assert (action.level_name, action.via, action.email_copy) == ("veertiendagenbrief", "post", True)
    assert "dispatch recorded as 2026-11-23" in result.sent[0].detail
    (step,) = [s for s in DunningStore(store).steps(ADMIN) if s.level_name == "veertiendagenbrief"]
    # posted Monday 23rd, delivered Wednesday 25th, 14 days to 9 December, costs from the 10th
    assert (step.via, step.sent_on, step.letter_date, step.term_end, step.costs_from, step.wik_valid) == (
        "post", TODAY, TODAY, date(2026, 12, 9), date(2026, 12, 10), True)
    assert "14-dagenbrief by post with a copy by e-mail" in step.detail
    (copy,) = mails(tmp_path)
    assert copy["Subject"] == "Kopie: Aanmaning factuur 2026-1" and copy["To"] == "pdeboer@mail.example"
    body = copy.get_body(("plain",)).get_content()
    assert body.startswith("Kopie: deze e-mail is een kopie van de brief die wij u per post sturen.")
    assert "9 december 2026" not in body, "neither the letter nor its copy prints an end date"
    assert [p.get_filename() for p in copy.iter_attachments()] == ["kopie-aanmaning-factuur-2026-1.pdf"]
    entry = Outbox(store).get(f"{action.idempotency_key}:copy")
    assert entry.status == "sent" and entry.kind == "dunning_email" and entry.payload["copy_of"] == action.idempotency_key
    again, _ = run(store, tmp_path, [inv], [consumer()])
    assert again.actions == () and len(mails(tmp_path)) == 1
    assert [s.level_name for s in DunningStore(store).history(ADMIN)].count("veertiendagenbrief") == 1


def test_a_letter_adding_btw_without_the_declaration_is_never_sent(store, tmp_path):
    overrides = tmp_path / "templates" / "nl"
    overrides.mkdir(parents=True)
    (overrides / "ingebrekestelling.txt.j2").write_text(
        "{% macro subject() %}Ingebrekestelling{% endmacro %}{% macro body() %}Betaal {{ total_due|money }}, "
        "inclusief {{ costs|money }} kosten met btw.{% endmacro %}", encoding="utf-8")
    inv = invoice("1", "c1", "300.00", date(2026, 10, 1))
    for step in ladder("c1", ("1",), ["herinnering", "tweede_herinnering", "bellijst"], date(2026, 10, 6)):
        DunningStore(store).record_step(ADMIN, step)
    uplift = settings(legal={"vat_uplift": True})
    _, refused = run(store, tmp_path, [inv], [company()], cfg=uplift, templates_dirs=[tmp_path / "templates"])
    assert refused.sent == [] and "BIK art. 2 lid 3" in refused.failed[0].detail and mails(tmp_path) == []
    _, sent = run(store, tmp_path, [inv], [company()], cfg=uplift)
    assert [o.level_name for o in sent.sent] == ["ingebrekestelling"]
    (notice,) = [s for s in DunningStore(store).steps(ADMIN) if s.level_name == "ingebrekestelling"]
    assert "rate from 2026-07-01 unconfirmed (10,40 %); charged at the last confirmed 10,15 %" in notice.detail
    assert notice.invoice_principals == (Decimal("300.00"),) and notice.invoice_interest == (notice.interest,)
    (message,) = mails(tmp_path)
    assert "wij verklaren dat wij deze btw niet kunnen verrekenen" in " ".join(
        message.get_body(("plain",)).get_content().split())


def test_the_call_note_is_a_task_also_in_the_outbox_payload(store, tmp_path):
    adapter = FakeHost()
    inv = invoice("1", "c1", "300.00", date(2026, 10, 1))
    for step in ladder("c1", ("1",), ["herinnering", "tweede_herinnering"], date(2026, 10, 6)):
        DunningStore(store).record_step(ADMIN, step)
    from connector.dunning import Hold, HoldKind

    DunningStore(store).add_hold(ADMIN, Hold(kind=HoldKind.PROMISE, contact_id="c1", created_on=date(2026, 11, 2),
                                             until=date(2026, 11, 6), reason="belt terug", released_on=date(2026, 11, 9)))
    plan, result = run(store, tmp_path, [inv], [company()], adapter=adapter)
    (action,) = plan.actions
    assert action.via == "call" and adapter.notes[0][0].todo is True
    assert Outbox(store).get(f"{action.idempotency_key}:note").payload["todo"] is True
    (item,) = result.call_list
    assert (item.last_contact_on, item.last_contact_kind, item.last_contact_what) == ("2026-11-02", "promise",
                                                                                       "belt terug")


def test_a_login_lapsing_while_sending_is_a_reconsent_and_the_reminders_wait(store, tmp_path):
    from adapters.moneybird.adapter import build_adapter
    from adapters.moneybird.simulator import MoneybirdSimulator
    from connector.clock import FakeClock
    from connector.service.sync import sync_administration
    from tests.test_moneybird_oauth import DictVault, consent

    clock = FakeClock()
    with MoneybirdSimulator(seed=3, invoices=40, today=TODAY, clock=clock, oauth_token_lifetime=3600) as simulator:
        token, vault = consent(simulator), DictVault()
        vault.save(f"moneybird:{simulator.administration_id}", {
            "access_token": token["access_token"], "refresh_token": token["refresh_token"],
            "expires_at": clock.now() + token["expires_in"]})
        secrets = {"client_id": simulator.client_id, "client_secret": simulator.client_secret}
        adapter = build_adapter({"administration_id": simulator.administration_id, "base_url": simulator.base_url,
                                 "auth": "oauth"}, secret=secrets.__getitem__, clock=clock, token_vault=vault,
                                since=date(2025, 1, 1), admin_key=ADMIN)
        sync_administration(store, adapter, ADMIN)
        simulator.revoke_token(token["access_token"])  # the user revoked the app in Moneybird meanwhile
        plan, result = run_dunning(admin_key=ADMIN, store=store, adapter=adapter, settings=settings(), today=TODAY,
                                   mailer=MailboxMailer(tmp_path / "mb"), output_dir=tmp_path / "out")
    assert [a for a in plan.actions if a.via == "host"] and simulator.sent_reminders == []
    assert result.reconsent is not None and f"connector connect {ADMIN}" in str(result.reconsent)
    assert result.failed and not result.sent
    assert {e.status for e in Outbox(store).entries(ADMIN)} == {"pending"}, "kept for the run after the login"
