"""The commonest cases, for whole arrays at once (same verdicts as `decide`).

1. The description names exactly one open invoice firmly (reference or full number) and
   the amount equals its open amount; or it names several (credit notes alongside count
   negative) and the amount equals their open amounts together.
2. Nothing in the description points anywhere, the IBAN belongs to one known customer,
   and exactly one open invoice of that customer has this amount (and no combination of
   their smaller invoices makes it too).
3. Nothing in the description points anywhere and no customer uses the account: a flag
   when the money is no customer payment (payout, tax refund, own transfer...), else the
   name and amount rules of `decide`, fed with the open invoices of each amount looked up
   for all payments at once.
A quoted invoice paid short is in `fastpath_short`. Everything else goes through
`decide.PaymentDecider` one payment at a time.

Why: a rule run per payment costs 20-60 µs of Python; a batch of 100,000 payments has
about 75,000 of these cases.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from connector.reconcile.allocate import AUTO, SUGGESTED, empty_matches, matches_frame
from connector.reconcile.classify import classify
from connector.reconcile.context import NO_CONTACT, Context
from connector.reconcile.decide import PaymentDecider
from connector.reconcile.evidence import REF, STRONG_KINDS, Hits
from connector.reconcile.model import (
    RULE_IBAN_AMOUNT,
    RULE_NUMBER,
    RULE_NUMBERS,
    RULE_REFERENCE,
)
from connector.reconcile.rulebook import (
    CONF_IBAN,
    CONF_NUMBER,
    CONF_NUMBERS,
    CONF_REFERENCE,
    OTHER_PAYER_PENALTY,
    eur,
    listed_paid_exactly,
)
from connector.reconcile.subsets import subsets_reach


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
    ctx: Context, hits: Hits, psp: np.ndarray, candidates: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Case 1 for the payments in `candidates`. Returns automatic matches and the payments
    they settle."""
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    firm = np.isin(hits.kind, STRONG_KINDS) & (ctx.remaining[hits.inv] > 0) & candidates[hits.mut]
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
    reasons = _quoted_reasons(ctx, h, idx, other, payer)
    handled[mut] = True
    out = matches_frame(mut, inv, ctx.mut_amount[mut], status=AUTO, confidence=confidence,
                        rule=np.where(kind == REF, RULE_REFERENCE, RULE_NUMBER), reason=reasons)
    return out, handled


def _quoted_reasons(
    ctx: Context, h: Hits, idx: np.ndarray, other: np.ndarray, payer: np.ndarray
) -> np.ndarray:
    """Reasons of case 1 for hits `idx`, built column-wise (object arrays of str add up
    element by element in C; an f-string per payment costs more than the whole rule)."""
    kind, inv = h.kind[idx], h.inv[idx]
    reasons = np.empty(len(idx), dtype=object)
    by_reference = kind == REF
    if by_reference.any():
        ref = inv[by_reference]
        reasons[by_reference] = (
            "The description holds payment reference "
            + ctx.inv_reference[ref].astype(object)
            + " of invoice "
            + ctx.inv_number[ref].astype(object)
        )
    by_number = ~by_reference
    if by_number.any():
        text = ctx.buffer.text_all()
        numbers = ctx.inv_number[inv[by_number]].astype(object)
        quoted = np.array(
            [
                text[s:e]
                for s, e in zip(
                    h.start[idx][by_number].tolist(), h.end[idx][by_number].tolist(), strict=True
                )
            ],
            dtype=object,
        )
        written = np.where(quoted != numbers, " (written '" + quoted + "')", "").astype(object)
        reasons[by_number] = "The description holds invoice number " + numbers + written
    reasons = reasons + " and the amount equals the open amount."
    if other.any():
        names = ctx.contact_names[np.maximum(payer, 0)].astype(object)
        payer_words = (
            " Paid from the account of another customer (" + names + "), e.g. a parent "
            "company or partner."
        )
        reasons = np.where(other, reasons + payer_words, reasons).astype(object)
    return reasons


def listed_invoices_paid_exactly(
    ctx: Context, hits: Hits, psp: np.ndarray, candidates: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Case 1 with several invoices, for the payments in `candidates`. Returns the matches
    (automatic; suggestions when a payment provider forwarded the money) and the payments
    they settle."""
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    listed = (
        np.isin(hits.kind, STRONG_KINDS) & (ctx.remaining[hits.inv] != 0) & candidates[hits.mut]
    )
    h = hits.select(listed)
    open_cents = ctx.remaining[h.inv]
    per_payment = np.bincount(h.mut, minlength=ctx.n_mutations)
    total = np.zeros(ctx.n_mutations, dtype=np.int64)
    np.add.at(total, h.mut, open_cents)
    paid = (per_payment >= 2) & (total == ctx.mut_amount)
    pick = paid[h.mut]
    if not pick.any():
        return empty_matches(), handled
    h, open_cents = h.select(pick), open_cents[pick]
    # as the description names them: open invoices, strongest and oldest first, then credits
    order = np.lexsort((h.inv, ctx.inv_due[h.inv], -h.kind, open_cents < 0, h.mut))
    h, open_cents = h.select(order), open_cents[order]
    starts = np.flatnonzero(np.diff(h.mut, prepend=-1))
    numbers = ctx.inv_number[h.inv].tolist()
    bounds = [*starts.tolist(), len(h)]
    reasons = []
    for a, b in itertools.pairwise(bounds):
        names = ", ".join(str(n) for n in numbers[a:b])
        reasons += [listed_paid_exactly(names, int(ctx.mut_amount[h.mut[a]]))] * (b - a)
    via_psp = psp[h.mut]
    handled[h.mut] = True
    out = matches_frame(h.mut, h.inv, open_cents, status=np.where(via_psp, SUGGESTED, AUTO),
                        confidence=np.where(via_psp, 0.9, CONF_NUMBERS), rule=RULE_NUMBERS, reason=reasons)
    return out, handled


def _payer_has_invoice_of_amount(ctx: Context, muts: np.ndarray) -> np.ndarray:
    """For each payment: has the payer's own customer record an open invoice of this amount?"""
    invoices = np.flatnonzero(ctx.remaining > 0)
    amounts = ctx.mut_amount[muts]
    invoices = invoices[pd.Series(ctx.remaining[invoices], copy=False).isin(amounts).to_numpy()]
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
    hinted = ctx.screening.payout_hint(rows)
    hinted[hinted] = [ctx.screening.payout_text(r) for r in rows[hinted].tolist()]
    rows = rows[~hinted]
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
    # an invoice dated after the payment did not exist yet when it was made (as `decide`)
    pairs = pairs[ctx.inv_day[pairs["inv"].to_numpy()] <= ctx.mut_day[pairs["mut"].to_numpy()]]
    count = pairs.groupby("mut", sort=False)["inv"].transform("size").to_numpy()
    pairs = pairs[count == 1]
    # Not certain when smaller open invoices of the same customer add up to the amount too
    # (as `decide`: two or more of the oldest `max_subset_invoices` smaller ones).
    pool = left[left["mut"].isin(pairs["mut"])].merge(
        right.drop(columns="amount").assign(open=ctx.remaining[invoices]),
        on=["contact", "currency"],
        suffixes=("", "_pool"),
    )
    pool = pool[
        (pool["open"] < pool["amount"])
        & (ctx.inv_day[pool["inv"].to_numpy()] <= ctx.mut_day[pool["mut"].to_numpy()])
    ]
    smaller = pool.groupby("mut", sort=False).agg(total=("open", "sum"), n=("open", "size"))
    doubtful = smaller.index[
        (smaller["n"] >= 2)
        & (smaller["total"] >= left.set_index("mut").loc[smaller.index, "amount"].to_numpy())
    ]
    pool = pool[pool["mut"].isin(doubtful)]
    pool = pool.assign(due=ctx.inv_due[pool["inv"].to_numpy()]).sort_values(
        ["mut", "due", "inv"], kind="stable"
    )
    pool = pool[pool.groupby("mut", sort=False).cumcount() < ctx.settings.max_subset_invoices]
    combined = pool["mut"].to_numpy()[
        subsets_reach(pool["open"].to_numpy(), pool["mut"].to_numpy(), pool["amount"].to_numpy())
    ]
    pairs = pairs[~pairs["mut"].isin(combined)]
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
    out = matches_frame(mut, inv, ctx.mut_amount[mut], status=AUTO, confidence=CONF_IBAN,
                        rule=RULE_IBAN_AMOUNT, reason=reasons)
    return out, handled


def psp_counterparties(ctx: Context) -> np.ndarray:
    """Payments whose counterparty is a payment provider."""
    return ctx.screening.psp != ""


def unknown_account_without_evidence(
    ctx: Context, candidates: np.ndarray, decider: PaymentDecider
) -> np.ndarray:
    """Case 3 for the payments in `candidates` (no hits of any kind in their description).

    Flags and suggestions go to the decider's collector; returns the payments settled here
    (all of them: the name and amount rules are `decider`'s own, fed with the open invoices
    of each amount looked up for all payments at once).
    """
    out = decider.out
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    rows = np.flatnonzero(candidates & (ctx.mut_contact == NO_CONTACT))
    if len(rows) == 0:
        return handled
    screening = ctx.screening
    maybe = screening.other_words(rows)
    maybe |= ctx.mut_own_account[rows] | (screening.psp[rows] != "") | screening.payout_hint(rows)
    for row in rows[maybe].tolist():
        verdict = classify(
            str(ctx.mut_name[row]),
            ctx.description(row),
            known_customer=False,
            own_account=bool(ctx.mut_own_account[row]),
            psp=str(screening.psp[row]),
            payout_text=screening.payout_text(row),
            maybe_other=screening.maybe_other(row),
        )
        if verdict is not None:
            out.flag(row, verdict.kind, verdict.reason, int(ctx.mut_amount[row]))
            handled[row] = True
    rows = rows[~handled[rows]]
    handled[rows] = True
    # Open invoices of exactly each payment's amount: a slice of the invoices sorted by
    # free amount (in row order within an amount, as `Context.open_with_amount`).
    order, ordered = ctx.amount_index()
    amount = ctx.mut_amount[rows]
    low = ordered.searchsorted(amount, side="left")
    high = ordered.searchsorted(amount, side="right")
    look = np.flatnonzero(high > low)  # without any, the rules find nothing
    for row, paid, a, b in zip(
        rows[look].tolist(),
        amount[look].tolist(),
        low[look].tolist(),
        high[look].tolist(),
        strict=True,
    ):
        same = order[a:b]
        same = same[ctx.inv_currency[same] == ctx.mut_currency[row]]
        decider.name_and_amount(row, paid, same)
        if not out.has_rows_for(row):
            decider.amount_only(row, paid, same)
    return handled
