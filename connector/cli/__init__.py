"""The `connector` command line: one module per command group, registered here."""

from __future__ import annotations

from connector.cli.main import main

__all__ = ["main"]
