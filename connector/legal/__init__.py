"""Dutch collection law as pure functions: costs (BIK), statutory interest, payment references
and letter rules. No IO except reading the shipped rates table once (see `rates.py`).

Items the research note marks UNCONFIRMED are options with documented defaults:
* costs.collection_costs(b2b_minimum_per_invoice=False, cumulation=None)
* interest.statutory_interest(leap_day=LeapDayRule.FEB_28); rates table includes the
  UNCONFIRMED commercial 10.40 % from 2026-07-01 (RateTable.confirmed_only() drops it)
* letters.DeliveryAssumption (second day, no Sunday/Monday/holiday) and
  fourteen_day_term(extend_to_working_day=True)
"""

from __future__ import annotations

from connector.legal.costs import (
    CollectionCosts,
    ContractCostTerms,
    CumulationRule,
    DebtorKind,
    collection_costs,
    staffel_fee,
)
from connector.legal.interest import (
    InterestCalculation,
    InterestSegment,
    LeapDayRule,
    Payment,
    PaymentSettlement,
    settle_payments,
    statutory_interest,
)
from connector.legal.rates import InterestKind, RateTable, RateTableError, default_rates, load_rates
from connector.legal.references import (
    format_rf,
    is_valid_betalingskenmerk,
    is_valid_rf,
    make_betalingskenmerk,
    make_rf,
    normalise_reference,
)

__all__ = [
    "CollectionCosts",
    "ContractCostTerms",
    "CumulationRule",
    "DebtorKind",
    "InterestCalculation",
    "InterestKind",
    "InterestSegment",
    "LeapDayRule",
    "Payment",
    "PaymentSettlement",
    "RateTable",
    "RateTableError",
    "collection_costs",
    "default_rates",
    "format_rf",
    "is_valid_betalingskenmerk",
    "is_valid_rf",
    "load_rates",
    "make_betalingskenmerk",
    "make_rf",
    "normalise_reference",
    "settle_payments",
    "staffel_fee",
    "statutory_interest",
]
