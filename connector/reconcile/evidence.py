"""Rule: which invoices a payment's description points at, and how firmly ("hits").

Strength, strongest first:
    REF    a payment reference of ours (betalingskenmerk, RF, the host's own reference),
           written exactly; a reference carries a check digit, so it is certain.
    NUM    the full invoice number (any spelling: prefix, spaces, dashes, dots, leading
           zeros), found once, not inside a longer number, not labelled as something else.
    SHORT  the full number but typed with fewer than four digits ("factuur 5", "F41" for
           F00041), or fitting several invoices, or a piece of a longer number: a
           suggestion at most.
    TAIL   only the last part of the number ("41" for 2026-0041): a suggestion at most.
    TYPO   one digit wrong or two digits swapped (see `typos`): a suggestion at most.
Numbers labelled as something else ("klantnr 10452", "order 2026-12", a street number)
are dropped; dates, amounts and postcodes never become keys (see `textscan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from connector.legal.references import normalise_reference
from connector.reconcile.context import Context
from connector.reconcile.keys import (
    FULL,
    REFERENCE,
    TAIL,
    KeyIndex,
    Keys,
    index_keys,
    invoice_number_keys,
    join,
    reference_keys,
    window_keys,
)
from connector.reconcile.labels import label_before
from connector.reconcile.textscan import (
    Groups,
    build_buffer,
    find_groups,
    LIST_JOINERS,
    find_rf_candidates,
    follows_in_list,
)

TYPO, TAIL_HIT, SHORT, NUM, REF = 0, 1, 2, 3, 4
STRONG_KINDS = (NUM, REF)


@dataclass(frozen=True, slots=True)
class Hits:
    """Parallel arrays, one row per (payment, invoice) pair, strongest evidence kept."""

    mut: np.ndarray
    inv: np.ndarray
    kind: np.ndarray
    labelled: np.ndarray  # the number follows a word like "factuur", "inv", "kenmerk"
    start: np.ndarray  # byte span of the quoted text in the buffer (-1 when unknown)
    end: np.ndarray
    note: np.ndarray  # object: extra words for the reason (typo details), "" otherwise

    def __len__(self) -> int:
        return len(self.mut)

    @staticmethod
    def empty() -> Hits:
        z = np.zeros(0, dtype=np.int64)
        return Hits(z, z, z, np.zeros(0, dtype=bool), z, z, np.zeros(0, dtype=object))

    @staticmethod
    def concat(parts: list[Hits]) -> Hits:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Hits.empty()
        return Hits(*(np.concatenate([getattr(p, f) for p in parts]) for f in Hits.__slots__))

    def select(self, mask: np.ndarray) -> Hits:
        return Hits(*(getattr(self, f)[mask] for f in Hits.__slots__))

    def strongest_per_pair(self) -> Hits:
        """One row per (payment, invoice): the strongest kind; labelled if any hit was."""
        if len(self) == 0:
            return self
        # strongest kind first; for equal kinds the longest quoted text (the whole reference)
        order = _order_by(self.mut, self.inv, -self.kind, -(self.end - self.start))
        mut, inv = self.mut[order], self.inv[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (mut[1:] != mut[:-1]) | (inv[1:] != inv[:-1])
        starts = np.flatnonzero(first)
        labelled = np.maximum.reduceat(self.labelled[order], starts)
        keep = order[starts]
        by_position = np.argsort(keep, kind="stable")
        out = self.select(keep[by_position])
        return Hits(out.mut, out.inv, out.kind, labelled[by_position], out.start, out.end, out.note)


def _order_by(*columns: np.ndarray) -> np.ndarray:
    """Stable order by several integer columns, most significant first: one sort of the
    columns packed into one int64 when their ranges fit in 63 bits (np.lexsort sorts once
    per column), else np.lexsort."""
    lows = [int(c.min()) for c in columns]
    bits = [max(int(c.max()) - low, 0).bit_length() for c, low in zip(columns, lows, strict=True)]
    if sum(bits) > 63:
        return np.lexsort(columns[::-1])
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column, low, width in zip(columns, lows, bits, strict=True):
        key = (key << width) | (column - low)
    return np.argsort(key, kind="stable")


@dataclass(frozen=True, slots=True)
class InvoiceKeys:
    keys: Keys
    index: KeyIndex  # all keys
    significant: np.ndarray  # significant digits of each invoice number
    text_refs: dict[str, list[int]]  # normalised alphanumeric reference (RF, host) → invoice rows
    ref_lengths: set[int]
    number_sizes: set[int]
    typo_lengths: set[int]
    _whole: list = field(default_factory=list)

    @property
    def whole(self) -> KeyIndex:
        """Whole numbers and references (no tails): where a typo may land. Built on first use."""
        if not self._whole:
            no_tail = self.keys.kind != TAIL
            self._whole.append(
                index_keys(Keys(*(getattr(self.keys, f)[no_tail] for f in Keys.__slots__)))
            )
        return self._whole[0]


# Separators people and hosts put in references; removed before comparing (see
# connector.legal.references.normalise_reference, which does the same with a regex).
_SEPARATORS = str.maketrans("", "", " \t.-/_,:\u00a0\u202f")


def short_rf(reference: str) -> str:
    """An RF creditor reference without the zeros that pad its body: the same reference (the
    check digits are computed on the number, which leading zeros do not change), as payers
    and banks write it."""
    if not (reference.startswith("RF") and len(reference) > 4 and reference[2:4].isdigit()):
        return reference
    body = reference[4:].lstrip("0")
    return reference[:4] + body if body else reference


def build_invoice_keys(ctx: Context) -> InvoiceKeys:
    n = len(ctx.inv_id)
    groups = find_groups(build_buffer(ctx.inv_number.tolist()), noise=False)
    number_keys, significant = invoice_number_keys(groups, n)
    given = np.flatnonzero(ctx.inv_reference != "")
    refs = [r.translate(_SEPARATORS).upper() for r in ctx.inv_reference[given].tolist()]
    length = np.fromiter(map(len, refs), dtype=np.int64, count=len(refs))
    digits = np.fromiter(
        (r.isdigit() and r.isascii() for r in refs), dtype=bool, count=len(refs)
    ) & (length <= 18)
    usable = length >= 5
    digit_at = np.flatnonzero(usable & digits)
    ref_keys = reference_keys(given[digit_at], [refs[k] for k in digit_at.tolist()])
    text_refs: dict[str, list[int]] = {}
    for k in np.flatnonzero(usable & ~digits).tolist():
        text_refs.setdefault(refs[k], []).append(int(given[k]))
        short = short_rf(refs[k])
        if short != refs[k]:  # "RF78000000000006Y33M42V" is quoted as "RF786Y33M42V"
            text_refs.setdefault(short, []).append(int(given[k]))
    keys = Keys(
        *(np.concatenate((getattr(number_keys, f), getattr(ref_keys, f))) for f in Keys.__slots__)
    )
    counts = np.bincount(groups.row, minlength=n) if len(groups) else np.zeros(n, dtype=np.int64)
    number_sizes = {1} | {int(s) for s in np.unique(counts) if 1 <= s <= 3}
    ref_lengths = {int(s) - 100 for s in np.unique(ref_keys.size)} if len(ref_keys) else set()
    typo_lengths = {int(x) for x in np.unique(significant) if x >= 5} | ref_lengths
    return InvoiceKeys(
        keys, index_keys(keys), significant, text_refs, ref_lengths, number_sizes, typo_lengths
    )


def key_hits(ctx: Context, ik: InvoiceKeys, groups: Groups) -> tuple[Hits, Keys, np.ndarray]:
    """Hits from invoice numbers and digit references found in the descriptions.

    Also returns the description windows and which of them hit something exactly, for the
    typo search.
    """
    windows = window_keys(groups, ik.ref_lengths, ik.number_sizes)
    li, ri = join(windows, ik.index, ctx.settings.amount_fanout_limit)
    exact_window = np.zeros(len(windows), dtype=bool)
    exact_window[li] = True
    if len(li) == 0:
        return Hits.empty(), windows, exact_window
    mut = windows.owner[li]
    inv = ik.keys.owner[ri]
    first = windows.first_group[li]
    size = windows.kind[li]
    key_kind = ik.keys.kind[ri]
    keep = ctx.inv_currency[inv] == ctx.mut_currency[mut]
    # A tail ("41") is everywhere (house numbers, quantities): keep it only when the amount or
    # the payer fits its invoice, or when it continues a longer number ("2026-0061/0062").
    chunk = groups.chunk[first]
    chunk_first = np.searchsorted(groups.chunk, chunk)
    tail = key_kind == TAIL
    fits_payment = (ctx.inv_open[inv] == ctx.mut_amount[mut]) | (
        ctx.inv_contact[inv] == ctx.mut_contact[mut]
    )
    after_list = np.zeros(len(first), dtype=bool)
    maybe = np.flatnonzero(tail & ~fits_payment & (first == chunk_first) & (first > 0))
    after_list[maybe] = follows_in_list(ctx.buffer, groups, first[maybe])
    keep &= ~tail | fits_payment | (first > chunk_first) | after_list
    mut, inv, first, size, key_kind, fits_payment = (
        a[keep] for a in (mut, inv, first, size, key_kind, fits_payment)
    )

    chunk = groups.chunk[first]
    # dates and amounts inside a chunk are not part of any number ("26100088 1.210,00")
    chunk_size = np.bincount(groups.chunk, weights=~groups.noise).astype(np.int64)[chunk]
    keep = _outermost(chunk, first, size)
    mut, inv, first, size, key_kind, chunk, chunk_size, fits_payment = (
        a[keep] for a in (mut, inv, first, size, key_kind, chunk, chunk_size, fits_payment)
    )
    # The same text fully matching one invoice is not also the tail of another.
    span = np.int64(1 << 20)
    window_code = (mut * span + first) * 16 + size
    full_windows = window_code[key_kind != TAIL]
    keep = (key_kind != TAIL) | ~_member(window_code, full_windows)
    mut, inv, first, size, key_kind, chunk, chunk_size, fits_payment = (
        a[keep] for a in (mut, inv, first, size, key_kind, chunk, chunk_size, fits_payment)
    )
    start = groups.start[first]
    end = groups.end[first + size - 1]
    labels = np.zeros(len(mut), dtype=np.int64)
    # references need no label; tails kept only as possible continuations are judged later
    worded = (key_kind == FULL) | ((key_kind == TAIL) & fits_payment)
    unique_starts, back = np.unique(start[worded], return_inverse=True)
    labels[worded] = label_before(ctx.buffer, unique_starts)[back]
    labelled = labels > 0
    numbered = key_kind == FULL

    fits = _distinct_per_window(mut, first, size, inv)
    piece = size < chunk_size
    covered = _covered(chunk, first, size, chunk_size)
    digits_before = np.concatenate(([0], np.cumsum(groups.length)))
    written = digits_before[first + size] - digits_before[first]  # digits as typed, zeros included
    whole_number = (written >= 4) & (fits == 1)
    # "20518 1/4", "termijn 2 van 4 20518": the other digits of the chunk are too short to
    # belong to an invoice number (an instalment count, a quantity), so the number stands alone.
    long_group = ((groups.length >= 3) & ~groups.noise).astype(np.int64)
    long_before = np.concatenate(([0], np.cumsum(long_group)))
    long_in_chunk = np.bincount(groups.chunk, weights=long_group).astype(np.int64)[chunk]
    alone_among_short = long_in_chunk == long_before[first + size] - long_before[first]
    standalone = ~piece | labelled | (size >= 2) | covered | alone_among_short
    kind = np.full(len(mut), TAIL_HIT, dtype=np.int64)
    kind[numbered] = np.where((whole_number & standalone)[numbered], NUM, SHORT)
    kind[key_kind == REFERENCE] = REF
    _continuations(ctx, groups, kind, inv, first, size, written)
    # tails kept only as possible continuations, that did not continue anything, go
    keep = ((labels >= 0) | (kind == REF)) & ((kind != TAIL_HIT) | fits_payment)
    hits = Hits(
        mut[keep],
        inv[keep],
        kind[keep],
        labelled[keep],
        start[keep],
        end[keep],
        np.full(int(keep.sum()), "", dtype=object),
    )
    return Hits.concat([hits, _ranges(ctx, hits)]), windows, exact_window


_RANGE_WORDS = frozenset((b" T/M ", b" TM ", b" TOT EN MET ", b" T/M. "))
MAX_RANGE = 31


def _ranges(ctx: Context, hits: Hits) -> Hits:
    """ "Facturen 26100083 t/m 26100085": the invoices numbered in between are named too.

    Only between two full numbers of one series (same length, same text before the digits),
    at most MAX_RANGE apart, and only invoices that exist in that series.
    """
    full = np.flatnonzero(hits.kind == NUM)
    if len(full) < 2:
        return Hits.empty()
    full = full[np.lexsort((hits.start[full], hits.mut[full]))]
    a, b = full[:-1], full[1:]
    gap = hits.start[b] - hits.end[a]
    near = (hits.mut[a] == hits.mut[b]) & (gap > 0) & (gap <= 12)
    raw = ctx.buffer.raw
    pairs = [
        (i, j)
        for i, j in zip(a[near].tolist(), b[near].tolist(), strict=True)
        if raw[hits.end[i] : hits.start[j]] in _RANGE_WORDS
    ]
    if not pairs:
        return Hits.empty()
    by_number: dict[str, list[int]] = {}
    for row, number in enumerate(ctx.inv_number.tolist()):
        by_number.setdefault(str(number), []).append(row)
    rows: list[tuple[int, int, int, int, bool]] = []
    for a, b in pairs:
        low, high = str(ctx.inv_number[hits.inv[a]]), str(ctx.inv_number[hits.inv[b]])
        prefix, digits = low.rstrip("0123456789"), len(low) - len(low.rstrip("0123456789"))
        if not digits or len(high) != len(low) or not high.startswith(prefix):
            continue
        start, stop = int(low[len(prefix) :]), int(high[len(prefix) :])
        if not 1 < stop - start <= MAX_RANGE:
            continue
        mut = int(hits.mut[a])
        for value in range(start + 1, stop):
            for inv in by_number.get(f"{prefix}{value:0{digits}d}", ()):
                if ctx.inv_currency[inv] == ctx.mut_currency[mut]:
                    rows.append(
                        (mut, inv, int(hits.start[a]), int(hits.end[b]), bool(hits.labelled[a]))
                    )
    if not rows:
        return Hits.empty()
    mut, inv, start, end = (np.array(c, dtype=np.int64) for c in list(zip(*rows, strict=True))[:4])
    labelled = np.array([r[4] for r in rows], dtype=bool)
    n = len(rows)
    return Hits(mut, inv, np.full(n, NUM), labelled, start, end, np.full(n, "", dtype=object))


def _continuations(ctx: Context, groups: Groups, kind, inv, first, size, written) -> None:
    """ "2026-0061/0062", "26100076/77/80", "26100096, 97 en 99": a last part right after a
    full number (in the same chunk, or after a list word such as "," "en" "+") continues the
    same series, and may itself be continued.

    A tail hit whose window directly follows a full-number hit is promoted to a full number
    when both invoice numbers have the same length and differ only in the digits the tail
    wrote.
    """
    full = np.flatnonzero(kind == NUM)
    tails = np.flatnonzero(kind == TAIL_HIT)
    if len(full) == 0 or len(tails) == 0:
        return
    # only a tail right after a full number or after another tail can continue a series
    after = np.concatenate((first[full] + size[full], first[tails] + size[tails]))
    tails = tails[np.isin(first[tails], after)]
    if len(tails) == 0:
        return
    ends: dict[int, list[int]] = {}  # group index right after a full number → its invoices
    heads = full[np.isin(first[full] + size[full], first[tails])]
    for i, end in zip(heads.tolist(), (first[heads] + size[heads]).tolist(), strict=True):
        ends.setdefault(end, []).append(int(inv[i]))
    tails = tails[np.argsort(first[tails], kind="stable")]  # a continued tail goes on first
    joined = groups.chunk[first[tails]] == groups.chunk[np.maximum(first[tails] - 1, 0)]
    joined |= follows_in_list(ctx.buffer, groups, first[tails])
    for i, linked in zip(tails.tolist(), joined.tolist(), strict=True):
        heads = ends.get(int(first[i]))
        if not heads or not linked:
            continue
        b = str(ctx.inv_number[inv[i]])
        k = int(written[i])
        if any(
            head != inv[i] and len(a := str(ctx.inv_number[head])) == len(b) and a[:-k] == b[:-k]
            for head in heads
        ):
            kind[i] = NUM
            ends.setdefault(int(first[i] + size[i]), []).append(int(inv[i]))


def _covered(
    chunk: np.ndarray, first: np.ndarray, size: np.ndarray, chunk_size: np.ndarray
) -> np.ndarray:
    """True where the hit windows of a chunk tile all of it ("10452 10453": a list of numbers)."""
    if len(chunk) == 0:
        return np.zeros(0, dtype=bool)
    windows = np.unique((chunk << 36) | (first << 4) | size)  # size < 16, first < 2^32
    covered = np.bincount(windows >> 36, weights=windows & 15, minlength=int(chunk.max()) + 1)
    return covered[chunk] == chunk_size  # small whole numbers: exact as float


def _member(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """np.isin by hash table (numpy sorts both sides; this is several times faster here)."""
    return pd.Series(values, copy=False).isin(among).to_numpy()


def _distinct_per_window(mut, first, size, inv) -> np.ndarray:
    """For each hit: how many different invoices the same text window of the payment hits."""
    if len(mut) == 0:
        return np.zeros(0, dtype=np.int64)
    window = (mut << 32) + (first << 4) + size
    order = np.lexsort((inv, window))
    w, i = window[order], inv[order]
    new_window = np.ones(len(w), dtype=bool)
    new_window[1:] = w[1:] != w[:-1]
    new_pair = new_window.copy()
    new_pair[1:] |= i[1:] != i[:-1]
    group = np.cumsum(new_window) - 1
    counts = np.bincount(group, weights=new_pair).astype(np.int64)
    out = np.empty(len(mut), dtype=np.int64)
    out[order] = counts[group]
    return out


def _outermost(chunk: np.ndarray, first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Drop hits whose window lies strictly inside another hit's window in the same chunk
    ("8901" inside the reference "5000 0567 8901 2345")."""
    if len(chunk) == 0:
        return np.ones(0, dtype=bool)
    end = first + size
    # distinct windows sorted by chunk, start, and longest first
    order = np.lexsort((-end, first, chunk))
    c, lo, hi = chunk[order], first[order], end[order]
    distinct = np.ones(len(c), dtype=bool)
    distinct[1:] = (c[1:] != c[:-1]) | (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    window_id = np.cumsum(distinct) - 1
    c, lo, hi = c[distinct], lo[distinct], hi[distinct]
    # a window is inside an earlier one (earlier start, or same start and longer) reaching as far
    reach = np.maximum.accumulate(c * (1 << 40) + hi)
    before = np.full(len(c), -1, dtype=np.int64)
    before[1:] = reach[:-1]
    inside = before >= c * (1 << 40) + hi
    keep = np.empty(len(chunk), dtype=bool)
    keep[order] = ~inside[window_id]
    return keep


def rf_hits(ctx: Context, ik: InvoiceKeys) -> tuple[Hits, list[tuple[int, str, int]]]:
    """Hits from RF creditor references and the host's alphanumeric references.

    Returns the unmatched RF texts too (row, compact text, position) for the typo search.
    """
    if not ik.text_refs:
        return Hits.empty(), []
    muts, invs, starts, ends = [], [], [], []
    unmatched: list[tuple[int, str, int]] = []
    for row, compact, pos in find_rf_candidates(ctx.buffer, ctx.envelope):
        found = False
        for length in range(min(len(compact), 25), 4, -1):
            rows = ik.text_refs.get(compact[:length])
            if rows:
                for inv in rows:
                    muts.append(row)
                    invs.append(inv)
                    starts.append(pos)
                    ends.append(pos + length)
                found = True
                break
        if not found:
            unmatched.append((row, compact, pos))
    other = [ref for ref in ik.text_refs if not ref.startswith("RF")]
    if other:
        _host_text_hits(ctx, ik, muts, invs, starts, ends)
    if not muts:
        return Hits.empty(), unmatched
    mut = np.asarray(muts, dtype=np.int64)
    inv = np.asarray(invs, dtype=np.int64)
    keep = ctx.inv_currency[inv] == ctx.mut_currency[mut]
    n = int(keep.sum())
    hits = Hits(
        mut[keep],
        inv[keep],
        np.full(n, REF),
        np.ones(n, dtype=bool),
        np.asarray(starts)[keep],
        np.asarray(ends)[keep],
        np.full(n, "", dtype=object),
    )
    return hits, unmatched


def demote_inside_rf(ctx: Context, hits: Hits, rf_unmatched: list[tuple[int, str, int]]) -> Hits:
    """A full number read inside an RF reference that is not one of ours ("RF56 2610 0133" with
    wrong check digits) is a mistyped reference, not a quoted number: SHORT, a suggestion."""
    if not rf_unmatched or len(hits) == 0:
        return hits
    kind = hits.kind.copy()
    raw = ctx.buffer.raw
    for row, compact, pos in rf_unmatched:
        end = span_end(raw, pos, len(compact))
        inside = (hits.mut == row) & (hits.start > pos) & (hits.start < end) & (kind == NUM)
        kind[inside] = SHORT
    return Hits(hits.mut, hits.inv, kind, hits.labelled, hits.start, hits.end, hits.note)


def demote_unprefixed(ctx: Context, hits: Hits) -> Hits:
    """Where a payment quotes some of our numbers with their letter prefix ("F2026-0117") and
    others without ("Boekingsnr. 2026-0066", "PAYMENT RUN 2026-03"), the bare ones are the
    payer's own references that happen to look like ours: SHORT, a suggestion at most."""
    full = np.flatnonzero(hits.kind == NUM)
    if len(full) < 2:
        return hits
    muts, counts = np.unique(hits.mut[full], return_counts=True)
    full = full[np.isin(hits.mut[full], muts[counts >= 2])]
    if len(full) == 0:
        return hits
    raw = ctx.buffer.raw
    prefixed: dict[int, list[tuple[int, bool]]] = {}
    for i in full.tolist():
        number = str(ctx.inv_number[hits.inv[i]]).upper()
        letters = number[: len(number) - len(number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
        if not letters:
            continue
        before = raw[max(0, int(hits.start[i]) - len(letters) - 1) : int(hits.start[i])]
        written = before.rstrip(b" -").endswith(letters.encode("latin-1", "replace"))
        prefixed.setdefault(int(hits.mut[i]), []).append((i, written))
    kind = hits.kind.copy()
    for found in prefixed.values():
        if all(w for _, w in found) or not any(w for _, w in found):
            continue
        found.sort(key=lambda f: int(hits.start[f[0]]))
        order = [i for i, _ in found]
        for k, (i, written) in enumerate(found):
            # "Facturen F00498; 00499; 00500", "00730 F00731": a list shares one prefix
            neighbours = order[max(k - 1, 0) : k] + order[k + 1 : k + 2]
            listed = any(_joined(raw, i, j, hits) for j in neighbours)
            if not written and not listed:
                kind[i] = SHORT
    return Hits(hits.mut, hits.inv, kind, hits.labelled, hits.start, hits.end, hits.note)


def _joined(raw: bytes, a: int, b: int, hits: Hits) -> bool:
    """Whether only a list word or separators stand between hits `a` and `b`."""
    if hits.start[b] < hits.start[a]:
        a, b = b, a
    gap = _PREFIX_AT_END.sub(b"", raw[int(hits.end[a]) : int(hits.start[b])])  # "; F" → "; "
    return gap in LIST_JOINERS or (0 < len(gap) <= 3 and not gap.strip(b" /;,+&-"))


_PREFIX_AT_END = re.compile(rb"(?<=[ /;,+&-])[A-Z]{1,3}[ -]?$")


def prefer_reference_typos(hits: Hits) -> Hits:
    """Drop a SHORT hit that lies inside a reference-typo hit on the same invoice: the reason
    then names the mistyped reference, not the number read inside it."""
    short = np.flatnonzero(hits.kind == SHORT)
    typo = np.flatnonzero(hits.kind == TYPO)
    if len(short) == 0 or len(typo) == 0:
        return hits
    pairs = pd.DataFrame({"s": short, "mut": hits.mut[short], "inv": hits.inv[short]}).merge(
        pd.DataFrame({"t": typo, "mut": hits.mut[typo], "inv": hits.inv[typo]}), on=["mut", "inv"]
    )
    s, t = pairs["s"].to_numpy(), pairs["t"].to_numpy()
    inside = (hits.start[t] <= hits.start[s]) & (hits.end[s] <= hits.end[t])
    keep = np.ones(len(hits), dtype=bool)
    keep[s[inside]] = False
    return hits.select(keep)


def span_end(raw: bytes, start: int, characters: int) -> int:
    """Where `characters` letters/digits starting at `start` end, spaces in between skipped."""
    end = start
    while characters and end < len(raw):
        if raw[end] != ord(" "):
            characters -= 1
        end += 1
    return end


_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9.\-/_]{3,40}[A-Z0-9]")


def _host_text_hits(ctx: Context, ik: InvoiceKeys, muts, invs, starts, ends) -> None:
    """Alphanumeric host references ("MB-2026-X7K2") written as one token in the description."""
    raw = ctx.buffer.raw.decode("latin-1")
    for m in _TOKEN.finditer(raw):
        ref = normalise_reference(m.group())
        rows = ik.text_refs.get(ref)
        if rows and not ref.startswith("RF"):
            row = int(ctx.buffer.row_of(np.array([m.start()]))[0])
            if ctx.envelope.contains(np.array([m.start()]))[0]:
                continue
            for inv in rows:
                muts.append(row)
                invs.append(inv)
                starts.append(m.start())
                ends.append(m.end())
