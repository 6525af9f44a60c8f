"""Collecting proposals, and settling conflicts between payments globally.

Rules decide per payment; this module makes the whole batch consistent:
    * an invoice is never allocated more than it has open: when automatic matches of
      several payments together claim more than an invoice has open (two payments quoting
      the same invoice, two equal transfers for one monthly fee), none of them is
      automatic: all become suggestions and each payment gets an `ambiguous` flag. Which
      payment came first does not matter, with one exception: when one payer sends the
      same full payment for one invoice twice (each payment alone quoting and settling it),
      the earliest pays it and the later ones are flagged as overpayments.
    * a payment split over several invoices is automatic for all of them or for none.
    * at most `max_suggestions` suggestions per payment, best first; a payment with an
      automatic match keeps no suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

AUTO, SUGGESTED = "auto", "suggested"


@dataclass(eq=False)
class Collector:
    """Proposals from all rules, in arrays (vectorised rules) or lists (per-payment rules)."""

    _matches: list[pd.DataFrame] = field(default_factory=list)
    _rows: list[tuple] = field(default_factory=list)
    _flag_rows: list[tuple] = field(default_factory=list)
    _touched: set[int] = field(default_factory=set)

    def has_rows_for(self, mut: int) -> bool:
        """Whether a per-payment rule already proposed something for this payment."""
        return mut in self._touched

    def add(
        self,
        mut: int,
        inv: int,
        amount: int,
        status: str,
        confidence: float,
        rule: str,
        reason: str,
        remainder: int,
    ) -> None:
        self._rows.append((mut, inv, amount, status, confidence, rule, reason, remainder))
        self._touched.add(mut)

    def discard(self, mut: int) -> None:
        """Forget the per-payment proposals for a payment (it turned out not to pay invoices)."""
        if mut in self._touched:
            self._rows = [r for r in self._rows if r[0] != mut]
            self._touched.discard(mut)

    def add_many(self, frame: pd.DataFrame) -> None:
        self._matches.append(frame)

    def flag(self, mut: int, kind: str, reason: str, amount: int, inv: int = -1) -> None:
        self._flag_rows.append((mut, kind, reason, amount, inv))

    def matches(self) -> pd.DataFrame:
        frames = [f for f in self._matches if len(f)]
        if self._rows:
            frames.append(pd.DataFrame(self._rows, columns=MATCH_COLUMNS))
        if not frames:
            return empty_matches()
        return pd.concat(frames, ignore_index=True)[list(MATCH_COLUMNS)]

    def flags(self) -> pd.DataFrame:
        if not self._flag_rows:
            return empty_flags()
        return pd.DataFrame(self._flag_rows, columns=FLAG_COLUMNS)

    def take(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Everything collected so far; the collector starts empty again."""
        out = self.matches(), self.flags()
        self._matches, self._rows, self._flag_rows = [], [], []
        self._touched = set()
        return out


MATCH_COLUMNS = ("mut", "inv", "amount", "status", "confidence", "rule", "reason", "remainder")
FLAG_COLUMNS = ("mut", "kind", "reason", "amount", "inv")


def matches_frame(mut: np.ndarray, inv: np.ndarray, amount: np.ndarray, *, status: object,
                  confidence: object, rule: object, reason: list[str], remainder: object = 0) -> pd.DataFrame:
    """Match rows for whole arrays at once (the fast paths); scalars are broadcast."""
    n = len(mut)
    return pd.DataFrame(
        {
            "mut": mut,
            "inv": inv,
            "amount": amount,
            "status": np.broadcast_to(status, n),
            "confidence": np.broadcast_to(np.asarray(confidence, dtype=float), n),
            "rule": np.broadcast_to(rule, n),
            "reason": reason,
            "remainder": np.broadcast_to(np.asarray(remainder, dtype=np.int64), n),
        },
        columns=list(MATCH_COLUMNS),
    )


def empty_matches() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mut": np.zeros(0, np.int64),
            "inv": np.zeros(0, np.int64),
            "amount": np.zeros(0, np.int64),
            "status": pd.Series([], dtype=str),
            "confidence": np.zeros(0),
            "rule": pd.Series([], dtype=str),
            "reason": pd.Series([], dtype=str),
            "remainder": np.zeros(0, np.int64),
        }
    )


def empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mut": np.zeros(0, np.int64),
            "kind": pd.Series([], dtype=str),
            "reason": pd.Series([], dtype=str),
            "amount": np.zeros(0, np.int64),
            "inv": np.zeros(0, np.int64),
        }
    )


def settle_conflicts(
    matches: pd.DataFrame,
    capacity: np.ndarray,
    numbers: np.ndarray,
    payer: np.ndarray | None = None,
    day: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Demote automatic matches that together claim more than an invoice has open.

    Returns the matches (demoted rows now `suggested`) and `ambiguous` flags for them;
    with `payer` (the account each payment came from) and `day`, a payer's repeated full
    payment of one invoice is an `overpayment` flag instead (see `_repeated_payments`).
    """
    auto = matches["status"].to_numpy() == AUTO
    if not auto.any():
        return matches, empty_flags()
    repeats = empty_flags()
    if payer is not None and day is not None:
        matches, repeats = _repeated_payments(matches, capacity, numbers, payer, day)
        auto = matches["status"].to_numpy() == AUTO
    matches, conflicts = _demote_conflicts(matches, capacity, numbers, auto)
    flags = [f for f in (repeats, conflicts) if len(f)]
    return matches, pd.concat(flags, ignore_index=True) if flags else empty_flags()


def _repeated_payments(
    matches: pd.DataFrame, capacity: np.ndarray, numbers: np.ndarray, payer: np.ndarray,
    day: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One payer paying one invoice in full twice ("FACTUURNUMMER 26100010" on 3 and 20 March):
    the earliest payment pays it, the later ones leave the matches as overpayments.

    Only where every automatic claim on the invoice is its payment's only claim, equals the
    whole open amount, and comes from the same known account: anything else stays ambiguous.
    """
    auto = matches["status"].to_numpy() == AUTO
    mut = matches["mut"].to_numpy(dtype=np.int64)
    inv = matches["inv"].to_numpy(dtype=np.int64)
    amount = matches["amount"].to_numpy(dtype=np.int64)
    claims = np.bincount(inv[auto], minlength=len(capacity))
    rows_of_payment = np.bincount(mut[auto], minlength=int(mut.max()) + 1)
    candidates = np.flatnonzero(auto & (claims[inv] > 1))
    if len(candidates) == 0:
        return matches, empty_flags()
    later: list[int] = []
    flags = []
    frame = pd.DataFrame({"row": candidates, "inv": inv[candidates], "mut": mut[candidates]})
    for invoice, group in frame.groupby("inv", sort=True):
        rows = group["row"].to_numpy()
        payments = mut[rows]
        accounts = {str(payer[p]) for p in payments.tolist()}
        if (
            len(rows) != claims[invoice]
            or (rows_of_payment[payments] != 1).any()
            or (amount[rows] != capacity[invoice]).any()
            or len(accounts) != 1
            or accounts == {""}
        ):
            continue
        order = rows[np.lexsort((payments, day[payments]))]
        for row in order[1:].tolist():
            later.append(row)
            flags.append(
                (
                    int(mut[row]),
                    "overpayment",
                    (
                        f"Invoice {numbers[invoice]} is paid already by an earlier payment of "
                        "this payer in this batch (same account, same amount); this one is a "
                        "double payment: refund it or keep it as credit."
                    ),
                    int(amount[row]),
                    int(invoice),
                )
            )
    if not later:
        return matches, empty_flags()
    drop = np.isin(mut, mut[later])
    return matches[~drop].reset_index(drop=True), pd.DataFrame(flags, columns=FLAG_COLUMNS)


def _demote_conflicts(
    matches: pd.DataFrame, capacity: np.ndarray, numbers: np.ndarray, auto: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not auto.any():
        return matches, empty_flags()
    inv = matches["inv"].to_numpy()
    amount = matches["amount"].to_numpy()
    claimed = np.bincount(inv[auto], weights=amount[auto], minlength=len(capacity)).astype(np.int64)
    over = claimed > np.maximum(capacity, 0)
    bad_rows = auto & over[inv]
    if not bad_rows.any():
        return matches, empty_flags()
    bad_muts = np.unique(matches["mut"].to_numpy()[bad_rows])
    demote = auto & np.isin(matches["mut"].to_numpy(), bad_muts)
    out = matches.copy()
    status = out["status"].to_numpy(dtype=object).copy()
    status[demote] = SUGGESTED
    confidence = out["confidence"].to_numpy(dtype=float).copy()
    confidence[demote] = np.minimum(confidence[demote], 0.7)
    out["status"] = status
    out["confidence"] = confidence
    reasons = out["reason"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(demote).tolist():
        reasons[i] = (
            f"{reasons[i]} Not automatic: another payment in this batch claims the same invoice."
        )
    out["reason"] = reasons
    rows = []
    for mut, group in out[demote].groupby("mut", sort=True):
        invs = ", ".join(str(numbers[i]) for i in group["inv"].unique())
        rows.append(
            (
                int(mut),
                "ambiguous",
                (
                    f"Several payments claim invoice {invs}; decide which one pays it "
                    "(the other may be a double payment)."
                ),
                int(group["amount"].sum()),
                int(group["inv"].iloc[0]),
            )
        )
    return out, pd.DataFrame(rows, columns=FLAG_COLUMNS)


def allocated(matches: pd.DataFrame, n_invoices: int) -> np.ndarray:
    """Cents allocated automatically to each invoice."""
    auto = matches["status"].to_numpy() == AUTO
    return np.bincount(
        matches["inv"].to_numpy()[auto],
        weights=matches["amount"].to_numpy()[auto],
        minlength=n_invoices,
    ).astype(np.int64)


def rank(matches: pd.DataFrame, due: np.ndarray, max_suggestions: int) -> pd.DataFrame:
    """Per payment: automatic rows first, else the best suggestions (ties: oldest due first)."""
    if len(matches) == 0:
        return matches
    mut = matches["mut"].to_numpy(dtype=np.int64)
    inv = matches["inv"].to_numpy(dtype=np.int64)
    auto = matches["status"].to_numpy() == AUTO
    confidence = matches["confidence"].to_numpy(dtype=float)
    has_auto = np.zeros(int(mut.max()) + 1, dtype=bool)
    has_auto[mut[auto]] = True
    rows = np.flatnonzero(~has_auto[mut] | auto)
    # by payment; automatic first, then most confident, oldest due, lowest invoice row
    order = rows[np.lexsort((inv[rows], due[inv[rows]], -confidence[rows], ~auto[rows], mut[rows]))]
    pair = mut[order] * (int(inv.max()) + 1) + inv[order]
    _, best = np.unique(pair, return_index=True)  # first = best row of each (payment, invoice)
    order = order[np.sort(best)]
    m = mut[order]
    new_payment = np.ones(len(order), dtype=bool)
    new_payment[1:] = m[1:] != m[:-1]
    position = np.arange(len(order)) - np.maximum.accumulate(
        np.where(new_payment, np.arange(len(order)), 0)
    )
    keep = auto[order] | (position < max_suggestions)
    return matches.iloc[order[keep]].reset_index(drop=True)
