"""Rule: a reference or invoice number typed with one digit wrong or two digits swapped.

Only for payments without a firm hit. Every number in the description that matched
nothing is varied (each digit replaced, each adjacent pair swapped) and the variants are
looked up in the same key index. A betalingskenmerk or RF reference that passes its check
digit is not varied: the check digit says it was typed as issued (it is someone else's).
A typo is never certain, so these hits only ever become suggestions; to keep the list
short, a variant only counts when the invoice's amount or customer fits the payment.
"""

from __future__ import annotations

import string

import numpy as np

from connector.legal.references import is_valid_betalingskenmerk, is_valid_rf
from connector.reconcile.context import Context
from connector.reconcile.evidence import TYPO, Hits, InvoiceKeys, span_end
from connector.reconcile.keys import _REF_BASE, FULL, Keys, join
from connector.reconcile.textscan import POW10, Groups

SUBSTITUTED = "one digit different"
SWAPPED = "two digits swapped"
_ALNUM = string.digits + string.ascii_uppercase


def typo_hits(
    ctx: Context,
    ik: InvoiceKeys,
    groups: Groups,
    windows: Keys,
    exact_window: np.ndarray,
    candidate: np.ndarray,
    rf_unmatched: list[tuple[int, str, int]],
) -> Hits:
    numeric = _numeric_typos(ctx, ik, groups, windows, exact_window, candidate)
    text = _rf_typos(ctx, ik, [(r, t, p) for r, t, p in rf_unmatched if candidate[r]])
    return _plausible(ctx, Hits.concat([numeric, text]))


def _numeric_typos(ctx, ik, groups, windows, exact_window, candidate) -> Hits:
    if not ik.typo_lengths or len(windows) == 0:
        return Hits.empty()
    value = windows.a
    is_ref = windows.size >= _REF_BASE
    length = np.where(
        is_ref,
        windows.size - _REF_BASE,
        np.floor(np.log10(np.maximum(value, 1))).astype(np.int64) + 1,
    )
    sel = (
        candidate[windows.owner]
        & ~exact_window
        & ((windows.size == 1) | is_ref)
        & np.isin(length, list(ik.typo_lengths))
        & (value > 0)
    )
    idx = np.flatnonzero(sel)
    if len(idx) == 0:
        return Hits.empty()
    if is_ref[idx].any():
        ref_idx = idx[is_ref[idx]]
        valid = np.fromiter(
            (
                is_valid_betalingskenmerk(str(v).zfill(n))
                for v, n in zip(value[ref_idx], length[ref_idx], strict=True)
            ),
            dtype=bool,
            count=len(ref_idx),
        )
        drop = ref_idx[valid]
        idx = idx[~np.isin(idx, drop)]
    right = ik.whole
    lefts = []
    for n in np.unique(length[idx]).tolist():
        rows = idx[length[idx] == n]
        v = value[rows]
        pw = POW10[:n]
        digits = (v[:, None] // pw[None, :]) % 10
        variants, notes, owners = [], [], []
        for delta in range(1, 10):
            new_digits = (digits + delta) % 10
            var = v[:, None] + (new_digits - digits) * pw[None, :]
            variants.append(var.ravel())
            owners.append(np.repeat(rows, n))
            notes.append(np.zeros(var.size, dtype=np.int64))
        if n >= 2:
            lo, hi = digits[:, :-1], digits[:, 1:]
            var = v[:, None] + (hi - lo) * pw[None, :-1] + (lo - hi) * pw[None, 1:]
            differs = (lo != hi).ravel()
            variants.append(var.ravel()[differs])
            owners.append(np.repeat(rows, n - 1)[differs])
            notes.append(np.ones(int(differs.sum()), dtype=np.int64))
        var = np.concatenate(variants)
        own = np.concatenate(owners)
        note = np.concatenate(notes)
        keep = (var >= POW10[n - 1] if n > 1 else var >= 0) | is_ref[own]
        lefts.append((var[keep], own[keep], note[keep]))
    var = np.concatenate([x[0] for x in lefts])
    own = np.concatenate([x[1] for x in lefts])
    note = np.concatenate([x[2] for x in lefts])
    zeros = np.zeros(len(var), dtype=np.int64)
    left = Keys(own, windows.size[own], var, zeros, zeros, note, windows.first_group[own])
    li, ri = join(left, right, ctx.settings.amount_fanout_limit)
    if len(li) == 0:
        return Hits.empty()
    inv = right.keys.owner[ri]
    ok = (ik.significant[inv] >= 5) | (right.keys.kind[ri] != FULL)
    li, inv = li[ok], inv[ok]
    src = left.owner[li]
    first = windows.first_group[src]
    size = np.maximum(windows.kind[src], 1)
    return Hits(
        windows.owner[src],
        inv,
        np.full(len(li), TYPO),
        np.zeros(len(li), dtype=bool),
        groups.start[first],
        groups.end[np.minimum(first + size - 1, len(groups) - 1)],
        np.where(left.kind[li] == 1, SWAPPED, SUBSTITUTED).astype(object),
    )


def _rf_typos(ctx: Context, ik: InvoiceKeys, unmatched: list[tuple[int, str, int]]) -> Hits:
    """RF references failing their check digits, one character off from one of ours."""
    rf_lengths = {len(ref) for ref in ik.text_refs if ref.startswith("RF")}
    muts, invs, notes, starts, ends = [], [], [], [], []
    for row, compact, pos in unmatched:
        for n in sorted(rf_lengths, reverse=True):
            text = compact[:n]
            if len(text) != n or is_valid_rf(text):
                continue
            for variant, note in _variants(text):
                for inv in ik.text_refs.get(variant, ()):
                    muts.append(row)
                    invs.append(inv)
                    notes.append(note)
                    starts.append(pos)
                    ends.append(span_end(ctx.buffer.raw, pos, n))
    if not muts:
        return Hits.empty()
    n = len(muts)
    return Hits(
        np.asarray(muts, dtype=np.int64),
        np.asarray(invs, dtype=np.int64),
        np.full(n, TYPO),
        np.zeros(n, dtype=bool),
        np.asarray(starts, dtype=np.int64),
        np.asarray(ends, dtype=np.int64),
        np.asarray(notes, dtype=object),
    )


def _variants(text: str):
    for i in range(2, len(text)):
        for ch in _ALNUM:
            if ch != text[i]:
                yield text[:i] + ch + text[i + 1 :], SUBSTITUTED
    for i in range(2, len(text) - 1):
        if text[i] != text[i + 1]:
            yield text[:i] + text[i + 1] + text[i] + text[i + 2 :], SWAPPED


def _plausible(ctx: Context, hits: Hits) -> Hits:
    """Keep a typo only when the invoice's open amount or customer fits the payment."""
    if len(hits) == 0:
        return hits
    open_cents = ctx.remaining[hits.inv]
    amount = ctx.mut_amount[hits.mut]
    same_contact = ctx.mut_contact[hits.mut] == ctx.inv_contact[hits.inv]
    near = (open_cents > 0) & (np.abs(open_cents - amount) * 20 <= open_cents)
    return hits.select(near | same_contact)
