"""`connector simulate VENDOR`: run a vendor simulator in the foreground to try things without credentials."""

from __future__ import annotations

import click


@click.group("simulate")
def simulate_group() -> None:
    """Run a local simulator of a package's API (no credentials or internet needed)."""


@simulate_group.command("moneybird")
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the generated data.")
@click.option("--invoices", type=int, default=60, show_default=True, help="Number of sales invoices.")
def simulate_moneybird(port: int, seed: int, invoices: int) -> None:
    """Serve the Moneybird API v2 simulator and print its base URL, administration id and token."""
    from adapters.moneybird.simulator import main as run

    raise SystemExit(run(["--port", str(port), "--seed", str(seed), "--invoices", str(invoices)]))


def register(group: click.Group) -> None:
    group.add_command(simulate_group)
