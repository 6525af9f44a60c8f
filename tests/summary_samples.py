"""A fixed, realistic summary for golden files, the e-mail tests and the bench (no clock, no store)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from connector.records import Invoice
from connector.summary import (
    AttentionItem,
    AutoMatch,
    CallListRow,
    FlaggedLine,
    HoldDue,
    SentLevel,
    Suggestion,
    Summary,
    build_summary,
)

TODAY = date(2026, 10, 14)


def invoice(n: int, contact: str, due_days_ago: int, amount: str, *, invoice_days_before_due: int = 30,
            total: str | None = None) -> Invoice:
    due = TODAY - timedelta(days=due_days_ago)
    return Invoice(host_id=f"i{n}", number=f"2026-{n:04d}", contact_id=contact,
                   invoice_date=due - timedelta(days=invoice_days_before_due), due_date=due, currency="EUR",
                   total=Decimal(total or amount), open_amount=Decimal(amount))


def bakery_invoices() -> list[Invoice]:
    return [
        invoice(1, "c1", -10, "1210.00"),
        invoice(2, "c2", -3, "96.80"),
        invoice(3, "c2", 12, "423.50"),
        invoice(4, "c3", 25, "2750.00", total="3025.00"),
        invoice(5, "c4", 45, "181.50"),
        invoice(6, "c4", 75, "605.00"),
        invoice(7, "c5", 130, "1452.00"),
        invoice(8, "c5", 20, "-121.00"),
    ]


def sample_summary(*, kind: str = "daily") -> Summary:
    bakery = build_summary(
        key="bakkerij-de-vries", name="Bakkerij De Vries B.V.", package="moneybird", today=TODAY,
        open_invoices=bakery_invoices(), sales_last_period=Decimal("18150.00"),
        previous_dso=Decimal("41.3"), previous_dso_date=date(2026, 10, 7),
        sent=[SentLevel(level="reminder_1", count=3, amount=Decimal("1270.50")),
              SentLevel(level="wik_14_days", count=1, amount=Decimal("605.00"))],
        auto_matches=[AutoMatch(date=date(2026, 10, 13), customer="Café <Het Hoekje>", invoice_number="2026-0102",
                                amount=Decimal("242.00"), booked=True, reason="betalingskenmerk"),
                      AutoMatch(date=date(2026, 10, 12), customer="Jansen & Zn.", invoice_number="2026-0099",
                                amount=Decimal("1089.00"), booked=False)],
        suggestions=[Suggestion(date=date(2026, 10, 13), customer="Hotel Zeezicht", invoice_numbers=("2026-0005",),
                                amount=Decimal("178.00"), confidence=0.72,
                                reason="The description holds invoice number 2026-0005, but the payment is "
                                       "EUR 3.50 short of the open amount EUR 181.50 (bank or payment-provider "
                                       "costs deducted?); EUR 3.50 would stay open unless written off.")],
        flagged_lines=[
            FlaggedLine(date=date(2026, 10, 13), counterparty="Stichting Mollie Payments",
                        amount=Decimal("1234.56"), kind="psp_payout",
                        reason="Payout from payment provider Mollie: it settles many sales in one amount, so "
                               "book it against the provider's clearing account, not against one invoice."),
            FlaggedLine(date=date(2026, 10, 12), counterparty="BELASTINGDIENST", amount=Decimal("311.00"),
                        kind="not_a_customer_payment",
                        reason="Looks like a tax refund or allowance (Belastingdienst): not a customer payment."),
            FlaggedLine(date=date(2026, 10, 13), counterparty="JANSEN EN ZN", amount=Decimal("1089.00"),
                        kind="overpayment", invoice_number="2026-0099",
                        reason="The description holds invoice number 2026-0099, but that invoice is already "
                               "paid: this looks like a double payment of EUR 1089.00 (refund it or agree to "
                               "settle it with a later invoice)."),
            FlaggedLine(date=date(2026, 10, 11), counterparty="BAKKER CATERING", amount=Decimal("18.50"),
                        kind="overpayment", invoice_number="2026-0060",
                        reason="Paid EUR 18.50 more than invoice 2026-0060 has open: refund it or keep it as a "
                               "credit for this customer."),
            FlaggedLine(date=date(2026, 10, 13), counterparty="V. DAM INSTALLATIE", amount=Decimal("423.50"),
                        kind="ambiguous", invoice_number="2026-0003",
                        reason="Several payments claim invoice 2026-0003; decide which one pays it (the other "
                               "may be a double payment)."),
        ],
        call_list=[CallListRow(customer="Van Dam Installatie", phone="+31 6 12345678", amount=Decimal("1331.00"),
                               days_overdue=130, last_contact=date(2026, 9, 30), last_contact_kind="step",
                               last_contact_what="tweede_herinnering", note="belt terug na vakantie"),
                   CallListRow(customer="Pietersen Groente", phone="", amount=Decimal("786.50"), days_overdue=75,
                               last_contact=date(2026, 10, 8), last_contact_kind="promise",
                               last_contact_what="toegezegd per telefoon"),
                   CallListRow(customer="Bakker Catering", phone="010 1234567", amount=Decimal("96.80"),
                               days_overdue=64)],
        holds_due=[HoldDue(kind="promise", customer="Pietersen Groente", amount=Decimal("300.00"),
                           due_date=date(2026, 10, 15), note="toegezegd per telefoon"),
                   HoldDue(kind="dispute", customer="Hotel Zeezicht", amount=Decimal("423.50"),
                           due_date=date(2026, 10, 14), note="levering onvolledig")],
        attention=[AttentionItem(kind="email_failed", message="herinnering aan boekhouding@zeezicht.example "
                                                              "kwam terug: 550 mailbox unavailable")],
    )
    garage = build_summary(
        key="garage-smit", name="Garage Smit", package="exact", today=TODAY,
        open_invoices=[invoice(20, "g1", 5, "350.00"), invoice(21, "g2", -20, "1500.00")],
        status="failed", error="Exact Online: the refresh token has expired; log in again",
        needs_attention=[("Garage Smit: opnieuw toestemming geven (re-consent): "
                          "Exact Online: the refresh token has expired; log in again")],
    )
    return Summary(today=TODAY, admins=(bakery, garage), kind=kind)  # type: ignore[arg-type]
