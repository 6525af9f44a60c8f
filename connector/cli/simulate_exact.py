"""`connector simulate exact`: a local Exact Online (login + API), no account needed."""

from __future__ import annotations

import click


@click.command("exact")
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the generated data.")
@click.option(
    "--invoices",
    type=int,
    default=60,
    show_default=True,
    help="Open receivables in the main division.",
)
def simulate_exact(port: int, seed: int, invoices: int) -> None:
    """Serve the Exact Online simulator; print base URL, division, client id/secret and a login."""
    from adapters.exact_online.simulator import main as run

    raise SystemExit(run(["--port", str(port), "--seed", str(seed), "--invoices", str(invoices)]))


def register(group: click.Group) -> None:
    simulate = group.commands.get("simulate")
    if isinstance(simulate, click.Group):
        simulate.add_command(simulate_exact)
