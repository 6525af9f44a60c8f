"""`connector import-bank FILE...`: read camt.053/052/054 and MT940 bank statement files.

With --output the mutations go to a CSV (nothing is stored); with --config and --admin they
are stored as bank lines of that administration (duplicates skipped by their stable key);
otherwise a summary per file. Exit codes: 0 all files read, 1 some file failed (the others are still
used), 2 no usable input at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from connector.bankfiles import FileSummary, ImportResult, import_files, write_mutations_csv

EXIT_OK, EXIT_SOME_FAILED, EXIT_NO_INPUT = 0, 1, 2


def summary_table(files: Sequence[FileSummary]) -> str:
    """An aligned text table: file, format, bank, masked account, rows, period, balance check."""
    header = ("FILE", "FORMAT", "BANK", "ACCOUNT", "ROWS", "PERIOD", "BALANCES")
    rows = [header]
    for summary in files:
        period = f"{summary.period[0]} .. {summary.period[1]}" if summary.period else "-"
        balances = {True: "ok", False: "do not add up", None: "-"}[summary.balance_ok]
        count = str(summary.rows) + (f" (+{summary.duplicates} dup)" if summary.duplicates else "")
        rows.append((summary.file, summary.format, summary.bank or "?", summary.masked_accounts or "?",
                     count, period, balances))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) if i != 4 else cell.rjust(widths[i]) for i, cell in enumerate(row)).rstrip()
             for row in rows]
    return "\n".join(lines)


def exit_code(result: ImportResult) -> int:
    if not result.files:
        return EXIT_NO_INPUT
    return EXIT_SOME_FAILED if result.errors else EXIT_OK


@click.command("import-bank")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Write the mutations to this CSV ('-' for stdout) instead of storing them.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), envvar="CONNECTOR_CONFIG",
              help="Store the lines in this config's state store (needs --admin).")
@click.option("--admin", "admin_key", help="The administration the statements belong to.")
@click.pass_context
def import_bank_command(ctx: click.Context, files: tuple[Path, ...], output: Path | None,
                        config_path: Path | None, admin_key: str | None) -> None:
    """Read bank statement files (camt.053/052/054 XML or MT940, any bank, detected by content).

    Files that cannot be read are listed on stderr with the line that failed; the other
    files are still read. Payments already seen in an earlier file are counted once.
    """
    admin = None
    if output is None and (config_path is not None or admin_key is not None):
        if config_path is None or admin_key is None:
            raise click.UsageError("storing needs both --config and --admin")
        from connector.cli._common import open_config

        config = open_config(config_path)
        admin = config.administration(admin_key)
    # a statement of another account than the administration's own is refused whole
    account = admin.bank_files.account_iban if admin else None
    new = 0
    if admin is not None and output is None:
        from connector.cli._common import open_store
        from connector.service.bank_import import import_and_store

        # against the stored run state, so a page delivered in a later file counts on
        result, new = import_and_store(open_store(config), admin.key, files, account_iban=account)
    else:
        result = import_files(files, account=account)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    code = exit_code(result)
    if code == EXIT_NO_INPUT:
        click.echo("no usable bank file", err=True)
        ctx.exit(code)
    if output is not None:
        written = write_mutations_csv(result.mutations, output)
        target = "stdout" if str(output) == "-" else str(output)
        click.echo(f"{written} mutations from {len(result.files)} file(s) written to {target}", err=True)
    elif admin is not None:
        click.echo(summary_table(result.files))
        click.echo(f"{new} new bank lines stored for {admin.key} "
                   f"({len(result.mutations) - new} already known)")
    else:
        click.echo(summary_table(result.files))
    ctx.exit(code)


def register(group: click.Group) -> None:
    group.add_command(import_bank_command)
