"""Quality on labelled payments: the issue's thresholds, per phenomenon and overall.

Generated administrations (five numbering/reference styles, every phenomenon) and the
hand-written tricky table run through the CSV path, exactly as `bench/eval_reconcile.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.reconcile.csv_io import read_books_csv
from connector.reconcile.engine import reconcile_books
from connector.reconcile.labelled import (
    PHENOMENA,
    LabelledSet,
    read_hold_outs,
    read_labelled_csv,
    standard_sets,
)
from connector.reconcile.scoring import Tally, merge, report, score

DATA = Path(__file__).resolve().parent / "data" / "reconcile"


def evaluate(labelled: LabelledSet, folder: Path) -> dict[str, Tally]:
    inv, mut = labelled.write(folder)
    books, _ = read_books_csv(inv, mut)
    matches, flags = reconcile_books(books)
    return score(labelled.expectations, matches, flags)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Tally]:
    folder = tmp_path_factory.mktemp("labelled")
    return merge(
        evaluate(s, folder / str(k))
        for k, s in enumerate(standard_sets(31, cases_per_phenomenon=20))
    )


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> dict[str, Tally]:
    labelled = read_labelled_csv(DATA / "tricky_invoices.csv", DATA / "tricky_mutations.csv")
    return evaluate(labelled, tmp_path_factory.mktemp("tricky"))


def explain(tallies: dict[str, Tally]) -> str:
    lines = [report(tallies)]
    for name, tally in tallies.items():
        if name != "overall":
            lines += [f"WRONG {name}: {w}" for w in tally.wrong] + [
                f"missed {name}: {m}" for m in tally.missed
            ]
    return "\n".join(lines)


def test_every_phenomenon_is_generated(generated):
    assert set(PHENOMENA) <= set(generated)


def test_overall_thresholds_on_generated_payments(generated):
    overall = generated["overall"]
    assert overall.precision >= 0.995, explain(generated)
    assert overall.recall >= 0.95, explain(generated)
    assert overall.top5 >= 0.98, explain(generated)
    assert overall.flag_rate >= 0.98, explain(generated)


@pytest.mark.parametrize("phenomenon", PHENOMENA)
def test_no_phenomenon_gets_wrong_automatic_matches(generated, phenomenon):
    tally = generated[phenomenon]
    assert not tally.wrong, explain(generated)
    if tally.certain:
        assert tally.recall >= 0.95, explain(generated)
    if tally.determinable:
        assert tally.top5 >= 0.95, explain(generated)


def test_payments_that_pay_nothing_are_never_auto_matched(generated):
    for phenomenon in ("not_customer", "psp_payout", "double_payment", "outgoing"):
        assert generated[phenomenon].auto_rows == 0


def test_hand_written_tricky_cases_all_come_out_right(tricky):
    overall = tricky["overall"]
    assert overall.precision == 1.0, explain(tricky)
    assert overall.recall == 1.0, explain(tricky)
    assert overall.top5 == 1.0, explain(tricky)
    assert overall.flag_rate == 1.0, explain(tricky)


HOLD_OUTS = read_hold_outs(DATA.parent)


def test_every_hold_out_folder_is_scored():
    assert len(HOLD_OUTS) >= 4


@pytest.mark.parametrize("hold_out", HOLD_OUTS, ids=lambda h: h.folder.name)
def test_independently_labelled_set_meets_the_thresholds(tmp_path, hold_out):
    """Labelled by someone who never read the engine (tests/data/reconcile_holdout*): the
    closest stand-in for the held-out set, so the thresholds hold beyond our own generator."""
    inv, mut = hold_out.labelled().write(tmp_path)
    books, _ = read_books_csv(inv, mut)
    tallies = score(hold_out.labelled().expectations, *reconcile_books(books, hold_out.settings))
    overall = tallies["overall"]
    assert overall.precision == 1.0 and not overall.wrong, explain(tallies)
    assert overall.recall >= 0.95 and overall.top5 >= 0.98, explain(tallies)
    assert overall.flag_rate >= 0.9, explain(tallies)
