"""Which of a customer's open invoices add up to a payment ("alle facturen", a statement total).

Exhaustive over at most `limit` invoices (2^14 sums in a few numpy operations), so it is
cheap enough per payment and never misses a combination among the oldest invoices.
"""

from __future__ import annotations

import numpy as np


def subsets_summing_to(
    amounts: np.ndarray, target: int, *, min_items: int = 2, max_results: int = 6
) -> list[tuple[int, ...]]:
    """Index tuples of `amounts` (cents) whose sum is exactly `target`, fewest items first.

    Within the same size, subsets of earlier indices come first, so with amounts ordered
    oldest-first the oldest fitting invoices lead.
    """
    n = len(amounts)
    if n < min_items or n > 20:
        return []
    sums = np.zeros(1, dtype=np.int64)
    for value in np.asarray(amounts, dtype=np.int64):
        sums = np.concatenate((sums, sums + value))
    masks = np.flatnonzero(sums == target)
    if len(masks) == 0:
        return []
    bits = (masks[:, None] >> np.arange(n)[None, :]) & 1
    sizes = bits.sum(axis=1)
    masks, bits, sizes = (
        masks[sizes >= min_items],
        bits[sizes >= min_items],
        sizes[sizes >= min_items],
    )
    if len(masks) == 0:
        return []
    # fewest items, then lowest (oldest) indices: compare the reversed bit patterns
    lowest_first = np.array([int("".join(map(str, row)), 2) for row in bits], dtype=object)
    order = sorted(range(len(masks)), key=lambda i: (int(sizes[i]), -lowest_first[i]))
    out = []
    for i in order[:max_results]:
        out.append(tuple(int(j) for j in np.flatnonzero(bits[i])))
    return out


def subsets_reach(amounts: np.ndarray, group: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For many small sets at once: positions (of each set's first row) whose set has two or
    more items summing exactly to the set's target.

    `amounts` holds the sets one after another (rows of one set adjacent, labelled by
    `group`; `targets` repeats the set's target on each row). Sets of equal size are done
    together: their amounts times the 0/1 matrix of all subsets.
    """
    if len(amounts) == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.diff(group, prepend=group[0] - 1) != 0)
    sizes = np.diff(np.append(first, len(group)))
    found = []
    for size in np.unique(sizes).tolist():
        if size < 2 or size > 20:
            continue
        sets = first[sizes == size]
        values = np.asarray(amounts, dtype=np.int64)[sets[:, None] + np.arange(size)[None, :]]
        masks = np.arange(1 << size)
        bits = (masks[:, None] >> np.arange(size)[None, :]) & 1
        bits = bits[bits.sum(axis=1) >= 2]
        sums = values @ bits.T
        hit = (sums == np.asarray(targets, dtype=np.int64)[sets][:, None]).any(axis=1)
        found.append(sets[hit])
    return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
