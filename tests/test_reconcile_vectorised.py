"""Whole-array building blocks against the simple per-item code they replace (oracles).

Each vectorised function must give exactly what the straightforward version gives, for
any input hypothesis can think of: the word labels in front of numbers, the ranking of
proposals, the strongest hit per pair, subset sums of many small sets at once, near-miss
reasons, the word scans of the screening, and IBAN compaction of the CSV reader.
"""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.reconcile.allocate import AUTO, SUGGESTED, rank
from connector.reconcile.classify import _OTHER_HINT, _rows_mentioning
from connector.reconcile.csv_io import (
    INVOICE_CSV_COLUMNS,
    _compact_iban,
    _compact_ibans,
    read_invoices_csv,
)
from connector.reconcile.evidence import Hits
from connector.reconcile.labels import _NUMBER_WORDS, label_before, word_label
from connector.reconcile.model import ReconcileSettings
from connector.reconcile.rulebook import shortfall, shortfalls
from connector.reconcile.subsets import subsets_reach, subsets_summing_to
from connector.reconcile.textscan import build_buffer

# -- words in front of numbers -------------------------------------------------------------
_WORDS_BACKWARDS = re.compile(rb"[^A-Z0-9]*([A-Z]+)(?:[^A-Z0-9]*([A-Z]+))?(?:[^A-Z0-9]*([A-Z]+))?")


def label_by_regex(buffer, starts: np.ndarray) -> list[int]:
    """The former implementation: one regular expression per number, read backwards."""
    lows = buffer.starts[buffer.row_of(starts)]
    out = []
    for s, lo in zip(starts.tolist(), lows.tolist(), strict=True):
        m = _WORDS_BACKWARDS.match(buffer.raw[max(lo, s - 40) : s][::-1])
        label = 0
        if m:
            words = [w[::-1].decode("latin-1") for w in m.groups() if w]
            labels = [word_label(w) for w in words if w not in _NUMBER_WORDS][:2]
            label = -1 if -1 in labels else (1 if 1 in labels else 0)
        out.append(label)
    return out


PIECES = st.sampled_from(
    [
        "factuur", "Fact.nr.", "klant", "nr", "nr.", "F", "klantnummer", "Kerkstraat",
        "betaling", "inv", "order", "é", "ß", "x" * 30, "factuurnummer" + "s" * 20,
        "klant" + "x" * 30 + "straat", "12", "2026-0041", "/", " ", "-", "€", "ü", "ab1cd",
        "NUMMER", "kenmerk", "termijn", "\n",
    ]
)  # fmt: skip
TEXTS = st.lists(st.lists(PIECES, max_size=12).map("".join), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_labels_before_numbers_match_the_regex(texts):
    buffer = build_buffer(texts)
    data = buffer.data[: len(buffer.raw)]
    digit = (data >= ord("0")) & (data <= ord("9"))
    starts = np.flatnonzero(digit & ~np.concatenate(([False], digit[:-1])))
    assert label_before(buffer, starts).tolist() == label_by_regex(buffer, starts)


def test_labels_in_words():
    texts = ["klant nr 12", "fact.nr. 12", "klantnummer F00224", "betaling 12"]
    buffer = build_buffer(texts)
    numbers = ["12", "12", "00224", "12"]
    starts = buffer.starts + np.array([t.index(n) for t, n in zip(texts, numbers, strict=True)])
    assert label_before(buffer, starts).tolist() == [-1, 1, -1, 0]


# -- ranking and the strongest hit -----------------------------------------------------------
def rank_by_pandas(matches: pd.DataFrame, due: np.ndarray, max_suggestions: int) -> pd.DataFrame:
    """The former implementation of `rank`."""
    frame = matches.assign(
        _auto=(matches["status"].to_numpy() == AUTO).astype(np.int8),
        _due=due[matches["inv"].to_numpy()],
    )
    has_auto = frame.groupby("mut")["_auto"].transform("max").to_numpy().astype(bool)
    frame = frame[~has_auto | (frame["_auto"].to_numpy() == 1)]
    frame = frame.sort_values(
        ["mut", "_auto", "confidence", "_due", "inv"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    frame = frame.drop_duplicates(["mut", "inv"], keep="first")
    position = frame.groupby("mut").cumcount().to_numpy()
    keep = (frame["_auto"].to_numpy() == 1) | (position < max_suggestions)
    return frame[keep].drop(columns=["_auto", "_due"]).reset_index(drop=True)


PROPOSALS = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.integers(0, 6),
        st.booleans(),
        st.sampled_from([0.3, 0.6, 0.6, 0.85, 0.96]),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(PROPOSALS, st.lists(st.integers(0, 5), min_size=7, max_size=7), st.integers(1, 5))
def test_rank_matches_the_pandas_version(rows, due, max_suggestions):
    matches = pd.DataFrame(
        {
            "mut": [r[0] for r in rows],
            "inv": [r[1] for r in rows],
            "amount": [100] * len(rows),
            "status": [AUTO if r[2] else SUGGESTED for r in rows],
            "confidence": [r[3] for r in rows],
            "rule": ["x"] * len(rows),
            "reason": [f"r{k}" for k in range(len(rows))],
            "remainder": [r[4] for r in rows],
        }
    )
    due = np.asarray(due, dtype=np.int64)
    pd.testing.assert_frame_equal(
        rank(matches, due, max_suggestions), rank_by_pandas(matches, due, max_suggestions)
    )


def strongest_by_pandas(hits: Hits) -> Hits:
    """The former implementation of `Hits.strongest_per_pair`."""
    frame = pd.DataFrame(
        {
            "mut": hits.mut,
            "inv": hits.inv,
            "kind": hits.kind,
            "span": hits.end - hits.start,
            "i": np.arange(len(hits)),
        }
    )
    labelled = (
        pd.Series(hits.labelled).groupby([frame["mut"], frame["inv"]]).transform("max").to_numpy()
    )
    frame = frame.sort_values(
        ["mut", "inv", "kind", "span"], ascending=[True, True, False, False], kind="stable"
    )
    keep = np.sort(frame.drop_duplicates(["mut", "inv"])["i"].to_numpy())
    out = hits.select(keep)
    return Hits(out.mut, out.inv, out.kind, labelled[keep], out.start, out.end, out.note)


HITS = st.lists(
    st.tuples(
        st.integers(0, 3), st.integers(0, 3), st.integers(0, 4), st.booleans(), st.integers(0, 5)
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(HITS)
def test_strongest_per_pair_matches_the_pandas_version(rows):
    n = len(rows)
    start = np.arange(n, dtype=np.int64) * 10
    hits = Hits(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.int64),
        np.array([r[3] for r in rows], dtype=bool),
        start,
        start + np.array([r[4] for r in rows], dtype=np.int64),
        np.array([f"n{k}" for k in range(n)], dtype=object),
    )
    got, want = hits.strongest_per_pair(), strongest_by_pandas(hits)
    for name in Hits.__slots__:
        assert getattr(got, name).tolist() == getattr(want, name).tolist(), name


# -- subset sums, near misses -----------------------------------------------------------------
SETS = st.lists(
    st.tuples(st.lists(st.integers(1, 60), min_size=0, max_size=9), st.integers(1, 150)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(SETS)
def test_subsets_reach_agrees_with_the_single_set_search(sets):
    amounts = np.array([a for values, _ in sets for a in values], dtype=np.int64)
    group = np.array([k for k, (values, _) in enumerate(sets) for _ in values], dtype=np.int64)
    targets = np.array([t for values, t in sets for _ in values], dtype=np.int64)
    reached = set(subsets_reach(amounts, group, targets).tolist())
    position = 0
    for values, target in sets:
        if values:  # an empty set has no row to name it
            found = subsets_summing_to(np.array(values, dtype=np.int64), target, max_results=1)
            assert (position in reached) == bool(found)
        position += len(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-100, 300_000), st.integers(-100, 300_000)), max_size=30))
def test_shortfalls_agree_with_shortfall(pairs):
    settings_ = ReconcileSettings()

    class Ctx:  # shortfall reads only the settings
        settings = settings_

    paid = np.array([p for p, _ in pairs], dtype=np.int64)
    open_cents = np.array([o for _, o in pairs], dtype=np.int64)
    assert shortfalls(paid, open_cents, settings_) == [shortfall(p, o, Ctx) for p, o in pairs]


# -- scans over all texts at once ----------------------------------------------------------------
WORDY = st.lists(
    st.lists(
        st.sampled_from(["rente", "RENTE", "spaar", "eigen", " rek", "İ", "x", "\x00", "ß", "VPB", " "]),
        max_size=6,
    ).map("".join),
    max_size=15,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(WORDY)
def test_word_scan_over_joined_texts_equals_a_search_per_text(texts):
    got = _rows_mentioning(texts, tuple(_OTHER_HINT.pattern.split("|"))).tolist()
    assert got == [bool(_OTHER_HINT.search(t.lower())) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["NL91ABNA0417164300", "nl91 abna 0417", " DE89\t37", "", "ß"])))
def test_iban_compaction_equals_the_per_value_version(values):
    values = np.array(values, dtype=object)
    assert _compact_ibans(values).tolist() == [_compact_iban(v) for v in values.tolist()]


def test_contact_iban_lists_split_all_at_once(tmp_path):
    """The per-contact lists ("a;b") give the same pairs as splitting them one by one."""
    cells = ["NL91ABNA0417164300", "nl91 abna 0417 1643 00;DE89370400440532013000", "", ";"]
    cells += [" ; ", "NL..;\n", "a;b;a", "x\u00a0y;Z"]
    path = tmp_path / "invoices.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(INVOICE_CSV_COLUMNS)
        for k, cell in enumerate(cells):
            writer.writerow(
                [f"i{k}", f"2026-{k}", f"c{k}", f"Name {k}", cell, "2026-01-01", "2026-02-01"]
                + ["EUR", "1.00", "1.00", ""]
            )
    pairs = read_invoices_csv(path)[2].values.tolist()
    assert pairs == [
        ["c0", "NL91ABNA0417164300"],
        ["c1", "NL91ABNA0417164300"],
        ["c1", "DE89370400440532013000"],
        ["c5", "NL.."],
        ["c6", "A"],
        ["c6", "B"],
        ["c7", "X\u00a0Y"],
        ["c7", "Z"],
    ]
