"""Amount strings ⇄ integer cents for whole columns at once, without ever making a float.

A CSV of 100,000 payments is parsed as text; "121.5" becomes 12150 by byte arithmetic in
numpy (each text as a fixed-width row of bytes), so no amount can be off by a float
rounding and no Python loop runs per value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_WIDTH = 24  # sign + 15 digits + dot + 2 decimals fits easily; longer texts are refused
MAX_DIGITS = 15


def parse_cents(values: Sequence[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cents, bad): cents as int64 (0 where bad) and a mask of values that are no amount.

    Accepted after trimming spaces: optional sign, 1-15 digits, optionally a dot and up to
    two decimals ("12", "12.5", "-0.99", "12."). Refused: commas, thousands separators,
    exponents, empty text, anything else.
    """
    texts = (
        values
        if isinstance(values, np.ndarray) and values.dtype == object
        else np.asarray(values, dtype=object)
    )
    n = len(texts)
    try:
        raw = np.array(texts, dtype=f"S{_WIDTH + 1}")
    except (UnicodeEncodeError, TypeError):
        raw = np.array([str(t).encode("ascii", "replace") for t in texts], dtype=f"S{_WIDTH + 1}")
    if n and (
        (raw.view(np.uint8).reshape(n, _WIDTH + 1) == ord(" ")).any()
        or np.char.str_len(raw).max() > _WIDTH
    ):
        texts = [str(t).strip() for t in texts]  # rare: spaces around, or too long to judge
        raw = np.array(
            [t.encode("ascii", "replace")[: _WIDTH + 1] for t in texts], dtype=f"S{_WIDTH + 1}"
        )
    too_long = np.char.str_len(raw) > _WIDTH if n else np.zeros(0, dtype=bool)
    raw = raw.astype(f"S{_WIDTH}")
    m = raw.view(np.uint8).reshape(n, _WIDTH) if n else np.zeros((0, _WIDTH), np.uint8)
    digit = (m >= ord("0")) & (m <= ord("9"))
    dot = m == ord(".")
    used = m != 0
    sign = (m[:, 0] == ord("-")) | (m[:, 0] == ord("+"))
    allowed = digit | dot
    allowed[:, 0] |= sign
    bad = too_long | ~(allowed | ~used).all(axis=1) | (dot.sum(axis=1) > 1) | ~used[:, 0]
    # no holes: once a NUL byte appears, only NUL bytes follow (numpy pads on the right)
    length = used.sum(axis=1)
    has_dot = dot.any(axis=1)
    dot_at = np.where(has_dot, dot.argmax(axis=1), length)
    decimals = np.where(has_dot, length - dot_at - 1, 0)
    start = sign.astype(np.int64)
    whole_digits = dot_at - start
    bad |= (whole_digits < 1) | (whole_digits > MAX_DIGITS) | (decimals > 2)
    cents = np.zeros(n, dtype=np.int64)
    columns = np.arange(_WIDTH)
    for k in range(int(length.max()) if n else 0):
        take = digit[:, k] & (columns[k] < length)
        cents = np.where(take, cents * 10 + (m[:, k].astype(np.int64) - 48), cents)
    cents = cents * np.array([100, 10, 1], dtype=np.int64)[np.clip(decimals, 0, 2)]
    cents = np.where(m[:, 0] == ord("-"), -cents, cents) if n else cents
    return np.where(bad, 0, cents).astype(np.int64), bad


def format_cents(cents: np.ndarray) -> list[str]:
    """'1234.50'-style text for a column of cents (dot, two decimals, minus sign)."""
    return [
        f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"
        for c in np.asarray(cents).tolist()
    ]
