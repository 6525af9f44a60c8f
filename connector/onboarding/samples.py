"""A made-up letter and summary, to render the configured templates before a real run needs them.

`connector doctor` renders every letter of every level of both ladders, in both languages,
and the summary, with these samples: a broken template (a typo in `templates_dir`, an
unknown variable) shows up at set-up time instead of in the middle of a dunning run.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from connector.dunning.model import ActionInvoice, DunningAction, StatementLine
from connector.dunning.policy import Level, LevelKind
from connector.records import Address, Contact, ContactKind, Invoice
from connector.summary import Summary, build_summary


def sample_action(level: Level, *, index: int, count: int, debtor_kind: str, language: str, today: date,
                  admin_key: str = "sample") -> DunningAction:
    """A plausible action at `level` for one debtor with one overdue invoice of € 1.210,00."""
    due = today - timedelta(days=40)
    invoice = Invoice(host_id="sample-1", number="2026-0042", contact_id="sample-c", invoice_date=due - timedelta(days=30),
                      due_date=due, currency="EUR", total=Decimal("1210.00"), open_amount=Decimal("1210.00"),
                      payment_url="https://pay.example/2026-0042")
    contact = Contact(host_id="sample-c", name="Voorbeeld Klant B.V." if debtor_kind == "company" else "J. Voorbeeld",
                      kind=ContactKind.COMPANY if debtor_kind == "company" else ContactKind.CONSUMER,
                      emails=("klant@example.nl",), language=language, phone="030-1234567",
                      customer_number="K0042", address=Address(street="Dorpsstraat 1", postcode="1234 AB",
                                                               city="Utrecht"))
    costs = Decimal("181.50") if level.charge_costs else Decimal("0.00")
    interest = Decimal("12.34") if level.charge_interest else Decimal("0.00")
    fourteen_day = level.kind is LevelKind.FOURTEEN_DAY
    return DunningAction(
        admin_key=admin_key, contact=contact, debtor_kind=debtor_kind, level_name=level.name, level_index=index,
        level_count=count, level_kind=level.kind.value, channel=level.channel.value, via="smtp",
        template=level.template_name, language=language,
        invoices=(ActionInvoice(invoice=invoice, principal=invoice.open_amount, interest=interest,
                                interest_from=due + timedelta(days=1) if interest else None, days_overdue=40,
                                payment_url=invoice.payment_url),),
        statement=(StatementLine(invoice_id="sample-1", number="2026-0042", invoice_date=invoice.invoice_date,
                                 due_date=due, open_amount=invoice.open_amount, days_overdue=40, in_letter=True,
                                 payment_url=invoice.payment_url),),
        principal=invoice.open_amount, credit_applied=Decimal("0.00"), costs=costs,
        costs_basis="staffel" if costs else "", announced_costs=Decimal("181.50") if fourteen_day else Decimal("0.00"),
        interest=interest, new_term_date=today + timedelta(days=level.term_days),
        costs_from=today + timedelta(days=17) if fourteen_day else None, idempotency_key=f"sample:{level.name}",
        payment_reference="RF18539007547034", pay_link=invoice.payment_url, recipients=("klant@example.nl",),
    )


def sample_summary(today: date, *, package: str = "moneybird") -> Summary:
    """A one-administration summary with a few open invoices in different aging buckets."""
    invoices = [
        Invoice(host_id=f"s{n}", number=f"2026-{n:04d}", contact_id=f"c{n}", invoice_date=today - timedelta(days=d + 30),
                due_date=today - timedelta(days=d), currency="EUR", total=Decimal(amount),
                open_amount=Decimal(amount))
        for n, (d, amount) in enumerate([(-5, "121.00"), (12, "605.00"), (45, "1452.00"), (120, "96.80")], start=1)
    ]
    admin = build_summary(key="voorbeeld", name="Voorbeeld B.V.", package=package, today=today,
                          open_invoices=invoices, sales_last_period=Decimal("5000.00"))
    return Summary(today=today, admins=(admin,), kind="daily")
