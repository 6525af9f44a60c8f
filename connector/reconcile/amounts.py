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
    lengths = np.char.str_len(raw) if n else np.zeros(0, dtype=np.int64)
    too_long = lengths > _WIDTH
    # only as wide as the longest text (amounts are usually under ten characters)
    width = int(min(lengths.max(), _WIDTH)) if n else 1
    width = max(width, 1)
    raw = raw.astype(f"S{width}")
    m = raw.view(np.uint8).reshape(n, width) if n else np.zeros((0, width), np.uint8)
    # column by column (one contiguous row of the transposed bytes each): numpy reduces
    # a short axis of a wide matrix slowly
    columns = np.ascontiguousarray(m.T)
    sign = (columns[0] == ord("-")) | (columns[0] == ord("+"))
    fits = np.ones(n, dtype=bool)  # only digits, one dot, a sign in front, NUL padding
    dots = np.zeros(n, dtype=np.int64)
    length = np.zeros(n, dtype=np.int64)
    dot_at = np.full(n, -1, dtype=np.int64)
    cents = np.zeros(n, dtype=np.int64)
    ended = np.zeros(n, dtype=bool)  # a NUL byte seen: only padding may follow
    for k, column in enumerate(columns):
        used = column != 0
        digit = (column >= ord("0")) & (column <= ord("9"))
        dot = column == ord(".")
        fits &= (digit | dot | ~used | (sign if k == 0 else False)) & ~(ended & used)
        ended |= ~used
        dots += dot
        length += used
        dot_at[(dot_at < 0) & dot] = k
        cents = np.where(digit, cents * 10 + (column.astype(np.int64) - 48), cents)
    bad = too_long | ~fits | (dots > 1) | (length == 0) | (columns[0] == 0 if n else False)
    has_dot = dot_at >= 0
    dot_at = np.where(has_dot, dot_at, length)
    decimals = np.where(has_dot, length - dot_at - 1, 0)
    whole_digits = dot_at - sign.astype(np.int64)
    bad |= (whole_digits < 1) | (whole_digits > MAX_DIGITS) | (decimals > 2)
    cents = cents * np.array([100, 10, 1], dtype=np.int64)[np.clip(decimals, 0, 2)]
    cents = np.where(columns[0] == ord("-"), -cents, cents) if n else cents
    return np.where(bad, 0, cents).astype(np.int64), bad


_CENTS_TEXT = np.array([f".{k:02d}" for k in range(100)], dtype=object)


def format_cents(cents: np.ndarray) -> list[str]:
    """'1234.50'-style text for a column of cents (dot, two decimals, minus sign).

    Whole euros and cents are split in numpy; the cents come from a table of the hundred
    endings, so each value costs one int-to-text conversion and one concatenation.
    """
    cents = np.asarray(cents, dtype=np.int64)
    size = np.abs(cents)
    out = list(map("{}{}".format, (size // 100).tolist(), _CENTS_TEXT[size % 100].tolist()))
    for i in np.flatnonzero(cents < 0).tolist():
        out[i] = "-" + out[i]
    return out
