"""Orchestration: evidence → decisions in two phases → global conflicts → ranked output.

Phase 1 settles payments whose description firmly names an open invoice (their evidence
is the strongest). Phase 2 handles every other payment against what phase 1 left open,
so a monthly fee paid by reference in phase 1 no longer competes with an unreferenced
transfer of the same amount in phase 2. Conflicts are settled after each phase over the
whole batch (see `allocate`), never by the order of the payments. Phase 3 looks once more
at known accounts that phase 2 could only offer several invoices of one amount, now that
the batch has booked some of them.

In each phase the common cases are decided for whole arrays at once (`fastpath`,
`fastpath_short`); only the rest goes through `PaymentDecider` one payment at a time.
Both reach the same verdicts (tests/test_reconcile_fastpath.py runs every payment through
the decider too and compares).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from connector.money import from_cents
from connector.reconcile.allocate import (
    AUTO,
    FLAG_COLUMNS,
    Collector,
    allocated,
    empty_flags,
    rank,
    settle_conflicts,
)
from connector.reconcile.context import build_context
from connector.reconcile.decide import PaymentDecider
from connector.reconcile.evidence import (
    Hits,
    build_invoice_keys,
    demote_inside_rf,
    demote_unprefixed,
    key_hits,
    prefer_reference_typos,
    rf_hits,
)
from connector.reconcile.fastpath import (
    known_account_single_invoice,
    listed_invoices_paid_exactly,
    psp_counterparties,
    quoted_invoice_paid_exactly,
    strong_rows,
    unknown_account_without_evidence,
)
from connector.reconcile.fastpath_short import quoted_invoice_paid_short
from connector.reconcile.frames import Books, books_from_records
from connector.reconcile.model import (
    DEFAULT_SETTINGS,
    RULE_IBAN_AMOUNT,
    Flag,
    Match,
    ReconcileResult,
    ReconcileSettings,
)
from connector.reconcile.textscan import find_groups
from connector.reconcile.typos import typo_hits
from connector.records import BankMutation, Contact, Invoice

#: Whole-array versions of the commonest phase-1 verdicts, tried in this order; each
#: settles some payments, the rest go on to `PaymentDecider`.
PHASE1_FAST_PATHS = (
    quoted_invoice_paid_exactly,
    listed_invoices_paid_exactly,
    quoted_invoice_paid_short,
)

FLAG_CONFIDENCE = {
    "psp_payout": 0.9,
    "overpayment": 0.9,
    "not_a_customer_payment": 0.8,
    "ambiguous": 1.0,
}


def reconcile_books(
    books: Books,
    settings: ReconcileSettings = DEFAULT_SETTINGS,
    *,
    per_payment_only: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frame-level entry point: (matches, flags) frames with ids, cents and reasons.

    matches: mutation_id, invoice_id, amount_cents, status, confidence, reason, rule,
    remainder_cents — automatic rows first per payment, then suggestions best first.
    flags: mutation_id, kind, reason, amount_cents, invoice_id ("" when none).
    Outgoing payments (amount ≤ 0) are ignored.

    `per_payment_only` sends every payment through `PaymentDecider` (the reference
    implementation of the rules) instead of the vectorised fast paths; tests use it to
    prove both reach the same verdicts.
    """
    ctx = build_context(books, settings)
    keys = build_invoice_keys(ctx)
    groups = find_groups(ctx.buffer, ctx.envelope)
    number_hits, windows, exact_window = key_hits(ctx, keys, groups)
    reference_hits, rf_unmatched = rf_hits(ctx, keys)
    number_hits = demote_unprefixed(ctx, demote_inside_rf(ctx, number_hits, rf_unmatched))
    hits = Hits.concat([number_hits, reference_hits]).strongest_per_pair()
    firm = strong_rows(ctx, hits)
    typo = typo_hits(
        ctx, keys, groups, windows, exact_window, ~strong_rows(ctx, hits, exact=True), rf_unmatched
    )
    hits = prefer_reference_typos(Hits.concat([hits, typo])).strongest_per_pair()
    psp = psp_counterparties(ctx)

    out = Collector()
    decider = PaymentDecider(ctx, hits, out)

    # Phase 1: the description firmly names an open invoice.
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    for case in () if per_payment_only else PHASE1_FAST_PATHS:
        found, settled = case(ctx, hits, psp, firm & ~handled)
        out.add_many(found)
        handled |= settled
    decider.decide_many(np.flatnonzero(firm & ~handled))
    matches1, flags1 = out.take()
    matches1, conflicts1 = settle_conflicts(
        matches1, ctx.inv_open, ctx.inv_number, ctx.mut_iban, ctx.mut_day
    )
    ctx.set_remaining(ctx.inv_open - allocated(matches1, len(ctx.inv_open)))

    # Phase 2: everything else, against what is still open.
    has_hit = np.zeros(ctx.n_mutations, dtype=bool)
    has_hit[hits.mut] = True
    handled = np.zeros(ctx.n_mutations, dtype=bool)
    if not per_payment_only:  # descriptions that point nowhere: account, name and amount
        found, handled = known_account_single_invoice(ctx, ~firm & ~has_hit, psp)
        out.add_many(found)
        handled |= unknown_account_without_evidence(ctx, ~firm & ~has_hit & ~handled, decider)
    decider.decide_many(np.flatnonzero(~firm & ~handled))
    matches2, flags2 = out.take()
    matches2, conflicts2 = settle_conflicts(
        matches2, ctx.remaining, ctx.inv_number, ctx.mut_iban, ctx.mut_day
    )
    matches2 = _after_the_batch_books(ctx, decider, out, matches2, (flags2, conflicts2))

    both, dropped = _without_booked_invoices(pd.concat([matches1, matches2], ignore_index=True), ctx)
    matches = rank(both, ctx.inv_due, settings.max_suggestions)
    flags = [f for f in (flags1, conflicts1, flags2, conflicts2) if len(f)]
    pointers = (np.concatenate((hits.mut, dropped[0])), np.concatenate((hits.inv, dropped[1])))
    flags.append(_pointing_at_a_booked_invoice(ctx, pointers, matches, flags))
    flags = pd.concat([f for f in flags if len(f)] or [empty_flags()], ignore_index=True)
    return _with_ids(ctx, matches, flags)


def _after_the_batch_books(
    ctx, decider: PaymentDecider, out: Collector, matches: pd.DataFrame, flagged
) -> pd.DataFrame:
    """Phase 3: a known account's payment that could only be offered several invoices of its
    amount (March's and April's fee) is decided once more against what phase 2 booked; when
    that leaves it one invoice, it is booked. Nothing else changes.

    Both candidates may also be what another payment of this batch just took, so the new
    automatic matches are settled for conflicts like any other.
    """
    status = matches["status"].to_numpy()
    mut = matches["mut"].to_numpy(dtype=np.int64)
    several = (matches["rule"].to_numpy() == RULE_IBAN_AMOUNT) & (status != AUTO)
    if not several.any():
        return matches
    done = np.zeros(ctx.n_mutations, dtype=bool)
    done[mut[status == AUTO]] = True
    for frame in flagged:
        done[frame["mut"].to_numpy(dtype=np.int64)] = True
    retry = np.unique(mut[several])
    retry = retry[~done[retry] & (ctx.mut_contact[retry] >= 0)]
    if len(retry) == 0:
        return matches
    before = ctx.remaining
    ctx.set_remaining(before - allocated(matches, len(before)))
    decider.decide_many(retry)
    again, flags = out.take()
    again, conflicts = settle_conflicts(again, ctx.remaining, ctx.inv_number)
    ctx.set_remaining(before)
    booked = np.unique(again["mut"].to_numpy()[again["status"].to_numpy() == AUTO])
    booked = booked[~np.isin(booked, np.concatenate([f["mut"].to_numpy() for f in (flags, conflicts)]))]
    if len(booked) == 0:
        return matches
    keep = again[again["mut"].isin(booked) & (again["status"] == AUTO)]
    keep = keep.assign(reason=keep["reason"] + _ONE_LEFT)
    rest = matches[~np.isin(mut, booked)]
    return pd.concat([rest, keep], ignore_index=True)


_ONE_LEFT = " (The other invoices of this amount are paid by other payments in this batch.)"


def _without_booked_invoices(
    matches: pd.DataFrame, ctx
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
    """Drop suggestions of invoices that automatic matches of this batch already pay in full:
    offering them again would invite paying one invoice twice. Returns the matches left and
    the dropped (payment, invoice) pairs."""
    inv = matches["inv"].to_numpy(dtype=np.int64)
    mut = matches["mut"].to_numpy(dtype=np.int64)
    left = ctx.inv_open - allocated(matches, len(ctx.inv_open))
    booked = (ctx.inv_open > 0) & (left <= 0) & (left != ctx.inv_open)
    drop = (matches["status"].to_numpy() != AUTO) & booked[inv] & (matches["amount"].to_numpy() > 0)
    if not drop.any():
        return matches, (mut[:0], inv[:0])
    return matches[~drop].reset_index(drop=True), (mut[drop], inv[drop])


def _pointing_at_a_booked_invoice(
    ctx, pointers: tuple[np.ndarray, np.ndarray], matches: pd.DataFrame, flags
) -> pd.DataFrame:
    """A payment left with nothing that points at an invoice (by its description, or as a
    dropped suggestion) which another payment of this batch pays in full, for exactly this
    amount: flagged as a likely double payment ("inv. 0083" on 12 March, "factuur 2026-0083"
    on 13 March), never silently left out."""
    mut, inv = pointers
    if len(mut) == 0:
        return empty_flags()
    spoken_for = np.zeros(ctx.n_mutations, dtype=bool)
    spoken_for[matches["mut"].to_numpy(dtype=np.int64)] = True
    for frame in flags:
        spoken_for[frame["mut"].to_numpy(dtype=np.int64)] = True
    left = ctx.inv_open - allocated(matches, len(ctx.inv_open))
    booked = (ctx.inv_open > 0) & (left <= 0)
    pick = ~spoken_for[mut] & booked[inv] & (ctx.inv_total[inv] == ctx.mut_amount[mut])
    rows, seen = [], set()
    for m, i in zip(mut[pick].tolist(), inv[pick].tolist(), strict=True):
        if m not in seen:
            seen.add(m)
            rows.append((m, "overpayment", _PAID_IN_BATCH.format(number=ctx.inv_number[i]),
                         int(ctx.mut_amount[m]), i))
    return pd.DataFrame(rows, columns=FLAG_COLUMNS) if rows else empty_flags()


_PAID_IN_BATCH = (
    "It points at invoice {number}, which another payment in this batch pays in full: "
    "possibly paid twice."
)


def _with_ids(ctx, matches: pd.DataFrame, flags: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    mut = matches["mut"].to_numpy(dtype=np.int64)
    inv = matches["inv"].to_numpy(dtype=np.int64)
    match_frame = pd.DataFrame(
        {
            "mutation_id": ctx.mut_id[mut] if len(mut) else np.zeros(0, dtype=object),
            "invoice_id": ctx.inv_id[inv] if len(inv) else np.zeros(0, dtype=object),
            "amount_cents": matches["amount"].to_numpy(dtype=np.int64),
            "status": matches["status"].to_numpy(dtype=object),
            "confidence": matches["confidence"].to_numpy(dtype=float),
            "reason": matches["reason"].to_numpy(dtype=object),
            "rule": matches["rule"].to_numpy(dtype=object),
            "remainder_cents": matches["remainder"].to_numpy(dtype=np.int64),
            "_order": ctx.mut_source[mut] if len(mut) else np.zeros(0, dtype=np.int64),
        }
    )
    fmut = flags["mut"].to_numpy(dtype=np.int64)
    finv = flags["inv"].to_numpy(dtype=np.int64)
    flag_frame = pd.DataFrame(
        {
            "mutation_id": ctx.mut_id[fmut] if len(fmut) else np.zeros(0, dtype=object),
            "kind": flags["kind"].to_numpy(dtype=object),
            "reason": flags["reason"].to_numpy(dtype=object),
            "amount_cents": flags["amount"].to_numpy(dtype=np.int64),
            "invoice_id": np.where(
                finv >= 0, ctx.inv_id[np.maximum(finv, 0)] if len(finv) else "", ""
            )
            if len(finv)
            else np.zeros(0, dtype=object),
            "_order": ctx.mut_source[fmut] if len(fmut) else np.zeros(0, dtype=np.int64),
        }
    )
    match_frame = (
        match_frame.sort_values("_order", kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    flag_frame = flag_frame.drop_duplicates(["mutation_id", "kind", "invoice_id"])
    flag_frame = (
        flag_frame.sort_values("_order", kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return match_frame, flag_frame


def output_rows(
    matches: pd.DataFrame, flags: pd.DataFrame, mutation_order: pd.Series
) -> pd.DataFrame:
    """Matches and flags as one table in the CSV's shape (flags: status 'flag', kind in the reason).

    Rows follow the input order of the payments: automatic, then suggestions, then flags.
    """
    position = pd.Series(np.arange(len(mutation_order)), index=mutation_order.to_numpy())
    flag_rows = pd.DataFrame(
        {
            "mutation_id": flags["mutation_id"].to_numpy(dtype=object),
            "invoice_id": flags["invoice_id"].to_numpy(dtype=object),
            "amount_cents": flags["amount_cents"].to_numpy(dtype=np.int64),
            "status": "flag",
            "confidence": flags["kind"].map(FLAG_CONFIDENCE).fillna(0.8).to_numpy(dtype=float),
            "reason": (flags["kind"].astype(str) + ": " + flags["reason"].astype(str)).to_numpy(
                dtype=object
            ),
        }
    )
    both = pd.concat([matches[list(flag_rows.columns)], flag_rows], ignore_index=True)
    both["_pos"] = position.reindex(both["mutation_id"].to_numpy()).to_numpy()
    both["_flag"] = (both["status"].to_numpy() == "flag").astype(np.int8)
    both = both.sort_values(["_pos", "_flag"], kind="stable")
    return both.drop(columns=["_pos", "_flag"]).reset_index(drop=True)


def reconcile(
    invoices: Sequence[Invoice],
    contacts: Sequence[Contact],
    mutations: Sequence[BankMutation],
    *,
    settings: ReconcileSettings = DEFAULT_SETTINGS,
) -> ReconcileResult:
    """Which incoming payment pays which invoice, for domain records.

    Give the administration's open invoices plus recently paid ones (so a second payment
    of a paid invoice is recognised as an overpayment) and the unbooked bank mutations.
    """
    books = books_from_records(invoices, contacts, mutations)
    matches, flags = reconcile_books(books, settings)
    match_records = tuple(
        Match(
            mutation_id=str(r.mutation_id),
            invoice_id=str(r.invoice_id),
            amount=from_cents(int(r.amount_cents)),
            status=str(r.status),
            confidence=float(r.confidence),
            reason=str(r.reason),
            rule=str(r.rule),
            remainder=from_cents(int(r.remainder_cents)),
        )
        for r in matches.itertuples(index=False)
    )
    flag_records = tuple(
        Flag(
            mutation_id=str(r.mutation_id),
            kind=str(r.kind),
            reason=str(r.reason),
            amount=from_cents(int(r.amount_cents)),
            invoice_id=str(r.invoice_id),
        )
        for r in flags.itertuples(index=False)
    )
    return ReconcileResult(matches=match_records, flags=flag_records)
