"""The two commonest certain cases, for whole arrays at once (same verdicts as `decide`).

1. The description names exactly one open invoice firmly (reference or full number) and
   the amount equals its open amount.
2. Nothing in the description points anywhere, the IBAN belongs to one known customer,
   and exactly one open invoice of that customer has this amount.
Everything else goes through `decide.PaymentDecider` one payment at a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connector.reconcile.allocate import AUTO, MATCH_COLUMNS, empty_matches
from connector.reconcile.context import Context
from connector.reconcile.evidence import REF, STRONG_KINDS, Hits
from connector.reconcile.model import RULE_IBAN_AMOUNT, RULE_NUMBER, RULE_REFERENCE
from connector.reconcile.rulebook import (
    CONF_IBAN,
    CONF_NUMBER,
    CONF_REFERENCE,
    OTHER_PAYER_PENALTY,
    eur,
)


def strong_rows(ctx: Context, hits: Hits, *, exact: bool = False) -> np.ndarray:
    """Payments whose description firmly names at least one invoice with something open
    (with `exact`: an invoice whose open amount is exactly the payment)."""
    mask = np.zeros(ctx.n_mutations, dtype=bool)
    firm = np.isin(hits.kind, STRONG_KINDS) & (ctx.remaining[hits.inv] > 0)
    if exact:
        firm &= ctx.remaining[hits.inv] == ctx.mut_amount[hits.mut]
    mask[hits.mut[firm]] = True
    return mask


def quoted_invoice_paid_exactly(
    ctx: Context, hits: Hits, psp: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Case 1. Returns automatic matches and the payments they settle."""
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    firm = np.isin(hits.kind, STRONG_KINDS) & (ctx.remaining[hits.inv] > 0)
    if not firm.any():
        return empty_matches(), handled
    h = hits.select(firm)
    frame = pd.DataFrame({"mut": h.mut, "inv": h.inv})
    n_invoices = frame.groupby("mut", sort=False)["inv"].transform("nunique").to_numpy()
    amount = ctx.mut_amount[h.mut]
    pick = (n_invoices == 1) & (amount == ctx.remaining[h.inv]) & ~psp[h.mut]
    idx = np.flatnonzero(pick)
    idx = idx[~pd.Series(h.mut[idx]).duplicated().to_numpy()]  # one row per payment
    if len(idx) == 0:
        return empty_matches(), handled
    # Paid from another customer's account while that customer has an open invoice of exactly
    # this amount: maybe they mistyped their own invoice number. Left to the per-payment rules.
    payer = ctx.mut_contact[h.mut[idx]]
    other = (payer >= 0) & (payer != ctx.inv_contact[h.inv[idx]])
    if other.any():
        doubt = _payer_has_invoice_of_amount(ctx, h.mut[idx][other])
        keep = np.ones(len(idx), dtype=bool)
        keep[np.flatnonzero(other)[doubt]] = False
        idx = idx[keep]
    mut, inv, kind = h.mut[idx], h.inv[idx], h.kind[idx]
    payer = ctx.mut_contact[mut]
    other = (payer >= 0) & (payer != ctx.inv_contact[inv])
    confidence = np.where(kind == REF, CONF_REFERENCE, CONF_NUMBER) - np.where(
        other, OTHER_PAYER_PENALTY, 0.0
    )
    raw = ctx.buffer.raw
    numbers = ctx.inv_number[inv].tolist()
    references = ctx.inv_reference[inv].tolist()
    names = ctx.contact_names
    reasons = []
    for n, r, k, s, e, o, p in zip(
        numbers,
        references,
        kind.tolist(),
        h.start[idx].tolist(),
        h.end[idx].tolist(),
        other.tolist(),
        payer.tolist(),
        strict=True,
    ):
        if k == REF:
            reason = (
                f"The description holds payment reference {r} of invoice {n} and the "
                "amount equals the open amount."
            )
        else:
            quoted = raw[s:e].decode("latin-1")
            written = f" (written '{quoted}')" if quoted != n else ""
            reason = (
                f"The description holds invoice number {n}{written} and the amount "
                "equals the open amount."
            )
        if o:
            reason += (
                f" Paid from the account of another customer ({names[p]}), e.g. a "
                "parent company or partner."
            )
        reasons.append(reason)
    handled[mut] = True
    out = pd.DataFrame(
        {
            "mut": mut,
            "inv": inv,
            "amount": ctx.mut_amount[mut],
            "status": AUTO,
            "confidence": confidence,
            "rule": np.where(kind == REF, RULE_REFERENCE, RULE_NUMBER),
            "reason": reasons,
            "remainder": np.zeros(len(mut), dtype=np.int64),
        }
    )
    return out[list(MATCH_COLUMNS)], handled


def _payer_has_invoice_of_amount(ctx: Context, muts: np.ndarray) -> np.ndarray:
    """For each payment: has the payer's own customer record an open invoice of this amount?"""
    invoices = np.flatnonzero(ctx.remaining > 0)
    left = pd.DataFrame(
        {
            "k": np.arange(len(muts)),
            "contact": ctx.mut_contact[muts],
            "amount": ctx.mut_amount[muts],
        }
    )
    right = pd.DataFrame(
        {"contact": ctx.inv_contact[invoices], "amount": ctx.remaining[invoices]}
    ).drop_duplicates()
    found = left.merge(right, on=["contact", "amount"], how="inner")["k"].to_numpy()
    out = np.zeros(len(muts), dtype=bool)
    out[found] = True
    return out


def known_account_single_invoice(
    ctx: Context, candidates: np.ndarray, psp: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Case 2 for the payments in `candidates` (no hits of any kind in their description)."""
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    rows = np.flatnonzero(candidates & (ctx.mut_contact >= 0) & ~ctx.mut_own_account & ~psp)
    if len(rows) == 0:
        return empty_matches(), handled
    rows = rows[~np.array([ctx.screening.payout_text(r) for r in rows.tolist()], dtype=bool)]
    invoices = np.flatnonzero(ctx.remaining > 0)
    left = pd.DataFrame(
        {
            "mut": rows,
            "contact": ctx.mut_contact[rows],
            "amount": ctx.mut_amount[rows],
            "currency": ctx.mut_currency[rows],
        }
    )
    right = pd.DataFrame(
        {
            "inv": invoices,
            "contact": ctx.inv_contact[invoices],
            "amount": ctx.remaining[invoices],
            "currency": ctx.inv_currency[invoices],
        }
    )
    pairs = left.merge(right, on=["contact", "amount", "currency"], how="inner")
    count = pairs.groupby("mut", sort=False)["inv"].transform("size").to_numpy()
    pairs = pairs[count == 1]
    # Not certain when smaller open invoices of the same customer could add up to the amount
    # (the per-payment rules then check the actual combinations).
    pool = left[left["mut"].isin(pairs["mut"])].merge(
        right.drop(columns="amount").assign(open=ctx.remaining[invoices]),
        on=["contact", "currency"],
        suffixes=("", "_pool"),
    )
    pool = pool[pool["open"] < pool["amount"]]
    smaller = pool.groupby("mut", sort=False).agg(total=("open", "sum"), n=("open", "size"))
    doubtful = smaller.index[
        (smaller["n"] >= 2)
        & (smaller["total"] >= left.set_index("mut").loc[smaller.index, "amount"].to_numpy())
    ]
    pairs = pairs[~pairs["mut"].isin(doubtful)]
    if len(pairs) == 0:
        return empty_matches(), handled
    mut = pairs["mut"].to_numpy()
    inv = pairs["inv"].to_numpy()
    reasons = [
        (
            f"Paid from {ctx.mut_iban[m]}, a known account of "
            f"{ctx.contact_names[c] or ctx.contact_ids[c]}; "
            f"invoice {ctx.inv_number[i]} is this customer's only open invoice of "
            f"{eur(int(ctx.mut_amount[m]))}."
        )
        for m, i, c in zip(mut.tolist(), inv.tolist(), ctx.mut_contact[mut].tolist(), strict=True)
    ]
    handled[mut] = True
    out = pd.DataFrame(
        {
            "mut": mut,
            "inv": inv,
            "amount": ctx.mut_amount[mut],
            "status": AUTO,
            "confidence": np.full(len(mut), CONF_IBAN),
            "rule": RULE_IBAN_AMOUNT,
            "reason": reasons,
            "remainder": np.zeros(len(mut), dtype=np.int64),
        }
    )
    return out[list(MATCH_COLUMNS)], handled


def psp_counterparties(ctx: Context) -> np.ndarray:
    """Payments whose counterparty is a payment provider."""
    return ctx.screening.psp != ""
