"""Records of the dunning engine: what was sent (history), what to send (plan) and why not (skips).

Frozen dataclasses so the planner stays pure and a plan can be printed, stored as JSON
(connector.store.codec) or executed without anyone changing it on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from connector.dunning.plan_warnings import PlanWarning
from connector.money import ZERO
from connector.records import Contact, Invoice

__all__ = [
    "ActionInvoice",
    "DunningAction",
    "DunningPlan",
    "DunningStep",
    "HostReminderSeen",
    "Skip",
    "StatementLine",
    "Via",
]


class Via:
    """How a planned step is delivered once the channel is resolved against the host."""

    HOST = "host"  # adapter.push_reminder: the package sends it
    SMTP = "smtp"  # our own Mailer, PDF attached
    POST = "post"  # PDF left for printing
    CALL = "call"  # call list
    DOSSIER = "dossier"  # incasso hand-over
    HOST_OWN = "host-own"  # a reminder the package sent on its own, noticed by us (history only)


@dataclass(frozen=True, slots=True, kw_only=True)
class DunningStep:
    """One step in the history: a level sent (or seen sent) for a set of invoices of one contact.

    Attributes:
        key: the outbox idempotency key (unique).
        status: "sent", or "unknown" while an interrupted send awaits a person's check.
        sent_on: the day it left; for a letter by post the dispatch date (the run day until
            `connector letters posted` records the real one), from which its term is counted.
        letter_date: for a letter by post, the date printed on it (the run day).
        term_end: last day of the term the letter gave; the next level waits until after it.
        costs_from: for a valid 14-dagenbrief, the first day its announced costs may be charged.
        wik_valid: the letter passed the 14-dagenbrief checks (consumer costs depend on it).
        host_reminders: how far the step raised the host's own reminder counter per invoice
            (1 when pushed through the host, n for n reminders the host sent on its own).
        invoice_principals, invoice_interest: per invoice (in `invoice_ids` order) the principal
            and interest the letter claimed; art. 6:44 BW settles later part payments against them.
    """

    key: str
    contact_id: str
    level_name: str
    level_index: int
    level_kind: str
    channel: str
    via: str
    sent_on: date
    invoice_ids: tuple[str, ...]
    status: str = "sent"
    term_end: date | None = None
    costs: Decimal = ZERO
    announced_costs: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO
    costs_from: date | None = None
    wik_valid: bool = False
    host_reminders: int = 0
    documents: tuple[str, ...] = ()
    detail: str = ""
    letter_date: date | None = None
    invoice_principals: tuple[Decimal, ...] = ()
    invoice_interest: tuple[Decimal, ...] = ()

    def claimed(self, invoice_id: str) -> tuple[Decimal, Decimal] | None:
        """(principal, interest) this step claimed for `invoice_id`, None when not recorded."""
        if invoice_id not in self.invoice_ids:
            return None
        if len(self.invoice_principals) == len(self.invoice_ids):
            position = self.invoice_ids.index(invoice_id)
            interest = self.invoice_interest[position] if len(self.invoice_interest) == len(self.invoice_ids) \
                else ZERO
            return self.invoice_principals[position], interest
        if len(self.invoice_ids) == 1:  # recorded before the per-invoice amounts were kept
            return self.principal, self.interest
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementLine:
    """One open item on the rekeningoverzicht (all open items of the contact, not only this letter's)."""

    invoice_id: str
    number: str
    invoice_date: date
    due_date: date
    open_amount: Decimal
    days_overdue: int
    in_letter: bool
    is_credit_note: bool = False
    payment_url: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionInvoice:
    """An invoice claimed by an action: its principal after open credit notes, and its interest.

    `reallocated` is the part of payments made since an earlier letter that the package booked on
    the principal but art. 6:44 BW puts on that letter's costs and interest first: the principal
    claimed is the package's open amount (after credit notes) plus this.
    """

    invoice: Invoice
    principal: Decimal
    credit_applied: Decimal = ZERO
    reallocated: Decimal = ZERO
    interest: Decimal = ZERO
    interest_from: date | None = None
    days_overdue: int = 0
    payment_url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DunningAction:
    """Send level `level_name` to one contact for the invoices at that level.

    Attributes:
        debtor_kind: "company" or "consumer": the law applied.
        via: see `Via`; `channel` is the configured channel it was resolved from.
        costs: collection costs charged in this letter (0 for a consumer until a valid
            14-dagenbrief's term has passed).
        announced_costs: costs a 14-dagenbrief announces (charged only if unpaid after the term).
        new_term_date: the real (working-day) date by which to pay, printed in an e-mail; a letter
            by post prints `term_days` counted from its delivery instead (its dispatch is not known
            yet), and this is the end of that term if it is posted today.
        term_days: the length of the letter's term in days.
        costs_from: for a 14-dagenbrief, the first day the announced costs become chargeable.
        payment_reference: what to quote when paying (EPC QR remittance).
        pay_link: the one pay-now link for the whole letter, if there is one.
        email_copy: a letter by post that is also e-mailed to `recipients`, marked as a copy.
        remarks: things the accountant should know (the preview and the bellijst show them), as data
            worded in the reader's language; `notes` has them in English.
    """

    admin_key: str
    contact: Contact
    debtor_kind: str
    level_name: str
    level_index: int
    level_count: int
    level_kind: str
    channel: str
    via: str
    template: str
    language: str
    invoices: tuple[ActionInvoice, ...]
    statement: tuple[StatementLine, ...]
    principal: Decimal
    credit_applied: Decimal
    costs: Decimal
    costs_basis: str
    announced_costs: Decimal
    interest: Decimal
    new_term_date: date | None
    costs_from: date | None
    idempotency_key: str
    payment_reference: str
    pay_link: str
    recipients: tuple[str, ...]
    expected_reminder_counts: dict[str, int] = field(default_factory=dict)
    term_days: int = 0
    vat_uplift: bool = False
    attach_pdf: bool = True
    email_copy: bool = False
    remarks: tuple[PlanWarning, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """The remarks in English, as the CLI, the step history and the call-list CSV show them."""
        return tuple(remark.text("en") for remark in self.remarks)

    @property
    def contact_id(self) -> str:
        return self.contact.host_id

    @property
    def by_post(self) -> bool:
        """The letter goes by post: its term runs from delivery, so it prints no concrete end date."""
        return self.via == Via.POST

    @property
    def reallocated(self) -> Decimal:
        return sum((item.reallocated for item in self.invoices), ZERO)

    @property
    def invoice_ids(self) -> tuple[str, ...]:
        return tuple(item.invoice.host_id for item in self.invoices)

    @property
    def invoice_numbers(self) -> tuple[str, ...]:
        return tuple(item.invoice.number for item in self.invoices)

    @property
    def total_due(self) -> Decimal:
        """What the letter asks for now: principal plus costs and interest charged in it."""
        return self.principal + self.costs + self.interest


@dataclass(frozen=True, slots=True, kw_only=True)
class Skip:
    """An open invoice the run leaves alone, with the reason shown in the preview.

    `code` is machine-readable: not_due, waiting, last_level, disputed, arrangement, promise,
    paused, probable_payment, credit_covered, host_reminded, unknown_outcome, below_minimum,
    closed_day, currency, disabled, no_contact, payment_pending, not_sent.
    """

    invoice_id: str
    invoice_number: str
    contact_id: str
    contact_name: str
    code: str
    reason: str
    open_amount: Decimal = ZERO
    next_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HostReminderSeen:
    """The host sent reminders we did not push (e.g. Moneybird's own workflow): record them as a
    step so the ladder goes on from there instead of sending a second reminder."""

    key: str
    invoice_id: str
    contact_id: str
    level_name: str
    level_index: int
    level_kind: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DunningPlan:
    admin_key: str
    today: date
    actions: tuple[DunningAction, ...] = ()
    skipped: tuple[Skip, ...] = ()
    host_reminders_seen: tuple[HostReminderSeen, ...] = ()
    warnings: tuple[PlanWarning, ...] = ()

    def warning_texts(self, language: str = "en") -> tuple[str, ...]:
        return tuple(warning.text(language) for warning in self.warnings)

    def skips_for(self, invoice_id: str) -> tuple[Skip, ...]:
        return tuple(s for s in self.skipped if s.invoice_id == invoice_id)
