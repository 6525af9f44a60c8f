"""Root click group; each command lives in its own module and is added below."""

from __future__ import annotations

import importlib

import click

from connector import __version__

COMMAND_MODULES = ()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="connector")
def main() -> None:
    """Receivables connector for Moneybird, Exact Online and e-Boekhouden."""


for _module in COMMAND_MODULES:
    importlib.import_module(f"connector.cli.{_module}").register(main)
