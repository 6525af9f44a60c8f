"""Lookup keys that let invoice numbers and references be found in bank descriptions by index.

An invoice number is reduced to its digit groups with leading zeros dropped, so
"F2026-0041", "2026 41", "2026.0041" and "inv 2026/041" all give the key (2026, 41); the
concatenation "20260041" is a second key. A description yields the same keys for every
window of consecutive groups of a chunk, and a sorted join pairs them with invoices:
no loop over invoices × payments. Digit-only payment references are keyed by their exact
digit count too, so "0000 0000 0000 0041" is never found in a stray "41".

Key kinds of an invoice:
    FULL: the whole invoice number (or its concatenation), or a long number without its one
        or two leading digits ("100021" for 26100021) when five or more digits remain.
    TAIL: only the last group ("factuur 41" for 2026-0041), or the last 3-4 digits of one
        long number ("41" for 26100041): never enough on its own.
    REFERENCE: the payment reference printed on the invoice (digits only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from connector.reconcile.textscan import POW10, Groups

FULL, TAIL, REFERENCE = 1, 2, 3
_REF_BASE = 100  # key "size" of a reference key: _REF_BASE + digit count
MAX_WINDOW_GROUPS = 8

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0x165667B19E3779F9)
_M4 = np.uint64(0xD6E8FEB86659FD93)


def key_hash(size: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """One int64 per (size, a, b, c); joins verify the parts, so a collision cannot match."""
    with np.errstate(over="ignore"):
        h = (a.astype(np.uint64) * _M1) ^ (b.astype(np.uint64) * _M2)
        h ^= c.astype(np.uint64) * _M3
        h ^= size.astype(np.uint64) * _M4
        h ^= h >> np.uint64(31)
        h *= _M1
    return h.view(np.int64)


@dataclass(frozen=True, slots=True)
class Keys:
    """Parallel arrays: one row per key of one owner (an invoice, or a window of a chunk)."""

    owner: np.ndarray
    size: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    kind: np.ndarray  # FULL / TAIL / REFERENCE for invoices; window group count for chunks
    first_group: np.ndarray  # chunks: index of the window's first group; invoices: -1

    @property
    def hash(self) -> np.ndarray:
        return key_hash(self.size, self.a, self.b, self.c)

    def __len__(self) -> int:
        return len(self.owner)


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _keys(parts: list[tuple]) -> Keys:
    cols = list(zip(*parts, strict=True)) if parts else [[]] * 7
    return Keys(*(_concat(list(col)).astype(np.int64) for col in cols))


def invoice_number_keys(groups: Groups, n_rows: int) -> tuple[Keys, np.ndarray]:
    """FULL and TAIL keys of invoice numbers (one text row per invoice), and each number's
    count of significant digits (digits after dropping leading zeros; 0 when unusable)."""
    row = groups.row
    count = np.bincount(row, minlength=n_rows)
    first = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    total_len = np.bincount(row, weights=groups.length, minlength=n_rows).astype(np.int64)
    concat = _row_concat(groups, row, n_rows, total_len)
    significant = np.where(
        concat > 0, np.floor(np.log10(np.maximum(concat, 1))).astype(np.int64) + 1, 0
    )
    significant = np.where(concat < 0, total_len, significant)

    parts = []
    zeros = np.zeros(n_rows, dtype=np.int64)
    for size in (1, 2, 3):
        rows = np.flatnonzero(count == size)
        if len(rows) == 0:
            continue
        f = first[rows]
        a = groups.value[f]
        b = groups.value[f + 1] if size > 1 else zeros[rows]
        c = groups.value[f + 2] if size > 2 else zeros[rows]
        ok = (a >= 0) & (b >= 0) & (c >= 0)
        parts.append(
            (
                rows[ok],
                np.full(ok.sum(), size),
                a[ok],
                b[ok],
                c[ok],
                np.full(ok.sum(), FULL),
                np.full(ok.sum(), -1),
            )
        )
    multi = np.flatnonzero((count >= 2) & (concat > 0))
    parts.append(
        (
            multi,
            np.ones(len(multi)),
            concat[multi],
            zeros[multi],
            zeros[multi],
            np.full(len(multi), FULL),
            np.full(len(multi), -1),
        )
    )
    tail_rows = np.flatnonzero(count >= 2)
    last = first[tail_rows] + count[tail_rows] - 1
    tail_value = groups.value[last]
    ok = tail_value > 0
    parts.append(
        (
            tail_rows[ok],
            np.ones(ok.sum()),
            tail_value[ok],
            zeros[tail_rows][ok],
            zeros[tail_rows][ok],
            np.full(ok.sum(), TAIL),
            np.full(ok.sum(), -1),
        )
    )
    # one long number ("26100041"): its last three and four digits are what people shorten it to
    long_rows = np.flatnonzero((count == 1) & (total_len >= 5) & (concat > 0))
    for modulus in (1000, 10000):
        tail_value = concat[long_rows] % modulus
        ok = (tail_value > 0) & ((modulus == 1000) | (tail_value >= 1000))
        rows = long_rows[ok]
        parts.append(
            (
                rows,
                np.ones(len(rows)),
                tail_value[ok],
                zeros[rows],
                zeros[rows],
                np.full(len(rows), TAIL),
                np.full(len(rows), -1),
            )
        )
    # one long number without its leading year or journal digits ("100021" for 26100021, as
    # Exact Online customers write it): still a whole number when five or more digits remain
    for dropped in (1, 2):
        rows = long_rows[total_len[long_rows] - dropped >= 5]
        modulus = POW10[total_len[rows] - dropped]
        value = concat[rows] % modulus
        ok = value * 10 >= modulus  # no leading zero left: "00021" is not written so
        rows, value = rows[ok], value[ok]
        parts.append(
            (
                rows,
                np.ones(len(rows)),
                value,
                zeros[rows],
                zeros[rows],
                np.full(len(rows), FULL),
                np.full(len(rows), -1),
            )
        )
    return _keys(parts), significant


def _row_concat(groups: Groups, row: np.ndarray, n_rows: int, total_len: np.ndarray) -> np.ndarray:
    """Value of all digits of a row written together; -1 beyond 18 digits."""
    value = np.zeros(n_rows, dtype=np.int64)
    if len(row) == 0:
        return value
    # digits after each group within its row, to shift the group into place
    length = groups.length
    rev_cum = np.zeros(len(row), dtype=np.int64)
    later = total_len[row] - (np.cumsum(length) - _row_cumstart(row, length))
    rev_cum[:] = later
    fits = (total_len[row] <= 18) & (groups.value >= 0)
    contrib = np.where(fits, groups.value * POW10[np.clip(rev_cum, 0, 18)], 0)
    np.add.at(value, row, contrib)
    value[total_len > 18] = -1
    return value


def _row_cumstart(row: np.ndarray, length: np.ndarray) -> np.ndarray:
    """For each group: total length of the groups of earlier rows (cumsum restarts per row)."""
    cum = np.cumsum(length)
    starts = np.flatnonzero(np.concatenate(([True], row[1:] != row[:-1])))
    base = np.concatenate(([0], cum[:-1]))[starts]
    return np.repeat(base, np.diff(np.concatenate((starts, [len(row)]))))


def reference_keys(owner: np.ndarray, digits: list[str]) -> Keys:
    """REFERENCE keys for digit-only payment references (≤ 18 digits, length kept)."""
    n = len(owner)
    size = np.fromiter((_REF_BASE + len(d) for d in digits), dtype=np.int64, count=n)
    value = np.fromiter((int(d) for d in digits), dtype=np.int64, count=n)
    zeros = np.zeros(n, dtype=np.int64)
    return Keys(
        np.asarray(owner, dtype=np.int64),
        size,
        value,
        zeros,
        zeros.copy(),
        np.full(n, REFERENCE, dtype=np.int64),
        np.full(n, -1, dtype=np.int64),
    )


def window_keys(groups: Groups, ref_lengths: set[int], number_sizes: set[int]) -> Keys:
    """Keys of every window of consecutive groups inside each chunk (noise groups excluded).

    Windows of 1-3 groups give group keys (the sizes invoice numbers use); every window
    gives its concatenation as a one-group key and, when its digit count is a reference
    length, a reference key.
    """
    n = len(groups)
    parts = []
    if n == 0:
        return _keys(parts)
    chunk, value, length, noise = groups.chunk, groups.value, groups.length, groups.noise
    concat = value.copy()
    total = length.copy()
    clean = ~noise & (value >= 0)
    valid = clean.copy()
    zeros = np.zeros(n, dtype=np.int64)
    idx = np.arange(n)
    for w in range(1, MAX_WINDOW_GROUPS + 1):
        if w > 1:
            last = idx + w - 1
            inside = last < n
            lastc = np.minimum(last, n - 1)
            same = inside & (chunk[lastc] == chunk)
            valid = valid & same & clean[lastc]
            add_len = length[lastc]
            total = total + np.where(same, add_len, 0)
            fits = valid & (total <= 18)
            with np.errstate(over="ignore"):
                concat = np.where(fits, concat * POW10[np.clip(add_len, 0, 18)] + value[lastc], -1)
            valid = valid & fits
        if not valid.any():
            break
        starts = np.flatnonzero(valid)
        if w in number_sizes and w <= 3:
            a = value[starts]
            b = value[starts + 1] if w > 1 else zeros[starts]
            c = value[starts + 2] if w > 2 else zeros[starts]
            parts.append(
                (
                    groups.row[starts],
                    np.full(len(starts), w),
                    a,
                    b,
                    c,
                    np.full(len(starts), w),
                    starts,
                )
            )
        if w > 1:
            parts.append(
                (
                    groups.row[starts],
                    np.ones(len(starts)),
                    concat[starts],
                    zeros[starts],
                    zeros[starts],
                    np.full(len(starts), w),
                    starts,
                )
            )
        if ref_lengths:
            hit = starts[np.isin(total[starts], list(ref_lengths))]
            parts.append(
                (
                    groups.row[hit],
                    _REF_BASE + total[hit],
                    concat[hit],
                    zeros[hit],
                    zeros[hit],
                    np.full(len(hit), w),
                    hit,
                )
            )
    return _keys(parts)


@dataclass(frozen=True, slots=True)
class KeyIndex:
    """Keys prepared for lookups: a hash table of the distinct hashes and, per hash, the
    slice of `order` (key rows grouped by hash, in row order within a hash) that carries it."""

    keys: Keys
    table: pd.Index
    starts: np.ndarray
    counts: np.ndarray
    order: np.ndarray


def index_keys(keys: Keys) -> KeyIndex:
    """Group the key rows by hash without sorting them all: most hashes belong to one row,
    which goes straight to its place; only the rows of shared hashes are sorted."""
    codes, distinct = pd.factorize(keys.hash)
    counts = np.bincount(codes, minlength=len(distinct))
    starts = np.cumsum(counts) - counts
    order = np.empty(len(codes), dtype=np.int64)
    alone = counts[codes] == 1
    order[starts[codes[alone]]] = np.flatnonzero(alone)
    shared = np.flatnonzero(~alone)
    shared = shared[np.argsort(codes[shared], kind="stable")]
    group = codes[shared]
    first = np.flatnonzero(np.diff(group, prepend=-1) != 0)
    rank = np.arange(len(shared)) - np.repeat(first, np.diff(np.append(first, len(shared))))
    order[starts[group] + rank] = shared
    return KeyIndex(keys, pd.Index(distinct), starts, counts, order)


def join(left: Keys, right: KeyIndex, fanout_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i into left, j into right.keys) with equal keys; keys owned by more than
    `fanout_limit` right rows are dropped as too common to mean anything."""
    if len(left) == 0 or len(right.keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    position = right.table.get_indexer(left.hash)
    found = np.flatnonzero(position >= 0)
    position = position[found]
    count = right.counts[position].copy()
    count[count > fanout_limit] = 0
    li = np.repeat(found, count)
    offsets = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    ri = right.order[np.repeat(right.starts[position], count) + offsets]
    rk = right.keys
    same = (
        (left.size[li] == rk.size[ri])
        & (left.a[li] == rk.a[ri])
        & (left.b[li] == rk.b[ri])
        & (left.c[li] == rk.c[ri])
    )
    return li[same], ri[same]
