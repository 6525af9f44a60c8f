"""Exact's OData: `/Date(ms)/` as Amsterdam wall time, literals, exact decimals, filters."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.exact_online import mapping, odata
from adapters.exact_online.sim_odata import FilterError, ODataFilter, exact_dumps
from connector.records import ContactKind

wall_times = st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2080, 12, 31)).map(
    lambda d: d.replace(microsecond=(d.microsecond // 1000) * 1000)
)


def test_a_date_only_value_is_the_calendar_date_exact_shows() -> None:
    # Exact writes midnight wall time as if it were UTC; converting it as real UTC would be
    # harmless here, but Exact's own FAQ says "CET, not GMT", so the number *is* the wall time.
    assert odata.parse_date("/Date(1704067200000)/") == date(2024, 1, 1)
    assert odata.parse_date("/Date(1719792000000)/") == date(2024, 7, 1)
    assert odata.parse_date(None) is None and odata.parse_date("") is None


def test_an_explicit_offset_is_converted_to_amsterdam_wall_time() -> None:
    # 2024-06-30T22:00Z is 2024-07-01T00:00 in Amsterdam (summer time).
    assert odata.parse_wall_time("/Date(1719784800000+0000)/") == datetime(2024, 7, 1, 0, 0)
    assert odata.parse_datetime("/Date(1704067200000)/").utcoffset() == timedelta(hours=1)


@given(wall_times)
def test_wall_time_round_trips_through_exacts_format(moment: datetime) -> None:
    assert odata.parse_wall_time(odata.format_wall_time(moment)) == moment


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 1, 1)))
def test_dates_round_trip_unshifted(day: date) -> None:
    assert odata.parse_date(odata.format_wall_time(day)) == day


def test_malformed_dates_are_refused_with_the_value() -> None:
    with pytest.raises(ValueError, match="not an OData date: '2024-01-01'"):
        odata.parse_date("2024-01-01")


def test_filter_literals() -> None:
    assert odata.datetime_literal(date(2024, 3, 1)) == "datetime'2024-03-01T00:00:00'"
    aware = datetime(2024, 6, 30, 22, 0, tzinfo=odata.AMSTERDAM).astimezone(odata.AMSTERDAM)
    assert odata.datetime_literal(aware) == "datetime'2024-06-30T22:00:00'"
    assert (
        odata.guid_literal("8F4E6A5B-1C2D-4E3F-9A8B-7C6D5E4F3A2B")
        == "guid'8f4e6a5b-1c2d-4e3f-9a8b-7c6d5e4f3a2b'"
    )
    assert odata.string_literal("O'Brien") == "'O''Brien'"
    with pytest.raises(ValueError):
        odata.guid_literal("x' or 1 eq 1 or ID eq guid'y")


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False))
def test_amounts_travel_as_exact_json_numbers(amount: Decimal) -> None:
    text = odata.dumps({"AmountFC": amount})
    assert '"' not in text.split(":", 1)[1]
    assert odata.loads(text)["AmountFC"] == amount


def test_the_simulators_filter_subset() -> None:
    row = {
        "Timestamp": 15,
        "Account": "ab-cd",
        "Notes": "Zie [connector:k1]",
        "DueDate": date(2024, 5, 1),
        "Status": 20,
        "Name": "  Bakkerij  ",
    }
    cases = {
        "Timestamp gt 14L": True,
        "Timestamp gt 15L": False,
        "Account eq guid'AB-CD'": True,
        "substringof('[connector:k1]', Notes) eq true": True,
        "DueDate lt datetime'2024-05-02T00:00:00'": True,
        "Status lt 50 and (Status eq 30 or Status eq 20)": True,
        "not (Status eq 20)": False,
        "trim(Name) eq 'Bakkerij'": True,
        "Notes eq null": False,
    }
    for text, expected in cases.items():
        assert ODataFilter(text)(row) is expected, text
    assert ODataFilter("Timestamp gt 1L and Status eq 20").fields == {"Timestamp", "Status"}
    for bad in ("Timestamp gt", "Timestamp gt 1L)", "frobnicate(Name) eq 1", "Name eq 'open"):
        with pytest.raises(FilterError):
            ODataFilter(bad)


def test_the_simulator_writes_exacts_json() -> None:
    text = exact_dumps(
        {"AmountFC": Decimal("121.00"), "DueDate": date(2024, 1, 1), "IsFullyPaid": False}
    )
    assert text == '{"AmountFC":121.00,"DueDate":"/Date(1704067200000)/","IsFullyPaid":false}'


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ({"Name": "J. de Vries"}, ContactKind.UNKNOWN),
        ({"Name": "J. de Vries", "ChamberOfCommerce": "12345678"}, ContactKind.COMPANY),
        ({"Name": "Bakkerij Jansen B.V."}, ContactKind.COMPANY),
        ({"Name": "Stichting Het Anker"}, ContactKind.COMPANY),
        ({"Name": "Nvidia-fan J. Smit"}, ContactKind.UNKNOWN),
        ({"Name": "Uitvaartzorg Bos V.O.F."}, ContactKind.COMPANY),
    ],
)
def test_contact_kind_heuristics(row, kind) -> None:
    assert mapping.contact_kind(row) is kind


def test_contacts_normalise_ibans_emails_and_language() -> None:
    contact = mapping.contact_from_row(
        {
            "ID": "8F4E6A5B-1C2D-4E3F-9A8B-7C6D5E4F3A2B",
            "Code": "          1001",
            "Name": "Visser V.O.F.",
            "Email": "a@visser.nl; b@visser.nl",
            "Language": "EN",
        },
        [
            {
                "ID": "11111111-0000-4000-8000-000000000000",
                "BankAccount": "nl91 abna 0417 1643 00",
                "Main": False,
            },
            {
                "ID": "22222222-0000-4000-8000-000000000000",
                "BankAccount": "NL44RABO0123456789",
                "Main": True,
            },
        ],
    )
    assert contact.host_id == "8f4e6a5b-1c2d-4e3f-9a8b-7c6d5e4f3a2b"
    assert contact.ibans == ("NL44RABO0123456789", "NL91ABNA0417164300")  # main account first
    assert contact.emails == ("a@visser.nl", "b@visser.nl") and contact.language == "en"
    assert contact.customer_number == "1001"
    assert re.search(r"\|ba:11111111\.\w{4},22222222\.\w{4}$", contact.version)  # id + Modified
