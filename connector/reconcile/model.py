"""Result records of the reconciliation engine and its settings.

Results are plain frozen dataclasses so the cycle, the store and the CLI can use them
without knowing that the engine works on pandas frames inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

MatchStatus = Literal["auto", "suggested"]
FlagKind = Literal["psp_payout", "overpayment", "not_a_customer_payment", "ambiguous"]

RULE_REFERENCE = "reference"
RULE_NUMBER = "invoice_number"
RULE_NUMBERS = "invoice_numbers"
RULE_IBAN_AMOUNT = "iban_amount"
RULE_BALANCE = "customer_balance"
RULE_SUBSET = "subset_total"
RULE_PARTIAL = "partial_payment"
RULE_SHORT = "short_payment"
RULE_OVER = "over_payment"
RULE_TYPO = "reference_typo"
RULE_SHORT_NUMBER = "partial_number"
RULE_NAME_AMOUNT = "name_amount"
RULE_CONTACT_OPEN = "customer_open_invoice"
RULE_AMOUNT_ONLY = "amount_only"


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """One allocation (`auto`) or proposal (`suggested`) of (part of) a payment to an invoice.

    Attributes:
        amount: what this payment pays on this invoice; never more than the invoice's open
            amount nor the payment's amount.
        confidence: 0..1; auto matches are ≥ `ReconcileSettings.auto_threshold`.
        reason: one sentence an accountant can check against the bank line.
        rule: the machine name of the rule that produced it (see `connector.reconcile`).
        remainder: what stays open on the invoice after `amount` (0 when it is paid in full).
    """

    mutation_id: str
    invoice_id: str
    amount: Decimal
    status: MatchStatus
    confidence: float
    reason: str
    rule: str
    remainder: Decimal = Decimal("0.00")


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """Something about a payment that needs a person, but is not an invoice match.

    Attributes:
        kind: psp_payout (a payment provider settles many sales in one amount),
            overpayment (paid twice, or more than was open), not_a_customer_payment
            (tax refund, interest, loan, own transfer), ambiguous (several payments
            claim the same invoice).
        amount: the money concerned (the excess for an overpayment, else the payment).
        invoice_id: the invoice concerned, when there is one.
    """

    mutation_id: str
    kind: FlagKind
    reason: str
    amount: Decimal = Decimal("0.00")
    invoice_id: str = ""


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    matches: tuple[Match, ...] = ()
    flags: tuple[Flag, ...] = ()

    def auto(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.status == "auto")

    def for_mutation(self, mutation_id: str) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.mutation_id == mutation_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconcileSettings:
    """Knobs of the engine; the defaults suit a Dutch SME administration.

    Attributes:
        max_suggestions: suggestions kept per payment, best first.
        fee_tolerance_cents / fee_tolerance_permille: a payment short by at most both of these
            is read as bank/PSP costs or rounding (a suggestion naming the difference).
        discount_rates_permille: payment discounts customers deduct ("2% betalingskorting").
        name_threshold: minimum name similarity (0..100) to suggest by name.
        max_subset_invoices: open invoices of one customer searched for a sum (more are
            cut to the oldest).
        amount_fanout_limit: an amount shared by more open invoices than this is not used
            on its own (too common to mean anything).
        own_ibans: the administration's own accounts: money from them is an own transfer.
        own_names: the administration's own (trade) names: a bank line in one of these
            names is an own transfer too (banks often print the account holder, not the IBAN).
        psp_names: extra payment-provider names (lower case) besides the built-in list.
    """

    max_suggestions: int = 5
    fee_tolerance_cents: int = 2500
    fee_tolerance_permille: int = 50
    discount_rates_permille: tuple[int, ...] = (5, 10, 15, 20, 25, 30, 40, 50)
    name_threshold: int = 70
    max_subset_invoices: int = 14
    amount_fanout_limit: int = 25
    own_ibans: tuple[str, ...] = ()
    own_names: tuple[str, ...] = ()
    psp_names: tuple[str, ...] = field(default_factory=tuple)


#: The defaults; settings are frozen, so one shared instance is safe.
DEFAULT_SETTINGS = ReconcileSettings()
