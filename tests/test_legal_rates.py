"""Rates table: shipped data, user override files and clear errors for bad rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connector.legal.rates import (
    InterestKind,
    RateTableError,
    default_rates,
    load_rates,
    parse_rates_csv,
)

RESEARCH_CSV = Path(__file__).resolve().parents[1] / ".." / "shared" / "research" / "rates.csv"
PACKAGED_CSV = Path(__file__).resolve().parents[1] / "connector" / "legal" / "rates.csv"
HEADER = "kind,effective_from,rate_percent,source\n"


def test_shipped_table_loads_and_is_cached() -> None:
    table = default_rates()
    assert table is load_rates()
    assert table.rate_on("consumer", date(2026, 3, 1)) == Decimal("4.00")
    assert table.rate_on(InterestKind.COMMERCIAL, date(2025, 6, 30)) == Decimal("11.15")
    assert table.rate_on("commercial", date(2025, 7, 1)) == Decimal("10.15")


def test_packaged_copy_matches_research_copy() -> None:
    if not RESEARCH_CSV.exists():
        pytest.skip("shared research folder not present")
    assert PACKAGED_CSV.read_text(encoding="utf-8") == RESEARCH_CSV.read_text(encoding="utf-8")


def test_unconfirmed_rows_are_flagged_and_can_be_dropped() -> None:
    table = default_rates()
    flagged = [row for row in table.rows if row.unconfirmed]
    assert [(r.kind, r.effective_from, r.rate_percent) for r in flagged] == [
        (InterestKind.COMMERCIAL, date(2026, 7, 1), Decimal("10.40"))
    ]
    assert table.confirmed_only().newest("commercial").rate_percent == Decimal("10.15")


def test_change_dates_skip_unchanged_half_years() -> None:
    table = default_rates()
    assert table.change_dates("commercial", date(2016, 1, 1), date(2023, 12, 31)) == (
        date(2016, 7, 1),
        date(2023, 1, 1),
        date(2023, 7, 1),
    )


def test_staleness_warning() -> None:
    table = default_rates()
    assert not table.is_stale("consumer", date(2026, 7, 31))
    assert table.is_stale("consumer", date(2026, 8, 1))


def test_user_file_override(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(HEADER + "consumer,2027-01-01,5,new decree\n", encoding="utf-8")
    table = load_rates(path)
    assert table.rate_on("consumer", date(2027, 6, 1)) == Decimal(5)
    assert table.origin == str(path)


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("consumer,2027-13-01,5,x\n", 2, "effective_from must be a date"),
        ("consumer,2027-01-01,5,x\nconsumr,2027-07-01,5,x\n", 3, "kind must be"),
        ("consumer,2027-01-01,five,x\n", 2, "not a number"),
        ("consumer,2027-01-01,-1,x\n", 2, "must be in [0, 100)"),
        (
            "consumer,2027-01-01,5,x\n\nconsumer,2027-01-01,6,y\n",
            4,
            "duplicate consumer rate for 2027-01-01 (first on line 2)",
        ),
        ("consumer,2027-01-01\n", 2, "expected kind,effective_from"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    path = tmp_path / "new-rates.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(RateTableError) as caught:
        load_rates(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:")
    assert fragment in message


def test_bad_header_missing_file_and_empty_table(tmp_path: Path) -> None:
    with pytest.raises(RateTableError, match=r"<memory>:1: expected header"):
        parse_rates_csv("soort,datum,rente\n")
    with pytest.raises(RateTableError, match="cannot read rates file"):
        load_rates(tmp_path / "missing.csv")
    with pytest.raises(RateTableError, match="no rate rows"):
        parse_rates_csv(HEADER)


def test_table_is_immutable() -> None:
    table = default_rates()
    with pytest.raises(AttributeError):
        table.rows = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        table.rows[0].rate_percent = Decimal(99)  # type: ignore[misc]
