"""The variables a letter template sees, built from a planned action. Pure.

Templates get plain values (Decimal amounts, dates, strings) and format them with the
`money` / `longdate` / `shortdate` filters, so an accountant's template never needs Python.
Documented here because it is the contract for templates in `templates_dir`:

    lang, t (labels), today, level {name, kind, index, count}, debtor {...}, creditor {...},
    is_consumer, invoices [{number, invoice_date, due_date, days_overdue, principal,
    open_amount, credit_applied, reallocated, interest, interest_from, payment_url}],
    invoice_numbers (text), statement [{number, invoice_date, due_date, days_overdue,
    open_amount, in_letter, note, is_credit_note, payment_url}], statement_total, principal,
    credit_applied, reallocated, costs, announced_costs, interest, interest_label, total_due,
    new_term_date, costs_from, term_days, deadline, by_post, copy_notice, reference, pay_link,
    vat_uplift, vat_percent, vat_declaration (BIK art. 2 lid 3 wording, checked before sending), signatory

A letter by post does not know the day it will be posted, so `new_term_date` and `costs_from`
are None for it and `deadline` reads "binnen N dagen nadat deze brief bij u is bezorgd": a
printed date could be too early, which makes a 14-dagenbrief invalid (HR 25-11-2016).
`copy_notice` is set on the e-mailed copy of a posted letter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from connector.dunning.model import DunningAction
from connector.dunning.policy import DunningSettings
from connector.letters.formatting import format_long_date
from connector.letters.labels import labels_for
from connector.money import ZERO

__all__ = ["letter_context"]


def _join(words: list[str], language: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    conjunction = " en " if language == "nl" else " and "
    return ", ".join(words[:-1]) + conjunction + words[-1]


def _note(code: str, is_credit_note: bool, t: dict[str, str]) -> str:
    """The short remark printed beside an open item that is not part of this letter."""
    if code:
        return t.get(f"note_{code}", "")
    return t["note_credit_note"] if is_credit_note else ""


def _interest_label(consumer: bool, settings: DunningSettings, t: dict[str, str]) -> str:
    agreed = settings.contract_terms.interest_percent
    if consumer:
        return t["interest_consumer"]
    if agreed is not None:
        return t["interest_agreed"].format(percent=f"{agreed:f}".replace(".", ","))
    return t["interest_commercial"]


def _deadline(action: DunningAction, t: dict[str, str], language: str) -> str:
    """"uiterlijk 30 november 2026", or for a letter by post the term counted from delivery."""
    if action.by_post:
        return t["deadline_delivery"].format(days=action.term_days)
    if action.new_term_date is None:
        return ""
    return t["deadline_date"].format(date=format_long_date(action.new_term_date, language))


def letter_context(action: DunningAction, settings: DunningSettings, today: date, *,
                   copy: bool = False) -> dict[str, Any]:
    language = action.language
    t = labels_for(language)
    contact = action.contact
    creditor = settings.creditor
    debtor_name = contact.name
    invoices = [
        {
            "number": item.invoice.number, "invoice_date": item.invoice.invoice_date,
            "due_date": item.invoice.due_date, "days_overdue": item.days_overdue, "principal": item.principal,
            "open_amount": item.invoice.open_amount, "credit_applied": item.credit_applied,
            "reallocated": item.reallocated,
            "interest": item.interest, "interest_from": item.interest_from, "payment_url": item.payment_url,
        }
        for item in action.invoices
    ]
    statement = [
        {
            "number": line.number, "invoice_date": line.invoice_date, "due_date": line.due_date,
            "days_overdue": line.days_overdue, "open_amount": line.open_amount, "in_letter": line.in_letter,
            "is_credit_note": line.is_credit_note, "payment_url": line.payment_url,
            "note": _note(line.note, line.is_credit_note, t),
        }
        for line in action.statement
    ]
    consumer = action.debtor_kind != "company"
    return {
        "lang": language,
        "t": t,
        "today": today,
        "level": {"name": action.level_name, "kind": action.level_kind, "index": action.level_index,
                  "count": action.level_count},
        "debtor": {
            "name": debtor_name, "attention": contact.attention, "street": contact.address.street,
            "postcode": contact.address.postcode, "city": contact.address.city,
            "country": contact.address.country, "customer_number": contact.customer_number,
            "email": ", ".join(action.recipients),
        },
        "creditor": creditor.model_dump(),
        "signatory": creditor.signatory or creditor.name,
        "is_consumer": consumer,
        "invoices": invoices,
        "invoice_numbers": _join([i["number"] for i in invoices], language),
        "single": len(invoices) == 1,
        "statement": statement,
        "statement_total": sum((line.open_amount for line in action.statement), ZERO),
        "principal": action.principal,
        "credit_applied": action.credit_applied,
        "reallocated": action.reallocated,
        "costs": action.costs,
        "announced_costs": action.announced_costs,
        "interest": action.interest,
        "interest_label": _interest_label(consumer, settings, t),
        "total_due": action.total_due,
        "new_term_date": None if action.by_post else action.new_term_date,
        "costs_from": None if action.by_post else action.costs_from,
        "term_days": action.term_days,
        "deadline": _deadline(action, t, language),
        "by_post": action.by_post,
        "copy_notice": t["copy_notice"] if copy else "",
        "reference": action.payment_reference,
        "pay_link": action.pay_link,
        "vat_uplift": action.vat_uplift,
        "vat_percent": settings.legal.vat_percent,
        "vat_declaration": t["vat_declaration"].format(percent=settings.legal.vat_percent) if action.vat_uplift else "",
    }
