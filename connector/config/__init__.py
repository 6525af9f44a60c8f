"""Configuration: one YAML file validated against a schema, errors pointing at file:line."""

from connector.config.loader import load_config
from connector.config.schema import AdministrationConfig, ConnectorConfig

__all__ = ["AdministrationConfig", "ConnectorConfig", "load_config"]
