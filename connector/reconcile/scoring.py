"""Quality of the engine's output against labelled payments, per phenomenon and overall.

auto precision  share of automatic allocations (rows) that pay an invoice the payment
                really pays; payments that pay nothing count as wrong when auto-matched.
auto recall     share of payments labelled `certain` whose invoices were all matched
                automatically (and nothing else automatically).
top-5           share of payments with determinable invoices whose invoices all appear
                among the automatic rows or the (at most five) suggestions.
flags           share of payments labelled with a flag that got that flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from connector.reconcile.labelled import Expectation


@dataclass
class Tally:
    auto_rows: int = 0
    auto_right: int = 0
    certain: int = 0
    certain_found: int = 0
    determinable: int = 0
    in_top5: int = 0
    flagged: int = 0
    flag_found: int = 0
    payments: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in (
            "auto_rows",
            "auto_right",
            "certain",
            "certain_found",
            "determinable",
            "in_top5",
            "flagged",
            "flag_found",
            "payments",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wrong += other.wrong
        self.missed += other.missed

    @staticmethod
    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def precision(self) -> float | None:
        return self.ratio(self.auto_right, self.auto_rows)

    @property
    def recall(self) -> float | None:
        return self.ratio(self.certain_found, self.certain)

    @property
    def top5(self) -> float | None:
        return self.ratio(self.in_top5, self.determinable)

    @property
    def flag_rate(self) -> float | None:
        return self.ratio(self.flag_found, self.flagged)


def score(
    expectations: Mapping[str, Expectation], matches: pd.DataFrame, flags: pd.DataFrame
) -> dict[str, Tally]:
    """Tallies per phenomenon (key 'overall' for all) from the engine's match and flag frames."""
    auto: dict[str, set[str]] = defaultdict(set)
    auto_count: dict[str, int] = defaultdict(int)
    shown: dict[str, set[str]] = defaultdict(set)
    for mutation_id, invoice_id, status in matches[
        ["mutation_id", "invoice_id", "status"]
    ].itertuples(index=False):
        shown[mutation_id].add(invoice_id)
        if status == "auto":
            auto[mutation_id].add(invoice_id)
            auto_count[mutation_id] += 1
    raised: dict[str, set[str]] = defaultdict(set)
    for mutation_id, kind in flags[["mutation_id", "kind"]].itertuples(index=False):
        raised[mutation_id].add(kind)

    tallies: dict[str, Tally] = defaultdict(Tally)
    for mutation_id, truth in expectations.items():
        t = tallies[truth.phenomenon]
        t.payments += 1
        expected = set(truth.invoices)
        got_auto = auto.get(mutation_id, set())
        t.auto_rows += auto_count.get(mutation_id, 0)
        right = len(got_auto & expected)
        t.auto_right += right
        if got_auto - expected:
            t.wrong.append(
                f"{mutation_id}: auto {sorted(got_auto - expected)} expected {sorted(expected)}"
            )
        if truth.certain:
            t.certain += 1
            if got_auto == expected:
                t.certain_found += 1
            else:
                t.missed.append(
                    f"{mutation_id}: auto {sorted(got_auto)} expected {sorted(expected)}"
                )
        if truth.determinable and expected:
            t.determinable += 1
            if expected <= shown.get(mutation_id, set()):
                t.in_top5 += 1
            elif not truth.certain:
                t.missed.append(
                    f"{mutation_id}: shown {sorted(shown.get(mutation_id, set()))} "
                    f"expected {sorted(expected)}"
                )
        if truth.flag:
            t.flagged += 1
            if truth.flag in raised.get(mutation_id, set()):
                t.flag_found += 1
            else:
                t.missed.append(
                    f"{mutation_id}: flag {truth.flag} missing (got "
                    f"{sorted(raised.get(mutation_id, []))})"
                )
    overall = Tally()
    for t in tallies.values():
        overall.add(t)
    out = dict(sorted(tallies.items()))
    out["overall"] = overall
    return out


def merge(results: Iterable[dict[str, Tally]]) -> dict[str, Tally]:
    total: dict[str, Tally] = defaultdict(Tally)
    for result in results:
        for name, tally in result.items():
            total[name].add(tally)
    overall = total.pop("overall", Tally())
    out = dict(sorted(total.items()))
    out["overall"] = overall
    return out


def report(tallies: Mapping[str, Tally]) -> str:
    """A fixed-width table: phenomenon, payments, auto precision, auto recall, top-5, flags."""

    def pct(value: float | None) -> str:
        return "    -" if value is None else f"{value:5.3f}"

    lines = [
        (
            f"{'phenomenon':<24}{'n':>6}  {'auto prec':>9} {'(rows)':>7}  {'auto rec':>8} "
            f"{'(n)':>5}  "
            f"{'top-5':>6} {'(n)':>5}  {'flags':>6}"
        )
    ]
    for name, t in tallies.items():
        if name == "overall":
            lines.append("-" * len(lines[0]))
        lines.append(
            f"{name:<24}{t.payments:>6}  {pct(t.precision):>9} {t.auto_rows:>7}  "
            f"{pct(t.recall):>8} "
            f"{t.certain:>5}  {pct(t.top5):>6} {t.determinable:>5}  {pct(t.flag_rate):>6}"
        )
    return "\n".join(lines)
