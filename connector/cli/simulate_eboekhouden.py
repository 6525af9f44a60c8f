"""`connector simulate eboekhouden`: run the local e-Boekhouden simulator in the foreground."""

from __future__ import annotations

import click


@click.command("eboekhouden")
@click.option("--port", type=int, default=0, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the generated administration.")
@click.option("--invoices", type=int, default=60, show_default=True, help="Open debtor invoices (up to 20,000).")
def simulate_eboekhouden(port: int, seed: int, invoices: int) -> None:
    """Serve a seeded e-Boekhouden REST API; prints the base URL and the API token to configure."""
    from adapters.eboekhouden.simulator import main as run_simulator

    raise SystemExit(run_simulator(["--port", str(port), "--seed", str(seed), "--invoices", str(invoices)]))


def register(group: click.Group) -> None:
    """Add to the `simulate` group (created by simulate.py, which registers first)."""
    simulate = group.commands.get("simulate")
    if not isinstance(simulate, click.Group):  # simulate.py not there (yet): provide the group
        simulate = click.Group("simulate", help="Run a local simulator of a bookkeeping package's API.")
        group.add_command(simulate)
    simulate.add_command(simulate_eboekhouden)
