"""Warnings and notes of dunning as data (a code and its values), worded in the reader's language.

Why data: the planner and the run do not know who reads what they report — the accountant's
Dutch summary, the English CLI, a JSON export. Each reader picks the language with `text()`.
Four kinds share the mechanism: warnings of a plan (a broken promise), notes on an action
(shown on the bellijst), warnings of a run (an invoice PDF not attached, a note the package
refused) and why a step was not sent. A value may itself be a PlanWarning (the reason inside
"<level> to <contact>: failed — <reason>"), worded in the same language; text from outside (a
host's error) is a plain value, passed through as it was written. The notes of `connector.legal`
(a remark on the costs, a problem of a 14-dagenbrief) carry a code and values of their own, kept
free of this module: `legal_note` gives them their wording here, the English one exactly as the
legal core writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

__all__ = [
    "LegalNote", "PlanWarning", "all_of", "arrangement_broken", "as_written", "claimed_elsewhere",
    "costs_capped", "email_copy_failed", "email_copy_no_mailer", "failed_earlier", "for_contact",
    "fourteen_day_by_post", "host_stopped", "interrupted_earlier", "invoice_pdf_failed",
    "invoice_pdf_not_pdf", "invoice_pdf_too_large", "invoice_pdf_unavailable", "legal_note",
    "no_costs_without_wik", "no_costs_yet", "no_creditor_iban", "no_email_post", "no_interest_without_wik",
    "no_phone", "note_not_recorded", "part_payment_settled", "promise_broken", "rate_unconfirmed",
    "step_problem", "vat_undeclared", "wik_letter_invalid",
]

_PLAN: dict[str, dict[str, str]] = {
    "no_creditor_iban": {
        "en": "no creditor IBAN in dunning.creditor: letters carry no bank details and no QR code",
        "nl": "geen IBAN van de schuldeiser in dunning.creditor: de brieven hebben geen bankgegevens en "
              "geen QR-code",
    },
    "promise_broken": {
        "en": "promise to pay by {until} broken{hold}: {invoices} still open; dunning resumes",
        "nl": "betaalbelofte voor {until} niet nagekomen{hold}: {invoices} nog open; het aanmanen gaat verder",
    },
    "arrangement_broken": {
        "en": "betalingsregeling broken{hold}: instalment of {amount} due {due_date} not paid "
              "(paid {paid} of {due_so_far} due); dunning resumes",
        "nl": "betalingsregeling niet nagekomen{hold}: termijn van {amount} van {due_date} niet betaald "
              "(betaald {paid} van {due_so_far}); het aanmanen gaat verder",
    },
}

#: Notes on an action: why it goes this way, what it does not claim (the preview and the bellijst show them).
_NOTES: dict[str, dict[str, str]] = {
    "no_email_post": {
        "en": "no e-mail address known: PDF letter for the post",
        "nl": "geen e-mailadres bekend: pdf-brief voor de post",
    },
    "fourteen_day_by_post": {
        "en": "14-dagenbrief by post (legal.email_counts_as_written is off): its term runs from the postal "
              "delivery; record the day it is posted with `connector letters posted`",
        "nl": "14-dagenbrief per post (legal.email_counts_as_written staat uit): de termijn loopt vanaf de "
              "bezorging; leg de dag van verzending vast met `connector letters posted`",
    },
    "fourteen_day_by_post_with_copy": {
        "en": "14-dagenbrief by post with a copy by e-mail (legal.email_counts_as_written is off): its term "
              "runs from the postal delivery; record the day it is posted with `connector letters posted`",
        "nl": "14-dagenbrief per post, met een kopie per e-mail (legal.email_counts_as_written staat uit): de "
              "termijn loopt vanaf de bezorging; leg de dag van verzending vast met `connector letters posted`",
    },
    "no_phone": {"en": "no phone number known", "nl": "geen telefoonnummer bekend"},
    "no_costs_without_wik": {
        "en": "no collection costs on invoice {number}: no valid 14-dagenbrief was sent",
        "nl": "geen incassokosten op factuur {number}: er is geen geldige 14-dagenbrief verstuurd",
    },
    "no_costs_yet": {
        "en": "no collection costs on invoice {number} yet: the 14-day term of {sent_on} runs until {until}",
        "nl": "nog geen incassokosten op factuur {number}: de termijn van de 14-dagenbrief van {sent_on} loopt "
              "tot en met {until}",
    },
    "costs_capped": {
        "en": "collection costs capped at the € {announced} the 14-dagenbrief announced (staffel now € {staffel})",
        "nl": "incassokosten beperkt tot de € {announced} die de 14-dagenbrief aankondigde (staffel nu € {staffel})",
    },
    "no_interest_without_wik": {
        "en": "no interest on invoice {number}: no 14-dagenbrief put the debtor in verzuim",
        "nl": "geen rente op factuur {number}: geen 14-dagenbrief heeft de schuldenaar in verzuim gebracht",
    },
    "rate_unconfirmed_charged": {
        "en": "{interest_kind} rate from {effective_from} unconfirmed ({rate}); charged all the same "
              "(legal.confirmed_rates_only is off)",
        "nl": "{interest_kind} vanaf {effective_from} niet bevestigd ({rate}); toch berekend "
              "(legal.confirmed_rates_only staat uit)",
    },
    "rate_unconfirmed_replaced": {
        "en": "{interest_kind} rate from {effective_from} unconfirmed ({rate}); charged at the last confirmed "
              "{confirmed}",
        "nl": "{interest_kind} vanaf {effective_from} niet bevestigd ({rate}); berekend tegen de laatst "
              "bevestigde {confirmed}",
    },
    "part_payment_settled": {
        "en": "art. 6:44 BW: € {payment} paid on invoice {number} since the {level} of {sent_on} goes to costs "
              "€ {to_costs}, interest € {to_interest}, principal € {to_principal} (payment date taken as the "
              "letter's date)",
        "nl": "art. 6:44 BW: de € {payment} die sinds de {level} van {sent_on} op factuur {number} is betaald, "
              "gaat naar kosten € {to_costs}, rente € {to_interest}, hoofdsom € {to_principal} (als betaaldatum "
              "geldt de datum van de brief)",
    },
}

#: Warnings of a run: the step went out, something around it did not.
_RUN: dict[str, dict[str, str]] = {
    "for_contact": {"en": "{contact}: {problem}", "nl": "{contact}: {problem}"},
    "invoice_pdf_unavailable": {
        "en": "invoice PDF of {number} not attached: {error}",
        "nl": "pdf van factuur {number} niet meegestuurd: het pakket heeft geen pdf van deze factuur",
    },
    "invoice_pdf_failed": {
        "en": "invoice PDF of {number} not attached: {error}",
        "nl": "pdf van factuur {number} niet meegestuurd: {error}",
    },
    "invoice_pdf_not_pdf": {
        "en": "invoice PDF of {number} not attached: the package did not return a PDF",
        "nl": "pdf van factuur {number} niet meegestuurd: het pakket gaf geen pdf terug",
    },
    "invoice_pdf_too_large": {
        "en": "invoice PDF of {number} not attached: the e-mail would exceed {megabytes} MB",
        "nl": "pdf van factuur {number} niet meegestuurd: de e-mail zou groter worden dan {megabytes} MB",
    },
    "email_copy_no_mailer": {
        "en": "no mailer configured, the e-mail copy of the {level} was not sent",
        "nl": "de kopie per e-mail van de {level} is niet verstuurd: er is geen mailserver ingesteld",
    },
    "email_copy_failed": {
        "en": "the e-mail copy of the {level} was not sent: {error}",
        "nl": "de kopie per e-mail van de {level} is niet verstuurd: {error}",
    },
    "note_not_recorded": {
        "en": "note for {contact} not recorded in the package: {error}",
        "nl": "notitie voor {contact} niet vastgelegd in het pakket: {error}",
    },
}

#: Why a step was not sent (or may not have been), and the line the summary shows for it.
_STEPS: dict[str, dict[str, str]] = {
    "step_failed": {
        "en": "{level} to {contact} ({invoices}): failed — {reason}",
        "nl": "{level} aan {contact} ({invoices}): mislukt — {reason}",
    },
    "step_unknown": {
        "en": "{level} to {contact} ({invoices}): outcome unknown — {reason}",
        "nl": "{level} aan {contact} ({invoices}): niet bekend of het is verstuurd — {reason}",
    },
    "vat_undeclared": {
        "en": "not sent: the costs include BTW, but the letter does not declare that the creditor cannot "
              "deduct it and raised the costs by it (BIK art. 2 lid 3)",
        "nl": "niet verstuurd: de kosten zijn inclusief btw, maar de brief vermeldt niet dat de schuldeiser de "
              "btw niet kan verrekenen en de kosten daarom heeft verhoogd (BIK art. 2 lid 3)",
    },
    "wik_letter_invalid": {
        "en": "14-dagenbrief not sent: {problems}",
        "nl": "14-dagenbrief niet verstuurd: {problems}",
    },
    "interrupted_earlier": {
        "en": "interrupted earlier; check the package or mailbox",
        "nl": "eerder onderbroken; kijk in het pakket of de mailbox of het is verstuurd",
    },
    "failed_earlier": {
        "en": "failed before; resolve it in the outbox",
        "nl": "eerder mislukt; los het op in de outbox",
    },
    "host_stopped": {"en": "not tried: {error}", "nl": "niet geprobeerd: {error}"},
    "claimed_elsewhere": {
        "en": "another run claimed this step",
        "nl": "een andere run heeft deze stap al opgepakt",
    },
    "as_written": {"en": "{text}", "nl": "{text}"},
}

#: The notes of `connector.legal`, under "legal_" + their own code; the English is the legal core's own
#: wording, letter for letter (the CLI, the dossier and a step's detail show it).
_LEGAL: dict[str, dict[str, str]] = {
    # connector.legal.costs: remarks on the collection costs
    "legal_nothing_owed": {
        "en": "no principal outstanding, so no collection costs",
        "nl": "geen hoofdsom open, dus geen incassokosten",
    },
    "legal_contract_terms_ignored": {
        "en": "contract cost terms ignored: the staffel is mandatory for consumers",
        "nl": "de kostenafspraak in het contract is genegeerd: bij consumenten is de staffel dwingend",
    },
    "legal_contract_above_staffel": {
        "en": "agreed costs {fee} exceed the staffel {staffel}; a court may moderate them to the staffel "
              "(HR 10-7-2015, ECLI:NL:HR:2015:1868)",
        "nl": "de afgesproken kosten van € {fee} zijn hoger dan de staffel (€ {staffel}); de rechter kan ze "
              "matigen tot de staffel (HR 10-7-2015, ECLI:NL:HR:2015:1868)",
    },
    "legal_cumulation_capped": {
        "en": "Wki cumulatieregeling (UNCONFIRMED): capped at {cap} per {months} months, {charged} already charged",
        "nl": "Wki-cumulatieregeling (NIET BEVESTIGD): beperkt tot € {cap} per {months} maanden, € {charged} al "
              "in rekening gebracht",
    },
    # connector.legal.letters: problems of a 14-dagenbrief
    "legal_not_consumer": {
        "en": "the veertiendagenbrief is only required for consumers; for a business the € 40 minimum is due "
              "without aanmaning",
        "nl": "de veertiendagenbrief is alleen verplicht bij consumenten; een bedrijf is het minimum van € 40 "
              "verschuldigd zonder aanmaning",
    },
    "legal_sent_before_default": {
        "en": "sent on {send_date}, but the debtor is only in verzuim from {default_from} (due date {due_date})",
        "nl": "verstuurd op {send_date}, maar de schuldenaar is pas in verzuim vanaf {default_from} "
              "(vervaldatum {due_date})",
    },
    "legal_term_wording_wrong": {
        "en": "term counted from the letter instead of receipt: {wording!r} (HR 25-11-2016: invalid, later "
              "letters cannot repair it)",
        "nl": "de termijn telt vanaf de brief in plaats van vanaf de ontvangst: {wording!r} (HR 25-11-2016: "
              "ongeldig, een latere brief kan dat niet herstellen)",
    },
    "legal_term_wording_missing": {
        "en": "the letter must give the term as {wording!r}",
        "nl": "de brief moet de termijn noemen als {wording!r}",
    },
    "legal_cost_amount_missing": {
        "en": "the letter must state the exact collection costs (€ {expected})",
        "nl": "de brief moet de precieze incassokosten noemen (€ {expected})",
    },
    "legal_cost_amount_wrong": {
        "en": "announced costs € {announced} differ from the staffel € {expected}",
        "nl": "de aangekondigde kosten van € {announced} wijken af van de staffel (€ {expected})",
    },
    "legal_principal_missing": {
        "en": "the outstanding amount € {principal} is not in the letter",
        "nl": "het openstaande bedrag van € {principal} staat niet in de brief",
    },
    "legal_vat_declaration_missing": {
        "en": "BTW uplift needs the creditor's declaration that it cannot deduct VAT (BIK art. 2 lid 3)",
        "nl": "btw op de kosten is alleen verschuldigd met de verklaring van de schuldeiser dat hij de btw niet "
              "kan verrekenen (BIK art. 2 lid 3)",
    },
    "legal_deadline_too_early": {
        "en": "stated deadline {deadline} is before the end of the term {term_end} (delivery assumed {delivered})",
        "nl": "de genoemde uiterste betaaldag {deadline} valt vóór het einde van de termijn op {term_end} "
              "(bezorging aangenomen op {delivered})",
    },
    "legal_cost_free_payment_not_stated": {
        "en": "say that no collection costs are due when paid within the term",
        "nl": "vermeld dat er geen incassokosten verschuldigd zijn bij betaling binnen de termijn",
    },
}

#: Several warnings in one value ("; " between them), each worded in the reader's language.
_ALL_OF = "all_of"

_TEXTS: dict[str, dict[str, str]] = {**_PLAN, **_NOTES, **_RUN, **_STEPS, **_LEGAL}

#: Amounts of the plan's warnings: `€ 1.234,56` in both languages, as the letters print them.
_MONEY = ("amount", "paid", "due_so_far")
#: Amounts of the notes: as the CLI has always printed them in English (`1234.56`), Dutch in Dutch.
_AMOUNTS = ("payment", "to_costs", "to_interest", "to_principal", "announced", "staffel", "fee", "cap", "charged",
            "expected", "principal")
#: Values that are words: English as stored, the other languages from here.
_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "interest_kind": {"nl": {"commercial": "wettelijke handelsrente", "consumer": "wettelijke rente"}},
}


@dataclass(frozen=True, slots=True)
class PlanWarning:
    """`params` are (name, value) pairs of plain strings, or of a nested PlanWarning worded alongside,
    so a warning is hashable and JSON-safe."""

    code: str
    params: tuple[tuple[str, str | PlanWarning], ...] = ()

    def text(self, language: str = "en") -> str:
        if self.code == _ALL_OF:
            return "; ".join(v.text(language) if isinstance(v, PlanWarning) else v for _, v in self.params)
        wording = _TEXTS[self.code]
        return wording.get(language, wording["en"]).format(**_localised(dict(self.params), language))

    def __str__(self) -> str:
        return self.text("en")


def _localised(params: dict[str, str | PlanWarning], language: str) -> dict[str, str]:
    out = {name: value.text(language) if isinstance(value, PlanWarning) else value for name, value in params.items()}
    hold = out.get("hold", "")
    out["hold"] = f" (hold #{hold})" if hold else ""
    for name in _MONEY:
        if name in out:
            out[name] = _money(Decimal(out[name]))
    if language == "nl":
        for name in _AMOUNTS:
            if name in out:
                out[name] = _money(Decimal(out[name])).removeprefix("€ ")
    for name, words in _WORDS.items():
        if name in out:
            out[name] = words.get(language, {}).get(out[name], out[name])
    return out


def _money(amount: Decimal) -> str:
    """`€ 1.234,56`, as the letters print it."""
    return f"€ {amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _amount(amount: Decimal) -> str:
    return f"{amount:.2f}"


# -- the plan ------------------------------------------------------------------------------------

def no_creditor_iban() -> PlanWarning:
    return PlanWarning("no_creditor_iban")


def promise_broken(*, hold_id: int, until: str, invoices: str) -> PlanWarning:
    return PlanWarning("promise_broken", (("hold", str(hold_id or "")), ("until", until), ("invoices", invoices)))


def arrangement_broken(*, hold_id: int, amount: Decimal, due_date: str, paid: Decimal,
                       due_so_far: Decimal) -> PlanWarning:
    return PlanWarning("arrangement_broken", (
        ("hold", str(hold_id or "")), ("amount", str(amount)), ("due_date", due_date), ("paid", str(paid)),
        ("due_so_far", str(due_so_far))))


# -- notes on an action --------------------------------------------------------------------------

def no_email_post() -> PlanWarning:
    return PlanWarning("no_email_post")


def fourteen_day_by_post(*, with_copy: bool) -> PlanWarning:
    return PlanWarning("fourteen_day_by_post_with_copy" if with_copy else "fourteen_day_by_post")


def no_phone() -> PlanWarning:
    return PlanWarning("no_phone")


def no_costs_without_wik(number: str) -> PlanWarning:
    return PlanWarning("no_costs_without_wik", (("number", number),))


def no_costs_yet(number: str, *, sent_on: str, until: str) -> PlanWarning:
    return PlanWarning("no_costs_yet", (("number", number), ("sent_on", sent_on), ("until", until)))


def costs_capped(*, announced: Decimal, staffel: Decimal) -> PlanWarning:
    return PlanWarning("costs_capped", (("announced", _amount(announced)), ("staffel", _amount(staffel))))


def no_interest_without_wik(number: str) -> PlanWarning:
    return PlanWarning("no_interest_without_wik", (("number", number),))


def rate_unconfirmed(*, interest_kind: str, effective_from: str, rate: str, charged: bool,
                     confirmed: str = "") -> PlanWarning:
    """An UNCONFIRMED table rate: `charged` all the same, or replaced by the last `confirmed` one."""
    params = (("interest_kind", interest_kind), ("effective_from", effective_from), ("rate", rate))
    if charged:
        return PlanWarning("rate_unconfirmed_charged", params)
    return PlanWarning("rate_unconfirmed_replaced", (*params, ("confirmed", confirmed)))


def part_payment_settled(*, payment: Decimal, number: str, level: str, sent_on: str, to_costs: Decimal,
                         to_interest: Decimal, to_principal: Decimal) -> PlanWarning:
    return PlanWarning("part_payment_settled", (
        ("payment", _amount(payment)), ("number", number), ("level", level), ("sent_on", sent_on),
        ("to_costs", _amount(to_costs)), ("to_interest", _amount(to_interest)),
        ("to_principal", _amount(to_principal))))


def as_written(text: str) -> PlanWarning:
    """Text from elsewhere (a host's error), the same in every language."""
    return PlanWarning("as_written", (("text", text),))


class LegalNote(Protocol):
    """A note of `connector.legal` (`CostNote`, `LetterProblem`): its code, English message and values."""

    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def params(self) -> tuple[tuple[str, str], ...]: ...


def legal_note(note: LegalNote) -> PlanWarning:
    """A legal note worded in the reader's language; one whose code has no wording here yet is passed on
    as the legal core wrote it (English), never lost."""
    code = f"legal_{note.code}"
    if code not in _LEGAL:
        return as_written(note.message)
    return PlanWarning(code, tuple((name, str(value)) for name, value in note.params))


def all_of(warnings: Sequence[PlanWarning]) -> PlanWarning:
    """Several warnings as one value, each worded in the reader's language."""
    return PlanWarning(_ALL_OF, tuple((str(n), warning) for n, warning in enumerate(warnings, start=1)))


# -- warnings of a run ---------------------------------------------------------------------------

def for_contact(contact: str, problem: PlanWarning) -> PlanWarning:
    return PlanWarning("for_contact", (("contact", contact), ("problem", problem)))


def invoice_pdf_unavailable(number: str, error: str) -> PlanWarning:
    """The package has no PDF of this invoice (its own words in English; Dutch says it plainly)."""
    return PlanWarning("invoice_pdf_unavailable", (("number", number), ("error", error)))


def invoice_pdf_failed(number: str, error: str) -> PlanWarning:
    return PlanWarning("invoice_pdf_failed", (("number", number), ("error", error)))


def invoice_pdf_not_pdf(number: str) -> PlanWarning:
    return PlanWarning("invoice_pdf_not_pdf", (("number", number),))


def invoice_pdf_too_large(number: str, megabytes: int) -> PlanWarning:
    return PlanWarning("invoice_pdf_too_large", (("number", number), ("megabytes", str(megabytes))))


def email_copy_no_mailer(level: str) -> PlanWarning:
    return PlanWarning("email_copy_no_mailer", (("level", level),))


def email_copy_failed(level: str, error: str) -> PlanWarning:
    return PlanWarning("email_copy_failed", (("level", level), ("error", error)))


def note_not_recorded(contact: str, error: str) -> PlanWarning:
    return PlanWarning("note_not_recorded", (("contact", contact), ("error", error)))


# -- steps not sent ------------------------------------------------------------------------------

def step_problem(*, status: str, level: str, contact: str, invoices: str, reason: PlanWarning) -> PlanWarning:
    """The summary's line for a step that `status` "failed" or whose outcome is "unknown"."""
    code = "step_unknown" if status == "unknown" else "step_failed"
    return PlanWarning(code, (("level", level), ("contact", contact), ("invoices", invoices), ("reason", reason)))


def vat_undeclared() -> PlanWarning:
    return PlanWarning("vat_undeclared")


def wik_letter_invalid(problems: str | Sequence[PlanWarning]) -> PlanWarning:
    """A 14-dagenbrief the legal check stopped: its problems (see `legal_note`), or a text as written."""
    worded = problems if isinstance(problems, str) else all_of(problems)
    return PlanWarning("wik_letter_invalid", (("problems", worded),))


def interrupted_earlier() -> PlanWarning:
    return PlanWarning("interrupted_earlier")


def failed_earlier() -> PlanWarning:
    return PlanWarning("failed_earlier")


def host_stopped(error: str) -> PlanWarning:
    return PlanWarning("host_stopped", (("error", error),))


def claimed_elsewhere() -> PlanWarning:
    return PlanWarning("claimed_elsewhere")
