"""`connector legal …`: collection costs, statutory interest and payment references from the shell.

Output is a plain number (``425.00``) so scripts can use it; bad input gives one message on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import click

from connector.legal.costs import DebtorKind, collection_costs
from connector.legal.interest import LeapDayRule, statutory_interest
from connector.legal.rates import InterestKind, RateTableError, load_rates
from connector.legal.references import (
    format_betalingskenmerk,
    format_rf,
    is_valid_betalingskenmerk,
    is_valid_rf,
    make_betalingskenmerk,
    make_rf,
    normalise_reference,
)
from connector.money import D, quantize


class BadInput(click.ClickException):
    """A user error found after parsing (e.g. a bad rates file): message + exit code 2."""

    exit_code = 2


_PLAIN = re.compile(r"-?\d+(?:\.\d{1,2})?")  # 3000, 3000.5, 3000.00
_DUTCH = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d{1,2}")  # 3.000,00, 3000,00
_DOT_GROUPED = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+")  # 3.000: three thousand in Dutch, three in English


class AmountType(click.ParamType):
    """Euros as Decimal: ``3000``, ``3000.50``, ``3.000,50`` or ``3000,50``; never a float.

    ``3.000`` is refused: a Dutch reader means three thousand, Python reads three. A thousands
    separator needs the decimals that make it unambiguous (``3.000,00``).
    """

    name = "AMOUNT"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace("€", "").replace("_", "").replace(" ", "").replace("\u00a0", "")
        if _DOT_GROUPED.fullmatch(text):
            whole = text.replace(".", "")
            other = f", or {Decimal(text):.2f} for {Decimal(text):.2f} euros" if text.count(".") == 1 else ""
            self.fail(f"{value!r} is ambiguous (thousands separator or decimal point?): write {whole}, "
                      f"{whole}.00 or {text},00 for {whole} euros{other}", param, ctx)
        if _DUTCH.fullmatch(text):
            text = text.replace(".", "").replace(",", ".")
        elif not _PLAIN.fullmatch(text):
            self.fail(f"{value!r} is not an amount (use e.g. 3000, 3000.50, 3.000,50 or 3000,50)", param, ctx)
        amount = D(text)
        if amount < 0:
            self.fail(f"{value!r} must be a non-negative amount", param, ctx)
        return amount


AMOUNT = AmountType()
ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _as_date(value: datetime) -> date:
    return value.date()


@click.group(name="legal")
def legal() -> None:
    """Dutch collection law: incassokosten, wettelijke rente, betalingskenmerk/RF."""


@legal.command(name="costs")
@click.argument("principals", nargs=-1, required=True, type=AMOUNT, metavar="PRINCIPAL...")
@click.option(
    "--vat-uplift", is_flag=True, help="Add BTW: only when the creditor cannot deduct VAT."
)
@click.option(
    "--vat-percent", type=AMOUNT, default="21", show_default=True, help="BTW rate for the uplift."
)
@click.option("--business", is_flag=True, help="Debtor is a business (B2B € 40 minimum rules).")
@click.option(
    "--minimum-per-invoice",
    is_flag=True,
    help="B2B: € 40 minimum per invoice (UNCONFIRMED rule, off by default).",
)
def costs_command(
    principals: tuple[Decimal, ...],
    vat_uplift: bool,
    vat_percent: Decimal,
    business: bool,
    minimum_per_invoice: bool,
) -> None:
    """Buitengerechtelijke incassokosten (BIK staffel) over the summed PRINCIPAL amounts."""
    result = collection_costs(
        principals,
        debtor=DebtorKind.BUSINESS if business else DebtorKind.CONSUMER,
        vat_uplift=vat_uplift,
        vat_percent=vat_percent,
        b2b_minimum_per_invoice=minimum_per_invoice,
    )
    click.echo(f"{result.total:.2f}")


@legal.command(name="interest")
@click.argument("principal", type=AMOUNT)
@click.option(
    "--first-day",
    required=True,
    type=ISO_DATE,
    help="First interest day (YYYY-MM-DD), included: for handelsrente the day after the due date.",
)
@click.option(
    "--last-day",
    required=True,
    type=ISO_DATE,
    help="Last interest day (YYYY-MM-DD), included. A period written 'from A to B' with B the "
    "payment or next-period day (as in most published tables) ends the day before B.",
)
@click.option(
    "--kind",
    required=True,
    type=click.Choice([k.value for k in InterestKind]),
    help="consumer = art. 6:119 BW, commercial = art. 6:119a BW.",
)
@click.option("--breakdown", is_flag=True, help="Show every segment (rate change / anniversary).")
@click.option(
    "--rates",
    "rates_path",
    type=click.Path(dir_okay=False),
    help="Use this rates CSV instead of the shipped one.",
)
@click.option(
    "--confirmed-only", is_flag=True, help="Ignore rates marked UNCONFIRMED in the table."
)
@click.option("--simple", is_flag=True, help="No yearly compounding.")
@click.option(
    "--leap-day",
    type=click.Choice([r.value for r in LeapDayRule]),
    default=LeapDayRule.FEB_28.value,
    show_default=True,
    help="Anniversary of a 29 February start in a common year.",
)
def interest_command(
    principal: Decimal,
    first_day: datetime,
    last_day: datetime,
    kind: str,
    breakdown: bool,
    rates_path: str | None,
    confirmed_only: bool,
    simple: bool,
    leap_day: str,
) -> None:
    """Statutory interest on PRINCIPAL, Actual/365, compounded yearly.

    Both --first-day and --last-day are interest days (inclusive): 1 to 31 January is 31 days.
    Tables that write a period as "01-02-2013 → 01-02-2014" (365 days) count the end day out;
    pass the day before it as --last-day.
    """
    start, end = _as_date(first_day), _as_date(last_day)
    if end < start:
        raise click.BadParameter(
            f"{end.isoformat()} is before --first-day {start.isoformat()}", param_hint="--last-day"
        )
    try:
        table = load_rates(rates_path)
        if confirmed_only:
            table = table.confirmed_only()
        result = statutory_interest(
            principal,
            start,
            end,
            kind,
            table=table,
            compound=not simple,
            leap_day=LeapDayRule(leap_day),
        )
    except (RateTableError, ValueError) as exc:
        raise BadInput(str(exc)) from None
    for row in table.unconfirmed_between(kind, start, end):  # on stderr: stdout stays a plain number
        if table.is_charged(row):
            click.echo(f"note: the {row.kind.value} rate of {row.rate_percent} % from "
                       f"{row.effective_from.isoformat()} is UNCONFIRMED and was used; --confirmed-only leaves "
                       "it out, as the dunning run does by default", err=True)
        else:
            click.echo(f"note: the UNCONFIRMED {row.kind.value} rate of {row.rate_percent} % from "
                       f"{row.effective_from.isoformat()} was left out; the last confirmed rate continues", err=True)
    if breakdown:
        for segment in result.segments:
            added = (
                f"  (+{quantize(segment.capitalised_at_start):.2f} capitalised)"
                if segment.capitalised_at_start
                else ""
            )
            click.echo(
                f"{segment.start.isoformat()} .. {segment.end.isoformat()}  {segment.days:>4} d  "
                f"{segment.rate_percent:>6.2f} %  base {quantize(segment.base):>12.2f}  "
                f"interest {segment.interest_rounded:>10.2f}{added}"
            )
        click.echo(f"total {result.total:.2f}")
    else:
        click.echo(f"{result.total:.2f}")


@legal.group(name="reference")
def reference() -> None:
    """Make or check a betalingskenmerk or an ISO 11649 RF reference."""


@reference.command(name="make")
@click.argument("number")
@click.option(
    "--kind",
    type=click.Choice(["betalingskenmerk", "rf"]),
    default="betalingskenmerk",
    show_default=True,
)
@click.option(
    "--length",
    type=click.Choice(["7", "9", "10", "11", "12", "13", "14", "16"]),
    default="16",
    show_default=True,
    help="Betalingskenmerk length.",
)
@click.option("--pretty", is_flag=True, help="Print in groups of four.")
def make_command(number: str, kind: str, length: str, pretty: bool) -> None:
    """Reference for invoice NUMBER."""
    try:
        if kind == "rf":
            made = make_rf(number)
            click.echo(format_rf(made) if pretty else made)
        else:
            made = make_betalingskenmerk(number, int(length))
            click.echo(format_betalingskenmerk(made) if pretty else made)
    except ValueError as exc:
        raise BadInput(str(exc)) from None


@reference.command(name="check")
@click.argument("ref")
def check_command(ref: str) -> None:
    """Validate REF: exit 0 when valid, 1 when the check digits or format are wrong."""
    compact = normalise_reference(ref)
    if not compact:
        raise BadInput("empty reference")
    if compact.startswith("RF"):
        if is_valid_rf(compact):
            click.echo(f"valid RF reference {format_rf(compact)}")
            return
        click.echo(f"invalid RF reference {ref!r}: wrong check digits or format", err=True)
    else:
        if is_valid_betalingskenmerk(compact):
            click.echo(f"valid betalingskenmerk {format_betalingskenmerk(compact)}")
            return
        if compact.isdigit() and len(compact) == 7:
            click.echo("7-digit betalingskenmerk: no check digit, cannot be verified", err=True)
        else:
            click.echo(
                f"invalid betalingskenmerk {ref!r}: wrong check digit, length or characters",
                err=True,
            )
    raise SystemExit(1)


def register(group: click.Group) -> None:
    group.add_command(legal)
