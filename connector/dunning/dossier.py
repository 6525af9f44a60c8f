"""The incasso hand-over dossier of one contact, as data (JSON document and CSV rows). Pure.

What a collection agency or bailiff asks for (research note §5): the debtor, each invoice with
its dates and open amount, interest to date, the collection costs that may be claimed, every
reminder and letter sent (with the 14-dagenbrief for consumers), and any dispute or
arrangement. Writing the files (and copying the PDFs sent) is done by the service layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from connector.dunning.claims import ClaimInput, claim_for, wik_steps_by_invoice
from connector.dunning.holds import Hold
from connector.dunning.model import DunningStep
from connector.dunning.policy import Channel, DunningSettings, Level, LevelKind
from connector.legal.rates import RateTable
from connector.money import ZERO
from connector.records import Contact, Invoice

__all__ = ["CSV_COLUMNS", "dossier_document", "dossier_rows"]

CSV_COLUMNS = (
    "debtor", "debtor_id", "debtor_kind", "invoice", "invoice_date", "due_date", "days_overdue", "total",
    "open_amount", "interest", "interest_from", "steps", "fourteen_day_letter", "fourteen_day_term_end",
)

_HANDOVER = Level(name="dossier", kind=LevelKind.HANDOVER, delay_days=0, channel=Channel.HANDOVER,
                  charge_costs=True, charge_interest=True)


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def dossier_document(*, admin_key: str, contact: Contact, invoices: Sequence[Invoice],
                     steps: Iterable[DunningStep], holds: Iterable[Hold], settings: DunningSettings,
                     today: date, rates: RateTable) -> dict[str, Any]:
    """The JSON-ready dossier of `contact` (open invoices only; credit notes reduce the claim)."""
    history = sorted((s for s in steps if s.contact_id == contact.host_id and s.status == "sent"),
                     key=lambda s: (s.sent_on, s.level_index))
    debtor_kind = settings.debtor_kind(contact.kind.value)
    positive = [inv for inv in invoices if inv.open_amount > 0]
    credit = sum((-inv.open_amount for inv in invoices if inv.open_amount < 0), ZERO)
    lines = []
    for inv in sorted(positive, key=lambda i: i.due_date):
        applied = min(credit, inv.open_amount)
        credit -= applied
        lines.append(ClaimInput(inv.host_id, inv.number, inv.open_amount - applied, inv.due_date))
    wik = wik_steps_by_invoice(history)
    claim = claim_for(_HANDOVER, debtor_kind, [line for line in lines if line.principal > 0], today=today,
                      settings=settings, wik_by_invoice=wik, rates=rates, history=history)
    by_id = {line.invoice_id: line for line in claim.lines}
    creditor = settings.creditor
    return {
        "administration": admin_key,
        "created_on": today.isoformat(),
        "creditor": creditor.model_dump(mode="json"),
        "debtor": {
            "id": contact.host_id, "name": contact.name, "kind": debtor_kind, "attention": contact.attention,
            "customer_number": contact.customer_number, "emails": list(contact.dunning_emails),
            "phone": contact.phone, "address": {"street": contact.address.street,
                                                "postcode": contact.address.postcode,
                                                "city": contact.address.city, "country": contact.address.country},
            "ibans": list(contact.ibans),
        },
        "invoices": [
            {
                "id": inv.host_id, "number": inv.number, "invoice_date": inv.invoice_date.isoformat(),
                "due_date": inv.due_date.isoformat(), "days_overdue": max((today - inv.due_date).days, 0),
                "total": _money(inv.total), "open_amount": _money(inv.open_amount),
                "claimed_principal": _money(by_id[inv.host_id].principal) if inv.host_id in by_id else "0.00",
                "interest": _money(by_id[inv.host_id].interest) if inv.host_id in by_id else "0.00",
                "payments_to_costs_and_interest": (_money(by_id[inv.host_id].reallocated)
                                                   if inv.host_id in by_id else "0.00"),
                "interest_from": (by_id[inv.host_id].interest_from.isoformat()
                                  if inv.host_id in by_id and by_id[inv.host_id].interest_from else None),
                "payment_reference": inv.payment_reference,
                "steps": [s.level_name for s in history if inv.host_id in s.invoice_ids],
            }
            for inv in sorted(invoices, key=lambda i: (i.due_date, i.number))
        ],
        "claim": {
            "principal": _money(sum((line.principal for line in claim.lines), ZERO)),
            "interest": _money(claim.interest),
            "interest_until": today.isoformat(),
            "collection_costs": _money(claim.costs),
            "collection_costs_basis": claim.costs_basis,
            "total": _money(sum((line.principal for line in claim.lines), ZERO) + claim.interest + claim.costs),
            "notes": list(claim.notes),
        },
        "steps": [
            {
                "date": s.sent_on.isoformat(), "letter_date": s.letter_date.isoformat() if s.letter_date else None,
                "level": s.level_name, "kind": s.level_kind, "via": s.via,
                "invoices": list(s.invoice_ids), "term_end": s.term_end.isoformat() if s.term_end else None,
                "costs": _money(s.costs), "announced_costs": _money(s.announced_costs),
                "interest": _money(s.interest), "fourteen_day_letter_valid": s.wik_valid,
                "documents": [d.rsplit("/", 1)[-1] for d in s.documents], "key": s.key, "notes": s.detail,
            }
            for s in history
        ],
        "holds": [
            {
                "id": h.id, "kind": h.kind.value, "invoices": list(h.invoice_ids), "since": h.created_on.isoformat(),
                "until": h.until.isoformat() if h.until else None, "reason": h.reason,
                "released_on": h.released_on.isoformat() if h.released_on else None,
                "instalments": [{"due_date": i.due_date.isoformat(), "amount": _money(i.amount)}
                                for i in h.instalments],
            }
            for h in holds if h.contact_id == contact.host_id
        ],
    }


def dossier_rows(document: dict[str, Any]) -> list[dict[str, str]]:
    """One CSV row per invoice of a dossier document."""
    debtor = document["debtor"]
    wik = [s for s in document["steps"] if s["fourteen_day_letter_valid"]]
    rows = []
    for inv in document["invoices"]:
        steps = [f"{s['level']} {s['date']}" for s in document["steps"] if inv["id"] in s["invoices"]]
        letter = next((s for s in wik if inv["id"] in s["invoices"]), None)
        rows.append({
            "debtor": debtor["name"], "debtor_id": debtor["id"], "debtor_kind": debtor["kind"],
            "invoice": inv["number"], "invoice_date": inv["invoice_date"], "due_date": inv["due_date"],
            "days_overdue": str(inv["days_overdue"]), "total": inv["total"], "open_amount": inv["open_amount"],
            "interest": inv["interest"], "interest_from": inv["interest_from"] or "",
            "steps": "; ".join(steps), "fourteen_day_letter": letter["date"] if letter else "",
            "fourteen_day_term_end": (letter["term_end"] or "") if letter else "",
        })
    return rows
