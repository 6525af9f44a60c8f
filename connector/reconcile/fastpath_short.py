"""A quoted invoice paid less than is open, for whole arrays at once (same verdicts as `decide`).

The description firmly names exactly one open invoice (reference or full number) and the
payment is below its open amount:

* a near-miss (payment discount, bank or provider costs, rounding) from the customer's own
  account or an unknown one: a suggestion naming the difference (rule 8);
* otherwise a part payment, automatic when a reference was quoted or the customer's own
  account paid, no other invoice of the customer (or of the payer) is open for exactly
  this amount, and no payment provider forwarded it (rule 4).

Payments that need more (another customer's account, an unknown account quoting a number,
rival invoices) are left to `decide.PaymentDecider`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connector.reconcile.allocate import AUTO, SUGGESTED, empty_matches, matches_frame
from connector.reconcile.context import Context
from connector.reconcile.evidence import REF, STRONG_KINDS, Hits
from connector.reconcile.model import RULE_PARTIAL, RULE_SHORT
from connector.reconcile.rulebook import (
    CONF_PARTIAL,
    mentions_deduction,
    part_payment_reason,
    quote_words,
    short_payment_reason,
    shortfalls,
)


def quoted_invoice_paid_short(
    ctx: Context, hits: Hits, psp: np.ndarray, candidates: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Short and part payments of one quoted invoice among `candidates`. Returns the
    matches and the payments they settle."""
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    named = np.isin(hits.kind, STRONG_KINDS) & (ctx.remaining[hits.inv] != 0) & candidates[hits.mut]
    h = hits.select(named)
    single = np.bincount(h.mut, minlength=ctx.n_mutations)[h.mut] == 1
    h = h.select(single & (ctx.remaining[h.inv] > ctx.mut_amount[h.mut]))
    if len(h) == 0:
        return empty_matches(), handled
    amount = ctx.mut_amount[h.mut]
    open_cents = ctx.remaining[h.inv]
    payer = ctx.mut_contact[h.mut]
    owner = ctx.inv_contact[h.inv]
    other_payer = (payer >= 0) & (payer != owner)
    why = np.asarray(shortfalls(amount, open_cents, ctx.settings), dtype=object)
    short = (why != "") & ~other_payer
    # A typo can land on another customer's invoice; a check digit or the customer's own
    # account rules that out (an unknown account's name is judged in `decide`).
    firm = (h.kind == REF) | (payer == owner)
    currency = ctx.inv_currency[h.inv]
    rivals = _open_of_amount(ctx, owner, currency, amount)
    rivals += np.where(other_payer, _open_of_amount(ctx, payer, currency, amount), 0)
    part = (why == "") & firm & (rivals == 0) & ~psp[h.mut]
    # net of an open credit note, or with words of a deduction: `decide` words those
    special = _open_of_amount(ctx, owner, currency, amount - open_cents) > 0  # credit notes
    special[part] |= np.array(
        [mentions_deduction(ctx.description(m)) for m in h.mut[part].tolist()], dtype=bool
    )
    short &= ~special
    part &= ~special
    take = short | part
    if not take.any():
        return empty_matches(), handled
    h, amount, open_cents, why, short = (
        h.select(take),
        amount[take],
        open_cents[take],
        why[take],
        short[take],
    )
    rest = open_cents - amount
    raw = ctx.buffer.raw
    reasons = []
    for k, inv, start, end, paid, opened, left, reason_why in zip(
        h.kind.tolist(),
        h.inv.tolist(),
        h.start.tolist(),
        h.end.tolist(),
        amount.tolist(),
        open_cents.tolist(),
        rest.tolist(),
        why.tolist(),
        strict=True,
    ):
        quoted = raw[start:end].decode("latin-1") if start >= 0 else ""
        words = quote_words(k, ctx.inv_number[inv], ctx.inv_reference[inv], quoted)
        reasons.append(
            short_payment_reason(words, left, opened, reason_why)
            if reason_why
            else part_payment_reason(words, paid, opened, left)
        )
    discount = np.array(["discount" in w for w in why.tolist()], dtype=bool)
    handled[h.mut] = True
    out = matches_frame(h.mut, h.inv, amount, status=np.where(short, SUGGESTED, AUTO),
                        confidence=np.where(short, np.where(discount, 0.88, 0.85), CONF_PARTIAL),
                        rule=np.where(short, RULE_SHORT, RULE_PARTIAL), reason=reasons, remainder=rest)
    return out, handled


def _open_of_amount(
    ctx: Context, contact: np.ndarray, currency: np.ndarray, amount: np.ndarray
) -> np.ndarray:
    """How many invoices of each contact (same currency) have exactly `amount` still free
    (a negative `amount` counts open credit notes of that size)."""
    free = np.flatnonzero(ctx.remaining != 0)
    free = free[pd.Series(ctx.remaining[free], copy=False).isin(amount).to_numpy()]
    table = (
        pd.DataFrame(
            {
                "contact": ctx.inv_contact[free],
                "currency": ctx.inv_currency[free],
                "amount": ctx.remaining[free],
            }
        )
        .value_counts()
        .rename("n")
        .reset_index()
    )
    asked = pd.DataFrame({"contact": contact, "currency": currency, "amount": amount})
    found = asked.merge(table, on=["contact", "currency", "amount"], how="left")["n"]
    return found.fillna(0).to_numpy(dtype=np.int64, copy=True)  # callers add to it
