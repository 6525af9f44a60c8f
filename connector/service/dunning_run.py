"""Execute a dunning plan: render, send through the outbox exactly once, record the history.

Per action: render the letter (text, HTML, PDF), check a consumer 14-dagenbrief against the law
(and any letter claiming BTW on the costs for the creditor's declaration) before it may go, write
the files to the output folder, then `enqueue → claim → send → mark_sent → record step → note in
the host`. E-mails carry the package's invoice PDFs where it has them; a 14-dagenbrief that goes
by post is recorded as dispatched on the run day (`connector letters posted` corrects it) and
may go by e-mail too, as a copy with its own outbox key. The outbox key is the step's idempotency key
(administration, contact, level, invoice set), so a re-run never sends a step twice; a kill
between the send and `mark_sent` leaves the entry in `sending`, and `recover_dunning` at the
next start asks the host (or the mailbox) whether it went out, else marks it `unknown` for a
person instead of sending again. The note that records a step in the host is part of the step's own
outbox entry (`note`) from the first enqueue, before anything is sent, so no kill can lose it; it gets
an entry of its own only once the step is sent and recorded, so a step that never went out (failed for
good) never gets one. A note the host never got (or refused), or one a kill left inside its step's
entry, is pending while its step is recorded and so never planned again: `retry_notes`, right after
recovery, writes it once.
"""

from __future__ import annotations

import logging
import os
import signal
import smtplib
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.base import Adapter, Capabilities, NoteRecord, ReminderPush
from connector.dunning.keys import copy_key, note_key
from connector.dunning.last_contact import last_contact
from connector.dunning.model import DunningAction, DunningPlan, DunningStep, Via
from connector.dunning.plan_warnings import (
    PlanWarning,
    as_written,
    claimed_elsewhere,
    email_copy_failed,
    email_copy_no_mailer,
    failed_earlier,
    for_contact,
    host_stopped,
    interrupted_earlier,
    invoice_pdf_failed,
    invoice_pdf_not_pdf,
    invoice_pdf_too_large,
    invoice_pdf_unavailable,
    legal_note,
    note_not_recorded,
    vat_undeclared,
    wik_letter_invalid,
)
from connector.dunning.planner import plan_dunning
from connector.dunning.policy import DunningSettings, LevelKind
from connector.errors import (
    ApiError,
    AuthenticationFailed,
    HostError,
    HostUnavailable,
    NotFound,
    QuotaExhausted,
    ReconsentRequired,
)
from connector.legal.letters import (
    FourteenDayLetterDraft,
    Severity,
    check_fourteen_day_letter,
    has_vat_declaration,
)
from connector.letters.email import build_email, message_id_for
from connector.letters.labels import labels_for
from connector.letters.output import (
    export_dossier,
    letter_folder,
    slug,
    write_call_list,
    write_letter_files,
)
from connector.letters.render import LetterRenderer, RenderedLetter
from connector.notify.mailer import MailboxMailer, Mailer
from connector.records import Contact, Invoice
from connector.store.codec import decode, encode
from connector.store.dunning_store import DUNNING_KINDS, DunningStore
from connector.store.outbox import FAILED, PENDING, SENDING, SENT, UNKNOWN, Outbox
from connector.store.store import Store

__all__ = ["KILL_ENV", "CallItem", "DunningRunResult", "NotesRetried", "StepOutcome", "execute_plan",
           "export_dossier", "recover_dunning", "retry_notes", "run_dunning", "write_previews"]

log = logging.getLogger("connector.dunning")

#: Test hook: the process SIGKILLs itself at the point named: "after_send" (sent, not yet marked sent),
#: "after_mark_sent" (marked sent, the step not yet recorded) or "before_note" (recorded, its note not written).
KILL_ENV = "CONNECTOR_TEST_KILL_AFTER_SEND"
KINDS = {Via.HOST: "reminder", Via.SMTP: "dunning_email", Via.POST: "dunning_letter", Via.CALL: "dunning_call",
         Via.DOSSIER: "dunning_handover"}
#: Outbox kinds whose step is noted in the host (a reminder the host sends is its own trace).
NOTED_KINDS = tuple(kind for kind in DUNNING_KINDS if kind != "reminder")
#: Invoice PDFs from the package stop being attached once an e-mail's attachments reach this size.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class StepOutcome:
    key: str
    contact_id: str
    contact_name: str
    level_name: str
    via: str
    invoice_numbers: tuple[str, ...]
    status: str  # sent, already_sent, failed, unknown, preview
    detail: str = ""
    documents: tuple[str, ...] = ()
    #: why a step failed or may not have gone out, worded in the reader's language (`detail` in English)
    reason: PlanWarning | None = None


@dataclass(frozen=True, slots=True)
class CallItem:
    """One line of the bellijst; `last_contact_*` say what happened last with this customer:
    the date (ISO), the kind ("step", "host_reminder", "dispute", "promise", "pause",
    "arrangement") and what (the level sent, or the hold's reason); empty when nothing yet."""

    key: str
    contact_name: str
    phone: str
    emails: str
    invoices: str
    amount: str
    oldest_due: str
    days_overdue: int
    notes: str
    last_contact_on: str = ""
    last_contact_kind: str = ""
    last_contact_what: str = ""


@dataclass
class DunningRunResult:
    sent: list[StepOutcome] = field(default_factory=list)
    failed: list[StepOutcome] = field(default_factory=list)
    unknown: list[StepOutcome] = field(default_factory=list)
    already_sent: list[StepOutcome] = field(default_factory=list)
    previews: list[StepOutcome] = field(default_factory=list)
    call_list: list[CallItem] = field(default_factory=list)
    call_list_file: Path | None = None
    dossiers: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    host_reminders_recorded: int = 0
    notes_recorded: int = 0
    #: what went wrong around a step that was sent (a PDF not attached, a note not recorded), as data
    warnings: list[PlanWarning] = field(default_factory=list)
    #: the host asked for a new login while sending: the rest went on, the cycle reports it
    reconsent: ReconsentRequired | None = None

    def warning_texts(self, language: str = "en") -> tuple[str, ...]:
        return tuple(warning.text(language) for warning in self.warnings)


def recover_dunning(*, admin_key: str, store: Store, adapter: Adapter | None, mailer: Mailer | None) -> list[str]:
    """Settle dunning sends (and their notes) interrupted by a crash, then record steps whose outbox
    entry is sent. Other kinds of outbox entries are left to their owners.

    Returns the keys that became `unknown` (a person must check the host or the mailbox).
    """
    outbox = Outbox(store)
    unknown = []
    for entry in outbox.entries(admin_key, (SENDING,)):
        if entry.kind not in (*DUNNING_KINDS, "note"):
            continue
        applied = _was_applied(entry.kind, entry.payload, entry.idempotency_key, adapter, mailer)
        if applied is True:
            outbox.mark_sent(entry.idempotency_key, "confirmed after restart")
        elif applied is False:
            outbox.resolve_unknown(entry.idempotency_key, sent=False)  # back to pending: send again
        else:
            outbox.mark_unknown(entry.idempotency_key, "interrupted while sending; cannot confirm it went out")
            unknown.append(entry.idempotency_key)
    DunningStore(store).repair(admin_key)
    return unknown


@dataclass
class NotesRetried:
    """What `retry_notes` did: the notes written now, and a warning for each the package refused again."""

    recorded: int = 0
    warnings: list[PlanWarning] = field(default_factory=list)


def retry_notes(*, admin_key: str, store: Store, adapter: Adapter | None,
                settings: DunningSettings) -> NotesRetried:
    """Write the notes still pending for steps already recorded, each once, through the outbox.

    Why: a note goes out right after its step. When that attempt was cut off (recovery found the host
    never got it, or a kill came before the note had an entry of its own) or refused, the step is
    recorded and never planned again, so nothing else would send its note. A note that failed before may
    have reached the host all the same (a timeout after the write): the host is asked first, and only a
    note it does not have is written.
    """
    done = NotesRetried()
    capabilities = getattr(adapter, "capabilities", None) or Capabilities()
    if adapter is None or not settings.host_note or not capabilities.records_notes:
        return done
    outbox = Outbox(store)
    recorded = {step.key: step for step in DunningStore(store).steps(admin_key)}
    _enqueue_missing_notes(outbox, store, admin_key, recorded)
    waiting = [entry for entry in outbox.entries(admin_key, (PENDING,))
               if entry.kind == "note" and _step_of_note(entry.idempotency_key) in recorded]
    names = {contact.host_id: contact.name for contact in store.contacts(admin_key)} if waiting else {}
    for entry in waiting:
        key, payload = entry.idempotency_key, entry.payload
        if entry.error:  # an earlier attempt failed: it may have landed before the error
            try:
                landed = adapter.was_applied("note", payload, key)
            except HostError:
                continue  # the host cannot answer now: the next run asks again
            if landed is True:
                outbox.mark_sent(key, "found in the package after an earlier error")
                continue
        if outbox.claim(key) is None:
            continue
        error = _write_note(outbox, adapter, key, _note_record(payload))
        if error is None:
            done.recorded += 1
            continue
        contact_id = str(payload.get("contact_id", ""))
        done.warnings.append(note_not_recorded(names.get(contact_id, contact_id), str(error)))
        if isinstance(error, (QuotaExhausted, AuthenticationFailed)):
            break  # the others keep their attempts for the next run
    return done


def _enqueue_missing_notes(outbox: Outbox, store: Store, admin_key: str, recorded: Mapping[str, DunningStep]) -> None:
    """Enqueue the note of each recorded step whose outbox entry is sent but has no note entry yet.

    Why: the note gets its own entry only after its step was marked sent and recorded; a kill in between
    leaves it in the step's entry (`note`), from where it is taken now. An entry from before the step kept
    its note has no `note` at all: its note is built from the step as the outbox kept it (`note` set to
    None says the host kept no note of that step). Neither was ever attempted: nothing to ask the host.
    """
    entries = outbox.entries(admin_key)
    known = {entry.idempotency_key for entry in entries}
    missing = [entry for entry in entries
               if entry.status == SENT and entry.kind in NOTED_KINDS and entry.idempotency_key in recorded
               and note_key(entry.idempotency_key) not in known]
    kept = [(entry.idempotency_key, entry.payload["note"]) for entry in missing if "note" in entry.payload]
    older = [(entry, _payload_step(entry.payload) or recorded[entry.idempotency_key])
             for entry in missing if "note" not in entry.payload]
    if older:
        since = datetime.combine(min(step.sent_on for _, step in older), time.min, UTC)
        numbers = {invoice.host_id: invoice.number
                   for invoice in [*store.open_invoices(admin_key), *store.closed_invoices(admin_key, since)]}
        for entry, step in older:
            total = entry.payload.get("total_due")
            kept.append((entry.idempotency_key, _note_payload(
                step, [numbers.get(i, i) for i in step.invoice_ids],
                Decimal(str(total)) if total is not None else step.principal + step.costs + step.interest,
                pdf=step.via in (Via.SMTP, Via.POST) and bool(_letter_pdf(step)))))
    for step_key, payload in kept:
        if isinstance(payload, Mapping):
            outbox.enqueue(admin_key, "note", note_key(step_key), payload)


def _note_payload(step: DunningStep, invoice_numbers: Sequence[str], total_due: Decimal, *,
                  pdf: bool) -> dict[str, Any]:
    """The note that records `step` in the host, as the outbox keeps it. With `pdf` the letter's PDF as
    written to the output folder goes along (a retry after a crash attaches it again)."""
    text = (f"Aanmaningsstap '{step.level_name}' ({step.via}) op {step.sent_on.isoformat()} voor "
            f"{', '.join(invoice_numbers)}: € {total_due:.2f}")
    todo = step.via == Via.CALL  # a task for a person; the host looks for it among tasks after a crash
    payload: dict[str, Any] = {"contact_id": step.contact_id, "text": text,
                               "invoice_ids": list(step.invoice_ids), "todo": todo}
    if pdf:
        written = _letter_pdf(step)
        payload["attachment_name"] = f"{step.level_name}.pdf"
        payload["attachment_path"] = str(Path(written).resolve()) if written else ""
    return payload


def _letter_pdf(step: DunningStep) -> str:
    return next((d for d in step.documents if d.endswith(".pdf")), "")


def _step_of_note(key: str) -> str | None:
    suffix = note_key("")
    return key.removesuffix(suffix) if key.endswith(suffix) else None


def _note_record(payload: Mapping[str, Any]) -> NoteRecord:
    """The note as the outbox keeps it; the letter is attached again when its PDF is still in the output folder."""
    path = Path(str(payload.get("attachment_path") or ""))
    attachment = path.read_bytes() if path.name and path.is_file() else b""
    return NoteRecord(contact_id=str(payload["contact_id"]), text=str(payload.get("text", "")),
                      invoice_ids=tuple(str(i) for i in payload.get("invoice_ids") or ()),
                      attachment_name=str(payload.get("attachment_name", "")) if attachment else "",
                      attachment=attachment, todo=bool(payload.get("todo")))


def _write_note(outbox: Outbox, adapter: Adapter, key: str, note: NoteRecord) -> Exception | None:
    """Write a claimed note and record the outcome: sent, or pending again for the next run (the error)."""
    try:
        receipt = adapter.record_note(note, key)
    except Exception as exc:  # noqa: BLE001 - the step itself was sent; a missing note is only reported
        outbox.mark_failed(key, f"{type(exc).__name__}: {exc}", retry=True)
        return exc
    outbox.mark_sent(key, receipt.detail)
    return None


def _was_applied(kind: str, payload: Mapping[str, Any], key: str, adapter: Adapter | None,
                 mailer: Mailer | None) -> bool | None:
    if kind == "dunning_email":
        return _delivered(mailer, str(payload.get("message_id", "")))
    if kind in ("dunning_letter", "dunning_call", "dunning_handover"):
        return False  # local files: doing it again is harmless
    if adapter is None:
        return None
    try:
        return adapter.was_applied(kind, payload, key)
    except HostError:
        return None


def _delivered(mailer: Mailer | None, message_id: str) -> bool | None:
    """Did a mail with this Message-ID reach the mailbox? None when the mailer cannot tell (SMTP)."""
    check = getattr(mailer, "was_delivered", None)
    if callable(check):
        return check(message_id)
    if isinstance(mailer, MailboxMailer) and message_id:
        needle = message_id.encode("ascii", "ignore")
        return any(needle in path.read_bytes() for path in mailer.folder.glob("*.eml"))
    return None


def run_dunning(*, admin_key: str, store: Store, adapter: Adapter | None, mailer: Mailer | None,
                settings: DunningSettings, today: date, output_dir: Path, invoices: Sequence[Invoice] | None = None,
                contacts: Sequence[Contact] | None = None, probable_payments: Mapping[str, str] | None = None,
                dry_run: bool = False, sender: str = "", templates_dirs: Sequence[Path | None] = ()
                ) -> tuple[DunningPlan, DunningRunResult]:
    """Recover, retry the notes left behind, plan from the store's snapshot and history, execute: the whole
    dunning step of a cycle."""
    retried = NotesRetried()
    if not dry_run:
        recover_dunning(admin_key=admin_key, store=store, adapter=adapter, mailer=mailer)
        retried = retry_notes(admin_key=admin_key, store=store, adapter=adapter, settings=settings)
    dunning_store = DunningStore(store)
    capabilities = getattr(adapter, "capabilities", None) or Capabilities()
    plan = plan_dunning(
        invoices if invoices is not None else store.open_invoices(admin_key),
        contacts if contacts is not None else store.contacts(admin_key),
        dunning_store.history(admin_key), dunning_store.holds(admin_key), probable_payments or {},
        settings, today, capabilities, admin_key=admin_key,
    )
    result = execute_plan(plan, admin_key=admin_key, store=store, adapter=adapter, mailer=mailer, settings=settings,
                          output_dir=output_dir, today=today, dry_run=dry_run, sender=sender,
                          templates_dirs=templates_dirs)
    result.notes_recorded += retried.recorded
    result.warnings[:0] = retried.warnings
    return plan, result


def write_previews(plan: DunningPlan, *, settings: DunningSettings, output_dir: Path,
                   templates_dirs: Sequence[Path | None] = ()) -> DunningRunResult:
    """Render every planned letter into `<output>/<admin>/preview/…` without sending anything."""
    return execute_plan(plan, admin_key=plan.admin_key, store=None, adapter=None, mailer=None, settings=settings,
                        output_dir=output_dir, today=plan.today, dry_run=True, templates_dirs=templates_dirs)


def execute_plan(plan: DunningPlan, *, admin_key: str, store: Store | None, adapter: Adapter | None,
                 mailer: Mailer | None, settings: DunningSettings, output_dir: Path, today: date,
                 dry_run: bool = False, sender: str = "", templates_dirs: Sequence[Path | None] = (),
                 renderer: LetterRenderer | None = None) -> DunningRunResult:
    """Carry out `plan`; with `dry_run` only render the documents (no outbox, no sends, no history)."""
    if not dry_run and store is None:
        raise ValueError("execute_plan needs a store unless dry_run is set")
    runner = _Runner(
        plan=plan, admin_key=admin_key, store=store, adapter=adapter, mailer=mailer, settings=settings,
        output_dir=Path(output_dir), today=today, dry_run=dry_run, sender=sender,
        renderer=renderer or LetterRenderer([*templates_dirs, settings.templates_dir]),
    )
    return runner.run()


@dataclass
class _Runner:
    plan: DunningPlan
    admin_key: str
    store: Store | None
    adapter: Adapter | None
    mailer: Mailer | None
    settings: DunningSettings
    output_dir: Path
    today: date
    dry_run: bool
    sender: str
    renderer: LetterRenderer
    result: DunningRunResult = field(default_factory=DunningRunResult)
    host_stopped: str = ""

    @property
    def capabilities(self) -> Capabilities:
        return getattr(self.adapter, "capabilities", None) or Capabilities()

    def run(self) -> DunningRunResult:
        for action in self.plan.actions:
            try:
                self._action(action)
            except Exception as exc:  # one contact's failure must not stop the others
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                log.exception("dunning step %s failed", action.idempotency_key)
                self._outcome(action, "failed", as_written(f"{type(exc).__name__}: {exc}"))
        if not self.dry_run:
            self._record_host_reminders()
        self._write_call_list()
        return self.result

    # -- one action ---------------------------------------------------------------------------

    def _action(self, action: DunningAction) -> None:
        folder = letter_folder(self.output_dir, self.admin_key, self.today, action.contact_id, action.contact.name,
                               preview=self.dry_run)
        letter: RenderedLetter | None = None
        documents: list[Path] = []
        wik_valid = False
        if action.via in (Via.HOST, Via.SMTP, Via.POST):
            want_pdf = action.via == Via.POST or (action.via == Via.SMTP and action.attach_pdf)
            letter = self.renderer.render(action, self.settings, self.today, pdf=want_pdf)
            documents = write_letter_files(folder, f"{action.level_index:02d}-{action.level_name}", letter)
            if action.vat_uplift and not has_vat_declaration(letter.text):
                self.result.documents.extend(documents)
                self._outcome(action, "failed", vat_undeclared(), documents)
                return
            if action.level_kind == LevelKind.FOURTEEN_DAY.value and action.debtor_kind != "company":
                problems = self._check_fourteen_day(action, letter)
                if problems:
                    self.result.documents.extend(documents)
                    self._outcome(action, "failed", wik_letter_invalid(problems), documents)
                    return
                wik_valid = True
        elif action.via == Via.DOSSIER:
            documents = self._dossier(action, folder)
        self.result.documents.extend(documents)
        if action.via == Via.CALL:
            self.result.call_list.append(self._call_item(action))
        if self.dry_run:
            self._outcome(action, "preview", "", documents)
            return
        step = _step(action, self.today, wik_valid, documents)
        self._send(action, step, letter)

    def _check_fourteen_day(self, action: DunningAction, letter: RenderedLetter) -> list[PlanWarning]:
        """The errors of the legal check that stop the letter, as data worded in the reader's language."""
        draft = FourteenDayLetterDraft(
            text=letter.text, send_date=self.today, due_date=max(i.invoice.due_date for i in action.invoices),
            principals=tuple(i.principal for i in action.invoices), announced_costs=action.announced_costs,
            vat_uplift=action.vat_uplift, vat_declaration=has_vat_declaration(letter.text),
            stated_deadline=None if action.by_post else action.new_term_date,
        )
        legal = self.settings.legal
        return [legal_note(p) for p in check_fourteen_day_letter(
            draft, assumption=legal.delivery(), extend_to_working_day=legal.extend_term_to_working_day,
            vat_percent=legal.vat_percent, cumulation=legal.cumulation_rule(),
        ) if p.severity is Severity.ERROR]

    def _send(self, action: DunningAction, step: DunningStep, letter: RenderedLetter | None) -> None:
        assert self.store is not None
        outbox, dunning = Outbox(self.store), DunningStore(self.store)
        kind = KINDS[action.via]
        note = self._note_intent(action, step, letter)
        payload = {**_payload(action, step), "note": note}  # kept in the step's own entry: no kill can lose it
        entry = outbox.enqueue(self.admin_key, kind, action.idempotency_key, payload)
        extras: list[tuple[str, bytes]] = []
        missing: list[PlanWarning] = []
        if kind == "dunning_email" and entry.status == PENDING:
            extras, missing = self._invoice_pdfs(action, letter)
        if entry.status == SENT:
            dunning.record_step(self.admin_key, _payload_step(entry.payload) or step)
            self._outcome(action, "already_sent", "sent before (outbox)", step.documents)
            return
        if entry.status in (UNKNOWN, SENDING):
            self._outcome(action, "unknown", as_written(entry.error) if entry.error else interrupted_earlier())
            return
        if entry.status == FAILED:
            self._outcome(action, "failed", as_written(entry.error) if entry.error else failed_earlier())
            return
        if kind == "reminder" and self.host_stopped:
            self._outcome(action, "failed", host_stopped(self.host_stopped))
            return
        dunning.refresh_pending(action.idempotency_key, payload)
        if outbox.claim(action.idempotency_key) is None:
            self._outcome(action, "unknown", claimed_elsewhere())
            return
        try:
            response = self._deliver(kind, action, letter, extras)
        except Exception as exc:  # noqa: BLE001 - classified below, recorded in the outbox
            self._delivery_failed(outbox, kind, action, payload, exc)
            return
        _kill_point("after_send")
        outbox.mark_sent(action.idempotency_key, response)
        _kill_point("after_mark_sent")
        dunning.record_step(self.admin_key, step)
        self.result.warnings.extend(for_contact(action.contact.name, problem) for problem in missing)
        self._outcome(action, "sent", "; ".join([response, *map(str, missing)]), step.documents)
        _kill_point("before_note")
        if note is not None:
            self._note(action, note, letter)
        if action.email_copy and letter is not None:
            self._email_copy(action, letter)

    def _invoice_pdfs(self, action: DunningAction,
                      letter: RenderedLetter | None) -> tuple[list[tuple[str, bytes]], list[PlanWarning]]:
        """The package's invoice PDFs to attach, and what could not be attached (never a reason not to send)."""
        if self.adapter is None or not self.settings.attach_invoice_pdfs:
            return [], []
        word = labels_for(action.language)["invoice"].lower()
        size = len(letter.pdf or b"") if letter else 0
        attached: list[tuple[str, bytes]] = []
        missing: list[PlanWarning] = []
        for item in action.invoices:
            number = item.invoice.number
            try:
                data = self.adapter.invoice_pdf(item.invoice.host_id)
            except NotFound as exc:  # the package has no PDF of it (e.g. booked without its invoicing)
                missing.append(invoice_pdf_unavailable(number, str(exc)))
                continue
            except Exception as exc:  # noqa: BLE001 - a missing invoice PDF must not stop the reminder
                missing.append(invoice_pdf_failed(number, str(exc)))
                continue
            if data is None:
                continue
            if not data.startswith(b"%PDF"):
                missing.append(invoice_pdf_not_pdf(number))
            elif size + len(data) > MAX_ATTACHMENT_BYTES:
                missing.append(invoice_pdf_too_large(number, MAX_ATTACHMENT_BYTES // (1024 * 1024)))
            else:
                size += len(data)
                attached.append((f"{word}-{slug(number)}.pdf", data))
        return attached, missing

    def _email_copy(self, action: DunningAction, letter: RenderedLetter) -> None:
        """E-mail a posted letter as a marked copy (own outbox key); a failure is only reported."""
        assert self.store is not None
        if self.mailer is None:
            self.result.warnings.append(for_contact(action.contact.name, email_copy_no_mailer(action.level_name)))
            return
        outbox, key = Outbox(self.store), copy_key(action.idempotency_key)
        payload = {"contact_id": action.contact_id, "invoice_ids": list(action.invoice_ids),
                   "message_id": message_id_for(key), "recipients": list(action.recipients),
                   "copy_of": action.idempotency_key}
        entry = outbox.enqueue(self.admin_key, "dunning_email", key, payload)
        if entry.status != PENDING or outbox.claim(key) is None:
            return
        try:
            copy = replace(self.renderer.render(action, self.settings, self.today, copy=True), pdf=letter.pdf)
            extras, _ = self._invoice_pdfs(action, letter)
            message = build_email(copy, sender=self._sender(), sender_name=self.settings.creditor.name,
                                  recipients=action.recipients, reply_to=self.settings.creditor.email,
                                  idempotency_key=key, sent_at=self.store.now(), attachments=extras)
            outbox.mark_sent(key, self.mailer.send(message))
        except Exception as exc:  # noqa: BLE001 - the letter itself is recorded; a missing copy is only reported
            outbox.mark_failed(key, f"{type(exc).__name__}: {exc}", retry=False)
            self.result.warnings.append(for_contact(action.contact.name,
                                                    email_copy_failed(action.level_name, str(exc))))

    def _sender(self) -> str:
        return self.sender or self.settings.creditor.email or "debiteuren@example.nl"

    def _deliver(self, kind: str, action: DunningAction, letter: RenderedLetter | None,
                 attachments: Sequence[tuple[str, bytes]] = ()) -> str:
        if kind == "reminder":
            assert self.adapter is not None and letter is not None
            push = ReminderPush(contact_id=action.contact_id, invoice_ids=action.invoice_ids,
                                level=action.level_name, text=letter.text,
                                email=action.recipients[0] if action.recipients else "",
                                expected_reminder_counts=dict(action.expected_reminder_counts))
            receipt = self.adapter.push_reminder(push, action.idempotency_key)
            return receipt.detail or "reminder sent by the package"
        if kind == "dunning_email":
            if self.mailer is None:
                raise RuntimeError("no mailer configured for e-mails the connector sends itself")
            assert letter is not None and self.store is not None
            creditor = self.settings.creditor
            message = build_email(letter, sender=self._sender(), sender_name=creditor.name,
                                  recipients=action.recipients, reply_to=creditor.email,
                                  idempotency_key=action.idempotency_key, sent_at=self.store.now(),
                                  attachments=attachments)
            return self.mailer.send(message)
        if kind == "dunning_letter":
            return (f"PDF letter ready for the post; dispatch recorded as {self.today.isoformat()} "
                    "(`connector letters posted` records the real day)")
        if kind == "dunning_call":
            return "on the call list"
        return "incasso dossier written"

    def _delivery_failed(self, outbox: Outbox, kind: str, action: DunningAction, payload: dict[str, Any],
                         exc: Exception) -> None:
        key, message = action.idempotency_key, f"{type(exc).__name__}: {exc}"
        if isinstance(exc, ReconsentRequired):
            self.result.reconsent = exc
        if isinstance(exc, (QuotaExhausted, AuthenticationFailed)):
            self.host_stopped = message
            outbox.mark_failed(key, message, retry=True)
            status = "failed"
        elif isinstance(exc, (HostUnavailable, socket.timeout, TimeoutError, smtplib.SMTPServerDisconnected)):
            applied = None
            if kind == "reminder" and self.adapter is not None and isinstance(exc, HostUnavailable):
                try:
                    applied = self.adapter.was_applied(kind, payload, key)
                except HostError:
                    applied = None
            if applied is False:
                outbox.mark_failed(key, message, retry=True)
                status = "failed"
            else:
                outbox.mark_unknown(key, message)
                status = "unknown"
        elif isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, ValueError,
                              NotImplementedError, ApiError)):  # the host said no: retrying will not help
            outbox.mark_failed(key, message, retry=False)
            status = "failed"
        else:
            outbox.mark_failed(key, message, retry=True)
            status = "failed"
        self._outcome(action, status, as_written(message))

    def _note_intent(self, action: DunningAction, step: DunningStep,
                     letter: RenderedLetter | None) -> dict[str, Any] | None:
        """The note that will record the step in the host, as its outbox entry will keep it; None when
        this host keeps no notes of it."""
        if (action.via == Via.HOST or self.adapter is None or not self.settings.host_note
                or not self.capabilities.records_notes):
            return None
        return _note_payload(step, action.invoice_numbers, action.total_due, pdf=bool(letter and letter.pdf))

    def _note(self, action: DunningAction, payload: dict[str, Any], letter: RenderedLetter | None) -> None:
        """Write the note of a step just sent and recorded, through its own outbox entry (the letter's PDF
        from memory)."""
        assert self.store is not None and self.adapter is not None
        outbox, key = Outbox(self.store), note_key(action.idempotency_key)
        entry = outbox.enqueue(self.admin_key, "note", key, payload)
        if entry.status != PENDING or outbox.claim(key) is None:
            return
        pdf = (letter.pdf or b"") if letter else b""
        note = NoteRecord(contact_id=action.contact_id, text=str(payload["text"]), invoice_ids=action.invoice_ids,
                          attachment_name=str(payload.get("attachment_name", "")), attachment=pdf,
                          todo=bool(payload.get("todo")))
        error = _write_note(outbox, self.adapter, key, note)
        if error is None:
            self.result.notes_recorded += 1
        else:
            self.result.warnings.append(note_not_recorded(action.contact.name, str(error)))

    def _record_host_reminders(self) -> None:
        assert self.store is not None
        dunning = DunningStore(self.store)
        for seen in self.plan.host_reminders_seen:
            step = DunningStep(
                key=seen.key, contact_id=seen.contact_id, level_name=seen.level_name, level_index=seen.level_index,
                level_kind=seen.level_kind, channel="host", via=Via.HOST_OWN, sent_on=self.today,
                invoice_ids=(seen.invoice_id,), host_reminders=seen.count,
                detail="reminder sent by the package itself, noticed by the connector",
            )
            if dunning.record_step(self.admin_key, step):
                self.result.host_reminders_recorded += 1

    # -- files ----------------------------------------------------------------------------------

    def _dossier(self, action: DunningAction, folder: Path) -> list[Path]:
        steps: list[DunningStep] = []
        holds = []
        if self.store is not None:
            dunning = DunningStore(self.store)
            steps, holds = dunning.history(self.admin_key), dunning.holds(self.admin_key, include_released=True)
        invoices = [item.invoice for item in action.invoices] + [
            _statement_invoice(line, action) for line in action.statement if not line.in_letter]
        target = folder / "dossier"
        paths = export_dossier(target, admin_key=self.admin_key, contact=action.contact, invoices=invoices,
                               steps=steps, holds=holds, settings=self.settings, today=self.today)
        self.result.dossiers.append(target)
        return paths

    def _call_item(self, action: DunningAction) -> CallItem:
        item = _call_item(action)
        if self.store is None:
            return item
        dunning = DunningStore(self.store)
        last = last_contact(dunning.steps(self.admin_key, contact_id=action.contact_id),
                            dunning.holds(self.admin_key, include_released=True, contact_id=action.contact_id),
                            contact_id=action.contact_id, today=self.today, exclude_key=action.idempotency_key)
        if last is None:
            return item
        return replace(item, last_contact_on=last.on.isoformat(), last_contact_kind=last.kind,
                       last_contact_what=last.what)

    def _write_call_list(self) -> None:
        if not self.result.call_list:
            return
        kind = "preview" if self.dry_run else "dunning"
        path = self.output_dir / self.admin_key / kind / f"call-list-{self.today.isoformat()}.csv"
        write_call_list(path, [vars_of(item) for item in self.result.call_list])
        self.result.call_list_file = path
        self.result.documents.append(path)

    def _outcome(self, action: DunningAction, status: str, detail: str | PlanWarning,
                 documents: Sequence[Path | str] = ()) -> None:
        reason = detail if isinstance(detail, PlanWarning) else None
        outcome = StepOutcome(key=action.idempotency_key, contact_id=action.contact_id,
                              contact_name=action.contact.name,
                              level_name=action.level_name, via=action.via, invoice_numbers=action.invoice_numbers,
                              status=status, detail=str(detail), documents=tuple(str(d) for d in documents),
                              reason=reason)
        target = {"sent": self.result.sent, "failed": self.result.failed, "unknown": self.result.unknown,
                  "already_sent": self.result.already_sent, "preview": self.result.previews}[status]
        target.append(outcome)


def _kill_point(point: str) -> None:
    """The crash tests' hook (`KILL_ENV`): die here, like a kill -9, nothing after it runs."""
    if os.environ.get(KILL_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def vars_of(item: CallItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in CallItem.__dataclass_fields__}


def _statement_invoice(line: Any, action: DunningAction) -> Invoice:
    return Invoice(host_id=line.invoice_id, number=line.number, contact_id=action.contact_id,
                   invoice_date=line.invoice_date, due_date=line.due_date, currency="EUR",
                   total=line.open_amount, open_amount=line.open_amount, payment_url=line.payment_url)


def _step(action: DunningAction, today: date, wik_valid: bool, documents: Sequence[Path]) -> DunningStep:
    """The history record; a letter by post counts as dispatched today until `connector letters posted`
    records the real day (its term and cost date then move with it)."""
    return DunningStep(
        key=action.idempotency_key, contact_id=action.contact_id, level_name=action.level_name,
        level_index=action.level_index, level_kind=action.level_kind, channel=action.channel, via=action.via,
        sent_on=today, invoice_ids=action.invoice_ids, term_end=action.new_term_date, costs=action.costs,
        announced_costs=action.announced_costs, interest=action.interest, principal=action.principal,
        costs_from=action.costs_from if wik_valid else None, wik_valid=wik_valid,
        host_reminders=1 if action.via == Via.HOST else 0, documents=tuple(str(p) for p in documents),
        detail="; ".join(action.notes), letter_date=today if action.by_post else None,
        invoice_principals=tuple(item.principal for item in action.invoices),
        invoice_interest=tuple(item.interest for item in action.invoices),
    )


def _payload(action: DunningAction, step: DunningStep) -> dict[str, Any]:
    return {
        "step": encode(step), "contact_id": action.contact_id, "invoice_ids": list(action.invoice_ids),
        "expected_reminder_counts": dict(action.expected_reminder_counts),
        "message_id": message_id_for(action.idempotency_key), "recipients": list(action.recipients),
        "total_due": str(action.total_due),
    }


def _payload_step(payload: Mapping[str, Any]) -> DunningStep | None:
    data = payload.get("step")
    return decode(DunningStep, data) if isinstance(data, dict) else None


def _call_item(action: DunningAction) -> CallItem:
    oldest = min(i.invoice.due_date for i in action.invoices)
    return CallItem(
        key=action.idempotency_key, contact_name=action.contact.name, phone=action.contact.phone,
        emails=", ".join(action.recipients), invoices=", ".join(action.invoice_numbers),
        amount=f"{action.total_due:.2f}", oldest_due=oldest.isoformat(),
        days_overdue=max(i.days_overdue for i in action.invoices), notes="; ".join(action.notes),
    )

