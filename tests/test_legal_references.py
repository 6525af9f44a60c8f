"""Betalingskenmerk and RF references: spec vectors (note §6) and check-digit properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.legal.references import (
    betalingskenmerk_check_digit,
    format_betalingskenmerk,
    format_rf,
    is_valid_betalingskenmerk,
    is_valid_rf,
    make_betalingskenmerk,
    make_rf,
    normalise_reference,
)

CHECKED_LENGTHS = (9, 10, 11, 12, 13, 14, 16)


def test_normalise_strips_separators_and_upper_cases() -> None:
    assert normalise_reference(" rf18 5390.0754-7034 ") == "RF18539007547034"
    assert normalise_reference("5000\u00a00567 8901/2345") == "5000056789012345"


@pytest.mark.parametrize(
    "ref",
    ["5000 0567 8901 2345", "5000056789012345", "5000.0567.8901.2345", "12 2345 3462 2567"],
)
def test_spec_examples_are_valid(ref: str) -> None:
    assert is_valid_betalingskenmerk(ref)


def test_spec_example_check_digits() -> None:
    # (5)000 0567 8901 2345: A = 215, 215 mod 11 = 6, C = 5
    assert betalingskenmerk_check_digit("000056789012345") == 5
    # Betaalvereniging: C=1, L=2 (12 digits follow), check over "2 234534622567" -> A = 263
    assert betalingskenmerk_check_digit("2234534622567") == 1
    assert make_betalingskenmerk("56789012345") == "5000056789012345"
    assert make_betalingskenmerk("234534622567", length=14) == "12234534622567"


@pytest.mark.parametrize(
    "ref",
    [
        "5000056789012346",  # wrong check digit
        "500005678901234",  # 15 digits: undefined length
        "12345678",  # 8 digits: undefined length
        "13234534622567",  # length code L wrong for 14 digits (should be 2)
        "5000O56789012345",  # letter O
        "",
        "RF18539007547034",
    ],
)
def test_invalid_betalingskenmerk(ref: str) -> None:
    assert not is_valid_betalingskenmerk(ref)


def test_seven_digits_have_no_check_and_need_opt_in() -> None:
    assert make_betalingskenmerk(1234567, length=7) == "1234567"
    assert not is_valid_betalingskenmerk("1234567")
    assert is_valid_betalingskenmerk("1234567", allow_unchecked=True)


def test_make_betalingskenmerk_from_invoice_numbers() -> None:
    made = make_betalingskenmerk("2024-0012")
    assert made == "5000000020240012" and is_valid_betalingskenmerk(made)
    assert make_betalingskenmerk(20240012) == made
    assert format_betalingskenmerk(made) == "5000 0000 2024 0012"


@pytest.mark.parametrize(
    ("number", "length", "fragment"),
    [
        ("INV-12", 16, "non-digits"),
        ("1234567890123456", 16, "room for 15"),
        ("1234567890", 9, "room for 7"),
        ("12", 8, "not defined"),
        ("12", 15, "not defined"),
        ("", 16, "empty"),
        (-5, 16, "negative"),
    ],
)
def test_make_betalingskenmerk_refuses(number: str | int, length: int, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make_betalingskenmerk(number, length)


@pytest.mark.parametrize(
    "ref",
    [
        "RF18 5390 0754 7034",
        "RF19AB2G59X56V543",
        "RF45 1234 5123 45",
        "RF68AB2G5",
        "RF720HYA6",
        "rf18539007547034",
    ],
)
def test_rf_vectors_valid(ref: str) -> None:
    assert is_valid_rf(ref)


@pytest.mark.parametrize(
    "ref",
    [
        "RF19GAX8WS5JYOOUJ87",
        "RF17 5390 0754 7034",
        "RF18",
        "XX18539007547034",
        "RF1X5390",
        "RF18_5390*07",
    ],
)
def test_rf_vectors_invalid(ref: str) -> None:
    assert not is_valid_rf(ref)


def test_make_and_format_rf() -> None:
    assert make_rf("539007547034") == "RF18539007547034"
    assert make_rf("ab2g5") == "RF68AB2G5"
    assert make_rf("inv-2024/12") == make_rf("INV202412")
    assert format_rf("rf18539007547034") == "RF18 5390 0754 7034"
    with pytest.raises(ValueError):
        make_rf("A" * 22)
    with pytest.raises(ValueError):
        make_rf("fact#12")


LENGTH_ROOM = {9: 7, 10: 8, 11: 9, 12: 10, 13: 11, 14: 12, 16: 15}


@st.composite
def kenmerk(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from(CHECKED_LENGTHS))
    number = draw(st.integers(min_value=0, max_value=10 ** LENGTH_ROOM[length] - 1))
    return make_betalingskenmerk(number, length)


@settings(max_examples=300)
@given(kenmerk())
def test_betalingskenmerk_round_trip(ref: str) -> None:
    assert is_valid_betalingskenmerk(ref)
    assert is_valid_betalingskenmerk(format_betalingskenmerk(ref))


@settings(max_examples=200)
@given(kenmerk(), st.data())
def test_single_digit_errors_detected(ref: str, data: st.DataObject) -> None:
    # Weights are 1..10 (non-zero mod 11) so every substitution changes A mod 11; only the
    # folding of C=10 -> 1 can hide it, which needs the original check digit to be 1.
    position = data.draw(st.integers(min_value=0, max_value=len(ref) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != ref[position]]))
    mutated = ref[:position] + replacement + ref[position + 1 :]
    if position == 0 or ref[0] != "1":
        assert not is_valid_betalingskenmerk(mutated)


@settings(max_examples=200)
@given(kenmerk(), st.data())
def test_adjacent_transpositions_detected(ref: str, data: st.DataObject) -> None:
    # Neighbouring weights (2,4,8,5,10,9,7,3,6,1, wrapping) always differ, so swapping two
    # different neighbours after the check digit changes A mod 11 (again unless C is 1).
    position = data.draw(st.integers(min_value=1, max_value=len(ref) - 2))
    a, b = ref[position], ref[position + 1]
    if a == b or ref[0] == "1":
        return
    mutated = ref[:position] + b + a + ref[position + 2 :]
    assert not is_valid_betalingskenmerk(mutated)


def test_check_digit_one_folding_is_a_known_limit() -> None:
    # A mod 11 == 1 and A mod 11 == 10 both give C = 1: payload "1" (A=2) vs "6" -> find a pair.
    payloads = [f"{n:015d}" for n in range(200)]
    ones = [p for p in payloads if betalingskenmerk_check_digit(p) == 1]
    remainders = {
        sum(
            int(d) * w
            for d, w in zip(reversed(p), (2, 4, 8, 5, 10, 9, 7, 3, 6, 1) * 2, strict=False)
        )
        % 11
        for p in ones
    }
    assert remainders == {1, 10}


@settings(max_examples=200)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=21))
def test_rf_round_trip(body: str) -> None:
    made = make_rf(body)
    assert made.endswith(body) and len(made) == len(body) + 4
    assert is_valid_rf(made) and is_valid_rf(format_rf(made).lower())


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=1, max_size=21), st.data())
def test_rf_single_digit_errors_detected(body: str, data: st.DataObject) -> None:
    made = make_rf(body)
    position = data.draw(st.integers(min_value=2, max_value=len(made) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != made[position]]))
    assert not is_valid_rf(made[:position] + replacement + made[position + 1 :])
