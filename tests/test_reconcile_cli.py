"""`connector reconcile`: CSV in, matches.csv out, bad input named by file:line and column."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from connector.cli.main import main
from connector.reconcile.csv_io import INVOICE_CSV_COLUMNS, MUTATION_CSV_COLUMNS, OUTPUT_COLUMNS

DATA = Path(__file__).resolve().parent / "data" / "reconcile"
GOLDEN = DATA / "tricky_matches.csv"

INVOICES = [
    (
        "invoice_id,number,contact_id,contact_name,contact_ibans,invoice_date,due_date,currency,total,open_amount,"
        "payment_reference"
    ),
    "i1,2026-0041,c1,Jansen ICT B.V.,NL91ABNA0417164300,2026-01-05,2026-02-04,EUR,121.00,121.00,",
    "i2,2026-0042,c1,Jansen ICT B.V.,NL91ABNA0417164300,2026-01-06,2026-02-05,EUR,60.50,60.50,",
]
MUTATIONS = [
    "mutation_id,date,amount,currency,counterparty_name,counterparty_iban,description",
    "m1,2026-02-10,121.00,EUR,JANSEN ICT BV,NL91ABNA0417164300,Factuur 2026-0041",
    'm2,2026-02-10,60.50,EUR,JANSEN ICT BV,NL91ABNA0417164300,"betaling\nover twee regels"',
    "m3,2026-02-11,1500.00,EUR,Stichting Mollie Payments,,Uitbetaling st.nr. 8812",
]


def write(folder: Path, invoices: list[str], mutations: list[str]) -> tuple[Path, Path, Path]:
    inv, mut = folder / "invoices.csv", folder / "mutations.csv"
    inv.write_text("\n".join(invoices) + "\n", encoding="utf-8")
    mut.write_text("\n".join(mutations) + "\n", encoding="utf-8")
    return inv, mut, folder / "matches.csv"


def invoke(*args: str):
    return CliRunner().invoke(main, ["reconcile", *args], catch_exceptions=False)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_matches_flags_and_exact_output_columns(tmp_path):
    inv, mut, out = write(tmp_path, INVOICES, MUTATIONS)
    result = invoke("--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    assert [(r["mutation_id"], r["invoice_id"], r["amount"], r["status"]) for r in rows] == [
        ("m1", "i1", "121.00", "auto"),
        ("m2", "i2", "60.50", "auto"),
        ("m3", "", "1500.00", "flag"),
    ]
    assert rows[2]["reason"].startswith("psp_payout: ")
    assert "3 incoming payments: 2 matched automatically" in result.output


def test_golden_output_of_the_tricky_table(tmp_path):
    out = tmp_path / "matches.csv"
    result = invoke(
        "--invoices",
        str(DATA / "tricky_invoices.csv"),
        "--mutations",
        str(DATA / "tricky_mutations.csv"),
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.copyfile(out, GOLDEN)
    assert out.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")


def test_the_installed_command_runs_in_a_subprocess(tmp_path, cli):
    inv, mut, out = write(tmp_path, INVOICES, MUTATIONS)
    done = cli("reconcile", "--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert len(read_rows(out)) == 3


@pytest.mark.parametrize(
    ("which", "line", "column", "text"),
    [
        ("mutations", 3, "amount", "m2,2026-02-10,€ 60.50,EUR,X,,y"),
        ("mutations", 3, "date", "m2,10-02-2026,60.50,EUR,X,,y"),
        ("mutations", 3, "mutation_id", "m1,2026-02-10,60.50,EUR,X,,y"),
        (
            "invoices",
            3,
            "open_amount",
            "i2,2026-0042,c1,Jansen,,2026-01-06,2026-02-05,EUR,60.50,zestig,",
        ),
        (
            "invoices",
            3,
            "currency",
            "i2,2026-0042,c1,Jansen,,2026-01-06,2026-02-05,EURO,60.50,60.50,",
        ),
        (
            "invoices",
            3,
            "contact_id",
            "i2,2026-0042,,Jansen,,2026-01-06,2026-02-05,EUR,60.50,60.50,",
        ),
    ],
)
def test_a_bad_value_names_file_line_and_column_with_exit_2(tmp_path, which, line, column, text):
    invoices, mutations = list(INVOICES), [MUTATIONS[0], MUTATIONS[1], MUTATIONS[3]]
    target = invoices if which == "invoices" else mutations
    target[2] = text
    inv, mut, out = write(tmp_path, invoices, mutations)
    result = invoke("--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert result.exit_code == 2
    path = inv if which == "invoices" else mut
    assert f"{path}:{line}: column '{column}'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_line_numbers_count_quoted_line_breaks(tmp_path):
    mutations = MUTATIONS + ["m4,2026-02-12,abc,EUR,X,,y"]
    inv, mut, out = write(tmp_path, INVOICES, mutations)
    result = invoke("--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert result.exit_code == 2
    assert f"{mut}:6: column 'amount': not an amount like 1234.56 (got 'abc')" in result.output


def test_a_row_with_too_many_fields_is_named(tmp_path):
    mutations = MUTATIONS + ["m4,2026-02-12,1.00,EUR,X,,y,extra"]
    inv, mut, out = write(tmp_path, INVOICES, mutations)
    result = invoke("--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert result.exit_code == 2
    assert f"{mut}:6: column '(row)': expected 7 fields, found 8" in result.output


def test_skip_bad_rows_reports_and_goes_on(tmp_path):
    mutations = MUTATIONS + ["m4,2026-02-12,abc,EUR,X,,y", "m5,2026-02-12,1.00,EUR,X,,y,extra"]
    inv, mut, out = write(tmp_path, INVOICES, mutations)
    result = invoke(
        "--invoices", str(inv), "--mutations", str(mut), "--output", str(out), "--skip-bad-rows"
    )
    assert result.exit_code == 0, result.output
    assert f"skipped {mut}:6: column 'amount'" in result.output
    assert f"skipped {mut}:7: column '(row)'" in result.output
    assert {r["mutation_id"] for r in read_rows(out)} == {"m1", "m2", "m3"}


def test_missing_column_and_missing_file(tmp_path):
    header_only = [MUTATIONS[0].replace(",description", "")]
    inv, mut, out = write(tmp_path, INVOICES, header_only)
    result = invoke("--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert result.exit_code == 2
    assert f"{mut}:1: missing column(s) description" in result.output
    result = invoke(
        "--invoices", str(tmp_path / "nope.csv"), "--mutations", str(mut), "--output", str(out)
    )
    assert result.exit_code == 2
    assert "nope.csv: no such file" in result.output


def test_empty_files_with_headers_give_an_empty_result(tmp_path):
    inv, mut, out = write(
        tmp_path, [",".join(INVOICE_CSV_COLUMNS)], [",".join(MUTATION_CSV_COLUMNS)]
    )
    result = invoke("--invoices", str(inv), "--mutations", str(mut), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert read_rows(out) == []


def test_help_documents_the_flag_rows():
    result = CliRunner().invoke(main, ["reconcile", "--help"])
    assert result.exit_code == 0
    for words in ("status flag", "psp_payout", "overpayment", "--skip-bad-rows", "contact_ibans"):
        assert words in result.output
