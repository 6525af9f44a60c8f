"""Build the right adapter for an administration from its config section and stored secrets."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from adapters.base import Adapter
from connector.clock import SYSTEM_CLOCK, Clock
from connector.config.schema import AdministrationConfig
from connector.records import Package
from connector.secrets import KeyringTokenVault, secret_reader

ADAPTER_MODULES = {
    Package.MONEYBIRD: "adapters.moneybird.adapter",
    Package.EXACT: "adapters.exact_online.adapter",
    Package.EBOEKHOUDEN: "adapters.eboekhouden.adapter",
}

# Which environment-variable setting names which secret, per package.
SECRET_ENV_KEYS = {
    Package.MONEYBIRD: {"api_token": "token_env"},
    Package.EXACT: {"client_id": "client_id_env"},
    Package.EBOEKHOUDEN: {"api_token": "token_env"},
}


def build_adapter(admin: AdministrationConfig, *, clock: Clock = SYSTEM_CLOCK, state_dir: Path,
                  token_vault: object | None = None) -> Adapter:
    settings = admin.vendor_settings.model_dump()
    env_names = {secret: settings.get(key) for secret, key in SECRET_ENV_KEYS[admin.package].items()}
    settings["name"] = admin.name
    module = importlib.import_module(ADAPTER_MODULES[admin.package])
    accepted = inspect.signature(module.build_adapter).parameters
    optional = {"since": admin.sync.since, "token_vault": token_vault or KeyringTokenVault(),
                "admin_key": admin.key, "administration": admin.key}
    kwargs = {name: value for name, value in optional.items() if name in accepted}
    return module.build_adapter(
        settings, secret=secret_reader(admin.key, env_names), clock=clock, state_dir=state_dir, **kwargs
    )
