"""`connector legal …` through a real subprocess (entry point wiring) and click's runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from connector.cli import main

ENTRY = "import sys; from connector.cli import main; sys.argv[0] = 'connector'; main()"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_costs_subprocess() -> None:
    result = run("legal", "costs", "3000")
    assert (result.returncode, result.stdout, result.stderr) == (0, "425.00\n", "")


def test_interest_subprocess() -> None:
    result = run(
        "legal",
        "interest",
        "10000",
        "--first-day",
        "2024-06-01",
        "--last-day",
        "2025-09-30",
        "--kind",
        "commercial",
    )
    assert (result.returncode, result.stdout) == (0, "1570.08\n")


def test_bad_input_subprocess_exit_2_without_traceback() -> None:
    result = run("legal", "costs", "twaalf")
    assert result.returncode == 2
    assert "'twaalf' is not an amount" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_reference_subprocess() -> None:
    made = run("legal", "reference", "make", "2024-0012")
    assert (made.returncode, made.stdout) == (0, "5000000020240012\n")
    checked = run("legal", "reference", "check", "5000 0000 2024 0012")
    assert (checked.returncode, checked.stdout) == (
        0,
        "valid betalingskenmerk 5000 0000 2024 0012\n",
    )


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (["legal", "costs", "8400", "--vat-uplift"], "961.95\n"),
        (["legal", "costs", "2000000"], "6775.00\n"),
        (["legal", "costs", "1000", "2000"], "425.00\n"),
        (["legal", "costs", "3.000,00"], "425.00\n"),
        (["legal", "costs", "3000,00"], "425.00\n"),
        (["legal", "costs", "3000.00"], "425.00\n"),
        (["legal", "costs", "€ 1.000.000,00"], "6775.00\n"),
        (["legal", "costs", "50", "60", "--business", "--minimum-per-invoice"], "80.00\n"),
        (
            [
                "legal",
                "interest",
                "100",
                "--first-day",
                "2013-02-01",
                "--last-day",
                "2023-10-29",
                "--kind",
                "consumer",
            ],
            "28.94\n",
        ),
        (
            [
                "legal",
                "interest",
                "10000",
                "--first-day",
                "2025-12-17",
                "--last-day",
                "2026-01-15",
                "--kind",
                "consumer",
            ],
            "41.10\n",
        ),
        (
            [
                "legal",
                "interest",
                "10000",
                "--first-day",
                "2026-07-01",
                "--last-day",
                "2026-07-31",
                "--kind",
                "commercial",
                "--confirmed-only",
            ],
            "86.21\n",
        ),
        (["legal", "reference", "make", "INV-12", "--kind", "rf", "--pretty"], "RF89 INV1 2\n"),
        (["legal", "reference", "make", "234534622567", "--length", "14"], "12234534622567\n"),
        (
            ["legal", "reference", "check", "rf18 5390 0754 7034"],
            "valid RF reference RF18 5390 0754 7034\n",
        ),
    ],
)
def test_commands(cli: CliRunner, args: list[str], output: str) -> None:
    result = cli.invoke(main, args)
    assert (result.exit_code, result.stdout) == (0, output)


def test_interest_breakdown(cli: CliRunner) -> None:
    result = cli.invoke(
        main,
        [
            "legal",
            "interest",
            "1000",
            "--first-day",
            "2024-03-15",
            "--last-day",
            "2026-03-14",
            "--kind",
            "consumer",
            "--breakdown",
        ],
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 5 and lines[-1] == "total 127.81"
    assert lines[2].startswith("2025-03-15 .. 2025-12-31   292 d    6.00 %  base      1068.00")
    assert "(+68.00 capitalised)" in lines[2]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["legal", "costs", "--", "-5"], "non-negative"),
        (
            ["legal", "costs", "3.000"],
            (
                "'3.000' is ambiguous (thousands separator or decimal point?): write "
                "3000, 3000.00 or 3.000,00 for 3000 euros, or 3.00 for 3.00 euros"
            ),
        ),
        (["legal", "costs", "1.250.000"], "'1.250.000' is ambiguous"),
        (["legal", "costs", "1,234.56"], "'1,234.56' is not an amount"),
        (["legal", "costs", "12.345"], "is ambiguous"),
        (["legal", "costs"], "Missing argument"),
        (
            [
                "legal",
                "interest",
                "100",
                "--first-day",
                "2024-13-01",
                "--last-day",
                "2024-12-31",
                "--kind",
                "consumer",
            ],
            "2024-13-01",
        ),
        (
            [
                "legal",
                "interest",
                "100",
                "--first-day",
                "2024-02-01",
                "--last-day",
                "2024-01-31",
                "--kind",
                "consumer",
            ],
            "before --first-day",
        ),
        (
            [
                "legal",
                "interest",
                "100",
                "--first-day",
                "2000-01-01",
                "--last-day",
                "2000-01-31",
                "--kind",
                "consumer",
            ],
            "no consumer interest rate known",
        ),
        (
            [
                "legal",
                "interest",
                "100",
                "--first-day",
                "2024-01-01",
                "--last-day",
                "2024-01-31",
                "--kind",
                "b2b",
            ],
            "'b2b' is not one of",
        ),
        (["legal", "reference", "make", "INV-12"], "use make_rf"),
        (["legal", "reference", "make", "12", "--length", "8"], "'8' is not one of"),
        (["legal", "reference", "check", "  "], "empty reference"),
    ],
)
def test_bad_input_exit_2(cli: CliRunner, args: list[str], fragment: str) -> None:
    result = cli.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_bad_rates_file_names_line(cli: CliRunner, tmp_path: Path) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text(
        "kind,effective_from,rate_percent,source\nconsumer,2024-01-01,zeven,x\n", encoding="utf-8"
    )
    result = cli.invoke(
        main,
        [
            "legal",
            "interest",
            "100",
            "--first-day",
            "2024-02-01",
            "--last-day",
            "2024-02-29",
            "--kind",
            "consumer",
            "--rates",
            str(rates),
        ],
    )
    assert result.exit_code == 2
    assert f"{rates}:2: rate_percent is not a number: 'zeven'" in result.output


def test_invalid_reference_exit_1(cli: CliRunner) -> None:
    assert cli.invoke(main, ["legal", "reference", "check", "5000056789012346"]).exit_code == 1
    assert cli.invoke(main, ["legal", "reference", "check", "RF17539007547034"]).exit_code == 1
    seven = cli.invoke(main, ["legal", "reference", "check", "1234567"])
    assert seven.exit_code == 1 and "no check digit" in seven.output


def test_interest_help_says_both_days_are_included_and_how_to_read_published_periods(cli: CliRunner) -> None:
    text = " ".join(cli.invoke(main, ["legal", "interest", "--help"]).output.split())
    assert "Both --first-day and --last-day are interest days (inclusive)" in text
    assert "pass the day before it as --last-day" in text


@pytest.mark.parametrize(
    ("first", "last", "kind", "principal", "total"),
    [
        # research note §4.4, SNS: "1-2-2013 to 30-10-2023", last segment 01-07 → 30-10 = 121 days
        ("2013-02-01", "2023-10-29", "consumer", "100", "28.94"),
        ("2013-02-01", "2023-10-30", "consumer", "100", "28.96"),  # one day too many
        # rate boundary "17-12-2025 → 16-01-2026": 15 days at 6 % + 15 days at 4 %
        ("2025-12-17", "2026-01-15", "consumer", "10000", "41.10"),
        # own examples, already written "up to and including"
        ("2024-03-15", "2026-03-14", "consumer", "1000", "127.81"),
        ("2024-06-01", "2025-09-30", "commercial", "10000", "1570.08"),
    ],
)
def test_the_research_examples_with_inclusive_days(
    cli: CliRunner, first: str, last: str, kind: str, principal: str, total: str
) -> None:
    args = ["legal", "interest", principal, "--first-day", first, "--last-day", last, "--kind", kind]
    assert cli.invoke(main, args).output == f"{total}\n"


def test_an_unconfirmed_rate_is_named_on_stderr_and_stdout_stays_a_number() -> None:
    args = ["legal", "interest", "10000", "--first-day", "2026-07-01", "--last-day", "2026-07-31"]
    used = run(*args, "--kind", "commercial")
    assert used.stdout == "88.33\n"  # 10.000 × 10,40 % × 31/365
    assert "rate of 10.40 % from 2026-07-01 is UNCONFIRMED and was used" in used.stderr
    left_out = run(*args, "--kind", "commercial", "--confirmed-only")
    assert left_out.stdout == "86.21\n"  # 10.000 × 10,15 % × 31/365
    assert "UNCONFIRMED commercial rate of 10.40 % from 2026-07-01 was left out" in left_out.stderr
    assert run(*args, "--kind", "consumer").stderr == ""
