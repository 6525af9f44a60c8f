"""Shared CLI plumbing: the --config option and opening the config and the store."""

from __future__ import annotations

from pathlib import Path

import click

from connector.config import ConnectorConfig, load_config
from connector.store import Store

config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default="config.yaml", show_default=True,
    envvar="CONNECTOR_CONFIG", help="The connector's YAML config (env CONNECTOR_CONFIG).",
)


def open_config(path: Path) -> ConnectorConfig:
    return load_config(path)


def open_store(config: ConnectorConfig) -> Store:
    return Store.open(config.state_url)


def state_dir(config: ConnectorConfig) -> Path:
    """Folder for lock files and other local state, next to the config file."""
    base = config.source_path.parent if config.source_path else Path.cwd()
    folder = base / ".connector"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
