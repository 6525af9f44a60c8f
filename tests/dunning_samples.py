"""Sample debtors, invoices and histories shared by the dunning and letter tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from adapters.base import Capabilities
from connector.dunning import DunningSettings, DunningStep, plan_dunning
from connector.dunning.model import DunningAction, DunningPlan
from connector.records import Address, Contact, ContactKind, Invoice

TODAY = date(2026, 11, 23)  # a Monday
NO_HOST = Capabilities(records_notes=False)
MONEYBIRD = Capabilities(sends_reminders=True, books_payments=True, unbooked_bank_lines=True,
                         bank_counterparty=True, records_notes=True, payment_links=True,
                         host_reminder_workflow=True)

CREDITOR = {
    "name": "Bakkerij De Vries B.V.", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A",
    "street": "Dorpsstraat 1", "postcode": "1234 AB", "city": "Utrecht", "kvk": "12345678",
    "btw": "NL001234567B01", "email": "debiteuren@devries.example", "phone": "030-1234567",
}


def settings(**overrides: object) -> DunningSettings:
    data: dict[str, object] = {"creditor": CREDITOR}
    data.update(overrides)
    return DunningSettings.model_validate(data)


def company(host_id: str = "c1", **kw: object) -> Contact:
    base = {"host_id": host_id, "name": "Jansen ICT B.V.", "kind": ContactKind.COMPANY,
            "emails": ("boekhouding@jansen.example",), "phone": "06-12345678", "customer_number": "K0001",
            "attention": "afdeling crediteuren",
            "address": Address(street="Hoofdweg 2", postcode="3511 AA", city="Utrecht")}
    base.update(kw)
    return Contact(**base)  # type: ignore[arg-type]


def consumer(host_id: str = "p1", **kw: object) -> Contact:
    base = {"host_id": host_id, "name": "P. de Boer", "kind": ContactKind.CONSUMER,
            "emails": ("pdeboer@mail.example",),
            "address": Address(street="Kerkstraat 5", postcode="1017 GA", city="Amsterdam")}
    base.update(kw)
    return Contact(**base)  # type: ignore[arg-type]


def invoice(host_id: str, contact_id: str, amount: str, due: date, *, number: str | None = None,
            open_amount: str | None = None, currency: str = "EUR", **kw: object) -> Invoice:
    return Invoice(host_id=host_id, number=number or f"2026-{host_id}", contact_id=contact_id,
                   invoice_date=due - timedelta(days=30), due_date=due, currency=currency, total=Decimal(amount),
                   open_amount=Decimal(open_amount if open_amount is not None else amount), **kw)  # type: ignore[arg-type]


def step(level_name: str, level_index: int, sent_on: date, invoice_ids: tuple[str, ...], *, contact_id: str = "c1",
         kind: str = "reminder", term_days: int | None = 7, **kw: object) -> DunningStep:
    return DunningStep(key=f"k:{contact_id}:{level_name}:{'-'.join(invoice_ids)}", contact_id=contact_id,
                       level_name=level_name, level_index=level_index, level_kind=kind, channel="smtp_email",
                       via="smtp", sent_on=sent_on, invoice_ids=invoice_ids,
                       term_end=sent_on + timedelta(days=term_days) if term_days else None, **kw)  # type: ignore[arg-type]


def ladder(contact_id: str, invoice_ids: tuple[str, ...], levels: list[str], first: date, gap: int = 12) -> list[DunningStep]:
    """History where `levels` were sent `gap` days apart starting on `first`."""
    return [step(name, n, first + timedelta(days=gap * (n - 1)), invoice_ids, contact_id=contact_id)
            for n, name in enumerate(levels, start=1)]


def plan(invoices, contacts, history=(), holds=(), probable=None, cfg=None, today=TODAY,
         capabilities=NO_HOST) -> DunningPlan:  # type: ignore[no-untyped-def]
    return plan_dunning(invoices, contacts, list(history), list(holds), probable or {}, cfg or settings(), today,
                        capabilities, admin_key="bakkerij")


PREVIOUS = {
    "herinnering": [],
    "tweede_herinnering": ["herinnering"],
    "ingebrekestelling": ["herinnering", "tweede_herinnering", "bellijst"],
    "veertiendagenbrief": ["herinnering", "tweede_herinnering", "bellijst"],
    "incasso": ["herinnering", "tweede_herinnering", "bellijst", "ingebrekestelling"],
}


def sample_action(level: str, language: str = "nl", cfg: DunningSettings | None = None) -> DunningAction:
    """A realistic action at `level`: the company (two invoices and a credit note) for the B2B
    levels, the consumer (one invoice with a host payment link) for the 14-dagenbrief (by post
    under the default settings)."""
    if level == "veertiendagenbrief":
        debtor = consumer(language=language)
        invoices = [invoice("301", "p1", "300.00", date(2026, 10, 1), payment_url="https://pay.example/inv/301")]
        ids: tuple[str, ...] = ("301",)
    else:
        debtor = company(language=language)
        invoices = [invoice("101", "c1", "1210.00", date(2026, 9, 15)),
                    invoice("102", "c1", "242.00", date(2026, 10, 1)),
                    invoice("103", "c1", "-60.50", date(2026, 10, 20)),
                    invoice("104", "c1", "99.00", date(2026, 12, 10))]
        ids = ("101", "102")
    history = ladder(debtor.host_id, ids, PREVIOUS[level], date(2026, 10, 6))
    result = plan(invoices, [debtor], history, cfg=cfg)
    (action,) = [a for a in result.actions if a.level_name == level]
    return action


def with_language(action: DunningAction, language: str) -> DunningAction:
    return replace(action, language=language, contact=replace(action.contact, language=language))
