"""The byte-level scanner: digit groups, chunks, look-alike numbers, SEPA tags, RF references."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from connector.reconcile.textscan import (
    build_buffer,
    envelope_zones,
    find_groups,
    find_rf_candidates,
    find_tags,
)


def scan(*texts: str):
    buffer = build_buffer(list(texts))
    tags = find_tags(buffer)
    zones = envelope_zones(tags)
    return buffer, tags, find_groups(buffer, zones)


def chunks(*texts: str) -> list[tuple[int, str, bool]]:
    """(row, chunk text, any noise) per chunk, as the engine would see it."""
    buffer, _, groups = scan(*texts)
    out: dict[int, list] = {}
    for i in range(len(groups)):
        entry = out.setdefault(
            int(groups.chunk[i]), [int(groups.row[i]), int(groups.start[i]), 0, False]
        )
        entry[2] = int(groups.end[i])
        entry[3] = entry[3] or bool(groups.noise[i])
    return [(row, buffer.raw[a:b].decode("latin-1"), noise) for row, a, b, noise in out.values()]


def test_chunks_join_groups_over_one_separator_or_a_spaced_dash():
    assert chunks("Factuur 2026-0041 en 2026 - 0042") == [
        (0, "2026-0041", False),
        (0, "2026 - 0042", False),
    ]
    assert chunks("kenmerk 5000 0567 8901 2345") == [(0, "5000 0567 8901 2345", False)]
    assert chunks("F2026.0041/0042") == [(0, "2026.0041/0042", False)]


def test_rows_are_kept_apart_even_with_newlines_inside_a_text():
    assert [c[0] for c in chunks("regel 1\nregel 2", "2026-0041", "", "42")] == [0, 0, 1, 3]


def test_dates_amounts_and_postcodes_are_noise():
    found = {
        text: noise
        for _, text, noise in chunks(
            "d.d. 12-03-2026 en 2026-03-12, bedrag 1.234,56 of EUR 121.00 of € 45 of 45 EUR, "
            "1234 AB Utrecht, "
            "factuur 2026-0041"
        )
    }
    assert found["12-03-2026"] and found["2026-03-12"]
    assert found["1.234"] and found["121.00"] and found["45"]
    assert found["1234"]
    assert found["2026-0041"] is False


def test_mixed_codes_like_ibans_and_psp_ids_are_left_out():
    texts = [c[1] for c in chunks("IBAN NL91ABNA0417164300 ref M2438111M12 F2026 factuur2026-0041")]
    assert texts == ["2026", "2026-0041"]


def test_sepa_envelope_is_skipped_and_remittance_kept():
    buffer, tags, groups = scan(
        "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/KLANT 123 "
        "BV/REMI/Factuur 2026-0041"
        "/EREF/20260042"
    )
    found = [buffer.raw[groups.start[i] : groups.end[i]].decode() for i in range(len(groups))]
    assert found == ["2026", "0041", "20260042"]
    assert tags.values(buffer, "NAME") == {0: "KLANT 123 BV"}
    assert tags.values(buffer, "IBAN") == {0: "NL91ABNA0417164300"}


def test_group_values_drop_leading_zeros_and_refuse_huge_numbers():
    _, _, groups = scan("0041 " + "9" * 25)
    assert groups.value.tolist() == [41, -1]
    assert groups.length.tolist() == [4, 25]


def test_rf_candidates_in_any_case_spaced_or_glued():
    """The candidate may run on into the next word; the engine tries its prefixes."""
    buffer = build_buffer(
        ["betaling rf18 5390 0754 7034 dank", "RF18539007547034factuur", "REF18 5390", "xRF18"]
    )
    found = [(row, text) for row, text, _ in find_rf_candidates(buffer)]
    assert found == [(0, "RF18539007547034DANK"), (1, "RF18539007547034FACTUUR")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("0123456789 -./,ABCRFabc€é/:\n"), max_size=40), max_size=6
    )
)
def test_any_text_scans_and_every_group_is_digits_of_its_own_row(texts):
    buffer, _, groups = scan(*texts)
    for i in range(len(groups)):
        row = int(groups.row[i])
        start, end = int(groups.start[i]), int(groups.end[i])
        assert buffer.starts[row] <= start < end <= buffer.ends[row]
        assert buffer.raw[start:end].isdigit()
        if groups.length[i] <= 18:
            assert groups.value[i] == int(buffer.raw[start:end])
