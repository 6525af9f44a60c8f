"""Which incoming bank payment pays which open invoice.

The rules, as an accountant would apply them (first fitting rule wins; "auto" means the
engine is certain and the match may be booked without a look; everything else is a
suggestion, at most five per payment, best first, with the reason in words):

Certain (auto)
 1. Payment reference: the description holds one of our payment references exactly
    (16-digit betalingskenmerk, RF creditor reference, the host's own reference; spaces,
    lower case and surrounding words do not matter) and the amount equals what is open.
 2. Invoice number: the full invoice number is in the description, in any spelling
    ("F2026-0041", "2026 41", "20260041", "fact.nr. 2026.0041"), once, typed with at least
    four digits, not labelled as something else ("klantnr", "order", a street), and the
    amount equals what is open. Not automatic when the money comes from another customer's
    account and that customer has an open invoice of exactly this amount (a mistyped
    number is likelier than a coincidence), nor when it came through a payment provider.
 3. Several invoices listed: every listed number or reference is found and together
    they are exactly the amount (credit notes listed alongside count negative).
 4. Part payment / instalment: a reference, or the invoice number paid from the
    customer's own account (or under the customer's name), with less than is open and
    not a near-miss of the full amount (see 8): the part is booked, the rest stays open.
 5. Known account: the payer's IBAN belongs to exactly one customer, and exactly one of
    that customer's open invoices is for exactly this amount, no combination of their
    other invoices also makes the amount, and the description points nowhere else.
 6. Everything a known account's customer has open: the amount is exactly the sum of all
    their open invoices ("rekeningoverzicht", "alle facturen"), and no other combination fits.

Suggestions (a person decides)
 7. Several of a customer's invoices fit (the same monthly fee twice, or different
    combinations add up): oldest first.
 8. Short payments: a reference or number with a payment a little short of the open
    amount: a deducted payment discount (1-5%), bank or payment-provider costs (at most
    EUR 25 and 5%) or rounding; the remainder is named and stays open.
 9. Typing errors: a reference or number that matches nothing but is one digit off or has
    two digits swapped from one of ours (a reference that passes its check digit is
    someone else's and is not varied); shown only when amount or customer fits.
10. Short or partial numbers ("factuur 5", "41" for 2026-0041), which often fit several
    invoices.
11. Name: the bank's name resembles a customer's ("JANSEN ICT B.V." ~ "Jansen ICT",
    "MW L. van Dijk" ~ "Lotte van Dijk"; legal forms, titles, initials and word order
    ignored) who has an open invoice of exactly this amount.
12. Amount only: the single open invoice of exactly this amount; nothing when several fit.

Flags (no invoice, but needs a person)
 - psp_payout: Mollie, Stripe, Adyen, Buckaroo, Pay.nl... settle many sales in one payout.
 - not_a_customer_payment: tax refunds, bank interest, loans, subsidies, own transfers.
 - overpayment: the quoted invoice is already paid (double payment), or more was paid
   than was open (the excess is the flag's amount).
 - ambiguous: several payments in the batch claim the same invoice; none is automatic.

Across the batch: no invoice is allocated more than it has open and no payment more than
its amount; conflicts are settled over all payments together (never first come, first
served), and payments quoting an invoice are settled before payments matched by account.
Outgoing payments are ignored. Money is integer cents inside, Decimal outside.

Entry points: `reconcile` (domain records, for the cycle), `reconcile_books` (frames, for
the CSV command and large batches); both run the same rules.
"""

from __future__ import annotations

from connector.reconcile.engine import reconcile, reconcile_books
from connector.reconcile.frames import Books, books_from_records
from connector.reconcile.model import Flag, Match, ReconcileResult, ReconcileSettings

__all__ = [
    "Books",
    "Flag",
    "Match",
    "ReconcileResult",
    "ReconcileSettings",
    "books_from_records",
    "reconcile",
    "reconcile_books",
]
