"""The shop window: a full cycle against local simulators of every package, in about a minute.

It starts the simulators in-process, writes a real config file (secrets passed through
environment variables named in it, as a headless server would), runs the same cycle as
`connector run`, and leaves config, state database, letters, mails and the summary in
the output folder so a newcomer can open them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

MARKER = ".connector-demo"


@dataclass
class DemoSystems:
    """Running simulators and the config that points at them."""

    config_path: Path
    simulators: list[Any] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)


def prepare_output(path: Path) -> Path:
    """A fresh output folder; refuses to wipe a folder the demo did not create."""
    if path.exists() and any(path.iterdir()):
        if not (path / MARKER).exists():
            raise FileExistsError(f"{path} exists and was not made by `connector demo`; choose another --output")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text("made by connector demo\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def demo_systems(out: Path, *, today: date, invoices: int = 60, seed: int = 7) -> Iterator[DemoSystems]:
    from adapters.moneybird.simulator import MoneybirdSimulator

    moneybird = MoneybirdSimulator(seed=seed, invoices=invoices, today=today)
    moneybird.start()
    systems = DemoSystems(config_path=out / "config.yaml", simulators=[moneybird])
    systems.env["CONNECTOR_DEMO_MONEYBIRD_TOKEN"] = moneybird.token
    administrations: list[dict[str, Any]] = [{
        "key": "bakkerij-de-vries",
        "name": "Bakkerij De Vries B.V.",
        "package": "moneybird",
        "moneybird": {
            "administration_id": moneybird.administration_id,
            "base_url": moneybird.base_url,
            "token_env": "CONNECTOR_DEMO_MONEYBIRD_TOKEN",
        },
        "payments": {"book": "auto"},
    }]
    config = {
        "state": {"url": "sqlite:///state.db"},
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "output_dir": "output",
        "smtp": {"sender": "debiteuren@demo.example.nl", "mailbox_dir": "mailbox"},
        "summary": {"recipients": ["accountant@demo.example.nl"], "combined": True},
        "administrations": administrations,
    }
    header = "# Written by `connector demo`: points at local simulators; secrets come from environment variables.\n"
    systems.config_path.write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                   encoding="utf-8")
    previous = {k: os.environ.get(k) for k in systems.env}
    os.environ.update(systems.env)
    try:
        yield systems
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for simulator in systems.simulators:
            simulator.stop()
