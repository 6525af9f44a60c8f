"""`connector reconcile`: match bank payments to open invoices from two CSV files.

Bad input gives one line naming file:line and column on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from connector.reconcile.csv_io import BadInputFile
from connector.reconcile.csv_run import reconcile_csv
from connector.reconcile.model import ReconcileSettings

HELP = """Match incoming bank payments to open invoices.

\b
invoices.csv columns:
  invoice_id,number,contact_id,contact_name,contact_ibans,invoice_date,
  due_date,currency,total,open_amount,payment_reference
  (contact_ibans separated by ';', dates YYYY-MM-DD, amounts with a dot;
  rows with open_amount 0 are recently paid invoices, used to recognise
  double payments)
mutations.csv columns:
  mutation_id,date,amount,currency,counterparty_name,counterparty_iban,
  description   (incoming money positive; outgoing rows are ignored)

\b
Output columns: mutation_id,invoice_id,amount,status,confidence,reason
  status auto       certain: book it (amount = what this payment pays on the
                    invoice; a part payment leaves the rest open)
  status suggested  a person decides; best first, at most 5 per payment
  status flag       no invoice match but needs attention; the reason starts
                    with the kind: psp_payout (payment-provider payout of
                    many sales), overpayment (invoice_id = the invoice paid
                    twice or overpaid; amount = the excess),
                    not_a_customer_payment (tax refund, interest, loan, own
                    transfer), ambiguous (several payments claim one invoice)
  Payments with no row at all matched nothing.

Bad rows stop the run with file:line and column named (exit code 2), or are
reported on stderr and skipped with --skip-bad-rows.
"""


class BadInput(click.ClickException):
    exit_code = 2


def register(group: click.Group) -> None:
    @group.command("reconcile", help=HELP, short_help="Match bank payments to open invoices (CSV).")
    @click.option(
        "--invoices",
        "invoices",
        required=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="invoices.csv (open and recently paid invoices).",
    )
    @click.option(
        "--mutations",
        "mutations",
        required=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="mutations.csv (bank lines).",
    )
    @click.option(
        "--output",
        "output",
        required=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="Where to write matches.csv.",
    )
    @click.option(
        "--skip-bad-rows", is_flag=True, help="Report bad rows on stderr and go on without them."
    )
    @click.option("--own-iban", "own_ibans", multiple=True, metavar="IBAN",
                  help="An account of the administration itself: money from it is an own transfer (repeatable).")
    @click.option("--own-name", "own_names", multiple=True, metavar="NAME",
                  help="The administration's own (trade) name, for own transfers shown by name (repeatable).")
    def reconcile_command(
        invoices: Path, mutations: Path, output: Path, skip_bad_rows: bool,
        own_ibans: tuple[str, ...], own_names: tuple[str, ...],
    ) -> None:
        settings = ReconcileSettings(own_ibans=own_ibans, own_names=own_names)
        try:
            summary = reconcile_csv(invoices, mutations, output, skip_bad_rows=skip_bad_rows,
                                    settings=settings)
        except BadInputFile as exc:
            raise BadInput(str(exc)) from None
        except OSError as exc:
            raise BadInput(f"{exc.filename or output}: {exc.strerror}") from None
        for bad in summary.bad_rows:
            click.echo(f"skipped {bad}", err=True)
        click.echo(
            f"{summary.incoming} incoming payments: {summary.auto} matched automatically, "
            f"{summary.suggested} with suggestions, {summary.flags} flags; "
            f"{summary.rows_written} rows written to {output}",
            err=True,
        )
