"""Reminders the connector mails for e-Boekhouden carry e-Boekhouden's own invoice PDFs next to our
letter; an invoice without a PDF (booked without the invoicing module) is noted, never a reason not
to send. Real HTTP to the e-Boekhouden simulator, which serves the `urlPdfFile` links."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from adapters.eboekhouden.simulator import EboekhoudenSimulator
from connector.clock import FakeClock
from connector.notify.mailer import MailboxMailer
from connector.service.dunning_run import run_dunning
from connector.service.sync import sync_administration
from connector.store import Store
from tests.dunning_samples import settings
from tests.pairs.eboekhouden import make_adapter

ADMIN = "eboek"


@pytest.fixture
def sim():
    with EboekhoudenSimulator(clock=FakeClock(), seed=3, invoices=60) as simulator:
        yield simulator


def test_the_invoice_pdfs_travel_with_the_reminder_and_a_missing_one_is_noted(sim, tmp_path: Path):
    adapter = make_adapter(sim, FakeClock())
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    sync_administration(store, adapter, ADMIN)
    by_id = {i.host_id: i for i in store.open_invoices(ADMIN)}
    with_pdf = next(by_id[str(s.mutation_id)] for s in sim.open_invoices()
                    if s.document_id is not None and str(s.mutation_id) in by_id and by_id[str(s.mutation_id)].open_amount > 20)
    without = next(by_id[str(s.mutation_id)] for s in sim.open_invoices()
                   if s.document_id is None and str(s.mutation_id) in by_id and by_id[str(s.mutation_id)].open_amount > 0)
    (contact,) = [c for c in store.contacts(ADMIN) if c.host_id == with_pdf.contact_id]
    contact = replace(contact, emails=("debiteur@klant.example",), reminder_emails=(), language="nl")
    due = min(with_pdf.due_date, without.due_date)
    letter_invoices = [replace(with_pdf, due_date=due), replace(without, contact_id=contact.host_id, due_date=due)]
    today = due + timedelta(days=7)
    every_day = settings(send_days={"skip_weekends": False, "skip_holidays": False})

    plan, result = run_dunning(admin_key=ADMIN, store=store, adapter=adapter, mailer=MailboxMailer(tmp_path / "mail"),
                               settings=every_day, today=today, output_dir=tmp_path / "out",
                               invoices=letter_invoices, contacts=[contact])
    (action,) = plan.actions
    assert action.via == "smtp" and [o.status for o in result.sent] == ["sent"]
    (path,) = (tmp_path / "mail").glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert f"factuur-{with_pdf.number.lower()}.pdf" in attachments
    assert attachments[f"factuur-{with_pdf.number.lower()}.pdf"].startswith(b"%PDF")
    assert any(name.startswith("betalingsherinnering") for name in attachments), "our letter is attached too"
    assert len(attachments) == 2, "no PDF for the invoice booked without the invoicing module"
    assert f"invoice PDF of {without.number} not attached" in result.sent[0].detail
    assert any("without the invoicing module" in warning for warning in result.warning_texts("en"))


def test_no_invoice_pdfs_when_switched_off(sim, tmp_path: Path):
    adapter = make_adapter(sim, FakeClock())
    store = Store.open(f"sqlite:///{tmp_path / 'state.db'}")
    sync_administration(store, adapter, ADMIN)
    invoice = next(i for i in store.open_invoices(ADMIN) if i.open_amount > 20)
    (contact,) = [c for c in store.contacts(ADMIN) if c.host_id == invoice.contact_id]
    contact = replace(contact, emails=("debiteur@klant.example",), reminder_emails=())
    off = settings(attach_invoice_pdfs=False, send_days={"skip_weekends": False, "skip_holidays": False},
                   company={"levels": [{"name": "herinnering", "delay_days": 5, "delay_from": "due_date",
                                        "channel": "smtp_email", "attach_pdf": False}]},
                   consumer={"levels": [{"name": "herinnering", "delay_days": 5, "delay_from": "due_date",
                                         "channel": "smtp_email", "attach_pdf": False}]})
    mark = sim.request_count()
    _, result = run_dunning(admin_key=ADMIN, store=store, adapter=adapter, mailer=MailboxMailer(tmp_path / "mail"),
                            settings=off, today=invoice.due_date + timedelta(days=7), output_dir=tmp_path / "out",
                            invoices=[invoice], contacts=[contact])
    assert [o.status for o in result.sent] == ["sent"] and sim.request_count() == mark
    (path,) = (tmp_path / "mail").glob("*.eml")
    assert list(BytesParser(policy=policy.default).parsebytes(path.read_bytes()).iter_attachments()) == []
