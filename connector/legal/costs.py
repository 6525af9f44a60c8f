"""Buitengerechtelijke incassokosten (BIK, Stb. 2012, 141; art. 6:96 BW), research note §1.

Why a module of its own: the amount must be exact — a consumer letter announcing a wrong
amount makes no costs due at all (HR 25-11-2016, ECLI:NL:HR:2016:2704).

Rules encoded:
* staffel on the hoofdsom only (never on interest), summed over the invoices claimed in one
  letter: 15 % of the first € 2 500, 10 % of the next 2 500, 5 % of the next 5 000, 1 % of the
  next 190 000, 0,5 % above; at least € 40, at most € 6 775; computed exactly, rounded half-up
  to the cent at the end (convention, not statutory);
* BTW uplift (art. 2 lid 3) only when the creditor cannot deduct VAT and declares so: fee ×
  21 % (``vat_percent``), also on the € 40 minimum;
* consumers: the staffel is mandatory — contract terms are ignored (noted in the result);
* business debtors: agreed terms (e.g. a flat 15 %) replace the staffel, but never below the
  statutory € 40 (art. 6:96 lid 4); a court may moderate them to the staffel (HR 10-7-2015,
  ECLI:NL:HR:2015:1868), which the result notes.

UNCONFIRMED in the note, therefore options with a documented default:
* ``b2b_minimum_per_invoice`` (default False): € 40 per invoice rather than per claim
  (CJEU C-585/20 outcome not retrieved);
* ``cumulation`` (default None = off): the Wki cumulatieregeling (Stb. 2024, 44) — for
  recurring claims below € 266,67 a cap of € 140 per six months; the cap is applied to the fee
  before VAT, only when every claimed amount is below the threshold, and by default only for
  consumers. Read Stb. 2024, 44 before switching it on.
* Recomputing the costs on principal + capitalised interest after a year (note §1.3, an NvT
  reading) is left to the caller: pass `InterestCalculation.capitalised_base` as the principal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from connector.money import ZERO, quantize

__all__ = [
    "BIK_MAXIMUM",
    "BIK_MINIMUM",
    "BIK_STAFFEL",
    "DEFAULT_VAT_PERCENT",
    "CollectionCosts",
    "ContractCostTerms",
    "CostNote",
    "CumulationRule",
    "DebtorKind",
    "collection_costs",
    "staffel_fee",
]

#: (band size or None for "the rest", percentage) — BIK art. 2 lid 1.
BIK_STAFFEL: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(2500), Decimal(15)),
    (Decimal(2500), Decimal(10)),
    (Decimal(5000), Decimal(5)),
    (Decimal(190000), Decimal(1)),
    (None, Decimal("0.5")),
)
BIK_MINIMUM = Decimal(40)
BIK_MAXIMUM = Decimal(6775)
#: Art. 9 lid 1 Wet OB 1968 general rate; configurable because the uplift follows that rate.
DEFAULT_VAT_PERCENT = Decimal(21)
_HUNDRED = Decimal(100)


class DebtorKind(StrEnum):
    """Consumer = natural person not acting in profession or business; everyone else is business."""

    CONSUMER = "consumer"
    BUSINESS = "business"


@dataclass(frozen=True, kw_only=True)
class ContractCostTerms:
    """Agreed collection costs for business debtors: a percentage and/or a fixed sum."""

    percentage: Decimal | None = None
    fixed_amount: Decimal | None = None
    minimum: Decimal | None = None

    def fee(self, principal: Decimal) -> Decimal:
        amount = ZERO
        if self.percentage is not None:
            amount += principal * self.percentage / _HUNDRED
        if self.fixed_amount is not None:
            amount += self.fixed_amount
        if self.minimum is not None:
            amount = max(amount, self.minimum)
        return amount


@dataclass(frozen=True, kw_only=True)
class CumulationRule:
    """Wki cumulatieregeling as secondary sources describe it — UNCONFIRMED, off by default."""

    cap: Decimal = Decimal(140)
    instalment_threshold: Decimal = Decimal("266.67")
    window_months: int = 6
    consumers_only: bool = True
    charged_in_window: Decimal = ZERO  # costs already charged to this debtor in the window


@dataclass(frozen=True, kw_only=True)
class CostNote:
    """A remark on the costs as data: `code` and `params` (plain strings) let a reader word it in its own
    language; `message` is the English wording, as the CLI and the dossier show it."""

    code: str  # "nothing_owed", "contract_terms_ignored", "contract_above_staffel" or "cumulation_capped"
    message: str
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, kw_only=True)
class CollectionCosts:
    principal_total: Decimal
    staffel_fee: Decimal  # what the BIK staffel gives, before VAT, in cents
    fee: Decimal  # what is charged before VAT (staffel, contract or minimum), in cents
    vat_uplift: Decimal
    basis: str  # "staffel", "contract", "b2b-minimum", "cumulation-cap" or "nothing-owed"
    remarks: tuple[CostNote, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.fee + self.vat_uplift

    @property
    def notes(self) -> tuple[str, ...]:
        """The remarks in English."""
        return tuple(remark.message for remark in self.remarks)


def staffel_fee(principal: Decimal) -> Decimal:
    """The BIK staffel for one hoofdsom: bands, minimum € 40, maximum € 6 775, in cents."""
    if not isinstance(principal, Decimal) or not principal.is_finite():
        raise TypeError(f"principal must be a finite Decimal, got {principal!r}")
    remaining = max(principal, ZERO)
    fee = ZERO
    for band, percent in BIK_STAFFEL:
        portion = remaining if band is None else min(remaining, band)
        fee += portion * percent / _HUNDRED
        remaining -= portion
        if remaining <= 0:
            break
    return quantize(min(max(fee, BIK_MINIMUM), BIK_MAXIMUM))


def _as_principals(principals: Decimal | Iterable[Decimal]) -> tuple[Decimal, ...]:
    values = (principals,) if isinstance(principals, Decimal) else tuple(principals)
    for value in values:
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TypeError(f"principal must be a finite Decimal, got {value!r}")
    return values


def collection_costs(
    principals: Decimal | Iterable[Decimal],
    *,
    debtor: DebtorKind | str = DebtorKind.CONSUMER,
    vat_uplift: bool = False,
    vat_percent: Decimal = DEFAULT_VAT_PERCENT,
    b2b_minimum_per_invoice: bool = False,
    contract_terms: ContractCostTerms | None = None,
    cumulation: CumulationRule | None = None,
) -> CollectionCosts:
    """Costs for one claim letter covering `principals` (per invoice; credit notes negative).

    `vat_uplift` must only be set when the creditor uses a VAT-charged collection service,
    cannot deduct that VAT and says so in the letter (note §1.4).
    """
    amounts = _as_principals(principals)
    kind = DebtorKind(debtor)
    total = sum(amounts, ZERO)
    notes: list[CostNote] = []
    if total <= 0:
        return CollectionCosts(
            principal_total=total,
            staffel_fee=ZERO,
            fee=ZERO,
            vat_uplift=ZERO,
            basis="nothing-owed",
            remarks=(CostNote(code="nothing_owed", message="no principal outstanding, so no collection costs"),),
        )
    statutory = staffel_fee(total)
    fee, basis = statutory, "staffel"
    if contract_terms is not None:
        if kind is DebtorKind.CONSUMER:
            notes.append(CostNote(
                code="contract_terms_ignored",
                message="contract cost terms ignored: the staffel is mandatory for consumers",
            ))
        else:
            fee, basis = quantize(contract_terms.fee(total)), "contract"
            if fee > statutory:
                notes.append(CostNote(
                    code="contract_above_staffel",
                    message=f"agreed costs {fee} exceed the staffel {statutory}; a court may moderate them "
                    "to the staffel (HR 10-7-2015, ECLI:NL:HR:2015:1868)",
                    params=(("fee", str(fee)), ("staffel", str(statutory))),
                ))
    if kind is DebtorKind.BUSINESS:
        invoices = sum(1 for a in amounts if a > 0) if b2b_minimum_per_invoice else 1
        minimum = BIK_MINIMUM * invoices
        if fee < minimum:
            fee, basis = minimum, "b2b-minimum"
    if cumulation is not None and (kind is DebtorKind.CONSUMER or not cumulation.consumers_only):
        if all(a < cumulation.instalment_threshold for a in amounts):
            room = max(cumulation.cap - cumulation.charged_in_window, ZERO)
            if fee > room:
                fee, basis = quantize(room), "cumulation-cap"
                notes.append(CostNote(
                    code="cumulation_capped",
                    message=f"Wki cumulatieregeling (UNCONFIRMED): capped at {cumulation.cap} per "
                    f"{cumulation.window_months} months, "
                    f"{cumulation.charged_in_window} already charged",
                    params=(("cap", str(cumulation.cap)), ("months", str(cumulation.window_months)),
                            ("charged", str(cumulation.charged_in_window))),
                ))
    uplift = quantize(fee * vat_percent / _HUNDRED) if vat_uplift else ZERO
    return CollectionCosts(
        principal_total=total,
        staffel_fee=statutory,
        fee=fee,
        vat_uplift=uplift,
        basis=basis,
        remarks=tuple(notes),
    )
