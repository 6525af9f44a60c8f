"""Root click group; every other module in this package adds its own commands via `register`.

Expected failures (ConnectorError) become one clear line on stderr and their exit code;
nothing a user can cause by bad input ends in a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys
from typing import Any

import click

import connector.cli as cli_package
from connector import __version__
from connector.cli.logs import configure_logging
from connector.errors import ConnectorError


class ConnectorGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConnectorError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - last line of defence for the user's terminal
            if os.environ.get("CONNECTOR_DEBUG"):
                raise
            # The traceback is for developers (-vv); the user gets the one line below.
            logging.getLogger("connector").debug("unexpected error", exc_info=True)
            click.echo(f"internal error: {type(exc).__name__}: {exc} (set CONNECTOR_DEBUG=1 for details)",
                       err=True)
            ctx.exit(70)


@click.group(cls=ConnectorGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                   "max_content_width": 100})
@click.version_option(__version__, prog_name="connector")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for HTTP requests).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per line, for log collectors.")
def main(verbose: int, log_format: str) -> None:
    """Receivables connector for Moneybird, Exact Online and e-Boekhouden."""
    configure_logging(verbose, log_format, stream=sys.stderr)


def _register_commands() -> None:
    """Each command module exposes `register(group)`; discovering them keeps this file stable."""
    for info in sorted(pkgutil.iter_modules(cli_package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in ("main", "logs"):
            continue
        module = importlib.import_module(f"connector.cli.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(main)


_register_commands()
